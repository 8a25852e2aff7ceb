// The auditor's printable report drawn as a PDF (audit_report.hpp).
#include "audit_report.hpp"

#include <QFileInfo>
#include <QFont>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

namespace psephos::ui {

QString AuditReport::text() const {
    QString out;
    for (const ReportLine& l : lines) {
        out += l.text;
        if (l.bar_max > 0) out += QLatin1Char(' ') + QString::number(l.bar_value);
        out += QLatin1Char('\n');
    }
    return out;
}

bool write_report_pdf(const AuditReport& report, const QString& path, QString& error) {
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(96);
    pdf.setTitle(report.title);
    pdf.setCreator(QStringLiteral("psephos-auditor"));
    QPainter p;
    if (!p.begin(&pdf)) {
        error = QObject::tr("%1: cannot write the PDF").arg(path);
        return false;
    }
    const int width = pdf.width();
    const int height = pdf.height();
    int y = 0;
    for (const ReportLine& l : report.lines) {
        QFont font(QStringLiteral("DejaVu Sans"), l.size);
        font.setBold(l.bold);
        p.setFont(font);
        p.setPen(l.colour);
        y += l.space_before;
        if (l.bar_max > 0) {
            if (y + 20 > height) {
                pdf.newPage();
                y = 0;
            }
            p.drawText(QRect(0, y, width / 3, 18), Qt::AlignVCenter, l.text);
            p.drawText(QRect(width / 3, y, 60, 18), Qt::AlignVCenter | Qt::AlignRight,
                       QString::number(l.bar_value));
            const int bar = (width - width / 3 - 80) * l.bar_value / l.bar_max;
            p.fillRect(QRect(width / 3 + 70, y + 3, bar, 12), QColor(0x0b, 0x5c, 0xad));
            y += 20;
            continue;
        }
        const QRect bounds = p.boundingRect(QRect(0, 0, width, height), Qt::TextWordWrap, l.text);
        if (y + bounds.height() > height) {
            pdf.newPage();
            y = 0;
        }
        p.drawText(QRect(0, y, width, bounds.height()), Qt::TextWordWrap, l.text);
        y += bounds.height() + 4;
    }
    p.end();
    if (QFileInfo(path).size() <= 0) {
        error = QObject::tr("%1: the PDF is empty").arg(path);
        return false;
    }
    return true;
}

}  // namespace psephos::ui
