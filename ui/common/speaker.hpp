// Speech for the audio ballot: Qt TextToSpeech with the offline flite engine when it is installed
// (Debian's qt6-speech-flite-plugin), any other engine otherwise. Whatever is said is also kept
// as `lastSpoken`, so tests can follow the audio ballot without a sound card.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

class QTextToSpeech;

namespace psephos::ui {

class Speaker : public QObject {
    Q_OBJECT
public:
    // engine: false for no speech engine at all (text is still recorded).
    explicit Speaker(bool engine, QObject* parent = nullptr);
    ~Speaker() override;

    void say(const QString& text);
    void stop();
    void setLocale(const QString& language);  // "en", "es"
    QString lastSpoken() const { return m_last; }
    // Stops speaking and wipes the last text (it may name a voter's marks).
    void forget();
    // The engine in use ("flite", …) or empty when there is none.
    QString engineName() const { return m_engineName; }

signals:
    void spoken(const QString& text);

private:
    std::unique_ptr<QTextToSpeech> m_tts;
    QString m_engineName;
    QString m_last;
};

}  // namespace psephos::ui
