// Fuzzes the bridge log's decoders (docs/encoding.md §19–§22): the anchor payload and the anchor
// intent, transaction and confirmation records, every one on each input, and the anchor book's
// admission of what decodes. Invariants: a decoded record re-encodes to exactly the input; a
// rejected record gives invalid_encoding naming the record and byte offset; at most one record
// decoder accepts an input; a payload decodes only at 77 bytes and re-encodes to itself; admit
// never changes the book, and an admitted intent can be added and then found.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/anchor_records.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    int accepted = 0;

    if (auto payload = election::decode_anchor_payload(input)) {
        require(size == election::anchor_payload_size, "a payload is 77 bytes");
        require(
            election::encode_anchor_payload(payload.value()) == Bytes(input.begin(), input.end()),
            "a decoded payload re-encodes to the input");
    } else {
        require(payload.error().code == ErrorCode::invalid_encoding,
                "a rejected payload is invalid_encoding");
    }

    const auto intent = fuzz::check_canonical_record(
        input, "anchor intent", [](ByteSpan in) { return election::decode_anchor_intent(in); },
        [](const auto& record) { return election::encode_anchor_intent(record); });
    if (intent) ++accepted;
    const auto transaction = fuzz::check_canonical_record(
        input, "anchor transaction",
        [](ByteSpan in) { return election::decode_anchor_transaction(in); },
        [](const auto& record) { return election::encode_anchor_transaction(record); });
    if (transaction) ++accepted;
    const auto confirmation = fuzz::check_canonical_record(
        input, "anchor confirmation",
        [](ByteSpan in) { return election::decode_anchor_confirmation(in); },
        [](const auto& record) { return election::encode_anchor_confirmation(record); });
    if (confirmation) {
        ++accepted;
        require(confirmation->confirmations >= 1, "a confirmation counts at least its block");
    }
    require(accepted <= 1, "at most one record decoder accepts an input");

    // The book: an intent for an election whose digest and root are the payload's own.
    if (intent) {
        const election::AnchorPayload p = election::decode_anchor_payload(intent->payload).value();
        election::AnchorBook book(p.election_digest);
        auto lookup = [&](std::uint64_t) -> Result<Hash32> { return p.election_root; };
        auto admitted = book.admit(input, 0, lookup);
        require(admitted.ok(), "an intent naming the ledger's own root is admitted");
        require(book.anchors().empty(), "admit changes nothing");
        book.add(input, 0);
        require(book.find(intent->chain, intent->payload) != nullptr, "an added intent is found");
        require(!book.admit(input, 1, lookup), "a second intent for the same chain is refused");
    } else if (transaction || confirmation) {
        election::AnchorBook book(Hash32{});
        auto lookup = [](std::uint64_t) -> Result<Hash32> { return Hash32{}; };
        require(!book.admit(input, 0, lookup), "a record for no intent is refused");
    }
    return 0;
}
