// X25519 sealed boxes through libsodium (crypto_box_seal / crypto_box_seal_open).
#include "psephos/crypto/box_key_pair.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace psephos::crypto {

Result<BoxPublicKey> BoxPublicKey::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "box public key must be 32 bytes, got " + std::to_string(data.size()));
    }
    BoxPublicKey key;
    std::copy(data.begin(), data.end(), key.bytes.begin());
    return key;
}

Bytes seal_to(const BoxPublicKey& recipient, ByteSpan plaintext) {
    Bytes sealed(plaintext.size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(sealed.data(), plaintext.data(), plaintext.size(),
                        recipient.bytes.data()) != 0) {
        throw std::runtime_error("crypto_box_seal failed");
    }
    return sealed;
}

BoxKeyPair::BoxKeyPair() : secret_key_(crypto_box_SECRETKEYBYTES) {}

BoxKeyPair BoxKeyPair::generate() {
    BoxKeyPair pair;
    crypto_box_keypair(pair.public_key_.bytes.data(), pair.secret_key_.data());
    return pair;
}

Result<BoxKeyPair> BoxKeyPair::from_secret_key(ByteSpan secret_key) {
    if (secret_key.size() != crypto_box_SECRETKEYBYTES) {
        return make_error(ErrorCode::invalid_encoding, "box secret key must be 32 bytes, got " +
                                                           std::to_string(secret_key.size()));
    }
    BoxKeyPair pair;
    std::copy(secret_key.begin(), secret_key.end(), pair.secret_key_.data());
    if (crypto_scalarmult_base(pair.public_key_.bytes.data(), pair.secret_key_.data()) != 0)
        return make_error(ErrorCode::invalid_encoding, "box secret key gives no public key");
    return pair;
}

// The secret is a LockedBytes (sodium_malloc): freeing it wipes it, moving it leaves none behind.
BoxKeyPair::~BoxKeyPair() = default;
BoxKeyPair::BoxKeyPair(BoxKeyPair&& other) noexcept = default;
BoxKeyPair& BoxKeyPair::operator=(BoxKeyPair&& other) noexcept = default;

Result<Bytes> BoxKeyPair::open(ByteSpan sealed) const {
    if (secret_key_.data() == nullptr) throw std::logic_error("BoxKeyPair used after a move");
    if (sealed.size() < crypto_box_SEALBYTES) {
        return make_error(ErrorCode::invalid_encoding, "sealed box is shorter than its overhead");
    }
    Bytes plaintext(sealed.size() - crypto_box_SEALBYTES);
    if (crypto_box_seal_open(plaintext.data(), sealed.data(), sealed.size(),
                             public_key_.bytes.data(), secret_key_.data()) != 0) {
        return make_error(ErrorCode::verification_failed, "sealed box does not open with this key");
    }
    return plaintext;
}

}  // namespace psephos::crypto
