// The auditor's lists as Qt item models (docs/development.md, ui): ListModel is what QML sees of
// every list (a QAbstractListModel with `count`, and `get(row)` for scripts and tests),
// RowList<Row> holds the rows of one kind. A Row names its roles (an enum from Qt::UserRole + 1 and
// role_names()) and answers value(role); nothing about a row lives in a comment.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QVariantMap>
#include <functional>
#include <utility>
#include <vector>

namespace psephos::ui {

class ListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    using QAbstractListModel::QAbstractListModel;
    int count() const { return rowCount(); }
    // The row's roles by name ({} outside the list).
    Q_INVOKABLE QVariantMap get(int row) const {
        QVariantMap map;
        if (row < 0 || row >= rowCount()) return map;
        const QHash<int, QByteArray> names = roleNames();
        for (auto it = names.begin(); it != names.end(); ++it)
            map[QString::fromLatin1(it.value())] = data(index(row), it.key());
        return map;
    }

signals:
    void countChanged();
};

template <class Row>
class RowList : public ListModel {
public:
    using ListModel::ListModel;

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
    void setRows(std::vector<Row> rows) {
        const bool resized = rows.size() != m_rows.size();
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        if (resized) emit countChanged();
    }
    // Changes every row in place (the list's length stays).
    void updateRows(const std::function<void(Row&)>& change) {
        if (m_rows.empty()) return;
        for (Row& row : m_rows) change(row);
        emit dataChanged(index(0), index(rowCount() - 1));
    }

private:
    std::vector<Row> m_rows;
};

}  // namespace psephos::ui
