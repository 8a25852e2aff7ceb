// Guardian key files (guardian_key_file.hpp; format in docs/cli.md): written with mode 0600 from
// the first byte; read strictly, line by line; secrets decoded straight into wiped buffers.
#include "psephos/election/guardian_key_file.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <vector>

#include "psephos/crypto/election_polynomial.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::election {

using crypto::read_file_into;
using crypto::SecretText;
using crypto::WipeOnExit;
using crypto::write_new_file;
namespace {

namespace fs = std::filesystem;

constexpr std::string_view protection_none = "none";
constexpr std::string_view protection_sealed = "argon2id13-xsalsa20poly1305";
constexpr std::size_t max_file_size = 4096;
constexpr std::size_t secret_size = 32;  // a scalar, an Ed25519 seed
constexpr std::size_t header_digest_size = crypto_hash_sha256_BYTES;
constexpr std::size_t sealed_plain_size = 2 * secret_size + header_digest_size;
constexpr std::size_t sealed_size = sealed_plain_size + crypto_secretbox_MACBYTES;
static_assert(crypto_secretbox_KEYBYTES == 32);
static_assert(interactive_hardness.opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE &&
              interactive_hardness.memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(moderate_hardness.opslimit == crypto_pwhash_OPSLIMIT_MODERATE &&
              moderate_hardness.memlimit == crypto_pwhash_MEMLIMIT_MODERATE);

Error line_error(ErrorCode code, const fs::path& path, std::size_t line,
                 const std::string& message) {
    return make_error(code, path.string() + ": line " + std::to_string(line) + ": " + message);
}

bool is_manifest_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// Lines 1–4, the public part; the sealed part's plaintext carries their SHA-256, so a sealed
// secret cannot be moved under another election, guardian or identity.
std::string public_header(std::string_view election_id, std::uint32_t index,
                          const crypto::Ed25519PublicKey& id) {
    std::string out(guardian_key_header);
    out += "\nelection: ";
    out += election_id;
    out += "\nguardian: ";
    out += std::to_string(index);
    out += "\nidentity: ";
    out += to_base64(id.span());
    out += '\n';
    return out;
}

std::array<std::uint8_t, header_digest_size> digest_of(std::string_view text) {
    std::array<std::uint8_t, header_digest_size> out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size());
    return out;
}

// Base64 of a secret, appended to `content`, the temporary text wiped.
void append_base64_secret(SecretText& content, ByteSpan secret) {
    std::string text = to_base64(secret);
    const WipeOnExit wipe(text.data(), text.size());
    content.append(text);
}

// Decodes canonical base64 of exactly out.size() bytes straight into `out` (from_base64 would
// free a partly decoded secret without wiping it).
bool decode_base64_exact(std::string_view text, std::span<std::uint8_t> out) {
    std::array<std::uint8_t, 256> buffer{};
    const WipeOnExit wipe(buffer.data(), buffer.size());
    std::size_t length = 0;
    const char* end = nullptr;
    if (!is_canonical_base64(text) ||
        sodium_base642bin(buffer.data(), buffer.size(), text.data(), text.size(), nullptr, &length,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size() || length != out.size()) {
        return false;
    }
    std::copy_n(buffer.begin(), out.size(), out.begin());
    return true;
}

// The lines of the file; each must end in '\n'.
Result<std::vector<std::string_view>> split_lines(const fs::path& path, std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        if (end == std::string_view::npos) {
            return line_error(ErrorCode::invalid_encoding, path, lines.size() + 1,
                              "not terminated by a newline (truncated file?)");
        }
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    if (lines.empty())
        return line_error(ErrorCode::invalid_encoding, path, 1, "missing (empty file)");
    if (lines[0] != guardian_key_header) {
        return line_error(ErrorCode::invalid_encoding, path, 1,
                          "expected the header '" + std::string(guardian_key_header) +
                              "' (not a guardian key file)");
    }
    return lines;
}

// Reads "<key>: <value>" lines in a fixed order.
class LineReader {
public:
    LineReader(const fs::path& path, const std::vector<std::string_view>& lines)
        : path_(path), lines_(lines) {}

    Result<std::string_view> next(std::string_view key) {
        const std::size_t number = next_ + 1;
        if (next_ >= lines_.size()) {
            return line_error(ErrorCode::invalid_encoding, path_, number,
                              "missing '" + std::string(key) + ": …' (truncated file?)");
        }
        const std::string_view line = lines_[next_++];
        const std::string prefix = std::string(key) + ": ";
        if (line.substr(0, prefix.size()) != prefix) {
            return line_error(ErrorCode::invalid_encoding, path_, number,
                              "expected '" + prefix + "<" + std::string(key) + ">'");
        }
        return line.substr(prefix.size());
    }
    std::size_t line_number() const { return next_; }  // of the line last read
    Status finish() const {
        if (next_ < lines_.size()) {
            return line_error(ErrorCode::invalid_encoding, path_, next_ + 1,
                              "unexpected line after the last field");
        }
        return {};
    }

private:
    const fs::path& path_;
    const std::vector<std::string_view>& lines_;
    std::size_t next_ = 1;  // after the header
};

Result<std::uint64_t> parse_decimal(const fs::path& path, std::size_t line, std::string_view text,
                                    std::uint64_t min, std::uint64_t max, std::string_view what) {
    std::uint64_t value = 0;
    const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool canonical = !text.empty() && (text.size() == 1 || text[0] != '0');
    if (!canonical || error != std::errc() || stop != text.data() + text.size() || value < min ||
        value > max) {
        return line_error(ErrorCode::invalid_encoding, path, line,
                          std::string(what) + " must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

// Derives the secretbox key from the passphrase (Argon2id); resource_exhausted-like failures
// (out of memory) come back as io_error.
Status derive_key(std::span<std::uint8_t, crypto_secretbox_KEYBYTES> key,
                  const std::string& passphrase,
                  std::span<const std::uint8_t, crypto_pwhash_SALTBYTES> salt,
                  unsigned long long opslimit, std::size_t memlimit) {
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                      opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return make_error(ErrorCode::io_error, "Argon2id key derivation failed (out of memory?)");
    }
    return {};
}

}  // namespace

Status write_guardian_key_file(const fs::path& path, std::string_view election_id,
                               std::uint32_t index, const crypto::Scalar& secret_share,
                               const crypto::Ed25519SigningKey& identity,
                               const std::optional<std::string>& passphrase,
                               PassphraseHardness hardness) {
    if (!is_manifest_id(election_id)) {
        return make_error(ErrorCode::invalid_argument,
                          path.string() + ": election id is not a manifest id");
    }
    if (index == 0)
        return make_error(ErrorCode::invalid_argument, path.string() + ": guardian index 0");
    if (passphrase && passphrase->empty()) {
        return make_error(ErrorCode::invalid_argument, path.string() + ": empty passphrase");
    }
    const std::string header = public_header(election_id, index, identity.public_key());
    SecretText content(max_file_size);
    content.append(header);
    if (!passphrase) {
        content.append("protection: ");
        content.append(protection_none);
        content.append("\nshare: ");
        append_base64_secret(content, secret_share.bytes());
        content.append("\nidentity-seed: ");
        append_base64_secret(content, identity.seed());
        content.append("\n");
        return write_new_file(path, content.view(), 0600);
    }

    std::array<std::uint8_t, sealed_plain_size> plain{};
    const WipeOnExit wipe_plain(plain.data(), plain.size());
    std::copy(secret_share.bytes().begin(), secret_share.bytes().end(), plain.begin());
    std::copy(identity.seed().begin(), identity.seed().end(), plain.begin() + secret_size);
    const auto digest = digest_of(header);
    std::copy(digest.begin(), digest.end(), plain.begin() + 2 * secret_size);

    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
    std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    const unsigned long long opslimit = hardness.opslimit;
    const std::size_t memlimit = hardness.memlimit;
    std::array<std::uint8_t, crypto_secretbox_KEYBYTES> key{};
    const WipeOnExit wipe_key(key.data(), key.size());
    if (auto derived = derive_key(key, *passphrase, salt, opslimit, memlimit); !derived) {
        return derived.error().within(path.string());
    }
    std::array<std::uint8_t, sealed_size> sealed{};
    crypto_secretbox_easy(sealed.data(), plain.data(), plain.size(), nonce.data(), key.data());

    content.append("protection: ");
    content.append(protection_sealed);
    content.append("\nopslimit: " + std::to_string(opslimit));
    content.append("\nmemlimit: " + std::to_string(memlimit));
    content.append("\nsalt: " + to_base64(salt));
    content.append("\nnonce: " + to_base64(nonce));
    content.append("\nsealed: " + to_base64(sealed));
    content.append("\n");
    return write_new_file(path, content.view(), 0600);
}

namespace {

using SecretPart = std::array<std::uint8_t, sealed_plain_size>;  // share ‖ seed (‖ header digest)

// Lines 6-7 of an unsealed key file: the share and the identity seed, into `plain`.
Status read_plain_part(const fs::path& path, LineReader& reader, SecretPart& plain) {
    auto share_text = reader.next("share");
    if (!share_text) return share_text.error();
    if (!decode_base64_exact(share_text.value(), std::span(plain).first(secret_size))) {
        return line_error(ErrorCode::invalid_encoding, path, 6, "share is not base64 of 32 bytes");
    }
    auto seed_text = reader.next("identity-seed");
    if (!seed_text) return seed_text.error();
    if (!decode_base64_exact(seed_text.value(),
                             std::span(plain).subspan(secret_size, secret_size))) {
        return line_error(ErrorCode::invalid_encoding, path, 7,
                          "identity seed is not base64 of 32 bytes");
    }
    return {};
}

// Lines 6-10 of a sealed key file, opened with the passphrase into `plain`; the digest of the
// header (lines 1-4 of `text`) sealed with the secrets must be the header's.
Status open_sealed_part(const fs::path& path, LineReader& reader, std::string_view text,
                        const std::optional<std::string>& passphrase, SecretPart& plain) {
    auto ops_text = reader.next("opslimit");
    if (!ops_text) return ops_text.error();
    auto opslimit = parse_decimal(path, 6, ops_text.value(), crypto_pwhash_OPSLIMIT_MIN,
                                  crypto_pwhash_OPSLIMIT_SENSITIVE, "opslimit");
    if (!opslimit) return opslimit.error();
    auto mem_text = reader.next("memlimit");
    if (!mem_text) return mem_text.error();
    auto memlimit = parse_decimal(path, 7, mem_text.value(), crypto_pwhash_MEMLIMIT_MIN,
                                  crypto_pwhash_MEMLIMIT_SENSITIVE, "memlimit");
    if (!memlimit) return memlimit.error();
    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
    std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
    std::array<std::uint8_t, sealed_size> sealed{};
    auto salt_text = reader.next("salt");
    if (!salt_text) return salt_text.error();
    if (!decode_base64_exact(salt_text.value(), salt)) {
        return line_error(ErrorCode::invalid_encoding, path, 8, "salt is not base64 of 16 bytes");
    }
    auto nonce_text = reader.next("nonce");
    if (!nonce_text) return nonce_text.error();
    if (!decode_base64_exact(nonce_text.value(), nonce)) {
        return line_error(ErrorCode::invalid_encoding, path, 9, "nonce is not base64 of 24 bytes");
    }
    auto sealed_text = reader.next("sealed");
    if (!sealed_text) return sealed_text.error();
    if (!decode_base64_exact(sealed_text.value(), sealed)) {
        return line_error(ErrorCode::invalid_encoding, path, 10,
                          "sealed part is not base64 of " + std::to_string(sealed_size) + " bytes");
    }
    if (auto end = reader.finish(); !end) return end.error();
    if (!passphrase) {
        return make_error(
            ErrorCode::invalid_argument,
            path.string() + ": the key file is passphrase-sealed: give its passphrase");
    }
    std::array<std::uint8_t, crypto_secretbox_KEYBYTES> key{};
    const WipeOnExit wipe_key(key.data(), key.size());
    if (auto derived = derive_key(key, *passphrase, salt, opslimit.value(),
                                  static_cast<std::size_t>(memlimit.value()));
        !derived) {
        return derived.error().within(path.string());
    }
    if (crypto_secretbox_open_easy(plain.data(), sealed.data(), sealed.size(), nonce.data(),
                                   key.data()) != 0) {
        return make_error(
            ErrorCode::verification_failed,
            path.string() +
                ": cannot open the sealed part: wrong passphrase, or the file is damaged");
    }
    const std::size_t header_size = text.find("\nprotection: ") + 1;
    const auto digest = digest_of(text.substr(0, header_size));
    if (!std::equal(digest.begin(), digest.end(), plain.begin() + 2 * secret_size)) {
        return make_error(
            ErrorCode::verification_failed,
            path.string() +
                ": the sealed secrets belong to another election, guardian or identity "
                "than lines 2-4 state");
    }
    return {};
}

}  // namespace

Result<GuardianKey> read_guardian_key_file(const fs::path& path,
                                           const std::optional<std::string>& passphrase) {
    SecretText text(max_file_size);
    if (auto read = read_file_into(path, true, text); !read) return read.error();
    auto split = split_lines(path, text.view());
    if (!split) return split.error();
    const std::vector<std::string_view>& lines = split.value();
    LineReader reader(path, lines);

    auto election = reader.next("election");
    if (!election) return election.error();
    if (!is_manifest_id(election.value())) {
        return line_error(ErrorCode::invalid_encoding, path, 2, "election id is not a manifest id");
    }
    auto index_text = reader.next("guardian");
    if (!index_text) return index_text.error();
    auto index = parse_decimal(path, 3, index_text.value(), 1, 255, "guardian index");
    if (!index) return index.error();
    auto identity_text = reader.next("identity");
    if (!identity_text) return identity_text.error();
    auto identity_raw = from_base64(identity_text.value());
    if (!identity_raw)
        return line_error(ErrorCode::invalid_encoding, path, 4, "identity key is not base64");
    auto identity_key = crypto::Ed25519PublicKey::from_bytes(identity_raw.value());
    if (!identity_key) return identity_key.error().within(path.string() + ": line 4");
    auto protection = reader.next("protection");
    if (!protection) return protection.error();

    SecretPart plain{};
    const WipeOnExit wipe_plain(plain.data(), plain.size());
    if (protection.value() == protection_none) {
        PSEPHOS_TRY(read_plain_part(path, reader, plain));
    } else if (protection.value() == protection_sealed) {
        PSEPHOS_TRY(open_sealed_part(path, reader, text.view(), passphrase, plain));
    } else {
        return line_error(ErrorCode::invalid_encoding, path, 5,
                          "protection must be '" + std::string(protection_none) + "' or '" +
                              std::string(protection_sealed) + "'");
    }
    if (auto end = reader.finish(); !end) return end.error();

    auto share = crypto::Scalar::from_bytes(std::span(plain).first(secret_size));
    if (!share) return share.error().within(path.string() + ": share");
    auto identity =
        crypto::Ed25519SigningKey::from_seed(std::span(plain).subspan(secret_size, secret_size));
    if (!identity) return identity.error().within(path.string() + ": identity seed");
    if (identity.value().public_key() != identity_key.value()) {
        return line_error(ErrorCode::verification_failed, path, 4,
                          "identity key does not match the key derived from the identity seed");
    }
    return GuardianKey{std::string(election.value()), static_cast<std::uint32_t>(index.value()),
                       crypto::LockedScalar(share.value()), std::move(identity).value()};
}

Status check_guardian_key(const GuardianKey& key, const election::ElectionManifest& manifest) {
    const std::string who = "guardian " + std::to_string(key.index);
    if (key.election_id != manifest.election_id) {
        return make_error(ErrorCode::verification_failed,
                          who + ": key file is for election '" + key.election_id +
                              "', the manifest is '" + manifest.election_id + "'");
    }
    if (!manifest.ceremony) {
        return make_error(
            ErrorCode::invalid_argument,
            "election " + manifest.election_id + ": no key ceremony record (not finalized)");
    }
    const auto& guardians = manifest.ceremony->guardians;
    const auto record =
        std::find_if(guardians.begin(), guardians.end(),
                     [&](const election::GuardianRecord& g) { return g.index == key.index; });
    if (record == guardians.end()) {
        return make_error(ErrorCode::verification_failed,
                          who + ": not a guardian of this election");
    }
    if (record->identity_key != key.identity.public_key()) {
        return make_error(ErrorCode::verification_failed,
                          who + ": identity key differs from the one in the ceremony record");
    }
    std::vector<crypto::CoefficientCommitments> all;
    for (const auto& g : guardians) all.push_back(g.commitments);
    if (!(crypto::Point::multiply_base(key.secret_share) ==
          crypto::compute_public_share(all, key.index))) {
        return make_error(
            ErrorCode::verification_failed,
            who + ": secret share does not match the public share the ceremony commitments give");
    }
    return {};
}

}  // namespace psephos::election
