// `psephos-bench verify`: verifying the exported election record of a full polling day of N
// realistic ballots with 1 thread and with all threads, each verification in its own process so
// its peak memory is its own, against the price of the group operations it performs
// (docs/benchmarks.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "psephos/record/election_record.hpp"

namespace psephos::bench {

struct VerifyBenchOptions {
    bool json = false;
    // A few minutes for the whole suite on 2 cores with the realistic sample (docs/benchmarks.md).
    std::size_t ballots = 1000;
    unsigned threads = 0;       // 0: hardware threads
    std::string manifest_path;  // an unfinalized manifest; the bench runs its own ceremony
};

int run_verify_bench(const VerifyBenchOptions& options, std::ostream& out);

struct BuiltRecord {
    std::size_t districts = 0;
    std::size_t kiosks = 0;
    std::uint32_t guardians_decrypting = 0;
    record::ExportSummary summary;
};

// A full polling day of `ballots` ballots of the manifest (unfinalized; a local key ceremony is
// run), ballot i in district i mod D: registrations, polls opened, the ballots, polls closed by
// the kiosks, the tally, a threshold of guardians' decryptions, the results; the ledger in
// `ledger_dir`, the record exported to `record_dir`. Throws on anything refused.
// With `one_kiosk_each` every district has one kiosk (prepare_workload).
BuiltRecord build_record(const std::string& manifest_path, std::size_t ballots, unsigned threads,
                         const std::filesystem::path& ledger_dir,
                         const std::filesystem::path& record_dir, bool one_kiosk_each = false);

// The hidden `psephos-bench verify-child DIR THREADS` that run_verify_bench starts: verifies the
// record in DIR on THREADS threads and prints one line — "passed" or "failed", the wall seconds,
// then the group operations of every thread of the process during the verification (scalarmult,
// scalarmult_base, point_add, point_sub, point_decode, threads counted) — and every failing check
// on `err`. Returns 0 if the record passed, 1 otherwise.
int run_verify_child(const std::string& record_dir, unsigned threads, std::ostream& out,
                     std::ostream& err);

}  // namespace psephos::bench
