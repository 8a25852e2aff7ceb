// `psephos-bench national --districts D --ballots-per-district B --out DIR` (docs/scale.md): a
// large synthetic election record written quickly, for `psephos verify --mpi` at scale. The
// election is one yes/no measure over D districts (one ballot style), one kiosk a district, three
// guardians of whom two decrypt; every ballot is encrypted with its own nonces and proofs and
// signed by its kiosk, as on the day, so the record verifies with `psephos verify` like any other.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace psephos::bench {

struct NationalBenchOptions {
    std::size_t districts = 100;
    std::size_t ballots_per_district = 5;
    std::string out;       // the record's directory (must not exist yet)
    unsigned threads = 0;  // 0: hardware threads
    bool json = false;
};

// Writes the manifest (DIR.manifest.json beside the record) and the record; prints what it built
// and how long each part took. The ledger lives in a temporary directory, removed at the end.
int run_national_bench(const NationalBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
