// The body of a C2SP tlog-witness add-checkpoint request (c2sp.org/tlog-witness,
// docs/witness.md §3), and the text/x.tlog.size body of its 409 answer:
//   "old " decimal size "\n"          (no leading zeros; "0" for none)
//   0 to 63 lines of base64(32-byte hash) "\n"   (the RFC 6962 consistency proof)
//   "\n"
//   the signed checkpoint note
// The decoder is strict (one text per request) and bounded; it is what a hostile peer reaches
// first, so it has a fuzz target (tests/fuzz/fuzz_add_checkpoint_request.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"

namespace psephos::witness {

inline constexpr std::size_t max_consistency_proof_lines = 63;

struct AddCheckpointRequest {
    std::uint64_t old_size = 0;
    std::vector<Hash32> proof;
    std::string checkpoint_note;  // the signed note, as sent

    std::string to_text() const;
    // invalid_encoding naming the line at fault: a bad old line, a proof line that is not
    // canonical base64 of 32 bytes, more than 63 of them, no blank line, an empty note.
    static Result<AddCheckpointRequest> parse(std::string_view body);
};

// A decimal size without leading zeros followed by "\n" (the 409 answer's body).
Result<std::uint64_t> parse_tlog_size(std::string_view body);

}  // namespace psephos::witness
