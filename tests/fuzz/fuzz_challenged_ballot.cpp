// Fuzzes decode_challenged_ballot, the decoder of published Benaloh challenges.
// Invariants: a decoded challenged ballot re-encodes to exactly the input; its revealed marks are
// 0 or 1 and there is one mark and nonce per selection of the inner ballot.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/encrypted_ballot.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto decoded = fuzz::check_canonical_record(
        fuzz::bytes_of(data, size), "challenged ballot",
        [](ByteSpan in) { return election::decode_challenged_ballot(in); },
        [](const auto& record) { return election::encode_challenged_ballot(record); });
    if (!decoded) return 0;
    const auto& c = *decoded;
    require(
        c.marks.size() == c.ballot.contests.size() && c.nonces.size() == c.ballot.contests.size(),
        "one revealed contest per ballot contest");
    for (std::size_t i = 0; i < c.marks.size(); ++i) {
        require(c.marks[i].size() == c.ballot.contests[i].selections.size() &&
                    c.nonces[i].size() == c.marks[i].size(),
                "one mark and nonce per selection");
        for (const auto m : c.marks[i]) require(m <= 1, "marks are 0 or 1");
    }
    return 0;
}
