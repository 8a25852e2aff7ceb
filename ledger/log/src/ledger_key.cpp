// The ledger's signing key and the per-log keys derived from it (docs/ledger.md §5).
#include <sodium.h>

#include <array>

#include "psephos/crypto/key_file.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

Result<LedgerKey> LedgerKey::read_file(const std::filesystem::path& path) {
    auto key = crypto::read_signing_key_file(path);
    if (!key) return key.error();
    return LedgerKey(std::move(key).value());
}

crypto::Ed25519SigningKey LedgerKey::derive_log_key(std::string_view origin) const {
    static constexpr std::string_view label = "psephos/v1/ledger-log-key";
    Bytes message(label.begin(), label.end());
    append_u32_be(message, static_cast<std::uint32_t>(origin.size()));
    message.insert(message.end(), origin.begin(), origin.end());
    std::array<std::uint8_t, 32> seed{};
    const auto master = master_.seed();
    crypto_generichash(seed.data(), seed.size(), message.data(), message.size(), master.data(),
                       master.size());
    auto key = crypto::Ed25519SigningKey::from_seed(seed);
    sodium_memzero(seed.data(), seed.size());
    return std::move(key).value();
}

}  // namespace psephos::ledger
