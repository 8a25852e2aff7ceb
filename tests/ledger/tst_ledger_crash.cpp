// Crash safety: a child process casts ballots and reports each acknowledgement; the parent kills
// it with SIGKILL at random moments (at least 20 times), reopens the ledger, and checks that every
// acknowledged ballot is present with the acknowledged hash, that every log verifies (Ledger::open
// checks every record against the signed roots), and that no partial batch is visible.
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/casting_module.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

class TestLedgerCrash : public QObject {
    Q_OBJECT

private slots:
    void survives_kill_during_casting() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        LedgerOptions options;
        options.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
        {
            auto created = Ledger::create(options, s.election(), s.approval(),
                                          test::LedgerScenario::ledger_key());
            QVERIFY2(created, created ? "" : created.error().message.c_str());
            for (const auto& r : created.value()->ingest(s.opening())) QVERIFY(r);
        }

        struct Ack {
            std::string district;
            std::uint64_t index;
            std::string leaf_hex;
        };
        std::vector<Ack> acknowledged;
        QRandomGenerator rng(QRandomGenerator::global()->generate());
        constexpr int kills = 24;
        int killed_between_acks = 0;
        for (int round = 0; round < kills; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::SeparateChannels);
            child.start(QStringLiteral(PSEPHOS_CRASH_CHILD),
                        {QString::fromStdString(options.directory.string())});
            QVERIFY2(child.waitForStarted(10000), "the crash child did not start");
            QByteArray out;
            while (!out.contains("READY\n")) {
                QVERIFY2(child.waitForReadyRead(60000),
                         qPrintable("no READY from the child: " + child.readAllStandardError()));
                out += child.readAllStandardOutput();
            }
            // Kill at a random moment, mostly while batches are in flight.
            const int delay_ms = 30 + static_cast<int>(rng.bounded(400));
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < delay_ms) {
                child.waitForReadyRead(5);
                out += child.readAllStandardOutput();
                QVERIFY2(child.state() == QProcess::Running,
                         qPrintable("the child died: " + child.readAllStandardError()));
            }
            child.kill();  // SIGKILL
            QVERIFY(child.waitForFinished(10000));
            out += child.readAllStandardOutput();
            int acks_this_round = 0;
            for (const QByteArray& line : out.split('\n')) {
                const QList<QByteArray> f = line.split(' ');
                if (f.size() != 4 || f[0] != "ACK")
                    continue;  // a torn last line was never a whole ack
                acknowledged.push_back(
                    {f[1].toStdString(), f[2].toULongLong(), f[3].toStdString()});
                ++acks_this_round;
            }
            if (acks_this_round > 0) ++killed_between_acks;

            // Reopening checks every log against its signed checkpoints and replays the casting
            // rules.
            auto reopened = Ledger::open(options, test::LedgerScenario::ledger_key());
            QVERIFY2(reopened,
                     qPrintable(QString::fromStdString(reopened ? "" : reopened.error().message)));
            Ledger& ledger = *reopened.value();
            for (const Ack& ack : acknowledged) {
                auto record = ledger.record(ack.district, ack.index);
                QVERIFY2(record, qPrintable(QString("acknowledged ballot %1#%2 is missing")
                                                .arg(QString::fromStdString(ack.district))
                                                .arg(ack.index)));
                QCOMPARE(crypto::hash_merkle_leaf(record.value()).to_hex(), ack.leaf_hex);
            }
            // No partial batch: every log ends exactly at a signed checkpoint, and the casting
            // module's counts agree with the records.
            for (std::size_t d = 0; d < s.kiosks().size(); ++d) {
                const LogStatus st = ledger.district_statuses()[d];
                const auto checkpoints = ledger.checkpoints(st.name).value();
                QVERIFY(!checkpoints.empty());
                QCOMPARE(checkpoints.back().first, st.size);
                QCOMPARE(ledger.casting().status(d).ballots_cast + 2,
                         st.size);  // + registration, opening
            }
        }
        qInfo("%d kills, %zu acknowledged ballots, all present", kills, acknowledged.size());
        QVERIFY(killed_between_acks >=
                kills / 2);  // the kills did land while the child was casting
    }
};

QTEST_GUILESS_MAIN(TestLedgerCrash)
#include "tst_ledger_crash.moc"
