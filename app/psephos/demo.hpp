// `psephos demo`: a whole election with what exists so far (see docs/demo.md).
#pragma once

#include <cstdint>
#include <iosfwd>

namespace psephos::app {

struct DemoOptions {
    std::uint32_t voters = 400;
    std::uint32_t threads = 0;  // 0: hardware threads
    std::uint64_t seed = 0;     // 0: random voters; otherwise reproducible choices
};

// Returns the process exit status: 0 only if every proof verified and the decrypted totals
// equal the simulated voters' choices.
int run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace psephos::app
