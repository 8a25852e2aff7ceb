// The challenge of the equal-discrete-logs proof (docs/crypto.md §4.3) over the encodings, shared
// by the libsodium prover and verifier (equal_discrete_logs_proof.cpp) and the public backend's
// verifier (public_proofs.cpp), so that all hash exactly the same bytes.
#pragma once

#include "psephos/crypto/transcript.hpp"

namespace psephos::crypto::detail {

inline Scalar equality_challenge(const Hash32& base_hash, ByteSpan context, ByteSpan public_key,
                                 ByteSpan base, ByteSpan product, ByteSpan a, ByteSpan b) {
    Transcript t("psephos/v1/equal-discrete-logs");
    t.append("base_hash", base_hash);
    t.append("context", context);
    t.append("public_key", public_key);
    t.append("base", base);
    t.append("product", product);
    t.append("commitment_a", a);
    t.append("commitment_b", b);
    return t.challenge("c");
}

}  // namespace psephos::crypto::detail
