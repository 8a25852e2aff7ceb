// `psephos kiosk` (docs/cli.md §14): the networked kiosk without its screen, as processes against
// a real `psephos-station serve` on 127.0.0.1. Two kiosks of ward-1: the first opens the polls,
// both vote (one ballot challenged), the second finishes for the day and then can seal no more,
// the first closes the polls with both heads; the stopped station's ledger holds exactly that.
// A kiosk pinned to another station's certificate gets no link and casts nothing.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "psephos/crypto/scalar.hpp"
#include "psephos/station/station_process.hpp"
#include "psephos_process.hpp"

using namespace psephos;

namespace {

const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";
const QString marks = QStringLiteral(
    R"({"mayor": ["helen-park"], "city-council": ["amir-haddad"], "measure-1": ["yes"]})");

}  // namespace

class TestKioskCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    test::ApprovedLedger ledger_;
    std::unique_ptr<station::StationProcess> station_;
    QString station_address_;

    QString path(const QString& name) const { return dir_.filePath(name); }

    // `psephos kiosk WORDS` as `device`, with its own state directory.
    test::Run kiosk(const QString& device, QStringList words,
                    const QString& certificate = {}) const {
        words << "--election" << ledger_.election << "--district"
              << "ward-1"
              << "--data" << path(device + "-state") << "--device-key" << path(device + ".key")
              << "--device-id" << device << "--station" << station_address_
              << "--station-certificate"
              << (certificate.isEmpty() ? path("station.pem") : certificate) << "--timeout"
              << "5";
        words.prepend("kiosk");
        return test::run(words);
    }

    // psephos-station serve for ward-1 on 127.0.0.1 (a free port), its output in station.log.
    bool start_station() {
        station::StationLaunch launch;
        launch.binary = QStringLiteral(PSEPHOS_STATION_EXE).toStdString();
        launch.election = ledger_.election.toStdString();
        launch.data = ledger_.data.toStdString();
        launch.district_id = "ward-1";
        launch.certificate = path("station.pem").toStdString();
        launch.certificate_key = path("station.pem.key").toStdString();
        launch.ready_file = path("station.ready").toStdString();
        launch.output = path("station.log").toStdString();
        auto spawned = station::StationProcess::spawn(launch);
        if (!spawned) {
            qWarning("station: %s", spawned.error().message.c_str());
            return false;
        }
        station_ = std::move(spawned).value();
        station_address_ =
            QString::fromStdString(station_->host()) + ":" + QString::number(station_->port());
        return true;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        ledger_ = test::make_approved_ledger(small_sample, dir_.path());
        for (const char* device : {"ward-1-kiosk-1", "ward-1-kiosk-2"})
            test::make_registered_device(ledger_, dir_.path(), "ward-1", device);
        test::must_run({"ledger", "device-key", "--out", path("other.key"), "--device", "other"});
        for (const char* name : {"station", "other"}) {
            const test::Run made = test::run_executable(
                QStringLiteral(PSEPHOS_STATION_EXE),
                {"new-certificate", "--certificate", path(QString(name) + ".pem"),
                 "--certificate-key", path(QString(name) + ".pem.key")});
            QVERIFY2(made.exit_code == 0, qPrintable(test::describe(made)));
        }
        QVERIFY(start_station());
    }

    void a_polling_place_day_through_two_headless_kiosks() {
        const QString one = "ward-1-kiosk-1", two = "ward-1-kiosk-2";
        test::Run r = kiosk(one, {"polls", "open"});
        QVERIFY2(r.exit_code == 0 && r.out.contains("polls opened: ward-1#"),
                 qPrintable(test::describe(r)));
        for (int i = 0; i < 2; ++i) {
            r = kiosk(one, {"vote", "--selections", marks});
            QVERIFY2(r.exit_code == 0 && r.out.contains("cast: ") && r.out.contains("receipt: "),
                     qPrintable(test::describe(r)));
        }
        r = kiosk(two, {"vote", "--selections", marks, "--challenge"});
        QVERIFY2(r.exit_code == 0 && r.out.contains("challenged: "), qPrintable(test::describe(r)));
        r = kiosk(two, {"vote", "--selections", marks});
        QVERIFY2(r.exit_code == 0 && r.out.contains("cast: "), qPrintable(test::describe(r)));
        // A choice the ballot style does not allow is refused before anything is sent.
        r = kiosk(two, {"vote", "--selections", R"({"mayor": ["nobody"]})"});
        QVERIFY2(r.exit_code == 1, qPrintable(test::describe(r)));

        r = kiosk(two, {"finish"});
        QVERIFY2(r.exit_code == 0 && r.out.contains("finished: 2 ballots; 1 of 2 kiosks"),
                 qPrintable(test::describe(r)));
        r = kiosk(two, {"vote", "--selections", marks});  // finished: it seals no more
        QVERIFY2(r.exit_code == 1, qPrintable(test::describe(r)));
        r = kiosk(one, {"polls", "close", "--actor", "county clerk"});
        QVERIFY2(r.exit_code == 0 && r.out.contains("polls closed: ward-1#"),
                 qPrintable(test::describe(r)));

        auto stopped = station_->stop();
        QVERIFY2(stopped && stopped.value() == 0,
                 stopped ? "exit status not 0" : stopped.error().message.c_str());
        station_.reset();
        r = test::run({"ledger", "status", "--data", ledger_.data});
        QVERIFY2(r.exit_code == 0 && r.out.contains("ward-1: polls closed, 3 cast, 1 challenged"),
                 qPrintable(test::describe(r)));
        r = test::run({"ledger", "check", "--data", ledger_.data});
        QVERIFY2(r.exit_code == 0, qPrintable(test::describe(r)));
    }

    // Pinned to another certificate, the kiosk never gets a link: it says so and casts nothing.
    void a_kiosk_pinned_to_another_station_gets_no_link() {
        QVERIFY(start_station());
        const test::Run r =
            kiosk("ward-1-kiosk-1", {"vote", "--selections", marks}, path("other.pem"));
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("no link to the station"), qPrintable(test::describe(r)));
        QVERIFY(!r.out.contains("cast: "));
    }

    void cleanupTestCase() { station_.reset(); }
};

QTEST_GUILESS_MAIN(TestKioskCli)
#include "tst_kiosk_cli.moc"
