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
    ~BoxKeyPair();
    BoxKeyPair(const BoxKeyPair&) = delete;
    BoxKeyPair& operator=(const BoxKeyPair&) = delete;
    BoxKeyPair(BoxKeyPair&& other) noexcept;
    BoxKeyPair& operator=(BoxKeyPair&& other) noexcept;

    const BoxPublicKey& public_key() const { return public_key_; }
    // Opens a sealed box addressed to this key; the caller owns (and wipes) the plaintext.
    Result<Bytes> open(ByteSpan sealed) const;

private:
    BoxKeyPair();
    BoxPublicKey public_key_;
    LockedBytes secret_key_;  // 32 bytes, in a guarded, locked allocation
};

}  // namespace psephos::crypto
