// A polling station on disk for the kiosk's tests and screenshots, made as an election official
// would with `psephos ledger init`, `device-key` and `register-device`: a finalized manifest (a
// real key ceremony), a ledger with its key, a registered device key and a poll-worker
// passphrase file.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::test {

inline constexpr const char* poll_worker_passphrase = "correct horse battery staple";

struct KioskFixture {
    std::filesystem::path root;
    std::filesystem::path manifest;
    std::filesystem::path data;
    std::filesystem::path device_key;
    std::filesystem::path passphrase;
    std::string district;
    std::string device_id = "kiosk-1";

    // sample: a manifest file (unfinalized) from samples/; district: one of its districts.
    KioskFixture(const std::filesystem::path& directory, const std::filesystem::path& sample,
                 std::string district_id)
        : root(directory), district(std::move(district_id)) {
        auto m = election::load_manifest_file(sample.string());
        if (!m) throw std::runtime_error(m.error().message);
        auto ceremony = election::run_local_key_ceremony(std::move(m).value());
        if (!ceremony) throw std::runtime_error(ceremony.error().message);
        const election::ElectionContext& election = ceremony.value().election;
        manifest = root / "election.json";
        if (!crypto::write_new_file(manifest, election::manifest_to_json(election.manifest), 0644))
            throw std::runtime_error("cannot write the manifest");
        data = root / "station";
        std::filesystem::create_directories(data);
        ledger::LedgerKey key = ledger::LedgerKey::generate();
        check(crypto::write_signing_key_file(data / "ledger.key", key.master(), "ledger"));
        ledger::LedgerOptions options;
        options.directory = data / "ledger";
        // The election authority approves the election and authorises the kiosk.
        const crypto::Ed25519SigningKey authority = crypto::Ed25519SigningKey::generate();
        auto ledger = ledger::Ledger::create(
            options, election, election::approve_election(election.base_hash, authority),
            std::move(key));
        if (!ledger) throw std::runtime_error(ledger.error().message);
        const crypto::Ed25519SigningKey device = crypto::Ed25519SigningKey::generate();
        device_key = root / "kiosk-1.key";
        check(crypto::write_signing_key_file(device_key, device, device_id));
        election::DeviceRegistration registration{
            district, device_id, device.public_key(), 1'793'700'000, {}};
        election::authorise_device(election.base_hash, registration, authority);
        auto registered = ledger.value()
                              ->submit(election::encode_device_registration(registration),
                                       election::ActorRole::election_official)
                              .get();
        if (!registered) throw std::runtime_error(registered.error().message);
        passphrase = root / "poll-worker.pass";
        check(kiosk::write_poll_worker_passphrase_file(passphrase, poll_worker_passphrase));
    }

    kiosk::KioskConfig config() const {
        kiosk::KioskConfig c;
        c.election = manifest;
        c.district_id = district;
        c.data = data;
        c.device_key = device_key;
        c.device_id = device_id;
        c.precomputed_ballots = 1;
        return c;
    }

    static void check(const Status& status) {
        if (!status) throw std::runtime_error(status.error().message);
    }
};

}  // namespace psephos::test
