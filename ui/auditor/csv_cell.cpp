// CSV cells that a spreadsheet reads as text (csv_cell.hpp).
#include "csv_cell.hpp"

namespace psephos::ui {

QString csvCell(const QString& field) {
    static const QString formula_starts = QStringLiteral("=+-@\t\r");
    const bool formula = !field.isEmpty() && formula_starts.contains(field.front());
    if (!formula && !field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')) && !field.contains(QLatin1Char('\r')))
        return field;
    QString escaped = field;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    if (formula) escaped.prepend(QLatin1Char('\''));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

}  // namespace psephos::ui
