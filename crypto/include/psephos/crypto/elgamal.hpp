// Exponential ElGamal on ristretto255 (docs/crypto.md §3): a message m under key K with nonce r
// is (α, β) = (r·G, m·G + r·K). Ciphertexts add homomorphically; decryption yields m·G, from
// which DiscreteLogTable recovers m.
#pragma once

#include <cstdint>

#include "psephos/crypto/point.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

struct Ciphertext {
    Point alpha;  // r·G
    Point beta;   // m·G + r·K

    static constexpr std::size_t size = 64;
    Bytes to_bytes() const;  // α ‖ β
    static Result<Ciphertext> from_bytes(ByteSpan data);

    friend bool operator==(const Ciphertext&, const Ciphertext&) = default;
};

// (r·G, m·G + r·K). m·G costs nothing for m = 0, one addition of G for m = 1.
Ciphertext encrypt_message(std::uint64_t message, const Scalar& nonce, const Point& public_key);

// Component-wise sum: encrypts the sum of the messages under the sum of the nonces.
Ciphertext add_ciphertexts(const Ciphertext& a, const Ciphertext& b);

// The encryption of 0 with nonce 0, the neutral element of add_ciphertexts.
inline Ciphertext zero_ciphertext() { return Ciphertext{}; }

// m·G = β − s·α, for the holder of the whole secret s (tests, challenged ballots use nonces).
Point decrypt_to_group(const Ciphertext& ciphertext, const Scalar& secret_key);

// m·G = β − r·K, from the nonce alone: how anyone checks a challenged (Benaloh) ballot.
Point decrypt_with_nonce(const Ciphertext& ciphertext, const Scalar& nonce,
                         const Point& public_key);

}  // namespace psephos::crypto
