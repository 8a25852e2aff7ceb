#include "speaker.hpp"

#include "secret_wipe.hpp"

#include <QLocale>
#include <QTextToSpeech>

namespace psephos::ui {

Speaker::Speaker(bool engine, QObject* parent) : QObject(parent) {
    if (!engine) return;
    const QStringList engines = QTextToSpeech::availableEngines();
    if (engines.isEmpty()) return;
    m_engineName =
        engines.contains(QStringLiteral("flite")) ? QStringLiteral("flite") : engines.first();
    m_tts = std::make_unique<QTextToSpeech>(m_engineName);
    if (m_tts->state() == QTextToSpeech::Error) {
        m_tts.reset();
        m_engineName.clear();
    }
}

Speaker::~Speaker() = default;

void Speaker::say(const QString& text) {
    m_last = text;
    if (m_tts) {
        m_tts->stop();
        m_tts->say(text);
    }
    emit spoken(text);
}

void Speaker::forget() {
    stop();
    wipeString(m_last);
}

void Speaker::stop() {
    if (m_tts) m_tts->stop();
}

void Speaker::setLocale(const QString& language) {
    if (!m_tts) return;
    const QLocale wanted(language);
    for (const QLocale& locale : m_tts->availableLocales()) {
        if (locale.language() == wanted.language()) {
            m_tts->setLocale(locale);
            return;
        }
    }
}

}  // namespace psephos::ui
