// Homomorphic sums of many ciphertexts, taken from their encodings (docs/crypto.md §3.3).
//
// libsodium's public API holds ristretto255 elements only as 32-byte encodings: every
// crypto_core_ristretto255_add decodes both inputs (an inverse square root each, which also
// validates them) and encodes the sum (another inverse square root). No public call keeps a
// running sum in internal coordinates, so a sum of n encoded points costs n such additions and
// nothing less is possible through that API. What is avoidable, and avoided here: decoding each
// addend separately first (the addition validates it), building Point objects, and copying
// whole ballots. A sum over n ciphertexts costs exactly 2n additions.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "psephos/crypto/elgamal.hpp"

namespace psephos::crypto {

class CiphertextSum {
public:
    // The empty sum: (identity, identity), the encryption of 0 with nonce 0.
    CiphertextSum() = default;

    // Adds α ‖ β given as 64 bytes. Fails with invalid_encoding, leaving the sum unchanged, if
    // either half is not a canonical ristretto255 encoding.
    Status add(std::span<const std::uint8_t, Ciphertext::size> encoded);
    Status add(const Ciphertext& ciphertext);
    // Adds another partial sum (for sums split across threads).
    void add(const CiphertextSum& other);

    std::uint64_t count() const { return count_; }  // ciphertexts added
    Ciphertext value() const;

private:
    std::array<std::uint8_t, Ciphertext::size> sum_{};
    std::uint64_t count_ = 0;
};

}  // namespace psephos::crypto
