// `psephos-station new-certificate` and `device-certificate` (docs/station.md §3): the TLS
// identities of the station and of its kiosks, each a self-signed certificate over an Ed25519 key
// (station_tls.hpp). The private key file is PKCS#8 PEM, mode 0600; the certificate is public,
// mode 0644. Both are written all or nothing and never replace an existing file.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/station/station_tls.hpp"
#include "station_commands.hpp"

namespace psephos::app::station_cli {
namespace {

constexpr mode_t private_mode = 0600;
constexpr mode_t public_mode = 0644;
constexpr unsigned max_days = 36500;

// Refuses before anything is written, so a refusal leaves no half of a pair behind.
Status refuse_existing(const std::string& certificate, const std::string& key) {
    for (const auto& path : {certificate, key}) {
        if (path_exists(path)) {
            return make_error(ErrorCode::io_error,
                              path + ": already exists; refusing to overwrite it");
        }
    }
    if (certificate == key)
        return make_error(ErrorCode::invalid_argument,
                          "--certificate and --certificate-key name the same file");
    return {};
}

// Writes the key first (if the certificate then fails, the operator sees which file is there).
Status write_identity(const station::TlsIdentity& identity, const std::string& certificate,
                      const std::string& key) {
    PSEPHOS_TRY(crypto::write_new_file(key, identity.private_key_pem(), private_mode));
    PSEPHOS_TRY(crypto::write_new_file(certificate, identity.certificate_pem(), public_mode));
    return {};
}

void print_written(const station::TlsIdentity& identity, const std::string& certificate,
                   const std::string& key) {
    auto fingerprint = certificate_fingerprint(identity.certificate_pem());
    std::cout << "wrote " << certificate << "\nwrote " << key << " (private, mode 0600)\n"
              << "SHA-256 fingerprint: " << (fingerprint ? fingerprint.value() : "?") << '\n';
}

constexpr std::string_view new_certificate_help =
    "Makes the station's TLS identity: a fresh Ed25519 key (written to KEY_FILE, readable only\n"
    "by you) and a self-signed certificate over it (CERT.pem, public). Kiosks are set up with a\n"
    "copy of CERT.pem and accept no other station; compare the SHA-256 fingerprint printed here\n"
    "with the one each kiosk's set-up shows.\n\n"
    "  --certificate CERT.pem     where to write the certificate (must not exist yet)\n"
    "  --certificate-key KEY_FILE where to write its private key (must not exist yet)\n"
    "  --name CN                  the name in the certificate (default: psephos-station)\n"
    "  --days N                   how long it is valid, in days (default: 3650)\n\n"
    "Keep KEY_FILE on the station only. A new certificate means setting every kiosk up again.\n";

constexpr std::string_view device_certificate_help =
    "Makes a kiosk's TLS certificate from its device key, the key 'psephos ledger device-key'\n"
    "wrote and the election authority authorised. The station admits a kiosk whose certificate\n"
    "carries a key the ledger registered for a device of its district, so the certificate needs\n"
    "no signature from anyone else.\n\n"
    "  --device-key FILE          the kiosk's device key file (mode 0600)\n"
    "  --device-id ID             the device's id, as registered (e.g. ward-1-kiosk-1)\n"
    "  --certificate CERT.pem     where to write the certificate (must not exist yet)\n"
    "  --certificate-key KEY_FILE where to write its private key, the device key again in\n"
    "                             PEM form (must not exist yet; mode 0600)\n";

}  // namespace

Result<std::string> certificate_fingerprint(std::string_view certificate_pem) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())),
        &BIO_free);
    if (!bio) return make_error(ErrorCode::io_error, "certificate: out of memory");
    const std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!certificate) return make_error(ErrorCode::invalid_argument, "not a PEM certificate");
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned size = 0;
    if (X509_digest(certificate.get(), EVP_sha256(), digest.data(), &size) != 1 || size != 32)
        return make_error(ErrorCode::io_error, "certificate: cannot compute its SHA-256");
    std::string out;
    for (unsigned i = 0; i < size; ++i) {
        std::array<char, 4> hex{};
        std::snprintf(hex.data(), hex.size(), "%02X", digest[i]);
        if (i != 0) out += ':';
        out += hex.data();
    }
    return out;
}

int run_new_certificate(Words words) {
    static const CommandSpec spec{
        "psephos-station new-certificate --certificate CERT.pem --certificate-key KEY_FILE "
        "[--name CN] [--days N]",
        {"--certificate", "--certificate-key", "--name", "--days"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status, new_certificate_help);
    if (!args) return status;
    const auto certificate = args->required("--certificate");
    if (!certificate) return usage_error(spec, certificate.error().message);
    const auto key = args->required("--certificate-key");
    if (!key) return usage_error(spec, key.error().message);
    const auto days = args->number("--days", 1, max_days, 3650);
    if (!days) return usage_error(spec, days.error().message);
    const std::string name = args->value("--name").value_or("psephos-station");
    if (const Status free = refuse_existing(certificate.value(), key.value()); !free)
        return failure(free.error().message);
    auto identity = station::make_tls_identity(crypto::Ed25519SigningKey::generate(), name,
                                               static_cast<unsigned>(days.value()));
    if (!identity) return failure("--name '" + name + "': " + identity.error().message);
    if (const Status written = write_identity(identity.value(), certificate.value(), key.value());
        !written)
        return failure(written.error().message);
    print_written(identity.value(), certificate.value(), key.value());
    return exit_ok;
}

int run_device_certificate(Words words) {
    static const CommandSpec spec{
        "psephos-station device-certificate --device-key FILE --device-id ID "
        "--certificate CERT.pem --certificate-key KEY_FILE",
        {"--device-key", "--device-id", "--certificate", "--certificate-key"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status, device_certificate_help);
    if (!args) return status;
    for (const char* flag : {"--device-key", "--device-id", "--certificate", "--certificate-key"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    const std::string device_id = *args->value("--device-id");
    if (!is_id(device_id)) {
        return usage_error(spec, "--device-id '" + device_id +
                                     "': a device id is 1 to 64 characters a-z, 0-9 and '-'");
    }
    const std::string certificate = *args->value("--certificate");
    const std::string key = *args->value("--certificate-key");
    if (const Status free = refuse_existing(certificate, key); !free)
        return failure(free.error().message);
    auto device_key = crypto::read_signing_key_file(*args->value("--device-key"));
    if (!device_key) return failure("--device-key: " + device_key.error().message);
    auto identity = station::make_tls_identity(device_key.value(), device_id);
    if (!identity) return failure(identity.error().message);
    if (const Status written = write_identity(identity.value(), certificate, key); !written)
        return failure(written.error().message);
    print_written(identity.value(), certificate, key);
    return exit_ok;
}

}  // namespace psephos::app::station_cli
