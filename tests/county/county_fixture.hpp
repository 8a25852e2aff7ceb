// A station ledger with a polling day under way and a county ledger of the same election with a
// key of its own, for the county's tests (docs/county.md); and a forger that signs whatever
// checkpoint a dishonest station would, with that station's district log key.
#pragma once

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger_scenario.hpp"
#include "psephos/county/county.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::test {

inline std::unique_ptr<ledger::Ledger> make_ledger(const LedgerScenario& scenario,
                                                   const std::filesystem::path& directory,
                                                   ledger::LedgerKey key) {
    ledger::LedgerOptions o;
    o.directory = directory;
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    auto created =
        ledger::Ledger::create(o, scenario.election(), scenario.approval(), std::move(key));
    if (!created) qFatal("create: %s", created.error().message.c_str());
    return std::move(created).value();
}

inline station::TlsIdentity tls_identity(std::uint8_t tag, std::string_view name) {
    auto made = station::make_tls_identity(seeded_key(tag), name);
    if (!made) qFatal("identity: %s", made.error().message.c_str());
    return std::move(made).value();
}

struct CountyFixture {
    CountyFixture() {
        station = make_ledger(scenario, root() / "station", LedgerScenario::ledger_key());
        county_ledger =
            make_ledger(scenario, root() / "county", ledger::LedgerKey(seeded_key(0xCC)));
        for (auto& r : station->ingest(scenario.opening(), election::ActorRole::poll_worker))
            if (!r) qFatal("opening: %s", r.error().message.c_str());
        cast(0, 3);
        cast(1, 2);
        cast(0, 4);
    }

    std::filesystem::path root() const { return dir.path().toStdString(); }

    // n ballots of the district's kiosk, ingested by the station as one batch.
    void cast(std::size_t district, std::uint64_t n) {
        std::vector<Bytes> records;
        for (std::uint64_t i = 0; i < n; ++i)
            records.push_back(election::encode_ballot(scenario.next_ballot(district, i).ballot));
        for (auto& r : station->ingest(std::move(records)))
            if (!r) qFatal("ballot: %s", r.error().message.c_str());
    }

    county::StationTrust trust() const {
        county::StationTrust t{"station-1", station_identity_key(), {}};
        for (const char* d : {"d1", "d2"}) t.district_keys.emplace(d, station->status(d)->verifier);
        return t;
    }
    crypto::Ed25519PublicKey station_identity_key() const { return seeded_key(0x51).public_key(); }

    std::unique_ptr<county::County> open_county() {
        county::CountyOptions options;
        options.stations = {trust()};
        options.state_directory = root() / "county-state";
        auto opened = county::County::open(*county_ledger, std::move(options));
        if (!opened) qFatal("county: %s", opened.error().message.c_str());
        return std::move(opened).value();
    }

    // The station's district records [from, to).
    std::vector<Bytes> records(const std::string& district, std::uint64_t from,
                               std::uint64_t to) const {
        std::vector<Bytes> out;
        for (std::uint64_t i = from; i < to; ++i)
            out.push_back(station->record(district, i).value());
        return out;
    }

    // A checkpoint of the district over any leaves, signed with the station's district log key:
    // what a station that forks its log can sign.
    std::string forged_note(const std::string& district, const std::vector<Bytes>& leaves) const {
        std::vector<Hash32> hashes;
        for (const Bytes& leaf : leaves) hashes.push_back(crypto::hash_merkle_leaf(leaf));
        const std::string origin = station->status(district)->origin;
        const election::Checkpoint checkpoint{
            origin, hashes.size(), crypto::compute_merkle_root(hashes), {}};
        const auto key = LedgerScenario::ledger_key().derive_log_key(origin);
        return election::sign_note(checkpoint.to_text(), origin, key).value();
    }

    QTemporaryDir dir;
    LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> station;
    std::unique_ptr<ledger::Ledger> county_ledger;
};

}  // namespace psephos::test
