// Fuzzes the signed-note and checkpoint parsers (ledger/signed_note.hpp): NoteVerifierKey::parse,
// Checkpoint::parse and open_note against a fixed verifier key (Go's PeterNeumann vector).
// Invariants: never a crash; an accepted key or checkpoint writes back to exactly the input; an
// accepted note is the published vector's text (no other text carries a valid signature).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/election/signed_note.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {
const std::string published_text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your "
    "problem is.\n";
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text_of(data, size);
    if (auto key = election::NoteVerifierKey::parse(input)) {
        require(key.value().to_text() == input,
                "an accepted verifier key writes back to the input");
    } else {
        fuzz::require_message(key.error(), "verifier key error has a message");
    }
    if (auto checkpoint = election::Checkpoint::parse(input)) {
        require(checkpoint.value().to_text() == input,
                "an accepted checkpoint writes back to the input");
    } else {
        fuzz::require_message(checkpoint.error(), "checkpoint error has a message");
    }
    static const auto peter =
        election::NoteVerifierKey::parse(
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .value();
    if (auto text = election::open_note(input, peter)) {
        require(text.value() == published_text,
                "only the published text carries PeterNeumann's signature");
    } else {
        fuzz::require_message(text.error(), "open_note error has a message");
    }
    return 0;
}
