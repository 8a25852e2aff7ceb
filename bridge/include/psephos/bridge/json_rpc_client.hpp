// A JSON-RPC 2.0 client over HTTP/1.1 or HTTPS (Boost.Beast, OpenSSL 3), the transport of every
// call the bridge makes to an EVM or Bitcoin node. HTTPS verifies the node's certificate chain
// and its name (or IP address) against the system's CAs, or against a PEM file of trusted
// certificates (a pinned self-signed certificate, a private CA); nothing is sent before that.
// Credentials are sent only over HTTPS or to a loopback address. Synchronous for the caller, but
// each phase runs against a real deadline, so a silent or hung node ends in an io_error instead of
// a frozen anchoring run.
//
// One TCP connection per call ("Connection: close"): anchoring makes a handful of calls per
// election, so the saved handshakes are not worth the states a kept-alive connection can be in
// (closed by the node between calls, half-read after a timeout). Nothing is logged, and no
// error message carries a request body.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// Where a node listens: http://host[:port][/path] or https://host[:port][/path].
struct RpcEndpoint {
    std::string host;          // a name, an IPv4 address or an IPv6 address without brackets
    std::uint16_t port = 80;   // from the URL, 80 (http) or 443 (https) when it names none
    std::string target = "/";  // the path (and query) the requests are posted to
    bool tls = false;          // https

    // Accepts "http://" and "https://" URLs with a non-empty host, an optional decimal port
    // 1–65535 and an optional path; refuses other schemes, user info ("user:pass@") and
    // fragments with a message saying so.
    static Result<RpcEndpoint> parse(std::string_view url);

    // Whether the host is a loopback address (127.0.0.0/8, ::1) or "localhost": the only hosts
    // credentials may go to over plain http.
    bool is_loopback() const;

    // "http(s)://host:port/target", for messages.
    std::string to_string() const;
};

struct RpcTimeouts {
    std::chrono::milliseconds connect{5000};   // name resolution and TCP connect
    std::chrono::milliseconds request{15000};  // sending the request and reading the whole answer
};

// A JSON-RPC error object sent by the node ({"code": -32000, "message": "nonce too low"}).
// `message` is sanitised (printable ASCII only, at most 200 bytes) before it gets here.
struct JsonRpcErrorObject {
    std::int64_t code = 0;
    std::string message;
    boost::json::value data;  // null when the node sent none
};

// What a well-formed exchange returns: the call's result, or the node's error object.
using JsonRpcAnswer = std::variant<boost::json::value, JsonRpcErrorObject>;

inline constexpr std::size_t default_max_response_body = 8 * 1024 * 1024;

// How the node speaks. EVM nodes answer JSON-RPC 2.0 strictly. Bitcoin Core (before v28, and
// for requests that say "1.0") answers JSON-RPC 1.0: no "jsonrpc" member, both "result" and
// "error" present with one of them null, and an error with HTTP status 500 (404 for an unknown
// method) and the error object in the body.
enum class JsonRpcDialect { json_rpc_2_0, bitcoin_core };

// HTTP Basic credentials: bitcoind's rpcuser/rpcpassword, or the two halves of its cookie file
// ("__cookie__:<hex>"). Never put in a message.
struct RpcCredentials {
    std::string user;
    std::string password;
};

// Checks one HTTP response to the request with id `expected_id` and returns its answer. Kept apart
// from the socket so the checks can be tested and fuzzed directly. Fails, naming `method`, on a
// status other than 200 (io_error, with the status and the first 200 bytes of the body,
// sanitised), and with invalid_encoding on a body that is not JSON, not an object, has a
// "jsonrpc" other than "2.0", another id, both or neither of "result" and "error", or a malformed
// error object.
// With JsonRpcDialect::bitcoin_core: "jsonrpc" may be absent, a null "error" beside a "result"
// (or a null "result" beside an error object) is allowed, and statuses 404 and 500 are read as
// JSON-RPC answers when their body is one.
Result<JsonRpcAnswer> parse_json_rpc_response(
    std::string_view method, std::uint64_t expected_id, unsigned http_status, std::string_view body,
    JsonRpcDialect dialect = JsonRpcDialect::json_rpc_2_0);

// The error a JSON-RPC error object becomes when the caller wanted a result (ErrorCode::refused):
// "eth_sendRawTransaction: JSON-RPC error -32000: nonce too low".
Error to_error(std::string_view method, const JsonRpcErrorObject& error_object);

// Frees what OpenSSL keeps per thread (its per-thread random generators, the error queue) for
// the calling thread, as OpenSSL does when a thread exits. For a task on a pooled thread (the
// auditor's on-chain check) that made JSON-RPC calls over https: the pool's thread may outlive the
// task and even the test that ran it. Safe to call on any thread, and again; a later https call on
// the thread sets the state up anew.
void release_thread_tls_state();

// Not thread-safe (the request id counter): one client per thread, or a lock around it. Each call
// opens its own connection, so clients for the same endpoint do not disturb each other.
class JsonRpcClient {
public:
    explicit JsonRpcClient(RpcEndpoint endpoint, RpcTimeouts timeouts = {},
                           std::size_t max_response_body = default_max_response_body);

    // Calls `method` and returns its result. A JSON-RPC error object becomes ErrorCode::refused
    // (see to_error); connection failures, timeouts ("...: timed out after 15000 ms"), an
    // oversized or truncated answer become io_error; malformed answers as parse_json_rpc_response.
    Result<boost::json::value> call(std::string_view method, boost::json::array params);

    // As call, but hands back the node's error object instead of turning it into an Error, for
    // callers that react to particular codes (a method the node does not offer, say).
    Result<JsonRpcAnswer> call_for_answer(std::string_view method, boost::json::array params);

    // Bitcoin Core's JSON-RPC 1.0 (see JsonRpcDialect); requests then say "jsonrpc": "1.0".
    void use_dialect(JsonRpcDialect dialect) { dialect_ = dialect; }
    // Sends an "Authorization: Basic …" header with every request: over https, or over http to
    // a loopback address only (a call to another host over http is refused before connecting).
    void use_credentials(RpcCredentials credentials) { credentials_ = std::move(credentials); }
    // For https: trust the certificates in this PEM file (a pinned certificate, or a CA) instead
    // of the system's CAs. A pinned certificate need not be a CA: it is a trust anchor itself.
    void use_trusted_certificates(std::string pem_file) {
        trusted_certificates_ = std::move(pem_file);
    }

    const RpcEndpoint& endpoint() const { return endpoint_; }
    const RpcTimeouts& timeouts() const { return timeouts_; }

private:
    RpcEndpoint endpoint_;
    RpcTimeouts timeouts_;
    std::size_t max_response_body_;
    std::uint64_t next_id_ = 1;
    JsonRpcDialect dialect_ = JsonRpcDialect::json_rpc_2_0;
    std::optional<RpcCredentials> credentials_;
    std::string trusted_certificates_;  // a file name; empty: the system's CAs
};

}  // namespace psephos::bridge
