// X25519 key pair for libsodium sealed boxes (crypto_box_seal): how a guardian receives the
// shares other guardians send it during the key ceremony. The secret half wipes itself.
#pragma once

#include <array>

#include "psephos/crypto/bytes.hpp"

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
    BoxKeyPair() = default;
    BoxPublicKey public_key_;
    std::array<std::uint8_t, 32> secret_key_{};
};

}  // namespace psephos::crypto
