// ristretto255 group operations, all through libsodium; each one is counted per thread.
#include "psephos/crypto/point.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "group_op_counter_internal.hpp"

namespace psephos::crypto {

namespace {
// A Point's bytes are always a valid encoding, so libsodium failing on them is a broken invariant.
void require(int rc, const char* what) {
    if (rc != 0) throw std::logic_error(std::string("libsodium rejected a valid point in ") + what);
}

Point make_generator() {
    auto g = Point::multiply_base(Scalar::from_uint64(1));
    return g;
}
}  // namespace

Point::Point() = default;

const Point& Point::generator() {
    static const Point g = make_generator();
    return g;
}

Result<Point> Point::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "group element must be 32 bytes, got " + std::to_string(data.size()));
    }
    ++detail::thread_group_op_counts().point_decode;
    // Bit 255 set means s ≥ 2^255 > p: non-canonical (RFC 9496 §4.3.1). libsodium 1.0.18 ignores
    // that bit, which would give every point a second accepted encoding; found by fuzz_point.
    if ((data[31] & 0x80) != 0 || crypto_core_ristretto255_is_valid_point(data.data()) != 1) {
        // libsodium's check rejects every non-canonical encoding (RFC 9496 §4.3.1) and every
        // canonical one that is not a group element; the identity (all zeros) is accepted.
        return make_error(ErrorCode::invalid_encoding,
                          "not a canonical ristretto255 encoding: " + to_hex(data));
    }
    Point p;
    std::copy(data.begin(), data.end(), p.bytes_.begin());
    return p;
}

Point Point::from_uniform(std::span<const std::uint8_t, 64> wide) {
    Point p;
    require(crypto_core_ristretto255_from_hash(p.bytes_.data(), wide.data()), "from_hash");
    return p;
}

Point Point::multiply_base(const Scalar& scalar) {
    ++detail::thread_group_op_counts().scalarmult_base;
    Point p;
    // libsodium returns -1 when the product is the identity (scalar = 0 mod L) after writing
    // the identity's all-zero encoding, which is exactly the right answer for us.
    [[maybe_unused]] const int identity_product =
        crypto_scalarmult_ristretto255_base(p.bytes_.data(), scalar.bytes().data());
    return p;
}

bool Point::is_identity() const { return sodium_is_zero(bytes_.data(), bytes_.size()) == 1; }

Point operator+(const Point& a, const Point& b) {
    ++detail::thread_group_op_counts().point_add;
    Point p;
    require(crypto_core_ristretto255_add(p.bytes_.data(), a.bytes_.data(), b.bytes_.data()), "add");
    return p;
}

Point operator-(const Point& a, const Point& b) {
    ++detail::thread_group_op_counts().point_sub;
    Point p;
    require(crypto_core_ristretto255_sub(p.bytes_.data(), a.bytes_.data(), b.bytes_.data()), "sub");
    return p;
}

Point operator*(const Scalar& scalar, const Point& point) {
    ++detail::thread_group_op_counts().scalarmult;
    Point p;
    // libsodium returns -1 for an invalid input point (impossible: Points are valid by
    // construction) or for an identity product, after writing the identity's all-zero
    // encoding, which is the right answer.
    [[maybe_unused]] const int identity_product =
        crypto_scalarmult_ristretto255(p.bytes_.data(), scalar.bytes().data(), point.bytes_.data());
    return p;
}

}  // namespace psephos::crypto
