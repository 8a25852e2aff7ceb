// The station's TLS identities (docs/station-protocol.md §1): a device's (or the station's) TLS
// certificate is a self-signed X.509 certificate over its Ed25519 key, so identity is the key, not
// a certificate authority. The station accepts a kiosk whose certificate carries a key the ledger
// registered for a device of its district; the kiosk pins the station's certificate. TLS 1.3's
// CertificateVerify proves that the peer holds the key's secret half.
#pragma once

#include <string>
#include <string_view>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::station {

// A certificate and its private key, both PEM. The key is a secret: it is wiped on destruction.
class TlsIdentity {
public:
    TlsIdentity(std::string certificate_pem, std::string private_key_pem)
        : certificate_pem_(std::move(certificate_pem)),
          private_key_pem_(std::move(private_key_pem)) {}
    ~TlsIdentity();
    TlsIdentity(const TlsIdentity&) = delete;
    TlsIdentity& operator=(const TlsIdentity&) = delete;
    TlsIdentity(TlsIdentity&& other) noexcept = default;
    TlsIdentity& operator=(TlsIdentity&& other) noexcept = default;

    const std::string& certificate_pem() const { return certificate_pem_; }
    const std::string& private_key_pem() const { return private_key_pem_; }

private:
    std::string certificate_pem_;
    std::string private_key_pem_;
};

// A self-signed X.509 v3 certificate over `key`'s Ed25519 public key, signed by it, subject and
// issuer CN = common_name, valid from an hour ago for `valid_days`; with the key as PKCS#8 PEM.
Result<TlsIdentity> make_tls_identity(const crypto::Ed25519SigningKey& key,
                                      std::string_view common_name, unsigned valid_days = 3650);

// The Ed25519 public key a PEM certificate carries; invalid_argument if it is not one PEM
// certificate, or its key is not Ed25519.
Result<crypto::Ed25519PublicKey> certificate_key(std::string_view certificate_pem);

}  // namespace psephos::station
