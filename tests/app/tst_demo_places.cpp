// `psephos demo --places N` as a process (issue 22, README, docs/county.md §4): an election of
// three polling places — three `psephos-station serve`, one `psephos-county serve`, two
// `psephos-witness serve`, all started by the demo — ending in one record that the demo verifies
// with a 2-of-2 witness policy, and that `psephos verify --witness-policy` passes again from the
// kept files alone; the same with the kiosks as `psephos kiosk` processes. No process the demo
// started is left running, also when the county dies mid-day (the demo then fails); bad --places
// values are refused before anything starts.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <signal.h>
#include <sys/types.h>

#include "psephos_process.hpp"

using psephos::test::describe;
using psephos::test::Run;

namespace {

// The processes whose command line names `path` (the demo's data directory).
QStringList processes_naming(const QString& path) {
    QStringList found;
    QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        const QString dir = it.next();
        bool number = false;
        QFileInfo(dir).fileName().toInt(&number);
        if (!number) continue;
        QFile cmdline(dir + "/cmdline");
        if (!cmdline.open(QIODevice::ReadOnly)) continue;
        QByteArray words = cmdline.readAll();
        words.replace('\0', ' ');
        if (words.contains(path.toUtf8())) found << QString::fromUtf8(words);
    }
    return found;
}

}  // namespace

class TestDemoPlaces : public QObject {
    Q_OBJECT

private slots:
    void three_polling_places_end_in_one_record_verified_with_the_witness_policy() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = dir.filePath("demo");
        const Run demo = psephos::test::run({"demo", "--places", "3", "--voters", "40", "--seed",
                                             "7", "--threads", "2", "--data", data});
        QVERIFY2(demo.exit_code == 0, qPrintable(describe(demo)));
        QVERIFY2(
            !demo.out.contains(QRegularExpression("^FAIL", QRegularExpression::MultilineOption)),
            qPrintable(demo.out));
        for (const char* line : {
                 "PASS  the election authority approved the election",
                 "PASS  every ballot acknowledged after a durable write",
                 "(40 cast, 1 challenged, 40 counted)",
                 "PASS  the ledger reopened with every record re-checked",
                 "PASS  every guardian's decryption proved, checked and recorded",
                 "PASS  decrypted results equal the simulated voters' choices",
                 "PASS  the exported record verifies from its files alone",
                 "PASS  a voter's receipt is proved in the anchored election root",
                 "PASS  3 stations pushed their districts to the county",
                 "(10 of 10 districts, same root and size)",
                 "PASS  both witnesses cosigned the county's election checkpoint as polls closed "
                 "(2 of 2) and after the results (2 of 2)",
                 "PASS  the county's record: station checkpoints (V32), equivocation evidence "
                 "(V33)",
             }) {
            QVERIFY2(demo.out.contains(QString::fromUtf8(line)),
                     qPrintable(QString::fromUtf8(line) + "\n" + demo.out));
        }
        QCOMPARE(demo.out.count(QRegularExpression("^PASS  ", QRegularExpression::MultilineOption)),
                 10);
        QVERIFY2(processes_naming(data).isEmpty(), qPrintable(processes_naming(data).join('\n')));

