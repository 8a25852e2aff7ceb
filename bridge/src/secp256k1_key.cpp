// secp256k1 keys, signatures and key files on libsecp256k1 (secp256k1_key.hpp).
#include "psephos/bridge/secp256k1_key.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "psephos/crypto/key_file_lines.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "secp256k1_context.hpp"

namespace psephos::bridge {
namespace {

namespace fs = std::filesystem;
using crypto::WipeOnExit;

constexpr std::string_view secret_key_header = "psephos-secp256k1-secret-key-v1";
constexpr std::size_t max_key_file_size = 4096;

const secp256k1_context* context() { return detail::secp256k1_signing_context(); }

secp256k1_pubkey public_key_of(std::span<const std::uint8_t, 32> secret) {
    secp256k1_pubkey key;
    if (secp256k1_ec_pubkey_create(context(), &key, secret.data()) != 1)
        throw std::logic_error("secp256k1 secret out of range");
    return key;
}

secp256k1_ecdsa_recoverable_signature sign_raw(std::span<const std::uint8_t, 32> secret,
                                               const Hash32& digest) {
    secp256k1_ecdsa_recoverable_signature signature;
    // RFC 6979 nonces (nullptr noncefp); libsecp256k1 always produces low-S signatures.
    if (secp256k1_ecdsa_sign_recoverable(context(), &signature, digest.bytes.data(), secret.data(),
                                         nullptr, nullptr) != 1)
        throw std::runtime_error("secp256k1_ecdsa_sign_recoverable failed");
    return signature;
}

}  // namespace

const secp256k1_context* detail::secp256k1_signing_context() {
    static secp256k1_context* ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        if (c == nullptr) throw std::runtime_error("secp256k1_context_create failed");
        std::array<std::uint8_t, 32> seed{};
        randombytes_buf(seed.data(), seed.size());
        if (secp256k1_context_randomize(c, seed.data()) != 1)
            throw std::runtime_error("secp256k1_context_randomize failed");
        sodium_memzero(seed.data(), seed.size());
        return c;
    }();
    return ctx;
}

Secp256k1SigningKey::~Secp256k1SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Secp256k1SigningKey::Secp256k1SigningKey(Secp256k1SigningKey&& other) noexcept
    : secret_(other.secret_) {
    sodium_memzero(other.secret_.data(), other.secret_.size());
}

Secp256k1SigningKey& Secp256k1SigningKey::operator=(Secp256k1SigningKey&& other) noexcept {
    if (this != &other) {
        secret_ = other.secret_;
        sodium_memzero(other.secret_.data(), other.secret_.size());
    }
    return *this;
}

Secp256k1SigningKey Secp256k1SigningKey::generate() {
    Secp256k1SigningKey key;
    do {
        randombytes_buf(key.secret_.data(), key.secret_.size());
    } while (secp256k1_ec_seckey_verify(context(), key.secret_.data()) != 1);
    return key;
}

Result<Secp256k1SigningKey> Secp256k1SigningKey::from_secret(ByteSpan secret) {
    if (secret.size() != secret_size) {
        return make_error(ErrorCode::invalid_argument, "secp256k1 secret must be 32 bytes, got " +
                                                           std::to_string(secret.size()));
    }
    Secp256k1SigningKey key;
    std::memcpy(key.secret_.data(), secret.data(), secret_size);
    if (secp256k1_ec_seckey_verify(context(), key.secret_.data()) != 1) {
        return make_error(ErrorCode::invalid_argument,
                          "secp256k1 secret is zero or not below the group order");
    }
    return key;
}

void Secp256k1SigningKey::require_not_empty() const {
    if (sodium_is_zero(secret_.data(), secret_.size()))
        throw std::logic_error("use of a moved-from secp256k1 key");
}

std::span<const std::uint8_t, Secp256k1SigningKey::secret_size> Secp256k1SigningKey::secret()
    const {
    require_not_empty();
    return secret_;
}

CompressedPublicKey Secp256k1SigningKey::compressed_public_key() const {
    require_not_empty();
    secp256k1_pubkey key = public_key_of(secret_);
    CompressedPublicKey out{};
    std::size_t size = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &key, SECP256K1_EC_COMPRESSED);
    return out;
}

UncompressedPublicKey Secp256k1SigningKey::uncompressed_public_key() const {
    require_not_empty();
    secp256k1_pubkey key = public_key_of(secret_);
    UncompressedPublicKey out{};
    std::size_t size = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &key, SECP256K1_EC_UNCOMPRESSED);
    return out;
}

RecoverableSignature Secp256k1SigningKey::sign_recoverable(const Hash32& digest) const {
    require_not_empty();
    secp256k1_ecdsa_recoverable_signature raw = sign_raw(secret_, digest);
    std::array<std::uint8_t, 64> compact{};
    RecoverableSignature out;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact.data(),
                                                            &out.recovery_id, &raw);
    std::memcpy(out.r.data(), compact.data(), 32);
    std::memcpy(out.s.data(), compact.data() + 32, 32);
    return out;
}

