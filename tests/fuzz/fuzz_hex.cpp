// Fuzzes from_hex (and to_hex), the decoder of hashes and keys typed or pasted by people and
// read from text files.
// Invariants: from_hex succeeds exactly for even-length strings of hex digits (either case),
// checked independently of libsodium; a decoded string has half the input's length and re-encodes
// to the input in lower case; decode(encode(x)) == x for the input taken as raw bytes.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {
bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char to_lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan raw = fuzz::bytes_of(data, size);
    const std::string_view text = fuzz::text_of(data, size);

    // Encode, then decode: the identity on arbitrary bytes.
    const std::string encoded = to_hex(raw);
    require(encoded.size() == 2 * size, "to_hex gives two digits per byte");
    auto round_trip = from_hex(encoded);
    require(round_trip.ok() && std::equal(round_trip.value().begin(), round_trip.value().end(),
                                          raw.begin(), raw.end()),
            "from_hex(to_hex(x)) == x");

    // Decode the input as text.
    const bool valid = size % 2 == 0 && std::all_of(text.begin(), text.end(), is_hex_digit);
    auto decoded = from_hex(text);
    require(decoded.ok() == valid, "from_hex succeeds exactly for even-length hex digit strings");
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "from_hex fails only with invalid_encoding");
        fuzz::require_message(decoded.error(), "from_hex error has a message");
        return 0;
    }
    require(decoded.value().size() == size / 2, "from_hex gives one byte per two digits");
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), to_lower_ascii);
    require(to_hex(decoded.value()) == lower, "to_hex(from_hex(s)) == lower-case s");
    return 0;
}
