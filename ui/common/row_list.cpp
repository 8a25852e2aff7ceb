#include "row_list.hpp"

namespace psephos::ui {

QVariantMap ListModel::get(int row) const {
    QVariantMap map;
    if (row < 0 || row >= rowCount()) return map;
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.begin(); it != names.end(); ++it)
        map[QString::fromLatin1(it.value())] = data(index(row), it.key());
    return map;
}

}  // namespace psephos::ui
