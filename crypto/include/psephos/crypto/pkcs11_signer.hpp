// An Ed25519 key in a PKCS#11 token (docs/keys.md): the secret is generated in the token, marked
// sensitive and not extractable, and never leaves it; this process only asks the token to sign
// (CKM_EDDSA) and reads the public key (CKA_EC_POINT). The token's library (the "module", e.g.
// SoftHSM2's /usr/lib/softhsm/libsofthsm2.so or a hardware token's) is loaded at run time with
// dlopen, so nothing links against a particular token.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "psephos/crypto/ed25519_signer.hpp"

namespace psephos::crypto {

// Which key: the module to load, the label of the token (CKA_LABEL of its token info, as
// `softhsm2-util --init-token --label` sets it) and the label of the key pair in it.
struct Pkcs11KeySpec {
    std::string module_path;
    std::string token_label;
    std::string key_label;

    // "pkcs11:token=<token>;object=<key> (module <path>)": how messages and reports name the key.
    std::string describe() const;
};

class Pkcs11Signer final : public Ed25519Signer {
public:
    // Loads the module, finds the token, logs in as its user with `pin` and finds the Ed25519
    // key pair labelled spec.key_label (the private key and the public key of that label). Then
    // signs a probe message and verifies it with libsodium, so a private key that does not match
    // the public key is refused here, not after it signed an approval. Errors name the module,
    // token and key: not_found (a module that does not load, no token or no key of that label),
    // permission_denied (a wrong or locked PIN), refused (a private key that is extractable or not
    // sensitive, or that is not Ed25519), invalid_encoding (a public key that is not 32 bytes).
    static Result<std::unique_ptr<Pkcs11Signer>> open(const Pkcs11KeySpec& spec,
                                                      std::string_view pin);

    // Generates a new Ed25519 key pair labelled spec.key_label in the token
    // (CKM_EC_EDWARDS_KEY_PAIR_GEN, curve edwards25519; the private key private, sensitive, not
    // extractable, for signing only) and returns its public key. Refuses (refused) when the token
    // already holds a key of that label, so a key is never shadowed by a second one.
    static Result<Ed25519PublicKey> generate(const Pkcs11KeySpec& spec, std::string_view pin);

    ~Pkcs11Signer() override;
    Pkcs11Signer(const Pkcs11Signer&) = delete;
    Pkcs11Signer& operator=(const Pkcs11Signer&) = delete;
    Pkcs11Signer(Pkcs11Signer&&) = delete;
    Pkcs11Signer& operator=(Pkcs11Signer&&) = delete;

    Ed25519PublicKey public_key() const override { return public_key_; }
    // One C_SignInit(CKM_EDDSA) + C_Sign in the token; the signature is verified under
    // public_key() before it is returned (verification_failed otherwise).
    Result<Ed25519Signature> sign_message(ByteSpan message) const override;
    const Pkcs11KeySpec& spec() const { return spec_; }

    struct Session;  // the loaded module and the logged-in session (pkcs11_signer.cpp)

private:
    Pkcs11Signer(Pkcs11KeySpec spec, std::unique_ptr<Session> session, Ed25519PublicKey key);

    Pkcs11KeySpec spec_;
    std::unique_ptr<Session> session_;
    Ed25519PublicKey public_key_;
};

}  // namespace psephos::crypto
