// `psephos-bench county`: a station's district records replayed into a county (docs/county.md):
// records per second through County::push (the county ledger's re-validation, all or nothing,
// and an election checkpoint per push) against the station's own ingest of the same ballots in
// the same run, directly and through CountyServer and the station's CountyPusher over loopback
// mutual TLS; the latter is the catch-up of a station that was offline for the last `offline`
// ballots (the county held everything before them).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace psephos::bench {

struct CountyBenchOptions {
    bool json = false;
    std::size_t ballots = 1000;
    unsigned threads = 0;  // 0: hardware threads
    // The station was offline (pushed nothing) for its last `offline` ballots; 0: all of them
    // (offline all day, the county holding only the registrations and openings).
    std::size_t offline = 0;
    std::string manifest_path;  // an unfinalized manifest; the bench runs its own ceremony
};

int run_county_bench(const CountyBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
