// Per-thread counts of the group operations this thread has performed, and of the library's other
// primitives on public data around them (libsodium's scalar arithmetic, the transcript's hash, the
// CSPRNG). The benchmark uses them to price each proof at the sum of the primitives it actually
// performs (measured, not assumed); the cost of counting is one thread-local increment per
// operation (~1 ns vs ~13 µs for a multiplication, ~20 ns for a scalar addition).
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
    std::uint64_t public_negate = 0;  // negations (negated(), Pippenger's first bucket entry)
    // Not group operations: libsodium's crypto_core_ristretto255_scalar_* (scalar.cpp) …
    std::uint64_t scalar_add = 0;     // additions, subtractions, negations
    std::uint64_t scalar_mul = 0;     // multiplications
    std::uint64_t scalar_decode = 0;  // Scalar::from_bytes: a reduction and the canonical check
    std::uint64_t scalar_reduce = 0;  // Scalar::reduce_wide (64 bytes)
    std::uint64_t scalar_wipe = 0;    // sodium_memzero of a destroyed or moved-from scalar
    // … the transcript's BLAKE2b (crypto_generichash, transcript.cpp) …
    std::uint64_t hash_init = 0;
    std::uint64_t hash_update = 0;  // calls
    std::uint64_t hash_bytes = 0;   // bytes absorbed by those calls
    std::uint64_t hash_final = 0;   // a challenge: the state copied and finalised
    // … and the CSPRNG (randombytes_buf).
    std::uint64_t random_calls = 0;
    std::uint64_t random_bytes = 0;

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
                a.public_double - b.public_double,
                a.public_negate - b.public_negate,
                a.scalar_add - b.scalar_add,
                a.scalar_mul - b.scalar_mul,
                a.scalar_decode - b.scalar_decode,
                a.scalar_reduce - b.scalar_reduce,
                a.scalar_wipe - b.scalar_wipe,
                a.hash_init - b.hash_init,
                a.hash_update - b.hash_update,
                a.hash_bytes - b.hash_bytes,
                a.hash_final - b.hash_final,
                a.random_calls - b.random_calls,
                a.random_bytes - b.random_bytes};
    }
    // The group operations alone (the other primitives' counts zero).
    GroupOpCounts group_only() const {
        return {scalarmult,
                scalarmult_base,
                point_add,
                point_sub,
                point_decode,
                public_decode,
                public_encode,
                public_add,
                public_multiply_base_add,
                public_multiply_terms,
                public_double,
                public_negate};
    }
    friend bool operator==(const GroupOpCounts&, const GroupOpCounts&) = default;
};

// The counts of the calling thread since it started.
GroupOpCounts current_thread_group_op_counts();

}  // namespace psephos::crypto
