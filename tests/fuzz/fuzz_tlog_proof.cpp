// Fuzzes parse_tlog_proof (docs/proof-bundle.md §5), the reader of a C2SP tlog-proof file anyone
// may hand to `psephos proof verify-tlog`, the decoder of its extra data, and the checks that
// follow. Invariants: a rejection is invalid_encoding with a message naming the tlog-proof; an
// accepted proof writes back byte for byte (one form per proof); extra data that decodes as a
// ballot's chain encodes back to the same bytes; every check gives a verdict without crashing, and
// a failed one says why. The seeds are the spec's example and a ballot's proof of
// tst_witnessed_bundle (two cosignatures).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/bridge/tlog_proof.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::text_of(data, size);
    auto proof = bridge::parse_tlog_proof(text);
    if (!proof) {
        require(proof.error().code == ErrorCode::invalid_encoding,
                "a rejected tlog-proof is invalid_encoding");
        require(proof.error().message.rfind("tlog-proof:", 0) == 0,
                "a rejection names the tlog-proof");
        return 0;
    }
    require(bridge::tlog_proof_to_text(proof.value()) == text,
            "an accepted tlog-proof writes back byte for byte");
    if (proof.value().extra) {
        auto chain = bridge::decode_ballot_chain(*proof.value().extra);
        if (chain)
            require(bridge::encode_ballot_chain(chain.value()) == *proof.value().extra,
                    "a ballot's chain encodes back to its bytes");
    }
    // The seed's election log key, so that the checks get past the signature when the note is
    // the seed's.
    static const auto key = election::NoteVerifierKey::parse(
        "test-election-2026/election+b58723c5+AXLz/jrmbMbuipWAyHUMOpL2rfbzJGIRdLs3+kGVWvrN");
    require(key.ok(), "the seed's key parses");
    const bridge::TlogProofTrust trust{key.value(), {}, {}, {}};
    for (const auto& check : bridge::verify_ballot_tlog_proof(proof.value(), trust)) {
        require(!check.id.empty(), "every check has an id");
        require(check.passed || !check.detail.empty(), "a failed check says why");
    }
    return 0;
}
