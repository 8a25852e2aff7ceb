// `psephos-bench ballot`: encrypting and verifying the largest ballot style of the realistic
// sample election, against the cost of the group operations it performs.
#pragma once

#include <iosfwd>
#include <string>

namespace psephos::bench {

struct BallotBenchOptions {
    bool json = false;
    int repetitions = 9;
    double min_time_s = 0.2;
    std::string manifest_path;  // an unfinalized manifest; the bench runs its own ceremony
};

int run_ballot_bench(const BallotBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
