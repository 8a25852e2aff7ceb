// Fuzzes parse_json_rpc_response (the checks on every HTTP body a node sends the bridge, in both
// dialects) and the strict EVM decoders applied to what it returns (quantities, data, receipts,
// transactions).
// Invariants: no crash; a rejection of a status-200 body is invalid_encoding, names the method and
// is printable ASCII (node text is sanitised before it reaches a message); an accepted body is a
// JSON object with "jsonrpc": "2.0" and the request id, checked independently with Boost.JSON; an
// error object's message is printable and at most 203 bytes; a quantity or data string the
// decoders accept formats back to itself (in lower case).
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/json_rpc_client.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::fuzz::require;

namespace {

bool printable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

void check_decoders_on(std::string_view text) {
    if (auto q = parse_evm_quantity(text); q.ok())
        require(format_evm_quantity(q.value()) == lower(text), "quantity round-trips");
    if (auto q = parse_evm_quantity_u64(text); q.ok())
        require(format_evm_quantity(q.value()) == lower(text), "u64 quantity round-trips");
    if (auto d = parse_evm_data(text); d.ok())
        require(format_evm_data(d.value()) == lower(text), "data round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body = fuzz::text_of(data, size);
    constexpr std::uint64_t id = 1;

    auto answer = parse_json_rpc_response("eth_call", id, 200, body);
    // Bitcoin Core's dialect (JSON-RPC 1.0) is a superset: whatever the strict reader accepts it
    // reads the same way, and it never crashes on an error status either.
    for (const unsigned status : {200u, 404u, 500u}) {
        auto core = parse_json_rpc_response("getrawtransaction", id, status, body,
                                            JsonRpcDialect::bitcoin_core);
        if (!core) require(printable(core.error().message), "a rejection is printable ASCII");
        if (status == 200 && answer)
            require(core.ok() && core.value().index() == answer.value().index(),
                    "the Bitcoin Core dialect reads a JSON-RPC 2.0 answer alike");
    }
    if (!answer) {
        require(answer.error().code == ErrorCode::invalid_encoding,
                "a rejected 200 body is invalid_encoding");
        require(answer.error().message.rfind("eth_call: ", 0) == 0, "a rejection names the method");
        require(printable(answer.error().message), "a rejection is printable ASCII");
        check_decoders_on(body);
        return 0;
    }

    boost::system::error_code ec;
    const boost::json::value parsed =
        boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
    require(!ec && parsed.is_object(), "an accepted body is a JSON object");
    const auto& object = parsed.get_object();
    require(object.contains("jsonrpc") && object.at("jsonrpc") == "2.0",
            "an accepted body has jsonrpc 2.0");
    require(object.contains("id") && object.at("id").is_number() &&
                object.at("id").to_number<double>() == 1.0,
            "an accepted body has the request id");

    if (const auto* error_object = std::get_if<JsonRpcErrorObject>(&answer.value())) {
        require(printable(error_object->message) && error_object->message.size() <= 203,
                "an error object's message is sanitised");
        require(printable(to_error("eth_call", *error_object).message),
                "a JSON-RPC error is printable ASCII");
        return 0;
    }
    const boost::json::value& result = std::get<boost::json::value>(answer.value());
    if (const auto* text = result.if_string()) check_decoders_on(std::string_view(*text));
    // The object decoders must reject or accept any result without crashing.
    (void)parse_evm_receipt(result);
    (void)parse_evm_transaction(result);
    return 0;
}
