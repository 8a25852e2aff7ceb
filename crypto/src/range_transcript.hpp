// The statement part of the range proof's transcript (docs/crypto.md §4.2), shared by the full
// prover and verifier (range_proof.cpp) and the precomputed prover (precomputed_selection.cpp),
// so that all three hash exactly the same bytes.
#pragma once

#include <cstdint>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/transcript.hpp"

namespace psephos::crypto::detail {

// The statement as encodings: shared with the public backend's verifier (public_proofs.cpp).
inline Transcript range_transcript(const Hash32& base_hash, ByteSpan context, ByteSpan alpha,
                                   ByteSpan beta, ByteSpan public_key, std::uint32_t limit) {
    Transcript t("psephos/v1/range");
    t.append("base_hash", base_hash);
    t.append("context", context);
    t.append("public_key", public_key);
    t.append("alpha", alpha);
    t.append("beta", beta);
    t.append_u64("limit", limit);
    return t;
}

inline Transcript range_transcript(const Hash32& base_hash, ByteSpan context,
                                   const Ciphertext& ciphertext, const Point& public_key,
                                   std::uint32_t limit) {
    return range_transcript(base_hash, context, ciphertext.alpha.bytes(), ciphertext.beta.bytes(),
                            public_key.bytes(), limit);
}

}  // namespace psephos::crypto::detail
