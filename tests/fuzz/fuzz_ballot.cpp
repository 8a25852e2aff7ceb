// Fuzzes decode_ballot, the decoder of every encrypted ballot a kiosk submits to the ledger.
// Invariants: a decoded ballot re-encodes to exactly the input (one encoding per ballot); a
// rejected input gives invalid_encoding with a message naming the record and byte offset.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/ledger/encrypted_ballot.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = ledger::decode_ballot(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding, "decode_ballot fails with invalid_encoding");
        require(decoded.error().message.rfind("encrypted ballot at byte ", 0) == 0,
                "decode_ballot errors name the record and the byte offset");
        return 0;
    }
    const Bytes encoded = ledger::encode_ballot(decoded.value());
    require(Bytes(input.begin(), input.end()) == encoded, "a decoded ballot re-encodes to the input");
    return 0;
}
