// Running the psephos executable from a Qt test: its exit status and output, and a readable
// description for failure messages. The test's CMake target defines PSEPHOS_EXE.
#pragma once

#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QtGlobal>

namespace psephos::test {

struct Run {
    int exit_code = -1;  // -1 when the process crashed or was killed
    QString out;
    QString err;
};

// Runs `executable` with `args` and `environment` to its end (at most 120 s, else a fatal test
// error naming it, the process killed), `input` on its standard input. It runs in a session of its
// own: with no controlling terminal, a command that would ask for a passphrase fails instead of
// prompting the developer.
inline Run run_executable(
    const QString& executable, const QStringList& args,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
    const QByteArray& input = {}) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setChildProcessModifier([] { ::setsid(); });
    process.start(executable, args);
    if (process.waitForStarted() && !input.isEmpty()) process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120'000)) {
        process.kill();
        process.waitForFinished();
        qFatal("%s %s did not finish", qPrintable(executable), qPrintable(args.join(' ')));
    }
    Run r;
    r.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
}

// Runs psephos with `args`; with a `passphrase`, also `--passphrase-fd 0` and the passphrase on
// its standard input (never in its environment: psephos refuses PSEPHOS_GUARDIAN_PASSPHRASE).
inline Run run(const QStringList& args, const QString& passphrase = {}) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("PSEPHOS_GUARDIAN_PASSPHRASE");
    if (passphrase.isNull()) return run_executable(QStringLiteral(PSEPHOS_EXE), args, env);
    return run_executable(QStringLiteral(PSEPHOS_EXE), args + QStringList{"--passphrase-fd", "0"},
                          env, (passphrase + "\n").toUtf8());
}

// Starts a server process (psephos-station, -witness, -county serve … --ready-file READY) and waits
// at most 20 s for its ready file; returns its contents, "HOST PORT". A fatal test error if the
// process does not start, exits first, or never becomes ready.
inline QString start_server(QProcess& p, const QString& exe, const QStringList& args,
                            const QString& ready) {
    QFile::remove(ready);
    p.start(exe, args);
    if (!p.waitForStarted(10'000)) qFatal("%s did not start", qPrintable(exe));
    for (int i = 0; i < 400 && !QFile::exists(ready); ++i) {
        if (p.state() == QProcess::NotRunning)
            qFatal("%s exited: %s", qPrintable(exe), p.readAllStandardError().constData());
        QThread::msleep(50);
    }
    if (!QFile::exists(ready)) qFatal("%s did not become ready", qPrintable(exe));
    QFile f(ready);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(ready));
    return QString::fromUtf8(f.readAll()).trimmed();
}

inline QString describe(const Run& r) {
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.exit_code).arg(r.out, r.err);
}

inline QByteArray read_all(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// The command's stdout as one JSON object; a fatal test error if it is not one.
inline QJsonObject json_of(const Run& r) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("not one JSON object: %s\n%s", qPrintable(error.errorString()), qPrintable(r.out));
    return doc.object();
}

// A run that must have succeeded: a fatal test error describing it otherwise.
inline void must(const Run& r) {
    if (r.exit_code != 0) qFatal("%s", qPrintable(describe(r)));
}

// Stops a server process: SIGTERM, then SIGKILL after 30 s. Its exit code, or -1 if it had to be
// killed or did not exit normally.
inline int stop(QProcess& p) {
    p.terminate();
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished(10'000);
        return -1;
    }
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// A step of a test's set-up that must succeed: a fatal test error naming it otherwise.
inline void must_run(const QStringList& args) {
    const Run r = run(args);
    if (r.exit_code != 0)
        qFatal("psephos %s: %s", qPrintable(args.join(' ')), qPrintable(describe(r)));
}

// The election of `manifest` through a one-process key ceremony (5 guardians, threshold 3),
// approved by a new election authority, and its ledger: `dir`/ceremony/election.json,
// `dir`/authority.key (to authorise devices with), `dir`/approval.bin and the ledger in `dir`/data.
struct ApprovedLedger {
    QString election;
    QString authority_key;
    QString data;
};

inline ApprovedLedger make_approved_ledger(const QString& manifest, const QDir& dir) {
    ApprovedLedger l{dir.filePath("ceremony/election.json"), dir.filePath("authority.key"),
                     dir.filePath("data")};
    must_run({"ceremony", "--election", manifest, "--guardians", "5", "--threshold", "3", "--out",
              dir.filePath("ceremony")});
    must_run({"authority", "keygen", "--out", l.authority_key});
    must_run({"authority", "approve", "--key", l.authority_key, "--election", l.election, "--out",
              dir.filePath("approval.bin")});
    must_run({"ledger", "init", "--election", l.election, "--approval",
              dir.filePath("approval.bin"), "--data", l.data});
    return l;
}

// A device key for `device` in `dir` (DEVICE.key, DEVICE.key.pub), authorised by the election
// authority for `district` and registered in the ledger; returns the key file's path.
inline QString make_registered_device(const ApprovedLedger& l, const QDir& dir,
                                      const QString& district, const QString& device) {
    const QString key = dir.filePath(device + ".key");
    const QString authorisation = dir.filePath(device + ".authorisation");
    must_run({"ledger", "device-key", "--out", key, "--device", device});
    must_run({"authority", "authorise-device", "--key", l.authority_key, "--election", l.election,
              "--district", district, "--device", device, "--public-key", key + ".pub", "--out",
              authorisation});
    must_run({"ledger", "register-device", "--data", l.data, "--authorisation", authorisation});
    return key;
}

}  // namespace psephos::test
