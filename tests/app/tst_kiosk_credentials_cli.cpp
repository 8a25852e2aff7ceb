// psephos-kiosk --add-poll-worker (docs/kiosk.md §1): the real executable adds named poll
// workers to a credentials file, the passphrase read from stdin or --passphrase-fd, never from
// the command line; the file is 0600 and reads back with each name and role; a name already
// there, an unknown role, a comma in a name, a missing passphrase and a legacy passphrase file are
// refused, leaving the file as it was.
#include <sys/stat.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "psephos/kiosk/poll_worker_credentials.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

using namespace psephos;

namespace {

struct Run {
    int exit_code = -1;
    QString out;
    QString err;
};

// Runs psephos-kiosk (or `program`) with `arguments`, writing `input` to its stdin; PASSFILE
// in its environment is `pass_file`.
Run run_kiosk(const QStringList& arguments, const QByteArray& input,
              const QString& program = QStringLiteral(PSEPHOS_KIOSK_EXE),
              const QString& pass_file = {}) {
    QProcess kiosk;
    if (!pass_file.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PASSFILE"), pass_file);
        kiosk.setProcessEnvironment(env);
    }
    kiosk.start(program, arguments);
    Run r;
    if (!kiosk.waitForStarted(10'000)) return r;
    kiosk.write(input);
    kiosk.closeWriteChannel();
    if (!kiosk.waitForFinished(30'000)) return r;
    r.exit_code = kiosk.exitCode();
    r.out = QString::fromUtf8(kiosk.readAllStandardOutput());
    r.err = QString::fromUtf8(kiosk.readAllStandardError());
    return r;
}

QByteArray content_of(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestKioskCredentialsCli : public QObject {
    Q_OBJECT

private slots:
    void adds_named_poll_workers_and_refuses_what_does_not_fit() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("poll-workers"));
        const auto add = [&](const QString& name, const QString& roles) {
            return QStringList{
                QStringLiteral("--add-poll-worker"), file, QStringLiteral("--name"), name,
                QStringLiteral("--roles"),           roles};
        };
        Run grace = run_kiosk(add(QStringLiteral("Grace Hopper"), QStringLiteral("open,close")),
                              "grace's passphrase\n");
        QVERIFY2(grace.exit_code == 0, qPrintable(grace.err));
        QVERIFY(grace.out.contains(QStringLiteral("Grace Hopper")));
        // The second through a file descriptor: a shell opens the passphrase's file as fd 3.
        const QString alan_file = dir.filePath(QStringLiteral("alan.txt"));
        {
            QFile f(alan_file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("alan's passphrase\n");
        }
        const Run with_fd = run_kiosk(
            QStringList{QStringLiteral("-c"), QStringLiteral("exec \"$0\" \"$@\" 3<\"$PASSFILE\""),
                        QStringLiteral(PSEPHOS_KIOSK_EXE)}
                << add(QStringLiteral("Alan Turing"), QStringLiteral("close"))
                << QStringLiteral("--passphrase-fd") << QStringLiteral("3"),
            {}, QStringLiteral("/bin/sh"), alan_file);
        QVERIFY2(with_fd.exit_code == 0, qPrintable(with_fd.err));

        struct stat st {};
        QCOMPARE(::stat(file.toLocal8Bit().constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        auto read = kiosk::read_poll_worker_credentials(file.toStdString());
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(read->size(), std::size_t{2});
        QCOMPARE((*read)[0].name, std::string("Grace Hopper"));
        QCOMPARE(kiosk::roles_to_string((*read)[0].roles), std::string("open,close"));
        QCOMPARE((*read)[1].name, std::string("Alan Turing"));
        kiosk::PollWorkerLock lock(*read);
        const auto alan_unlock = lock.try_unlock("alan's passphrase");
        QVERIFY(alan_unlock.unlocked);
        QCOMPARE(alan_unlock.worker, std::optional<std::size_t>{1});
        // The passphrase is on no command line: it is nowhere in the file either (only hashes).
        const QByteArray before = content_of(file);
        QVERIFY(!before.contains("grace's passphrase"));

        const Run twice = run_kiosk(add(QStringLiteral("Alan Turing"), QStringLiteral("voters")),
                                    "another passphrase\n");
        QCOMPARE(twice.exit_code, 1);
        QVERIFY2(twice.err.contains(QStringLiteral("already there")), qPrintable(twice.err));
        const Run role = run_kiosk(add(QStringLiteral("Eve"), QStringLiteral("open,admin")),
                                   "eve's passphrase\n");
        QCOMPARE(role.exit_code, 2);
        QVERIFY2(role.err.contains(QStringLiteral("unknown role 'admin'")), qPrintable(role.err));
        const Run comma = run_kiosk(add(QStringLiteral("Hopper, Grace"), QStringLiteral("open")),
                                    "a passphrase\n");
        QCOMPARE(comma.exit_code, 1);
        QVERIFY2(comma.err.contains(QStringLiteral("comma")), qPrintable(comma.err));
        const Run none = run_kiosk(add(QStringLiteral("Eve"), QStringLiteral("open")), {});
        QCOMPARE(none.exit_code, 1);
        QVERIFY2(none.err.contains(QStringLiteral("no passphrase")), qPrintable(none.err));
        QCOMPARE(content_of(file), before);

        const QString legacy = dir.filePath(QStringLiteral("legacy"));
        const Run made = run_kiosk({QStringLiteral("--new-poll-worker-passphrase"), legacy},
                                   "the shared passphrase\n");
        QCOMPARE(made.exit_code, 0);
        const Run extend =
            run_kiosk({QStringLiteral("--add-poll-worker"), legacy, QStringLiteral("--name"),
                       QStringLiteral("Eve"), QStringLiteral("--roles"), QStringLiteral("open")},
                      "eve's passphrase\n");
        QCOMPARE(extend.exit_code, 1);
        QVERIFY2(extend.err.contains(QStringLiteral("not a named credentials file")),
                 qPrintable(extend.err));
    }
};

QTEST_GUILESS_MAIN(TestKioskCredentialsCli)
#include "tst_kiosk_credentials_cli.moc"
