// The auditor's exports (auditor_controller.hpp): the results as CSV and the printable report.
#include <QFile>
#include <QTextStream>

#include "audit_report.hpp"
#include "auditor_controller.hpp"
#include "csv_cell.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {

bool AuditorController::exportResultsCsv(const QString& path) {
    const std::vector<DistrictRow>& districts = m_record.districtRows();
    if (!m_record.loaded() || m_record.resultRows().empty()) {
        setMessage(tr("No results to export."));
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        setMessage(tr("%1: %2").arg(path, file.errorString()));
        return false;
    }
    QTextStream out(&file);
    out << "district_id,district_name,contest_id,contest_title,option_id,option_label,count\n";
    for (const ResultRow& c : m_record.resultRows()) {
        for (const ResultOption& o : c.options) {
            for (std::size_t d = 0; d < districts.size() && d < std::size_t(o.byDistrict.size());
                 ++d) {
                out << csvCell(districts[d].districtId) << ',' << csvCell(districts[d].name) << ','
                    << csvCell(c.contestId) << ',' << csvCell(c.title) << ',' << csvCell(o.optionId)
                    << ',' << csvCell(o.label) << ',' << o.byDistrict[static_cast<qsizetype>(d)]
                    << '\n';
            }
            out << "TOTAL,All districts," << csvCell(c.contestId) << ',' << csvCell(c.title) << ','
                << csvCell(o.optionId) << ',' << csvCell(o.label) << ',' << o.total << '\n';
        }
    }
    out.flush();
    if (file.error() != QFile::NoError) {
        setMessage(tr("%1: %2").arg(path, file.errorString()));
        return false;
    }
    setMessage(tr("Wrote the results to %1.").arg(path));
    return true;
}

AuditReport AuditorController::report() const {
    AuditReport r;
    const AuditorRecord& record = m_record;
    const Verification& verification = m_verification;
    r.title = tr("Election record audit: %1").arg(record.electionName());
    r.line(tr("Election record audit"), 18, true);
    r.line(record.electionName() + QStringLiteral(" (") + record.electionId() +
           QStringLiteral("), ") + record.electionDates());
    r.line(tr("Record: %1").arg(record.path()));
    r.line(tr("Guardians: %1. Ballots cast: %2; challenged (never counted): %3.")
               .arg(record.guardians())
               .arg(record.totalCast())
               .arg(record.totalChallenged()));
    const Verification::Verdict verdict = verification.verdict();
    const QColor verdict_colour = verdict == Verification::Passed   ? QColor(0x1b, 0x7f, 0x3b)
                                  : verdict == Verification::Failed ? QColor(0xb0, 0x00, 0x20)
                                                                    : QColor(0x4a, 0x55, 0x60);
    r.lines.push_back({verification.verdictText(), 13, true, verdict_colour, 8});
    for (const auto& c : verification.report().checks) {
        if (c.passed()) continue;
        r.line(q(c.id) + QLatin1Char(' ') + q(c.name) +
                   (c.scope.empty() ? QString()
                                    : QStringLiteral(" [") + q(c.scope) + QLatin1Char(']')) +
                   QStringLiteral(": ") + AuditStatus::word(AuditStatus::of(c.status)),
               10, true, verdict_colour);
        for (const std::string& f : c.failures) r.line(QStringLiteral("    ") + q(f), 9);
        if (!c.note.empty()) r.line(QStringLiteral("    ") + q(c.note), 9);
    }
    // Who authorised the election and its devices, and against which key that was checked: a
    // record rewritten whole verifies against its own approval key, so the report says whether
    // the auditor gave the authority's published key.
    r.heading(tr("Election authority"));
    r.line(m_authority.recordKey().isEmpty()
               ? tr("Approval key in the record: none (%1)").arg(m_authority.recordKeyError())
               : tr("Approval key in the record: %1").arg(m_authority.recordKey()));
    r.line(m_authority.trustedKey().isEmpty()
               ? tr("Trust anchor: none given")
               : tr("Trust anchor: %1").arg(m_authority.trustedKey()));
    r.line(tr("V29 authority approval: %1. %2")
               .arg(AuditStatus::word(m_authority.approvalStatus()), m_authority.approvalText()),
           9);
    r.line(tr("V30 device authorisations: %1. %2")
               .arg(AuditStatus::word(m_authority.devicesStatus()), m_authority.devicesText()),
           9);
    r.line(m_authority.anchorText(), 9);
    r.heading(tr("Results (%1)").arg(verification.resultsStatus()));
    for (const ResultRow& c : record.resultRows()) {
        r.line(c.title, 11, true);
        for (const ResultOption& o : c.options) r.bar(o.label, o.total, c.max);
    }
    if (!m_anchors.anchorRows().empty()) {
        r.heading(tr("Anchors"));
        for (const AnchorRow& a : m_anchors.anchorRows()) {
            r.line(tr("#%1 %2 on %3 (chain id %4): transaction %5, block %6, %7 confirmations; "
                      "payload %8 the record's root; V28 %9")
                       .arg(QString::number(a.sequence), a.reason, a.chain, a.chainId, a.txHash,
                            a.block, QString::number(a.confirmations),
                            a.matchesRecord ? tr("matches") : tr("does NOT match"),
                            AuditStatus::word(a.status)),
                   9);
        }
    }
    return r;
}

bool AuditorController::exportReportPdf(const QString& path) {
    if (!m_record.loaded()) return false;
    QString error;
    if (!write_report_pdf(report(), path, error)) {
        setMessage(error);
        return false;
    }
    setMessage(tr("Wrote the report to %1.").arg(path));
    return true;
}
}  // namespace psephos::ui
