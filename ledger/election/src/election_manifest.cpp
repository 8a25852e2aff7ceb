// The election manifest's JSON form (docs/election-manifest.md): reading it with every problem
// reported by JSON path, and writing it back.
//
// The JSON is read with Boost.JSON's SAX parser (basic_parser) into a small document of our own
// rather than into boost::json::value, because boost::json::object keeps only the last of two
// equal keys and a number's value forgets its text: a manifest with "id" twice, or with
// vote_for 1e400, must be reported as exactly that. The document keeps every member in order, the
// text of every number, and only the length of a string over the size limit.
#include "psephos/election/election_manifest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <span>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <boost/json/basic_parser_impl.hpp>

#include "psephos/crypto/challenge_response.hpp"
#include "psephos/crypto/range_proof.hpp"

namespace psephos::election {
namespace {

namespace json = boost::json;

// Limits beyond those in the header (docs/election-manifest.md, "Limits").
constexpr std::size_t max_json_values = 1'000'000;  // bounds the document's memory (~28 B each)
constexpr std::size_t max_id_length = 64;
constexpr std::size_t max_districts = 100'000;
constexpr std::size_t max_contests = 100'000;
constexpr std::size_t max_ballot_styles = 100'000;
constexpr std::size_t max_options_per_contest = 1'000;
constexpr std::size_t max_contests_per_style = 1'000;
constexpr std::size_t max_translations = 100;
constexpr std::uint32_t max_guardians = 255;
constexpr std::size_t max_problems_listed = 1'000;
constexpr std::size_t max_excerpt_bytes = 80;  // of user input inside one message

// ---------------------------------------------------------------------------------------------
// Messages

// At most max_excerpt_bytes of `text`, cut at a character boundary, with "…" when cut, and
// control characters, quotes and backslashes escaped so that a problem stays on one line.
std::string excerpt(std::string_view text) {
    std::size_t end = text.size();
    bool cut = false;
    if (end > max_excerpt_bytes) {
        end = max_excerpt_bytes;
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        cut = true;
    }
    std::string out;
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (cut) out += "…";
    return out;
}

std::string quote(std::string_view text) { return "\"" + excerpt(text) + "\""; }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "\"a\"", "\"a\" and \"b\"", "\"a\", \"b\" and \"c\"".
std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += (i + 1 == names.size()) ? " and " : ", ";
        out += names[i];
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The JSON document

enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

const char* describe(Kind kind) {
    switch (kind) {
        case Kind::null:
            return "null";
        case Kind::boolean:
            return "a boolean";
        case Kind::number:
            return "a number";
        case Kind::string:
            return "a string";
        case Kind::array:
            return "an array";
        case Kind::object:
            return "an object";
    }
    return "a value";
}

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

// The basic_parser handler that builds a Document. Values wait on a stack until their container
// closes; then the container's children move, contiguous, into Document::nodes.
class DocumentBuilder {
public:
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = max_manifest_string_bytes;

    Document document;
    bool too_many_values = false;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) {
        document.nodes.push_back(pending_.back());
        pending_.clear();
        return true;
    }
    bool on_array_begin(json::error_code& ec) { return push(make(Kind::array), ec); }
    bool on_array_end(std::size_t n, json::error_code&) { return close(n); }
    bool on_object_begin(json::error_code& ec) { return push(make(Kind::object), ec); }
    bool on_object_end(std::size_t n, json::error_code&) { return close(n); }

    bool on_string_part(json::string_view s, std::size_t n, json::error_code&) {
        append_string(s, n);
        return true;
    }
    bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
        append_string(s, n);
        Node node = make(Kind::string);
        node.too_long = string_too_long_;
        node.text_offset = static_cast<std::uint32_t>(string_start_);
        node.text_size = static_cast<std::uint32_t>(n);
        in_string_ = false;
        string_too_long_ = false;
        return push(node, ec);
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        append_key(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code&) {
        append_key(s);
        key_offset_ = key_start_;
        key_size_ = document.text.size() - key_start_;
        in_key_ = false;
        has_key_ = true;
        return true;
    }
    bool on_number_part(json::string_view s, json::error_code&) {
        append_number(s);
        return true;
    }
    bool on_int64(std::int64_t, json::string_view s, json::error_code& ec) { return number(s, ec); }
    bool on_uint64(std::uint64_t, json::string_view s, json::error_code& ec) {
        return number(s, ec);
    }
    bool on_double(double, json::string_view s, json::error_code& ec) { return number(s, ec); }
    bool on_bool(bool b, json::error_code& ec) {
        Node node = make(Kind::boolean);
        node.boolean = b;
        return push(node, ec);
    }
    bool on_null(json::error_code& ec) { return push(make(Kind::null), ec); }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

private:
    Node make(Kind kind) {
        Node node;
        node.kind = kind;
        if (has_key_) {
            node.key_offset = static_cast<std::uint32_t>(key_offset_);
            node.key_size = static_cast<std::uint32_t>(key_size_);
            has_key_ = false;
        }
        return node;
    }
    bool push(const Node& node, json::error_code& ec) {
        if (++value_count_ > max_json_values) {
            too_many_values = true;
            ec = json::error::exception;
            return false;
        }
        pending_.push_back(node);
        return true;
    }
    bool close(std::size_t n) {
        const std::size_t first = pending_.size() - n;
        Node& container = pending_[first - 1];
        container.first_child = static_cast<std::uint32_t>(document.nodes.size());
        container.child_count = static_cast<std::uint32_t>(n);
        document.nodes.insert(document.nodes.end(),
                              pending_.begin() + static_cast<std::ptrdiff_t>(first),
                              pending_.end());
        pending_.resize(first);
        return true;
    }
    void append_string(json::string_view s, std::size_t total) {
        if (!in_string_) {
            string_start_ = document.text.size();
            in_string_ = true;
        }
        if (string_too_long_) return;
        if (total > max_manifest_string_bytes) {
            string_too_long_ = true;
            document.text.resize(string_start_);
            return;
        }
        document.text.append(s.data(), s.size());
    }
    void append_key(json::string_view s) {
        if (!in_key_) {
            key_start_ = document.text.size();
            in_key_ = true;
        }
        document.text.append(s.data(), s.size());
    }
    void append_number(json::string_view s) {
        if (!in_number_) {
            number_start_ = document.text.size();
            in_number_ = true;
        }
        document.text.append(s.data(), s.size());
    }
    bool number(json::string_view s, json::error_code& ec) {
        append_number(s);
        Node node = make(Kind::number);
        node.text_offset = static_cast<std::uint32_t>(number_start_);
        node.text_size = static_cast<std::uint32_t>(document.text.size() - number_start_);
        in_number_ = false;
        return push(node, ec);
    }

