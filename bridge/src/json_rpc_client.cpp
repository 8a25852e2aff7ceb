// JSON-RPC 2.0 over HTTP/1.1 or HTTPS on Boost.Beast and OpenSSL 3 (json_rpc_client.hpp).
//
// Each call owns a private io_context and runs it once per phase (connect, then write and read);
// beast::tcp_stream's expiry closes the socket when a phase's deadline passes, so every phase
// ends. Name resolution is the one step a deadline cannot cut short: getaddrinfo is not
// cancellable, so a hung DNS server is bounded by the system resolver's own timeouts (resolv.conf);
// numeric addresses, the usual case for a local node, skip it.
#include "psephos/bridge/json_rpc_client.hpp"

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>

#include "psephos/crypto/bytes.hpp"
#include "psephos/json/strict_json.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace psephos::bridge {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr std::size_t max_echoed_bytes = 200;

// Text from the network made safe for a message: printable ASCII kept, everything else '?',
// cut at max_echoed_bytes with "..." after it.
std::string sanitise(std::string_view text) {
    std::string out;
    const std::size_t kept = std::min(text.size(), max_echoed_bytes);
    out.reserve(kept + 3);
    for (std::size_t i = 0; i < kept; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
    }
    if (text.size() > kept) out += "...";
    return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool is_host_name_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_';
}

Error url_error(std::string_view url, const std::string& why) {
    return make_error(ErrorCode::invalid_argument, "RPC URL '" + sanitise(url) + "': " + why);
}

std::string milliseconds_text(std::chrono::milliseconds ms) {
    return std::to_string(ms.count()) + " ms";
}

// Runs the io_context until the operation started by `start` calls its handler, and returns the
// handler's error code. The stream's expiry guarantees the handler runs.
template <class Start>
beast::error_code run_until_done(asio::io_context& io, Start&& start) {
    beast::error_code result;
    bool done = false;
    std::forward<Start>(start)([&](beast::error_code ec, auto&&...) {
        result = ec;
        done = true;
    });
    io.restart();
    io.run();
    if (!done) return asio::error::operation_aborted;  // cannot happen: run() returns when idle
    return result;
}

std::string host_header(const RpcEndpoint& endpoint) {
    const bool ipv6 = endpoint.host.find(':') != std::string::npos;
    std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
    return host + ":" + std::to_string(endpoint.port);
}

}  // namespace

