// The county's stations, their evidence and the witnesses at the auditor desktop
// (witness_trust.hpp).
#include "witness_trust.hpp"

#include <QUrl>

#include "check_summary.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

constexpr std::size_t max_policy_bytes = 64 * 1024;

}  // namespace

WitnessTrust::WitnessTrust(QObject* parent) : QObject(parent) { clearReport(); }

void WitnessTrust::setReport(const verifier::VerifyReport& report) {
    if (report.cancelled) {
        clearReport();
        return;
    }
    const CheckSummary stations = summarise_check(report, "V32");
    m_stationsStatus = stations.status();
    if (stations.scopes == 0)
        m_stationsText = tr("not a county's record: no station checkpoints to check");
    else if (stations.failed > 0)
        m_stationsText = tr("in %1 of %2 districts: %3")
                             .arg(stations.failed)
                             .arg(stations.scopes)
                             .arg(stations.first);
    else if (stations.not_run > 0)
        m_stationsText = stations.first;
    else
        m_stationsText = tr("every record before each district's tally is its station's, under "
                            "the station's own key (%1 station checkpoints in %2 districts)")
                             .arg(stations.items)
                             .arg(stations.scopes);

    const CheckSummary evidence = summarise_check(report, "V33");
    m_evidenceStatus = evidence.status();
    if (evidence.scopes == 0)
        m_evidenceText = tr("not a county's record");
    else if (evidence.failed > 0 || evidence.not_run > 0)
        m_evidenceText = evidence.first;
    else if (evidence.items == 0)
        m_evidenceText = tr("no station equivocated");
    else
        m_evidenceText =
            tr("%n evidence(s) checked: each is the station's own signatures; see "
               "the notices",
               nullptr, static_cast<int>(evidence.items));

    const CheckSummary cosignatures = summarise_check(report, "V34");
    m_cosignaturesStatus = cosignatures.status();
    if (cosignatures.scopes == 0)
        m_cosignaturesText = tr("the record carries no witness cosignatures");
    else if (cosignatures.failed > 0 || cosignatures.not_run > 0)
        m_cosignaturesText = cosignatures.first;
    else if (m_policy)
        m_cosignaturesText =
            tr("the policy (%1) is met, and every cosignature verifies").arg(m_policyText);
    else
        m_cosignaturesText =
            tr("%n cosignature(s) verify; no policy was given, so none was "
               "required",
               nullptr, static_cast<int>(cosignatures.items));
    m_notices.clear();
    for (const auto& n : report.notices) m_notices << q(n);
    emit changed();
}

void WitnessTrust::clearReport() {
    m_stationsStatus = m_evidenceStatus = m_cosignaturesStatus = AuditStatus::NotVerified;
    m_stationsText = m_evidenceText = m_cosignaturesText = tr("not verified yet");
    m_notices.clear();
    emit changed();
}

bool WitnessTrust::setPolicyFile(const QString& file) {
    QString path = file.trimmed();
    if (path.startsWith(QStringLiteral("file://"))) path = QUrl(path).toLocalFile();
    if (path.isEmpty()) {
        m_policyError = tr("Give the witness policy file.");
        emit changed();
        return false;
    }
    auto bytes = crypto::read_public_file(path.toStdString(), max_policy_bytes);
    auto policy = bytes ? crypto::parse_witness_policy(
                              std::string_view(reinterpret_cast<const char*>(bytes.value().data()),
                                               bytes.value().size()),
                              path.toStdString())
                        : Result<crypto::WitnessPolicy>(bytes.error());
    if (!policy) {
        m_policyError = q(policy.error().message);
        emit changed();
        return false;
    }
    m_policy = std::move(policy).value();
    QStringList names;
    for (const auto& w : m_policy->witnesses) names << q(w.name);
    m_policyText = tr("%1 of %2: %3")
                       .arg(m_policy->threshold)
                       .arg(m_policy->witnesses.size())
                       .arg(names.join(QStringLiteral(", ")));
    m_policyError.clear();
    emit changed();
    return true;
}

void WitnessTrust::clearPolicy() {
    m_policy.reset();
    m_policyText.clear();
    m_policyError.clear();
    emit changed();
}

}  // namespace psephos::ui
