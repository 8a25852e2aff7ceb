// Disjunctive Chaum–Pedersen (CDS) proof that an ElGamal ciphertext (α, β) under K encrypts
// some m ∈ [0, L] (docs/crypto.md §4.2). With L = 1 it is the 0/1 proof of a selection; with
// L = vote-for-N it bounds the homomorphic sum of a contest's selections.
//   For each j ∈ [0, L]: a_j = v_j·G + c_j·α, b_j = v_j·K + c_j·(β − j·G).
//   prove:  for j ≠ m pick c_j, v_j at random; for j = m pick u, a_m = u·G, b_m = u·K;
//           c = H(base, context, K, α, β, L, a_0, b_0, …, a_L, b_L);
//           c_m = c − Σ_{j≠m} c_j; v_m = u − c_m·r.
//   verify: recompute every (a_j, b_j) from (c_j, v_j); accept iff Σ c_j = H(…).
//   cost to verify: (L+1) fixed-base + 3(L+1) variable-base multiplications, 2(L+1) additions
//   and L subtractions (β − j·G by successive subtraction of G). For L = 1: 2 + 6 + 5.
#pragma once

#include <cstdint>
#include <vector>

#include "psephos/crypto/elgamal.hpp"

namespace psephos::crypto {

// Large enough for any vote-for-N contest (issue: at least 32); bounds what a decoder allocates.
inline constexpr std::uint32_t max_range_limit = 255;

// invalid_argument unless 1 <= limit <= max_range_limit.
Status check_range_limit(std::uint32_t limit);

struct RangeProof {
    std::vector<Scalar> challenges;  // c_0 … c_L
    std::vector<Scalar> responses;   // v_0 … v_L

    std::uint32_t limit() const { return static_cast<std::uint32_t>(challenges.size()) - 1; }
    Bytes to_bytes() const;  // c_0 ‖ … ‖ c_L ‖ v_0 ‖ … ‖ v_L
    // The limit is part of the statement, not of the proof bytes: the caller says what it expects.
    static Result<RangeProof> from_bytes(ByteSpan data, std::uint32_t limit);

    friend bool operator==(const RangeProof&, const RangeProof&) = default;
};

// Fails (invalid_argument) if message > limit or limit is out of range: a false statement
// cannot be proved. Messages never include the plaintext.
Result<RangeProof> prove_range(const Hash32& base_hash, ByteSpan context,
                               const Ciphertext& ciphertext, const Point& public_key,
                               std::uint64_t message, const Scalar& nonce, std::uint32_t limit);

Status verify_range(const Hash32& base_hash, ByteSpan context, const Ciphertext& ciphertext,
                    const Point& public_key, std::uint32_t limit, const RangeProof& proof);

// The 0/1 proof of one selection: the range proof with L = 1.
inline Result<RangeProof> prove_zero_or_one(const Hash32& base_hash, ByteSpan context,
                                            const Ciphertext& ciphertext, const Point& public_key,
                                            std::uint64_t message, const Scalar& nonce) {
    return prove_range(base_hash, context, ciphertext, public_key, message, nonce, 1);
}
inline Status verify_zero_or_one(const Hash32& base_hash, ByteSpan context,
                                 const Ciphertext& ciphertext, const Point& public_key,
                                 const RangeProof& proof) {
    return verify_range(base_hash, context, ciphertext, public_key, 1, proof);
}

}  // namespace psephos::crypto
