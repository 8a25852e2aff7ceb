// Fuzzes what a witness decodes from a peer (docs/witness.md): the add-checkpoint request body
// (AddCheckpointRequest::parse), the 409 size body (parse_tlog_size), cosigner vkeys
// (CosignerKey::parse) and cosigned notes (open_cosigned_note against a fixed key).
// Invariants: never a crash; an accepted request, size or vkey writes back to exactly the input
// (one text form each); an accepted request has at most 63 proof hashes and a non-empty note; no
// note but the seed's text carries the fixed key's cosignature.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/witness/add_checkpoint_request.hpp"

using namespace psephos;
using psephos::fuzz::require;

namespace {
// RFC 8032 TEST 1's key as "witness.example.com/w1" (tests/crypto/vectors/cosignature_v1.txt).
const std::string cosigned_text =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text_of(data, size);
    if (auto request = witness::AddCheckpointRequest::parse(input)) {
        require(request.value().to_text() == input, "an accepted request writes back to the input");
        require(request.value().proof.size() <= witness::max_consistency_proof_lines,
                "at most 63 proof lines");
        require(!request.value().checkpoint_note.empty(), "an accepted request has a note");
    } else {
        fuzz::require_message(request.error(), "request error has a message");
    }
    if (auto tlog_size = witness::parse_tlog_size(input)) {
        require(std::to_string(tlog_size.value()) + "\n" == input,
                "an accepted size writes back to the input");
    } else {
        fuzz::require_message(tlog_size.error(), "size error has a message");
    }
    if (auto vkey = crypto::CosignerKey::parse(input)) {
        require(vkey.value().to_text() == input, "an accepted vkey writes back to the input");
    } else {
        fuzz::require_message(vkey.error(), "vkey error has a message");
    }
    static const auto witness_key =
        crypto::CosignerKey::parse(
            "witness.example.com/w1+7e6f4aaa+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea")
            .value();
    if (auto opened = crypto::open_cosigned_note(input, witness_key)) {
        require(opened.value().text == cosigned_text,
                "only the vector's text carries the fixed key's cosignature");
    } else {
        fuzz::require_message(opened.error(), "cosigned note error has a message");
    }
    return 0;
}
