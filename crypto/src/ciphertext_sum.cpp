// Sums of ciphertexts on unencoded points (docs/crypto.md §3.3).
#include "psephos/crypto/ciphertext_sum.hpp"

namespace psephos::crypto {

Status CiphertextSum::add(std::span<const std::uint8_t, Ciphertext::size> encoded) {
    auto alpha = PublicPoint::from_bytes(std::span<const std::uint8_t>(encoded).first(32));
    if (!alpha) return alpha.error().within("ciphertext alpha");
    auto beta = PublicPoint::from_bytes(std::span<const std::uint8_t>(encoded).subspan(32));
    if (!beta) return beta.error().within("ciphertext beta");
    sum_.alpha += alpha.value();
    sum_.beta += beta.value();
    ++count_;
    return {};
}

void CiphertextSum::add(const Ciphertext& ciphertext) { add(PublicCiphertext(ciphertext)); }

void CiphertextSum::add(const PublicCiphertext& ciphertext) {
    sum_.alpha += ciphertext.alpha;
    sum_.beta += ciphertext.beta;
    ++count_;
}

void CiphertextSum::add(const CiphertextSum& other) {
    sum_.alpha += other.sum_.alpha;
    sum_.beta += other.sum_.beta;
    count_ += other.count_;
}

Ciphertext CiphertextSum::value() const { return sum_.to_ciphertext(); }

}  // namespace psephos::crypto
