// Witnesses as processes for the process suites: `psephos-witness keygen` and `serve` on
// 127.0.0.1 with a ready file, and the witnesses file ("HOST:PORT VKEY" lines) that
// `psephos-station serve --witnesses` and `psephos-county serve --witnesses` read. The suite must
// define PSEPHOS_WITNESS_EXE (tests/app/CMakeLists.txt does).
#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <memory>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos_process.hpp"

namespace psephos::test {

struct WitnessProcesses {
    std::vector<std::unique_ptr<QProcess>> processes;  // stop them with test::stop
    std::vector<crypto::CosignerKey> keys;             // in the order of the file's lines
    QString file;                                      // dir/witnesses
};

// `count` witnesses named witness.test/w1 … that know the log `verifier` (written to
// dir/witness-logs), each with its key and state in `dir`. A fatal test error if one fails.
inline WitnessProcesses start_witnesses(const QDir& dir, const QString& verifier, int count = 2) {
    auto write = [](const QString& path, const QByteArray& content) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
    };
    write(dir.filePath("witness-logs"), verifier.toUtf8() + "\n");
    WitnessProcesses out;
    QByteArray lines;
    for (int w = 1; w <= count; ++w) {
        const QString name = QStringLiteral("witness.test/w%1").arg(w);
        const QString key = dir.filePath(QStringLiteral("w%1.key").arg(w));
        const Run keygen = run_executable(QStringLiteral(PSEPHOS_WITNESS_EXE),
                                          {"keygen", "--key", key, "--name", name});
        must(keygen);
        auto vkey = crypto::CosignerKey::parse(keygen.out.trimmed().toStdString());
        if (!vkey)
            qFatal("psephos-witness keygen printed no verifier key: %s", qPrintable(keygen.out));
        out.keys.push_back(std::move(vkey).value());
        out.processes.push_back(std::make_unique<QProcess>());
        const QString ready = dir.filePath(QStringLiteral("w%1.ready").arg(w));
        const QString where = start_server(
            *out.processes.back(), QStringLiteral(PSEPHOS_WITNESS_EXE),
            {"serve", "--key", key, "--name", name, "--state",
             dir.filePath(QStringLiteral("w%1-state").arg(w)), "--logs",
             dir.filePath("witness-logs"), "--listen", "127.0.0.1:0", "--ready-file", ready},
            ready);
        lines +=
            (QString(where).replace(QChar(' '), QChar(':')) + " " + keygen.out.trimmed() + "\n")
                .toUtf8();
    }
    out.file = dir.filePath("witnesses");
    write(out.file, lines);
    return out;
}

}  // namespace psephos::test
