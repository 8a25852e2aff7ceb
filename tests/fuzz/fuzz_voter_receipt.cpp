// Fuzzes voter_receipt_from_json (docs/proof-bundle.md §4), the reader of the receipt file a voter
// hands to `psephos receipt verify` or `psephos proof --receipt`, and the checks R1–R3 that
// follow it. Invariants: a rejection is invalid_encoding or invalid_argument with a message naming
// the receipt; an accepted receipt is exactly its own canonical form (one file per receipt); its
// checks give a verdict without crashing, and a failure names the receipt.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/election/voter_receipt.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::text_of(data, size);
    auto receipt = election::voter_receipt_from_json(text);
    if (!receipt) {
        require(receipt.error().code == ErrorCode::invalid_encoding ||
                    receipt.error().code == ErrorCode::invalid_argument,
                "a rejected receipt is invalid_encoding or invalid_argument");
        require(receipt.error().message.rfind("receipt", 0) == 0, "a rejection names the receipt");
        return 0;
    }
    require(election::voter_receipt_to_json(receipt.value()) == text,
            "an accepted receipt is its canonical form");
    auto verified = election::verify_voter_receipt(receipt.value(), {});
    require(verified.ok() || verified.error().message.rfind("receipt: R", 0) == 0,
            "a failed check names the receipt and the check");
    return 0;
}
