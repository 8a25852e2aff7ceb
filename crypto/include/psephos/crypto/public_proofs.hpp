// Verification of the range (0/1) and equal-discrete-logs proofs on the public backend
// (docs/crypto.md §4.2.1, §4.3): the statement decoded once, each commitment one variable-time
// double-scalar multiplication on unencoded points, encoded once for the transcript. The proofs
// and their bytes are exactly those of range_proof.hpp and equal_discrete_logs_proof.hpp; these
// accept and refuse exactly what the libsodium verifiers do, with the same messages
// (tst_public_proofs, every one-bit change of every input).
#pragma once

#include <cstdint>

#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/public_point.hpp"
#include "psephos/crypto/range_proof.hpp"

namespace psephos::crypto {

// verify_range: a_j = v_j·G + c_j·α, b_j = v_j·K + c_j·(β − j·G); accept iff Σ c_j = H(…).
Status verify_range_public(const Hash32& base_hash, ByteSpan context,
                           const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                           std::uint32_t limit, const RangeProof& proof);

// verify_equal_discrete_logs: a = v·G + c·K, b = v·A + c·M; accept iff H(…) = c.
Status verify_equal_discrete_logs_public(const Hash32& base_hash, ByteSpan context,
                                         const DecodedPoint& public_key, const DecodedPoint& base,
                                         const DecodedPoint& product,
                                         const EqualDiscreteLogsProof& proof);

}  // namespace psephos::crypto
