#include "record_files.hpp"

#include <QJsonDocument>

#include "psephos/crypto/record_file.hpp"
#include "psephos/json/strict_json.hpp"

namespace psephos::ui {

QString hex(const Hash32& h) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(h.bytes.data()), 32).toHex());
}

Result<QJsonObject> read_json(const QString& root, const QString& relative) {
    PSEPHOS_TRY_ASSIGN(
        const Bytes bytes,
        crypto::read_record_file(root.toStdString(), relative.toStdString(), max_json_bytes));
    PSEPHOS_TRY(psephos::json::parse_strict(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
        relative.toStdString(), psephos::json::Limits::for_size(max_json_bytes)));
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(bytes.data()),
                                           static_cast<qsizetype>(bytes.size())),
                                &error);
    if (doc.isNull() || !doc.isObject())
        return Error{ErrorCode::invalid_encoding,
                     (relative + QStringLiteral(": not a JSON object (") + error.errorString() +
                      QLatin1Char(')'))
                         .toStdString()};
    return doc.object();
}

}  // namespace psephos::ui
