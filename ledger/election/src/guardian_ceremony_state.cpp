// A guardian's sealed state between the steps of a distributed key ceremony
// (guardian_ceremony_state.hpp; format in docs/key-ceremony.md §3).
#include "psephos/election/guardian_ceremony_state.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "psephos/crypto/key_file_lines.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/ceremony_records.hpp"

namespace psephos::election {

using crypto::key_file_field;
using crypto::key_file_line_error;
using crypto::WipeOnExit;

namespace {

namespace fs = std::filesystem;

constexpr std::size_t line_count = 12;
constexpr std::size_t secret_size = 32;
constexpr std::size_t max_file_size = 16384;

std::string public_text(const GuardianStateInfo& info) {
    std::string out(guardian_state_header);
    out += "\nelection: " + info.election_id;
    out += "\nguardian: " + std::to_string(info.index);
    out += "\nguardians: " + std::to_string(info.guardian_count);
    out += "\nthreshold: " + std::to_string(info.threshold);
    out += "\nceremony-hash: " + info.ceremony_hash.to_hex();
    out += "\nannouncement-sha256: " + info.announcement_digest.to_hex();
    out += '\n';
    return out;
}

Hash32 sha256(ByteSpan data) {
    Hash32 out;
    crypto_hash_sha256(out.bytes.data(), data.data(), data.size());
    return out;
}

Result<std::uint64_t> parse_number(const fs::path& path, std::size_t line, std::string_view text,
                                   std::uint64_t min, std::uint64_t max) {
    std::uint64_t value = 0;
    const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || (text.size() > 1 && text[0] == '0') || error != std::errc() ||
        stop != text.data() + text.size() || value < min || value > max) {
        return key_file_line_error(
            ErrorCode::invalid_encoding, path, line,
            "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
}

Status derive_key(std::span<std::uint8_t> key, const std::string& passphrase, ByteSpan salt,
                  PassphraseHardness hardness) {
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                      hardness.opslimit, hardness.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return make_error(ErrorCode::io_error, "Argon2id key derivation failed (out of memory?)");
    }
    return {};
}

struct ParsedState {
    GuardianStateInfo info;
    PassphraseHardness hardness;
    Bytes salt, nonce, sealed;
    std::size_t public_size = 0;  // bytes of lines 1-7
};

Result<ParsedState> parse_state(const fs::path& path, std::string_view text) {
    std::vector<std::string_view> lines;
    PSEPHOS_TRY(crypto::split_key_file_lines(path, text, guardian_state_header, line_count, lines));
    const auto field = [&](std::size_t line, std::string_view key) {
        return key_file_field(path, line, lines[line - 1], key);
    };
    ParsedState p;
    PSEPHOS_TRY_ASSIGN(const auto election, field(2, "election"));
    if (election.empty() || election.size() > 64 ||
        !std::all_of(election.begin(), election.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        })) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 2,
                                   "election id is not a manifest id");
    }
    p.info.election_id = std::string(election);
    const std::uint64_t max_index = max_ceremony_guardians;
    PSEPHOS_TRY_ASSIGN(const auto index_text, field(3, "guardian"));
    PSEPHOS_TRY_ASSIGN(const auto index, parse_number(path, 3, index_text, 1, max_index));
    PSEPHOS_TRY_ASSIGN(const auto count_text, field(4, "guardians"));
    PSEPHOS_TRY_ASSIGN(const auto count, parse_number(path, 4, count_text, index, max_index));
    PSEPHOS_TRY_ASSIGN(const auto threshold_text, field(5, "threshold"));
    PSEPHOS_TRY_ASSIGN(const auto threshold, parse_number(path, 5, threshold_text, 1, count));
    p.info.index = static_cast<std::uint32_t>(index);
    p.info.guardian_count = static_cast<std::uint32_t>(count);
    p.info.threshold = static_cast<std::uint32_t>(threshold);
    PSEPHOS_TRY_ASSIGN(const auto hash_text, field(6, "ceremony-hash"));
    auto hash = Hash32::from_hex(hash_text);
    if (!hash) return hash.error().within(path.string() + ": line 6");
    p.info.ceremony_hash = hash.value();
    PSEPHOS_TRY_ASSIGN(const auto digest_text, field(7, "announcement-sha256"));
    auto digest = Hash32::from_hex(digest_text);
    if (!digest) return digest.error().within(path.string() + ": line 7");
    p.info.announcement_digest = digest.value();

    PSEPHOS_TRY_ASSIGN(const auto ops_text, field(8, "opslimit"));
    PSEPHOS_TRY_ASSIGN(p.hardness.opslimit,
                       parse_number(path, 8, ops_text, 1, crypto_pwhash_OPSLIMIT_SENSITIVE));
    PSEPHOS_TRY_ASSIGN(const auto mem_text, field(9, "memlimit"));
    PSEPHOS_TRY_ASSIGN(const auto memlimit,
                       parse_number(path, 9, mem_text, 1, crypto_pwhash_MEMLIMIT_SENSITIVE));
    p.hardness.memlimit = static_cast<std::size_t>(memlimit);
    const struct {
        std::size_t line;
        std::string_view key;
        Bytes* out;
        std::size_t size;  // 0: any
    } binary[] = {{10, "salt", &p.salt, crypto_pwhash_SALTBYTES},
                  {11, "nonce", &p.nonce, crypto_secretbox_NONCEBYTES},
                  {12, "sealed", &p.sealed, 0}};
    for (const auto& b : binary) {
        PSEPHOS_TRY_ASSIGN(const auto text_value, field(b.line, b.key));
        auto decoded = from_base64(text_value);
        if (!decoded || (b.size != 0 && decoded.value().size() != b.size)) {
            return key_file_line_error(ErrorCode::invalid_encoding, path, b.line,
                                       std::string(b.key) + " is not base64 of the right size");
        }
        *b.out = std::move(decoded).value();
    }
    const std::size_t expected =
        (2 + p.info.threshold + 1) * secret_size + crypto_secretbox_MACBYTES;
    if (p.sealed.size() != expected) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 12,
                                   "sealed part must be " + std::to_string(expected) +
                                       " bytes for threshold " + std::to_string(p.info.threshold));
    }
    p.public_size = public_text(p.info).size();
    if (text.substr(0, p.public_size) != public_text(p.info)) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 2,
                                   "public lines are not in their canonical form");
    }
    return p;
}

}  // namespace

