// Homomorphic sums of many ciphertexts of public data (docs/crypto.md §3.3), on the public
// backend's unencoded points (public_point.hpp): each addend is decoded once (which validates it),
// added in libdecaf's extended coordinates (a few field multiplications), and the sum is encoded
// once, when value() is asked. A sum over n encoded ciphertexts costs 2n decodings, 2n additions
// and 2 encodings, against libsodium's 2n decode–add–encode additions.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/public_ciphertext.hpp"

namespace psephos::crypto {

class CiphertextSum {
public:
    // The empty sum: (identity, identity), the encryption of 0 with nonce 0.
    CiphertextSum() = default;

    // Adds α ‖ β given as 64 bytes. Fails with invalid_encoding, leaving the sum unchanged, if
    // either half is not a canonical ristretto255 encoding (the rules of Point::from_bytes).
    Status add(std::span<const std::uint8_t, Ciphertext::size> encoded);
    void add(const Ciphertext& ciphertext);
    void add(const PublicCiphertext& ciphertext);  // already decoded: two additions
    // Adds another partial sum (for sums split across threads).
    void add(const CiphertextSum& other);

    std::uint64_t count() const { return count_; }  // ciphertexts added
    Ciphertext value() const;                       // encodes the sum (two encodings)
    const PublicCiphertext& unencoded() const { return sum_; }

private:
    PublicCiphertext sum_;
    std::uint64_t count_ = 0;
};

}  // namespace psephos::crypto
