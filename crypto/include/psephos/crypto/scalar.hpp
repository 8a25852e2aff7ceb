// Scalars modulo the ristretto255 group order L = 2^252 + 27742317777372353535851937790883648493.
// Always held in canonical form (< L, 32 bytes little-endian). Every Scalar wipes its bytes on
// destruction, because nonces, polynomial coefficients and key shares are Scalars.
#pragma once

#include <array>
#include <cstdint>

#include "psephos/crypto/bytes.hpp"

namespace psephos::crypto {

// Calls sodium_init() once; safe from any thread. Entry points call it; so may tests.
void initialize();

class Scalar {
public:
    static constexpr std::size_t size = 32;

    Scalar();  // zero
    ~Scalar();
    Scalar(const Scalar& other);
    Scalar& operator=(const Scalar& other);
    Scalar(Scalar&& other) noexcept;
    Scalar& operator=(Scalar&& other) noexcept;

    // Rejects anything but exactly 32 bytes holding a canonical value (< L).
    static Result<Scalar> from_bytes(ByteSpan data);
    static Scalar from_uint64(std::uint64_t value);
    // Uniform in [0, L), from libsodium's CSPRNG.
    static Scalar random();
    // Uniform reduction of 64 bytes (a hash output) modulo L.
    static Scalar reduce_wide(std::span<const std::uint8_t, 64> wide);

    const std::array<std::uint8_t, size>& bytes() const { return bytes_; }
    bool is_zero() const;

    Scalar negate() const;
    // The multiplicative inverse; zero has none.
    Result<Scalar> invert() const;

    friend Scalar operator+(const Scalar& a, const Scalar& b);
    friend Scalar operator-(const Scalar& a, const Scalar& b);
    friend Scalar operator*(const Scalar& a, const Scalar& b);
    // Constant time: scalars are often secrets.
    friend bool operator==(const Scalar& a, const Scalar& b);

private:
    std::array<std::uint8_t, size> bytes_{};
};

}  // namespace psephos::crypto
