// The range prover (docs/crypto.md §4.2) with its commitments kept: prove_range and the
// commitment form's prover (committed_range_proof.cpp, §4.6) are one code path, so the two
// forms hash exactly the same transcript and a commitment-form proof's challenges and responses
// are the compact proof prove_range would have made with the same randomness.
#pragma once

#include <cstdint>
#include <vector>

#include "psephos/crypto/range_proof.hpp"

namespace psephos::crypto::detail {

// prove_range; if `commitments` is not null, a_0, b_0, …, a_L, b_L are appended to it in
// transcript order.
Result<RangeProof> prove_range_recording(const Hash32& base_hash, ByteSpan context,
                                         const Ciphertext& ciphertext, const Point& public_key,
                                         std::uint64_t message, const Scalar& nonce,
                                         std::uint32_t limit, std::vector<Point>* commitments);

}  // namespace psephos::crypto::detail
