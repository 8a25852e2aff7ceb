// The proof bundle's strict JSON field reader and writer helpers (private to the bridge library):
// shared by proof_bundle.cpp and receipt_evidence.cpp.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/bridge/receipt_evidence.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge::bundle_json {

namespace json = boost::json;

inline json::array hashes_to_json(const std::vector<Hash32>& hashes) {
    json::array out;
    for (const Hash32& h : hashes) out.emplace_back(h.to_hex());
    return out;
}

// Reads an object's fields strictly: each read names the field; unknown fields are refused by
// finish().
class FieldReader {
public:
    FieldReader(const json::value& value, std::string where) : where_(std::move(where)) {
        if (!value.is_object()) {
            fail("is not a JSON object");
            return;
        }
        object_ = &value.as_object();
    }

    // Whether the object has the (optional) field; get() then reads it.
    bool has(std::string_view key) const {
        return object_ != nullptr && object_->if_contains(key) != nullptr;
    }
    const json::value* get(std::string_view key) {
        if (!object_) return nullptr;
        seen_.insert(std::string(key));
        const json::value* v = object_->if_contains(key);
        if (!v) fail("has no field '" + std::string(key) + "'");
        return v;
    }
    std::string text(std::string_view key) {
        const json::value* v = get(key);
        if (!v) return {};
        if (!v->is_string()) {
            fail("field '" + std::string(key) + "' is not a string");
            return {};
        }
        return std::string(v->as_string());
    }
    std::uint64_t number(std::string_view key) {
        const json::value* v = get(key);
        if (!v) return 0;
        if (v->is_uint64()) return v->as_uint64();
        if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
        fail("field '" + std::string(key) + "' is not a whole number from 0");
        return 0;
    }
    bool boolean(std::string_view key) {
        const json::value* v = get(key);
        if (!v) return false;
        if (!v->is_bool()) {
            fail("field '" + std::string(key) + "' is not true or false");
            return false;
        }
        return v->as_bool();
    }
    Hash32 hash(std::string_view key) {
        const std::string t = text(key);
        if (!ok()) return {};
        auto h = Hash32::from_hex(t);
        if (!h || to_lower_hex(t) != t) {
            fail("field '" + std::string(key) + "' is not 64 lower-case hex digits");
            return {};
        }
        return h.value();
    }
    Bytes hex(std::string_view key) {
        const std::string t = text(key);
        if (!ok()) return {};
        auto b = from_hex(t);
        if (!b || to_lower_hex(t) != t) {
            fail("field '" + std::string(key) + "' is not lower-case hex");
            return {};
        }
        return b.value();
    }
    Bytes base64(std::string_view key) {
        const std::string t = text(key);
        if (!ok()) return {};
        auto b = from_base64(t);
        if (!b) {
            fail("field '" + std::string(key) + "' is not canonical base64");
            return {};
        }
        return b.value();
    }
    std::vector<Hash32> hashes(std::string_view key) {
        const json::value* v = get(key);
        if (!v) return {};
        if (!v->is_array() || v->as_array().size() > 128) {
            fail("field '" + std::string(key) + "' is not a list of at most 128 hashes");
            return {};
        }
        std::vector<Hash32> out;
        for (std::size_t i = 0; i < v->as_array().size(); ++i) {
            const json::value& e = v->as_array()[i];
            auto h = e.is_string() ? Hash32::from_hex(e.as_string()) : Result<Hash32>(Error{});
            if (!h) {
                fail("field '" + std::string(key) + "' item " + std::to_string(i) +
                     " is not 64 hex digits");
                return {};
            }
            out.push_back(h.value());
        }
        return out;
    }

    void fail(const std::string& reason) {
        if (!error_) error_ = Error{ErrorCode::invalid_encoding, where_ + " " + reason};
    }
    bool ok() const { return !error_.has_value(); }
    Status finish() {
        if (object_ && ok()) {
            for (const auto& kv : *object_) {
                if (!seen_.count(std::string(kv.key())))
                    fail("has an unknown field '" + std::string(kv.key()) + "'");
            }
        }
        if (error_) return *error_;
        return {};
    }

private:
    static std::string to_lower_hex(std::string t) {
        std::transform(t.begin(), t.end(), t.begin(), [](char c) {
            return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        return t;
    }

    std::string where_;
    const json::object* object_ = nullptr;
    std::set<std::string> seen_;
    std::optional<Error> error_;
};

// The bundle's "receipt" section (receipt_evidence.cpp).
json::object receipt_evidence_to_json(const ReceiptEvidence& evidence);
Result<ReceiptEvidence> receipt_evidence_from_json(const json::value& value);

}  // namespace psephos::bridge::bundle_json
