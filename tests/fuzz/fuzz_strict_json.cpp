// Fuzzes psephos::json::parse_strict against Boost.JSON's own parser (differential).
// Invariants: no crash; whatever parse_strict accepts, boost::json::parse accepts too and builds
// the same value; whatever Boost.JSON accepts and parse_strict refuses is refused for a member
// name twice in one object or a limit (values, string length), never for a reason Boost.JSON
// would also give; every refusal is invalid_encoding and names the input, a line and a column.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/json/strict_json.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    json::Limits limits;
    limits.max_values = 4096;
    limits.max_string_bytes = 256;
    auto strict = json::parse_strict(text, "fuzz", limits);

    boost::json::error_code ec;
    boost::json::parse_options options;
    options.max_depth = limits.max_depth;
    const boost::json::value loose = boost::json::parse(text, ec, {}, options);

    if (strict) {
        require(!ec, "parse_strict accepted what Boost.JSON refuses");
        require(boost::json::serialize(*strict) == boost::json::serialize(loose),
                "parse_strict built another value than Boost.JSON");
        return 0;
    }
    require(strict.error().code == ErrorCode::invalid_encoding, "refusal is not invalid_encoding");
    const std::string& m = strict.error().message;
    require(m.rfind("fuzz: line ", 0) == 0 && m.find(", column ") != std::string::npos,
            "refusal names no line and column");
    if (!ec) {
        require(m.find("appears twice in one object") != std::string::npos ||
                    m.find("more than 4096 JSON values") != std::string::npos ||
                    m.find("longer than 256 bytes") != std::string::npos,
                "parse_strict refused valid JSON for another reason");
    }
    return 0;
}
