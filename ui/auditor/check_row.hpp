// One check of the last verification as the auditor lists it (the verification's `checks`, a
// RowList<CheckRow>): its row is its index in verifier::VerifyReport::checks. CheckDetail is the
// selected check in full (the verification's `selectedDetail`).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "audit_status.hpp"

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
    QString scope;                                    // "" for the election, else a district's id
    AuditStatus::Value status = AuditStatus::NotRun;  // Passed, Failed or NotRun
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
                return static_cast<int>(status);  // an AuditStatus value
            case ItemsRole:
                return items;
            case FailureCountRole:
                return failureCount;
            default:
                return {};
        }
    }
};

// The selected check with its note and the failures it lists; in QML a value type read field by
// field (`verification.selectedDetail.failures`). Empty (no checkId) when none is selected.
struct CheckDetail {
    Q_GADGET
    QML_VALUE_TYPE(checkDetail)
    Q_PROPERTY(QString checkId MEMBER checkId)
    Q_PROPERTY(QString name MEMBER name)
    Q_PROPERTY(QString scope MEMBER scope)
    Q_PROPERTY(psephos::ui::AuditStatus::Value status MEMBER status)
    Q_PROPERTY(QString note MEMBER note)
    Q_PROPERTY(double items MEMBER items)
    Q_PROPERTY(QStringList failures MEMBER failures)
    Q_PROPERTY(double failureCount MEMBER failureCount)

public:
    QString checkId;  // "" when no check is selected
    QString name;
    QString scope;  // "election" or a district's id
    AuditStatus::Value status = AuditStatus::NotVerified;
    QString note;
    double items = 0;
    QStringList failures;  // each "<object>: <reason>", the first ones the verifier kept
    double failureCount = 0;
};

}  // namespace psephos::ui
