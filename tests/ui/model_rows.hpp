// The rows of one of the UI's list models (the auditor's, the kiosk's) as QML reads them: each
// row a map from the model's role names (roleNames()) to data(index, role). Tests compare these,
// so a role that is renamed or dropped fails them.
#pragma once

#include <QAbstractItemModel>
#include <QVariantList>
#include <QVariantMap>

namespace psephos::test {

inline QVariantList model_rows(const QAbstractItemModel& model) {
    QVariantList rows;
    const QHash<int, QByteArray> roles = model.roleNames();
    for (int row = 0; row < model.rowCount(); ++row) {
        QVariantMap map;
        for (auto it = roles.begin(); it != roles.end(); ++it)
            map[QString::fromLatin1(it.value())] = model.data(model.index(row, 0), it.key());
        rows.push_back(map);
    }
    return rows;
}

}  // namespace psephos::test
