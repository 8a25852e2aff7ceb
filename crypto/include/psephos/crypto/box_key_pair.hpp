// X25519 key pair for libsodium sealed boxes (crypto_box_seal): how a guardian receives the
// shares other guardians send it during the key ceremony. The secret half lives in a
// guarded, locked allocation (sodium_malloc) and is wiped when freed.
#pragma once

#include <array>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/memory_protection.hpp"

namespace psephos::crypto {

struct BoxPublicKey {
    static constexpr std::size_t size = 32;
    std::array<std::uint8_t, size> bytes{};
    static Result<BoxPublicKey> from_bytes(ByteSpan data);
    friend bool operator==(const BoxPublicKey&, const BoxPublicKey&) = default;
};

// Anonymous public-key encryption to `recipient` (crypto_box_seal).
Bytes seal_to(const BoxPublicKey& recipient, ByteSpan plaintext);

class BoxKeyPair {
public:
    static BoxKeyPair generate();
    // The pair of a 32-byte X25519 secret key kept in a guardian's sealed state file
    // (invalid_encoding for another size); the public key is recomputed from it.
    static Result<BoxKeyPair> from_secret_key(ByteSpan secret_key);
    ~BoxKeyPair();
    BoxKeyPair(const BoxKeyPair&) = delete;
    BoxKeyPair& operator=(const BoxKeyPair&) = delete;
    BoxKeyPair(BoxKeyPair&& other) noexcept;
    BoxKeyPair& operator=(BoxKeyPair&& other) noexcept;

    const BoxPublicKey& public_key() const { return public_key_; }
    // Opens a sealed box addressed to this key; the caller owns (and wipes) the plaintext.
    Result<Bytes> open(ByteSpan sealed) const;
    // The secret half, only for sealing it into its owner's state file.
    ByteSpan secret_key() const { return {secret_key_.data(), secret_key_.size()}; }

private:
    BoxKeyPair();
    BoxPublicKey public_key_;
    LockedBytes secret_key_;  // 32 bytes, in a guarded, locked allocation
};

}  // namespace psephos::crypto
