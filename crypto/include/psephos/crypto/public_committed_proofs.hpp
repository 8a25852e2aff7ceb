// Verification of the range (0/1) proof in commitment form (committed_range_proof.hpp,
// docs/crypto.md §4.6) on the public backend, singly and in batches. Both first hash the
// transcript over the commitments the proof carries and check Σ c_j = H(…) (cheap, per proof),
// then the group equations
//   a_j = v_j·G + c_j·α,   b_j = v_j·K + c_j·(β − j·G)   for j ∈ [0, L].
// The batch verifier checks the equations of all proofs as one random linear combination (an
// independent 128-bit weight from libsodium's CSPRNG per equation) by one multi-scalar
// multiplication; if that fails, it checks each proof on its own so that it can name the bad
// ones. A batch of honest proofs is accepted; a batch holding a false equation is refused except
// with probability ≤ 2^−128 per batch (the weights are drawn after the proofs are fixed).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "psephos/crypto/committed_range_proof.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/public_point.hpp"

namespace psephos::crypto {

// A commitment-form proof read from bytes: each commitment decoded once (validated) and kept
// with its bytes for the transcript.
struct DecodedCommittedRangeProof {
    std::vector<DecodedPoint> commitments;  // a_0, b_0, …, a_L, b_L
    RangeProof compact;                     // c_0 … c_L, v_0 … v_L

    std::uint32_t limit() const { return compact.limit(); }
    // The layout of CommittedRangeProof::to_bytes for this limit; errors name the commitment,
    // challenge or response that does not decode.
    static Result<DecodedCommittedRangeProof> from_bytes(ByteSpan data, std::uint32_t limit);
    // From a proof whose commitments libsodium already validated (a decoded ballot's): each
    // commitment converted to the public backend once.
    static DecodedCommittedRangeProof from_proof(const CommittedRangeProof& proof);
    Bytes to_bytes() const;
};

// One proof: the transcript check, then its 2(L+1) equations as one random linear combination (a
// batch of one: one multi-scalar multiplication of 2L + 6 terms); if that fails, the equations one
// by one, so that the error names the branch and the commitment.
Status verify_range_committed(const Hash32& base_hash, ByteSpan context,
                              const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                              std::uint32_t limit, const DecodedCommittedRangeProof& proof);

// One proof of a batch; the pointers must stay valid through the call.
struct CommittedRangeStatement {
    ByteSpan context;
    const DecodedCiphertext* ciphertext = nullptr;
    std::uint32_t limit = 1;
    const DecodedCommittedRangeProof* proof = nullptr;
};

enum class MultiScalarMethod { by_size, straus, pippenger };

struct BatchVerification {
    std::vector<std::size_t> refused;    // indices into the batch, ascending
    std::vector<Error> errors;           // errors[k] is refused[k]'s, naming "proof <index>"
    bool combined_check_failed = false;  // the fallback to per-proof checks ran

    bool ok() const { return refused.empty(); }
};

// Every statement under the same key (the election's joint key): the multi-scalar multiplication
// has 2 + (2L + 4) terms per proof (G and K once for the whole batch; α, β and the commitments of
// each proof). `method` is for the benchmark and the tests; by_size picks Straus or Pippenger by
// the number of terms (PublicPoint::multiply_sum_batch_vartime).
BatchVerification verify_range_committed_batch(
    const Hash32& base_hash, const DecodedPoint& public_key,
    std::span<const CommittedRangeStatement> statements,
    MultiScalarMethod method = MultiScalarMethod::by_size);

}  // namespace psephos::crypto
