// The station server's test fixture (tst_station_server, tst_station_deauthorisation): a ledger
// with both districts open and a second kiosk registered in d1, a station serving d1 over
// loopback mutual TLS 1.3, and the refusals it reports.
#pragma once

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <mutex>
#include <thread>

#include "ledger_scenario.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_server.hpp"

namespace psephos::test {

using namespace psephos::station;

inline TlsIdentity identity_of(const crypto::Ed25519SigningKey& key, std::string_view name) {
    auto made = make_tls_identity(key, name);
    if (!made) qFatal("identity: %s", made.error().message.c_str());
    return std::move(made).value();
}

// A ledger with both districts open, a second kiosk registered in d1, and a station serving d1.
struct Station {
    explicit Station(StationServerOptions options = {}) {
        ledger::LedgerOptions o;
        o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
        o.threads = 2;
        o.clock = [] { return std::uint64_t{1'793'000'300}; };
        auto created = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                              test::LedgerScenario::ledger_key());
        if (!created) qFatal("create: %s", created.error().message.c_str());
        ledger = std::move(created).value();
        // Registrations close when the polls open: d1-kiosk-2 comes right after d1-kiosk-1.
        auto records = scenario.opening();
        records.insert(records.begin() + 1,
                       election::encode_device_registration(scenario.authorised(
                           {"d1", "d1-kiosk-2", second_key.public_key(), 1'793'000'000, {}})));
        for (auto& r : ledger->ingest(std::move(records), election::ActorRole::poll_worker))
            if (!r) qFatal("opening: %s", r.error().message.c_str());

        if (options.district_ids.empty()) options.district_ids = {"d1"};
        options.station_id = "station-test";
        options.on_refusal = [this](const StationRefusal& r) {
            std::lock_guard lock(mutex);
            refusals.push_back(r);
        };
        auto started = StationServer::start(*ledger, station_identity, std::move(options));
        if (!started) qFatal("station: %s", started.error().message.c_str());
        server = std::move(started).value();
    }

    Result<std::unique_ptr<StationClient>> connect(const TlsIdentity* identity) const {
        StationClientOptions o;
        o.port = server->port();
        o.station_certificate_pem = station_identity.certificate_pem();
        o.identity = identity;
        o.timeout = std::chrono::milliseconds(5'000);
        return StationClient::connect(o);
    }

    // A connection of the kiosk with this identity that said hello as `device`.
    std::unique_ptr<StationClient> welcomed(const TlsIdentity& identity,
                                            const std::string& device) {
        auto client = connect(&identity);
        if (!client) qFatal("connect: %s", client.error().message.c_str());
        auto answer = client.value()->request(Hello{1, scenario.election().base_hash, device});
        if (!answer || !std::holds_alternative<Welcome>(answer.value()))
            qFatal("hello of %s was not welcomed", device.c_str());
        return std::move(client).value();
    }

    // Waits (at most 5 s) for a refusal whose reason contains `text`.
    bool refused_with(const std::string& text) {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(mutex);
                for (const auto& r : refusals)
                    if (r.reason.find(text) != std::string::npos) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    std::string trusted_key() const { return ledger->status("d1").value().verifier.to_text(); }

    QTemporaryDir dir;
    test::LedgerScenario scenario;
    crypto::Ed25519SigningKey second_key = test::seeded_key(0x31);
    std::unique_ptr<ledger::Ledger> ledger;
    TlsIdentity station_identity = identity_of(test::seeded_key(0x51), "station-test");
    TlsIdentity kiosk_identity = identity_of(scenario.kiosk(0).key, "d1-kiosk-1");
    TlsIdentity second_identity = identity_of(second_key, "d1-kiosk-2");
    TlsIdentity d2_identity = identity_of(scenario.kiosk(1).key, "d2-kiosk-1");
    std::mutex mutex;
    std::vector<StationRefusal> refusals;
    std::unique_ptr<StationServer> server;  // last: stops before the ledger goes
};

// The receipt a voter would keep, from the station's inclusion; checked like any receipt file.
inline Status verify_inclusion(const Station& s, const Inclusion& inclusion, const Hash32& code) {
    election::VoterReceipt r;
    r.election_id = s.scenario.election().manifest.election_id;
    r.district_id = "d1";
    r.tracking_code = code;
    r.index = inclusion.index;
    r.leaf_hash = inclusion.leaf_hash;
    r.verifier_key = inclusion.verifier_key;
    r.signed_checkpoint = inclusion.signed_checkpoint;
    r.inclusion = inclusion.proof;
    const std::string key = s.trusted_key();
    auto verified = election::verify_voter_receipt(r, std::span<const std::string>(&key, 1));
    if (!verified) return verified.error();
    if (!verified.value().key_trusted)
        return make_error(ErrorCode::verification_failed, "key not trusted");
    return {};
}

template <class T>
const T* as(const Result<Message>& answer) {
    return answer ? std::get_if<T>(&answer.value()) : nullptr;
}

inline std::string describe(const Result<Message>& answer) {
    if (!answer) return "no answer: " + answer.error().message;
    if (auto* e = std::get_if<ErrorReply>(&answer.value()))
        return "error " + std::to_string(static_cast<int>(e->code)) + ": " + e->text;
    return std::string(to_string(type_of(answer.value())));
}

}  // namespace psephos::test
