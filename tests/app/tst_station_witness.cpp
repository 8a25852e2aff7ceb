// A station and two witnesses as real processes on 127.0.0.1 (docs/witness.md §8): a ledger set
// up with `psephos` commands (a registered kiosk puts records in district ward-1's log),
// `psephos-witness keygen|serve` twice with the district's log key, then `psephos-station serve
// --witnesses`: both witnesses cosign the district's newest checkpoint and the station keeps each
// cosigned note; a witness that goes away does not stop the station; SIGTERM stops it with exit 0.
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
#include <thread>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos_process.hpp"
#include "witness_processes.hpp"

using namespace psephos;
using namespace std::chrono_literals;
using test::describe;
using test::read_all;
using test::Run;

using test::must;

namespace {
const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

Run run_exe(const QString& exe, const QStringList& args) { return test::run_executable(exe, args); }
}  // namespace

class TestStationWitness : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, data_;
    test::WitnessProcesses witnesses_;
    std::unique_ptr<QProcess> station_;

    QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        const test::ApprovedLedger ledger = test::make_approved_ledger(small_sample, dir_.path());
        election_ = ledger.election;
        data_ = ledger.data;
        const QString device = "ward-1-kiosk-1";
        must(test::run({"ledger", "device-key", "--out", path("kiosk.key"), "--device", device}));
        must(test::run({"authority", "authorise-device", "--key", path("authority.key"),
                        "--election", election_, "--district", "ward-1", "--device", device,
                        "--public-key", path("kiosk.key.pub"), "--out", path("kiosk.auth")}));
        must(test::run(
            {"ledger", "register-device", "--data", data_, "--authorisation", path("kiosk.auth")}));
        must(run_exe(PSEPHOS_STATION_EXE, {"new-certificate", "--certificate", path("station.pem"),
                                           "--certificate-key", path("station.pem.key")}));
    }

    void cleanupTestCase() {
        for (auto* p : {station_.get()})
            if (p && p->state() != QProcess::NotRunning) {
                p->kill();
                p->waitForFinished(10'000);
            }
        for (auto& p : witnesses_.processes)
            if (p->state() != QProcess::NotRunning) {
                p->kill();
                p->waitForFinished(10'000);
            }
    }

    void both_witnesses_cosign_the_station_checkpoint() {
        // The district log's note key, as `psephos ledger status --json` prints it.
        const Run status = test::run({"ledger", "status", "--data", data_, "--json"});
        must(status);
        QString verifier;
        QString note;
        for (const auto& d : test::json_of(status)["districts"].toArray()) {
            if (d.toObject()["name"].toString() != "ward-1") continue;
            verifier = d.toObject()["verifier"].toString();
            note = d.toObject()["signed_checkpoint"].toString();
        }
        QVERIFY(!verifier.isEmpty() && !note.isEmpty());
        witnesses_ = test::start_witnesses(QDir(dir_.path()), verifier);

        station_ = std::make_unique<QProcess>();
        test::start_server(*station_, PSEPHOS_STATION_EXE,
                           {"serve", "--election", election_, "--data", data_, "--district",
                            "ward-1", "--listen", "127.0.0.1:0", "--certificate",
                            path("station.pem"), "--certificate-key", path("station.pem.key"),
                            "--witnesses", witnesses_.file, "--ready-file", path("station.ready")},
                           path("station.ready"));
        const std::string checkpoint_text =
            note.toStdString().substr(0, note.toStdString().rfind("\n\n") + 1);
        for (const auto& key : witnesses_.keys) {
            const auto file = std::filesystem::path(data_.toStdString()) / "cosignatures" /
                              crypto::sha256(as_bytes(key.name)).to_hex() / "ward-1.note";
            for (int i = 0; i < 200 && !std::filesystem::exists(file); ++i)
                std::this_thread::sleep_for(50ms);
            QVERIFY2(std::filesystem::exists(file), file.c_str());
            const QByteArray cosigned = read_all(QString::fromStdString(file.string()));
            const auto opened = crypto::open_cosigned_note(cosigned.toStdString(), key);
            QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
            QCOMPARE(opened.value().text, checkpoint_text);
        }

        // A witness going away does not stop the station.
        witnesses_.processes.back()->kill();
        witnesses_.processes.back()->waitForFinished(10'000);
        std::this_thread::sleep_for(1500ms);  // at least one more pass of the submitter
        QVERIFY2(!station_->waitForFinished(200), "the station exited");
    }

    void sigterm_stops_the_station() {
        QVERIFY(station_);
        station_->terminate();
        QVERIFY(station_->waitForFinished(30'000));
        QCOMPARE(station_->exitStatus(), QProcess::NormalExit);
        QCOMPARE(station_->exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStationWitness)
#include "tst_station_witness.moc"
