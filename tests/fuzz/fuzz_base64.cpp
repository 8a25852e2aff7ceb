// Fuzzes from_base64 (and to_base64), the decoder of the keys in key files and of anything else
// Psephos reads as RFC 4648 base64 text.
// Invariants: decode(encode(x)) == x for the input taken as raw bytes; for input text that
// decodes, encoding the result gives back exactly the input (only the canonical padded encoding
// is accepted, so one value has one text form) and decoding that again gives the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan raw = fuzz::bytes_of(data, size);
    const std::string_view text = fuzz::text_of(data, size);

    const std::string encoded = to_base64(raw);
    require(encoded.size() == (size + 2) / 3 * 4, "to_base64 is padded to a multiple of 4");
    auto round_trip = from_base64(encoded);
    require(round_trip.ok() && std::equal(round_trip.value().begin(), round_trip.value().end(),
                                          raw.begin(), raw.end()),
            "from_base64(to_base64(x)) == x");

    auto decoded = from_base64(text);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "from_base64 fails only with invalid_encoding");
        fuzz::require_message(decoded.error(), "from_base64 error has a message");
        return 0;
    }
    const std::string reencoded = to_base64(decoded.value());
    require(reencoded == text, "to_base64(from_base64(s)) == s (canonical text only)");
    auto again = from_base64(reencoded);
    require(again.ok() && again.value() == decoded.value(),
            "from_base64(to_base64(from_base64(s))) == from_base64(s)");
    return 0;
}
