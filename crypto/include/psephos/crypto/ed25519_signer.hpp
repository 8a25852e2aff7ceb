// Something that signs with one Ed25519 key (docs/keys.md): a key held in this process
// (Ed25519KeySigner, over an Ed25519SigningKey read from a key file) or a key that never leaves a
// PKCS#11 token (Pkcs11Signer, pkcs11_signer.hpp). Code that only needs signatures, such as the
// election authority's approvals, takes a signer and so works with either custody.
#pragma once

#include <utility>

#include "psephos/crypto/ed25519.hpp"

namespace psephos::crypto {

class Ed25519Signer {
public:
    virtual ~Ed25519Signer() = default;
    Ed25519Signer() = default;
    Ed25519Signer(const Ed25519Signer&) = delete;
    Ed25519Signer& operator=(const Ed25519Signer&) = delete;
    Ed25519Signer(Ed25519Signer&&) = delete;
    Ed25519Signer& operator=(Ed25519Signer&&) = delete;

    virtual Ed25519PublicKey public_key() const = 0;
    // An RFC 8032 Ed25519 signature of `message` that verifies under public_key(). A key in this
    // process never fails; a token can (removed, logged out), and the error then names it.
    virtual Result<Ed25519Signature> sign_message(ByteSpan message) const = 0;
};

// A signer over a key held in this process (it owns the key, which wipes itself).
class Ed25519KeySigner final : public Ed25519Signer {
public:
    explicit Ed25519KeySigner(Ed25519SigningKey key) : key_(std::move(key)) {}
    Ed25519PublicKey public_key() const override { return key_.public_key(); }
    Result<Ed25519Signature> sign_message(ByteSpan message) const override {
        return key_.sign(message);
    }

private:
    Ed25519SigningKey key_;
};

}  // namespace psephos::crypto