Status write_guardian_state_file(const fs::path& path, const GuardianStateInfo& info,
                                 const crypto::Guardian& guardian, const std::string& passphrase,
                                 PassphraseHardness hardness) {
    if (passphrase.empty())
        return make_error(ErrorCode::invalid_argument, path.string() + ": empty passphrase");
    if (hardness.opslimit < moderate_hardness.opslimit ||
        hardness.memlimit < moderate_hardness.memlimit) {
        return make_error(ErrorCode::invalid_argument,
                          path.string() + ": Argon2id cost below MODERATE");
    }
    const auto& coefficients = guardian.polynomial().coefficients();
    if (guardian.index() != info.index || coefficients.size() != info.threshold) {
        return make_error(ErrorCode::invalid_argument,
                          path.string() + ": guardian does not match the state's public lines");
    }
    const std::string header = public_text(info);
    std::vector<std::uint8_t> plain((2 + coefficients.size() + 1) * secret_size);
    const WipeOnExit wipe_plain(plain.data(), plain.size());
    auto at = plain.begin();
    at = std::copy(guardian.identity().seed().begin(), guardian.identity().seed().end(), at);
    const ByteSpan box = guardian.box_keys().secret_key();
    at = std::copy(box.begin(), box.end(), at);
    for (const auto& c : coefficients) at = std::copy(c.bytes().begin(), c.bytes().end(), at);
    const Hash32 digest = sha256(as_bytes(header));
    std::copy(digest.bytes.begin(), digest.bytes.end(), at);

    Bytes salt(crypto_pwhash_SALTBYTES);
    Bytes nonce(crypto_secretbox_NONCEBYTES);
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    std::array<std::uint8_t, crypto_secretbox_KEYBYTES> key{};
    const WipeOnExit wipe_key(key.data(), key.size());
    if (auto ok = derive_key(key, passphrase, salt, hardness); !ok)
        return ok.error().within(path.string());
    Bytes sealed(plain.size() + crypto_secretbox_MACBYTES);
    crypto_secretbox_easy(sealed.data(), plain.data(), plain.size(), nonce.data(), key.data());

    std::string content = header;
    content += "opslimit: " + std::to_string(hardness.opslimit);
    content += "\nmemlimit: " + std::to_string(hardness.memlimit);
    content += "\nsalt: " + to_base64(salt);
    content += "\nnonce: " + to_base64(nonce);
    content += "\nsealed: " + to_base64(sealed);
    content += '\n';
    return crypto::write_new_file(path, content, 0600);
}

