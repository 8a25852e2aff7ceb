// `psephos-bench tally`: the homomorphic tally of N cast ballots (5 selections each, 16
// districts) with 1 thread and with all threads, then its threshold decryption by 3 of 5
// guardians, against the price of the point additions it must perform (docs/benchmarks.md).
#pragma once

#include <cstddef>
#include <iosfwd>

namespace psephos::bench {

struct TallyBenchOptions {
    bool json = false;
    // A few minutes for the whole suite on 2 cores (docs/benchmarks.md); 320 MB of ciphertexts.
    std::size_t ballots = 1'000'000;
    unsigned threads = 0;  // 0: hardware threads
};

int run_tally_bench(const TallyBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
