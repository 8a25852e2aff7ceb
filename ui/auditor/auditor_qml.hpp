// Loads the auditor's QML module (Psephos.Auditor, ui/auditor/CMakeLists.txt) into an engine:
// imports its static plugin (once per executable: include this header in one file only), makes
// the module's qrc:/ directory an import path (Qt 6.4 has no qrc:/qt/qml default), and gives
// Main.qml's window its controller, the required property `auditor`. Shared by psephos-auditor and
// the tests that drive the real QML.
#pragma once

#include <QtQml/qqmlextensionplugin.h>
#include <QQmlApplicationEngine>
#include <QVariantMap>

#include "auditor_controller.hpp"

Q_IMPORT_QML_PLUGIN(Psephos_AuditorPlugin)

namespace psephos::ui {

// The window, in the module's resources.
inline const QString auditor_main_qml = QStringLiteral("qrc:/Psephos/Auditor/Main.qml");

// Readies the engine to load auditor_main_qml with `auditor` as the window's controller.
inline void prepare_auditor_engine(QQmlApplicationEngine& engine, AuditorController& auditor) {
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties({{QStringLiteral("auditor"), QVariant::fromValue(&auditor)}});
}

}  // namespace psephos::ui
