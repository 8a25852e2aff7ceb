// Exponential ElGamal (docs/crypto.md §3).
#include "psephos/crypto/elgamal.hpp"

namespace psephos::crypto {

Bytes Ciphertext::to_bytes() const {
    Bytes out(alpha.bytes().begin(), alpha.bytes().end());
    out.insert(out.end(), beta.bytes().begin(), beta.bytes().end());
    return out;
}

Result<Ciphertext> Ciphertext::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "ciphertext must be 64 bytes, got " + std::to_string(data.size()));
    }
    auto alpha = Point::from_bytes(data.first(32));
    if (!alpha) return alpha.error().within("ciphertext alpha");
    auto beta = Point::from_bytes(data.last(32));
    if (!beta) return beta.error().within("ciphertext beta");
    return Ciphertext{std::move(alpha).value(), std::move(beta).value()};
}

namespace {
Point message_point(std::uint64_t message) {
    if (message == 0) return Point::identity();
    if (message == 1) return Point::generator();
    return Point::multiply_base(Scalar::from_uint64(message));
}
}  // namespace

Ciphertext encrypt_message(std::uint64_t message, const Scalar& nonce, const Point& public_key) {
    const Point masked = nonce * public_key;
    return Ciphertext{Point::multiply_base(nonce),
                      message == 0 ? masked : message_point(message) + masked};
}

Ciphertext add_ciphertexts(const Ciphertext& a, const Ciphertext& b) {
    return Ciphertext{a.alpha + b.alpha, a.beta + b.beta};
}

Point decrypt_to_group(const Ciphertext& ciphertext, const Scalar& secret_key) {
    return ciphertext.beta - secret_key * ciphertext.alpha;
}

Point decrypt_with_nonce(const Ciphertext& ciphertext, const Scalar& nonce,
                         const Point& public_key) {
    return ciphertext.beta - nonce * public_key;
}

}  // namespace psephos::crypto
