// The manifest's strict JSON document (manifest_json.hpp).
#include "manifest_json.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/json/basic_parser_impl.hpp>

#include "psephos/json/strict_json.hpp"

namespace psephos::election::manifest_detail {

namespace json = boost::json;

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

namespace {

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

}  // namespace

// The document, or the one problem (with a line and column) that stopped the parser.
std::optional<Document> parse_document(std::string_view json_text, ManifestProblem& problem) {
    json::parse_options options;
    options.max_depth = max_manifest_depth;
    json::basic_parser<DocumentBuilder> parser(options);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, json_text.data(), json_text.size(), ec);
    if (parser.handler().too_many_values) {
        problem = {psephos::json::position_of(json_text, used),
                   "more than " + std::to_string(max_json_values) + " JSON values"};
        return std::nullopt;
    }
    if (ec) {
        problem = {psephos::json::position_of(json_text, used), describe_parse_error(ec)};
        return std::nullopt;
    }
    std::size_t rest = used;
    while (rest < json_text.size() && (json_text[rest] == ' ' || json_text[rest] == '\t' ||
                                       json_text[rest] == '\n' || json_text[rest] == '\r')) {
        ++rest;
    }
    if (rest < json_text.size()) {
        problem = {psephos::json::position_of(json_text, rest),
                   "invalid JSON: more text after the JSON value"};
        return std::nullopt;
    }
    return std::move(parser.handler().document);
}

}  // namespace psephos::election::manifest_detail
