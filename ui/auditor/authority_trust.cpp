// The election authority step of the auditor desktop (authority_trust.hpp).
#include "authority_trust.hpp"

#include <QDir>
#include <QFile>
#include <QUrl>

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include "check_summary.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/record_file.hpp"
#include "psephos/election/authority.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

constexpr std::size_t max_approval_bytes = 4096;  // authority.bin: 130 bytes

// "ed25519:" and 64 hex digits (either case), as `psephos authority keygen` prints the key.
std::optional<crypto::Ed25519PublicKey> parse_key_text(const QString& text) {
    const QString prefix = QStringLiteral("ed25519:");
    if (!text.startsWith(prefix, Qt::CaseInsensitive)) return std::nullopt;
    const QString digits = text.mid(prefix.size());
    if (digits.size() != 64) return std::nullopt;
    for (const QChar c : digits)
        if (!std::isxdigit(static_cast<unsigned char>(c.toLatin1()))) return std::nullopt;
    const QByteArray bytes = QByteArray::fromHex(digits.toLatin1());
    crypto::Ed25519PublicKey key;
    std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
    return key;
}

// V29 (election-wide) or V30 (one per district) of the report: a status and a sentence.
std::pair<AuditStatus::Value, QString> summarise(const verifier::VerifyReport& report,
                                                 const std::string& id) {
    const CheckSummary s = summarise_check(report, id);
    if (s.scopes == 0) return {s.status(), AuthorityTrust::tr("not in the report")};
    if (s.failed > 0 && id == "V30")
        return {s.status(), AuthorityTrust::tr("in %1 of %2 districts: %3")
                                .arg(s.failed)
                                .arg(s.scopes)
                                .arg(s.first)};
    if (s.failed > 0 || s.not_run > 0) return {s.status(), s.first};
    if (id == "V30")
        return {s.status(), AuthorityTrust::tr("every device of the %1 districts was authorised "
                                               "by the approval's key")
                                .arg(s.scopes)};
    return {s.status(),
            AuthorityTrust::tr("authority.bin approves this election, and its signature "
                               "verifies")};
}

}  // namespace

AuthorityTrust::AuthorityTrust(QObject* parent) : QObject(parent) {}

void AuthorityTrust::readRecord(const QString& dir) {
    m_recordKey.clear();
    m_recordKeyError.clear();
    // As every record file is read: no link, a regular file, bounded (crypto::RecordFile).
    auto bytes = crypto::read_record_file(dir.toStdString(), "authority.bin", max_approval_bytes);
    if (!bytes) {
        m_recordKeyError = q(bytes.error().message);
    } else {
        auto approval = election::decode_election_approval(*bytes);
        if (approval)
            m_recordKey = q(election::authority_key_text(approval.value().authority_key));
        else
            m_recordKeyError = tr("authority.bin: %1").arg(q(approval.error().message));
    }
    clearReport();  // emits changed
}

void AuthorityTrust::setReport(const verifier::VerifyReport& report, const QString& anchor) {
    if (report.cancelled) {
        clearReport();
        return;
    }
    m_verified = true;
    m_verifiedWith = anchor;
    std::tie(m_approvalStatus, m_approvalText) = summarise(report, "V29");
    std::tie(m_devicesStatus, m_devicesText) = summarise(report, "V30");
    emit changed();
}

void AuthorityTrust::clearReport() {
    m_verified = false;
    m_verifiedWith.clear();
    m_approvalStatus = m_devicesStatus = AuditStatus::NotVerified;
    m_approvalText = m_devicesText = tr("not verified yet");
    emit changed();
}

bool AuthorityTrust::setTrustedKey(const QString& file_or_text) {
    QString input = file_or_text.trimmed();
    if (input.startsWith(QStringLiteral("file://"))) input = QUrl(input).toLocalFile();
    std::optional<crypto::Ed25519PublicKey> key = parse_key_text(input);
    if (!key && input.startsWith(QStringLiteral("ed25519:"), Qt::CaseInsensitive)) {
        m_trustError =
            tr("'%1' is not an authority key: \"ed25519:\" and 64 hex digits").arg(input);
    } else if (!key && input.isEmpty()) {
        m_trustError = tr("Give the authority's public key file or its \"ed25519:…\" text.");
    } else if (!key) {
        auto read = crypto::read_public_key_file(input.toStdString());
        if (read)
            key = read.value();
        else
            m_trustError = q(read.error().message);
    }
    if (key) {
        m_trustedKey = q(election::authority_key_text(*key));
        m_trustError.clear();
    }
    emit changed();
    return key.has_value();
}

void AuthorityTrust::clearTrustedKey() {
    m_trustedKey.clear();
    m_trustError.clear();
    emit changed();
}

QString AuthorityTrust::anchorText() const {
    if (!m_verified) {
        if (m_trustedKey.isEmpty())
            return tr(
                "No trust anchor given: a verification will check the devices against the "
                "record's own approval key only. Give the authority's published key to "
                "check that the approval is the authority's.");
        return tr("A verification will check that the record's approval is by the trusted "
                  "authority %1, and every device against it.")
            .arg(m_trustedKey);
    }
    QString text =
        m_verifiedWith.isEmpty()
            ? tr("No trust anchor was given: devices were checked against the record's own "
                 "approval key only, which anyone who rewrote the whole record could have made. "
                 "Give the authority's published key and verify again to check it.")
            : tr("Checked against the trusted authority key %1.").arg(m_verifiedWith);
    if (m_verifiedWith != m_trustedKey)
        text += QLatin1Char(' ') + tr("The trust anchor has changed since: verify again.");
    return text;
}

}  // namespace psephos::ui
