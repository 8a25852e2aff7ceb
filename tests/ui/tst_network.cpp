// The networked kiosk through its real QML on the offscreen platform (docs/kiosk.md §7): the link
// to a real station is shown to the poll worker; without it the idle screen says so and no voter
// session starts; a ballot whose receipt is lost with the connection shows "not confirmed yet"
// until the kiosk settled it with the station, then the receipt, with exactly one ballot in the
// ledger.
#include <QTemporaryDir>
#include <QtTest>

#include "kiosk_driver.hpp"
#include "kiosk_network.hpp"
#include "psephos/ledger/casting_module.hpp"

using namespace psephos;

namespace {

const std::filesystem::path small_sample = PSEPHOS_SAMPLES_DIR "/small-election.json";

ui::KioskController::Options options() {
    ui::KioskController::Options o;
    o.session_timeout_ms = 600'000;
    o.speech = false;
    return o;
}

}  // namespace

class TestKioskNetwork : public QObject {
    Q_OBJECT

private slots:
    void without_a_link_no_voter_session_starts() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        test::NetworkedPlace place(fixture, true);
        place.relay->set_mode(test::Relay::Mode::refuse);  // the cable is out
        test::KioskDriver d(fixture, options(), place.open_kiosk());
        QVERIFY(d.kiosk().networked());
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().linkState(), test::LinkState::Offline, 10000);
        QVERIFY2(d.text(QStringLiteral("linkStatus")).contains(QStringLiteral("reconnecting in")),
                 qPrintable(d.text(QStringLiteral("linkStatus"))));
        QVERIFY(d.text(QStringLiteral("idleMessage")).contains(QStringLiteral("no link")));
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        // The link retries in between ("connecting…"), so wait for its "offline" turn.
        QTRY_VERIFY_WITH_TIMEOUT(
            d.text(QStringLiteral("statusLink")).contains(QStringLiteral("offline")), 10000);
        // The polls' state is the station's to say: unknown, so no session button applies; and
        // the controller refuses a session itself, naming the link.
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Unknown);
        QVERIFY(!d.require(QStringLiteral("activateVoterButton"))->isEnabled());
        d.kiosk().pollWorker()->activateVoter();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY2(d.kiosk().pollWorker()->pollWorkerMessage().contains(
                     QStringLiteral("No link to the station")),
                 qPrintable(d.kiosk().pollWorker()->pollWorkerMessage()));
        // The cable back in: the link comes up by itself and the session starts.
        place.relay->set_mode(test::Relay::Mode::pass);
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().linkState(), test::LinkState::Online, 10000);
        QCOMPARE(d.text(QStringLiteral("statusLink")), QStringLiteral("Station: online"));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("activateVoterButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Welcome);
    }

    void a_lost_receipt_shows_not_confirmed_then_the_receipt() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        test::NetworkedPlace place(fixture, true);
        test::KioskDriver d(fixture, options(), place.open_kiosk());
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().linkState(), test::LinkState::Online, 10000);
        d.unlock();
        d.click(QStringLiteral("activateVoterButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Welcome);
        d.click(QStringLiteral("startButton"));
        d.click(QStringLiteral("option-0"));
        while (d.kiosk().screen() == test::Screen::Contest) d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        const QString code = d.seal();

        // The station writes the ballot; its receipt never reaches the kiosk.
        place.relay->set_mode(test::Relay::Mode::cut_next_answer);
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.waitForScreen(test::Screen::NotConfirmed));
        QCOMPARE(d.text(QStringLiteral("notConfirmedTitle")),
                 QStringLiteral("Not confirmed yet — please wait"));
        QCOMPARE(d.kiosk().ballot()->trackingCode(), code);
        QCOMPARE(place.relay->cuts(), 1);
        // It stays there while the station cannot be reached, saying so.
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().linkState(), test::LinkState::Offline, 5000);
        QTest::qWait(1500);
        QCOMPARE(d.kiosk().screen(), test::Screen::NotConfirmed);
        // The link cycles between "offline, reconnecting in" and "connecting…" as it retries; the
        // screen names the station's state whichever it is at this moment, never "online".
        QTRY_VERIFY2_WITH_TIMEOUT(
            d.text(QStringLiteral("notConfirmedLink")).contains(QStringLiteral("offline")),
            qPrintable(d.text(QStringLiteral("notConfirmedLink"))), 5000);
        QVERIFY(!d.text(QStringLiteral("notConfirmedLink")).contains(QStringLiteral("online")));

        QSignalSpy settled(&d.kiosk(), &ui::KioskController::inFlightSettled);
        place.relay->set_mode(test::Relay::Mode::pass);
        QVERIFY(d.waitForScreen(test::Screen::Receipt, 20000));
        QCOMPARE(settled.count(), 1);
        QCOMPARE(settled.at(0).at(0).toBool(), true);
        QCOMPARE(d.kiosk().ballot()->trackingCode(), code);
        QVERIFY(!d.kiosk().ballot()->receiptFile().isEmpty());
        // Found by lookup, never sent twice: one ballot in the ledger, the one with this code.
        QCOMPARE(place.ledger->casting().status(0).ballots_cast, std::uint64_t{1});
        const Hash32 head = d.kiosk().station()->chain_head();
        QVERIFY(place.ledger->casting().find_tracking_code(head).has_value());
        QCOMPARE(QString::fromStdString(election::format_tracking_code(head)), code);
        // Done, as the voter leaves: the receipt's QR texture is released with its screen (left
        // on screen at exit, Qt's scene graph keeps it, which LeakSanitizer reports).
        d.click(QStringLiteral("receiptDoneButton"));
        QVERIFY(d.kiosk().screen() != test::Screen::Receipt);
    }

    // The poll worker finishes the kiosk for the day (a second press confirms): its head goes to
    // the station, no voter session starts after, and the polls then close at this kiosk.
    void a_finished_kiosk_takes_no_voter_and_the_polls_close() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        test::NetworkedPlace place(fixture, true);
        test::KioskDriver d(fixture, options(), place.open_kiosk());
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().linkState(), test::LinkState::Online, 10000);
        d.unlock();
        QTRY_COMPARE_WITH_TIMEOUT(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open,
                                  10000);
        QVERIFY(d.require(QStringLiteral("finishKioskButton"))->isVisible());
        d.click(QStringLiteral("finishKioskButton"));
        QVERIFY(d.kiosk().pollWorker()->finishConfirmationPending());
        QVERIFY(!d.kiosk().pollWorker()->kioskFinished());  // nothing sent on the first press
        d.click(QStringLiteral("confirmFinishKioskButton"));
        QTRY_VERIFY_WITH_TIMEOUT(d.kiosk().pollWorker()->kioskFinished(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            d.kiosk().pollWorker()->pollWorkerMessage().contains(QStringLiteral("1 of 1 kiosks")),
            5000);
        QVERIFY(!d.require(QStringLiteral("activateVoterButton"))->isEnabled());
        d.kiosk().pollWorker()->activateVoter();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(d.kiosk().pollWorker()->pollWorkerMessage().contains(
            QStringLiteral("finished for the day")));

        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report, 10000));
        QCOMPARE(place.ledger->casting().status(0).polls, ledger::PollsStatus::closed);
    }
};

QTEST_MAIN(TestKioskNetwork)
#include "tst_network.moc"