        // The kept record, from its files alone, with the policy and the authority's key the demo
        // wrote: the county's checks and both cosignatures.
        const Run verified =
            psephos::test::run({"verify", data + "/record", "--witness-policy",
                                data + "/witness-policy", "--authority", data + "/authority.pub"});
        QVERIFY2(verified.exit_code == 0, qPrintable(describe(verified)));
        for (const char* check : {"PASS V32 station-checkpoints", "PASS V33",
                                  "PASS V34 witness-cosignatures log /election (2 cosignatures"})
            QVERIFY2(verified.out.contains(QString::fromUtf8(check)), qPrintable(verified.out));
        // With a policy that names a witness of another election, the quorum is not met.
        QFile policy(data + "/witness-policy");
        QVERIFY(policy.open(QIODevice::ReadOnly));
        QByteArray text = policy.readAll();
        policy.close();
        const Run keygen = psephos::test::run_executable(
            QStringLiteral(PSEPHOS_WITNESS_EXE),
            {"keygen", "--key", dir.filePath("other.key"), "--name", "other.example/w"});
        QVERIFY2(keygen.exit_code == 0, qPrintable(describe(keygen)));
        const QByteArray first = text.mid(text.indexOf("witness "));
        text.replace(first.left(first.indexOf('\n') + 1),
                     "witness " + keygen.out.trimmed().toUtf8() + "\n");
        QFile other(dir.filePath("other-policy"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.write(text);
        other.close();
        const Run refused = psephos::test::run(
            {"verify", data + "/record", "--witness-policy", dir.filePath("other-policy")});
        QVERIFY2(refused.exit_code != 0, qPrintable(describe(refused)));
        QVERIFY2(refused.out.contains("FAIL V34"), qPrintable(refused.out));
    }

    // The kiosks as `psephos kiosk` processes (one per voter's action, each kiosk's chain kept
    // in its own directory), the rest as above.
    void kiosks_as_psephos_kiosk_processes() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = dir.filePath("demo");
        const Run demo =
            psephos::test::run({"demo", "--places", "2", "--kiosk-processes", "--voters", "30",
                                "--seed", "3", "--threads", "2", "--data", data});
        QVERIFY2(demo.exit_code == 0, qPrintable(describe(demo)));
        QVERIFY2(demo.out.contains("cast 30 ballots (psephos kiosk processes)"),
                 qPrintable(demo.out));
        QVERIFY2(demo.out.contains("(30 cast, 1 challenged, 30 counted)"), qPrintable(demo.out));
        QVERIFY2(demo.out.contains("PASS  2 stations pushed their districts to the county"),
                 qPrintable(demo.out));
        QCOMPARE(demo.out.count(QRegularExpression("^PASS  ", QRegularExpression::MultilineOption)),
                 10);
        // Each kiosk's own state directory (its head), one per kiosk of the 10 districts.
        QCOMPARE(QDir(data + "/kiosks").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 20);
        QVERIFY2(processes_naming(data).isEmpty(), qPrintable(processes_naming(data).join('\n')));
    }

    // The county dies (SIGKILL) while the kiosks cast: the demo fails, naming it, and leaves no
    // station or witness running.
    void a_dead_county_fails_the_demo_and_leaves_no_process() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = dir.filePath("demo");
        QProcess demo;
        demo.start(QStringLiteral(PSEPHOS_EXE),
                   {"demo", "--places", "2", "--voters", "200", "--threads", "2", "--data", data});
        QVERIFY(demo.waitForStarted());
        const QString ready = data + "/county/county.ready";
        for (int i = 0; i < 600 && !QFile::exists(ready); ++i) QThread::msleep(50);
        QVERIFY2(QFile::exists(ready), "the county never became ready");
        QStringList county;
        for (const QString& p : processes_naming(data))
            if (p.contains("psephos-county serve")) county << p;
        QCOMPARE(county.size(), 1);
        // Its pid: the /proc entry whose command line is this one.
        QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
        pid_t pid = 0;
        while (it.hasNext() && pid == 0) {
            const QString entry = it.next();
            QFile cmdline(entry + "/cmdline");
            if (!cmdline.open(QIODevice::ReadOnly)) continue;
            QByteArray words = cmdline.readAll();
            words.replace('\0', ' ');
            if (QString::fromUtf8(words) == county.front())
                pid = static_cast<pid_t>(QFileInfo(entry).fileName().toInt());
        }
        QVERIFY(pid > 0);
        QVERIFY(::kill(pid, SIGKILL) == 0);
        QVERIFY(demo.waitForFinished(120'000));
        const QString out = QString::fromUtf8(demo.readAllStandardOutput());
        const QString err = QString::fromUtf8(demo.readAllStandardError());
        QVERIFY2(demo.exitStatus() == QProcess::NormalExit && demo.exitCode() != 0,
                 qPrintable(out + err));
        QVERIFY2(err.contains("psephos-county"), qPrintable(err));
        QVERIFY2(processes_naming(data).isEmpty(), qPrintable(processes_naming(data).join('\n')));
    }

    void bad_places_are_refused_before_anything_starts() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = dir.filePath("demo");
        for (const QStringList& args :
             {QStringList{"--places", "1"}, QStringList{"--places", "3", "--in-process"},
              QStringList{"--places", "11"}, QStringList{"--kiosk-processes"}}) {
            const Run r =
                psephos::test::run(QStringList{"demo", "--voters", "10", "--data", data} + args);
            QVERIFY2(r.exit_code != 0, qPrintable(describe(r)));
            QVERIFY2(r.err.contains("--places"), qPrintable(describe(r)));  // named in each
            QVERIFY2(!QFile::exists(data + "/county"), qPrintable(args.join(' ')));
        }
    }
};

QTEST_GUILESS_MAIN(TestDemoPlaces)
#include "tst_demo_places.moc"
