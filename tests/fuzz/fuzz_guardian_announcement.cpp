// Fuzzes decode_guardian_announcement, the decoder of the announcements guardians publish in
// the key ceremony (docs/encoding.md §8).
// Invariants: a decoded record re-encodes to exactly the input (one encoding per record); a
// rejected input gives invalid_encoding with a message naming the record and byte offset.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/ceremony_records.hpp"

using namespace psephos;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::check_canonical_record(
        fuzz::bytes_of(data, size), "guardian announcement",
        [](ByteSpan in) { return election::decode_guardian_announcement(in); },
        [](const auto& record) { return election::encode_guardian_announcement(record); });
    return 0;
}
