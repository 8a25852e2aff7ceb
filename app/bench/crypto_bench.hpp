// `psephos-bench crypto`: medians of the crypto core's operations, in scalar-multiplication
// equivalents, and each proof's ratio to the cost of the group operations it performs.
#pragma once

#include <iosfwd>

namespace psephos::bench {

struct CryptoBenchOptions {
    bool json = false;
    int repetitions = 9;
    double min_time_s = 0.05;  // per repetition
};

int run_crypto_bench(const CryptoBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
