// The county as real processes on 127.0.0.1 (docs/county.md): a station's ledger set up with
// `psephos` commands (a registered kiosk, polls opened and closed in district ward-1), a county
// ledger of the same election made with `psephos ledger init`, then `psephos-county serve` and
// `psephos-station serve --county`: once both are stopped (SIGTERM, the station pushing its last
// records as it stops) the county's ward-1 log has the station's size and root, and the county's
// data directory tallies, exports and verifies with the `psephos` commands. With `--witnesses`,
// two `psephos-witness` processes cosign the county's final election checkpoint and the county
// keeps the cosigned notes as DIR/cosignatures/<SHA-256 of the witness name>/_election.note. A
// stations file that breaks its rules stops the county before it listens, naming the line.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "psephos_process.hpp"
#include "witness_processes.hpp"

using namespace psephos;
using test::describe;
using test::Run;

using test::must;
using test::stop;

namespace {
const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

QJsonObject district_status(const QString& data, const QString& district) {
    const Run status = test::run({"ledger", "status", "--data", data, "--json"});
    must(status);
    for (const auto& d : test::json_of(status)["districts"].toArray())
        if (d.toObject()["name"].toString() == district) return d.toObject();
    return {};
}

void write_file(const QString& path, const QByteArray& content) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(content);
}
}  // namespace

class TestCountyCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    test::WitnessProcesses witnesses_;
    QString path(const QString& name) const { return dir_.filePath(name); }

    // Two `psephos-witness serve` processes that know the log `verifier`; returns the witnesses
    // file for --witnesses.
    QString start_witnesses(const QString& verifier) {
        witnesses_ = test::start_witnesses(QDir(dir_.path()), verifier);
        return witnesses_.file;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
    }
    void cleanupTestCase() {
        for (auto& p : witnesses_.processes) stop(*p);
    }

    void a_stations_district_reaches_the_county_and_its_record_verifies() {
        const test::ApprovedLedger station = test::make_approved_ledger(small_sample, dir_.path());
        test::make_registered_device(station, dir_.path(), "ward-1", "ward-1-kiosk-1");
        must(test::run({"ledger", "open-polls", "--data", station.data, "--district", "ward-1",
                        "--device-keys", dir_.path()}));
        must(test::run({"ledger", "close-polls", "--data", station.data, "--all", "--device-keys",
                        dir_.path()}));
        const QString county_data = path("county-data");
        must(test::run({"ledger", "init", "--election", station.election, "--approval",
                        path("approval.bin"), "--data", county_data}));
        for (const QString name : {"station", "county"})
            must(test::run_executable(
                PSEPHOS_STATION_EXE,
                {"new-certificate", "--certificate", path(name + ".pem"), "--certificate-key",
                 path(name + ".pem.key"), "--name", name}));
        const QJsonObject ward = district_status(station.data, "ward-1");
        write_file(path("stations"),
                   "# the county's stations\nstation station-ward-1 station.pem\n"
                   "district ward-1 " +
                       ward["verifier"].toString().toUtf8() + "\n");

        const Run county_status = test::run({"ledger", "status", "--data", county_data, "--json"});
        must(county_status);
        const QString witnesses = start_witnesses(
            test::json_of(county_status)["election_log"].toObject()["verifier"].toString());

        QProcess county;
        const QString where = test::start_server(
            county, PSEPHOS_COUNTY_EXE,
            {"serve", "--election", station.election, "--data", county_data, "--stations",
             path("stations"), "--listen", "127.0.0.1:0", "--certificate", path("county.pem"),
             "--certificate-key", path("county.pem.key"), "--ready-file", path("county.ready"),
             "--witnesses", witnesses},
            path("county.ready"));
        QProcess station_process;
        test::start_server(station_process, PSEPHOS_STATION_EXE,
                           {"serve", "--election", station.election, "--data", station.data,
                            "--district", "ward-1", "--listen", "127.0.0.1:0", "--certificate",
                            path("station.pem"), "--certificate-key", path("station.pem.key"),
                            "--county", QString(where).replace(' ', ':'), "--county-certificate",
                            path("county.pem"), "--ready-file", path("station.ready")},
                           path("station.ready"));
        QCOMPARE(stop(station_process), 0);
        const QByteArray station_errors = station_process.readAllStandardError();
        QVERIFY2(!station_errors.contains("county:"), station_errors.constData());
        QCOMPARE(stop(county), 0);
        const QByteArray county_errors = county.readAllStandardError();
        QVERIFY2(!county_errors.contains("refused"), county_errors.constData());

        const QJsonObject held = district_status(county_data, "ward-1");
        QCOMPARE(held["size"].toInteger(), ward["size"].toInteger());
        QCOMPARE(held["root"].toString(), ward["root"].toString());
        QCOMPARE(held["polls"].toString(), QStringLiteral("closed"));

        // Both witnesses cosigned the county's final election checkpoint, kept as _election.note.
        const Run after = test::run({"ledger", "status", "--data", county_data, "--json"});
        must(after);
        const QJsonObject election_log = test::json_of(after)["election_log"].toObject();
        QVERIFY(election_log["size"].toInteger() > 0);
        const std::string final_note = election_log["signed_checkpoint"].toString().toStdString();
        for (const auto& key : witnesses_.keys) {
            const auto file = station::cosigned_note_path(
                std::filesystem::path(county_data.toStdString()) / "cosignatures", key.name,
                "/election");
            QCOMPARE(file.filename().string(), std::string("_election.note"));
            QVERIFY2(std::filesystem::exists(file), file.c_str());
            const std::string cosigned =
                test::read_all(QString::fromStdString(file.string())).toStdString();
            QVERIFY2(cosigned.rfind(final_note, 0) == 0, cosigned.c_str());
            const auto opened = crypto::open_cosigned_note(cosigned, key);
            QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        }

        // The county's data directory goes on with the `psephos` commands.
        must(test::run({"tally", "--data", county_data}));
        must(test::run({"export", "--data", county_data, "--out", path("record")}));
        const Run verified = test::run({"verify", path("record")});
        QVERIFY2(verified.exit_code == 0, qPrintable(describe(verified)));
    }

    void a_stations_file_that_breaks_a_rule_stops_the_county() {
        const QString data = path("data");  // the first test's station ledger
        write_file(path("bad-stations"), "station s1 station.pem\ndistrict ward-1 not-a-key\n");
        const Run run = test::run_executable(
            PSEPHOS_COUNTY_EXE,
            {"serve", "--election", path("ceremony/election.json"), "--data", path("county-data"),
             "--stations", path("bad-stations"), "--listen", "127.0.0.1:0", "--certificate",
             path("county.pem"), "--certificate-key", path("county.pem.key")});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("bad-stations:2"), qPrintable(describe(run)));
        QVERIFY(!data.isEmpty());
    }

    // The witnesses file goes through the station's parser: a bad line stops the county before
    // it listens, naming the line.
    void a_witnesses_file_that_breaks_a_rule_stops_the_county() {
        write_file(path("bad-witnesses"), "# witnesses\n127.0.0.1:7380 not-a-key\n");
        const Run run = test::run_executable(
            PSEPHOS_COUNTY_EXE,
            {"serve", "--election", path("ceremony/election.json"), "--data", path("county-data"),
             "--stations", path("stations"), "--listen", "127.0.0.1:0", "--certificate",
             path("county.pem"), "--certificate-key", path("county.pem.key"), "--witnesses",
             path("bad-witnesses")});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("--witnesses") && run.err.contains("bad-witnesses:2"),
                 qPrintable(describe(run)));
        QVERIFY(!run.out.contains("listening"));
    }
};

QTEST_GUILESS_MAIN(TestCountyCli)
#include "tst_county_cli.moc"
