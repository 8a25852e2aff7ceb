// psephos-witness as real processes (docs/witness.md §7): keygen, serve with a ready file, a
// cosignature over HTTP, SIGKILL right after it and a restart that still holds the cosigned size
// and refuses a fork, SIGTERM ending with exit 0; start-up refusals with clear messages.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "../ledger/witness_test_support.hpp"
#include "file_text.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "psephos/witness/witness_client.hpp"

using psephos::test::key_from_byte;
using psephos::test::read_text;
using psephos::test::TestLog;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
const std::string origin = "psephos-test/district/d1";

}  // namespace

class TestWitnessProcess : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    fs::path root() const { return dir_.path().toStdString(); }

    // Starts `serve` and waits for its ready file; returns the port.
    std::uint16_t serve(QProcess& p) {
        const fs::path ready = root() / "ready";
        fs::remove(ready);
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(PSEPHOS_WITNESS_EXE,
                {"serve", "--key", QString::fromStdString((root() / "w.key").string()), "--name",
                 "witness.test/w1", "--state", QString::fromStdString((root() / "state").string()),
                 "--logs", QString::fromStdString((root() / "logs").string()), "--listen",
                 "127.0.0.1:0", "--ready-file", QString::fromStdString(ready.string())});
        for (int i = 0; i < 200 && !fs::exists(ready); ++i) std::this_thread::sleep_for(50ms);
        if (!fs::exists(ready)) qFatal("psephos-witness did not become ready");
        const std::string text = read_text(ready);
        return static_cast<std::uint16_t>(std::stoul(text.substr(text.find(' ') + 1)));
    }

    psephos::crypto::CosignerKey cosigner_ = psephos::crypto::CosignerKey{};

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QProcess keygen;
        keygen.start(PSEPHOS_WITNESS_EXE,
                     {"keygen", "--key", QString::fromStdString((root() / "w.key").string()),
                      "--name", "witness.test/w1"});
        QVERIFY(keygen.waitForFinished(10000));
        QCOMPARE(keygen.exitCode(), 0);
        const auto vkey = psephos::crypto::CosignerKey::parse(
            keygen.readAllStandardOutput().trimmed().toStdString());
        QVERIFY(vkey);
        cosigner_ = vkey.value();
        // keygen never replaces a key
        QProcess again;
        again.start(PSEPHOS_WITNESS_EXE,
                    {"keygen", "--key", QString::fromStdString((root() / "w.key").string()),
                     "--name", "witness.test/w1"});
        QVERIFY(again.waitForFinished(10000));
        QCOMPARE(again.exitCode(), 1);
    }

    void survives_sigkill_after_a_cosignature() {
        TestLog log(origin, key_from_byte(1), "a", 8);
        TestLog fork(origin, key_from_byte(1), "b", 8);
        {
            std::ofstream out(root() / "logs");
            out << "# the district log\n" << log.verifier().to_text() << "\n";
        }
        QProcess first;
        const auto port = serve(first);
        const psephos::witness::WitnessClient client("127.0.0.1", port, cosigner_, 5000ms);
        const auto prove =
            [&](std::uint64_t old_size) -> psephos::Result<std::vector<psephos::Hash32>> {
            return log.proof(old_size, 5);
        };
        const auto cosigned = client.submit(log.note(5), 0, prove);
        QVERIFY2(cosigned, cosigned ? "" : cosigned.error().message.c_str());
        first.kill();  // SIGKILL, right after the answer
        QVERIFY(first.waitForFinished(10000));

        QProcess second;
        const auto port2 = serve(second);
        const psephos::witness::WitnessClient client2("127.0.0.1", port2, cosigner_, 5000ms);
        psephos::witness::AddCheckpointRequest request;
        request.old_size = 0;
        request.checkpoint_note = log.note(8);
        const auto conflict = client2.post(request);
        QVERIFY(conflict);
        QCOMPARE(conflict.value().status, 409u);
        QCOMPARE(conflict.value().body, std::string("5\n"));
        request.old_size = 5;
        request.checkpoint_note = fork.note(5);
        QCOMPARE(client2.post(request).value().status, 422u);
        second.terminate();  // SIGTERM
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        QVERIFY(!fs::exists(root() / "ready"));
    }

    void refuses_a_bad_logs_file() {
        {
            std::ofstream out(root() / "bad-logs");
            out << "not a key\n";
        }
        QProcess p;
        p.start(PSEPHOS_WITNESS_EXE,
                {"serve", "--key", QString::fromStdString((root() / "w.key").string()), "--name",
                 "witness.test/w1", "--state", QString::fromStdString((root() / "state").string()),
                 "--logs", QString::fromStdString((root() / "bad-logs").string()), "--listen",
                 "127.0.0.1:0"});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("bad-logs:1"));
    }
};

QTEST_GUILESS_MAIN(TestWitnessProcess)
#include "tst_witness_process.moc"
