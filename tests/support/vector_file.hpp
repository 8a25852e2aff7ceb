// Reads a known-answer vector file from tests/<module>/vectors/: one vector per line, fields
// separated by single spaces; blank lines and '#' lines (where each file cites its source) are
// skipped. A missing file or a line with another number of fields stops the test run.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <cstdint>

#include "psephos/crypto/bytes.hpp"

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

// The lines of a vector file whose first field is `kind` (files that hold several kinds).
inline QList<QList<QByteArray>> read_vector_lines_of_kind(const QString& path, const char* kind,
                                                          qsizetype min_fields,
                                                          qsizetype max_fields) {
    QList<QList<QByteArray>> out;
    for (const auto& f : read_vector_lines(path, min_fields, max_fields)) {
        if (f[0] == kind) out.push_back(f);
    }
    return out;
}

// A hex field ("-" for no bytes); a malformed one stops the test run.
inline Bytes vector_hex(const QByteArray& text) {
    if (text == "-") return {};
    auto bytes = from_hex(text.toStdString());
    if (!bytes) qFatal("not hex: %s", text.constData());
    return std::move(bytes).value();
}

inline QByteArray hex_text(ByteSpan bytes) { return QByteArray::fromStdString(to_hex(bytes)); }

inline std::uint64_t vector_u64(const QByteArray& text) {
    bool ok = false;
    const std::uint64_t value = text.toULongLong(&ok);
    if (!ok) qFatal("not a u64: %s", text.constData());
    return value;
}

}  // namespace psephos::test
