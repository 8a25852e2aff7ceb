// Fuzzes Hash32::from_bytes and Hash32::from_hex, the decoders of record hashes, Merkle roots and
// the election base hash.
// Invariants: from_bytes succeeds exactly for 32 bytes and keeps them; from_hex succeeds exactly
// when from_hex does and yields 32 bytes, and agrees with it; to_hex round-trips through from_hex.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan raw = fuzz::bytes_of(data, size);

    auto from_raw = Hash32::from_bytes(raw);
    require(from_raw.ok() == (size == 32), "Hash32::from_bytes succeeds exactly for 32 bytes");
    if (from_raw) {
        require(std::equal(raw.begin(), raw.end(), from_raw.value().bytes.begin()),
                "Hash32::from_bytes keeps the bytes");
        auto back = Hash32::from_hex(from_raw.value().to_hex());
        require(back.ok() && back.value() == from_raw.value(), "Hash32 hex round trip");
    } else {
        fuzz::require_message(from_raw.error(), "Hash32::from_bytes error has a message");
    }

    const std::string_view text = fuzz::text_of(data, size);
    auto from_text = Hash32::from_hex(text);
    auto generic = from_hex(text);
    require(from_text.ok() == (generic.ok() && generic.value().size() == 32),
            "Hash32::from_hex succeeds exactly for hex of 32 bytes");
    if (from_text) {
        require(std::equal(generic.value().begin(), generic.value().end(),
                           from_text.value().bytes.begin()),
                "Hash32::from_hex agrees with from_hex");
    } else {
        fuzz::require_message(from_text.error(), "Hash32::from_hex error has a message");
    }
    return 0;
}
