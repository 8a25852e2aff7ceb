// One check of the last verification as the auditor lists it (the controller's `checks`, a
// RowList<CheckRow>): its row is its index in verifier::VerifyReport::checks.
#pragma once

#include <QHash>
#include <QString>
#include <QVariant>

namespace psephos::ui {

struct CheckRow {
    enum Role {
        CheckIdRole = Qt::UserRole + 1,
        NameRole,
        ScopeRole,
        StatusRole,
        ItemsRole,
        FailureCountRole,
    };
    QString checkId;  // "V1"…
    QString name;
    QString scope;   // "" for the election, else a district's id
    QString status;  // "passed", "failed", "not run"
    double items = 0;
    double failureCount = 0;

    static QHash<int, QByteArray> role_names() {
        return {{CheckIdRole, "checkId"}, {NameRole, "name"},   {ScopeRole, "scope"},
                {StatusRole, "status"},   {ItemsRole, "items"}, {FailureCountRole, "failureCount"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case CheckIdRole:
                return checkId;
            case NameRole:
                return name;
            case ScopeRole:
                return scope;
            case StatusRole:
                return status;
            case ItemsRole:
                return items;
            case FailureCountRole:
                return failureCount;
            default:
                return {};
        }
    }
};

}  // namespace psephos::ui
