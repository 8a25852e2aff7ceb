// `psephos-bench ledger`: ingesting realistic ballots into a fresh, durable ledger with one thread
// and with all threads, against verifying the same ballots without the ledger.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace psephos::bench {

struct LedgerBenchOptions {
    bool json = false;
    // About a minute for the whole suite on 2 cores with the realistic sample (docs/benchmarks.md).
    std::size_t ballots = 1000;
    unsigned threads = 0;       // 0: hardware threads
    std::string manifest_path;  // an unfinalized manifest; the bench runs its own ceremony
};

int run_ledger_bench(const LedgerBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
