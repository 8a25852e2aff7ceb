// Schnorr proof of knowledge of a discrete log (docs/crypto.md §4.1).
#include "psephos/crypto/schnorr_proof.hpp"

#include "psephos/crypto/transcript.hpp"

namespace psephos::crypto {

namespace {
Scalar schnorr_challenge(const Hash32& base_hash, ByteSpan context, const Point& public_key,
                         const Point& commitment) {
    Transcript t("psephos/v1/schnorr");
    t.append("base_hash", base_hash);
    t.append("context", context);
    t.append("public_key", public_key);
    t.append("commitment", commitment);
    return t.challenge("c");
}
}  // namespace

SchnorrProof prove_knowledge_of_secret(const Hash32& base_hash, ByteSpan context,
                                       const Scalar& secret, const Point& public_key) {
    const Scalar u = Scalar::random();
    Scalar c = schnorr_challenge(base_hash, context, public_key, Point::multiply_base(u));
    Scalar v = u - c * secret;
    return SchnorrProof{std::move(c), std::move(v)};
}

Status verify_knowledge_of_secret(const Hash32& base_hash, ByteSpan context,
                                  const Point& public_key, const SchnorrProof& proof) {
    const Point commitment = Point::multiply_base(proof.response) + proof.challenge * public_key;
    if (!(schnorr_challenge(base_hash, context, public_key, commitment) == proof.challenge)) {
        return make_error(ErrorCode::verification_failed,
                          "Schnorr proof: challenge does not match the recomputed commitment");
    }
    return {};
}

}  // namespace psephos::crypto
