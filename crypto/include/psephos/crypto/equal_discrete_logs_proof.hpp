// Chaum–Pedersen proof that two points share a discrete log, K = s·G and M = s·A
// (docs/crypto.md §4.3): a guardian proves its partial decryption M = s·α is correct.
//   prove:  u random; a = u·G; b = u·A; c = H(base, context, K, A, M, a, b); v = u − c·s
//   verify: a = v·G + c·K; b = v·A + c·M; accept iff H(base, context, K, A, M, a, b) = c
//   cost to verify: 1 fixed-base + 3 variable-base multiplications + 2 additions.
#pragma once

#include "psephos/crypto/challenge_response.hpp"
#include "psephos/crypto/point.hpp"

namespace psephos::crypto {

using EqualDiscreteLogsProof = ChallengeResponse;

EqualDiscreteLogsProof prove_equal_discrete_logs(const Hash32& base_hash, ByteSpan context,
                                                 const Scalar& secret, const Point& public_key,
                                                 const Point& base, const Point& product);

Status verify_equal_discrete_logs(const Hash32& base_hash, ByteSpan context,
                                  const Point& public_key, const Point& base, const Point& product,
                                  const EqualDiscreteLogsProof& proof);

}  // namespace psephos::crypto