    std::vector<Node> pending_;
    std::size_t value_count_ = 0;
    bool in_string_ = false, string_too_long_ = false, in_key_ = false, in_number_ = false;
    bool has_key_ = false;
    std::size_t string_start_ = 0, key_start_ = 0, number_start_ = 0;
    std::size_t key_offset_ = 0, key_size_ = 0;
};

// "line L, column C" of a byte offset; columns count characters (UTF-8 sequences), from 1.
std::string position_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string describe_parse_error(const json::error_code& ec) {
    if (ec == json::error::too_deep) {
        return "invalid JSON: arrays and objects nested deeper than the limit of " +
               std::to_string(max_manifest_depth);
    }
    if (ec == json::error::key_too_large) {
        return "invalid JSON: an object key longer than the limit of " +
               std::to_string(max_manifest_string_bytes) + " bytes";
    }
    if (ec == json::error::incomplete)
        return "invalid JSON: the text ends before the JSON value is complete";
    return "invalid JSON: " + ec.message();
}

// The document, or the one problem (with a line and column) that stopped the parser.
std::optional<Document> parse_document(std::string_view json_text, ManifestProblem& problem) {
    json::parse_options options;
    options.max_depth = max_manifest_depth;
    json::basic_parser<DocumentBuilder> parser(options);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, json_text.data(), json_text.size(), ec);
    if (parser.handler().too_many_values) {
        problem = {position_of(json_text, used),
                   "more than " + std::to_string(max_json_values) + " JSON values"};
        return std::nullopt;
    }
    if (ec) {
        problem = {position_of(json_text, used), describe_parse_error(ec)};
        return std::nullopt;
    }
    std::size_t rest = used;
    while (rest < json_text.size() && (json_text[rest] == ' ' || json_text[rest] == '\t' ||
                                       json_text[rest] == '\n' || json_text[rest] == '\r')) {
        ++rest;
    }
    if (rest < json_text.size()) {
        problem = {position_of(json_text, rest), "invalid JSON: more text after the JSON value"};
        return std::nullopt;
    }
    return std::move(parser.handler().document);
}

// ---------------------------------------------------------------------------------------------
// Validation

bool is_id(std::string_view s) {
    if (s.empty() || s.size() > max_id_length) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// A BCP 47 tag in the simple form kiosks use: a 2–3 letter lowercase language, then subtags of
// 1–8 letters or digits ("es", "fr-CA", "zh-Hant", "es-419"); at most 35 characters.
bool is_language_tag(std::string_view s) {
    if (s.empty() || s.size() > 35) return false;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i < 2 || i > 3) return false;
    while (i < s.size()) {
        if (s[i] != '-') return false;
        const std::size_t start = ++i;
        while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
        if (i - start < 1 || i - start > 8) return false;
    }
    return true;
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    }
    auto number = [&](std::size_t at, std::size_t len) {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + ((month == 2 && leap) ? 1 : 0);
}

struct FieldSpec {
    std::string_view name;
    bool required;
};

// The members of one object that matched the allowed fields, by name.
class Members {
public:
    explicit Members(std::initializer_list<FieldSpec> fields) {
        for (const auto& f : fields) found_.emplace_back(f.name, nullptr);
    }
    const Node* operator[](std::string_view name) const {
        for (const auto& [n, node] : found_) {
            if (n == name) return node;
        }
        throw std::logic_error("Members: field not declared: " + std::string(name));
    }
    bool set(std::string_view name, const Node* node) {
        for (auto& [n, slot] : found_) {
            if (n == name) {
                slot = node;
                return true;
            }
        }
        return false;
    }

private:
    std::vector<std::pair<std::string_view, const Node*>> found_;
};

std::string member_path(const std::string& parent, std::string_view field) {
    return parent.empty() ? std::string(field) : parent + "." + std::string(field);
}

std::string element_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// What the reader knows of each district, contest and ballot style, valid or not, so that the
// cross-references are checked without repeating problems already reported.
struct Seen {
    std::optional<std::string> id;  // present when "id" was a string within the size limit
    std::string path;
};

class ManifestReader {
public:
    explicit ManifestReader(const Document& document) : doc_(document) {}

    std::optional<ElectionManifest> read();

    std::vector<ManifestProblem> problems() const {
        std::vector<ManifestProblem> out = problems_;
        if (problem_count_ > problems_.size()) {
            out.push_back({"manifest", "and " + std::to_string(problem_count_ - problems_.size()) +
                                           " more problems not listed"});
        }
        return out;
    }

private:
    void report(const std::string& path, std::string reason) {
        ++problem_count_;
        if (problems_.size() < max_problems_listed) {
            problems_.push_back({path.empty() ? std::string("manifest") : path, std::move(reason)});
        }
    }
    void wrong_type(const Node& node, const std::string& path, std::string_view expected) {
        report(path, "expected " + std::string(expected) + ", got " + describe(node.kind));
    }

    std::optional<Members> read_object(const Node& node, const std::string& path,
                                       std::initializer_list<FieldSpec> fields);
    std::optional<std::span<const Node>> read_array(const Node& node, const std::string& path,
                                                    std::size_t max_entries, bool allow_empty);
    std::optional<std::string> read_string(const Node& node, const std::string& path);
    std::optional<std::string> read_text(const Node& node, const std::string& path);
    std::optional<std::string> read_id(const Node& node, const std::string& path);
    std::optional<std::string> read_date(const Node& node, const std::string& path);
    std::optional<std::int64_t> read_integer(const Node& node, const std::string& path,
                                             std::int64_t min, std::int64_t max,
                                             const std::string& max_description);
    std::optional<Bytes> read_base64(const Node& node, const std::string& path, std::size_t size);
    std::optional<LocalizedText> read_localized(const Node* text, const Node* translations,
                                                const std::string& text_path,
                                                const std::string& translations_path);

