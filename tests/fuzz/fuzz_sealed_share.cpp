// Fuzzes decode_sealed_share, the decoder of the signed, sealed shares guardians send each
// other in the key ceremony (docs/encoding.md §9).
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
    auto decoded = ledger::decode_sealed_share(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "decode_sealed_share fails with invalid_encoding");
        require(decoded.error().message.rfind("sealed share at byte ", 0) == 0,
                "decode_sealed_share errors name the record and the byte offset");
        return 0;
    }
    const Bytes encoded = ledger::encode_sealed_share(decoded.value());
    require(Bytes(input.begin(), input.end()) == encoded,
            "a decoded sealed share re-encodes to the input");
    return 0;
}
