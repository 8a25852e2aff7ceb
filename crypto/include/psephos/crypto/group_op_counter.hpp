// Per-thread counts of the group operations this thread has performed. The benchmark uses them
// to price each proof at the sum of the group operations it actually performs (measured, not
// assumed); the cost of counting is one thread-local increment per operation (~1 ns vs ~13 µs).
#pragma once

#include <cstdint>

namespace psephos::crypto {

struct GroupOpCounts {
    std::uint64_t scalarmult = 0;       // variable-base multiplication
    std::uint64_t scalarmult_base = 0;  // fixed-base multiplication
    std::uint64_t point_add = 0;
    std::uint64_t point_sub = 0;
    std::uint64_t point_decode = 0;  // validation of an encoding from outside
    // The public backend (public_point.hpp, docs/crypto.md §1.1), on unencoded points:
    std::uint64_t public_decode = 0;
    std::uint64_t public_encode = 0;
    std::uint64_t public_add = 0;                // additions and subtractions
    std::uint64_t public_multiply_base_add = 0;  // a·G + b·P, variable time
    std::uint64_t public_multiply_terms = 0;     // terms of Σ sᵢ·Pᵢ, variable time (Straus)
    // Doublings inside Pippenger's sums (multiply_sum_pippenger_vartime), whose additions are
    // counted in public_add one by one instead of as terms.
    std::uint64_t public_double = 0;

    friend GroupOpCounts operator-(const GroupOpCounts& a, const GroupOpCounts& b) {
        return {a.scalarmult - b.scalarmult,
                a.scalarmult_base - b.scalarmult_base,
                a.point_add - b.point_add,
                a.point_sub - b.point_sub,
                a.point_decode - b.point_decode,
                a.public_decode - b.public_decode,
                a.public_encode - b.public_encode,
                a.public_add - b.public_add,
                a.public_multiply_base_add - b.public_multiply_base_add,
                a.public_multiply_terms - b.public_multiply_terms,
                a.public_double - b.public_double};
    }
    friend bool operator==(const GroupOpCounts&, const GroupOpCounts&) = default;
};

// The counts of the calling thread since it started.
GroupOpCounts current_thread_group_op_counts();

}  // namespace psephos::crypto
