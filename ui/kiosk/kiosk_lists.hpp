// The kiosk's lists as Qt item models (docs/development.md, ui): RowList<Row> models
// (ui/common/row_list.hpp, the auditor's template too), of which ListModel is what QML sees. A Row
// names its roles (an enum from Qt::UserRole + 1 and role_names()), answers value(role), and wipes
// itself: rows may hold a voter's marks, so rows that are replaced or cleared are wiped first
// (secret_wipe.hpp; docs/kiosk.md §5 lists what Qt itself keeps).
#pragma once

#include <QtQml/qqml.h>
#include <QStringList>

#include "row_list.hpp"
#include "secret_wipe.hpp"

namespace psephos::ui {

// The list model's base is built in psephos::ui, in no QML module: the kiosk registers it.
struct KioskListForeign {
    Q_GADGET
    QML_FOREIGN(psephos::ui::ListModel)
    QML_ANONYMOUS
};

// One choice of the contest on screen.
struct OptionRow {
    enum Role { OptionIdRole = Qt::UserRole + 1, OptionLabelRole, MarkedRole };
    static QHash<int, QByteArray> role_names() {
        return {
            {OptionIdRole, "optionId"}, {OptionLabelRole, "optionLabel"}, {MarkedRole, "marked"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case OptionIdRole:
                return optionId;
            case OptionLabelRole:
                return label;
            case MarkedRole:
                return marked;
            default:
                return {};
        }
    }
    void wipe() {
        wipeString(label);
        marked = false;
    }

    QString optionId;
    QString label;  // in the voter's language
    bool marked = false;
};

// One contest on the review screen: its marks (labels) and a warning for an undervote.
struct ReviewRow {
    enum Role { ContestRole = Qt::UserRole + 1, TitleRole, MarksRole, UndervoteRole, WarningRole };
    static QHash<int, QByteArray> role_names() {
        return {{ContestRole, "contest"},
                {TitleRole, "title"},
                {MarksRole, "marks"},
                {UndervoteRole, "undervote"},
                {WarningRole, "warning"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case ContestRole:
                return contest;
            case TitleRole:
                return title;
            case MarksRole:
                return marks;
            case UndervoteRole:
                return undervote;
            case WarningRole:
                return warning;
            default:
                return {};
        }
    }
    void wipe() {
        wipeStringList(marks);
        wipeString(warning);
        undervote = false;
    }

    int contest = 0;  // its index on the ballot (changeContest)
    QString title;
    QStringList marks;
    bool undervote = false;
    QString warning;  // "" when the contest is fully voted
};

// One contest of a challenged ballot: the labels its revealed nonces open to.
struct ChallengeRow {
    enum Role { TitleRole = Qt::UserRole + 1, MarksRole };
    static QHash<int, QByteArray> role_names() {
        return {{TitleRole, "title"}, {MarksRole, "marks"}};
    }
    QVariant value(int role) const {
        switch (role) {
            case TitleRole:
                return title;
            case MarksRole:
                return marks;
            default:
                return {};
        }
    }
    void wipe() { wipeStringList(marks); }

    QString title;
    QStringList marks;
};

using OptionList = RowList<OptionRow>;
using ReviewList = RowList<ReviewRow>;
using ChallengeList = RowList<ChallengeRow>;

}  // namespace psephos::ui
