// The real executables turn core dumps off before they touch a secret (docs/threat-model.md,
// "Secrets in memory"). psephos-kiosk --new-poll-worker-passphrase waits for the passphrase on
// stdin, so while it waits its limits can be read from /proc/<pid>/limits. The child starts with
// its soft core limit raised to the hard one, as after `ulimit -c unlimited`.
#include <sys/resource.h>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

namespace {

// The "Max core file size" line of /proc/<pid>/limits, or an empty string.
QByteArray core_limit_line(qint64 pid) {
    QFile limits(QStringLiteral("/proc/%1/limits").arg(pid));
    if (!limits.open(QIODevice::ReadOnly)) return {};
    for (const QByteArray& line : limits.readAll().split('\n'))
        if (line.startsWith("Max core file size")) return line.simplified();
    return {};
}

}  // namespace

class TestCoreDumps : public QObject {
    Q_OBJECT

private slots:
    void kiosk_runs_with_core_limit_zero() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess kiosk;
        kiosk.setChildProcessModifier([] {
            rlimit limit{};
            ::getrlimit(RLIMIT_CORE, &limit);
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_CORE, &limit);
        });
        kiosk.start(QStringLiteral(PSEPHOS_KIOSK_EXE),
                    {QStringLiteral("--new-poll-worker-passphrase"), dir.filePath("pass")});
        QVERIFY2(kiosk.waitForStarted(10'000), qPrintable(kiosk.errorString()));
        // The limit is set first thing in main; poll until it shows (or the time runs out).
        const QByteArray expected = "Max core file size 0 0 bytes";
        QByteArray line;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 10'000) {
            line = core_limit_line(kiosk.processId());
            if (line == expected) break;
            QThread::msleep(20);
        }
        kiosk.closeWriteChannel();  // no passphrase: the kiosk exits
        QVERIFY(kiosk.waitForFinished(10'000));
        QCOMPARE(line, expected);
        QCOMPARE(kiosk.exitCode(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCoreDumps)
#include "tst_core_dumps.moc"
