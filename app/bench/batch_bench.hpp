// `psephos-bench batch`: per-proof verification time of a selection's 0/1 proof (issue 23) —
// today's compact proof on libsodium and on the public backend, the commitment form checked singly
// and batch-verified (Straus, Pippenger, and the size-based choice) over batches of 1 to 4096 —
// with ratios against the libsodium path measured in the same run, and the proofs' sizes
// (docs/benchmarks.md, docs/crypto.md §4.6).
#pragma once

#include <iosfwd>

namespace psephos::bench {

struct BatchBenchOptions {
    bool json = false;
    int repetitions = 9;  // rounds; every op runs once per round, in a shuffled order
};

int run_batch_bench(const BatchBenchOptions& options, std::ostream& out);

}  // namespace psephos::bench
