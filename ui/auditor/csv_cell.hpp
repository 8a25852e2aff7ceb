// One cell of the auditor's CSV exports (RFC 4180), safe to open in a spreadsheet: names and
// titles come from the election's manifest, and a cell that starts like a formula would run as
// one ("=HYPERLINK(…)", "+cmd|…", "@SUM(…)"): CSV injection, CWE-1236.
#pragma once

#include <QString>

namespace psephos::ui {

// The field as a CSV cell. A field that starts with =, +, -, @, a tab or a carriage return
// (OWASP's list) gets a leading ' so that spreadsheets show it as text, and is quoted; a field
// with a comma, a quote or a line break is quoted, its quotes doubled; any other field is
// written as it is.
QString csvCell(const QString& field);

}  // namespace psephos::ui
