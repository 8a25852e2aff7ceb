// Fuzzes decode_guardian_announcement, the decoder of the announcements guardians publish in
// the key ceremony (docs/encoding.md §8).
// Invariants: a decoded record re-encodes to exactly the input (one encoding per record); a
// rejected input gives invalid_encoding with a message naming the record and byte offset.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/ledger/ceremony_records.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = ledger::decode_guardian_announcement(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "decode_guardian_announcement fails with invalid_encoding");
        require(decoded.error().message.rfind("guardian announcement at byte ", 0) == 0,
                "decode_guardian_announcement errors name the record and the byte offset");
        return 0;
    }
    const Bytes encoded = ledger::encode_guardian_announcement(decoded.value());
    require(Bytes(input.begin(), input.end()) == encoded,
            "a decoded guardian announcement re-encodes to the input");
    return 0;
}
