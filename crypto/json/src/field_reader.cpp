// The typed field reader (field_reader.hpp): members by name and type, problems by JSON path.
#include "psephos/json/field_reader.hpp"

#include "psephos/json/strict_json.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace psephos::json {

namespace bj = boost::json;

namespace {

bool is_string(const bj::value& v) { return v.is_string(); }
bool is_bool(const bj::value& v) { return v.is_bool(); }
bool is_whole_from_zero(const bj::value& v) {
    return v.is_uint64() || (v.is_int64() && v.as_int64() >= 0);
}

std::uint64_t whole(const bj::value& v) {
    return v.is_uint64() ? v.as_uint64() : static_cast<std::uint64_t>(v.as_int64());
}

bool is_lower_hex(std::string_view t) {
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string member_path(std::string_view parent, std::string_view name) {
    return std::string(parent) + "." + std::string(name);
}

std::string element_path(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe_kind(const bj::value& value) {
    switch (value.kind()) {
        case bj::kind::object:
            return "an object";
        case bj::kind::array:
            return "a list";
        case bj::kind::string:
            return "a string";
        case bj::kind::bool_:
            return "true or false";
        case bj::kind::null:
            return "null";
        default:
            return "a number";
    }
}

FieldReader::FieldReader(const bj::value& value, std::string what, std::string path, ErrorCode code)
    : FieldReader(&value, std::make_shared<State>(State{std::move(what), code, std::nullopt}),
                  std::move(path)) {}

FieldReader::FieldReader(const bj::value* value, std::shared_ptr<State> state, std::string path)
    : state_(std::move(state)), path_(std::move(path)) {
    if (value == nullptr) return;  // the problem is already kept
    if (!value->is_object()) {
        fail("expected an object, got " + describe_kind(*value));
        return;
    }
    object_ = &value->as_object();
}

FieldReader FieldReader::object(std::string_view name) {
    return FieldReader(get(name), state_, path_of(name));
}

FieldReader FieldReader::element(const bj::value& value, std::size_t index,
                                 std::string_view list_path) {
    return FieldReader(&value, state_, element_path(list_path, index));
}

bool FieldReader::has(std::string_view name) const {
    return object_ != nullptr && object_->if_contains(name) != nullptr;
}

const bj::value* FieldReader::get_optional(std::string_view name) {
    if (object_ == nullptr) return nullptr;
    seen_.emplace(name);
    return object_->if_contains(name);
}

void FieldReader::allow(std::initializer_list<std::string_view> names) {
    for (const std::string_view name : names) seen_.emplace(name);
}

const bj::value* FieldReader::get(std::string_view name) {
    if (object_ == nullptr) return nullptr;
    const bj::value* v = get_optional(name);
    if (v == nullptr) fail_at(name, "is missing");
    return v;
}

const bj::value* FieldReader::typed(std::string_view name, bool (*is)(const bj::value&),
                                    std::string_view expected, bool required) {
    const bj::value* v = required ? get(name) : get_optional(name);
    if (v == nullptr) return nullptr;
    if (!is(*v)) {
        fail_at(name, "expected " + std::string(expected) + ", got " + describe_kind(*v));
        return nullptr;
    }
    return v;
}

std::string FieldReader::text(std::string_view name) {
    const bj::value* v = typed(name, is_string, "a string", true);
    return v ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> FieldReader::optional_text(std::string_view name) {
    const bj::value* v = typed(name, is_string, "a string", false);
    if (v == nullptr) return std::nullopt;
    return std::string(v->as_string());
}

std::uint64_t FieldReader::number(std::string_view name) {
    const bj::value* v = typed(name, is_whole_from_zero, "a whole number from 0", true);
    return v ? whole(*v) : 0;
}

std::optional<std::uint64_t> FieldReader::optional_number(std::string_view name) {
    const bj::value* v = typed(name, is_whole_from_zero, "a whole number from 0", false);
    if (v == nullptr) return std::nullopt;
    return whole(*v);
}

bool FieldReader::boolean(std::string_view name) {
    const bj::value* v = typed(name, is_bool, "true or false", true);
    return v ? v->as_bool() : false;
}

namespace {

// A string member decoded by `decode` (nullopt when it does not decode), or T{} and
// "expected <expected>" kept.
template <class T, class Decode>
T read_decoded(FieldReader& r, std::string_view name, std::string_view expected, Decode decode) {
    const bj::value* v = r.get(name);
    if (v == nullptr) return T{};
    std::optional<T> out;
    if (v->is_string()) out = decode(std::string_view(v->as_string()));
    if (!out) {
        r.fail_at(name, "expected " + std::string(expected) +
                            (v->is_string() ? "" : ", got " + describe_kind(*v)));
        return T{};
    }
    return std::move(*out);
}

template <class T>
std::optional<T> value_of(Result<T> r) {
    if (!r) return std::nullopt;
    return std::move(r).value();
}

}  // namespace

Hash32 FieldReader::hash(std::string_view name) {
    return read_decoded<Hash32>(*this, name, "64 lower-case hex digits", [](std::string_view t) {
        return is_lower_hex(t) ? value_of(Hash32::from_hex(t)) : std::nullopt;
    });
}

Bytes FieldReader::hex(std::string_view name) {
    return read_decoded<Bytes>(*this, name, "a lower-case hex string", [](std::string_view t) {
        return is_lower_hex(t) ? value_of(from_hex(t)) : std::nullopt;
    });
}

Bytes FieldReader::base64(std::string_view name) {
    return read_decoded<Bytes>(*this, name, "canonical base64",
                               [](std::string_view t) { return value_of(from_base64(t)); });
}

const bj::array* FieldReader::array(std::string_view name, std::size_t max_count) {
    const bj::value* v = get(name);
    if (v == nullptr) return nullptr;
    if (!v->is_array() || v->as_array().size() > max_count) {
        fail_at(name, "expected a list of at most " + std::to_string(max_count) + ", got " +
                          (v->is_array() ? std::to_string(v->as_array().size()) + " entries"
                                         : describe_kind(*v)));
        return nullptr;
    }
    return &v->as_array();
}

std::vector<Hash32> FieldReader::hashes(std::string_view name, std::size_t max_count) {
    const bj::array* list = array(name, max_count);
    if (list == nullptr) return {};
    std::vector<Hash32> out;
    out.reserve(list->size());
    const std::string at = path_of(name);
    for (std::size_t i = 0; i < list->size(); ++i) {
        const bj::value& e = (*list)[i];
        auto h = e.is_string() && is_lower_hex(e.as_string()) ? Hash32::from_hex(e.as_string())
                                                              : Result<Hash32>(Error{});
        if (!h) {
            fail_path(element_path(at, i), "expected 64 lower-case hex digits");
            return {};
        }
        out.push_back(h.value());
    }
    return out;
}

void FieldReader::fail(const std::string& reason) { fail_path(path_, reason); }

void FieldReader::fail_at(std::string_view name, const std::string& reason) {
    fail_path(path_of(name), reason);
}

void FieldReader::fail_path(const std::string& path, const std::string& reason) {
    if (!state_->error)
        state_->error = Error{state_->code, state_->what + ": " + path + ": " + reason};
}

void FieldReader::adopt(const Error& error) {
    if (!state_->error) state_->error = error;
}

Status FieldReader::finish() {
    if (object_ != nullptr && ok()) {
        for (const auto& kv : *object_) {
            if (seen_.count(kv.key()) == 0) {
                fail("unknown member " + quote_member_name(kv.key()));
                break;
            }
        }
    }
    return status();
}

Status FieldReader::status() const {
    if (state_->error) return *state_->error;
    return {};
}

}  // namespace psephos::json