    void read_districts(const Node& node, ElectionManifest& out);
    void read_contests(const Node& node, ElectionManifest& out);
    std::optional<Contest> read_contest(const Node& node, const std::string& path, Seen& seen);
    void read_ballot_styles(const Node& node, ElectionManifest& out);
    void check_coverage();
    void read_guardians(const Node& node, ElectionManifest& out);
    std::optional<CeremonyRecord> read_ceremony(const Node& node, const ElectionManifest& out);
    // What read_ceremony_guardian checks across the entries of ceremony.guardians.
    struct CeremonyEntries {
        std::string path;  // "ceremony.guardians"
        std::int64_t max_index = 0;
        std::string max_index_description;
        std::map<std::int64_t, std::size_t> index_at;
        std::vector<std::pair<crypto::Ed25519PublicKey, std::size_t>> identity_keys;
    };
    // Entry i of ceremony.guardians; nullopt, its problems reported, unless it is complete.
    std::optional<GuardianRecord> read_ceremony_guardian(const Node& entry, std::size_t i,
                                                         const ElectionManifest& out,
                                                         CeremonyEntries& entries);

    const Document& doc_;
    std::vector<ManifestProblem> problems_;
    std::size_t problem_count_ = 0;

    std::vector<Seen> districts_, contests_;
    bool districts_read_ = false, contests_read_ = false;
    // For each ballot style: its name for messages, and the district and contest ids it lists.
    struct StyleSeen {
        std::string name;
        std::vector<std::string> districts, contests;
    };
    std::vector<StyleSeen> styles_;
    bool style_districts_complete_ = false, style_contests_complete_ = false;
    bool guardians_valid_ = false;
};

std::optional<Members> ManifestReader::read_object(const Node& node, const std::string& path,
                                                   std::initializer_list<FieldSpec> fields) {
    if (node.kind != Kind::object) {
        wrong_type(node, path, "an object");
        return std::nullopt;
    }
    Members members(fields);
    std::set<std::string_view> seen;
    for (const Node& child : doc_.children(node)) {
        const std::string_view key = doc_.key_of(child);
        if (!seen.insert(key).second) {
            report(path, "duplicate key " + quote(key));
            continue;
        }
        if (!members.set(key, &child)) report(path, "unknown field " + quote(key));
    }
    for (const auto& f : fields) {
        if (f.required && members[f.name] == nullptr) {
            report(member_path(path, f.name), "required field is missing");
        }
    }
    return members;
}

std::optional<std::span<const Node>> ManifestReader::read_array(const Node& node,
                                                                const std::string& path,
                                                                std::size_t max_entries,
                                                                bool allow_empty) {
    if (node.kind != Kind::array) {
        wrong_type(node, path, "an array");
        return std::nullopt;
    }
    if (node.child_count > max_entries) {
        report(path, plural(node.child_count, "entry", "entries") + " are more than the limit of " +
                         std::to_string(max_entries));
        return std::nullopt;
    }
    if (node.child_count == 0 && !allow_empty) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    return doc_.children(node);
}

std::optional<std::string> ManifestReader::read_string(const Node& node, const std::string& path) {
    if (node.kind != Kind::string) {
        wrong_type(node, path, "a string");
        return std::nullopt;
    }
    if (node.too_long) {
        report(path, "a string of " + std::to_string(node.text_size) +
                         " bytes is longer than the limit of " +
                         std::to_string(max_manifest_string_bytes) + " bytes");
        return std::nullopt;
    }
    return std::string(doc_.text_of(node));
}

// Text people read: not empty, no control characters (a line break in a name would spoil
// every list and receipt that shows it).
std::optional<std::string> ManifestReader::read_text(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (s->empty()) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    for (const char ch : *s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "contains a control character (U+%04X)", c);
            report(path, buf);
            return std::nullopt;
        }
    }
    return s;
}

std::optional<std::string> ManifestReader::read_id(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (s->empty()) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    if (!is_id(*s)) {
        report(path, quote(*s) + " is not an id (1 to 64 characters a-z, 0-9 and -)");
        return std::nullopt;
    }
    return s;
}

