// Drives the kiosk's real QML on the offscreen platform (qml_driver.hpp) on a KioskFixture's
// station. Shared by the kiosk's QML tests and scripts/screenshots.
#pragma once

#include <QMetaEnum>

#include "kiosk_controller.hpp"
#include "kiosk_fixture.hpp"
#include "kiosk_qml.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/poll_worker_credentials.hpp"
#include "psephos/ledger/testing/storage_faults.hpp"
#include "qml_driver.hpp"

namespace psephos::test {

using Screen = ui::KioskController::Screen;
using PollsState = ui::KioskController::PollsState;
using LinkState = ui::KioskController::LinkState;

// The screen's name as QML and the logs know it ("Contest").
inline QString screen_name(Screen screen) {
    return QString::fromLatin1(QMetaEnum::fromType<Screen>().valueToKey(static_cast<int>(screen)));
}

class KioskDriver : public QmlDriver {
public:
    // A kiosk on the fixture's station (or, with station_error set, one that could not open);
    // storage_faults: a failing disk under its ledger (null: none).
    KioskDriver(const KioskFixture& fixture, ui::KioskController::Options options,
                const QString& station_error = {},
                std::shared_ptr<ledger::testing::StorageFaults> storage_faults = {})
        : KioskDriver(fixture, options, open_station(fixture, station_error, storage_faults),
                      station_error) {}

    // A kiosk on a station opened by the caller (the networked kiosk: kiosk_network.hpp).
    KioskDriver(const KioskFixture& fixture, ui::KioskController::Options options,
                std::unique_ptr<kiosk::KioskStation> station, const QString& station_error = {})
        : KioskDriver(fixture.passphrase, options, std::move(station), station_error) {}

    // A kiosk on the fixture's station whose poll workers are in `poll_workers` (a named
    // credentials file or a passphrase file).
    KioskDriver(const KioskFixture& fixture, ui::KioskController::Options options,
                const std::filesystem::path& poll_workers)
        : KioskDriver(poll_workers, options, open_station(fixture, {}, {})) {}

    KioskDriver(const std::filesystem::path& poll_workers, ui::KioskController::Options options,
                std::unique_ptr<kiosk::KioskStation> station, const QString& station_error = {}) {
        auto credentials = kiosk::read_poll_worker_credentials(poll_workers);
        if (!credentials) throw std::runtime_error(credentials.error().message);
        controller = std::make_unique<ui::KioskController>(std::move(station), station_error,
                                                           std::move(credentials).value(), options);
        engine = std::make_unique<QQmlApplicationEngine>();
        ui::prepare_kiosk_engine(*engine, *controller);
        load(ui::kiosk_main_qml);
    }
    static std::unique_ptr<kiosk::KioskStation> open_station(
        const KioskFixture& fixture, const QString& station_error,
        std::shared_ptr<ledger::testing::StorageFaults> storage_faults) {
        if (!station_error.isEmpty()) return nullptr;
        kiosk::KioskConfig config = fixture.config();
        config.ledger_storage_faults = std::move(storage_faults);
        auto opened = kiosk::KioskStation::open(config);
        if (!opened) throw std::runtime_error(opened.error().message);
        return std::move(opened).value();
    }

    ~KioskDriver() {
        engine.reset();  // the QML goes before the controller it binds to
        controller.reset();
    }

    ui::KioskController& kiosk() { return *controller; }

    // Waits until the kiosk shows this screen; false after timeout_ms.
    bool waitForScreen(Screen screen, int timeout_ms = 30000) {
        return waitUntil([&] { return controller->screen() == screen; }, timeout_ms);
    }

    // From the review: Continue, and wait until the sealed ballot's code is shown. Returns the
    // code.
    QString seal() {
        click(QStringLiteral("sealButton"));
        if (!waitForScreen(test::Screen::Sealed))
            throw std::runtime_error("the kiosk did not show the sealed ballot (now on " + where() +
                                     ")");
        return controller->ballot()->trackingCode();
    }

    void unlock(const QString& passphrase = QString::fromLatin1(poll_worker_passphrase)) {
        click(QStringLiteral("unlockCorner"));
        click(QStringLiteral("passphraseInput"));
        type(passphrase);
        click(QStringLiteral("unlockButton"));
    }

    std::unique_ptr<ui::KioskController> controller;

protected:
    std::string where() const override {
        return "kiosk screen '" + screen_name(controller->screen()).toStdString() + "'";
    }
};

}  // namespace psephos::test
