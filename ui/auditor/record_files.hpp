// Reading an election record's files the way the auditor does (ui/auditor): every file opened as
// the verifier opens them (crypto::RecordFile: no links below the root, a regular file), frames
// checked against the bytes left before they are allocated, JSON through the verifier's strict
// parser before Qt reads it. Shared by the record summary, the anchors and the tracking-code
// look-up.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::ui {

// record.json, results.json: far below this.
constexpr std::size_t max_json_bytes = std::size_t{64} << 20;

QString hex(const Hash32& h);
ByteSpan span(const QByteArray& a);

// Calls f with each frame (u32be length ‖ bytes) of a records.bin or checkpoints.bin of the record
// in `root`; stops when f returns false. Returns an error text, or empty.
QString for_each_frame(const QString& root, const QString& relative,
                       const std::function<bool(const QByteArray&)>& f);

// A JSON object file of the record in `root`, refused above max_json_bytes before it is read. It
// must pass the strict parser the verifier uses (a member name twice, nesting, …) before Qt reads
// it, so that the auditor never shows a value the verifier did not read.
Result<QJsonObject> read_json(const QString& root, const QString& relative);

}  // namespace psephos::ui
