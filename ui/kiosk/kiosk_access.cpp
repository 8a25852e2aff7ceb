// The voter's accessibility settings and language (kiosk_access.hpp, docs/kiosk.md §4).
#include "kiosk_access.hpp"

#include <QCoreApplication>
#include <QTranslator>
#include <array>

#include "secret_wipe.hpp"
#include "speaker.hpp"

namespace psephos::ui {

namespace {

constexpr std::array<double, 4> font_scales{1.0, 1.3, 1.65, 2.0};

}  // namespace

KioskAccess::KioskAccess(bool speech, QObject* parent)
    : QObject(parent), m_speaker(std::make_unique<Speaker>(speech)) {}

KioskAccess::~KioskAccess() = default;

// ----------------------------------------------------------------------------- audio

void KioskAccess::say(const QString& text, bool anyway) {
    if (!anyway && !m_audio && !m_audioOnly) return;
    m_speaker->say(text);
    m_lastSpoken = text;
    emit spoken();
}

void KioskAccess::forget() {
    m_speaker->forget();  // first, so that m_lastSpoken is the text's only owner here
    wipeString(m_lastSpoken);
    emit spoken();
}

// ----------------------------------------------------------------------------- accessibility

double KioskAccess::fontScale() const {
    return font_scales.at(static_cast<std::size_t>(m_textSize));
}

void KioskAccess::setTextSize(int size) {
    if (size < 0 || size > 3 || size == m_textSize) return;
    m_textSize = size;
    emit changed();
}

void KioskAccess::setContrast(int mode) {
    if (mode < 0 || mode > 3 || mode == m_contrast) return;
    m_contrast = mode;
    emit changed();
}

QStringList KioskAccess::contrastNames() const {
    return {tr("Standard"), tr("High contrast light"), tr("High contrast dark"),
            tr("Yellow on black")};
}

void KioskAccess::setLanguage(const QString& language) {
    if (language == m_language) return;
    if (language != QStringLiteral("en") && language != QStringLiteral("es")) return;
    if (m_translator) {
        QCoreApplication::removeTranslator(m_translator.get());
        m_translator.reset();
    }
    if (language != QStringLiteral("en")) {
        auto translator = std::make_unique<QTranslator>();
        if (translator->load(QStringLiteral(":/i18n/kiosk_") + language + QStringLiteral(".qm"))) {
            QCoreApplication::installTranslator(translator.get());
            m_translator = std::move(translator);
        }
    }
    m_language = language;
    m_speaker->setLocale(language);
    if (m_engine) m_engine->retranslate();
    emit languageChanged();
}

void KioskAccess::setAudio(bool on) {
    if (on == m_audio) return;
    m_audio = on;
    if (!on) m_speaker->stop();
    emit changed();
    emit audioSwitched();
}

void KioskAccess::setAudioOnly(bool on) {
    if (on == m_audioOnly) return;
    m_audioOnly = on;
    if (on) m_audio = true;
    emit changed();
    emit audioSwitched();
}

void KioskAccess::reset() {
    m_textSize = 0;
    m_contrast = 0;
    m_audio = false;
    m_audioOnly = false;
    m_speaker->stop();
    emit changed();
    setLanguage(QStringLiteral("en"));
}

}  // namespace psephos::ui
