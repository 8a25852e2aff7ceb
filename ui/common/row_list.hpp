// The kiosk's and the auditor's lists as Qt item models (docs/development.md, ui), one template for
// both: ListModel is what QML sees of every list (a QAbstractListModel with `count`, and
// `get(row)` for scripts and tests), RowList<Row> holds the rows of one kind. A Row names its roles
// (an enum from Qt::UserRole + 1 and role_names()) and answers value(role); nothing about a row
// lives in a comment. A Row that has wipe() holds a secret (the kiosk's rows hold a voter's marks,
// secret_wipe.hpp): rows that are replaced, cleared or destroyed are wiped first.
//
// moc reads no template, so the QObject is the base; each QML module registers it with QML_FOREIGN
// (ui/kiosk/kiosk_lists.hpp, ui/auditor/row_list.hpp), for it is built here, in no module.
#pragma once

#include <QAbstractListModel>
#include <QVariantMap>
#include <functional>
#include <utility>
#include <vector>

namespace psephos::ui {

class ListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    using QAbstractListModel::QAbstractListModel;
    int count() const { return rowCount(); }
    // The row's roles by name ({} outside the list).
    Q_INVOKABLE QVariantMap get(int row) const;

signals:
    void countChanged();
};

// A row that wipes itself (the kiosk's): RowList wipes it before it lets it go.
template <class Row>
concept WipedRow = requires(Row& row) {
    row.wipe();
};

template <class Row>
class RowList : public ListModel {
public:
    using ListModel::ListModel;
    RowList(const RowList&) = delete;
    RowList& operator=(const RowList&) = delete;
    ~RowList() override { wipeRows(); }

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
    // Replaces the rows (the old ones wiped, if a Row wipes).
    void setRows(std::vector<Row> rows) {
        const bool resized = rows.size() != m_rows.size();
        beginResetModel();
        wipeRows();
        m_rows = std::move(rows);
        endResetModel();
        if (resized) emit countChanged();
    }
    void clear() { setRows({}); }
    // Changes every row in place (the list's length stays).
    void updateRows(const std::function<void(Row&)>& change) {
        if (m_rows.empty()) return;
        for (Row& row : m_rows) change(row);
        emit dataChanged(index(0), index(rowCount() - 1));
    }

private:
    void wipeRows() {
        if constexpr (WipedRow<Row>)
            for (Row& row : m_rows) row.wipe();
        m_rows.clear();
    }

    std::vector<Row> m_rows;
};

}  // namespace psephos::ui
