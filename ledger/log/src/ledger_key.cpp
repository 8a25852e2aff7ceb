// The ledger's signing keys (docs/ledger.md §5, docs/keys.md §4): a master key in a file whose
// per-log keys are derived from it, or one key per log in a PKCS#11 token.
#include <sodium.h>

#include <array>
#include <stdexcept>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/pkcs11_signer.hpp"
#include "psephos/election/log_origin.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

struct LedgerKey::Token {
    LedgerTokenSpec spec;
    std::string pin;
    bool forgotten = false;
    ~Token() { wipe(); }
    void wipe() {
        sodium_memzero(pin.data(), pin.size());
        pin.clear();
        forgotten = true;
    }
};

std::string token_log_key_label(std::string_view origin) {
    return "psephos-log:" + std::string(origin);
}

LedgerKey::LedgerKey(crypto::Ed25519SigningKey master) : master_(std::move(master)) {}
LedgerKey::~LedgerKey() = default;
LedgerKey::LedgerKey(LedgerKey&&) noexcept = default;
LedgerKey& LedgerKey::operator=(LedgerKey&&) noexcept = default;

Result<LedgerKey> LedgerKey::read_file(const std::filesystem::path& path) {
    auto key = crypto::read_signing_key_file(path);
    if (!key) return key.error();
    return LedgerKey(std::move(key).value());
}

LedgerKey LedgerKey::in_token(LedgerTokenSpec spec, std::string_view pin) {
    LedgerKey key;
    key.token_ = std::make_unique<Token>();
    key.token_->spec = std::move(spec);
    // Reserved first, so the PIN is written once, into the buffer that is wiped.
    key.token_->pin.reserve(pin.size() + 1);
    key.token_->pin.assign(pin);
    return key;
}

const crypto::Ed25519SigningKey& LedgerKey::master() const {
    if (!master_) throw std::logic_error("LedgerKey::master: the ledger's keys are in a token");
    return *master_;
}

crypto::Ed25519SigningKey LedgerKey::derive_log_key(std::string_view origin) const {
    static constexpr std::string_view label = "psephos/v1/ledger-log-key";
    Bytes message(label.begin(), label.end());
    append_u32_be(message, static_cast<std::uint32_t>(origin.size()));
    message.insert(message.end(), origin.begin(), origin.end());
    std::array<std::uint8_t, 32> seed{};
    const auto master_seed = master().seed();
    crypto_generichash(seed.data(), seed.size(), message.data(), message.size(), master_seed.data(),
                       master_seed.size());
    auto key = crypto::Ed25519SigningKey::from_seed(seed);
    sodium_memzero(seed.data(), seed.size());
    return std::move(key).value();
}

Result<std::unique_ptr<crypto::Ed25519Signer>> LedgerKey::open_log_signer(
    std::string_view origin) const {
    if (!token_) {
        return std::unique_ptr<crypto::Ed25519Signer>(
            std::make_unique<crypto::Ed25519KeySigner>(derive_log_key(origin)));
    }
    if (token_->forgotten) throw std::logic_error("LedgerKey::open_log_signer after forget_pin");
    const crypto::Pkcs11KeySpec spec{token_->spec.module_path, token_->spec.token_label,
                                     token_log_key_label(origin)};
    auto signer = crypto::Pkcs11Signer::open(spec, token_->pin);
    if (!signer) return signer.error();
    return std::unique_ptr<crypto::Ed25519Signer>(std::move(signer).value());
}

std::string LedgerKey::describe_log_key(std::string_view origin) const {
    if (!token_) return "the key derived from the ledger key for '" + std::string(origin) + "'";
    return "the token key " + crypto::Pkcs11KeySpec{token_->spec.module_path,
                                                    token_->spec.token_label,
                                                    token_log_key_label(origin)}
                                  .describe();
}

void LedgerKey::forget_pin() {
    if (token_) token_->wipe();
}

std::vector<std::string> log_origins(const election::ElectionManifest& manifest) {
    std::vector<std::string> origins;
    for (const auto& district : manifest.districts)
        origins.push_back(election::district_origin(manifest.election_id, district.id));
    origins.push_back(manifest.election_id + "/election");
    origins.push_back(manifest.election_id + "/events");
    origins.push_back(manifest.election_id + "/bridge");
    return origins;
}

Result<std::vector<crypto::Ed25519PublicKey>> generate_token_log_keys(
    const LedgerTokenSpec& spec, std::string_view pin, const election::ElectionManifest& manifest) {
    const std::vector<std::string> origins = log_origins(manifest);
    auto spec_of = [&](const std::string& origin) {
        return crypto::Pkcs11KeySpec{spec.module_path, spec.token_label,
                                     token_log_key_label(origin)};
    };
    // Every label free before the first key is made, so a refusal leaves the token as it was.
    // Opening is how a label is looked up: not_found is a free label; any other error (a wrong
    // PIN, a token that is not there) is the answer generating would give too.
    for (const std::string& origin : origins) {
        const crypto::Pkcs11KeySpec key = spec_of(origin);
        auto opened = crypto::Pkcs11Signer::open(key, pin);
        if (opened) {
            return make_error(ErrorCode::refused,
                              key.describe() +
                                  ": the token already holds this log's key (a ledger made "
                                  "earlier?); refusing to make a second one");
        }
        // Pkcs11Signer::open's words for a token without a private key of this label.
        const std::string free_label = "no Ed25519 private key labelled '" + key.key_label + "'";
        if (opened.error().code != ErrorCode::not_found ||
            opened.error().message.find(free_label) == std::string::npos) {
            return opened.error();
        }
    }
    std::vector<crypto::Ed25519PublicKey> keys;
    for (const std::string& origin : origins) {
        auto made = crypto::Pkcs11Signer::generate(spec_of(origin), pin);
        if (!made) {
            return made.error().within(
                "after " + std::to_string(keys.size()) + " of " + std::to_string(origins.size()) +
                " log keys were made in the token (delete them with the token's tool before "
                "trying again)");
        }
        keys.push_back(made.value());
    }
    return keys;
}

}  // namespace psephos::ledger
