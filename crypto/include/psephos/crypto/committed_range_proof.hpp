// The range (0/1) proof in commitment form (docs/crypto.md §4.6): the compact proof of
// range_proof.hpp (challenges c_j and responses v_j) together with the commitments a_j, b_j it
// hashed, so a verifier checks the transcript challenge by hashing the commitments it is given
// and then the group equations
//   a_j = v_j·G + c_j·α,   b_j = v_j·K + c_j·(β − j·G)   for j ∈ [0, L],
// which are linear in the points and can be batched over many proofs (public_committed_proofs.hpp).
// The transcript is §4.2's, unchanged: a commitment-form proof's challenges and responses are a
// valid compact proof of the same statement, and the commitments are what the compact verifier
// recomputes.
//
// This is the PROVER's side, on libsodium's constant-time Point and Scalar (the nonce and the
// real branch's u are secret). Verification is on the public backend only.
#pragma once

#include <cstdint>
#include <vector>

#include "psephos/crypto/range_proof.hpp"

namespace psephos::crypto {

struct CommittedRangeProof {
    std::vector<Point> commitments;  // a_0, b_0, a_1, b_1, …, a_L, b_L (transcript order)
    RangeProof compact;              // c_0 … c_L, v_0 … v_L

    std::uint32_t limit() const { return compact.limit(); }
    // a_0 ‖ b_0 ‖ … ‖ a_L ‖ b_L ‖ c_0 ‖ … ‖ c_L ‖ v_0 ‖ … ‖ v_L: 128(L+1) bytes, the compact
    // proof's bytes at the end.
    Bytes to_bytes() const;
    static constexpr std::size_t size_for(std::uint32_t limit) {
        return 4 * (std::size_t{limit} + 1) * Scalar::size;
    }

    friend bool operator==(const CommittedRangeProof&, const CommittedRangeProof&) = default;
};

// prove_range, keeping the commitments. Fails as prove_range does (a false statement, a limit
// out of range); messages never include the plaintext.
Result<CommittedRangeProof> prove_range_committed(const Hash32& base_hash, ByteSpan context,
                                                  const Ciphertext& ciphertext,
                                                  const Point& public_key, std::uint64_t message,
                                                  const Scalar& nonce, std::uint32_t limit);

inline Result<CommittedRangeProof> prove_zero_or_one_committed(
    const Hash32& base_hash, ByteSpan context, const Ciphertext& ciphertext,
    const Point& public_key, std::uint64_t message, const Scalar& nonce) {
    return prove_range_committed(base_hash, context, ciphertext, public_key, message, nonce, 1);
}

}  // namespace psephos::crypto
