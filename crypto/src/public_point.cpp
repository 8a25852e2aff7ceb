// The public backend's points on libdecaf's decaf_255_point_t (docs/crypto.md §1.1). No field or
// point-formula arithmetic here: every group operation is a libdecaf call; each is counted.
#include "psephos/crypto/public_point.hpp"

#include <decaf/point_255.h>

#include <algorithm>
#include <stdexcept>

#include "group_op_counter_internal.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "public_point_internal.hpp"

namespace psephos::crypto {

static_assert(sizeof(decaf_255_point_t) == 256 && alignof(decaf_255_point_s) == 32,
              "PublicPoint's storage must hold exactly one decaf_255_point_t");

namespace detail {
decaf_255_scalar_t& to_decaf(const Scalar& scalar, decaf_255_scalar_t& out) {
    // A Scalar is canonical by construction, so libdecaf's canonical check cannot fail.
    if (decaf_255_scalar_decode(out, scalar.bytes().data()) != DECAF_SUCCESS)
        throw std::logic_error("libdecaf rejected a canonical scalar");
    return out;
}
}  // namespace detail

using detail::point_of;

PublicPoint::PublicPoint() { decaf_255_point_copy(point_of(*this), decaf_255_point_identity); }

const PublicPoint& PublicPoint::generator() {
    static const PublicPoint g = [] {
        PublicPoint p;
        decaf_255_point_copy(point_of(p), decaf_255_point_base);
        return p;
    }();
    return g;
}

Result<PublicPoint> PublicPoint::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "group element must be 32 bytes, got " + std::to_string(data.size()));
    }
    ++detail::thread_group_op_counts().public_decode;
    PublicPoint p;
    // libdecaf's decoder checks canonicity (s < p, which also refuses bit 255), s non-negative,
    // the square root's existence and the signs of RFC 9496 §4.3.1; the identity is allowed.
    // tst_public_point holds it to the RFC 9496 A.2 vectors and to libsodium on random input.
    if (decaf_255_point_decode(point_of(p), data.data(), DECAF_TRUE) != DECAF_SUCCESS) {
        return make_error(ErrorCode::invalid_encoding,
                          "not a canonical ristretto255 encoding: " + to_hex(data));
    }
    return p;
}

PublicPoint::PublicPoint(const Point& point) {
    ++detail::thread_group_op_counts().public_decode;
    if (decaf_255_point_decode(point_of(*this), point.bytes().data(), DECAF_TRUE) != DECAF_SUCCESS)
        throw std::logic_error("libdecaf rejected a valid point's encoding");
}

std::array<std::uint8_t, PublicPoint::size> PublicPoint::encode() const {
    ++detail::thread_group_op_counts().public_encode;
    std::array<std::uint8_t, size> out;
    decaf_255_point_encode(out.data(), point_of(*this));
    return out;
}

Point PublicPoint::to_point() const { return Point::from_bytes(encode()).value(); }

bool PublicPoint::is_identity() const {
    return decaf_255_point_eq(point_of(*this), decaf_255_point_identity) != 0;
}

PublicPoint operator+(const PublicPoint& a, const PublicPoint& b) {
    PublicPoint sum = a;
    sum += b;
    return sum;
}

PublicPoint operator-(const PublicPoint& a, const PublicPoint& b) {
    PublicPoint difference = a;
    difference -= b;
    return difference;
}

PublicPoint& PublicPoint::operator+=(const PublicPoint& b) {
    ++detail::thread_group_op_counts().public_add;
    decaf_255_point_add(point_of(*this), point_of(*this), point_of(b));
    return *this;
}

PublicPoint& PublicPoint::operator-=(const PublicPoint& b) {
    ++detail::thread_group_op_counts().public_add;
    decaf_255_point_sub(point_of(*this), point_of(*this), point_of(b));
    return *this;
}

PublicPoint PublicPoint::doubled() const {
    PublicPoint out;
    decaf_255_point_double(point_of(out), point_of(*this));
    return out;
}

PublicPoint PublicPoint::negated() const {
    PublicPoint out;
    decaf_255_point_negate(point_of(out), point_of(*this));
    ++detail::thread_group_op_counts().public_negate;
    return out;
}

bool operator==(const PublicPoint& a, const PublicPoint& b) {
    return decaf_255_point_eq(point_of(a), point_of(b)) != 0;
}

PublicPoint PublicPoint::multiply_base_add_vartime(const Scalar& a, const Scalar& b,
                                                   const PublicPoint& p) {
    // libdecaf 1.0.2 returns the identity, ignoring a, when b is zero (found by tst_public_point,
    // multiplication_handles_edge_scalars): b = 0 goes through Straus instead. A proof's
    // challenge can be zero, so a verifier must not trust that call with it.
    if (b == Scalar()) {
        const std::array<Scalar, 1> scalars{a};
        const std::array<PublicPoint, 1> points{generator()};
        return multiply_sum_vartime(scalars, points);
    }
    ++detail::thread_group_op_counts().public_multiply_base_add;
    decaf_255_scalar_t da;
    decaf_255_scalar_t db;
    PublicPoint out;
    decaf_255_base_double_scalarmul_non_secret(point_of(out), detail::to_decaf(a, da), point_of(p),
                                               detail::to_decaf(b, db));
    return out;
}

Result<DecodedPoint> DecodedPoint::from_bytes(ByteSpan data) {
    auto point = PublicPoint::from_bytes(data);
    if (!point) return point.error();
    DecodedPoint decoded;
    decoded.point = point.value();
    std::copy(data.begin(), data.end(), decoded.encoding.begin());
    return decoded;
}

Result<DecodedCiphertext> DecodedCiphertext::from_bytes(ByteSpan data) {
    PSEPHOS_TRY_ASSIGN(const PublicCiphertext unencoded, PublicCiphertext::from_bytes(data));
    DecodedCiphertext decoded;
    decoded.unencoded = unencoded;
    std::copy(data.begin(), data.end(), decoded.encoding.begin());
    return decoded;
}

DecodedCiphertext::DecodedCiphertext(const Ciphertext& c) : unencoded(c) {
    std::copy(c.alpha.bytes().begin(), c.alpha.bytes().end(), encoding.begin());
    std::copy(c.beta.bytes().begin(), c.beta.bytes().end(), encoding.begin() + 32);
}

DecodedCiphertext::DecodedCiphertext(const PublicCiphertext& c) : unencoded(c) {
    const auto alpha = c.alpha.encode();
    const auto beta = c.beta.encode();
    std::copy(alpha.begin(), alpha.end(), encoding.begin());
    std::copy(beta.begin(), beta.end(), encoding.begin() + 32);
}

Result<PublicCiphertext> PublicCiphertext::from_bytes(ByteSpan data) {
    if (data.size() != Ciphertext::size) {
        return make_error(ErrorCode::invalid_encoding,
                          "ciphertext must be 64 bytes, got " + std::to_string(data.size()));
    }
    auto alpha = PublicPoint::from_bytes(data.first(PublicPoint::size));
    if (!alpha) return alpha.error().within("ciphertext alpha");
    auto beta = PublicPoint::from_bytes(data.subspan(PublicPoint::size));
    if (!beta) return beta.error().within("ciphertext beta");
    return PublicCiphertext(alpha.value(), beta.value());
}

}  // namespace psephos::crypto
