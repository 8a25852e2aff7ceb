// Baby-step giant-step discrete logarithm (docs/crypto.md §3.2).
#include "psephos/crypto/discrete_log.hpp"

#include <cmath>
#include <cstring>

namespace psephos::crypto {

std::size_t DiscreteLogTable::EncodingHash::operator()(
    const std::array<std::uint8_t, Point::size>& e) const {
    std::size_t h = 0;  // encodings of distinct points look uniform: 8 bytes suffice to spread
    std::memcpy(&h, e.data(), sizeof h);
    return h;
}

DiscreteLogTable::DiscreteLogTable(std::uint64_t max_value) : max_value_(max_value) {
    baby_steps_ = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(max_value))) + 1;
    table_.reserve(baby_steps_);
    Point current = Point::identity();
    for (std::uint64_t j = 0; j < baby_steps_; ++j) {
        table_.emplace(current.bytes(), static_cast<std::uint32_t>(j));
        current = current + Point::generator();
    }
    giant_step_ = current;  // baby_steps_ · G
}

Result<std::uint64_t> DiscreteLogTable::solve(const Point& target) const {
    Point remainder = target;  // target − i·B·G
    for (std::uint64_t i = 0; i * baby_steps_ <= max_value_; ++i) {
        const auto hit = table_.find(remainder.bytes());
        if (hit != table_.end()) {
            const std::uint64_t found = i * baby_steps_ + hit->second;
            if (found <= max_value_) return found;
            break;  // beyond the bound: the plaintext is out of range
        }
        remainder = remainder - giant_step_;
    }
    return make_error(ErrorCode::not_found,
                      "plaintext is not in [0, " + std::to_string(max_value_) + "]");
}

}  // namespace psephos::crypto
