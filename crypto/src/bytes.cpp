// Hex, base64 and big-endian helpers, on libsodium's constant-time codecs.
#include "psephos/crypto/bytes.hpp"

#include <sodium.h>

#include <algorithm>

namespace psephos {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
            return "invalid argument";
        case ErrorCode::invalid_encoding:
            return "invalid encoding";
        case ErrorCode::verification_failed:
            return "verification failed";
        case ErrorCode::share_mismatch:
            return "share mismatch";
        case ErrorCode::not_found:
            return "not found";
        case ErrorCode::io_error:
            return "i/o error";
        case ErrorCode::permission_denied:
            return "permission denied";
        case ErrorCode::refused:
            return "refused";
        case ErrorCode::corrupted:
            return "corrupted";
        case ErrorCode::not_confirmed:
            return "not confirmed";
    }
    return "unknown error";
}

Result<Hash32> Hash32::from_bytes(ByteSpan data) {
    if (data.size() != 32) {
        return make_error(ErrorCode::invalid_encoding,
                          "expected 32 bytes, got " + std::to_string(data.size()));
    }
    Hash32 h;
    std::copy(data.begin(), data.end(), h.bytes.begin());
    return h;
}

Result<Hash32> Hash32::from_hex(std::string_view hex) {
    auto raw = psephos::from_hex(hex);
    if (!raw) return raw.error();
    return from_bytes(raw.value());
}

std::string Hash32::to_hex() const { return psephos::to_hex(bytes); }

std::string to_hex(ByteSpan data) {
    if (data.empty()) return {};
    std::string out(data.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data.data(), data.size());
    out.pop_back();
    return out;
}

Result<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return make_error(ErrorCode::invalid_encoding,
                          "hex string has odd length " + std::to_string(hex.size()));
    }
    if (hex.empty()) return Bytes{};  // libsodium's codecs take non-null buffers only
    Bytes out(hex.size() / 2);
    size_t written = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) !=
            0 ||
        written != out.size() || end != hex.data() + hex.size()) {
        const auto at = end ? static_cast<size_t>(end - hex.data()) : 0;
        return make_error(ErrorCode::invalid_encoding,
                          "invalid hex digit at offset " + std::to_string(at));
    }
    return out;
}

std::string to_base64(ByteSpan data) {
    if (data.empty()) return {};
    const auto variant = sodium_base64_VARIANT_ORIGINAL;
    std::string out(sodium_base64_ENCODED_LEN(data.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), variant);
    out.pop_back();
    return out;
}

namespace {
int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
}  // namespace

bool is_canonical_base64(std::string_view text) {
    if (text.size() % 4 != 0) return false;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=')
        padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    const std::size_t data_chars = text.size() - padding;
    for (std::size_t i = 0; i < data_chars; ++i) {
        if (base64_value(text[i]) < 0) return false;
    }
    // The last data character carries 4 (one '=') or 2 (two '=') bits beyond the data.
    if (padding == 1) return (base64_value(text[data_chars - 1]) & 0x03) == 0;
    if (padding == 2) return (base64_value(text[data_chars - 1]) & 0x0f) == 0;
    return true;
}

Result<Bytes> from_base64(std::string_view text) {
    if (text.empty()) return Bytes{};
    if (!is_canonical_base64(text)) {
        return make_error(ErrorCode::invalid_encoding, "invalid base64 text");
    }
    Bytes out(text.size() / 4 * 3 + 3);
    size_t written = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size()) {
        return make_error(ErrorCode::invalid_encoding, "invalid base64 text");
    }
    out.resize(written);
    return out;
}

void append_u32_be(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

void append_u64_be(Bytes& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

bool equal_constant_time(ByteSpan a, ByteSpan b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace psephos
