// Ed25519 key files: crash-safe, no-replace writes and strict reads, on POSIX file calls so that
// the mode is right from the first byte and every buffer that held a seed can be wiped.
#include "psephos/crypto/key_file.hpp"

#include "psephos/crypto/key_file_lines.hpp"
#include "psephos/crypto/secure_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace psephos::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view secret_key_header = "psephos-ed25519-secret-key-v1";
constexpr std::string_view public_key_header = "psephos-ed25519-public-key-v1";
// Far above any valid key file; a bigger file is refused before it is read.
constexpr std::size_t max_key_file_size = 4096;

Result<Ed25519PublicKey> parse_public_line(const fs::path& path, std::string_view line) {
    auto text = key_file_field(path, 3, line, "public");
    if (!text) return text.error();
    auto raw = from_base64(text.value());
    if (!raw) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 3,
                                   "public key is not base64");
    }
    auto key = Ed25519PublicKey::from_bytes(raw.value());
    if (!key) return key.error().within(path.string() + ": line 3");
    return key;
}

// Decodes the seed straight into a wiped array: from_base64 would free a partly decoded seed
// without wiping it when the text turns out to be bad.
Result<Ed25519SigningKey> parse_seed_line(const fs::path& path, std::string_view line) {
    auto text = key_file_field(path, 4, line, "seed");
    if (!text) return text.error();
    const std::string_view base64 = text.value();
    std::array<std::uint8_t, Ed25519SigningKey::seed_size + 3> seed{};
    const WipeOnExit wipe_seed(seed.data(), seed.size());
    std::size_t seed_length = 0;
    const char* end = nullptr;
    if (!is_canonical_base64(base64) ||
        sodium_base642bin(seed.data(), seed.size(), base64.data(), base64.size(), nullptr,
                          &seed_length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != base64.data() + base64.size()) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 4,
                                   "seed is not base64 of 32 bytes");
    }
    if (seed_length != Ed25519SigningKey::seed_size) {
        return key_file_line_error(ErrorCode::invalid_encoding, path, 4,
                                   "seed must be 32 bytes, got " + std::to_string(seed_length));
    }
    return Ed25519SigningKey::from_seed(ByteSpan(seed.data(), seed_length));
}

}  // namespace

Status write_signing_key_file(const fs::path& path, const Ed25519SigningKey& key,
                              std::string_view name) {
    if (auto valid = check_key_name(name); !valid) return valid.error().within(path.string());
    std::string seed_text = to_base64(key.seed());
    const WipeOnExit wipe_seed_text(seed_text.data(), seed_text.size());
    SecretText content(256 + name.size());
    content.append(secret_key_header);
    content.append("\nname: ");
    content.append(name);
    content.append("\npublic: ");
    content.append(to_base64(key.public_key().span()));
    content.append("\nseed: ");
    content.append(seed_text);
    content.append("\n");
    return write_new_file(path, content.view(), 0600);
}

Result<Ed25519SigningKey> read_signing_key_file(const fs::path& path) {
    SecretText text(max_key_file_size);
    if (auto read = read_file_into(path, true, text); !read) return read.error();
    std::vector<std::string_view> lines;
    if (auto split = split_key_file_lines(path, text.view(), secret_key_header, 4, lines); !split) {
        return split.error();
    }
    if (auto name = check_key_file_name_line(path, lines[1]); !name) return name.error();
    auto stored_public = parse_public_line(path, lines[2]);
    if (!stored_public) return stored_public.error();
    auto key = parse_seed_line(path, lines[3]);
    if (!key) return key.error();
    if (key.value().public_key() != stored_public.value()) {
        return key_file_line_error(
            ErrorCode::verification_failed, path, 3,
            "public key does not match the key derived from the seed on line 4");
    }
    return key;
}

Status write_public_key_file(const fs::path& path, const Ed25519PublicKey& key,
                             std::string_view name) {
    if (auto valid = check_key_name(name); !valid) return valid.error().within(path.string());
    std::string content;
    content.append(public_key_header);
    content.append("\nname: ");
    content.append(name);
    content.append("\npublic: ");
    content.append(to_base64(key.span()));
    content.append("\n");
    return write_new_file(path, content, 0644);
}

Result<Ed25519PublicKey> read_public_key_file(const fs::path& path) {
    SecretText text(max_key_file_size);  // not secret, but the same reader
    if (auto read = read_file_into(path, false, text); !read) return read.error();
    std::vector<std::string_view> lines;
    if (auto split = split_key_file_lines(path, text.view(), public_key_header, 3, lines); !split) {
        return split.error();
    }
    if (auto name = check_key_file_name_line(path, lines[1]); !name) return name.error();
    return parse_public_line(path, lines[2]);
}

}  // namespace psephos::crypto
