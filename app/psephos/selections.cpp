// Parses the selections JSON with Boost.JSON's SAX parser, so that the shape is checked as it is
// read and a duplicated contest key is seen (a DOM parse keeps only the last one).
#include "selections.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <optional>
#include <string>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::app {
namespace {

namespace json = boost::json;

constexpr std::size_t max_selections_bytes = std::size_t{1} << 20;
constexpr std::size_t max_id_bytes = 64;

// Accepts exactly one object whose values are arrays of strings; anything else sets `problem`.
class SelectionsHandler {
public:
    static constexpr std::size_t max_array_size = 1000;
    static constexpr std::size_t max_object_size = 100'000;
    static constexpr std::size_t max_string_size = max_id_bytes;
    static constexpr std::size_t max_key_size = max_id_bytes;

    election::BallotMarks marks;
    std::optional<std::string> problem;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code& ec) {
        if (depth_ != 0) return wrong(ec, "expected an array of option ids");
        ++depth_;
        return true;
    }
    bool on_object_end(std::size_t, json::error_code&) {
        --depth_;
        return true;
    }
    bool on_array_begin(json::error_code& ec) {
        if (depth_ != 1)
            return wrong(ec,
                         depth_ == 0 ? "expected an object" : "expected an option id (a string)");
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t, json::error_code&) {
        --depth_;
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        key_.append(s.data(), s.size());
        if (!marks.try_emplace(key_).second) return wrong(ec, "contest named more than once");
        contest_ = key_;
        key_.clear();
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        string_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
        string_.append(s.data(), s.size());
        if (depth_ != 2) return wrong(ec, "expected an array of option ids");
        marks[contest_].push_back(string_);
        string_.clear();
        return true;
    }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, json::error_code& ec) { return scalar(ec); }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) { return scalar(ec); }
    bool on_double(double, json::string_view, json::error_code& ec) { return scalar(ec); }
    bool on_bool(bool, json::error_code& ec) { return scalar(ec); }
    bool on_null(json::error_code& ec) { return scalar(ec); }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

private:
    bool scalar(json::error_code& ec) {
        return wrong(ec, depth_ == 0   ? "expected an object"
                         : depth_ == 1 ? "expected an array of option ids"
                                       : "expected an option id (a string)");
    }
    bool wrong(json::error_code& ec, const std::string& reason) {
        problem = depth_ == 0 ? reason : "contest \"" + contest_ + "\": " + reason;
        ec = json::error::exception;
        return false;
    }

    int depth_ = 0;
    std::string key_, string_, contest_;
};

// "line L, column C" of a byte offset (lines and columns from 1, columns in bytes).
std::string position_of(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<election::BallotMarks> parse_selections(std::string_view text) {
    auto fail = [](const std::string& message) {
        return make_error(ErrorCode::invalid_encoding, message);
    };
    if (text.size() > max_selections_bytes) {
        return fail("selections: more than " + std::to_string(max_selections_bytes) +
                    " bytes of JSON");
    }
    json::parse_options options;
    options.max_depth = 2;
    json::basic_parser<SelectionsHandler> parser(options);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (parser.handler().problem) {
        return fail("selections: " + position_of(text, used) + ": " + *parser.handler().problem);
    }
    if (ec) {
        const std::string reason =
            ec == json::error::incomplete
                ? std::string("the text ends before the JSON value is complete")
                : ec.message();
        return fail("selections: " + position_of(text, used) + ": invalid JSON: " + reason);
    }
    const std::size_t rest = text.find_first_not_of(" \t\r\n", used);
    if (rest != std::string_view::npos) {
        return fail("selections: " + position_of(text, rest) +
                    ": invalid JSON: more text after the JSON value");
    }
    return std::move(parser.handler().marks);
}

Result<election::BallotMarks> read_selections(const std::string& argument) {
    const std::size_t first = argument.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && argument[first] == '{') return parse_selections(argument);
    auto bytes = crypto::read_public_file(argument, max_selections_bytes);
    if (!bytes) return bytes.error();
    auto marks = parse_selections(std::string_view(
        reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()));
    if (!marks) return marks.error().within(argument);
    return marks;
}

}  // namespace psephos::app
