// Running the psephos executable from a Qt test: its exit status and output, and a readable
// description for failure messages. The test's CMake target defines PSEPHOS_EXE.
#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace psephos::test {

struct Run {
    int exit_code = -1;  // -1 when the process crashed or was killed
    QString out;
    QString err;
};

// Runs psephos with `args`; PSEPHOS_GUARDIAN_PASSPHRASE is set only when `passphrase_value` is.
inline Run run(const QStringList& args, const QString& passphrase_value = {}) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("PSEPHOS_GUARDIAN_PASSPHRASE");
    if (!passphrase_value.isNull()) env.insert("PSEPHOS_GUARDIAN_PASSPHRASE", passphrase_value);
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(PSEPHOS_EXE), args);
    if (!process.waitForFinished(120'000))
        qFatal("psephos %s did not finish", qPrintable(args.join(' ')));
    Run r;
    r.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    return r;
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

}  // namespace psephos::test
