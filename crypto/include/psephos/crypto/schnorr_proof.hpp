// Schnorr proof of knowledge of s with K = s·G (docs/crypto.md §4.1): used by guardians for
// every polynomial coefficient they commit to, so no one can commit to a key they do not know.
//   prove:  u random; h = u·G; c = H(base, context, K, h); v = u − c·s
//   verify: h = v·G + c·K; accept iff H(base, context, K, h) = c
//   cost to verify: 1 fixed-base + 1 variable-base multiplication + 1 addition.
#pragma once

#include "psephos/crypto/challenge_response.hpp"
#include "psephos/crypto/point.hpp"

namespace psephos::crypto {

using SchnorrProof = ChallengeResponse;

SchnorrProof prove_knowledge_of_secret(const Hash32& base_hash, ByteSpan context,
                                       const Scalar& secret, const Point& public_key);

Status verify_knowledge_of_secret(const Hash32& base_hash, ByteSpan context,
                                  const Point& public_key, const SchnorrProof& proof);

}  // namespace psephos::crypto
