// The one strict JSON parser for every JSON input that is not the manifest (record.json, proof
// bundles, receipts, the bridge's configuration, JSON-RPC answers, the verifier's files).
// Boost.JSON alone accepts what Psephos must refuse: an object with a key twice keeps only the last
// (so two readers of one file could see different values), and nothing bounds a document's size or
// number of values. parse_strict refuses both, and nesting deeper than the limit, comments,
// trailing commas, invalid UTF-8 and text after the value, naming the input, the line and the
// column.
//
// The manifest keeps its own reader (ledger/election/src/manifest_json.*) because it must also
// keep each number's text; its limits and messages follow the same rules.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "psephos/crypto/result.hpp"

namespace psephos::json {

struct Limits {
    std::size_t max_bytes = 16 * 1024 * 1024;    // the text
    std::size_t max_depth = 32;                  // arrays and objects inside each other
    std::size_t max_values = 1'000'000;          // every value, member names not counted
    std::size_t max_string_bytes = 1024 * 1024;  // one string or member name

    // For a file already bounded by its reader's size limit: the text up to that size, and as
    // many values as such a text can hold (every value but the first takes at least two bytes).
    static Limits for_size(std::size_t max_bytes) {
        Limits limits;
        limits.max_bytes = max_bytes;
        limits.max_values = max_bytes / 2 + 1;
        return limits;
    }
};

// The value, or ErrorCode::invalid_encoding with "<what>: line L, column C: <reason>", for
// example `record.json: line 4, column 12: the member "logs" appears twice in one object`; the
// position is where the parser stood when it saw the problem (just after the repeated name).
// A text over max_bytes is refused before it is read (invalid_argument, no position).
// A member name for a message: in double quotes, at most 64 bytes (then "..."), every byte
// outside printable ASCII, a quote and a backslash written \xNN, so a hostile name can neither
// break a line of a log nor reorder it on screen (bidi controls are UTF-8 bytes above 0x7F).
std::string quote_member_name(std::string_view name);

Result<boost::json::value> parse_strict(std::string_view text, std::string_view what,
                                        const Limits& limits = {});

// "line L, column C" of a byte offset of `text`; columns count UTF-8 characters, from 1.
std::string position_of(std::string_view text, std::size_t offset);

}  // namespace psephos::json
