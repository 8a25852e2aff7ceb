// Ed25519 identities (RFC 8032) for devices, guardians and ledgers: public keys, signatures and a
// signing key that wipes itself. Everything goes through libsodium's crypto_sign_* functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/memory_protection.hpp"

namespace psephos::crypto {

struct Ed25519PublicKey {
    static constexpr std::size_t size = 32;
    std::array<std::uint8_t, size> bytes{};

    // Rejects anything but 32 bytes that encode a point libsodium would accept as a public key:
    // canonical, on the curve, in the prime-order subgroup and not of small order
    // (crypto_core_ed25519_is_valid_point). So the all-zero string, the identity and keys with a
    // torsion component fail here, at import, rather than later at every verification.
    static Result<Ed25519PublicKey> from_bytes(ByteSpan data);
    ByteSpan span() const { return bytes; }

    friend bool operator==(const Ed25519PublicKey&, const Ed25519PublicKey&) = default;
};

struct Ed25519Signature {
    static constexpr std::size_t size = 64;
    std::array<std::uint8_t, size> bytes{};

    // Checks the length only; whether R and S are well formed is the verifier's business.
    static Result<Ed25519Signature> from_bytes(ByteSpan data);
    ByteSpan span() const { return bytes; }

    friend bool operator==(const Ed25519Signature&, const Ed25519Signature&) = default;
};

// Owner of a libsodium Ed25519 secret key (the 32-byte seed followed by the 32-byte public key).
// Move-only, so the secret is never copied by accident; the bytes live in their own sodium_malloc
// allocation (guard pages, locked out of swap and core dumps where RLIMIT_MEMLOCK allows), are
// wiped on destruction, and a moved-from key holds none. Using a moved-from key is a programming
// error (logic_error).
class Ed25519SigningKey {
public:
    static constexpr std::size_t seed_size = 32;

    ~Ed25519SigningKey();
    Ed25519SigningKey(const Ed25519SigningKey&) = delete;
    Ed25519SigningKey& operator=(const Ed25519SigningKey&) = delete;
    Ed25519SigningKey(Ed25519SigningKey&& other) noexcept;
    Ed25519SigningKey& operator=(Ed25519SigningKey&& other) noexcept;

    // A fresh key from libsodium's CSPRNG.
    static Ed25519SigningKey generate();
    // The key RFC 8032 derives from a 32-byte secret (libsodium's seed); rejects other lengths.
    static Result<Ed25519SigningKey> from_seed(ByteSpan seed);

    Ed25519PublicKey public_key() const;
    // Deterministic (RFC 8032): the same key and message always give the same signature.
    Ed25519Signature sign(ByteSpan message) const;

    // The 32-byte seed, for writing key files. Whoever copies it must wipe the copy.
    std::span<const std::uint8_t, seed_size> seed() const;
    // True once the key has been moved from (its bytes are then all zero).
    bool is_empty() const;

private:
    Ed25519SigningKey();
    void require_not_empty() const;

    LockedBytes secret_key_;  // 64 bytes, in a guarded, locked allocation
};

// Error verification_failed, "Ed25519 signature does not verify", unless `signature` is a valid
// signature of `message` under `public_key` (crypto_sign_verify_detached).
Status verify_signature(const Ed25519PublicKey& public_key, ByteSpan message,
                        const Ed25519Signature& signature);

}  // namespace psephos::crypto
