// Precompiled for the Qt Test suites that link Qt Quick (the kiosk's and the auditor's). QtTest
// reads QT_GUI_LIB and QT_NETWORK_LIB (QTEST_MAIN makes a QGuiApplication), so these suites
// cannot share the core header's precompiled form.
#pragma once

#include "test_pch_core.hpp"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
