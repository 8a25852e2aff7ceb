// Fuzzes Scalar::from_bytes, the decoder of every proof challenge and response from outside.
// Invariants: decoding succeeds exactly for 32 bytes whose little-endian value is below the group
// order L (checked against an independent comparison with L, not against libsodium), a decoded
// scalar re-encodes to the input, and arithmetic on it is consistent: s + 0 = s, s − s = 0,
// −(−s) = s, s · 1 = s, and s · s⁻¹ = 1 for s ≠ 0.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/scalar.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

namespace {
// L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 9496 §4.1).
constexpr std::array<std::uint8_t, 32> group_order = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// value < L, both little-endian: compare from the most significant byte down.
bool is_below_group_order(ByteSpan value) {
    for (std::size_t i = 32; i-- > 0;) {
        if (value[i] != group_order[i]) return value[i] < group_order[i];
    }
    return false;  // equal to L
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    const bool canonical = size == Scalar::size && is_below_group_order(input);
    auto decoded = Scalar::from_bytes(input);
    require(decoded.ok() == canonical,
            "Scalar::from_bytes succeeds exactly for 32-byte values below L");
    if (!decoded) {
        fuzz::require_message(decoded.error(), "Scalar::from_bytes error has a message");
        return 0;
    }
    const Scalar& s = decoded.value();
    require(std::equal(s.bytes().begin(), s.bytes().end(), input.begin()),
            "decoded scalar re-encodes to the input");
    require(s + Scalar() == s, "s + 0 == s");
    require((s - s).is_zero(), "s - s == 0");
    require(s.negate().negate() == s, "-(-s) == s");
    require(s * Scalar::from_uint64(1) == s, "s * 1 == s");
    require(s.is_zero() == (s == Scalar()), "is_zero agrees with ==");
    auto inverse = s.invert();
    require(inverse.ok() != s.is_zero(), "every scalar but zero has an inverse");
    if (inverse) require(s * inverse.value() == Scalar::from_uint64(1), "s * s^-1 == 1");
    return 0;
}
