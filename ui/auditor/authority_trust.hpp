// The election authority as the auditor desktop shows it (docs/auditor.md): the key that approved
// the open record (its authority.bin), the trust anchor the auditor gives — the authority's
// published public key file (`psephos authority keygen`'s FILE.pub) or its "ed25519:…" text —
// which verification passes on (VerifyOptions::trusted_authority_key), and what V29
// authority-approval and V30 device-authorisations found with it. Without an anchor the record
// can only be checked against its own approval key, and the texts say so.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

#include "audit_status.hpp"
#include "psephos/verifier/record_verifier.hpp"

namespace psephos::ui {

class AuthorityTrust : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's authority panel (AuditorController.authority)")
    // authority.bin's key, "ed25519:<64 hex>"; "" with recordKeyError saying why.
    Q_PROPERTY(QString recordKey READ recordKey NOTIFY changed)
    Q_PROPERTY(QString recordKeyError READ recordKeyError NOTIFY changed)
    // The trust anchor, "ed25519:<64 hex>", or "" when none is given.
    Q_PROPERTY(QString trustedKey READ trustedKey NOTIFY changed)
    // Why the last anchor given was refused, or "".
    Q_PROPERTY(QString trustError READ trustError NOTIFY changed)
    // V29, and V30 over every district, in the last verification (AuditStatus: NotVerified before
    // one concluded); each with a sentence (the first failure when there is one).
    Q_PROPERTY(psephos::ui::AuditStatus::Value approvalStatus READ approvalStatus NOTIFY changed)
    Q_PROPERTY(QString approvalText READ approvalText NOTIFY changed)
    Q_PROPERTY(psephos::ui::AuditStatus::Value devicesStatus READ devicesStatus NOTIFY changed)
    Q_PROPERTY(QString devicesText READ devicesText NOTIFY changed)
    // Against which key the devices were (or will be) checked.
    Q_PROPERTY(QString anchorText READ anchorText NOTIFY changed)

public:
    explicit AuthorityTrust(QObject* parent = nullptr);

    QString recordKey() const { return m_recordKey; }
    QString recordKeyError() const { return m_recordKeyError; }
    QString trustedKey() const { return m_trustedKey; }
    QString trustError() const { return m_trustError; }
    AuditStatus::Value approvalStatus() const { return m_approvalStatus; }
    QString approvalText() const { return m_approvalText; }
    AuditStatus::Value devicesStatus() const { return m_devicesStatus; }
    QString devicesText() const { return m_devicesText; }
    QString anchorText() const;

    // Reads authority.bin of the record in `dir` and forgets the last verification; the trust
    // anchor stays (it is the authority's, not the record's).
    void readRecord(const QString& dir);
    // The outcome of a verification that ran with `anchor` as its trusted key ("" for none).
    void setReport(const verifier::VerifyReport& report, const QString& anchor);
    void clearReport();

    // The anchor: a public key file's path, or "ed25519:" and 64 hex digits. False, with
    // trustError and the anchor unchanged, if it is neither.
    Q_INVOKABLE bool setTrustedKey(const QString& file_or_text);
    Q_INVOKABLE void clearTrustedKey();

signals:
    void changed();

private:
    QString m_recordKey, m_recordKeyError;
    QString m_trustedKey, m_trustError;
    bool m_verified = false;
    QString m_verifiedWith;  // the anchor of the last verification
    AuditStatus::Value m_approvalStatus = AuditStatus::NotVerified;
    QString m_approvalText;
    AuditStatus::Value m_devicesStatus = AuditStatus::NotVerified;
    QString m_devicesText;
};

}  // namespace psephos::ui
