// The rows of the open record's lists (AuditorRecord's `districts`, `contests`, `results`) and of
// the verification's per-log progress (Verification's `logProgress`), each a RowList<Row>
// (ui/common/row_list.hpp) with named roles. A delegate cannot declare a required property named
// `id`, so the ids are `districtId` and `contestId`.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

#include "audit_status.hpp"

namespace psephos::ui {

// One district of the record: its counts, share of all cast, log size and check status.
struct DistrictRow {
    enum Role {
        DistrictIdRole = Qt::UserRole + 1,
        NameRole,
        BallotsCastRole,
        BallotsChallengedRole,
        ShareRole,
        LogSizeRole,
        StatusRole,
        CountingRole,
    };
    QString districtId;
    QString name;
    int ballotsCast = 0;
    int ballotsChallenged = 0;
    double share = 0;  // of all ballots cast, 0…1
    double logSize = 0;
    AuditStatus::Value status = AuditStatus::NotVerified;  // its checks: Passed, Failed
    // True while its counts, which results.json does not cover, are read from its log.
    bool counting = false;

    static QHash<int, QByteArray> role_names() {
        return {{DistrictIdRole, "districtId"},
                {NameRole, "name"},
                {BallotsCastRole, "ballotsCast"},
                {BallotsChallengedRole, "ballotsChallenged"},
                {ShareRole, "share"},
                {LogSizeRole, "logSize"},
                {StatusRole, "status"},
                {CountingRole, "counting"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case DistrictIdRole:
                return districtId;
            case NameRole:
                return name;
            case BallotsCastRole:
                return ballotsCast;
            case BallotsChallengedRole:
                return ballotsChallenged;
            case ShareRole:
                return share;
            case LogSizeRole:
                return logSize;
            case StatusRole:
                return static_cast<int>(status);  // an AuditStatus value
            case CountingRole:
                return counting;
            default:
                return {};
        }
    }
};

// One contest on the ballot.
struct ContestRow {
    enum Role { ContestIdRole = Qt::UserRole + 1, TitleRole, KindRole, VoteForRole, OptionsRole };
    QString contestId;
    QString title;
    QString kind;  // "candidate" or "ballot measure", translated
    int voteFor = 1;
    QStringList options;  // the options' labels

    static QHash<int, QByteArray> role_names() {
        return {{ContestIdRole, "contestId"},
                {TitleRole, "title"},
                {KindRole, "kind"},
                {VoteForRole, "voteFor"},
                {OptionsRole, "options"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case ContestIdRole:
                return contestId;
            case TitleRole:
                return title;
            case KindRole:
                return kind;
            case VoteForRole:
                return voteFor;
            case OptionsRole:
                return options;
            default:
                return {};
        }
    }
};

// One option's result: its total and its count in each district, in the districts' order. In QML
// a value type read field by field (`modelData.total` in a Repeater over a result's `options`).
struct ResultOption {
    Q_GADGET
    QML_VALUE_TYPE(resultOption)
    Q_PROPERTY(QString optionId MEMBER optionId)
    Q_PROPERTY(QString label MEMBER label)
    Q_PROPERTY(int total MEMBER total)
    Q_PROPERTY(QList<int> byDistrict MEMBER byDistrict)

public:
    QString optionId;
    QString label;
    int total = 0;
    QList<int> byDistrict;
};

// One contest's results.
struct ResultRow {
    enum Role { ContestIdRole = Qt::UserRole + 1, TitleRole, MaxRole, OptionsRole };
    QString contestId;
    QString title;
    int max = 0;  // the largest total, the bars' full length
    QList<ResultOption> options;

    static QHash<int, QByteArray> role_names() {
        return {{ContestIdRole, "contestId"},
                {TitleRole, "title"},
                {MaxRole, "max"},
                {OptionsRole, "options"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case ContestIdRole:
                return contestId;
            case TitleRole:
                return title;
            case MaxRole:
                return max;
            case OptionsRole: {
                QVariantList list;
                for (const ResultOption& o : options) list.push_back(QVariant::fromValue(o));
                return list;
            }
            default:
                return {};
        }
    }
};

// One log of the record and how far the verification has read it.
struct LogRow {
    enum Role { NameRole = Qt::UserRole + 1, DoneRole, TotalRole, FractionRole };
    QString name;
    double done = 0;
    double total = 0;

    double fraction() const { return total == 0 ? 1.0 : done / total; }
    static QHash<int, QByteArray> role_names() {
        return {{NameRole, "name"},
                {DoneRole, "done"},
                {TotalRole, "total"},
                {FractionRole, "fraction"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case NameRole:
                return name;
            case DoneRole:
                return done;
            case TotalRole:
                return total;
            case FractionRole:
                return fraction();
            default:
                return {};
        }
    }
};

}  // namespace psephos::ui
