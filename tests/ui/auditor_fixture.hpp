// Election records for the auditor's tests and screenshots, made the way an election makes them:
// `psephos demo --data DIR` (a whole election, anchored, exported), and a copy of that record
// with one byte of a cast ballot changed.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <stdexcept>

#include "psephos_process.hpp"

namespace psephos::test {

// Frames (u32be length ‖ bytes) of a records.bin, read independently of the auditor's reader.
inline QList<QByteArray> read_frames(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString());
    const QByteArray all = file.readAll();
    QList<QByteArray> frames;
    qsizetype at = 0;
    while (at + 4 <= all.size()) {
        const auto n = static_cast<qsizetype>(
            (quint32(quint8(all[at])) << 24) | (quint32(quint8(all[at + 1])) << 16) |
            (quint32(quint8(all[at + 2])) << 8) | quint32(quint8(all[at + 3])));
        frames << all.mid(at + 4, n);
        at += 4 + n;
    }
    return frames;
}

// The printed tracking code of the first challenged ballot in a record's challenged-ballots.json.
inline QString first_challenged_code(const QString& record) {
    QFile file(record + QStringLiteral("/challenged-ballots.json"));
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read challenged-ballots.json");
    return QJsonDocument::fromJson(file.readAll())
        .object()[QStringLiteral("challenged_ballots")]
        .toArray()
        .first()
        .toObject()[QStringLiteral("tracking_code")]
        .toString();
}

inline bool copy_tree(const QString& from, const QString& to) {
    QDir source(from);
    if (!QDir().mkpath(to)) return false;
    for (const QString& entry : source.entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString a = source.filePath(entry), b = QDir(to).filePath(entry);
        if (QFileInfo(a).isDir() ? !copy_tree(a, b) : !QFile::copy(a, b)) return false;
    }
    return true;
}

struct AuditorRecords {
    QString good;      // DIR/record of a demo election
    QString tampered;  // a copy with one byte of a cast ballot in `tampered_district` flipped
    QString tampered_district;

    // voters: the demo's --voters; the realistic sample election (10 districts).
    AuditorRecords(const QString& root, int voters) {
        const QString data = QDir(root).filePath(QStringLiteral("election"));
        const Run demo =
            run({QStringLiteral("demo"), QStringLiteral("--voters"), QString::number(voters),
                 QStringLiteral("--seed"), QStringLiteral("11"), QStringLiteral("--threads"),
                 QStringLiteral("2"), QStringLiteral("--data"), data});
        if (demo.exit_code != 0)
            throw std::runtime_error("psephos demo failed: " + describe(demo).toStdString());
        good = QDir(data).filePath(QStringLiteral("record"));
        tampered = QDir(root).filePath(QStringLiteral("tampered-record"));
        if (!copy_tree(good, tampered)) throw std::runtime_error("cannot copy the record");
        // The first district log holding a cast ballot: flip the last byte of its first ballot's
        // device signature.
        for (const QString& district : QDir(QDir(tampered).filePath(QStringLiteral("districts")))
                                           .entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString path =
                QDir(tampered).filePath(QStringLiteral("districts/%1/records.bin").arg(district));
            QFile file(path);
            if (!file.open(QIODevice::ReadWrite))
                throw std::runtime_error("cannot open " + path.toStdString());
            QByteArray all = file.readAll();
            qsizetype at = 0;
            while (at + 4 <= all.size()) {
                const auto n = static_cast<qsizetype>(
                    (quint32(quint8(all[at])) << 24) | (quint32(quint8(all[at + 1])) << 16) |
                    (quint32(quint8(all[at + 2])) << 8) | quint32(quint8(all[at + 3])));
                if (n > 0 && quint8(all[at + 4]) == 0x02) {
                    all[at + 4 + n - 1] = static_cast<char>(all[at + 4 + n - 1] ^ 0x01);
                    file.seek(0);
                    file.write(all);
                    tampered_district = district;
                    return;
                }
                at += 4 + n;
            }
        }
        throw std::runtime_error("no cast ballot in the demo's record");
    }
};

}  // namespace psephos::test
