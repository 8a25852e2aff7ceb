// Drives the auditor's real QML on the offscreen platform (qml_driver.hpp). Shared by the
// auditor's QML test and scripts/screenshots.
#pragma once

#include "auditor_qml.hpp"
#include "qml_driver.hpp"

namespace psephos::test {

class AuditorDriver : public QmlDriver {
public:
    AuditorDriver() {
        controller = std::make_unique<ui::AuditorController>();
        engine = std::make_unique<QQmlApplicationEngine>();
        ui::prepare_auditor_engine(*engine, *controller);
        load(ui::auditor_main_qml);
    }
    ~AuditorDriver() {
        engine.reset();
        controller.reset();
    }
    ui::AuditorController& auditor() { return *controller; }

    // Opens a record by typing its path and pressing "Open", as a person would.
    void openByPath(const QString& path) {
        click(QStringLiteral("pathField"));
        QQuickItem* field = require(QStringLiteral("pathField"));
        field->setProperty("text", QString());
        type(path);
        click(QStringLiteral("openPathButton"));
    }
    bool waitForVerdict(int timeout_ms = 120000) {
        return waitUntil([&] { return !controller->verification()->verifying(); }, timeout_ms);
    }

    std::unique_ptr<ui::AuditorController> controller;
};

}  // namespace psephos::test
