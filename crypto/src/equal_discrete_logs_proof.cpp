// Chaum–Pedersen proof of equal discrete logs (docs/crypto.md §4.3).
#include "psephos/crypto/equal_discrete_logs_proof.hpp"

#include "psephos/crypto/transcript.hpp"

namespace psephos::crypto {

namespace {
Scalar equality_challenge(const Hash32& base_hash, ByteSpan context, const Point& public_key,
                          const Point& base, const Point& product, const Point& a, const Point& b) {
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
}  // namespace

EqualDiscreteLogsProof prove_equal_discrete_logs(const Hash32& base_hash, ByteSpan context,
                                                 const Scalar& secret, const Point& public_key,
                                                 const Point& base, const Point& product) {
    const Scalar u = Scalar::random();
    Scalar c = equality_challenge(base_hash, context, public_key, base, product,
                                  Point::multiply_base(u), u * base);
    Scalar v = u - c * secret;
    return EqualDiscreteLogsProof{std::move(c), std::move(v)};
}

Status verify_equal_discrete_logs(const Hash32& base_hash, ByteSpan context,
                                  const Point& public_key, const Point& base, const Point& product,
                                  const EqualDiscreteLogsProof& proof) {
    const Point a = Point::multiply_base(proof.response) + proof.challenge * public_key;
    const Point b = proof.response * base + proof.challenge * product;
    if (!(equality_challenge(base_hash, context, public_key, base, product, a, b) ==
          proof.challenge)) {
        return make_error(ErrorCode::verification_failed,
                          "equal-discrete-logs proof: challenge does not match the recomputed "
                          "commitments");
    }
    return {};
}

Status verify_equal_discrete_logs_public(const Hash32& base_hash, ByteSpan context,
                                         const DecodedPoint& public_key, const DecodedPoint& base,
                                         const DecodedPoint& product,
                                         const EqualDiscreteLogsProof& proof) {
    const Point a = PublicPoint::multiply_base_add_vartime(proof.response, proof.challenge,
                                                           public_key.point)
                        .to_point();
    const Point b = PublicPoint::multiply_two_vartime(proof.response, base.point, proof.challenge,
                                                      product.point)
                        .to_point();
    if (!(equality_challenge(base_hash, context, public_key.encoding, base.encoding,
                             product.encoding, a, b) == proof.challenge)) {
        return make_error(ErrorCode::verification_failed,
                          "equal-discrete-logs proof: challenge does not match the recomputed "
                          "commitments");
    }
    return {};
}

}  // namespace psephos::crypto
