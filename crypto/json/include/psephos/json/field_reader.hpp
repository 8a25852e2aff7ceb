// The one typed field reader over parse_strict's values (strict_json.hpp): reads an object's
// required and optional members as the types a format names, refuses unknown members when the
// format says so (finish()), and keeps the first problem, named by the input and the JSON path:
//   `proof bundle: $.anchors[2].transaction_id: expected 64 lower-case hex digits`
// The manifest's reader (ledger/election/src/manifest_reader.*) is its model; it keeps its own
// because it lists every problem and needs each number's text.
//
// A reader of a nested object or list element shares its parent's first problem (object(),
// element()), so one status() at the end answers for the whole document.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::json {

// "$.name" or "$.list[3]" from a parent path ("$" for the document).
std::string member_path(std::string_view parent, std::string_view name);
std::string element_path(std::string_view parent, std::size_t index);
// "an object", "a string", "a number", "true or false", "null", "a list"
std::string describe_kind(const boost::json::value& value);

class FieldReader {
public:
    // Reads `value` as an object at `path` of the input named `what` ("proof bundle",
    // "bridge.json"); problems carry `code`.
    FieldReader(const boost::json::value& value, std::string what, std::string path = "$",
                ErrorCode code = ErrorCode::invalid_encoding);

    // A reader of the member `name` (required), or of a list's element, sharing this one's
    // first problem. A missing member or a value that is not an object gives a reader that
    // reads nothing.
    FieldReader object(std::string_view name);
    FieldReader element(const boost::json::value& value, std::size_t index,
                        std::string_view list_path);

    const std::string& path() const { return path_; }
    std::string path_of(std::string_view name) const { return member_path(path_, name); }

    // Whether the object has the member (reading nothing).
    bool has(std::string_view name) const;
    // The member, marked as read; a missing required member is a problem.
    const boost::json::value* get(std::string_view name);
    const boost::json::value* get_optional(std::string_view name);

    // Marks members the format allows as known without reading them (for finish()).
    void allow(std::initializer_list<std::string_view> names);

    // Required members of one type; on a problem, an empty value and the problem kept.
    std::string text(std::string_view name);
    std::uint64_t number(std::string_view name);
    bool boolean(std::string_view name);
    Hash32 hash(std::string_view name);  // 64 lower-case hex digits
    Bytes hex(std::string_view name);    // lower-case hex
    Bytes base64(std::string_view name);
    std::vector<Hash32> hashes(std::string_view name, std::size_t max_count = 128);
    // A list of at most max_count values, or nullptr (a problem kept).
    const boost::json::array* array(std::string_view name, std::size_t max_count);

    // Optional members: nullopt when absent; a present member of the wrong type is a problem.
    std::optional<std::string> optional_text(std::string_view name);
    std::optional<std::uint64_t> optional_number(std::string_view name);

    // A problem at this object ("<what>: <path>: <reason>") or at one of its members.
    void fail(const std::string& reason);
    void fail_at(std::string_view name, const std::string& reason);
    // Keeps an error made elsewhere as it is, if it is the first.
    void adopt(const Error& error);

    bool ok() const { return !state_->error.has_value(); }
    // Refuses members not read (those the format does not name), then the first problem.
    Status finish();
    // The first problem without checking for unknown members.
    Status status() const;

private:
    struct State {
        std::string what;
        ErrorCode code;
        std::optional<Error> error;
    };
    FieldReader(const boost::json::value* value, std::shared_ptr<State> state, std::string path);
    void fail_path(const std::string& path, const std::string& reason);
    // The member if it is of the kind `is` accepts, else nullptr and "expected <expected>".
    const boost::json::value* typed(std::string_view name, bool (*is)(const boost::json::value&),
                                    std::string_view expected, bool required);

    std::shared_ptr<State> state_;
    std::string path_;
    const boost::json::object* object_ = nullptr;
    std::set<std::string, std::less<>> seen_;
};

}  // namespace psephos::json
