// One status for what the auditor shows of a check: a check of the report, a district, an anchor
// (V28), the election authority (V29–V30) and the witnesses (V32–V34). In QML `AuditStatus.Passed`;
// StatusBadge.qml writes its word and sign, Theme.statusColor its colour. C++ writes the word
// (AuditStatus::word) only where no QML draws it: the PDF report.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

#include "psephos/verifier/record_verifier.hpp"

namespace psephos::ui {

class AuditStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AuditStatus only names the statuses")

public:
    enum Value {
        NotVerified,  // no verification concluded (none ran, or it was cancelled)
        Passed,
        Failed,
        NotRun,  // the verifier could not run the check
    };
    Q_ENUM(Value)

    static Value of(verifier::CheckStatus status) {
        switch (status) {
            case verifier::CheckStatus::passed:
                return Passed;
            case verifier::CheckStatus::failed:
                return Failed;
            case verifier::CheckStatus::not_run:
                return NotRun;
        }
        return NotRun;
    }
    // The English word, as the badge shows it untranslated.
    static QString word(Value status) {
        switch (status) {
            case NotVerified:
                return QStringLiteral("not verified");
            case Passed:
                return QStringLiteral("passed");
            case Failed:
                return QStringLiteral("failed");
            case NotRun:
                return QStringLiteral("not run");
        }
        return QStringLiteral("not verified");
    }
};

}  // namespace psephos::ui
