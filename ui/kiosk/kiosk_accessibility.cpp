// The kiosk controller's accessible side (kiosk_controller.hpp): keyboard and tactile keypad
// navigation, the spoken ballot, text size, contrast and language (docs/kiosk.md §4).
#include <QCoreApplication>
#include <QTranslator>
#include <array>

#include "kiosk_controller.hpp"
#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"
#include "speaker.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // is_voter_screen() and q()

namespace {

constexpr std::array<double, 4> font_scales{1.0, 1.3, 1.65, 2.0};

}  // namespace

// ----------------------------------------------------------------------------- keyboard

int KioskController::cursorLimit() const {
    if (m_screen == Screen::Contest && m_session)
        return static_cast<int>(
            m_session->contest(static_cast<std::size_t>(m_contest)).options.size());
    if (m_screen == Screen::Review && m_session) return contestCount() + 1;  // + seal
    if (m_screen == Screen::Sealed && m_session) return 3;  // cast, challenge, change
    return 0;
}

bool KioskController::handleKey(int key) {
    activity();
    if (key == Qt::Key_Home) {
        repeatScreen();
        return true;
    }
    if (key == Qt::Key_Escape && m_audioOnly) {  // the way back from the blank screen
        setAudioOnly(false);
        return true;
    }
    if (is_voter_screen(m_screen)) {
        if (key == Qt::Key_Plus) {
            setTextSize(std::min(m_textSize + 1, 3));
            return true;
        }
        if (key == Qt::Key_Minus) {
            setTextSize(std::max(m_textSize - 1, 0));
            return true;
        }
    }
    const bool select = key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Space ||
                        key == Qt::Key_Select;
    const int limit = cursorLimit();
    if (limit > 0 && (key == Qt::Key_Down || key == Qt::Key_Up || key == Qt::Key_Tab ||
                      key == Qt::Key_Backtab)) {
        const bool forward = key == Qt::Key_Down || key == Qt::Key_Tab;
        if (m_cursor < 0)
            m_cursor = forward ? 0 : limit - 1;
        else
            m_cursor = (m_cursor + (forward ? 1 : limit - 1)) % limit;
        emit cursorChanged();
        if (m_screen == Screen::Contest) {
            const OptionRow& option = m_optionList.rows().at(static_cast<std::size_t>(m_cursor));
            speak(tr("%1 of %2: %3, %4.")
                      .arg(m_cursor + 1)
                      .arg(limit)
                      .arg(option.label, option.marked ? tr("selected") : tr("not selected")));
        } else if (m_screen == Screen::Sealed) {
            speak(m_cursor == 0   ? tr("Cast this ballot. Press Enter to cast.")
                  : m_cursor == 1 ? tr("Challenge this ballot: see what it contains, then vote "
                                       "again. Press Enter to challenge.")
                                  : tr("Change my choices. Press Enter to change."));
        } else if (m_cursor < contestCount()) {
            const ReviewRow& item = m_reviewItems.rows().at(static_cast<std::size_t>(m_cursor));
            speak(tr("%1: %2. Press Enter to change.")
                      .arg(item.title, item.marks.isEmpty()
                                           ? tr("no selection")
                                           : item.marks.join(QStringLiteral(", "))));
        } else {
            speak(
                tr("Continue: encrypt my ballot and show its tracking code. Press Enter to "
                   "continue."));
        }
        return true;
    }
    if (m_screen == Screen::Contest) {
        if (select && m_cursor >= 0) {
            toggleOption(m_cursor);
            return true;
        }
        if (key == Qt::Key_Right) {
            nextContest();
            return true;
        }
        if (key == Qt::Key_Left) {
            previousContest();
            return true;
        }
        return false;
    }
    if (!select) return false;
    if (m_screen == Screen::Review && m_cursor >= 0) {
        if (m_cursor < contestCount())
            changeContest(m_cursor);
        else
            seal();
        return true;
    }
    if (m_screen == Screen::Sealed && m_cursor >= 0) {
        if (m_cursor == 0)
            cast();
        else if (m_cursor == 1)
            challenge();
        else
            changeSealed();
        return true;
    }
    if (m_screen == Screen::Welcome) {
        startBallot();
        return true;
    }
    if (m_screen == Screen::Receipt) {
        finishReceipt();
        return true;
    }
    if (m_screen == Screen::Challenged) {
        startOver();
        return true;
    }
    return false;
}

// ----------------------------------------------------------------------------- audio

void KioskController::speak(const QString& text) {
    if (!m_audio && !m_audioOnly) return;
    m_speaker->say(text);
    m_lastSpoken = text;
    emit spoken();
}

void KioskController::repeatScreen() {
    const bool was = m_audio;
    m_audio = true;  // a request to hear the screen is answered even with audio off
    speakScreen();
    m_audio = was;
}

