// The auditor's printable report (AuditorController::exportReportPdf, docs/auditor.md): what it
// says, as a list of lines the controller builds from the record and its last verification, and
// the PDF drawn from them. Kept apart from the drawing so that a test can read what the report
// says (the PDF's text is compressed).
#pragma once

#include <QColor>
#include <QList>
#include <QString>

#include <algorithm>

namespace psephos::ui {

struct ReportLine {
    QString text;
    int size = 10;  // points
    bool bold = false;
    QColor colour = QColor(0, 0, 0);
    int space_before = 0;  // pixels at 96 dpi
    // A results bar when bar_max > 0: text is the option's label, bar_value its count.
    int bar_value = 0;
    int bar_max = 0;
};

struct AuditReport {
    QString title;
    QList<ReportLine> lines;

    void heading(const QString& text) { lines.push_back({text, 13, true, QColor(0, 0, 0), 8}); }
    void line(const QString& text, int size = 10, bool bold = false,
              QColor colour = QColor(0, 0, 0)) {
        lines.push_back({text, size, bold, colour});
    }
    void bar(const QString& label, int value, int max) {
        lines.push_back({label, 9, false, QColor(0, 0, 0), 0, value, std::max(1, max)});
    }
    // Every line's text, one per line (tests, and anyone who wants the report as text).
    QString text() const;
};

// Writes the report as an A4 PDF. False with `error` set if the file cannot be written.
bool write_report_pdf(const AuditReport& report, const QString& path, QString& error);

}  // namespace psephos::ui
