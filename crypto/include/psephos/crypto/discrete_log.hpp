// Bounded discrete logarithm in ristretto255: recovers m ∈ [0, max_value] from m·G by
// baby-step giant-step. Baby steps j·G (j < B) are kept in a hash table keyed by encoding;
// the giant steps subtract B·G until a hit. B ≈ √max_value keeps both the table build and the
// worst-case search at about √max_value group additions (docs/crypto.md §3.2).
#pragma once

#include <cstdint>
#include <unordered_map>

#include "psephos/crypto/point.hpp"

namespace psephos::crypto {

class DiscreteLogTable {
public:
    // Builds the baby-step table: about √max_value additions (10^8 → 10^4 steps, ~0.15 s).
    explicit DiscreteLogTable(std::uint64_t max_value);

    std::uint64_t max_value() const { return max_value_; }

    // m with m·G == target, or not_found if m > max_value. Thread-safe (read-only table).
    Result<std::uint64_t> solve(const Point& target) const;

private:
    std::uint64_t max_value_;
    std::uint64_t baby_steps_;
    Point giant_step_;  // baby_steps_ · G
    struct EncodingHash {
        std::size_t operator()(const std::array<std::uint8_t, Point::size>& e) const;
    };
    // Encodings are canonical, so equal points have equal keys: lookups are exact.
    std::unordered_map<std::array<std::uint8_t, Point::size>, std::uint32_t, EncodingHash> table_;
};

}  // namespace psephos::crypto
