// The auditor's exports (auditor_controller.hpp): the results as CSV and the printable report.
#include <QFile>
#include <QTextStream>

#include "audit_report.hpp"
#include "auditor_controller.hpp"
#include "csv_cell.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {

bool AuditorController::exportResultsCsv(const QString& path) {
    if (!m_loaded || m_results.isEmpty()) {
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
    for (const QVariant& cv : m_results) {
        const QVariantMap c = cv.toMap();
        for (const QVariant& ov : c[QStringLiteral("options")].toList()) {
            const QVariantMap o = ov.toMap();
            const QVariantList per = o[QStringLiteral("byDistrict")].toList();
            for (int d = 0; d < m_districtRows.size() && d < per.size(); ++d) {
                const QVariantMap row = m_districtRows[d].toMap();
                out << csvCell(row[QStringLiteral("id")].toString()) << ','
                    << csvCell(row[QStringLiteral("name")].toString()) << ','
                    << csvCell(c[QStringLiteral("id")].toString()) << ','
                    << csvCell(c[QStringLiteral("title")].toString()) << ','
                    << csvCell(o[QStringLiteral("id")].toString()) << ','
                    << csvCell(o[QStringLiteral("label")].toString()) << ',' << per[d].toInt()
                    << '\n';
            }
            out << "TOTAL,All districts," << csvCell(c[QStringLiteral("id")].toString()) << ','
                << csvCell(c[QStringLiteral("title")].toString()) << ','
                << csvCell(o[QStringLiteral("id")].toString()) << ','
                << csvCell(o[QStringLiteral("label")].toString()) << ','
                << o[QStringLiteral("total")].toInt() << '\n';
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
    r.title = tr("Election record audit: %1").arg(m_electionName);
    r.line(tr("Election record audit"), 18, true);
    r.line(m_electionName + QStringLiteral(" (") + m_electionId + QStringLiteral("), ") +
           m_electionDates);
    r.line(tr("Record: %1").arg(m_path));
    r.line(tr("Guardians: %1. Ballots cast: %2; challenged (never counted): %3.")
               .arg(m_guardians)
               .arg(m_totalCast)
               .arg(m_totalChallenged));
    const QColor verdict_colour = m_verdict == Passed   ? QColor(0x1b, 0x7f, 0x3b)
                                  : m_verdict == Failed ? QColor(0xb0, 0x00, 0x20)
                                                        : QColor(0x4a, 0x55, 0x60);
    r.lines.push_back({verdictText(), 13, true, verdict_colour, 8});
    for (const auto& c : m_report.checks) {
        if (c.passed()) continue;
        r.line(q(c.id) + QLatin1Char(' ') + q(c.name) +
                   (c.scope.empty() ? QString()
                                    : QStringLiteral(" [") + q(c.scope) + QLatin1Char(']')) +
                   QStringLiteral(": ") + localStatus(c.status),
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
               .arg(m_authority.approvalStatus(), m_authority.approvalText()),
           9);
    r.line(tr("V30 device authorisations: %1. %2")
               .arg(m_authority.devicesStatus(), m_authority.devicesText()),
           9);
    r.line(m_authority.anchorText(), 9);
    r.heading(tr("Results (%1)").arg(resultsStatus()));
    for (const QVariant& cv : m_results) {
        const QVariantMap c = cv.toMap();
        r.line(c[QStringLiteral("title")].toString(), 11, true);
        const int max = c[QStringLiteral("max")].toInt();
        for (const QVariant& ov : c[QStringLiteral("options")].toList()) {
            const QVariantMap o = ov.toMap();
            r.bar(o[QStringLiteral("label")].toString(), o[QStringLiteral("total")].toInt(), max);
        }
    }
    if (!m_anchors.anchorRows().empty()) {
        r.heading(tr("Anchors"));
        for (const AnchorRow& a : m_anchors.anchorRows()) {
            r.line(tr("#%1 %2 on %3 (chain id %4): transaction %5, block %6, %7 confirmations; "
                      "payload %8 the record's root; V28 %9")
                       .arg(QString::number(a.sequence), a.reason, a.chain, a.chainId, a.txHash,
                            a.block, QString::number(a.confirmations),
                            a.matchesRecord ? tr("matches") : tr("does NOT match"), a.status),
                   9);
        }
    }
    return r;
}

bool AuditorController::exportReportPdf(const QString& path) {
    if (!m_loaded) return false;
    QString error;
    if (!write_report_pdf(report(), path, error)) {
        setMessage(error);
        return false;
    }
    setMessage(tr("Wrote the report to %1.").arg(path));
    return true;
}
}  // namespace psephos::ui