Result<RpcEndpoint> RpcEndpoint::parse(std::string_view url) {
    const bool tls = starts_with_ignoring_case(url, "https://");
    const std::string_view scheme = tls ? "https://" : "http://";
    if (!starts_with_ignoring_case(url, scheme))
        return url_error(url, "only http(s)://host[:port][/path] URLs are supported");
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return url_error(url, "contains a space, a control or a non-ASCII character");
    }
    if (url.find('#') != std::string_view::npos) return url_error(url, "has a fragment ('#')");

    std::string_view rest = url.substr(scheme.size());
    const std::size_t authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view target =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos)
        return url_error(url, "has user info ('user@'); credentials in URLs are refused");

    RpcEndpoint endpoint;
    endpoint.tls = tls;
    endpoint.port = tls ? 443 : 80;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return url_error(url, "IPv6 host without ']'");
        endpoint.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return url_error(url, "unexpected text after ']'");
            port_text = after.substr(1);
            has_port = true;
        }
        boost::system::error_code ec;
        asio::ip::make_address_v6(endpoint.host, ec);
        if (ec) return url_error(url, "'" + endpoint.host + "' is not an IPv6 address");
    } else {
        const std::size_t colon = authority.find(':');
        endpoint.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            has_port = true;
        }
        if (!std::all_of(endpoint.host.begin(), endpoint.host.end(), is_host_name_char))
            return url_error(url, "host has a character other than letters, digits, '-', '.', '_'");
    }
    if (endpoint.host.empty()) return url_error(url, "has no host");

    if (has_port) {
        if (port_text.empty() || port_text.size() > 5 ||
            !std::all_of(port_text.begin(), port_text.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
            return url_error(url, "port is not a number from 1 to 65535");
        unsigned long port = std::stoul(std::string(port_text));
        if (port == 0 || port > 65535)
            return url_error(url, "port is not a number from 1 to 65535");
        endpoint.port = static_cast<std::uint16_t>(port);
    }

    if (target.empty()) {
        endpoint.target = "/";
    } else if (target.front() == '?') {
        endpoint.target = "/" + std::string(target);
    } else {
        endpoint.target = std::string(target);
    }
    return endpoint;
}

std::string RpcEndpoint::to_string() const {
    return (tls ? "https://" : "http://") + host_header(*this) + target;
}

bool RpcEndpoint::is_loopback() const {
    if (equals_ignoring_case(host, "localhost")) return true;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

Result<JsonRpcAnswer> parse_json_rpc_response(std::string_view method, std::uint64_t expected_id,
                                              unsigned http_status, std::string_view body,
                                              JsonRpcDialect dialect) {
    const std::string where(method);
    const bool core = dialect == JsonRpcDialect::bitcoin_core;
    auto malformed = [&](const std::string& why) {
        return make_error(ErrorCode::invalid_encoding,
                          where + ": malformed JSON-RPC response: " + why);
    };
    // Bitcoin Core sends its error objects with 500 (or 404); anything else that is not 200, and
    // a 500/404 whose body is not an answer, is a transport fault.
    if (core && (http_status == 500 || http_status == 404)) {
        const auto v =
            psephos::json::parse_strict(body, where, psephos::json::Limits::for_size(body.size()));
        if (!v || !v->is_object() || !v->as_object().contains("error") ||
            v->as_object().at("error").is_null()) {
            return make_error(ErrorCode::io_error, where + ": HTTP status " +
                                                       std::to_string(http_status) + ", body '" +
                                                       sanitise(body) + "'");
        }
    } else if (http_status != 200) {
        return make_error(ErrorCode::io_error, where + ": HTTP status " +
                                                   std::to_string(http_status) + ", body '" +
                                                   sanitise(body) + "'");
    }

    // The body is bounded already by the HTTP reader (max_response_body).
    auto strict =
        psephos::json::parse_strict(body, "body", psephos::json::Limits::for_size(body.size()));
    if (!strict) return malformed(strict.error().message + ": '" + sanitise(body) + "'");
    json::value parsed = std::move(strict).value();
    const json::object* object = parsed.if_object();
    if (object == nullptr) return malformed("body is not a JSON object");

    const json::value* version = object->if_contains("jsonrpc");
    if (version == nullptr && !core) return malformed("no \"jsonrpc\" member");
    if (version != nullptr && !(version->is_string() && (version->get_string() == "2.0" ||
                                                         (core && version->get_string() == "1.0"))))
        return malformed("\"jsonrpc\" is " + sanitise(json::serialize(*version)) +
                         ", expected \"2.0\"");

    const json::value* id = object->if_contains("id");
    if (id == nullptr) return malformed("no \"id\" member");
    const bool id_matches = (id->is_uint64() && id->get_uint64() == expected_id) ||
                            (id->is_int64() && id->get_int64() >= 0 &&
                             static_cast<std::uint64_t>(id->get_int64()) == expected_id);
    if (!id_matches)
        return malformed("id " + sanitise(json::serialize(*id)) + " does not match request id " +
                         std::to_string(expected_id));

    const json::value* result = object->if_contains("result");
    const json::value* error = object->if_contains("error");
    if (core) {
        // JSON-RPC 1.0: both members, the unused one null.
        if (error != nullptr && error->is_null()) error = nullptr;
        if (error != nullptr && result != nullptr && result->is_null()) result = nullptr;
    }
    if (result != nullptr && error != nullptr)
        return malformed("has both \"result\" and \"error\"");
    if (result == nullptr && error == nullptr)
        return malformed("has neither \"result\" nor \"error\"");
    if (result != nullptr) return JsonRpcAnswer(*result);

    const json::object* error_object = error->if_object();
    if (error_object == nullptr) return malformed("\"error\" is not an object");
    const json::value* code = error_object->if_contains("code");
    if (code == nullptr || !(code->is_int64() || code->is_uint64()))
        return malformed("error object has no integer \"code\"");
    if (code->is_uint64() && !code->is_int64()) return malformed("error \"code\" out of range");
    const json::value* message = error_object->if_contains("message");
    if (message == nullptr || !message->is_string())
        return malformed("error object has no string \"message\"");

    JsonRpcErrorObject out;
    out.code = code->is_int64() ? code->get_int64() : static_cast<std::int64_t>(code->get_uint64());
    const json::string& text = message->get_string();
    out.message = sanitise(std::string_view(text.data(), text.size()));
    if (const json::value* data = error_object->if_contains("data")) out.data = *data;
    return JsonRpcAnswer(std::move(out));
}

Error to_error(std::string_view method, const JsonRpcErrorObject& error_object) {
    return make_error(ErrorCode::refused, std::string(method) + ": JSON-RPC error " +
                                              std::to_string(error_object.code) + ": " +
                                              error_object.message);
}

JsonRpcClient::JsonRpcClient(RpcEndpoint endpoint, RpcTimeouts timeouts,
                             std::size_t max_response_body)
    : endpoint_(std::move(endpoint)), timeouts_(timeouts), max_response_body_(max_response_body) {}

Result<boost::json::value> JsonRpcClient::call(std::string_view method, boost::json::array params) {
    auto answer = call_for_answer(method, std::move(params));
    if (!answer) return answer.error();
    if (auto* error_object = std::get_if<JsonRpcErrorObject>(&answer.value()))
        return to_error(method, *error_object);
    return std::get<json::value>(std::move(answer).value());
}

namespace {

// What one exchange needs besides its stream.
struct Exchange {
    asio::io_context& io;
    const std::vector<tcp::endpoint>& candidates;
    const RpcTimeouts& timeouts;
    const std::string& where;
    http::request<http::string_body>& request;
    std::size_t max_response_body;
};

// Connects (and for TLS, handshakes, verifying the certificate) within the connect deadline,
// then sends the request and reads the whole answer within the request deadline.
template <class Stream>
Result<http::response<http::string_body>> exchange(const Exchange& x, Stream& stream) {
    constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;
    auto io_failure = [&](const std::string& step, const beast::error_code& ec) {
        return make_error(ErrorCode::io_error, x.where + ": " + step + ": " + ec.message());
    };
    auto& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_after(x.timeouts.connect);
    auto ec = run_until_done(
        x.io, [&](auto handler) { tcp_layer.async_connect(x.candidates, std::move(handler)); });
    if (ec == beast::error::timeout)
        return make_error(ErrorCode::io_error, x.where + ": connect: timed out after " +
                                                   milliseconds_text(x.timeouts.connect));
    if (ec) return io_failure("connect", ec);
    if constexpr (tls) {
        ec = run_until_done(x.io, [&](auto handler) {
            stream.async_handshake(asio::ssl::stream_base::client, std::move(handler));
        });
        if (ec == beast::error::timeout)
            return make_error(ErrorCode::io_error, x.where + ": TLS handshake: timed out after " +
                                                       milliseconds_text(x.timeouts.connect));
        if (ec) return io_failure("TLS handshake (nothing was sent)", ec);
    }

    tcp_layer.expires_after(x.timeouts.request);
    const std::string timed_out =
        x.where + ": timed out after " + milliseconds_text(x.timeouts.request);
    ec = run_until_done(
        x.io, [&](auto handler) { http::async_write(stream, x.request, std::move(handler)); });
    if (ec == beast::error::timeout) return make_error(ErrorCode::io_error, timed_out);
    if (ec) return io_failure("sending the request", ec);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(x.max_response_body);
    ec = run_until_done(
        x.io, [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
    if (ec == beast::error::timeout) return make_error(ErrorCode::io_error, timed_out);
    if (ec == http::error::body_limit)
        return make_error(ErrorCode::io_error, x.where + ": response body exceeds " +
                                                   std::to_string(x.max_response_body) + " bytes");
    if (ec == http::error::end_of_stream)
        return make_error(ErrorCode::io_error, x.where + ": connection closed without a response");
    if (ec == http::error::partial_message)
        return make_error(ErrorCode::io_error, x.where + ": connection closed mid-response");
    // A TLS peer that closes without close_notify after a complete answer is not an error here:
    // the answer was read whole (its length known), and Connection: close ends the exchange.
    if (ec && !(tls && ec == asio::ssl::error::stream_truncated && parser.is_done()))
        return io_failure("reading the response", ec);

    beast::error_code ignored;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return parser.release();
}

}  // namespace

Result<JsonRpcAnswer> JsonRpcClient::call_for_answer(std::string_view method,
                                                     boost::json::array params) {
    const std::uint64_t id = next_id_++;
    const std::string where = std::string(method) + " (" + endpoint_.to_string() + ")";
    auto io_failure = [&](const std::string& step, const beast::error_code& ec) {
        return make_error(ErrorCode::io_error, where + ": " + step + ": " + ec.message());
    };
    if (credentials_ && !endpoint_.tls && !endpoint_.is_loopback()) {
        return make_error(ErrorCode::refused,
                          where +
                              ": credentials are sent only over https or to a loopback "
                              "address, never in clear to '" +
                              endpoint_.host + "'; nothing was sent");
    }

    json::object request_body;
    request_body["jsonrpc"] = dialect_ == JsonRpcDialect::bitcoin_core ? "1.0" : "2.0";
    request_body["id"] = id;
    request_body["method"] = json::string_view(method.data(), method.size());
    request_body["params"] = std::move(params);

    asio::io_context io;

    // 1. Resolve (numeric hosts skip the resolver).
    std::vector<tcp::endpoint> candidates;
    boost::system::error_code address_ec;
    const auto address = asio::ip::make_address(endpoint_.host, address_ec);
    if (!address_ec) {
        candidates.emplace_back(address, endpoint_.port);
    } else {
        tcp::resolver resolver(io);
        tcp::resolver::results_type results;
        const auto ec = run_until_done(io, [&](auto handler) {
            resolver.async_resolve(
                endpoint_.host, std::to_string(endpoint_.port),
                [&results, handler](beast::error_code e, tcp::resolver::results_type r) mutable {
                    results = std::move(r);
                    handler(e);
                });
        });
        if (ec) return io_failure("resolving '" + endpoint_.host + "'", ec);
        for (const auto& entry : results) candidates.push_back(entry.endpoint());
        if (candidates.empty())
            return make_error(ErrorCode::io_error,
                              where + ": '" + endpoint_.host + "' resolves to no address");
    }

    // 2. The request.
    http::request<http::string_body> request{http::verb::post, endpoint_.target, 11};
    request.set(http::field::host, host_header(endpoint_));
    request.set(http::field::user_agent, "psephos-bridge");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::accept, "application/json");
    if (credentials_) {
        std::string pair = credentials_->user + ":" + credentials_->password;
        std::string header = "Basic " + to_base64(as_bytes(pair));
        request.set(http::field::authorization, header);
        sodium_memzero(pair.data(), pair.size());
        sodium_memzero(header.data(), header.size());
    }
    request.keep_alive(false);
    request.body() = json::serialize(request_body);
    request.prepare_payload();
    const Exchange x{io, candidates, timeouts_, where, request, max_response_body_};

    // 3. Over TCP, or TLS with the certificate verified (chain and name) before anything is sent.
    Result<http::response<http::string_body>> response =
        make_error(ErrorCode::io_error, where + ": not sent");
    if (!endpoint_.tls) {
        beast::tcp_stream stream(io);
        response = exchange(x, stream);
    } else {
        namespace ssl = asio::ssl;
        ssl::context context(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
        context.set_verify_mode(ssl::verify_peer);
        boost::system::error_code ec;
        if (trusted_certificates_.empty()) {
            context.set_default_verify_paths(ec);
            if (ec) return io_failure("loading the system's CA certificates", ec);
        } else {
            context.load_verify_file(trusted_certificates_, ec);
            if (ec)
                return make_error(ErrorCode::invalid_argument,
                                  where + ": trusted certificates '" + trusted_certificates_ +
                                      "': not a readable PEM file of certificates (" +
                                      ec.message() + ")");
            // A pinned certificate is a trust anchor even if it is not a self-signed CA.
            X509_STORE_set_flags(SSL_CTX_get_cert_store(context.native_handle()),
                                 X509_V_FLAG_PARTIAL_CHAIN);
        }
        beast::ssl_stream<beast::tcp_stream> stream(io, context);
        // The name (or IP address) the certificate must carry; SNI for a name.
        stream.set_verify_callback(ssl::host_name_verification(endpoint_.host));
        if (address_ec &&
            SSL_set_tlsext_host_name(stream.native_handle(), endpoint_.host.c_str()) != 1)
            return make_error(ErrorCode::io_error, where + ": cannot set the TLS server name");
        response = exchange(x, stream);
    }
    if (!response) return response.error();
    return parse_json_rpc_response(method, id, response.value().result_int(),
                                   response.value().body(), dialect_);
}

void release_thread_tls_state() { OPENSSL_thread_stop(); }

}  // namespace psephos::bridge
