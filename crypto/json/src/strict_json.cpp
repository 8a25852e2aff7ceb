#include "psephos/json/strict_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

namespace psephos::json {

namespace bj = boost::json;

namespace {

enum class Stop { none, duplicate, too_many_values, string_too_long };

// Builds the value on a value_stack (as boost::json::parser does) and checks, member by member,
// what the value_stack would hide: a name already used in the same object.
class StrictBuilder {
public:
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

    explicit StrictBuilder(const Limits& limits) : limits_(limits) {}

    bj::value_stack stack;
    Stop stop = Stop::none;
    std::string duplicate_name;

    bool on_document_begin(bj::error_code&) {
        stack.reset();
        return true;
    }
    bool on_document_end(bj::error_code&) { return true; }
    bool on_array_begin(bj::error_code& ec) { return count(ec); }
    bool on_array_end(std::size_t n, bj::error_code&) {
        stack.push_array(n);
        return true;
    }
    bool on_object_begin(bj::error_code& ec) {
        names_.emplace_back();
        return count(ec);
    }
    bool on_object_end(std::size_t n, bj::error_code&) {
        names_.pop_back();
        stack.push_object(n);
        return true;
    }
    bool on_string_part(bj::string_view s, std::size_t n, bj::error_code& ec) {
        if (!fits(n, ec)) return false;
        stack.push_chars(s);
        return true;
    }
    bool on_string(bj::string_view s, std::size_t n, bj::error_code& ec) {
        if (!fits(n, ec) || !count(ec)) return false;
        stack.push_string(s);
        return true;
    }
    bool on_key_part(bj::string_view s, std::size_t n, bj::error_code& ec) {
        if (!fits(n, ec)) return false;
        key_.append(s.data(), s.size());
        stack.push_chars(s);
        return true;
    }
    bool on_key(bj::string_view s, std::size_t n, bj::error_code& ec) {
        if (!fits(n, ec)) return false;
        key_.append(s.data(), s.size());
        if (!names_.back().insert(key_).second) {
            stop = Stop::duplicate;
            duplicate_name = std::move(key_);
            key_.clear();
            ec = bj::error::exception;
            return false;
        }
        key_.clear();
        stack.push_key(s);
        return true;
    }
    bool on_number_part(bj::string_view, bj::error_code&) { return true; }
    bool on_int64(std::int64_t i, bj::string_view, bj::error_code& ec) {
        if (!count(ec)) return false;
        stack.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code& ec) {
        if (!count(ec)) return false;
        stack.push_uint64(u);
        return true;
    }
    bool on_double(double d, bj::string_view, bj::error_code& ec) {
        if (!count(ec)) return false;
        stack.push_double(d);
        return true;
    }
    bool on_bool(bool b, bj::error_code& ec) {
        if (!count(ec)) return false;
        stack.push_bool(b);
        return true;
    }
    bool on_null(bj::error_code& ec) {
        if (!count(ec)) return false;
        stack.push_null();
        return true;
    }
    bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
    bool on_comment(bj::string_view, bj::error_code&) { return true; }

private:
    bool count(bj::error_code& ec) {
        if (++values_ <= limits_.max_values) return true;
        stop = Stop::too_many_values;
        ec = bj::error::exception;
        return false;
    }
    bool fits(std::size_t total, bj::error_code& ec) {
        if (total <= limits_.max_string_bytes) return true;
        stop = Stop::string_too_long;
        ec = bj::error::exception;
        return false;
    }

    const Limits& limits_;
    std::size_t values_ = 0;
    std::vector<std::unordered_set<std::string>> names_;  // of each object open, innermost last
    std::string key_;
};

std::string reason(const StrictBuilder& builder, const bj::error_code& ec, const Limits& limits) {
    switch (builder.stop) {
        case Stop::duplicate:
            return "the member " + quote_member_name(builder.duplicate_name) +
                   " appears twice in one object";
        case Stop::too_many_values:
            return "more than " + std::to_string(limits.max_values) + " JSON values";
        case Stop::string_too_long:
            return "a string or member name longer than " +
                   std::to_string(limits.max_string_bytes) + " bytes";
        case Stop::none:
            break;
    }
    if (ec == bj::error::too_deep) {
        return "arrays and objects nested deeper than " + std::to_string(limits.max_depth);
    }
    if (ec == bj::error::incomplete) return "the text ends before the JSON value is complete";
    return "not JSON: " + ec.message();
}

}  // namespace

std::string quote_member_name(std::string_view name) {
    std::string out = "\"";
    std::size_t kept = 0;
    for (const char c : name) {
        if (++kept > 64) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F || c == '"' || c == '\\') {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

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

Result<boost::json::value> parse_strict(std::string_view text, std::string_view what,
                                        const Limits& limits) {
    if (text.size() > limits.max_bytes) {
        return make_error(ErrorCode::invalid_argument,
                          std::string(what) + ": larger than " + std::to_string(limits.max_bytes) +
                              " bytes (" + std::to_string(text.size()) + ")");
    }
    bj::parse_options options;
    options.max_depth = limits.max_depth;
    bj::basic_parser<StrictBuilder> parser(options, limits);
    bj::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    auto fail = [&](std::size_t at, const std::string& why) {
        return make_error(ErrorCode::invalid_encoding,
                          std::string(what) + ": " + position_of(text, at) + ": " + why);
    };
    if (ec) return fail(used, reason(parser.handler(), ec, limits));
    std::size_t rest = used;
    while (rest < text.size() &&
           (text[rest] == ' ' || text[rest] == '\t' || text[rest] == '\n' || text[rest] == '\r')) {
        ++rest;
    }
    if (rest < text.size()) return fail(rest, "more text after the JSON value");
    return parser.handler().stack.release();
}

}  // namespace psephos::json
