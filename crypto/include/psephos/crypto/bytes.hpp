// Byte strings, fixed-size digests and their text forms (hex, base64) used across Psephos.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// A 32-byte digest (SHA-256, BLAKE2b-256): hashes of records, Merkle nodes, the election base hash.
struct Hash32 {
    std::array<std::uint8_t, 32> bytes{};

    static Result<Hash32> from_bytes(ByteSpan data);
    static Result<Hash32> from_hex(std::string_view hex);
    std::string to_hex() const;
    ByteSpan span() const { return bytes; }

    friend auto operator<=>(const Hash32&, const Hash32&) = default;
};

std::string to_hex(ByteSpan data);
Result<Bytes> from_hex(std::string_view hex);
std::string to_base64(ByteSpan data);  // RFC 4648 standard alphabet, padded
// Accepts only canonical base64 (see is_canonical_base64), so each byte string has one text form.
Result<Bytes> from_base64(std::string_view text);
// RFC 4648 §4 with padding, strictly: only the standard alphabet, length a multiple of 4, '='
// only as the last one or two characters, and zero bits in the unused tail (§3.5). libsodium
// 1.0.18's decoder alone reads bytes ≥ 0x80 as '/', which would give one key many file forms.
bool is_canonical_base64(std::string_view text);

inline ByteSpan as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Big-endian fixed-width integers, the canonical integer encoding of every Psephos format.
void append_u32_be(Bytes& out, std::uint32_t value);
void append_u64_be(Bytes& out, std::uint64_t value);

// Equality that takes the same time whatever the contents (for secrets and MACs).
bool equal_constant_time(ByteSpan a, ByteSpan b);

}  // namespace psephos