Result<GuardianStateInfo> read_guardian_state_info(const fs::path& path) {
    crypto::SecretText text(max_file_size);
    PSEPHOS_TRY(crypto::read_file_into(path, true, text));
    PSEPHOS_TRY_ASSIGN(auto parsed, parse_state(path, text.view()));
    return parsed.info;
}

Result<crypto::Guardian> open_guardian_state_file(const fs::path& path,
                                                  const std::string& passphrase,
                                                  ByteSpan announcement) {
    crypto::SecretText text(max_file_size);
    PSEPHOS_TRY(crypto::read_file_into(path, true, text));
    PSEPHOS_TRY_ASSIGN(auto p, parse_state(path, text.view()));
    if (p.hardness.opslimit < moderate_hardness.opslimit ||
        p.hardness.memlimit < moderate_hardness.memlimit) {
        return make_error(ErrorCode::verification_failed,
                          path.string() + ": Argon2id cost below MODERATE (lines 8-9)");
    }
    std::vector<std::uint8_t> plain(p.sealed.size() - crypto_secretbox_MACBYTES);
    const WipeOnExit wipe_plain(plain.data(), plain.size());
    std::array<std::uint8_t, crypto_secretbox_KEYBYTES> key{};
    const WipeOnExit wipe_key(key.data(), key.size());
    if (auto ok = derive_key(key, passphrase, p.salt, p.hardness); !ok)
        return ok.error().within(path.string());
    if (crypto_secretbox_open_easy(plain.data(), p.sealed.data(), p.sealed.size(), p.nonce.data(),
                                   key.data()) != 0) {
        return make_error(ErrorCode::verification_failed,
                          path.string() +
                              ": cannot open the sealed part: wrong passphrase, or the file is "
                              "damaged");
    }
    const Hash32 digest = sha256(as_bytes(text.view().substr(0, p.public_size)));
    if (sodium_memcmp(digest.bytes.data(), plain.data() + plain.size() - secret_size,
                      secret_size) != 0) {
        return make_error(
            ErrorCode::verification_failed,
            path.string() + ": the sealed secrets belong to other public lines than lines 2-7");
    }
    if (!(sha256(announcement) == p.info.announcement_digest)) {
        return make_error(ErrorCode::verification_failed,
                          path.string() + ": the announcement is not the one this state names");
    }
    auto decoded = decode_guardian_announcement(announcement);
    if (!decoded) return decoded.error().within(path.string() + ": announcement");
    const ByteSpan all(plain);
    auto identity = crypto::Ed25519SigningKey::from_seed(all.subspan(0, secret_size));
    if (!identity) return identity.error().within(path.string() + ": identity seed");
    auto box = crypto::BoxKeyPair::from_secret_key(all.subspan(secret_size, secret_size));
    if (!box) return box.error().within(path.string() + ": box key");
    std::vector<crypto::Scalar> coefficients;
    for (std::uint32_t j = 0; j < p.info.threshold; ++j) {
        auto c = crypto::Scalar::from_bytes(all.subspan((2 + j) * secret_size, secret_size));
        if (!c) return c.error().within(path.string() + ": coefficient " + std::to_string(j));
        coefficients.push_back(std::move(c).value());
    }
    auto polynomial = crypto::ElectionPolynomial::from_coefficients(std::move(coefficients));
    if (!polynomial) return polynomial.error().within(path.string());
    if (decoded.value().index != p.info.index) {
        return make_error(ErrorCode::verification_failed,
                          path.string() + ": the announcement is guardian " +
                              std::to_string(decoded.value().index) + "'s");
    }
    auto guardian = crypto::Guardian::restore(
        p.info.ceremony_hash, p.info.guardian_count, std::move(polynomial).value(),
        std::move(identity).value(), std::move(box).value(), decoded.value());
    if (!guardian) return guardian.error().within(path.string());
    return guardian;
}

}  // namespace psephos::election
