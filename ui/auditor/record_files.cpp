#include "record_files.hpp"

#include <QJsonDocument>

#include "psephos/crypto/record_file.hpp"
#include "psephos/json/strict_json.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {

QString hex(const Hash32& h) {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(h.bytes.data()), 32).toHex());
}

QString for_each_frame(const QString& root, const QString& relative,
                       const std::function<bool(const QByteArray&)>& f) {
    auto file = crypto::RecordFile::open(root.toStdString(), relative.toStdString());
    if (!file) return q(file.error().message);
    while (true) {
        auto frame = file->read_frame();
        if (!frame) return q(frame.error().message);
        if (!*frame) return {};
        const Bytes& bytes = **frame;
        if (!f(QByteArray(reinterpret_cast<const char*>(bytes.data()),
                          static_cast<qsizetype>(bytes.size()))))
            return {};
    }
}

ByteSpan span(const QByteArray& a) {
    return {reinterpret_cast<const std::uint8_t*>(a.constData()),
            static_cast<std::size_t>(a.size())};
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
