// Fuzzes decode_decryption_share, the decoder of the guardians' partial decryptions with their
// proofs (docs/encoding.md §10).
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
    auto decoded = ledger::decode_decryption_share(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "decode_decryption_share fails with invalid_encoding");
        require(decoded.error().message.rfind("decryption share at byte ", 0) == 0,
                "decode_decryption_share errors name the record and the byte offset");
        return 0;
    }
    const Bytes encoded = ledger::encode_decryption_share(decoded.value());
    require(Bytes(input.begin(), input.end()) == encoded,
            "a decoded decryption share re-encodes to the input");
    return 0;
}