void KioskController::speakScreen() {
    if (!m_audio && !m_audioOnly) return;
    QString text;
    if (m_screen == Screen::Welcome) {
        text = tr("Welcome. %1. Press Enter to start voting. Use plus and minus to change the text "
                  "size, Home to hear a screen again.")
                   .arg(electionName());
    } else if (m_screen == Screen::Contest && m_session) {
        QStringList parts{tr("Contest %1 of %2.").arg(m_contest + 1).arg(contestCount()),
                          contestTitle() + QLatin1Char('.'), contestInstructions()};
        int number = 0;
        for (const OptionRow& option : m_optionList.rows()) {
            parts << tr("%1: %2, %3.")
                         .arg(++number)
                         .arg(option.label, option.marked ? tr("selected") : tr("not selected"));
        }
        parts << tr(
            "Use up and down to move, Enter to select, right for the next contest, left "
            "for the previous one.");
        text = parts.join(QLatin1Char(' '));
    } else if (m_screen == Screen::Review) {
        QStringList parts{tr("Review your ballot.")};
        for (const ReviewRow& item : m_reviewItems.rows()) {
            parts << item.title + QStringLiteral(": ") +
                         (item.marks.isEmpty() ? tr("no selection")
                                               : item.marks.join(QStringLiteral(", "))) +
                         QLatin1Char('.');
        }
        parts << tr(
            "Use up and down to choose a contest to change, or Continue to encrypt your "
            "ballot.");
        text = parts.join(QLatin1Char(' '));
    } else if (m_screen == Screen::Sealed) {
        text = tr("Your ballot is encrypted. Its tracking code is %1. Write it down now. Then "
                  "cast this ballot, or challenge it to see what it contains: a challenged "
                  "ballot shows this same code, is not counted, and you vote again.")
                   .arg(trackingGroups().join(QStringLiteral(", ")));
    } else if (m_screen == Screen::Working) {
        text = m_progressText;
    } else if (m_screen == Screen::Receipt) {
        text = tr("Your ballot was cast. Your tracking code is %1.")
                   .arg(trackingGroups().join(QStringLiteral(", ")));
    } else if (m_screen == Screen::Challenged) {
        QStringList parts{tr("Your ballot was challenged and will not be counted. Its tracking "
                             "code is %1: check that it is the code shown before you chose.")
                              .arg(trackingGroups().join(QStringLiteral(", ")))};
        for (const ChallengeRow& item : m_challengeItems.rows()) {
            parts << item.title + QStringLiteral(": ") +
                         (item.marks.isEmpty() ? tr("no selection")
                                               : item.marks.join(QStringLiteral(", "))) +
                         QLatin1Char('.');
        }
        parts << tr("Press Enter to vote again.");
        text = parts.join(QLatin1Char(' '));
    } else if (m_screen == Screen::Idle) {
        text = tr("Please ask a poll worker to start your voting session.");
    } else if (m_screen == Screen::LedgerError) {
        text = tr("Your ballot was not cast. Please call a poll worker.");
    }
    if (!text.isEmpty()) speak(text);
}

// ----------------------------------------------------------------------------- accessibility

double KioskController::fontScale() const {
    return font_scales.at(static_cast<std::size_t>(m_textSize));
}

void KioskController::setTextSize(int size) {
    if (size < 0 || size > 3 || size == m_textSize) return;
    m_textSize = size;
    emit accessibilityChanged();
}

void KioskController::setContrast(int mode) {
    if (mode < 0 || mode > 3 || mode == m_contrast) return;
    m_contrast = mode;
    emit accessibilityChanged();
}

QStringList KioskController::contrastNames() const {
    return {tr("Standard"), tr("High contrast light"), tr("High contrast dark"),
            tr("Yellow on black")};
}

void KioskController::setLanguage(const QString& language) {
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
    emit ballotChanged();
    emit receiptChanged();
    emit m_pollWorker.statusChanged();
    if (!m_notice.isEmpty()) setNotice({});
    speakScreen();
}

void KioskController::setAudio(bool on) {
    if (on == m_audio) return;
    m_audio = on;
    if (!on) m_speaker->stop();
    emit accessibilityChanged();
    speakScreen();
}

void KioskController::setAudioOnly(bool on) {
    if (on == m_audioOnly) return;
    m_audioOnly = on;
    if (on) m_audio = true;
    emit accessibilityChanged();
    speakScreen();
}

void KioskController::resetAccessibility() {
    m_textSize = 0;
    m_contrast = 0;
    m_audio = false;
    m_audioOnly = false;
    m_speaker->stop();
    emit accessibilityChanged();
    setLanguage(QStringLiteral("en"));
}

}  // namespace psephos::ui
