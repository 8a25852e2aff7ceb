// Elements of the ristretto255 group (RFC 9496), held as their canonical 32-byte encoding.
// A Point is valid by construction: decoding rejects non-canonical and invalid encodings, and
// every operation goes through libsodium's crypto_core_ristretto255_* / crypto_scalarmult_*.
// The identity is a valid element (encoding: 32 zero bytes) and is handled explicitly, since
// libsodium's scalar multiplications report an identity result as a failure.
#pragma once

#include <array>
#include <cstdint>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

class Point {
public:
    static constexpr std::size_t size = 32;

    Point();  // the identity
    static Point identity() { return Point(); }
    static const Point& generator();

    // Decodes and validates (one group decoding). Errors name what is wrong with the bytes.
    static Result<Point> from_bytes(ByteSpan data);
    // Hash-to-group (RFC 9496 §4.3.4) from 64 uniform bytes: for independent generators.
    static Point from_uniform(std::span<const std::uint8_t, 64> wide);
    // scalar · G, with libsodium's fixed-base multiplication.
    static Point multiply_base(const Scalar& scalar);

    const std::array<std::uint8_t, size>& bytes() const { return bytes_; }
    bool is_identity() const;

    friend Point operator+(const Point& a, const Point& b);
    friend Point operator-(const Point& a, const Point& b);
    // Variable-base multiplication scalar · point (constant time in libsodium).
    friend Point operator*(const Scalar& scalar, const Point& point);
    friend bool operator==(const Point& a, const Point& b) { return a.bytes_ == b.bytes_; }

private:
    std::array<std::uint8_t, size> bytes_{};
};

}  // namespace psephos::crypto
