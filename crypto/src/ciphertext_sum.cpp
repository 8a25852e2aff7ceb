#include "psephos/crypto/ciphertext_sum.hpp"

#include <sodium.h>

#include <algorithm>

#include "group_op_counter_internal.hpp"

namespace psephos::crypto {

Status CiphertextSum::add(std::span<const std::uint8_t, Ciphertext::size> encoded) {
    std::array<std::uint8_t, Ciphertext::size> next;
    detail::thread_group_op_counts().point_add += 2;
    if (crypto_core_ristretto255_add(next.data(), sum_.data(), encoded.data()) != 0) {
        return make_error(ErrorCode::invalid_encoding,
                          "ciphertext alpha is not a valid ristretto255 encoding");
    }
    if (crypto_core_ristretto255_add(next.data() + 32, sum_.data() + 32, encoded.data() + 32) !=
        0) {
        return make_error(ErrorCode::invalid_encoding,
                          "ciphertext beta is not a valid ristretto255 encoding");
    }
    sum_ = next;
    ++count_;
    return {};
}

Status CiphertextSum::add(const Ciphertext& ciphertext) {
    std::array<std::uint8_t, Ciphertext::size> encoded;
    std::copy(ciphertext.alpha.bytes().begin(), ciphertext.alpha.bytes().end(), encoded.begin());
    std::copy(ciphertext.beta.bytes().begin(), ciphertext.beta.bytes().end(), encoded.begin() + 32);
    return add(std::span<const std::uint8_t, Ciphertext::size>(encoded));
}

void CiphertextSum::add(const CiphertextSum& other) {
    // Both sums hold only results of successful additions, so both are valid encodings.
    std::array<std::uint8_t, Ciphertext::size> next;
    detail::thread_group_op_counts().point_add += 2;
    (void)crypto_core_ristretto255_add(next.data(), sum_.data(), other.sum_.data());
    (void)crypto_core_ristretto255_add(next.data() + 32, sum_.data() + 32, other.sum_.data() + 32);
    sum_ = next;
    count_ += other.count_;
}

Ciphertext CiphertextSum::value() const { return Ciphertext::from_bytes(sum_).value(); }

}  // namespace psephos::crypto
