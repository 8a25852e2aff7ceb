// The auditor's lists are RowList<Row> models (ui/common/row_list.hpp); the module registers their
// base, built in psephos::ui, with QML_FOREIGN, so QML knows `count` and `get(row)`.
#pragma once

#include <QtQml/qqml.h>

#include "row_list.hpp"  // IWYU pragma: export (ui/common/)

namespace psephos::ui {

struct AuditorListModelForeign {
    Q_GADGET
    QML_FOREIGN(psephos::ui::ListModel)
    QML_ANONYMOUS
};

}  // namespace psephos::ui
