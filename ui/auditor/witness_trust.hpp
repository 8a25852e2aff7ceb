// A county's record as the auditor desktop shows it (docs/auditor.md, docs/election-record.md
// §3.9): the witness policy the auditor gives as a trust anchor (a policy file: "witness VKEY"
// lines and "quorum K", docs/witness.md §9), passed to verification
// (VerifyOptions::witness_policy), and what V32 station-checkpoints, V33 equivocation-evidence
// and V34 witness-cosignatures found, with the verifier's notices (a station's proven
// equivocation). A record that is not a county's and carries no cosignatures has none of the
// three checks, and the texts say so.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

#include "audit_status.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/verifier/record_verifier.hpp"

namespace psephos::ui {

class WitnessTrust : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's witness panel (AuditorController.witnesses)")
    // The policy given ("2 of 2: name, name"), or "" when none is.
    Q_PROPERTY(QString policyText READ policyText NOTIFY changed)
    // Why the last policy file given was refused, or "".
    Q_PROPERTY(QString policyError READ policyError NOTIFY changed)
    // V32 over every district, V33 and V34 in the last verification (AuditStatus: NotVerified
    // before one concluded); each with a sentence.
    Q_PROPERTY(psephos::ui::AuditStatus::Value stationsStatus READ stationsStatus NOTIFY changed)
    Q_PROPERTY(QString stationsText READ stationsText NOTIFY changed)
    Q_PROPERTY(psephos::ui::AuditStatus::Value evidenceStatus READ evidenceStatus NOTIFY changed)
    Q_PROPERTY(QString evidenceText READ evidenceText NOTIFY changed)
    Q_PROPERTY(
        psephos::ui::AuditStatus::Value cosignaturesStatus READ cosignaturesStatus NOTIFY changed)
    Q_PROPERTY(QString cosignaturesText READ cosignaturesText NOTIFY changed)
    // The verifier's notices: what does not fail the record but must be seen.
    Q_PROPERTY(QStringList notices READ notices NOTIFY changed)

public:
    explicit WitnessTrust(QObject* parent = nullptr);

    QString policyText() const { return m_policyText; }
    QString policyError() const { return m_policyError; }
    AuditStatus::Value stationsStatus() const { return m_stationsStatus; }
    QString stationsText() const { return m_stationsText; }
    AuditStatus::Value evidenceStatus() const { return m_evidenceStatus; }
    QString evidenceText() const { return m_evidenceText; }
    AuditStatus::Value cosignaturesStatus() const { return m_cosignaturesStatus; }
    QString cosignaturesText() const { return m_cosignaturesText; }
    QStringList notices() const { return m_notices; }
    const std::optional<crypto::WitnessPolicy>& policy() const { return m_policy; }

    void setReport(const verifier::VerifyReport& report);
    void clearReport();

    // The trust anchor: a witness policy file's path (or a file:// URL). False, with policyError
    // and the policy unchanged, if it cannot be read or parsed.
    Q_INVOKABLE bool setPolicyFile(const QString& file);
    Q_INVOKABLE void clearPolicy();

signals:
    void changed();

private:
    std::optional<crypto::WitnessPolicy> m_policy;
    QString m_policyText, m_policyError;
    AuditStatus::Value m_stationsStatus = AuditStatus::NotVerified;
    AuditStatus::Value m_evidenceStatus = AuditStatus::NotVerified;
    AuditStatus::Value m_cosignaturesStatus = AuditStatus::NotVerified;
    QString m_stationsText, m_evidenceText, m_cosignaturesText;
    QStringList m_notices;
};

}  // namespace psephos::ui
