// The report a poll worker sees when the polls open (the zero report) or close: what the ledger
// recorded, as one value (KioskController.report), its fields named instead of a map's keys.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

namespace psephos::ui {

struct PollsReport {
    Q_GADGET
    QML_VALUE_TYPE(pollsReport)
    Q_PROPERTY(QString title MEMBER title)
    Q_PROPERTY(int ballotsCast MEMBER ballotsCast)
    Q_PROPERTY(int ballotsChallenged MEMBER ballotsChallenged)
    Q_PROPERTY(QString checkpoint MEMBER checkpoint)
    Q_PROPERTY(QString record MEMBER record)

public:
    QString title;  // "Polls opened: zero report" or "Polls closed: closing report"
    int ballotsCast = 0;
    int ballotsChallenged = 0;
    QString checkpoint;  // the district's signed checkpoint after the polls record
    QString record;      // the polls record, "<district>#<index>"
};

}  // namespace psephos::ui
