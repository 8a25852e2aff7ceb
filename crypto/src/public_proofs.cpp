// Proof verification on the public backend (public_proofs.hpp, docs/crypto.md §4.2.1).
#include "psephos/crypto/public_proofs.hpp"

#include "equality_transcript.hpp"
#include "range_transcript.hpp"

namespace psephos::crypto {

Status verify_range_public(const Hash32& base_hash, ByteSpan context,
                           const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                           std::uint32_t limit, const RangeProof& proof) {
    // The same limit and shape checks as verify_range, with the same messages.
    if (limit == 0 || limit > max_range_limit) {
        return make_error(ErrorCode::invalid_argument, "range limit " + std::to_string(limit) +
                                                           " is outside [1, " +
                                                           std::to_string(max_range_limit) + "]");
    }
    const std::size_t branches = std::size_t{limit} + 1;
    if (proof.challenges.size() != branches || proof.responses.size() != branches) {
        return make_error(ErrorCode::verification_failed,
                          "range proof has " + std::to_string(proof.challenges.size()) +
                              " branches, the statement needs " + std::to_string(branches));
    }
    Transcript t = detail::range_transcript(base_hash, context, ciphertext.alpha_bytes(),
                                            ciphertext.beta_bytes(), public_key.encoding, limit);
    Scalar challenge_sum;
    PublicPoint beta_j = ciphertext.unencoded.beta;  // β − j·G
    for (std::size_t j = 0; j < branches; ++j) {
        const Scalar& c = proof.challenges[j];
        const Scalar& v = proof.responses[j];
        t.append("a",
                 PublicPoint::multiply_base_add_vartime(v, c, ciphertext.unencoded.alpha).encode());
        t.append("b", PublicPoint::multiply_two_vartime(v, public_key.point, c, beta_j).encode());
        challenge_sum = challenge_sum + c;
        if (j + 1 < branches) beta_j -= PublicPoint::generator();
    }
    if (!(t.challenge("c") == challenge_sum)) {
        return make_error(ErrorCode::verification_failed,
                          "range proof [0, " + std::to_string(limit) +
                              "]: challenges do not sum to the transcript challenge");
    }
    return {};
}

Status verify_equal_discrete_logs_public(const Hash32& base_hash, ByteSpan context,
                                         const DecodedPoint& public_key, const DecodedPoint& base,
                                         const DecodedPoint& product,
                                         const EqualDiscreteLogsProof& proof) {
    const auto a =
        PublicPoint::multiply_base_add_vartime(proof.response, proof.challenge, public_key.point)
            .encode();
    const auto b = PublicPoint::multiply_two_vartime(proof.response, base.point, proof.challenge,
                                                     product.point)
                       .encode();
    if (!(detail::equality_challenge(base_hash, context, public_key.encoding, base.encoding,
                                     product.encoding, a, b) == proof.challenge)) {
        return make_error(ErrorCode::verification_failed,
                          "equal-discrete-logs proof: challenge does not match the recomputed "
                          "commitments");
    }
    return {};
}

}  // namespace psephos::crypto
