// The kiosk through its real QML on the offscreen platform: a poll worker opens the polls, voters
// mark, review, change, cast and challenge by touch and by keyboard only, sessions time out, the
// ledger refuses, and the poll worker closes the polls with the right counts. Every receipt's
// tracking code is looked up in the ledger and its ballot verified from the stored bytes.
#include <QAccessible>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "kiosk_driver.hpp"
#include "model_rows.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/ledger/casting_module.hpp"

using namespace psephos;

namespace {

const std::filesystem::path small_sample = PSEPHOS_SAMPLES_DIR "/small-election.json";

ui::KioskController::Options options(int timeout_ms = 600'000) {
    ui::KioskController::Options o;
    o.session_timeout_ms = timeout_ms;
    o.speech = false;  // no sound card here; what would be said is still recorded
    return o;
}

}  // namespace

class TestKioskQml : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_fixture = std::make_unique<test::KioskFixture>(m_dir.path().toStdString(), small_sample,
                                                         "ward-1");
    }

    // Runs first (Qt Test keeps declaration order): the polls are opened here.
    void poll_worker_unlocks_and_opens_polls() {
        test::KioskDriver d(*m_fixture, options());
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::NotOpened);
        // A wrong passphrase is refused with a message and stays on the unlock screen.
        d.unlock(QStringLiteral("not the passphrase"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QCOMPARE(d.text(QStringLiteral("unlockMessage")), QStringLiteral("Wrong passphrase."));
        d.click(QStringLiteral("cancelUnlock"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(d.find(QStringLiteral("activateVoterButton")) != nullptr);
        QVERIFY(!d.require(QStringLiteral("activateVoterButton"))->isEnabled());  // polls not open
        QVERIFY(d.find(QStringLiteral("closePollsButton")) == nullptr);
        d.click(QStringLiteral("openPollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        // The zero report, with the district checkpoint that holds it.
        QVERIFY(d.text(QStringLiteral("reportCast")).contains(QStringLiteral("0")));
        QVERIFY(d.text(QStringLiteral("reportChallenged")).contains(QStringLiteral("0")));
        QVERIFY(d.text(QStringLiteral("reportCheckpoint"))
                    .contains(QStringLiteral("/district/ward-1")));
        QCOMPARE(d.kiosk().pollWorker()->report().ballotsCast, 0);
        d.click(QStringLiteral("reportDoneButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        QVERIFY(d.text(QStringLiteral("lastCheckpointText"))
                    .contains(QStringLiteral("/district/ward-1")));
        // Pause and resume from the same screen.
        d.click(QStringLiteral("pausePollsButton"));
        QTRY_COMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Paused);
        QVERIFY(!d.require(QStringLiteral("activateVoterButton"))->isEnabled());
        d.click(QStringLiteral("resumePollsButton"));
        QTRY_COMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("lockButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
    }

    void whole_voter_session_by_touch() {
        test::KioskDriver d(*m_fixture, options());
        start_voter(d);
        QCOMPARE(d.kiosk().screen(), test::Screen::Welcome);
        d.click(QStringLiteral("startButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        QCOMPARE(d.kiosk().ballot()->contestTitle(), QStringLiteral("Mayor"));
        d.click(QStringLiteral("option-1"));  // Martin Okafor
        QVERIFY(option_marked(d, 1));
        d.click(QStringLiteral("nextButton"));
        // City council, vote for up to 2: a third mark is refused with a message.
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 1);
        QCOMPARE(d.kiosk().ballot()->contestInstructions(), QStringLiteral("Vote for up to 2."));
        d.click(QStringLiteral("option-0"));
        d.click(QStringLiteral("option-1"));
        d.click(QStringLiteral("option-2"));
        QVERIFY(!option_marked(d, 2));
        QVERIFY(option_marked(d, 0) && option_marked(d, 1));
        QVERIFY(d.text(QStringLiteral("noticeText"))
                    .contains(QStringLiteral("the most this contest allows")));
        d.click(QStringLiteral("option-0"));  // unmark one, then the third is taken
        d.click(QStringLiteral("option-2"));
        QVERIFY(option_marked(d, 2) && option_marked(d, 1) && !option_marked(d, 0));
        QVERIFY(d.find(QStringLiteral("noticeText")) == nullptr ||
                d.text(QStringLiteral("noticeText")).isEmpty());
        d.click(QStringLiteral("nextButton"));
        // The measure is left blank: an undervote, allowed, with a warning on review.
        d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        const QVariantList review = test::model_rows(*d.kiosk().ballot()->reviewItems());
        QCOMPARE(review.size(), 3);
        QCOMPARE(review[0].toMap()[QStringLiteral("marks")].toStringList(),
                 QStringList{QStringLiteral("Martin Okafor")});
        QVERIFY(review[2].toMap()[QStringLiteral("warning")].toString().contains(
            QStringLiteral("did not vote")));
        // Change the mayor from the review screen; Next returns to the review.
        d.click(QStringLiteral("change-0"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 0);
        d.click(QStringLiteral("option-2"));  // Helen Park replaces Martin Okafor (vote for 1)
        d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        QCOMPARE(test::model_rows(*d.kiosk().ballot()->reviewItems())[0]
                     .toMap()[QStringLiteral("marks")]
                     .toStringList(),
                 QStringList{QStringLiteral("Helen Park")});

        // Sealed first: the code is on the screen before the voter chooses.
        const QString sealed = d.seal();
        QCOMPARE(d.kiosk().ballot()->trackingGroups().size(), 8);
        QCOMPARE(d.text(QStringLiteral("trackingCodeText")), sealed);
        QTRY_COMPARE(d.require(QStringLiteral("qrImage"))->property("status").toInt(), 1);
        // Change my choices discards it; the next seal is a new ballot with a new code.
        d.click(QStringLiteral("changeButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        QCOMPARE(d.kiosk().ballot()->trackingCode(), QString());
        QVERIFY(!d.kiosk().station()->sealed());
        const QString resealed = d.seal();
        QVERIFY(resealed != sealed);

        // Cast: the GUI thread keeps running while the ballot is written.
        qint64 longest_gap = 0;
        QElapsedTimer gap;
        gap.start();
        QTimer ticker;
        QObject::connect(&ticker, &QTimer::timeout,
                         [&] { longest_gap = std::max(longest_gap, gap.restart()); });
        ticker.start(5);
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.kiosk().screen() == test::Screen::Working ||
                d.kiosk().screen() == test::Screen::Receipt);
        QVERIFY(d.waitForScreen(test::Screen::Receipt));
        ticker.stop();
        QVERIFY2(longest_gap < 1000,
                 qPrintable(QStringLiteral("GUI blocked %1 ms").arg(longest_gap)));

        const QString code = d.kiosk().ballot()->trackingCode();
        QCOMPARE(code, resealed);  // the ballot cast is the ballot sealed
        QCOMPARE(d.text(QStringLiteral("trackingCodeText")), code);
        QCOMPARE(d.kiosk().ballot()->trackingGroups().size(), 8);
        QTRY_COMPARE(d.require(QStringLiteral("qrImage"))->property("status").toInt(), 1);  // Ready
        check_in_ledger(d, code, false, {{"mayor", {"helen-park"}}});
        d.click(QStringLiteral("receiptDoneButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        QCOMPARE(d.kiosk().ballot()->contestCount(), 0);  // the session is gone
        QCOMPARE(d.kiosk().ballot()->trackingCode(), QString());
        m_cast += 1;
    }

    void challenge_shows_the_opened_selections_and_starts_over() {
        test::KioskDriver d(*m_fixture, options());
        start_voter(d);
        d.click(QStringLiteral("startButton"));
        d.click(QStringLiteral("option-0"));  // Rosa Delgado
        d.click(QStringLiteral("nextButton"));
        d.click(QStringLiteral("option-3"));  // Nora Lindqvist
        d.click(QStringLiteral("nextButton"));
        d.click(QStringLiteral("option-1"));  // No
        d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        const QString shown = d.seal();
        d.click(QStringLiteral("challengeButton"));
        QVERIFY(d.waitForScreen(test::Screen::Challenged));
        QCOMPARE(d.kiosk().ballot()->trackingCode(), shown);  // the same ballot, opened
        QCOMPARE(d.text(QStringLiteral("trackingCodeText")), shown);
        const QVariantList items = test::model_rows(*d.kiosk().ballot()->challengeItems());
        QCOMPARE(items.size(), 3);
        QCOMPARE(items[0].toMap()[QStringLiteral("marks")].toStringList(),
                 QStringList{QStringLiteral("Rosa Delgado")});
        QCOMPARE(items[1].toMap()[QStringLiteral("marks")].toStringList(),
                 QStringList{QStringLiteral("Nora Lindqvist")});
        QCOMPARE(items[2].toMap()[QStringLiteral("marks")].toStringList(),
                 QStringList{QStringLiteral("No")});
        check_in_ledger(d, d.kiosk().ballot()->trackingCode(), true, {});
        m_challenged += 1;
        // The voter starts over on a fresh ballot, then casts it.
        d.click(QStringLiteral("startOverButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        QCOMPARE(d.kiosk().ballot()->challengeItems()->rowCount(),
                 0);  // the opened marks are wiped
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 0);
        for (int i = 0; i < 3; ++i) QVERIFY(!option_marked(d, i));
        d.click(QStringLiteral("option-0"));
        for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
        QVERIFY(d.seal() != shown);
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.waitForScreen(test::Screen::Receipt));
        check_in_ledger(d, d.kiosk().ballot()->trackingCode(), false,
                        {{"mayor", {"rosa-delgado"}}});
        m_cast += 1;
        d.click(QStringLiteral("receiptDoneButton"));
    }

    void keyboard_only_session_with_audio() {
        test::KioskDriver d(*m_fixture, options());
        start_voter(d);
        // From here on, keys only: audio on (the audio ballot), start, mark, review, cast.
        d.kiosk().access()->setAudio(true);
        QVERIFY(d.kiosk().access()->lastSpoken().contains(
            QStringLiteral("Press Enter to start voting")));
        d.key(Qt::Key_Return);
        QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        QVERIFY(
            d.kiosk().access()->lastSpoken().contains(QStringLiteral("Contest 1 of 3. Mayor.")));
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Helen Park")));
        d.key(Qt::Key_Down);
        d.key(Qt::Key_Down);
        QCOMPARE(d.kiosk().cursor(), 1);
        QVERIFY(d.require(QStringLiteral("option-1"))->property("highlighted").toBool());
        QVERIFY(d.kiosk().access()->lastSpoken().contains(
            QStringLiteral("Martin Okafor, not selected")));
        d.key(Qt::Key_Space);
        QVERIFY(option_marked(d, 1));
        QCOMPARE(d.kiosk().access()->lastSpoken(), QStringLiteral("Martin Okafor selected."));
        d.key(Qt::Key_Right);
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 1);
        d.key(Qt::Key_Up);  // wraps to the last option
        QCOMPARE(d.kiosk().cursor(), 3);
        d.key(Qt::Key_Enter);
        QVERIFY(option_marked(d, 3));
        d.key(Qt::Key_Left);  // back, then forward again
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 0);
        d.key(Qt::Key_Right);
        d.key(Qt::Key_Right);
        QCOMPARE(d.kiosk().ballot()->contestIndex(), 2);
        d.key(Qt::Key_Tab);
        d.key(Qt::Key_Select);  // a tactile keypad's select key: Yes
        QVERIFY(option_marked(d, 0));
        d.key(Qt::Key_Right);
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Mayor: Martin Okafor.")));
        // Review: the cursor runs over the contests, then "continue" (seal).
        for (int i = 0; i < 4; ++i) d.key(Qt::Key_Down);
        QCOMPARE(d.kiosk().cursor(), 3);
        QVERIFY(
            d.kiosk().access()->lastSpoken().contains(QStringLiteral("Press Enter to continue")));
        d.key(Qt::Key_Return);
        QVERIFY(d.waitForScreen(test::Screen::Sealed));
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Its tracking code is")));
        // Sealed: cast, challenge, change.
        d.key(Qt::Key_Down);
        d.key(Qt::Key_Down);
        QVERIFY(
            d.kiosk().access()->lastSpoken().contains(QStringLiteral("Press Enter to challenge")));
        d.key(Qt::Key_Up);
        QCOMPARE(d.kiosk().cursor(), 0);
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Press Enter to cast")));
        d.key(Qt::Key_Return);
        QVERIFY(d.waitForScreen(test::Screen::Receipt));
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Your tracking code is")));
        check_in_ledger(d, d.kiosk().ballot()->trackingCode(), false,
                        {{"mayor", {"martin-okafor"}},
                         {"city-council", {"nora-lindqvist"}},
                         {"measure-1", {"yes"}}});
        m_cast += 1;
        d.key(Qt::Key_Return);
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        QVERIFY(!d.kiosk().access()->audio());  // reset for the next voter
    }

    void accessibility_and_language_switch_mid_session_and_reset() {
        test::KioskDriver d(*m_fixture, options());
        start_voter(d);
        d.click(QStringLiteral("startButton"));
        d.click(QStringLiteral("textSize-3"));
        QCOMPARE(d.kiosk().access()->textSize(), 3);
        QCOMPARE(d.kiosk().access()->fontScale(), 2.0);
        d.click(QStringLiteral("contrast-2"));
        QCOMPARE(d.window->color(), QColor(Qt::black));
        d.click(QStringLiteral("option-0"));
        d.click(QStringLiteral("language-es"));
        QCOMPARE(d.kiosk().access()->language(), QStringLiteral("es"));
        // The ballot's labels from the manifest's translations, the screen's from kiosk_es.qm.
        QCOMPARE(d.kiosk().ballot()->contestTitle(), QStringLiteral("Alcalde"));
        QCOMPARE(d.kiosk().ballot()->contestInstructions(), QStringLiteral("Vote por uno."));
        QCOMPARE(d.text(QStringLiteral("nextButton")), QStringLiteral("Siguiente"));
        QVERIFY(option_marked(d, 0));  // switching changes nothing on the ballot
        d.click(QStringLiteral("audioOnlyToggle"));
        QVERIFY(d.kiosk().access()->audioOnly());
        QVERIFY(d.find(QStringLiteral("privacyCurtain")) != nullptr);
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Alcalde")));
        // The blanked screen takes no touch: nothing hidden can be marked by accident.
        d.click(QStringLiteral("option-1"));
        QVERIFY(!option_marked(d, 1));
        QVERIFY(option_marked(d, 0));
        d.key(Qt::Key_Escape);  // the way back
        QVERIFY(!d.kiosk().access()->audioOnly());
        QVERIFY(d.find(QStringLiteral("privacyCurtain")) == nullptr);
        d.click(QStringLiteral("language-en"));
        QCOMPARE(d.text(QStringLiteral("nextButton")), QStringLiteral("Next"));
    }

    // Every control a person can operate has an accessible name and description, on every screen
    // a voter or poll worker passes through, as a screen reader sees them (QAccessible).
    void every_control_has_an_accessible_name_and_description() {
        test::KioskDriver d(*m_fixture, options());
        QStringList problems;
        QList<test::Screen> seen_screens;
        int controls = 0;
        auto audit = [&] {
            seen_screens << d.kiosk().screen();
            controls += audit_accessibility(QAccessible::queryAccessibleInterface(d.window),
                                            test::screen_name(d.kiosk().screen()), problems);
        };
        audit();  // idle
        d.click(QStringLiteral("unlockCorner"));
        audit();
        d.click(QStringLiteral("passphraseInput"));
        d.type(QString::fromLatin1(test::poll_worker_passphrase));
        d.click(QStringLiteral("unlockButton"));
        audit();  // poll worker
        d.click(QStringLiteral("activateVoterButton"));
        audit();  // welcome
        d.click(QStringLiteral("startButton"));
        audit();  // contest
        for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
        audit();  // review
        d.seal();
        audit();  // sealed
        using test::Screen;
        QCOMPARE(seen_screens,
                 (QList<Screen>{Screen::Idle, Screen::Unlock, Screen::PollWorker, Screen::Welcome,
                                Screen::Contest, Screen::Review, Screen::Sealed}));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY2(controls >= 30, qPrintable(QString::number(controls)));
        d.kiosk().handleKey(Qt::Key_Escape);  // leave the voter's session to time out unused
    }

    void inactivity_timeout_discards_the_session() {
        test::KioskDriver d(*m_fixture, options(1500));
        start_voter(d);
        d.click(QStringLiteral("startButton"));
        d.click(QStringLiteral("option-0"));
        d.kiosk().access()->setAudio(true);  // reads the contest aloud, the mark included
        QVERIFY(d.kiosk().access()->lastSpoken().contains(QStringLiteral("Rosa Delgado")));
        d.click(QStringLiteral("textSize-2"));
        d.click(QStringLiteral("language-es"));
        QVERIFY(d.waitForScreen(test::Screen::Idle, 10000));
        // No model keeps the voter's marks, nor the text that said them aloud.
        QVERIFY2(!d.kiosk().access()->lastSpoken().contains(QStringLiteral("Rosa Delgado")),
                 qPrintable(d.kiosk().access()->lastSpoken()));
        QCOMPARE(d.kiosk().ballot()->challengeItems()->rowCount(), 0);
        QCOMPARE(d.kiosk().ballot()->contestCount(), 0);
        QCOMPARE(d.kiosk().ballot()->options()->rowCount(), 0);
        QCOMPARE(d.kiosk().ballot()->reviewItems()->rowCount(), 0);
        QCOMPARE(d.kiosk().access()->textSize(), 0);
        QCOMPARE(d.kiosk().access()->language(), QStringLiteral("en"));
        // Nothing was cast.
        QCOMPARE(d.kiosk().station()->status().casting.ballots_cast,
                 static_cast<std::uint64_t>(m_cast));
    }

    // What the user does is seen by the window's event filter (KioskController::eventFilter,
    // installed by kiosk_qml.hpp), not reported by the QML: presses on the contest's title and on
    // the poll worker's status, which take no click, restart the inactivity timers; without them
    // the voter's session ends and the poll worker's screen locks.
    void presses_anywhere_on_the_window_are_activity() {
        ui::KioskController::Options o = options(1500);
        o.unlock_timeout_ms = 1500;
        test::KioskDriver d(*m_fixture, o);
        start_voter(d);
        d.click(QStringLiteral("startButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        for (int i = 0; i < 8; ++i) {  // 4 s, well over the timeout
            d.click(QStringLiteral("contestTitle"));
            QTest::qWait(500);
            QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        }
        QVERIFY(d.waitForScreen(test::Screen::Idle, 10000));

        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        for (int i = 0; i < 8; ++i) {
            d.click(QStringLiteral("statusElection"));
            QTest::qWait(500);
            QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        }
        QVERIFY(d.waitForScreen(test::Screen::Idle, 10000));
    }

    void ledger_refusal_is_shown_and_nothing_is_cast() {
        test::KioskDriver d(*m_fixture, options());
        start_voter(d);
        d.click(QStringLiteral("startButton"));
        d.click(QStringLiteral("option-0"));
        for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        // The polls are paused behind the voter's back: the ledger must refuse the ballot.
        QVERIFY(d.kiosk().station()->record_polls(election::PollsAction::paused, "test"));
        const QString sealed = d.seal();
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.waitForScreen(test::Screen::LedgerError));
        QVERIFY(d.text(QStringLiteral("errorText")).contains(QStringLiteral("paused")));
        QCOMPARE(d.kiosk().station()->status().casting.ballots_cast,
                 static_cast<std::uint64_t>(m_cast));
        // Once resumed, the voter's sealed ballot (still in memory only) can be cast: the same
        // ballot, with the code the voter was shown.
        QVERIFY(d.kiosk().station()->record_polls(election::PollsAction::resumed, "test"));
        d.click(QStringLiteral("ledgerErrorOk"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Sealed);
        QCOMPARE(d.kiosk().ballot()->trackingCode(), sealed);
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.waitForScreen(test::Screen::Receipt));
        QCOMPARE(d.kiosk().ballot()->trackingCode(), sealed);
        check_in_ledger(d, d.kiosk().ballot()->trackingCode(), false,
                        {{"mayor", {"rosa-delgado"}}});
        m_cast += 1;
        d.click(QStringLiteral("receiptDoneButton"));
    }

    // A failed write (docs/ledger.md §9; here the fsync fails, so the ledger replays the ballot
    // when reopened): the voter is told the ballot could not be confirmed, not that it was not
    // cast, and is not offered to cast it again; at the restart the poll worker learns its fate.
    void failed_write_is_not_called_cast_and_is_settled_at_restart() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        auto faults = std::make_shared<ledger::testing::StorageFaults>();
        QString code;
        {
            test::KioskDriver d(fixture, options(), {}, faults);
            QVERIFY(d.kiosk().station()->record_polls(election::PollsAction::opened, "test"));
            start_voter(d);
            d.click(QStringLiteral("startButton"));
            d.click(QStringLiteral("option-0"));
            for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
            QCOMPARE(d.kiosk().screen(), test::Screen::Review);
            const QString sealed = d.seal();
            faults->inject(ledger::testing::StorageFault::sync);
            d.click(QStringLiteral("castButton"));
            QVERIFY(d.waitForScreen(test::Screen::LedgerError));
            code = d.kiosk().unconfirmedCode();
            QCOMPARE(code, sealed);
            QCOMPARE(d.text(QStringLiteral("ledgerErrorTitle")),
                     QStringLiteral("Your ballot could NOT be confirmed"));
            QVERIFY(d.text(QStringLiteral("errorText")).contains(code));
            QCOMPARE(d.kiosk().ballot()->trackingCode(), QString());
            faults->inject(ledger::testing::StorageFault::none);
            d.click(QStringLiteral("ledgerErrorOk"));
            QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
            QCOMPARE(d.kiosk().ballot()->reviewItems()->rowCount(), 0);  // the marks are gone
        }
        test::KioskDriver d(fixture, options());
        const bool recorded = d.kiosk().station()->status().casting.ballots_cast == 1;
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        const QString message = d.text(QStringLiteral("pollWorkerMessage"));
        QVERIFY2(message.contains(code), qPrintable(message));
        QVERIFY2(message.contains(recorded ? QStringLiteral("WAS recorded")
                                           : QStringLiteral("was NOT recorded")),
                 qPrintable(message));
    }

    // Runs last: closes the polls; the closing report has every ballot of this test.
    void poll_worker_closes_polls_with_the_counts() {
        test::KioskDriver d(*m_fixture, options());
        d.unlock();
        QCOMPARE(d.kiosk().pollWorker()->ballotsCast(), m_cast);
        QCOMPARE(d.kiosk().pollWorker()->ballotsChallenged(), m_challenged);
        // Closing asks first; "do not close" changes nothing.
        d.click(QStringLiteral("closePollsButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(d.text(QStringLiteral("pollWorkerMessage")).contains(QStringLiteral("for good")));
        d.click(QStringLiteral("cancelClosePollsButton"));
        QVERIFY(!d.kiosk().pollWorker()->closeConfirmationPending());
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        QCOMPARE(d.kiosk().pollWorker()->report().ballotsCast, m_cast);
        QCOMPARE(d.kiosk().pollWorker()->report().ballotsChallenged, m_challenged);
        QVERIFY(d.text(QStringLiteral("reportCast")).contains(QString::number(m_cast)));
        QVERIFY(d.text(QStringLiteral("reportChallenged")).contains(QString::number(m_challenged)));
        const QString checkpoint = d.text(QStringLiteral("reportCheckpoint"));
        QCOMPARE(checkpoint,
                 QString::fromStdString(d.kiosk().station()->status().signed_checkpoint));
        d.click(QStringLiteral("reportDoneButton"));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Closed);
        QVERIFY(!d.require(QStringLiteral("activateVoterButton"))->isEnabled());
    }

    void kiosk_that_cannot_open_says_why() {
        test::KioskDriver d(*m_fixture, options(),
                            QStringLiteral("ledger database …/LOCK: locked"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Error);
        QVERIFY(d.text(QStringLiteral("errorText")).contains(QStringLiteral("LOCK")));
        d.kiosk().pollWorker()->showUnlock();  // nothing to unlock without a ledger
        QCOMPARE(d.kiosk().screen(), test::Screen::Error);
    }

private:
    void start_voter(test::KioskDriver& d) {
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        d.click(QStringLiteral("activateVoterButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Welcome);
    }

    // Walks the accessibility tree as a screen reader does (ignored items are not in it), counts
    // the operable controls and notes each without a name or description.
    static int audit_accessibility(QAccessibleInterface* a, const QString& screen,
                                   QStringList& problems, int depth = 0) {
        if (!a || depth > 64) return 0;
        int controls = 0;
        const QAccessible::Role role = a->role();
        if (!a->state().invisible &&
            (role == QAccessible::Button || role == QAccessible::CheckBox ||
             role == QAccessible::RadioButton || role == QAccessible::EditableText)) {
            ++controls;
            const QString where =
                screen + QLatin1Char('/') + (a->object() ? a->object()->objectName() : QString());
            if (a->text(QAccessible::Name).trimmed().isEmpty())
                problems << where + ": no accessible name";
            if (a->text(QAccessible::Description).trimmed().isEmpty())
                problems << where + ": no accessible description";
        }
        for (int i = 0; i < a->childCount(); ++i)
            controls += audit_accessibility(a->child(i), screen, problems, depth + 1);
        return controls;
    }

    static bool option_marked(test::KioskDriver& d, int i) {
        QQuickItem* item = d.require(QStringLiteral("option-%1").arg(i));
        const bool drawn = item->property("checked").toBool();
        const bool model = test::model_rows(*d.kiosk().ballot()->options())
                               .at(i)
                               .toMap()
                               .value(QStringLiteral("marked"))
                               .toBool();
        if (drawn != model) throw std::runtime_error("option drawn unlike its model");
        return model;
    }

    // The receipt's code is in the ledger (cast or challenged), and the stored ballot verifies
    // from its bytes; for a cast ballot, `marks` is what the voter chose in some contests, which
    // the encrypted ballot's own proofs cannot show, so only the count of contests is checked.
    void check_in_ledger(test::KioskDriver& d, const QString& code, bool challenged,
                         const election::BallotMarks& marks) {
        auto prefix = election::parse_tracking_code(code.toStdString());
        QVERIFY(prefix);
        ledger::Ledger& l = d.kiosk().station()->ledger();
        auto found = l.casting().find_tracking_code_prefix(prefix.value());
        QVERIFY2(found, found ? "" : found.error().message.c_str());
        QCOMPARE(found.value().second.challenged, challenged);
        auto stored = l.record("ward-1", found.value().second.index);
        QVERIFY(stored);
        auto device = crypto::read_signing_key_file(m_fixture->device_key);
        QVERIFY(device);
        if (challenged) {
            auto ballot = election::decode_challenged_ballot(stored.value());
            QVERIFY(ballot);
            QVERIFY(election::verify_challenged_ballot(l.election(), device.value().public_key(),
                                                       ballot.value()));
        } else {
            auto ballot = election::decode_ballot(stored.value());
            QVERIFY(ballot);
            QVERIFY(
                election::verify_ballot(l.election(), device.value().public_key(), ballot.value()));
            QCOMPARE(ballot.value().contests.size(), std::size_t{3});
            QVERIFY(marks.size() <= ballot.value().contests.size());
        }
    }

    QTemporaryDir m_dir;
    std::unique_ptr<test::KioskFixture> m_fixture;
    int m_cast = 0;
    int m_challenged = 0;
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestKioskQml test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_qml.moc"
