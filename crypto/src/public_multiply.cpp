// Variable-time multi-scalar multiplication Σ sᵢ·Pᵢ on the public backend (docs/crypto.md §1.1):
// Straus' method with interleaved width-5 non-adjacent forms. Each point gets a table of its odd
// multiples P, 3P, …, 15P; one shared chain of doublings runs from the top digit down, adding or
// subtracting a table entry wherever a digit is non-zero. About 253 doublings + n·(253/6 + 8)
// additions for n terms, against n separate multiplications' n·253 doublings. The only
// arithmetic here is on the scalars' digits; every group operation is a libdecaf call.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "group_op_counter_internal.hpp"
#include "psephos/crypto/public_point.hpp"
#include "public_point_internal.hpp"

namespace psephos::crypto {

namespace {
constexpr int window = 5;
constexpr int table_size = 1 << (window - 2);  // odd multiples 1, 3, …, 2^(w−1) − 1
constexpr int digits = 256;                    // a scalar < L < 2^253 has at most 254 NAF digits

using Naf = std::array<std::int8_t, digits>;

// Width-w NAF of a canonical scalar (little-endian bytes): digits odd and in (−2^(w−1), 2^(w−1)),
// any two non-zero digits at least w apart. Works on a 5-limb copy so the carry never overflows.
Naf width_naf(const Scalar& scalar) {
    std::array<std::uint64_t, 5> k{};
    for (std::size_t i = 0; i < Scalar::size; ++i)
        k[i / 8] |= std::uint64_t{scalar.bytes()[i]} << (8 * (i % 8));
    Naf naf{};
    for (int i = 0; i < digits && (k[0] | k[1] | k[2] | k[3] | k[4]) != 0; ++i) {
        if ((k[0] & 1) != 0) {
            int d = static_cast<int>(k[0] & ((1U << window) - 1));
            if (d >= (1 << (window - 1))) d -= 1 << window;
            naf[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(d);
            if (d > 0) {  // k −= d (no borrow beyond limb 0's low bits, which equal d)
                k[0] -= static_cast<std::uint64_t>(d);
            } else {  // k += −d, with carry
                std::uint64_t carry = static_cast<std::uint64_t>(-d);
                for (auto& limb : k) {
                    limb += carry;
                    carry = limb < carry ? 1 : 0;
                    if (carry == 0) break;
                }
            }
        }
        for (std::size_t l = 0; l < 4; ++l) k[l] = (k[l] >> 1) | (k[l + 1] << 63);
        k[4] >>= 1;
    }
    return naf;
}
}  // namespace

PublicPoint PublicPoint::multiply_sum_vartime(std::span<const Scalar> scalars,
                                              std::span<const PublicPoint> points) {
    if (scalars.size() != points.size())
        throw std::invalid_argument("multiply_sum_vartime: scalar and point counts differ");
    detail::thread_group_op_counts().public_multiply_terms += scalars.size();
    std::vector<Naf> nafs;
    std::vector<std::array<PublicPoint, table_size>> tables(points.size());
    nafs.reserve(scalars.size());
    int top = -1;
    for (std::size_t i = 0; i < scalars.size(); ++i) {
        nafs.push_back(width_naf(scalars[i]));
        for (int d = digits - 1; d > top; --d)
            if (nafs.back()[static_cast<std::size_t>(d)] != 0) top = d;
        auto& table = tables[i];
        table[0] = points[i];
        const PublicPoint twice = points[i].doubled();
        for (std::size_t t = 1; t < table_size; ++t)
            decaf_255_point_add(detail::point_of(table[t]), detail::point_of(table[t - 1]),
                                detail::point_of(twice));
    }
    PublicPoint sum;
    decaf_255_point_s* r = detail::point_of(sum);
    for (int d = top; d >= 0; --d) {
        decaf_255_point_double(r, r);
        for (std::size_t i = 0; i < nafs.size(); ++i) {
            const int digit = nafs[i][static_cast<std::size_t>(d)];
            if (digit > 0) {
                decaf_255_point_add(r, r, detail::point_of(tables[i][(digit - 1) / 2]));
            } else if (digit < 0) {
                decaf_255_point_sub(r, r, detail::point_of(tables[i][(-digit - 1) / 2]));
            }
        }
    }
    return sum;
}

PublicPoint PublicPoint::multiply_two_vartime(const Scalar& a, const PublicPoint& p,
                                              const Scalar& b, const PublicPoint& q) {
    const std::array<Scalar, 2> scalars{a, b};
    const std::array<PublicPoint, 2> points{p, q};
    return multiply_sum_vartime(scalars, points);
}

}  // namespace psephos::crypto
