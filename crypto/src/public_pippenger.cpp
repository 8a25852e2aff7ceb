// Variable-time multi-scalar multiplication Σ sᵢ·Pᵢ for many terms on the public backend
// (docs/crypto.md §1.1, §4.6): Pippenger's bucket method. Each scalar is cut into signed digits of
// c bits (in [−2^(c−1), 2^(c−1))); for each window, from the top, the accumulator is doubled c
// times, every point is added to (or subtracted from) the bucket of its digit's magnitude, and the
// buckets are summed as Σ k·B_k with two running sums (2·2^(c−1) additions). About
// (254/c + 1)·(n + 2^c) additions and 256 doublings for n terms, against Straus' ~n·50 additions:
// the per-term cost falls as n grows. The only arithmetic here is on the scalars' digits; every
// group operation is a libdecaf call (decaf_255_point_add/sub/double).
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "group_op_counter_internal.hpp"
#include "psephos/crypto/public_point.hpp"
#include "public_point_internal.hpp"

namespace psephos::crypto {

namespace {
constexpr int scalar_bits = 253;  // every canonical scalar is below L < 2^253

// Additions for n terms at window c: windows × (one per term + the bucket sums).
double pippenger_cost(std::size_t n, int c) {
    const int windows = (scalar_bits + c - 1) / c + 1;
    return static_cast<double>(windows) *
           (static_cast<double>(n) + static_cast<double>(std::size_t{1} << c));
}

int pippenger_window(std::size_t n) {
    int best = 2;
    for (int c = 3; c <= 16; ++c)
        if (pippenger_cost(n, c) < pippenger_cost(n, best)) best = c;
    return best;
}

// Signed base-2^c digits, least significant first: Σ d_k·2^(c·k) = s, |d_k| ≤ 2^(c−1). Digit k
// goes to out[k·stride] (window-major, so each window's pass reads its digits in order).
void signed_digits(const Scalar& s, int c, int windows, std::int32_t* out, std::size_t stride) {
    std::array<std::uint64_t, 5> limbs{};  // the fifth stays 0: windows may reach past bit 255
    for (std::size_t i = 0; i < Scalar::size; ++i)
        limbs[i / 8] |= std::uint64_t{s.bytes()[i]} << (8 * (i % 8));
    const std::uint64_t mask = (std::uint64_t{1} << c) - 1;
    const std::int64_t half = std::int64_t{1} << (c - 1);
    std::int64_t carry = 0;
    for (int k = 0; k < windows; ++k) {
        const auto bit = static_cast<std::size_t>(k * c);
        const std::size_t limb = bit / 64;
        const std::size_t shift = bit % 64;
        std::uint64_t bits = 0;
        if (limb < 4) {
            bits = limbs[limb] >> shift;
            if (shift + static_cast<std::size_t>(c) > 64) bits |= limbs[limb + 1] << (64 - shift);
        }
        std::int64_t d = static_cast<std::int64_t>(bits & mask) + carry;
        carry = 0;
        if (d >= half) {
            d -= std::int64_t{1} << c;
            carry = 1;
        }
        out[static_cast<std::size_t>(k) * stride] = static_cast<std::int32_t>(d);
    }
}
}  // namespace

PublicPoint PublicPoint::multiply_sum_pippenger_vartime(std::span<const Scalar> scalars,
                                                        std::span<const PublicPoint> points) {
    if (scalars.size() != points.size())
        throw std::invalid_argument(
            "multiply_sum_pippenger_vartime: scalar and point counts differ");
    const std::size_t n = scalars.size();
    if (n == 0) return {};
    const int c = pippenger_window(n);
    const int windows = (scalar_bits + c - 1) / c + 1;  // one more for the last carry
    std::vector<std::int32_t> digits(n * static_cast<std::size_t>(windows));  // window-major
    for (std::size_t i = 0; i < n; ++i) signed_digits(scalars[i], c, windows, digits.data() + i, n);

    const std::size_t bucket_count = std::size_t{1} << (c - 1);  // magnitudes 1 … 2^(c−1)
    std::vector<PublicPoint> buckets(bucket_count);
    std::vector<char> used(bucket_count);
    PublicPoint sum;
    bool sum_started = false;
    // Counted once at the end (the running sums' += count themselves through PublicPoint).
    std::uint64_t bucket_additions = 0;
    std::uint64_t doublings = 0;
    std::uint64_t negations = 0;
    for (int w = windows - 1; w >= 0; --w) {
        if (sum_started) {
            for (int d = 0; d < c; ++d)
                decaf_255_point_double(detail::point_of(sum), detail::point_of(sum));
            doublings += static_cast<std::uint64_t>(c);
        }
        std::fill(used.begin(), used.end(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::int32_t digit = digits[static_cast<std::size_t>(w) * n + i];
            if (digit == 0) continue;
            const std::size_t b = static_cast<std::size_t>(digit > 0 ? digit : -digit) - 1;
            decaf_255_point_s* bucket = detail::point_of(buckets[b]);
            if (used[b] == 0) {
                if (digit > 0) {
                    decaf_255_point_copy(bucket, detail::point_of(points[i]));
                } else {
                    decaf_255_point_negate(bucket, detail::point_of(points[i]));
                    ++negations;
                }
                used[b] = 1;
            } else if (digit > 0) {
                decaf_255_point_add(bucket, bucket, detail::point_of(points[i]));
                ++bucket_additions;
            } else {
                decaf_255_point_sub(bucket, bucket, detail::point_of(points[i]));
                ++bucket_additions;
            }
        }
        // Σ_k (k+1)·B_k as the sum, from the top, of the running sums B_top + … + B_k.
        PublicPoint running;
        PublicPoint window_sum;
        bool running_started = false;
        for (std::size_t k = bucket_count; k-- > 0;) {
            if (used[k] != 0) {
                if (running_started) {
                    running += buckets[k];
                } else {
                    running = buckets[k];
                    running_started = true;
                }
            }
            if (running_started) window_sum += running;
        }
        if (running_started) {
            sum += window_sum;
            sum_started = true;
        }
    }
    detail::thread_group_op_counts().public_add += bucket_additions;
    detail::thread_group_op_counts().public_double += doublings;
    detail::thread_group_op_counts().public_negate += negations;
    return sum;
}

PublicPoint PublicPoint::multiply_sum_batch_vartime(std::span<const Scalar> scalars,
                                                    std::span<const PublicPoint> points) {
    if (scalars.size() < pippenger_crossover_terms) return multiply_sum_vartime(scalars, points);
    return multiply_sum_pippenger_vartime(scalars, points);
}

}  // namespace psephos::crypto
