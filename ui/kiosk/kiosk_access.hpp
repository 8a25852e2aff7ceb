// The voter's accessibility settings and language (the controller's `access`, docs/kiosk.md §4):
// text size, contrast, language (the kiosk's translator, the engine retranslated), audio and the
// audio-only mode, and the speaker that reads the screens aloud. Reset for each voter. What is
// read aloud is the controller's (it knows the screen); this object says it and keeps the last
// text (which can name a voter's marks) only until forget() wipes it.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QString>
#include <QStringList>
#include <memory>

class QTranslator;

namespace psephos::ui {

class Speaker;

class KioskAccess : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's accessibility settings (kiosk.access)")
    Q_PROPERTY(int textSize READ textSize WRITE setTextSize NOTIFY changed)  // 0…3
    Q_PROPERTY(double fontScale READ fontScale NOTIFY changed)
    // 0…3, the palettes of Theme.qml (standard, high contrast light and dark, yellow on black)
    Q_PROPERTY(int contrast READ contrast WRITE setContrast NOTIFY changed)
    Q_PROPERTY(QStringList contrastNames READ contrastNames NOTIFY languageChanged)
    Q_PROPERTY(
        QString language READ language WRITE setLanguage NOTIFY languageChanged)  // "en", "es"
    Q_PROPERTY(bool audio READ audio WRITE setAudio NOTIFY changed)
    Q_PROPERTY(bool audioOnly READ audioOnly WRITE setAudioOnly NOTIFY changed)
    Q_PROPERTY(QString lastSpoken READ lastSpoken NOTIFY spoken)

public:
    // speech: create a QTextToSpeech engine (tests may not).
    explicit KioskAccess(bool speech, QObject* parent = nullptr);
    ~KioskAccess() override;

    // For retranslating when the language changes.
    void setEngine(QQmlEngine* engine) { m_engine = engine; }

    int textSize() const { return m_textSize; }
    double fontScale() const;
    int contrast() const { return m_contrast; }
    QStringList contrastNames() const;
    QString language() const { return m_language; }
    bool audio() const { return m_audio; }
    bool audioOnly() const { return m_audioOnly; }
    QString lastSpoken() const { return m_lastSpoken; }
    // The screens are read aloud (audio, or the audio-only mode).
    bool speaking() const { return m_audio || m_audioOnly; }

    void setTextSize(int size);
    void setContrast(int mode);
    void setLanguage(const QString& language);
    void setAudio(bool on);
    void setAudioOnly(bool on);

    // Says the text if the screens are read aloud, or `anyway` (the voter asked to hear it).
    void say(const QString& text, bool anyway = false);
    // Wipes the text said last (the speaker's copy first, so that lastSpoken is its only owner
    // here): it can name the voter's marks.
    void forget();
    // The next voter's defaults: standard text and contrast, no audio, English.
    void reset();

signals:
    void changed();
    void languageChanged();
    // Audio or the audio-only mode was switched: the controller reads the screen.
    void audioSwitched();
    void spoken();

private:
    QPointer<QQmlEngine> m_engine;
    std::unique_ptr<QTranslator> m_translator;
    std::unique_ptr<Speaker> m_speaker;
    int m_textSize = 0;
    int m_contrast = 0;
    QString m_language = QStringLiteral("en");
    bool m_audio = false;
    bool m_audioOnly = false;
    QString m_lastSpoken;
};

}  // namespace psephos::ui