Bytes Secp256k1SigningKey::sign_der(const Hash32& digest) const {
    require_not_empty();
    secp256k1_ecdsa_recoverable_signature raw = sign_raw(secret_, digest);
    secp256k1_ecdsa_signature plain;
    secp256k1_ecdsa_recoverable_signature_convert(context(), &plain, &raw);
    std::array<std::uint8_t, 72> der{};
    std::size_t size = der.size();
    if (secp256k1_ecdsa_signature_serialize_der(context(), der.data(), &size, &plain) != 1)
        throw std::runtime_error("secp256k1_ecdsa_signature_serialize_der failed");
    return Bytes(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(size));
}

Status verify_der_signature(ByteSpan public_key, const Hash32& digest, ByteSpan der_signature) {
    secp256k1_pubkey key;
    if (secp256k1_ec_pubkey_parse(context(), &key, public_key.data(), public_key.size()) != 1)
        return make_error(ErrorCode::invalid_encoding, "secp256k1 public key does not parse");
    secp256k1_ecdsa_signature signature;
    if (secp256k1_ecdsa_signature_parse_der(context(), &signature, der_signature.data(),
                                            der_signature.size()) != 1)
        return make_error(ErrorCode::invalid_encoding, "ECDSA signature is not strict DER");
    // secp256k1_ecdsa_verify refuses high-S signatures, as BIP 62 and EIP-2 require.
    if (secp256k1_ecdsa_verify(context(), &signature, digest.bytes.data(), &key) != 1)
        return make_error(ErrorCode::verification_failed, "ECDSA signature does not verify");
    return {};
}

Result<UncompressedPublicKey> recover_public_key(const Hash32& digest,
                                                 const RecoverableSignature& signature) {
    if (signature.recovery_id < 0 || signature.recovery_id > 3)
        return make_error(ErrorCode::invalid_encoding, "recovery id must be 0 to 3");
    std::array<std::uint8_t, 64> compact{};
    std::memcpy(compact.data(), signature.r.data(), 32);
    std::memcpy(compact.data() + 32, signature.s.data(), 32);
    secp256k1_ecdsa_recoverable_signature raw;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &raw, compact.data(),
                                                            signature.recovery_id) != 1)
        return make_error(ErrorCode::invalid_encoding, "signature r or s is out of range");
    secp256k1_pubkey key;
    if (secp256k1_ecdsa_recover(context(), &key, &raw, digest.bytes.data()) != 1)
        return make_error(ErrorCode::verification_failed,
                          "no public key recovers from the signature");
    UncompressedPublicKey out{};
    std::size_t size = out.size();
    secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &key, SECP256K1_EC_UNCOMPRESSED);
    return out;
}

Status write_secp256k1_key_file(const fs::path& path, const Secp256k1SigningKey& key,
                                std::string_view name) {
    if (auto valid = crypto::check_key_name(name); !valid)
        return valid.error().within(path.string());
    std::string secret_text = to_hex(key.secret());
    const WipeOnExit wipe_secret_text(secret_text.data(), secret_text.size());
    crypto::SecretText content(256 + name.size());
    content.append(secret_key_header);
    content.append("\nname: ");
    content.append(name);
    content.append("\npublic: ");
    const CompressedPublicKey public_key = key.compressed_public_key();
    content.append(to_hex(public_key));
    content.append("\nsecret: ");
    content.append(secret_text);
    content.append("\n");
    return crypto::write_new_file(path, content.view(), 0600);
}

Result<Secp256k1SigningKey> read_secp256k1_key_file(const fs::path& path) {
    crypto::SecretText text(max_key_file_size);
    if (auto read = crypto::read_file_into(path, true, text); !read) return read.error();
    std::vector<std::string_view> lines;
    if (auto split = crypto::split_key_file_lines(path, text.view(), secret_key_header, 4, lines);
        !split)
        return split.error();
    if (auto name = crypto::check_key_file_name_line(path, lines[1]); !name) return name.error();
    auto public_text = crypto::key_file_field(path, 3, lines[2], "public");
    if (!public_text) return public_text.error();
    auto stored_public = from_hex(public_text.value());
    if (!stored_public || stored_public.value().size() != 33) {
        return crypto::key_file_line_error(ErrorCode::invalid_encoding, path, 3,
                                           "public key is not hex of 33 bytes");
    }
    auto secret_text = crypto::key_file_field(path, 4, lines[3], "secret");
    if (!secret_text) return secret_text.error();
    // Decoded straight into a wiped array: from_hex would free a partial copy unwiped.
    std::array<std::uint8_t, Secp256k1SigningKey::secret_size> secret{};
    const WipeOnExit wipe_secret(secret.data(), secret.size());
    std::size_t length = 0;
    const std::string_view hex = secret_text.value();
    if (hex.size() != 64 ||
        sodium_hex2bin(secret.data(), secret.size(), hex.data(), hex.size(), nullptr, &length,
                       nullptr) != 0 ||
        length != secret.size()) {
        return crypto::key_file_line_error(ErrorCode::invalid_encoding, path, 4,
                                           "secret is not hex of 32 bytes");
    }
    auto key = Secp256k1SigningKey::from_secret(secret);
    if (!key) return key.error().within(path.string() + ": line 4");
    const CompressedPublicKey derived = key.value().compressed_public_key();
    if (!std::equal(derived.begin(), derived.end(), stored_public.value().begin())) {
        return crypto::key_file_line_error(
            ErrorCode::verification_failed, path, 3,
            "public key does not match the key derived from the secret on line 4");
    }
    return key;
}

}  // namespace psephos::bridge
