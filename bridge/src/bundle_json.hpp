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
#include "psephos/json/field_reader.hpp"

namespace psephos::bridge::bundle_json {

namespace json = boost::json;

inline json::array hashes_to_json(const std::vector<Hash32>& hashes) {
    json::array out;
    for (const Hash32& h : hashes) out.emplace_back(h.to_hex());
    return out;
}

// The bundle's fields are read by the one typed field reader (psephos/json/field_reader.hpp).
using FieldReader = psephos::json::FieldReader;

// The bundle's "receipt" section (receipt_evidence.cpp).
json::object receipt_evidence_to_json(const ReceiptEvidence& evidence);
Result<ReceiptEvidence> receipt_evidence_from_json(const json::value& value);

}  // namespace psephos::bridge::bundle_json
