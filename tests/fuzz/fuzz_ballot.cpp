// Fuzzes decode_ballot, the decoder of every encrypted ballot a kiosk submits to the ledger.
// Invariants: a decoded ballot re-encodes to exactly the input (one encoding per ballot); a
// rejected input gives invalid_encoding with a message naming the record and byte offset.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/encrypted_ballot.hpp"

using namespace psephos;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::check_canonical_record(
        fuzz::bytes_of(data, size), "encrypted ballot",
        [](ByteSpan in) { return election::decode_ballot(in); },
        [](const auto& record) { return election::encode_ballot(record); });
    return 0;
}