std::optional<std::string> ManifestReader::read_date(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (!is_date(*s)) {
        report(path, quote(*s) + " is not a valid date (YYYY-MM-DD)");
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> ManifestReader::read_integer(const Node& node, const std::string& path,
                                                         std::int64_t min, std::int64_t max,
                                                         const std::string& max_description) {
    if (node.kind != Kind::number) {
        wrong_type(node, path, "an integer");
        return std::nullopt;
    }
    const std::string_view text = doc_.text_of(node);
    if (text.find_first_of(".eE") != std::string_view::npos) {
        report(path, "expected an integer, got " + excerpt(text));
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool negative = !text.empty() && text[0] == '-';
    if (ec == std::errc::result_out_of_range || end != text.data() + text.size()) {
        // Too large for 64 bits: out of every range we use, on one side or the other.
        value = negative ? std::numeric_limits<std::int64_t>::min()
                         : std::numeric_limits<std::int64_t>::max();
    }
    if (value < min) {
        report(path, "must be at least " + std::to_string(min) + ", got " + excerpt(text));
        return std::nullopt;
    }
    if (value > max) {
        report(path, excerpt(text) + " is more than " + max_description);
        return std::nullopt;
    }
    return value;
}

std::optional<Bytes> ManifestReader::read_base64(const Node& node, const std::string& path,
                                                 std::size_t size) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (!is_canonical_base64(*s)) {
        report(path, quote(*s) + " is not base64 (RFC 4648, standard alphabet, padded)");
        return std::nullopt;
    }
    auto bytes = from_base64(*s);
    if (!bytes.ok()) {
        report(path, bytes.error().message);
        return std::nullopt;
    }
    if (bytes.value().size() != size) {
        report(path, "decodes to " + plural(bytes.value().size(), "byte", "bytes") + ", expected " +
                         std::to_string(size));
        return std::nullopt;
    }
    return std::move(bytes).value();
}

std::optional<LocalizedText> ManifestReader::read_localized(const Node* text,
                                                            const Node* translations,
                                                            const std::string& text_path,
                                                            const std::string& translations_path) {
    LocalizedText out;
    bool ok = true;
    if (text != nullptr) {
        auto s = read_text(*text, text_path);
        if (s) out.text = std::move(*s);
        ok = ok && s.has_value();
    } else {
        ok = false;
    }
    if (translations != nullptr) {
        if (translations->kind != Kind::object) {
            wrong_type(*translations, translations_path, "an object");
            return std::nullopt;
        }
        if (translations->child_count > max_translations) {
            report(translations_path,
                   plural(translations->child_count, "translation", "translations") +
                       " are more than the limit of " + std::to_string(max_translations));
            return std::nullopt;
        }
        std::set<std::string_view> tags;
        for (const Node& child : doc_.children(*translations)) {
            const std::string tag(doc_.key_of(child));
            if (!tags.insert(doc_.key_of(child)).second) {
                report(translations_path, "duplicate key " + quote(tag));
                ok = false;
                continue;
            }
            if (!is_language_tag(tag)) {
                report(translations_path,
                       quote(tag) + " is not a language tag (such as \"es\" or \"fr-CA\")");
                ok = false;
                continue;
            }
            auto s = read_text(child, translations_path + "." + tag);
            if (s) {
                out.translations.emplace(tag, std::move(*s));
            } else {
                ok = false;
            }
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

void ManifestReader::read_districts(const Node& node, ElectionManifest& out) {
    const std::string path = "districts";
    auto entries = read_array(node, path, max_districts, false);
    if (!entries) return;
    districts_read_ = true;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        Seen& seen = districts_.emplace_back(Seen{std::nullopt, at});
        auto m = read_object((*entries)[i], at, {{"id", true}, {"name", true}});
        if (!m) continue;
        District district;
        bool ok = true;
        if (const Node* id = (*m)["id"]) {
            if (id->kind == Kind::string && !id->too_long) seen.id = doc_.text_of(*id);
            auto s = read_id(*id, at + ".id");
            if (s && !ids.insert(*s).second) {
                report(at + ".id", "duplicate id " + quote(*s));
                s.reset();
            }
            if (s) district.id = std::move(*s);
            ok = ok && s.has_value();
        } else {
            ok = false;
        }
        if (const Node* name = (*m)["name"]) {
            auto s = read_text(*name, at + ".name");
            if (s) district.name = std::move(*s);
            ok = ok && s.has_value();
        } else {
            ok = false;
        }
        if (ok) out.districts.push_back(std::move(district));
    }
}

std::optional<Contest> ManifestReader::read_contest(const Node& node, const std::string& at,
                                                    Seen& seen) {
    auto m = read_object(node, at,
                         {{"id", true},
                          {"title", true},
                          {"title_translations", false},
                          {"kind", true},
                          {"vote_for", true},
                          {"options", true}});
    if (!m) return std::nullopt;
    Contest contest;
    bool ok = true;
    if (const Node* id = (*m)["id"]) {
        if (id->kind == Kind::string && !id->too_long) seen.id = doc_.text_of(*id);
        auto s = read_id(*id, at + ".id");
        if (s) contest.id = std::move(*s);
        ok = ok && s.has_value();
    } else {
        ok = false;
    }
    auto title = read_localized((*m)["title"], (*m)["title_translations"], at + ".title",
                                at + ".title_translations");
    if (title) contest.title = std::move(*title);
    ok = ok && title.has_value();

    std::optional<ContestKind> kind;
    if (const Node* k = (*m)["kind"]) {
        auto s = read_string(*k, at + ".kind");
        if (s && *s == "candidate") {
            kind = ContestKind::candidate;
        } else if (s && *s == "ballot_measure") {
            kind = ContestKind::ballot_measure;
        } else if (s) {
            report(at + ".kind",
                   quote(*s) + " is not a contest kind (\"candidate\" or \"ballot_measure\")");
        }
    }
    if (kind) contest.kind = *kind;
    ok = ok && kind.has_value();

    // Options first: vote_for is checked against their number.
    bool options_ok = false;
    if (const Node* options = (*m)["options"]) {
        const std::string path = at + ".options";
        if (auto entries = read_array(*options, path, max_options_per_contest, false)) {
            options_ok = true;
            std::set<std::string> ids;
            for (std::size_t i = 0; i < entries->size(); ++i) {
                const std::string oat = element_path(path, i);
                auto om =
                    read_object((*entries)[i], oat,
                                {{"id", true}, {"label", true}, {"label_translations", false}});
                if (!om) {
                    options_ok = false;
                    continue;
                }
                ContestOption option;
                bool option_ok = true;
                if (const Node* id = (*om)["id"]) {
                    auto s = read_id(*id, oat + ".id");
                    if (s && !ids.insert(*s).second) {
                        report(oat + ".id", "duplicate id " + quote(*s));
                        s.reset();
                    }
                    if (s) option.id = std::move(*s);
                    option_ok = option_ok && s.has_value();
                } else {
                    option_ok = false;
                }
                auto label = read_localized((*om)["label"], (*om)["label_translations"],
                                            oat + ".label", oat + ".label_translations");
                if (label) option.label = std::move(*label);
                option_ok = option_ok && label.has_value();
                if (option_ok) contest.options.push_back(std::move(option));
                options_ok = options_ok && option_ok;
            }
            if (options_ok && kind == ContestKind::ballot_measure) {
                const auto& o = contest.options;
                const bool yes_no = o.size() == 2 && ((o[0].id == "yes" && o[1].id == "no") ||
                                                      (o[0].id == "no" && o[1].id == "yes"));
                if (!yes_no) {
                    report(path, "a ballot measure has exactly two options, \"yes\" and \"no\"");
                    options_ok = false;
                }
            }
        }
    }
    ok = ok && options_ok;

    if (const Node* vote_for = (*m)["vote_for"]) {
        const std::string path = at + ".vote_for";
        std::int64_t max = crypto::max_range_limit;
        std::string max_description = "the limit of " + std::to_string(max);
        if (options_ok && contest.options.size() < crypto::max_range_limit) {
            max = static_cast<std::int64_t>(contest.options.size());
            max_description = "the " + plural(contest.options.size(), "option", "options");
        }
        auto n = read_integer(*vote_for, path, 1, max, max_description);
        if (n && kind == ContestKind::ballot_measure && *n != 1) {
            report(path, "a ballot measure has vote_for 1, got " + std::to_string(*n));
            n.reset();
        }
        if (n) contest.vote_for = static_cast<std::uint32_t>(*n);
        ok = ok && n.has_value();
    } else {
        ok = false;
    }
    if (!ok) return std::nullopt;
    return contest;
}

void ManifestReader::read_contests(const Node& node, ElectionManifest& out) {
    const std::string path = "contests";
    auto entries = read_array(node, path, max_contests, false);
    if (!entries) return;
    contests_read_ = true;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        Seen& seen = contests_.emplace_back(Seen{std::nullopt, at});
        auto contest = read_contest((*entries)[i], at, seen);
        if (contest && !ids.insert(contest->id).second) {
            report(at + ".id", "duplicate id " + quote(contest->id));
            contest.reset();
        } else if (!contest && seen.id && is_id(*seen.id) && !ids.insert(*seen.id).second) {
            // The contest is wrong elsewhere; its id still must be unique.
            report(at + ".id", "duplicate id " + quote(*seen.id));
        }
        if (contest) out.contests.push_back(std::move(*contest));
    }
}

void ManifestReader::read_ballot_styles(const Node& node, ElectionManifest& out) {
    const std::string path = "ballot_styles";
    auto entries = read_array(node, path, max_ballot_styles, false);
    if (!entries) return;
    // Ids as written, valid or not, so that a reference to a malformed id is reported once, at
    // the id, and not again as unknown.
    std::set<std::string> district_ids, contest_ids;
    for (const Seen& d : districts_) {
        if (d.id) district_ids.insert(*d.id);
    }
    for (const Seen& c : contests_) {
        if (c.id) contest_ids.insert(*c.id);
    }

    style_districts_complete_ = districts_read_;
    style_contests_complete_ = contests_read_;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string at = element_path(path, i);
        StyleSeen& seen = styles_.emplace_back(StyleSeen{at, {}, {}});
        auto m =
            read_object((*entries)[i], at, {{"id", true}, {"districts", true}, {"contests", true}});
        if (!m) {
            style_districts_complete_ = style_contests_complete_ = false;
            continue;
        }
        BallotStyle style;
        bool ok = true;
        if (const Node* id = (*m)["id"]) {
            auto s = read_id(*id, at + ".id");
            if (s && !ids.insert(*s).second) {
                report(at + ".id", "duplicate id " + quote(*s));
                s.reset();
            }
            if (s) {
                seen.name = quote(*s);
                style.id = std::move(*s);
            }
            ok = ok && s.has_value();
        } else {
            ok = false;
        }

        // The two lists have the same shape: ids of known things, each at most once.
        auto read_list = [&](const char* field, std::size_t max_entries,
                             const std::set<std::string>& known, bool known_complete,
                             const char* what, std::vector<std::string>& seen_ids,
                             std::vector<std::string>& result) {
            const Node* list = (*m)[field];
            if (list == nullptr) return false;
            const std::string lpath = at + "." + field;
            auto items = read_array(*list, lpath, max_entries, false);
            if (!items) return false;
            bool list_ok = true;
            std::set<std::string> listed;
            for (std::size_t j = 0; j < items->size(); ++j) {
                auto s = read_id((*items)[j], element_path(lpath, j));
                if (!s) {
                    list_ok = false;
                    continue;
                }
                if (!listed.insert(*s).second) {
                    report(lpath, std::string("lists ") + what + " " + quote(*s) + " twice");
                    list_ok = false;
                    continue;
                }
                seen_ids.push_back(*s);
                if (known_complete && known.count(*s) == 0) {
                    report(lpath, std::string("unknown ") + what + " " + quote(*s));
                    list_ok = false;
                    continue;
                }
                result.push_back(std::move(*s));
            }
            return list_ok;
        };
        const bool districts_ok =
            read_list("districts", max_districts, district_ids, districts_read_, "district",
                      seen.districts, style.districts);
        const bool contests_ok =
            read_list("contests", max_contests_per_style, contest_ids, contests_read_, "contest",
                      seen.contests, style.contests);
        const Node* dl = (*m)["districts"];
        const Node* cl = (*m)["contests"];
        if (dl == nullptr || dl->kind != Kind::array || dl->child_count > max_districts) {
            style_districts_complete_ = false;
        }
        if (cl == nullptr || cl->kind != Kind::array || cl->child_count > max_contests_per_style) {
            style_contests_complete_ = false;
        }
        if (districts_ok && contests_ok && ok) out.ballot_styles.push_back(std::move(style));
    }
}

// Every district on exactly one ballot style, every contest on at least one.
void ManifestReader::check_coverage() {
    if (style_districts_complete_) {
        std::map<std::string, std::vector<std::string>> styles_of;
        for (const StyleSeen& s : styles_) {
            for (const auto& d : s.districts) styles_of[d].push_back(s.name);
        }
        for (const Seen& d : districts_) {
            if (!d.id || !is_id(*d.id)) continue;
            const auto it = styles_of.find(*d.id);
            if (it == styles_of.end()) {
                report(d.path, "no ballot style lists this district");
            } else if (it->second.size() > 1) {
                report(d.path + ".id", "listed in ballot styles " + join_names(it->second));
                it->second.clear();  // once, should the id also be duplicated
            }
        }
    }
    if (style_contests_complete_) {
        std::set<std::string> used;
        for (const StyleSeen& s : styles_) used.insert(s.contests.begin(), s.contests.end());
        for (const Seen& c : contests_) {
            if (c.id && is_id(*c.id) && used.count(*c.id) == 0) {
                report(c.path, "no ballot style lists this contest");
            }
        }
    }
}

void ManifestReader::read_guardians(const Node& node, ElectionManifest& out) {
    auto m = read_object(node, "guardians", {{"count", true}, {"threshold", true}});
    if (!m) return;
    std::optional<std::int64_t> count, threshold;
    if (const Node* c = (*m)["count"]) {
        count = read_integer(*c, "guardians.count", 1, max_guardians,
                             "the limit of " + std::to_string(max_guardians));
    }
    if (const Node* t = (*m)["threshold"]) {
        std::int64_t max = max_guardians;
        std::string max_description = "the limit of " + std::to_string(max_guardians);
        if (count) {
            max = *count;
            max_description =
                "the " + plural(static_cast<std::size_t>(*count), "guardian", "guardians");
        }
        threshold = read_integer(*t, "guardians.threshold", 1, max, max_description);
    }
    if (count && threshold) {
        out.guardian_count = static_cast<std::uint32_t>(*count);
        out.threshold = static_cast<std::uint32_t>(*threshold);
        guardians_valid_ = true;
    }
}

std::optional<GuardianRecord> ManifestReader::read_ceremony_guardian(const Node& entry,
                                                                     std::size_t i,
                                                                     const ElectionManifest& out,
                                                                     CeremonyEntries& seen) {
    const std::string at = element_path(seen.path, i);
    auto gm = read_object(
        entry, at,
        {{"index", true}, {"identity_key", true}, {"commitments", true}, {"proofs", true}});
    if (!gm) return std::nullopt;
    GuardianRecord guardian;
    bool guardian_ok = true;
    if (const Node* idx = (*gm)["index"]) {
        auto n = read_integer(*idx, at + ".index", 1, seen.max_index, seen.max_index_description);
        if (n && !seen.index_at.emplace(*n, i).second) {
            report(at + ".index", "duplicate index " + std::to_string(*n));
            n.reset();
        }
        if (n) guardian.index = static_cast<std::uint32_t>(*n);
        guardian_ok = guardian_ok && n.has_value();
    } else {
        guardian_ok = false;
    }
    guardian.commitments.guardian_index = guardian.index;

    if (const Node* key = (*gm)["identity_key"]) {
        const std::string kpath = at + ".identity_key";
        auto bytes = read_base64(*key, kpath, crypto::Ed25519PublicKey::size);
        bool key_ok = false;
        if (bytes) {
            auto pk = crypto::Ed25519PublicKey::from_bytes(*bytes);
            if (!pk.ok()) {
                report(kpath, "not an Ed25519 public key: " + pk.error().message);
            } else {
                const auto same =
                    std::find_if(seen.identity_keys.begin(), seen.identity_keys.end(),
                                 [&](const auto& e) { return e.first == pk.value(); });
                if (same != seen.identity_keys.end()) {
                    report(kpath, "the same key as " + element_path(seen.path, same->second));
                } else {
                    seen.identity_keys.emplace_back(pk.value(), i);
                    guardian.identity_key = pk.value();
                    key_ok = true;
                }
            }
        }
        guardian_ok = guardian_ok && key_ok;
    } else {
        guardian_ok = false;
    }

    // Exactly `threshold` of each: one commitment per polynomial coefficient, one proof each.
    auto read_list = [&](const char* field, const char* what, auto&& decode) {
        const Node* list = (*gm)[field];
        if (list == nullptr) return false;
        const std::string lpath = at + "." + field;
        auto items = read_array(*list, lpath, max_guardians, false);
        if (!items) return false;
        bool list_ok = true;
        if (guardians_valid_ && items->size() != out.threshold) {
            report(lpath, plural(items->size(), what, std::string(what) + "s") +
                              ", expected guardians.threshold " + std::to_string(out.threshold));
            list_ok = false;
        }
        for (std::size_t j = 0; j < items->size(); ++j) {
            list_ok = decode((*items)[j], element_path(lpath, j)) && list_ok;
        }
        return list_ok;
    };
    const bool commitments_ok =
        read_list("commitments", "commitment", [&](const Node& item, const std::string& p) {
            auto bytes = read_base64(item, p, crypto::Point::size);
            if (!bytes) return false;
            auto point = crypto::Point::from_bytes(*bytes);
            if (!point.ok()) {
                report(p, "not a group element: " + point.error().message);
                return false;
            }
            guardian.commitments.commitments.push_back(point.value());
            return true;
        });
    const bool proofs_ok =
        read_list("proofs", "proof", [&](const Node& item, const std::string& p) {
            auto bytes = read_base64(item, p, crypto::ChallengeResponse::size);
            if (!bytes) return false;
            auto proof = crypto::ChallengeResponse::from_bytes(*bytes);
            if (!proof.ok()) {
                report(p, "not a proof (c ‖ v): " + proof.error().message);
                return false;
            }
            guardian.commitments.proofs.push_back(proof.value());
            return true;
        });
    guardian_ok = guardian_ok && commitments_ok && proofs_ok;
    if (!guardian_ok) return std::nullopt;
    return guardian;
}

std::optional<CeremonyRecord> ManifestReader::read_ceremony(const Node& node,
                                                            const ElectionManifest& out) {
    const std::string path = "ceremony";
    auto m = read_object(node, path, {{"joint_key", true}, {"guardians", true}});
    if (!m) return std::nullopt;
    CeremonyRecord record;
    bool ok = true;

    std::optional<crypto::Point> joint_key;
    if (const Node* k = (*m)["joint_key"]) {
        if (auto bytes = read_base64(*k, path + ".joint_key", crypto::Point::size)) {
            auto point = crypto::Point::from_bytes(*bytes);
            if (!point.ok()) {
                report(path + ".joint_key", "not a group element: " + point.error().message);
            } else if (point.value().is_identity()) {
                report(path + ".joint_key", "is the identity element");
            } else {
                joint_key = point.value();
            }
        }
    }
    ok = ok && joint_key.has_value();

    const Node* guardians = (*m)["guardians"];
    if (guardians == nullptr) return std::nullopt;
    const std::string gpath = path + ".guardians";
    auto entries = read_array(*guardians, gpath, max_guardians, false);
    if (!entries) return std::nullopt;
    if (guardians_valid_ && entries->size() != out.guardian_count) {
        report(gpath, plural(entries->size(), "entry", "entries") + ", expected guardians.count " +
                          std::to_string(out.guardian_count));
        ok = false;
    }
    CeremonyEntries seen;
    seen.path = gpath;
    seen.max_index = guardians_valid_ ? out.guardian_count : max_guardians;
    seen.max_index_description = guardians_valid_
                                     ? "guardians.count " + std::to_string(out.guardian_count)
                                     : "the limit of " + std::to_string(max_guardians);
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto guardian = read_ceremony_guardian((*entries)[i], i, out, seen);
        if (guardian) {
            record.guardians.push_back(std::move(*guardian));
        } else {
            ok = false;
        }
    }
    if (guardians_valid_) {
        for (std::uint32_t index = 1; index <= out.guardian_count; ++index) {
            if (seen.index_at.count(index) == 0) {
                report(gpath, "no entry for guardian " + std::to_string(index));
                ok = false;
            }
        }
    }
    if (!ok || !guardians_valid_) return std::nullopt;

    std::vector<crypto::CoefficientCommitments> all;
    all.reserve(record.guardians.size());
    for (const auto& g : record.guardians) all.push_back(g.commitments);
    if (crypto::compute_joint_public_key(all) != *joint_key) {
        report(path + ".joint_key",
               "is not the sum of the guardians' first commitments (K = Σ K_i,0)");
        return std::nullopt;
    }
    record.joint_key = *joint_key;
    return record;
}

std::optional<ElectionManifest> ManifestReader::read() {
    auto m = read_object(doc_.root(), "",
                         {{"format", true},
                          {"election_id", true},
                          {"name", true},
                          {"start_date", true},
                          {"end_date", true},
                          {"districts", true},
                          {"contests", true},
                          {"ballot_styles", true},
                          {"guardians", true},
                          {"ceremony", false}});
    if (!m) return std::nullopt;
    ElectionManifest out;
    if (const Node* f = (*m)["format"]) {
        auto s = read_string(*f, "format");
        if (s && *s != manifest_format) {
            report("format", quote(*s) + " is not a supported format (expected \"" +
                                 std::string(manifest_format) + "\")");
        }
    }
    if (const Node* n = (*m)["election_id"]) {
        if (auto s = read_id(*n, "election_id")) out.election_id = std::move(*s);
    }
    if (const Node* n = (*m)["name"]) {
        if (auto s = read_text(*n, "name")) out.name = std::move(*s);
    }
    std::optional<std::string> start, end;
    if (const Node* n = (*m)["start_date"]) start = read_date(*n, "start_date");
    if (const Node* n = (*m)["end_date"]) end = read_date(*n, "end_date");
    if (start && end && *end < *start) {
        report("end_date", *end + " is before start_date " + *start);
    }
    if (start) out.start_date = *start;
    if (end) out.end_date = *end;

    if (const Node* n = (*m)["districts"]) read_districts(*n, out);
    if (const Node* n = (*m)["contests"]) read_contests(*n, out);
    if (const Node* n = (*m)["ballot_styles"]) {
        read_ballot_styles(*n, out);
        check_coverage();
    }
    if (const Node* n = (*m)["guardians"]) read_guardians(*n, out);
    if (const Node* n = (*m)["ceremony"]) out.ceremony = read_ceremony(*n, out);

    if (problem_count_ > 0) return std::nullopt;
    return out;
}

// Both parse_manifest and parse_manifest_problems: the manifest, or the problems and the code.
struct Outcome {
    std::optional<ElectionManifest> manifest;
    std::vector<ManifestProblem> problems;
    ErrorCode code = ErrorCode::invalid_argument;
};

Outcome parse(std::string_view json_text) {
    Outcome outcome;
    if (json_text.size() > max_manifest_bytes) {
        outcome.problems.push_back({"manifest", "the JSON is " + std::to_string(json_text.size()) +
                                                    " bytes, more than the limit of " +
                                                    std::to_string(max_manifest_bytes) +
                                                    " bytes (4 MiB)"});
        return outcome;
    }
    ManifestProblem problem;
    auto document = parse_document(json_text, problem);
    if (!document) {
        outcome.problems.push_back(std::move(problem));
        outcome.code = ErrorCode::invalid_encoding;
        return outcome;
    }
    ManifestReader reader(*document);
    outcome.manifest = reader.read();
    outcome.problems = reader.problems();
    return outcome;
}

std::string join_problems(const std::vector<ManifestProblem>& problems, const std::string& prefix) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += prefix + p.path + ": " + p.reason;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

// A JSON value to be written: the writer builds one of these, then prints it. Members are a
// separate struct because a vector may hold an incomplete type but std::pair may not.
struct OutMember;
struct OutValue {
    enum class Type { string, integer, array, object } type = Type::string;
    std::string text;                // the string, or the integer's digits
    std::vector<OutMember> members;  // object members or array items
};
struct OutMember {
    std::string key;  // empty for array items
    OutValue value;
};

OutValue out_string(std::string s) { return {OutValue::Type::string, std::move(s), {}}; }
OutValue out_integer(std::uint64_t n) { return {OutValue::Type::integer, std::to_string(n), {}}; }
OutValue out_array() { return {OutValue::Type::array, {}, {}}; }
OutValue out_object() { return {OutValue::Type::object, {}, {}}; }
void add(OutValue& container, std::string key, OutValue value) {
    container.members.push_back(OutMember{std::move(key), std::move(value)});
}

// JSON string escaping as Python's json.dumps(ensure_ascii=False) does it, so that files
// written by either tool are byte for byte the same.
void write_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void write_value(std::string& out, const OutValue& v, std::size_t depth) {
    switch (v.type) {
        case OutValue::Type::string:
            write_string(out, v.text);
            return;
        case OutValue::Type::integer:
            out += v.text;
            return;
        case OutValue::Type::array:
        case OutValue::Type::object:
            break;
    }
    const bool object = v.type == OutValue::Type::object;
    if (v.members.empty()) {
        out += object ? "{}" : "[]";
        return;
    }
    out += object ? '{' : '[';
    const std::string indent(2 * (depth + 1), ' ');
    for (std::size_t i = 0; i < v.members.size(); ++i) {
        out += i == 0 ? "\n" : ",\n";
        out += indent;
        if (object) {
            write_string(out, v.members[i].key);
            out += ": ";
        }
        write_value(out, v.members[i].value, depth + 1);
    }
    out += '\n';
    out += std::string(2 * depth, ' ');
    out += object ? '}' : ']';
}

void add_localized(OutValue& object, const std::string& field, const LocalizedText& text) {
    add(object, field, out_string(text.text));
    if (text.translations.empty()) return;
    OutValue translations = out_object();
    for (const auto& [tag, t] : text.translations) add(translations, tag, out_string(t));
    add(object, field + "_translations", std::move(translations));
}

OutValue out_strings(const std::vector<std::string>& items) {
    OutValue a = out_array();
    for (const auto& s : items) add(a, {}, out_string(s));
    return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const District* ElectionManifest::find_district(std::string_view id) const {
    for (const auto& d : districts) {
        if (d.id == id) return &d;
    }
    return nullptr;
}

const Contest* ElectionManifest::find_contest(std::string_view id) const {
    for (const auto& c : contests) {
        if (c.id == id) return &c;
    }
    return nullptr;
}

const BallotStyle* ElectionManifest::ballot_style_of_district(std::string_view district_id) const {
    for (const auto& s : ballot_styles) {
        if (std::find(s.districts.begin(), s.districts.end(), district_id) != s.districts.end()) {
            return &s;
        }
    }
    return nullptr;
}

std::vector<ManifestProblem> parse_manifest_problems(std::string_view json_text) {
    return parse(json_text).problems;
}

Result<ElectionManifest> parse_manifest(std::string_view json_text) {
    Outcome outcome = parse(json_text);
    if (!outcome.problems.empty() || !outcome.manifest) {
        return make_error(outcome.code, join_problems(outcome.problems, ""));
    }
    return std::move(*outcome.manifest);
}

Result<ElectionManifest> load_manifest_file(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        return make_error(ErrorCode::io_error, path + ": " + ec.message());
    }
    if (!std::filesystem::exists(status)) {
        return make_error(ErrorCode::not_found, path + ": no such file");
    }
    if (std::filesystem::is_directory(status)) {
        return make_error(ErrorCode::io_error, path + ": is a directory, not a manifest file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::io_error, path + ": cannot open for reading");
    // Read at most one byte past the limit, whatever the file claims its size to be (a pipe or
    // a growing file has none that can be trusted).
    std::string text;
    std::array<char, 65536> buffer{};
    while (text.size() <= max_manifest_bytes) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        text.append(buffer.data(), std::min(got, max_manifest_bytes + 1 - text.size()));
        if (!in) break;
    }
    if (in.bad()) return make_error(ErrorCode::io_error, path + ": read error");
    if (text.size() > max_manifest_bytes) {
        return make_error(ErrorCode::invalid_argument, path + ": more than the limit of " +
                                                           std::to_string(max_manifest_bytes) +
                                                           " bytes (4 MiB) for a manifest");
    }
    Outcome outcome = parse(text);
    if (!outcome.problems.empty() || !outcome.manifest) {
        return make_error(outcome.code, join_problems(outcome.problems, path + ": "));
    }
    return std::move(*outcome.manifest);
}

std::string manifest_to_json(const ElectionManifest& m) {
    OutValue root = out_object();
    add(root, "format", out_string(std::string(manifest_format)));
    add(root, "election_id", out_string(m.election_id));
    add(root, "name", out_string(m.name));
    add(root, "start_date", out_string(m.start_date));
    add(root, "end_date", out_string(m.end_date));

    OutValue districts = out_array();
    for (const auto& d : m.districts) {
        OutValue o = out_object();
        add(o, "id", out_string(d.id));
        add(o, "name", out_string(d.name));
        add(districts, {}, std::move(o));
    }
    add(root, "districts", std::move(districts));

    OutValue contests = out_array();
    for (const auto& c : m.contests) {
        OutValue o = out_object();
        add(o, "id", out_string(c.id));
        add_localized(o, "title", c.title);
        add(o, "kind",
            out_string(c.kind == ContestKind::ballot_measure ? "ballot_measure" : "candidate"));
        add(o, "vote_for", out_integer(c.vote_for));
        OutValue options = out_array();
        for (const auto& opt : c.options) {
            OutValue oo = out_object();
            add(oo, "id", out_string(opt.id));
            add_localized(oo, "label", opt.label);
            add(options, {}, std::move(oo));
        }
        add(o, "options", std::move(options));
        add(contests, {}, std::move(o));
    }
    add(root, "contests", std::move(contests));

    OutValue styles = out_array();
    for (const auto& s : m.ballot_styles) {
        OutValue o = out_object();
        add(o, "id", out_string(s.id));
        add(o, "districts", out_strings(s.districts));
        add(o, "contests", out_strings(s.contests));
        add(styles, {}, std::move(o));
    }
    add(root, "ballot_styles", std::move(styles));

    OutValue guardians = out_object();
    add(guardians, "count", out_integer(m.guardian_count));
    add(guardians, "threshold", out_integer(m.threshold));
    add(root, "guardians", std::move(guardians));

    if (m.ceremony) {
        OutValue ceremony = out_object();
        add(ceremony, "joint_key", out_string(to_base64(m.ceremony->joint_key.bytes())));
        OutValue records = out_array();
        for (const auto& g : m.ceremony->guardians) {
            OutValue o = out_object();
            add(o, "index", out_integer(g.index));
            add(o, "identity_key", out_string(to_base64(g.identity_key.span())));
            OutValue commitments = out_array();
            for (const auto& k : g.commitments.commitments) {
                add(commitments, {}, out_string(to_base64(k.bytes())));
            }
            add(o, "commitments", std::move(commitments));
            OutValue proofs = out_array();
            for (const auto& p : g.commitments.proofs) {
                add(proofs, {}, out_string(to_base64(p.to_bytes())));
            }
            add(o, "proofs", std::move(proofs));
            add(records, {}, std::move(o));
        }
        add(ceremony, "guardians", std::move(records));
        add(root, "ceremony", std::move(ceremony));
    }

    std::string out;
    write_value(out, root, 0);
    out += '\n';
    return out;
}

}  // namespace psephos::election
