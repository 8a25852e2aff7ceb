// Ed25519 keys and signatures on libsodium's crypto_sign_* (RFC 8032 "pure" Ed25519).
#include "psephos/crypto/ed25519.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

static_assert(Ed25519PublicKey::size == crypto_sign_PUBLICKEYBYTES);
static_assert(Ed25519Signature::size == crypto_sign_BYTES);
static_assert(Ed25519SigningKey::seed_size == crypto_sign_SEEDBYTES);
static_assert(crypto_sign_SECRETKEYBYTES == 64);  // the size of Ed25519SigningKey::secret_key_

Result<Ed25519PublicKey> Ed25519PublicKey::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding, "Ed25519 public key must be 32 bytes, got " +
                                                           std::to_string(data.size()));
    }
    initialize();
    if (crypto_core_ed25519_is_valid_point(data.data()) != 1) {
        return make_error(ErrorCode::invalid_encoding,
                          "Ed25519 public key is not a canonical point of prime order");
    }
    Ed25519PublicKey key;
    std::copy(data.begin(), data.end(), key.bytes.begin());
    return key;
}

Result<Ed25519Signature> Ed25519Signature::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "Ed25519 signature must be 64 bytes, got " + std::to_string(data.size()));
    }
    Ed25519Signature signature;
    std::copy(data.begin(), data.end(), signature.bytes.begin());
    return signature;
}

// The storage is a LockedBytes (sodium_malloc): freeing it wipes it, and moving it leaves the
// moved-from key without storage, which is_empty() reports.
Ed25519SigningKey::Ed25519SigningKey() : secret_key_(crypto_sign_SECRETKEYBYTES) {}
Ed25519SigningKey::~Ed25519SigningKey() = default;
Ed25519SigningKey::Ed25519SigningKey(Ed25519SigningKey&& other) noexcept = default;
Ed25519SigningKey& Ed25519SigningKey::operator=(Ed25519SigningKey&& other) noexcept = default;

Ed25519SigningKey Ed25519SigningKey::generate() {
    initialize();
    Ed25519SigningKey key;
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    crypto_sign_keypair(public_key.data(), key.secret_key_.data());
    return key;
}

Result<Ed25519SigningKey> Ed25519SigningKey::from_seed(ByteSpan seed) {
    if (seed.size() != seed_size) {
        return make_error(ErrorCode::invalid_argument,
                          "Ed25519 seed must be 32 bytes, got " + std::to_string(seed.size()));
    }
    initialize();
    Ed25519SigningKey key;
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    crypto_sign_seed_keypair(public_key.data(), key.secret_key_.data(), seed.data());
    return key;
}

void Ed25519SigningKey::require_not_empty() const {
    if (is_empty()) throw std::logic_error("Ed25519SigningKey used after it was moved from");
}

bool Ed25519SigningKey::is_empty() const {
    return secret_key_.data() == nullptr ||
           sodium_is_zero(secret_key_.data(), secret_key_.size()) == 1;
}

Ed25519PublicKey Ed25519SigningKey::public_key() const {
    require_not_empty();
    Ed25519PublicKey key;
    // libsodium keeps the public key in the second half of its secret key.
    std::copy(secret_key_.data() + seed_size, secret_key_.data() + secret_key_.size(),
              key.bytes.begin());
    return key;
}

Ed25519Signature Ed25519SigningKey::sign(ByteSpan message) const {
    require_not_empty();
    Ed25519Signature signature;
    crypto_sign_detached(signature.bytes.data(), nullptr, message.data(), message.size(),
                         secret_key_.data());
    return signature;
}

std::span<const std::uint8_t, Ed25519SigningKey::seed_size> Ed25519SigningKey::seed() const {
    require_not_empty();
    return std::span<const std::uint8_t, seed_size>(secret_key_.data(), seed_size);
}

Status verify_signature(const Ed25519PublicKey& public_key, ByteSpan message,
                        const Ed25519Signature& signature) {
    initialize();
    if (crypto_sign_verify_detached(signature.bytes.data(), message.data(), message.size(),
                                    public_key.bytes.data()) != 0) {
        return make_error(ErrorCode::verification_failed, "Ed25519 signature does not verify");
    }
    return {};
}

}  // namespace psephos::crypto
