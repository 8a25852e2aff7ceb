// The kiosk's lists as Qt item models (docs/development.md, ui): KioskList is what QML sees of
// every list (a QAbstractListModel with `count`), KioskRows<Row> holds the rows of one kind. A Row
// names its roles (an enum from Qt::UserRole + 1 and role_names()), answers value(role), and wipes
// itself: rows may hold a voter's marks, so rows that are replaced or cleared are wiped first
// (secret_wipe.hpp; docs/kiosk.md §5 lists what Qt itself keeps).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QStringList>
#include <utility>
#include <vector>

#include "secret_wipe.hpp"

namespace psephos::ui {

class KioskList : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    using QAbstractListModel::QAbstractListModel;
    int count() const { return rowCount(); }

signals:
    void countChanged();
};

template <class Row>
class KioskRows : public KioskList {
public:
    using KioskList::KioskList;
    KioskRows(const KioskRows&) = delete;
    KioskRows& operator=(const KioskRows&) = delete;
    ~KioskRows() override { wipeRows(); }

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }
    QVariant data(const QModelIndex& index, int role) const override {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        return m_rows[static_cast<std::size_t>(index.row())].value(role);
    }
    QHash<int, QByteArray> roleNames() const override { return Row::role_names(); }

    const std::vector<Row>& rows() const { return m_rows; }
    // Replaces the rows; the old ones are wiped.
    void setRows(std::vector<Row> rows) {
        const bool resized = rows.size() != m_rows.size();
        beginResetModel();
        wipeRows();
        m_rows = std::move(rows);
        endResetModel();
        if (resized) emit countChanged();
    }
    void clear() { setRows({}); }

private:
    void wipeRows() {
        for (Row& row : m_rows) row.wipe();
        m_rows.clear();
    }

    std::vector<Row> m_rows;
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

using OptionList = KioskRows<OptionRow>;
using ReviewList = KioskRows<ReviewRow>;
using ChallengeList = KioskRows<ChallengeRow>;

}  // namespace psephos::ui
