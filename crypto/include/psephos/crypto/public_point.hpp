// ristretto255 elements held UNENCODED, for PUBLIC data only (docs/crypto.md §1.1): ciphertexts,
// keys and proof values read from a ballot or a record, in proof verification, tally aggregation
// and the record verifier. Backed by libdecaf's decaf_255_point_t (extended coordinates), so an
// addition is a few field multiplications instead of libsodium's decode–add–encode, and a·P + b·Q
// is one variable-time double-scalar multiplication.
//
// The split is in the types: nothing secret-dependent (encryption, nonces, decryption shares, key
// generation, the ceremony) takes a PublicPoint — those all take Point, which only libsodium's
// constant-time code touches, and there is no implicit conversion either way. The *_vartime
// operations leak their scalars through timing: they are for challenges, responses and random
// verification weights, which are public, never for a secret.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

class PublicPoint {
public:
    static constexpr std::size_t size = Point::size;  // bytes of the encoding

    PublicPoint();  // the identity
    static const PublicPoint& generator();

    // Decodes and validates by the rules of Point::from_bytes (docs/crypto.md §1): the same
    // encodings are accepted and refused, with the same error code.
    static Result<PublicPoint> from_bytes(ByteSpan data);
    // From a Point, whose encoding is valid by construction (one decoding, cannot fail).
    explicit PublicPoint(const Point& point);

    std::array<std::uint8_t, size> encode() const;  // one encoding (an inverse square root)
    // The same, as a Point: libsodium validates the encoding once more (Point keeps its
    // invariant by itself), so hot paths use encode() and hash or compare the bytes.
    Point to_point() const;

    bool is_identity() const;

    friend PublicPoint operator+(const PublicPoint& a, const PublicPoint& b);
    friend PublicPoint operator-(const PublicPoint& a, const PublicPoint& b);
    PublicPoint& operator+=(const PublicPoint& b);
    PublicPoint& operator-=(const PublicPoint& b);
    PublicPoint doubled() const;
    PublicPoint negated() const;
    // Group equality (not a byte compare of internal coordinates, which are not unique).
    friend bool operator==(const PublicPoint& a, const PublicPoint& b);

    // a·G + b·P in variable time (libdecaf's decaf_255_base_double_scalarmul_non_secret).
    static PublicPoint multiply_base_add_vartime(const Scalar& a, const Scalar& b,
                                                 const PublicPoint& p);
    // Σ scalars[i]·points[i] in variable time: Straus' interleaved width-5 NAF over libdecaf's
    // additions and doublings (public_multiply.cpp). Sizes must match (else std::invalid_argument).
    static PublicPoint multiply_sum_vartime(std::span<const Scalar> scalars,
                                            std::span<const PublicPoint> points);
    // The same sum by Pippenger's bucket method (public_pippenger.cpp): signed c-bit digits, c
    // chosen from n; cheaper per term than Straus for many terms (docs/crypto.md §4.6).
    static PublicPoint multiply_sum_pippenger_vartime(std::span<const Scalar> scalars,
                                                      std::span<const PublicPoint> points);
    // Straus below pippenger_crossover_terms terms, Pippenger from there (the crossover measured
    // by `psephos-bench batch`, docs/benchmarks.md).
    static constexpr std::size_t pippenger_crossover_terms = 128;
    static PublicPoint multiply_sum_batch_vartime(std::span<const Scalar> scalars,
                                                  std::span<const PublicPoint> points);
    // a·P + b·Q: multiply_sum_vartime of two terms.
    static PublicPoint multiply_two_vartime(const Scalar& a, const PublicPoint& p, const Scalar& b,
                                            const PublicPoint& q);

    // The libdecaf point (decaf_255_point_s) behind it, for the implementation files only.
    void* raw() { return storage_.data(); }
    const void* raw() const { return storage_.data(); }

private:
    alignas(32) std::array<std::uint8_t, 256> storage_{};
};

// One decoding, both forms: the point for arithmetic, its 32 bytes (as received, so canonical)
// for transcripts and for everything that compares or stores bytes.
struct DecodedPoint {
    PublicPoint point;
    std::array<std::uint8_t, PublicPoint::size> encoding{};  // the identity's

    static Result<DecodedPoint> from_bytes(ByteSpan data);
    DecodedPoint() = default;  // the identity
    explicit DecodedPoint(const Point& p) : point(p), encoding(p.bytes()) {}
};

}  // namespace psephos::crypto
