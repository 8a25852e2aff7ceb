// A polling place on the network for the kiosk's QML tests and screenshots: the KioskFixture's
// ledger served by a real StationServer on 127.0.0.1, a TCP relay in front of it that the test
// controls (tcp_relay.hpp), and the networked kiosk's configuration: its device key, the pinned
// station certificate and a state directory of its own (no ledger, no ledger key).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "kiosk_fixture.hpp"
#include "psephos/station/station_server.hpp"
#include "tcp_relay.hpp"

namespace psephos::test {

struct NetworkedPlace {
    // With open_polls, the polls are opened first by the kiosk's device in process (the record
    // is the device's either way); then the station takes the ledger.
    NetworkedPlace(const KioskFixture& fixture, bool open_polls) : fixture_(fixture) {
        if (open_polls) {
            auto k = kiosk::KioskStation::open(fixture.config());
            if (!k) throw std::runtime_error(k.error().message);
            auto opened = k.value()->record_polls(election::PollsAction::opened, "poll worker 1");
            if (!opened) throw std::runtime_error(opened.error().message);
        }
        auto key = ledger::LedgerKey::read_file(fixture.data / "ledger.key");
        if (!key) throw std::runtime_error(key.error().message);
        ledger::LedgerOptions o;
        o.directory = fixture.data / "ledger";
        auto l = ledger::Ledger::open(o, std::move(key).value());
        if (!l) throw std::runtime_error(l.error().message);
        ledger = std::move(l).value();
        auto made = station::make_tls_identity(crypto::Ed25519SigningKey::generate(), "station-1");
        if (!made) throw std::runtime_error(made.error().message);
        identity = std::make_unique<station::TlsIdentity>(std::move(made).value());
        station::StationServerOptions so;
        so.district_ids = {fixture.district};
        so.station_id = "station-1";
        auto started = station::StationServer::start(*ledger, *identity, std::move(so));
        if (!started) throw std::runtime_error(started.error().message);
        server = std::move(started).value();
        relay = std::make_unique<Relay>(server->port());
        certificate = fixture.root / "station.pem";
        KioskFixture::check(crypto::write_new_file(certificate, identity->certificate_pem(), 0644));
        state = fixture.root / "kiosk-state";
        std::filesystem::create_directories(state);
    }

    kiosk::KioskConfig config() const {
        using namespace std::chrono_literals;
        kiosk::KioskConfig c = fixture_.config();
        c.data = state;
        c.ledger_key.clear();
        c.station = "127.0.0.1:" + std::to_string(relay->port());
        c.station_certificate = certificate;
        c.station_timeout = 3s;
        c.reconnect_initial = 100ms;
        c.reconnect_max = 2s;
        c.ping_interval = 30s;
        // The relay cuts the next request or answer: no ping may come before the one meant.
        c.probe_idle = 600s;
        return c;
    }

    std::unique_ptr<kiosk::KioskStation> open_kiosk() const {
        auto opened = kiosk::KioskStation::open(config());
        if (!opened) throw std::runtime_error(opened.error().message);
        return std::move(opened).value();
    }

    const KioskFixture& fixture_;
    std::unique_ptr<ledger::Ledger> ledger;
    std::unique_ptr<station::TlsIdentity> identity;
    std::unique_ptr<station::StationServer> server;  // after the ledger: stops before it goes
    std::unique_ptr<Relay> relay;
    std::filesystem::path certificate;
    std::filesystem::path state;
};

}  // namespace psephos::test
