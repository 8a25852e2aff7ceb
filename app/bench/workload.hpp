// What the ledger and verify suites share (docs/benchmarks.md): the same polling day — kiosks
// per district, their registrations and openings, N realistic ballots encrypted in parallel over
// kiosks — and small helpers for running and timing it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::bench {

// Times written into the records: registration, opening, ballots (in that order, as on the day;
// the casting module does not compare them with its clock).
constexpr std::uint64_t registration_time = 1'793'000'000;
constexpr std::uint64_t opening_time = 1'793'000'100;
constexpr std::uint64_t ballot_time = 1'793'000'200;
// Of prepare_district_workload's spare_deauthorisations (after the opening, before the ballots).
constexpr std::uint64_t deauthorisation_time = 1'793'000'150;

struct Kiosk {
    std::string device_id;
    std::string district_id;
    // Held while the kiosk signs; prepare_workload's `one_kiosk_each` releases it after the
    // ballots (kiosk_key derives it again).
    std::optional<crypto::Ed25519SigningKey> key;
    crypto::Ed25519PublicKey public_key;
    std::vector<std::size_t> ballots;  // positions in Workload::ballots, in chain order
};

struct Workload {
    std::size_t districts = 0;
    // The election authority's approval, for Ledger::create; it authorised every registration.
    election::ElectionApproval approval;
    std::vector<Kiosk> kiosks;
    std::vector<Bytes> opening;          // every device registration, then polls opened everywhere
    std::vector<Bytes> ballots;          // in casting order
    std::vector<std::size_t> kiosk_of;   // by ballot
    std::vector<Hash32> tracking_codes;  // by ballot (prepare_district_workload only)
    // prepare_district_workload only: by spare kiosk, the authority's deauthorisation of it
    // (record 0x17), in no ledger yet — a run that wants the kiosk deauthorised ingests it after
    // the opening.
    std::vector<Bytes> spare_deauthorisations;
};

// Runs fn(0) … fn(count − 1) on `threads` joined threads; rethrows the first exception a call
// threw once all threads have stopped.
void run_in_parallel(unsigned threads, std::size_t count,
                     const std::function<void(std::size_t)>& fn);

// A full vote that varies with the ballot: vote_for consecutive options of every contest, from an
// offset that moves with the ballot and the contest.
election::BallotMarks varied_full_vote(const election::ElectionManifest& m,
                                       const election::BallotStyle& style, std::size_t ballot);

// Ballot i goes to district i mod D and, within its district, to the district's kiosks in turn;
// the manifest's first, third, … districts have two kiosks, the others one. Device ids are
// "kiosk-<n>", short whatever the district ids. Encrypting is parallel over kiosks, since each
// kiosk's ballots chain to the one before.
// With `one_kiosk_each` (psephos-bench national), every district has one kiosk, whose key is
// derived from its number (kiosk_key: a benchmark's synthetic key, not a secret) and released
// once the ballots are signed: each key is locked memory of four mappings, and the kernel's
// vm.max_map_count (65530 by default) is shared with the ledger's per-log keys.
Workload prepare_workload(const election::ElectionContext& election, std::size_t ballots,
                          unsigned threads, bool one_kiosk_each = false);

// The key of kiosk `number` of a `one_kiosk_each` workload.
crypto::Ed25519SigningKey kiosk_key(std::size_t number);

// One district's polling day, for the station suite: `kiosks` kiosks kiosk-1 … kiosk-K in the
// manifest's district number `district`, ballot i cast by kiosk i mod K, and `spare_kiosks` more
// registered that cast nothing here (kiosk-K+1 …), each with the authority's deauthorisation
// ready in spare_deauthorisations; only that district's polls are opened.
Workload prepare_district_workload(const election::ElectionContext& election, std::size_t district,
                                   std::size_t kiosks, std::size_t spare_kiosks,
                                   std::size_t ballots, unsigned threads);

// A fresh directory psephos-bench-<name>-XXXXXX under $TMPDIR (or /tmp), removed with everything in
// it on destruction.
class TemporaryDirectory {
public:
    explicit TemporaryDirectory(const std::string& name) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / ("psephos-bench-" + name + "-XXXXXX"))
                .string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory from " + pattern);
        }
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

void require_all_accepted(const std::vector<Result<ledger::Receipt>>& results,
                          const std::string& what);

double seconds_since(std::chrono::steady_clock::time_point start);

// value with `decimals` digits after the point, for the readable tables.
std::string fixed(double value, int decimals);

}  // namespace psephos::bench
