// What every psephos-bench suite shares: timing named operations with Google Benchmark (medians
// of randomly interleaved repetitions) and pricing an operation by the group operations it
// performs, each at its own median from the same run (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "psephos/crypto/group_op_counter.hpp"

namespace psephos::bench {

struct TimedOp {
    std::string name;
    std::function<void()> run;
    std::int64_t iterations = 0;  // per repetition; 0 lets the harness choose
};

// Median nanoseconds per call of each op, by name.
std::map<std::string, double> measure_medians(const std::vector<TimedOp>& ops, int repetitions,
                                              double min_time_s);

// The group operations one call of `run` performs on this thread.
crypto::GroupOpCounts count_group_ops(const std::function<void()>& run);

// Timed ops for the group primitives, named as price_group_ops expects.
std::vector<TimedOp> group_primitive_ops();

// Σ count × median over the group operations; the medians must include the primitives.
double price_group_ops(const crypto::GroupOpCounts& counts,
                       const std::map<std::string, double>& medians);

// Timed ops for the library's other counted primitives (libsodium's scalar arithmetic, the
// transcript's BLAKE2b, the CSPRNG), named as price_other_ops expects.
std::vector<TimedOp> other_primitive_ops();

// Σ count × median over those other primitives. Hashing and random bytes are priced per call
// and per byte (a linear model from a short and a long call: per byte = long / its bytes, per
// call = short − its bytes × per byte); a scalar operation's median includes the wiping of its
// result, which scalar_wipe counts again (~2 ns over per operation).
double price_other_ops(const crypto::GroupOpCounts& counts,
                       const std::map<std::string, double>& medians);

}  // namespace psephos::bench
