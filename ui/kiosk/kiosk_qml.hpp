// Loads the kiosk's QML module (Psephos.Kiosk, ui/kiosk/CMakeLists.txt) into an engine: imports
// its static plugin (once per executable: include this header in one file only), makes the
// module's qrc:/ directory an import path (Qt 6.4 has no qrc:/qt/qml default), gives the engine
// the QR code images (image://qr/) and Main.qml's window its controller, the required property
// `kiosk`, which filters the window's events for the user's activity (no QML reports it). Shared
// by psephos-kiosk and the tests that drive the real QML.
#pragma once

#include <QtQml/qqmlextensionplugin.h>
#include <QQmlApplicationEngine>
#include <QVariantMap>
#include <QWindow>

#include "kiosk_controller.hpp"
#include "qr_image_provider.hpp"

Q_IMPORT_QML_PLUGIN(Psephos_KioskPlugin)

namespace psephos::ui {

// The window, in the module's resources.
inline const QString kiosk_main_qml = QStringLiteral("qrc:/Psephos/Kiosk/Main.qml");

// Readies the engine to load kiosk_main_qml with `kiosk` as the window's controller (which
// retranslates the engine when the voter changes the language) and its activity filter: every
// key, mouse or touch press on the window restarts the inactivity timers
// (KioskController::eventFilter).
inline void prepare_kiosk_engine(QQmlApplicationEngine& engine, KioskController& kiosk) {
    kiosk.setEngine(&engine);
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreated, &kiosk,
                     [&kiosk](QObject* object, const QUrl&) {
                         if (auto* window = qobject_cast<QWindow*>(object))
                             window->installEventFilter(&kiosk);
                     });
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.addImageProvider(QStringLiteral("qr"), new QrImageProvider);
    engine.setInitialProperties({{QStringLiteral("kiosk"), QVariant::fromValue(&kiosk)}});
}

}  // namespace psephos::ui
