// Fuzzes decode_challenged_ballot, the decoder of published Benaloh challenges.
// Invariants: a decoded challenged ballot re-encodes to exactly the input; its revealed marks are
// 0 or 1 and there is one mark and nonce per selection of the inner ballot.
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
    auto decoded = ledger::decode_challenged_ballot(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "decode_challenged_ballot fails with invalid_encoding");
        fuzz::require_message(decoded.error(), "decode_challenged_ballot error has a message");
        return 0;
    }
    const auto& c = decoded.value();
    require(c.marks.size() == c.ballot.contests.size() && c.nonces.size() == c.ballot.contests.size(),
            "one revealed contest per ballot contest");
    for (std::size_t i = 0; i < c.marks.size(); ++i) {
        require(c.marks[i].size() == c.ballot.contests[i].selections.size() &&
                    c.nonces[i].size() == c.marks[i].size(),
                "one mark and nonce per selection");
        for (const auto m : c.marks[i]) require(m <= 1, "marks are 0 or 1");
    }
    const Bytes encoded = ledger::encode_challenged_ballot(c);
    require(Bytes(input.begin(), input.end()) == encoded, "a decoded challenged ballot re-encodes to the input");
    return 0;
}
