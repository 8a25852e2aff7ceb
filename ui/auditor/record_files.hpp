// What the auditor (ui/auditor) reads of a record besides record::RecordReader (which reads
// record.json, manifest.json and the logs for it): results.json, opened as every record file is
// (crypto::RecordFile: no links below the root, a regular file) and through the strict parser
// before Qt reads it; and a hash as hex.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::ui {

// results.json: far below this.
constexpr std::size_t max_json_bytes = std::size_t{64} << 20;

QString hex(const Hash32& h);

// A JSON object file of the record in `root`, refused above max_json_bytes before it is read. It
// must pass the strict parser the verifier uses (a member name twice, nesting, …) before Qt reads
// it, so that the auditor never shows a value the verifier did not read.
Result<QJsonObject> read_json(const QString& root, const QString& relative);

}  // namespace psephos::ui
