// Chaum–Pedersen proof of equal discrete logs (docs/crypto.md §4.3).
#include "psephos/crypto/equal_discrete_logs_proof.hpp"

#include "equality_transcript.hpp"

namespace psephos::crypto {

namespace {
Scalar equality_challenge(const Hash32& base_hash, ByteSpan context, const Point& public_key,
                          const Point& base, const Point& product, const Point& a, const Point& b) {
    return detail::equality_challenge(base_hash, context, public_key.bytes(), base.bytes(),
                                      product.bytes(), a.bytes(), b.bytes());
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

}  // namespace psephos::crypto
