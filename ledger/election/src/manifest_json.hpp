// The manifest's strict JSON document (private to the election library): Boost.JSON's SAX parser
// (basic_parser) fills a small document of our own rather than a boost::json::value, because
// boost::json::object keeps only the last of two equal keys and a number's value forgets its
// text: a manifest with "id" twice, or with vote_for 1e400, must be reported as exactly that. The
// document keeps every member in order, the text of every number, and only the length of a
// string over the size limit. Also the manifest reader's limits and message helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/election/election_manifest.hpp"

namespace psephos::election::manifest_detail {

// Limits beyond those in the public header (docs/election-manifest.md, "Limits").
inline constexpr std::size_t max_json_values =
    1'000'000;  // bounds the document's memory (~28 B each)
inline constexpr std::size_t max_id_length = 64;
inline constexpr std::size_t max_districts = 100'000;
inline constexpr std::size_t max_contests = 100'000;
inline constexpr std::size_t max_ballot_styles = 100'000;
inline constexpr std::size_t max_options_per_contest = 1'000;
inline constexpr std::size_t max_contests_per_style = 1'000;
inline constexpr std::size_t max_translations = 100;
inline constexpr std::uint32_t max_guardians = 255;
inline constexpr std::size_t max_problems_listed = 1'000;
inline constexpr std::size_t max_excerpt_bytes = 80;  // of user input inside one message

// ---------------------------------------------------------------------------------------------
// Messages

// At most max_excerpt_bytes of `text`, cut at a character boundary, with "…" when cut, and
// control characters, quotes and backslashes escaped so that a problem stays on one line.
std::string excerpt(std::string_view text);
std::string quote(std::string_view text);
std::string plural(std::size_t n, std::string_view one, std::string_view many);
// "\"a\"", "\"a\" and \"b\"", "\"a\", \"b\" and \"c\"".
std::string join_names(const std::vector<std::string>& names);

// ---------------------------------------------------------------------------------------------
// The JSON document

enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

const char* describe(Kind kind);  // "a string", "an object", …

struct Node {
    Kind kind = Kind::null;
    bool boolean = false;
    bool too_long = false;          // a string over the limit: only its length is kept
    std::uint32_t text_offset = 0;  // a string's contents or a number's text, in Document::text
    std::uint32_t text_size = 0;    // for a string over the limit, its length in bytes
    std::uint32_t key_offset = 0;   // the member name, for a member of an object
    std::uint32_t key_size = 0;
    std::uint32_t first_child = 0;  // children: Document::nodes[first_child, +child_count)
    std::uint32_t child_count = 0;
};

struct Document {
    std::string text;
    std::vector<Node> nodes;  // the root is the last node

    const Node& root() const { return nodes.back(); }
    std::string_view text_of(const Node& n) const {
        return {text.data() + n.text_offset, n.text_size};
    }
    std::string_view key_of(const Node& n) const {
        return {text.data() + n.key_offset, n.key_size};
    }
    std::span<const Node> children(const Node& n) const {
        return {nodes.data() + n.first_child, n.child_count};
    }
};

// The document, or the one problem (with a line and column) that stopped the parser.
std::optional<Document> parse_document(std::string_view json_text, ManifestProblem& problem);

}  // namespace psephos::election::manifest_detail
