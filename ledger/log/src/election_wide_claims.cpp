#include "election_wide_claims.hpp"

#include <algorithm>

#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::ledger::detail {

ElectionWideClaims::Digest ElectionWideClaims::digest(Kind kind, ByteSpan value) {
    Bytes input;
    input.reserve(1 + value.size());
    input.push_back(static_cast<std::uint8_t>(kind));
    input.insert(input.end(), value.begin(), value.end());
    const Hash32 full = crypto::sha256(input);
    Digest out{};
    std::copy_n(full.bytes.begin(), out.size(), out.begin());
    return out;
}

ElectionWideClaims::Digest ElectionWideClaims::digest(Kind kind, std::string_view value) {
    return digest(kind,
                  ByteSpan(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

std::optional<std::size_t> ElectionWideClaims::claim(const Digest& digest, std::size_t district) {
    std::lock_guard lock(mutex_);
    const auto [it, inserted] = owner_.try_emplace(digest, static_cast<std::uint32_t>(district));
    if (inserted) return std::nullopt;
    return it->second;
}

std::optional<std::size_t> ElectionWideClaims::holder(const Digest& digest) {
    std::lock_guard lock(mutex_);
    if (auto it = owner_.find(digest); it != owner_.end()) return it->second;
    return std::nullopt;
}

void ElectionWideClaims::release(const Digest& digest) {
    std::lock_guard lock(mutex_);
    owner_.erase(digest);
}

}  // namespace psephos::ledger::detail
