// The range proof's commitment form, prover side (docs/crypto.md §4.6).
#include "psephos/crypto/committed_range_proof.hpp"

#include "range_prover.hpp"

namespace psephos::crypto {

Bytes CommittedRangeProof::to_bytes() const {
    Bytes out;
    out.reserve(commitments.size() * Point::size +
                (compact.challenges.size() + compact.responses.size()) * Scalar::size);
    for (const auto& p : commitments) out.insert(out.end(), p.bytes().begin(), p.bytes().end());
    const Bytes tail = compact.to_bytes();
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

Result<CommittedRangeProof> prove_range_committed(const Hash32& base_hash, ByteSpan context,
                                                  const Ciphertext& ciphertext,
                                                  const Point& public_key, std::uint64_t message,
                                                  const Scalar& nonce, std::uint32_t limit) {
    CommittedRangeProof proof;
    proof.commitments.reserve(2 * (std::size_t{limit} + 1));
    PSEPHOS_TRY_ASSIGN(proof.compact,
                       detail::prove_range_recording(base_hash, context, ciphertext, public_key,
                                                     message, nonce, limit, &proof.commitments));
    return proof;
}

}  // namespace psephos::crypto
