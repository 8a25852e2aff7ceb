// The kiosk controller's accessible side (kiosk_controller.hpp): keyboard and tactile keypad
// navigation and the screens read aloud (docs/kiosk.md §4); the settings are KioskAccess's
// (kiosk_access.cpp).
#include "kiosk_controller.hpp"
#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // is_voter_screen() and q()

// ----------------------------------------------------------------------------- keyboard

int KioskController::cursorLimit() const {
    if (m_screen == Screen::Contest && m_ballot.m_session)
        return static_cast<int>(
            m_ballot.m_session->contest(static_cast<std::size_t>(m_ballot.m_contest))
                .options.size());
    if (m_screen == Screen::Review && m_ballot.m_session)
        return m_ballot.contestCount() + 1;                          // + seal
    if (m_screen == Screen::Sealed && m_ballot.m_session) return 3;  // cast, challenge, change
    return 0;
}

bool KioskController::handleKey(int key) {
    activity();
    if (key == Qt::Key_Home) {
        repeatScreen();
        return true;
    }
    if (key == Qt::Key_Escape && m_access.audioOnly()) {  // the way back from the blank screen
        m_access.setAudioOnly(false);
        return true;
    }
    if (is_voter_screen(m_screen)) {
        if (key == Qt::Key_Plus) {
            m_access.setTextSize(std::min(m_access.textSize() + 1, 3));
            return true;
        }
        if (key == Qt::Key_Minus) {
            m_access.setTextSize(std::max(m_access.textSize() - 1, 0));
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
            const OptionRow& option =
                m_ballot.m_optionList.rows().at(static_cast<std::size_t>(m_cursor));
            speak(tr("%1 of %2: %3, %4.")
                      .arg(m_cursor + 1)
                      .arg(limit)
                      .arg(option.label, option.marked ? tr("selected") : tr("not selected")));
        } else if (m_screen == Screen::Sealed) {
            speak(m_cursor == 0   ? tr("Cast this ballot. Press Enter to cast.")
                  : m_cursor == 1 ? tr("Challenge this ballot: see what it contains, then vote "
                                       "again. Press Enter to challenge.")
                                  : tr("Change my choices. Press Enter to change."));
        } else if (m_cursor < m_ballot.contestCount()) {
            const ReviewRow& item =
                m_ballot.m_reviewItems.rows().at(static_cast<std::size_t>(m_cursor));
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
            m_ballot.toggleOption(m_cursor);
            return true;
        }
        if (key == Qt::Key_Right) {
            m_ballot.nextContest();
            return true;
        }
        if (key == Qt::Key_Left) {
            m_ballot.previousContest();
            return true;
        }
        return false;
    }
    if (!select) return false;
    if (m_screen == Screen::Review && m_cursor >= 0) {
        if (m_cursor < m_ballot.contestCount())
            m_ballot.changeContest(m_cursor);
        else
            m_ballot.seal();
        return true;
    }
    if (m_screen == Screen::Sealed && m_cursor >= 0) {
        if (m_cursor == 0)
            m_ballot.cast();
        else if (m_cursor == 1)
            m_ballot.challenge();
        else
            m_ballot.changeSealed();
        return true;
    }
    if (m_screen == Screen::Welcome) {
        m_ballot.startBallot();
        return true;
    }
    if (m_screen == Screen::Receipt) {
        m_ballot.finishReceipt();
        return true;
    }
    if (m_screen == Screen::Challenged) {
        m_ballot.startOver();
        return true;
    }
    return false;
}

// ----------------------------------------------------------------------------- audio

void KioskController::repeatScreen() {
    speakScreen(true);  // a request to hear the screen is answered even with audio off
}

void KioskController::speakScreen(bool anyway) {
    if (!anyway && !m_access.speaking()) return;
    QString text;
    if (m_screen == Screen::Welcome) {
        text = tr("Welcome. %1. Press Enter to start voting. Use plus and minus to change the text "
                  "size, Home to hear a screen again.")
                   .arg(electionName());
    } else if (m_screen == Screen::Contest && m_ballot.m_session) {
        QStringList parts{
            tr("Contest %1 of %2.").arg(m_ballot.m_contest + 1).arg(m_ballot.contestCount()),
            m_ballot.contestTitle() + QLatin1Char('.'), m_ballot.contestInstructions()};
        int number = 0;
        for (const OptionRow& option : m_ballot.m_optionList.rows()) {
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
        for (const ReviewRow& item : m_ballot.m_reviewItems.rows()) {
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
                   .arg(m_ballot.trackingGroups().join(QStringLiteral(", ")));
    } else if (m_screen == Screen::Working) {
        text = m_progressText;
    } else if (m_screen == Screen::Receipt) {
        text = tr("Your ballot was cast. Your tracking code is %1.")
                   .arg(m_ballot.trackingGroups().join(QStringLiteral(", ")));
    } else if (m_screen == Screen::Challenged) {
        QStringList parts{tr("Your ballot was challenged and will not be counted. Its tracking "
                             "code is %1: check that it is the code shown before you chose.")
                              .arg(m_ballot.trackingGroups().join(QStringLiteral(", ")))};
        for (const ChallengeRow& item : m_ballot.m_challengeItems.rows()) {
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
    if (!text.isEmpty()) m_access.say(text, anyway);
}

}  // namespace psephos::ui
