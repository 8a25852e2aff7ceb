// Fuzzes proof_bundle_from_json (docs/proof-bundle.md), the reader of a file anyone may hand to
// `psephos proof verify`, and the checks that follow it. Invariants: a rejection is
// invalid_encoding or invalid_argument with a message naming the proof bundle; an accepted bundle
// writes back to JSON that reads to the same JSON again (one form per bundle); every check of an
// accepted bundle gives a verdict without crashing, and a failed one says why. The seeds are the
// honest bundle of tst_proof_bundle (format v2, with a Bitcoin anchor's spent output) and a v3
// bundle of tst_witnessed_bundle (the witnessed checkpoint with two cosignatures).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/bridge/proof_bundle.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::text_of(data, size);
    auto bundle = bridge::proof_bundle_from_json(text);
    if (!bundle) {
        require(bundle.error().code == ErrorCode::invalid_encoding ||
                    bundle.error().code == ErrorCode::invalid_argument,
                "a rejected bundle is invalid_encoding or invalid_argument");
        require(bundle.error().message.rfind("proof bundle", 0) == 0,
                "a rejection names the proof bundle");
        return 0;
    }
    const std::string written = bridge::proof_bundle_to_json(bundle.value());
    auto again = bridge::proof_bundle_from_json(written);
    require(again.ok(), "a bundle's own JSON reads back");
    require(bridge::proof_bundle_to_json(again.value()) == written,
            "a bundle's JSON is stable across a round trip");
    // Trusting the bundle's own senders, so that P11's trust comparisons run too.
    bridge::BundleTrust trust;
    for (const auto& anchor : bundle.value().anchors)
        trust.bridge_addresses.push_back(anchor.sender);
    for (const auto& check : bridge::verify_proof_bundle(bundle.value(), trust)) {
        require(!check.id.empty(), "every check has an id");
        require(check.passed || !check.detail.empty(), "a failed check says why");
    }
    return 0;
}
