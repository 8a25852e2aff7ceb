// Reads a known-answer vector file from tests/<module>/vectors/: one vector per line, fields
// separated by single spaces; blank lines and '#' lines (where each file cites its source) are
// skipped. A missing file or a line with another number of fields stops the test run.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace psephos::test {

inline QList<QList<QByteArray>> read_vector_lines(const QString& path, qsizetype min_fields,
                                                  qsizetype max_fields) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open vector file %s", qPrintable(path));
    QList<QList<QByteArray>> out;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#')) continue;
        const auto fields = line.split(' ');
        if (fields.size() < min_fields || fields.size() > max_fields) {
            qFatal("%s: bad vector line: %s", qPrintable(path), line.constData());
        }
        out.push_back(fields);
    }
    return out;
}

inline QList<QList<QByteArray>> read_vector_lines(const QString& path, qsizetype fields) {
    return read_vector_lines(path, fields, fields);
}

}  // namespace psephos::test
