// Drives a real QML window on the offscreen platform the way a person would: finds items by
// objectName in the scene, scrolls them into view, clicks their centres, types keys. The kiosk's
// and the auditor's tests and screenshot tools share it.
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <functional>
#include <memory>
#include <stdexcept>

namespace psephos::test {

class QmlDriver {
public:
    // The visible item with this objectName, searched through the scene (Loaders, Repeaters).
    QQuickItem* find(const QString& name) const { return find_in(window->contentItem(), name); }
    QQuickItem* require(const QString& name) const {
        QQuickItem* item = find(name);
        if (!item)
            throw std::runtime_error("no visible item '" + name.toStdString() + "' (" + where() +
                                     ")");
        return item;
    }
    QString text(const QString& name) const { return require(name)->property("text").toString(); }

    // Scrolls every Flickable around the item (as a finger would) until it is on screen.
    void scrollIntoView(QQuickItem* item) {
        for (QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
            if (p->inherits("QQuickFlickable") &&
                p->metaObject()->indexOfMethod("ensureVisible(QVariant)") >= 0)
                QMetaObject::invokeMethod(p, "ensureVisible",
                                          Q_ARG(QVariant, QVariant::fromValue(item)));
        }
        settle();
    }

    void click(const QString& name) {
        QQuickItem* item = require(name);
        scrollIntoView(item);
        if (!item->isEnabled())
            throw std::runtime_error("item '" + name.toStdString() + "' is disabled (" + where() +
                                     ")");
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
        settle();
    }
    void key(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QTest::keyClick(window, static_cast<Qt::Key>(key), modifiers);
        settle();
    }
    void type(const QString& text) {
        for (const QChar c : text)
            QTest::sendKeyEvent(QTest::Click, window, Qt::Key_unknown, c, Qt::NoModifier);
        settle();
    }
    // Waits (processing events) until done() holds; false after timeout_ms.
    bool waitUntil(const std::function<bool()>& done, int timeout_ms = 30000) {
        QElapsedTimer t;
        t.start();
        while (!done()) {
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
    bool grab(const QString& path) {
        settle();
        QTest::qWait(100);  // animations and image loads
        return window->grabWindow().save(path);
    }

    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;

protected:
    // Loads the QML file (engine set up by the caller) and shows its window.
    void load(const QString& url) {
        engine->load(QUrl(url));
        if (engine->rootObjects().isEmpty())
            throw std::runtime_error(url.toStdString() + " did not load");
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().first());
        if (!window) throw std::runtime_error(url.toStdString() + ": the root is not a window");
        window->show();
        if (!QTest::qWaitForWindowExposed(window)) throw std::runtime_error("window not exposed");
    }
    // Where the driver is, for error messages.
    virtual std::string where() const { return {}; }

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
