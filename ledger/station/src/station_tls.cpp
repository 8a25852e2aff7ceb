// Self-signed Ed25519 certificates for the station and its kiosks (station_tls.hpp), made and
// read with OpenSSL 3.
#include "psephos/station/station_tls.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "psephos/crypto/memory_protection.hpp"

namespace psephos::station {
namespace {

struct FreeKey {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct FreeCertificate {
    void operator()(X509* c) const { X509_free(c); }
};
struct FreeBio {
    void operator()(BIO* b) const { BIO_free(b); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeKey>;
using CertificatePtr = std::unique_ptr<X509, FreeCertificate>;
using BioPtr = std::unique_ptr<BIO, FreeBio>;

Error tls_error(const std::string& what) {
    return make_error(ErrorCode::invalid_argument, "TLS identity: " + what);
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace

TlsIdentity::~TlsIdentity() { crypto::wipe(private_key_pem_); }

Result<TlsIdentity> make_tls_identity(const crypto::Ed25519SigningKey& key,
                                      std::string_view common_name, unsigned valid_days) {
    if (common_name.empty() || common_name.size() > 64)
        return tls_error("common name must be 1 to 64 bytes");
    const auto seed = key.seed();
    KeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!pkey) return tls_error("OpenSSL refused the Ed25519 key");
    CertificatePtr cert(X509_new());
    if (!cert) return tls_error("out of memory");
    const std::string cn(common_name);
    X509_NAME* name = X509_get_subject_name(cert.get());
    const bool made = X509_set_version(cert.get(), 2) == 1 &&
                      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1 &&
                      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
                      X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                                      static_cast<long>(valid_days) * 86400) != nullptr &&
                      X509_set_pubkey(cert.get(), pkey.get()) == 1 &&
                      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                 reinterpret_cast<const unsigned char*>(cn.c_str()),
                                                 -1, -1, 0) == 1 &&
                      X509_set_issuer_name(cert.get(), name) == 1 &&
                      X509_sign(cert.get(), pkey.get(), nullptr) > 0;  // Ed25519 takes no digest
    if (!made) return tls_error("OpenSSL could not make the certificate");

    BioPtr cert_bio(BIO_new(BIO_s_mem()));
    BioPtr key_bio(BIO_new(BIO_s_secmem()));
    if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1)
        return tls_error("OpenSSL could not write the PEM");
    return TlsIdentity(bio_text(cert_bio.get()), bio_text(key_bio.get()));
}

Result<crypto::Ed25519PublicKey> certificate_key(std::string_view certificate_pem) {
    BioPtr bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
    if (!bio) return tls_error("out of memory");
    CertificatePtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return tls_error("not a PEM certificate");
    EVP_PKEY* pkey = X509_get0_pubkey(cert.get());
    if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519)
        return tls_error("the certificate's key is not Ed25519");
    std::array<std::uint8_t, crypto::Ed25519PublicKey::size> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &size) != 1 || size != raw.size())
        return tls_error("the certificate's Ed25519 key cannot be read");
    return crypto::Ed25519PublicKey::from_bytes(raw);
}

}  // namespace psephos::station
