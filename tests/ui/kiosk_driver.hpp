// Drives the kiosk's real QML on the offscreen platform the way a person would: finds items by
// objectName in the scene, clicks their centres, types keys into the window. Shared by the QML
// tests and scripts/screenshots.
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <memory>
#include <stdexcept>

#include "kiosk_controller.hpp"
#include "kiosk_fixture.hpp"
#include "kiosk_station.hpp"
#include "qr_image_provider.hpp"

namespace psephos::test {

class KioskDriver {
public:
    // A kiosk on the fixture's station (or, with station_error set, one that could not open).
    KioskDriver(const KioskFixture& fixture, ui::KioskController::Options options,
                const QString& station_error = {}) {
        std::unique_ptr<ui::KioskStation> station;
        if (station_error.isEmpty()) {
            auto opened = ui::KioskStation::open(fixture.config());
            if (!opened) throw std::runtime_error(opened.error().message);
            station = std::move(opened).value();
        }
        auto hash = ui::read_poll_worker_passphrase_file(fixture.passphrase);
        if (!hash) throw std::runtime_error(hash.error().message);
        controller = std::make_unique<ui::KioskController>(std::move(station), station_error,
                                                           std::move(hash).value(), options);
        engine = std::make_unique<QQmlApplicationEngine>();
        controller->setEngine(engine.get());
        engine->addImageProvider(QStringLiteral("qr"), new ui::QrImageProvider);
        engine->rootContext()->setContextProperty(QStringLiteral("kiosk"), controller.get());
        engine->load(QUrl(QStringLiteral("qrc:/Psephos/Kiosk/Main.qml")));
        if (engine->rootObjects().isEmpty()) throw std::runtime_error("Main.qml did not load");
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().first());
        if (!window) throw std::runtime_error("Main.qml's root is not a window");
        window->show();
        if (!QTest::qWaitForWindowExposed(window)) throw std::runtime_error("window not exposed");
    }
    ~KioskDriver() {
        engine.reset();  // the QML goes before the controller it binds to
        controller.reset();
    }

    ui::KioskController& kiosk() { return *controller; }

    // The visible item with this objectName, searched through the scene (Loaders, Repeaters).
    QQuickItem* find(const QString& name) const { return find_in(window->contentItem(), name); }
    QQuickItem* require(const QString& name) const {
        QQuickItem* item = find(name);
        if (!item)
            throw std::runtime_error("no visible item '" + name.toStdString() + "' on screen '" +
                                     controller->screen().toStdString() + "'");
        return item;
    }
    QString text(const QString& name) const { return require(name)->property("text").toString(); }

    // Scrolls every Flickable around the item (as a finger would) until it is on screen.
    void scrollIntoView(QQuickItem* item) {
        for (QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
            if (p->inherits("QQuickFlickable"))
                QMetaObject::invokeMethod(p, "ensureVisible",
                                          Q_ARG(QVariant, QVariant::fromValue(item)));
        }
        settle();
    }

    void click(const QString& name) {
        QQuickItem* item = require(name);
        scrollIntoView(item);
        if (!item->isEnabled())
            throw std::runtime_error("item '" + name.toStdString() + "' is disabled");
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
        settle();
    }
    void key(int key) {
        QTest::keyClick(window, static_cast<Qt::Key>(key));
        settle();
    }
    void type(const QString& text) {
        for (const QChar c : text)
            QTest::sendKeyEvent(QTest::Click, window, Qt::Key_unknown, c, Qt::NoModifier);
        settle();
    }
    // Waits (processing events) until the kiosk shows this screen; false after timeout_ms.
    bool waitForScreen(const QString& screen, int timeout_ms = 30000) {
        QElapsedTimer t;
        t.start();
        while (controller->screen() != screen) {
            if (t.elapsed() > timeout_ms) return false;
            QTest::qWait(10);
        }
        settle();
        return true;
    }
    void settle() {
        QCoreApplication::processEvents();
        QTest::qWait(20);
    }

    void unlock(const QString& passphrase = QString::fromLatin1(poll_worker_passphrase)) {
        click(QStringLiteral("unlockCorner"));
        click(QStringLiteral("passphraseInput"));
        type(passphrase);
        click(QStringLiteral("unlockButton"));
    }

    bool grab(const QString& path) {
        settle();
        QTest::qWait(100);  // animations and image loads
        return window->grabWindow().save(path);
    }

    std::unique_ptr<ui::KioskController> controller;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;

private:
    static QQuickItem* find_in(QQuickItem* item, const QString& name) {
        if (!item || !item->isVisible()) return nullptr;
        if (item->objectName() == name) return item;
        for (QQuickItem* child : item->childItems())
            if (QQuickItem* found = find_in(child, name)) return found;
        return nullptr;
    }
};

}  // namespace psephos::test
