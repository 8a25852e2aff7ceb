// JsonRpcClient and EvmClient against a fake node: an HTTP server on 127.0.0.1 (a free port) in a
// thread of this test, scripted per test to answer well, with a JSON-RPC error, with garbage, too
// much, too little or not at all. Pins the messages each failure gives, that a silent node times
// out within its deadline, and the strict decoding of EVM quantities, data and receipts.
#include <QTest>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fake_json_rpc_node.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/json_rpc_client.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::test::FakeNode;
using psephos::test::http_response;
using psephos::test::read_request;
using psephos::test::request_id;
using psephos::test::SeenRequest;
using psephos::test::wait_for_close;
using psephos::test::write_bytes;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Each evaluates its result expression once (a call to the fake node must not run twice).
#define VERIFY_OK(result)                                                                  \
    do {                                                                                   \
        const auto& verified_ = (result);                                                  \
        QVERIFY2(verified_.ok(), verified_.ok() ? "" : verified_.error().message.c_str()); \
    } while (false)

#define VERIFY_ERROR(result, expected_code, fragment)                                           \
    do {                                                                                        \
        const auto& verified_ = (result);                                                       \
        const std::string fragment_ = (fragment);                                               \
        QVERIFY2(!verified_.ok(), "expected an error, got a success");                          \
        QCOMPARE(to_string(verified_.error().code), to_string(expected_code));                  \
        QVERIFY2(                                                                               \
            verified_.error().message.find(fragment_) != std::string::npos,                     \
            ("message '" + verified_.error().message + "' lacks '" + fragment_ + "'").c_str()); \
    } while (false)

// Answers each request with `members` ("result" or "error") plus the right jsonrpc and id.
FakeNode::Script answer_with(json::object members) {
    return [members](tcp::socket& socket) {
        auto request = read_request(socket);
        if (!request) return;
        json::object response = members;
        response["jsonrpc"] = "2.0";
        response["id"] = request_id(*request);
        write_bytes(socket, http_response(200, json::serialize(response)));
    };
}

// Answers by method name, as a node would; an unknown method gets error -32601.
FakeNode::Script answer_by_method(std::map<std::string, json::object> members_by_method,
                                  std::vector<std::string>* seen_methods = nullptr,
                                  std::mutex* seen_mutex = nullptr) {
    return [members_by_method, seen_methods, seen_mutex](tcp::socket& socket) {
        auto request = read_request(socket);
        if (!request || !request->body.is_object()) return;
        const std::string method(request->body.as_object().at("method").as_string());
        if (seen_methods != nullptr) {
            std::lock_guard lock(*seen_mutex);
            seen_methods->push_back(method);
        }
        json::object response;
        auto found = members_by_method.find(method);
        if (found != members_by_method.end()) {
            response = found->second;
        } else {
            response["error"] = json::object{{"code", -32601}, {"message", "method not found"}};
        }
        response["jsonrpc"] = "2.0";
        response["id"] = request_id(*request);
        write_bytes(socket, http_response(200, json::serialize(response)));
    };
}

// Answers each request with exactly these bytes, then closes.
FakeNode::Script answer_raw(std::string bytes) {
    return [bytes](tcp::socket& socket) {
        if (!read_request(socket)) return;
        write_bytes(socket, bytes);
    };
}

RpcTimeouts short_timeouts() {
    return RpcTimeouts{std::chrono::milliseconds(2000), std::chrono::milliseconds(2000)};
}

json::object result_member(json::value result) { return json::object{{"result", result}}; }

const std::string a_hash = "0x" + std::string(64, 'a');
const std::string another_hash = "0x" + std::string(64, 'b');

json::object receipt_json(std::string_view status) {
    return json::object{{"transactionHash", a_hash},  {"blockNumber", "0x10"},
                        {"blockHash", another_hash},  {"transactionIndex", "0x0"},
                        {"status", status},           {"gasUsed", "0x5208"},
                        {"contractAddress", nullptr}, {"logs", json::array{}}};
}

Hash32 hash_of(const std::string& text) { return parse_evm_hash(text).value(); }

}  // namespace

class TestJsonRpcClient : public QObject {
    Q_OBJECT

private slots:
    // --- RpcEndpoint -------------------------------------------------------------------------

    void parses_http_urls_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("target");
        QTest::newRow("host and port") << "http://127.0.0.1:8545"
                                       << "127.0.0.1" << 8545 << "/";
        QTest::newRow("default port") << "http://localhost"
                                      << "localhost" << 80 << "/";
        QTest::newRow("path") << "http://node.example:8545/rpc/v1"
                              << "node.example" << 8545 << "/rpc/v1";
        QTest::newRow("query") << "http://h:1?key=x"
                               << "h" << 1 << "/?key=x";
        QTest::newRow("ipv6") << "http://[::1]:8545/"
                              << "::1" << 8545 << "/";
        QTest::newRow("upper-case scheme") << "HTTP://h:2/"
                                           << "h" << 2 << "/";
        QTest::newRow("https, default port") << "https://node.example/rpc"
                                             << "node.example" << 443 << "/rpc";
        QTest::newRow("https, port") << "HTTPS://h:8443"
                                     << "h" << 8443 << "/";
    }
    void parses_http_urls() {
        QFETCH(QString, url);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, target);
        auto endpoint = RpcEndpoint::parse(url.toStdString());
        VERIFY_OK(endpoint);
        QCOMPARE(QString::fromStdString(endpoint.value().host), host);
        QCOMPARE(int(endpoint.value().port), port);
        QCOMPARE(QString::fromStdString(endpoint.value().target), target);
    }

    void refuses_other_urls_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("ws") << "ws://node.example/"
                            << "only http(s)://";
        QTest::newRow("no scheme") << "127.0.0.1:8545"
                                   << "only http(s)://";
        QTest::newRow("https with user info") << "https://user:secret@h/"
                                              << "user info";
        QTest::newRow("no host") << "http://:8545/"
                                 << "has no host";
        QTest::newRow("port 0") << "http://h:0/"
                                << "port";
        QTest::newRow("port too big") << "http://h:65536/"
                                      << "port";
        QTest::newRow("port not a number") << "http://h:85a/"
                                           << "port";
        QTest::newRow("empty port") << "http://h:/"
                                    << "port";
        QTest::newRow("user info") << "http://user:secret@h/"
                                   << "user info";
        QTest::newRow("fragment") << "http://h/#x"
                                  << "fragment";
        QTest::newRow("space") << "http://h/a b"
                               << "space";
        QTest::newRow("bad ipv6") << "http://[zz]:1/"
                                  << "IPv6";
        QTest::newRow("bad host char") << "http://h$x/"
                                       << "host";
    }
    void refuses_other_urls() {
        QFETCH(QString, url);
        QFETCH(QString, fragment);
        auto endpoint = RpcEndpoint::parse(url.toStdString());
        VERIFY_ERROR(endpoint, ErrorCode::invalid_argument, fragment.toStdString());
        QVERIFY2(
            endpoint.error().message.find("secret") == std::string::npos || url.contains("secret"),
            "message echoes the URL");
    }

    // --- JsonRpcClient over a fake node ----------------------------------------------------

    void returns_result_of_good_answer() {
        std::mutex mutex;
        std::optional<SeenRequest> seen;
        FakeNode node([&](tcp::socket& socket) {
            auto request = read_request(socket);
            if (!request) return;
            {
                std::lock_guard lock(mutex);
                seen = request;
            }
            json::object response{
                {"jsonrpc", "2.0"}, {"id", request_id(*request)}, {"result", "0x539"}};
            write_bytes(socket, http_response(200, json::serialize(response)));
        });
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_getBalance", json::array{"0x00", "latest"});
        VERIFY_OK(result);
        QVERIFY(result.value() == json::value("0x539"));

        std::lock_guard lock(mutex);
        QVERIFY(seen.has_value());
        QCOMPARE(QString::fromStdString(seen->method_verb), QString("POST"));
        QCOMPARE(QString::fromStdString(seen->target), QString("/rpc"));
        QCOMPARE(QString::fromStdString(seen->content_type), QString("application/json"));
        const json::object& body = seen->body.as_object();
        QVERIFY(body.at("jsonrpc") == json::value("2.0"));
        QVERIFY(body.at("method") == json::value("eth_getBalance"));
        QVERIFY(body.at("params") == (json::array{"0x00", "latest"}));
        QVERIFY(body.at("id").is_number());
    }

    void uses_a_new_connection_and_id_per_call() {
        FakeNode node(answer_with(result_member("0x1")));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        for (int i = 0; i < 3; ++i) VERIFY_OK(client.call("eth_chainId", {}));
        QCOMPARE(node.connections(), 3);
    }

    void turns_error_object_into_refused() {
        FakeNode node(answer_with(
            json::object{{"error", json::object{{"code", -32000}, {"message", "nonce too low"}}}}));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_sendRawTransaction", json::array{"0x02"});
        VERIFY_ERROR(result, ErrorCode::refused, "");
        QCOMPARE(QString::fromStdString(result.error().message),
                 QString("eth_sendRawTransaction: JSON-RPC error -32000: nonce too low"));

        auto answer = client.call_for_answer("eth_sendRawTransaction", json::array{"0x02"});
        VERIFY_OK(answer);
        const auto* error_object = std::get_if<JsonRpcErrorObject>(&answer.value());
        QVERIFY(error_object != nullptr);
        QCOMPARE(error_object->code, std::int64_t{-32000});
    }

    void rejects_http_500() {
        FakeNode node(answer_raw(http_response(500, "Internal error\n\x01 details")));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "eth_chainId: HTTP status 500");
        VERIFY_ERROR(result, ErrorCode::io_error, "body 'Internal error?? details'");
    }

    void cuts_long_error_bodies() {
        FakeNode node(answer_raw(http_response(502, std::string(5000, 'x'))));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "HTTP status 502");
        QVERIFY(result.error().message.size() < 300);
    }

    void rejects_non_json_body() {
        FakeNode node(answer_raw(http_response(200, "<html>hello</html>")));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::invalid_encoding,
                     "eth_chainId: malformed JSON-RPC response");
        VERIFY_ERROR(result, ErrorCode::invalid_encoding, "body: line 1, column 1: not JSON");
    }

    void reports_truncated_body() {
        FakeNode node(answer_raw(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            "{\"jsonrpc\""));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "connection closed mid-response");
    }

    void reports_close_without_answer() {
        FakeNode node(answer_raw(""));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "connection closed without a response");
    }

    void times_out_on_silent_node() {
        FakeNode node([](tcp::socket& socket) {
            if (read_request(socket)) wait_for_close(socket);
        });
        const auto deadline = std::chrono::milliseconds(300);
        JsonRpcClient client(node.endpoint(),
                             RpcTimeouts{std::chrono::milliseconds(2000), deadline});
        const auto start = Clock::now();
        auto result = client.call("eth_chainId", {});
        const auto elapsed = Clock::now() - start;
        VERIFY_ERROR(result, ErrorCode::io_error, "eth_chainId (http://127.0.0.1:");
        VERIFY_ERROR(result, ErrorCode::io_error, "timed out after 300 ms");
        QVERIFY2(elapsed >= deadline - std::chrono::milliseconds(10),
                 "returned before the deadline");
        QVERIFY2(elapsed < deadline + std::chrono::milliseconds(1500), "deadline overrun");
    }

    void times_out_on_node_that_stalls_mid_body() {
        FakeNode node([](tcp::socket& socket) {
            if (!read_request(socket)) return;
            write_bytes(socket, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"jsonrpc\":");
            wait_for_close(socket);
        });
        JsonRpcClient client(node.endpoint(), RpcTimeouts{std::chrono::milliseconds(2000),
                                                          std::chrono::milliseconds(200)});
        const auto start = Clock::now();
        auto result = client.call("eth_blockNumber", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "timed out after 200 ms");
        QVERIFY(Clock::now() - start < std::chrono::milliseconds(1500));
    }

    void rejects_oversized_body() {
        const std::string body =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + std::string(2000, 'a') + "\"}";
        FakeNode node(answer_raw(http_response(200, body)));
        JsonRpcClient client(node.endpoint(), short_timeouts(), 1024);
        auto result = client.call("eth_call", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "response body exceeds 1024 bytes");
    }

    void rejects_announced_oversized_body_at_default_limit() {
        // Announces 9 MiB and sends none of it: the limit must apply to the header, at once.
        FakeNode node([](tcp::socket& socket) {
            if (!read_request(socket)) return;
            write_bytes(socket, "HTTP/1.1 200 OK\r\nContent-Length: 9437184\r\n\r\n");
            wait_for_close(socket);
        });
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_call", {});
        VERIFY_ERROR(result, ErrorCode::io_error,
                     "response body exceeds " + std::to_string(default_max_response_body));
    }

    void rejects_id_mismatch() {
        FakeNode node(
            answer_raw(http_response(200, R"({"jsonrpc":"2.0","id":987,"result":"0x1"})")));
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::invalid_encoding, "id 987 does not match request id 1");
    }

    void rejects_wrong_jsonrpc_version() {
        FakeNode node([](tcp::socket& socket) {
            auto request = read_request(socket);
            if (!request) return;
            json::object response{
                {"jsonrpc", "1.0"}, {"id", request_id(*request)}, {"result", "0x1"}};
            write_bytes(socket, http_response(200, json::serialize(response)));
        });
        JsonRpcClient client(node.endpoint(), short_timeouts());
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::invalid_encoding,
                     "\"jsonrpc\" is \"1.0\", expected \"2.0\"");
    }

    void reports_connection_refused() {
        std::uint16_t port = 0;
        {
            asio::io_context io;
            tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
            port = probe.local_endpoint().port();
        }
        JsonRpcClient client(RpcEndpoint{"127.0.0.1", port, "/"}, short_timeouts());
        const auto start = Clock::now();
        auto result = client.call("eth_chainId", {});
        VERIFY_ERROR(result, ErrorCode::io_error, "connect: Connection refused");
        VERIFY_ERROR(result, ErrorCode::io_error, ":" + std::to_string(port) + "/");
        QVERIFY(Clock::now() - start < std::chrono::milliseconds(1000));
    }

    // --- parse_json_rpc_response without a socket ------------------------------------------

    void checks_response_shape_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("fragment");  // empty: a valid response
        QTest::newRow("result") << R"({"jsonrpc":"2.0","id":7,"result":null})"
                                << "";
        QTest::newRow("error object")
            << R"({"jsonrpc":"2.0","id":7,"error":{"code":3,"message":"reverted","data":"0x"}})"
            << "";
        QTest::newRow("both") << R"({"jsonrpc":"2.0","id":7,"result":1,"error":{}})"
                              << "both \"result\" and \"error\"";
        QTest::newRow("neither") << R"({"jsonrpc":"2.0","id":7})"
                                 << "neither \"result\" nor \"error\"";
        QTest::newRow("array") << R"([{"jsonrpc":"2.0","id":7,"result":1}])"
                               << "not a JSON object";
        QTest::newRow("no jsonrpc") << R"({"id":7,"result":1})"
                                    << "no \"jsonrpc\"";
        QTest::newRow("jsonrpc number") << R"({"jsonrpc":2.0,"id":7,"result":1})"
                                        << "\"jsonrpc\" is 2";
        QTest::newRow("no id") << R"({"jsonrpc":"2.0","result":1})"
                               << "no \"id\"";
        QTest::newRow("id as string") << R"({"jsonrpc":"2.0","id":"7","result":1})"
                                      << "does not match request id 7";
        QTest::newRow("id null") << R"({"jsonrpc":"2.0","id":null,"result":1})"
                                 << "does not match";
        QTest::newRow("error not object") << R"({"jsonrpc":"2.0","id":7,"error":"bad"})"
                                          << "\"error\" is not an object";
        QTest::newRow("error code missing") << R"({"jsonrpc":"2.0","id":7,"error":{"message":"x"}})"
                                            << "integer \"code\"";
        QTest::newRow("error code fraction")
            << R"({"jsonrpc":"2.0","id":7,"error":{"code":1.5,"message":"x"}})"
            << "integer \"code\"";
        QTest::newRow("error message missing") << R"({"jsonrpc":"2.0","id":7,"error":{"code":1}})"
                                               << "string \"message\"";
        QTest::newRow("trailing garbage") << R"({"jsonrpc":"2.0","id":7,"result":1} x)"
                                          << "more text after the JSON value";
        QTest::newRow("empty") << ""
                               << "the text ends before the JSON value is complete";
        // A node that answers two results hopes the client reads the one it wants.
        QTest::newRow("result twice") << R"({"jsonrpc":"2.0","id":7,"result":1,"result":2})"
                                      << R"(the member "result" appears twice in one object)";
    }
    void checks_response_shape() {
        QFETCH(QString, body);
        QFETCH(QString, fragment);
        auto answer = parse_json_rpc_response("m", 7, 200, body.toStdString());
        if (fragment.isEmpty()) {
            VERIFY_OK(answer);
        } else {
            VERIFY_ERROR(answer, ErrorCode::invalid_encoding, "m: malformed JSON-RPC response: ");
            VERIFY_ERROR(answer, ErrorCode::invalid_encoding, fragment.toStdString());
        }
    }

    void sanitises_node_error_messages() {
        auto answer = parse_json_rpc_response(
            "m", 1, 200, R"({"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"a\nb\u001bc"}})");
        VERIFY_OK(answer);
        const auto& error_object = std::get<JsonRpcErrorObject>(answer.value());
        QCOMPARE(QString::fromStdString(error_object.message), QString("a?b?c"));
    }

    // --- EVM value decoding ----------------------------------------------------------------

    void parses_quantities_strictly_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qulonglong>("value");
        QTest::newRow("0x0") << "0x0" << true << 0ull;
        QTest::newRow("0x1a") << "0x1a" << true << 0x1aull;
        QTest::newRow("0x1A") << "0x1A" << true << 0x1aull;
        QTest::newRow("max u64") << "0xffffffffffffffff" << true << 0xffffffffffffffffull;
        QTest::newRow("0x") << "0x" << false << 0ull;
        QTest::newRow("1a") << "1a" << false << 0ull;
        QTest::newRow("0x01") << "0x01" << false << 0ull;
        QTest::newRow("0x00") << "0x00" << false << 0ull;
        QTest::newRow("0xg") << "0xg" << false << 0ull;
        QTest::newRow("0X1a") << "0X1a" << false << 0ull;
        QTest::newRow("-0x1") << "-0x1" << false << 0ull;
        QTest::newRow("0x 1") << "0x 1" << false << 0ull;
        QTest::newRow("empty") << "" << false << 0ull;
        QTest::newRow("2^64") << "0x10000000000000000" << false << 0ull;
    }
    void parses_quantities_strictly() {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(qulonglong, value);
        auto parsed = parse_evm_quantity_u64(text.toStdString());
        QCOMPARE(parsed.ok(), valid);
        auto parsed_256 = parse_evm_quantity(text.toStdString());
        if (text != "0x10000000000000000") QCOMPARE(parsed_256.ok(), valid);
        if (!valid) {
            QCOMPARE(to_string(parsed.error().code), to_string(ErrorCode::invalid_encoding));
            return;
        }
        QCOMPARE(qulonglong(parsed.value()), value);
        QCOMPARE(evm_quantity_to_u64(parsed_256.value()).value_or(1), std::uint64_t{value});
        QCOMPARE(QString::fromStdString(format_evm_quantity(parsed.value())), text.toLower());
    }

    void parses_256_bit_quantities() {
        const std::string max = "0x" + std::string(64, 'f');
        auto parsed = parse_evm_quantity(max);
        VERIFY_OK(parsed);
        for (std::uint8_t byte : parsed.value()) QCOMPARE(int(byte), 0xff);
        QCOMPARE(QString::fromStdString(format_evm_quantity(parsed.value())),
                 QString::fromStdString(max));
        VERIFY_ERROR(parse_evm_quantity("0x1" + std::string(64, '0')), ErrorCode::invalid_encoding,
                     "does not fit in 256 bits");
        auto odd = parse_evm_quantity("0x123");
        VERIFY_OK(odd);
        QCOMPARE(int(odd.value()[30]), 0x01);
        QCOMPARE(int(odd.value()[31]), 0x23);
        QVERIFY(!evm_quantity_to_u64(parsed.value()).has_value());
    }

    void parses_data_strictly_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("size");  // -1: invalid
        QTest::newRow("empty data") << "0x" << 0;
        QTest::newRow("two bytes") << "0x00Ab" << 2;
        QTest::newRow("odd") << "0x0" << -1;
        QTest::newRow("no prefix") << "00" << -1;
        QTest::newRow("not hex") << "0xzz" << -1;
    }
    void parses_data_strictly() {
        QFETCH(QString, text);
        QFETCH(int, size);
        auto parsed = parse_evm_data(text.toStdString());
        QCOMPARE(parsed.ok(), size >= 0);
        if (size >= 0) QCOMPARE(int(parsed.value().size()), size);
        QVERIFY(!parse_evm_address("0x" + std::string(38, '1')).ok());
        QVERIFY(parse_evm_address("0x" + std::string(40, '1')).ok());
        QVERIFY(!parse_evm_hash("0x" + std::string(62, '1')).ok());
    }

    void decodes_reverted_receipt() {
        auto receipt = parse_evm_receipt(json::value(receipt_json("0x0")));
        VERIFY_OK(receipt);
        QVERIFY(receipt.value().has_value());
        const EvmReceipt& r = *receipt.value();
        QVERIFY(!r.succeeded());
        QCOMPARE(r.status, std::uint64_t{0});
        QCOMPARE(r.block_number, std::uint64_t{16});
        QCOMPARE(r.gas_used, std::uint64_t{21000});
        QVERIFY(!r.contract_address.has_value());
        QVERIFY(r.block_hash == hash_of(another_hash));
    }

    void refuses_malformed_receipts() {
        VERIFY_ERROR(parse_evm_receipt(json::value(receipt_json("0x2"))),
                     ErrorCode::invalid_encoding, "expected 0 (reverted) or 1 (succeeded)");
        VERIFY_ERROR(parse_evm_receipt(json::value(receipt_json("0x01"))),
                     ErrorCode::invalid_encoding, "receipt: field \"status\": quantity '0x01'");
        json::object no_status = receipt_json("0x1");
        no_status.erase("status");
        VERIFY_ERROR(parse_evm_receipt(json::value(no_status)), ErrorCode::invalid_encoding,
                     "field \"status\" is missing");
        json::object number_status = receipt_json("0x1");
        number_status["status"] = 1;
        VERIFY_ERROR(parse_evm_receipt(json::value(number_status)), ErrorCode::invalid_encoding,
                     "expected a string");
        VERIFY_ERROR(parse_evm_receipt(json::value("0x1")), ErrorCode::invalid_encoding,
                     "neither an object nor null");
    }

    // --- EvmClient over a fake node ----------------------------------------------------------

    void reads_receipts_through_the_node() {
        FakeNode node(
            answer_by_method({{"eth_getTransactionReceipt", result_member(receipt_json("0x0"))}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        auto receipt = client.transaction_receipt(hash_of(a_hash));
        VERIFY_OK(receipt);
        QVERIFY(receipt.value().has_value());
        QVERIFY(!receipt.value()->succeeded());

        auto for_other = client.transaction_receipt(hash_of(another_hash));
        VERIFY_ERROR(for_other, ErrorCode::invalid_encoding, "receipt is for another transaction");
    }

    void gives_nullopt_for_unknown_receipt() {
        FakeNode node(answer_by_method({{"eth_getTransactionReceipt", result_member(nullptr)},
                                        {"eth_getTransactionByHash", result_member(nullptr)}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        auto receipt = client.transaction_receipt(hash_of(a_hash));
        VERIFY_OK(receipt);
        QVERIFY(!receipt.value().has_value());
        auto transaction = client.transaction_by_hash(hash_of(a_hash));
        VERIFY_OK(transaction);
        QVERIFY(!transaction.value().has_value());
    }

    void reads_pending_transaction() {
        json::object transaction{{"hash", a_hash},       {"blockNumber", nullptr},
                                 {"blockHash", nullptr}, {"from", "0x" + std::string(40, '1')},
                                 {"to", nullptr},        {"input", "0x6001"},
                                 {"nonce", "0x7"}};
        FakeNode node(answer_by_method({{"eth_getTransactionByHash", result_member(transaction)}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        auto info = client.transaction_by_hash(hash_of(a_hash));
        VERIFY_OK(info);
        QVERIFY(info.value().has_value());
        QVERIFY(!info.value()->block_number.has_value());
        QVERIFY(!info.value()->to.has_value());
        QCOMPARE(info.value()->nonce, std::uint64_t{7});
        QCOMPARE(int(info.value()->input.size()), 2);
        QCOMPARE(int(info.value()->from[0]), 0x11);
    }

    void names_the_call_in_decoding_errors() {
        FakeNode node(answer_by_method({{"eth_chainId", result_member("0x01")}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        VERIFY_ERROR(client.chain_id(), ErrorCode::invalid_encoding,
                     "eth_chainId: quantity '0x01' has a leading zero");
    }

    void reads_simple_quantities_and_data() {
        std::vector<std::string> methods;
        std::mutex mutex;
        FakeNode node(
            answer_by_method({{"eth_chainId", result_member("0x7a69")},
                              {"eth_blockNumber", result_member("0x0")},
                              {"eth_getTransactionCount", result_member("0x3")},
                              {"eth_estimateGas", result_member("0x5208")},
                              {"eth_sendRawTransaction", result_member(json::string(a_hash))},
                              {"eth_call", result_member("0x0102")},
                              {"eth_getCode", result_member("0x")}},
                             &methods, &mutex));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        const EvmAddressBytes address{0x12};
        QCOMPARE(client.chain_id().value(), std::uint64_t{31337});
        QCOMPARE(client.block_number().value(), std::uint64_t{0});
        QCOMPARE(client.transaction_count(address, EvmBlockTag::pending).value(), std::uint64_t{3});
        QCOMPARE(client.estimate_gas(address, std::nullopt, Bytes{0x60}).value(),
                 std::uint64_t{21000});
        QVERIFY(client.send_raw_transaction(Bytes{0x02, 0xf8}).value() == hash_of(a_hash));
        QVERIFY(client.call(address, Bytes{}).value() == (Bytes{0x01, 0x02}));
        QVERIFY(client.get_code(address).value().empty());
        std::lock_guard lock(mutex);
        QCOMPARE(int(methods.size()), 7);
    }

    void suggests_fees_from_priority_fee_and_base_fee() {
        FakeNode node(answer_by_method(
            {{"eth_maxPriorityFeePerGas", result_member("0x3b9aca00")},  // 1 gwei
             {"eth_getBlockByNumber",
              result_member(json::object{{"number", "0x5"}, {"baseFeePerGas", "0x77359400"}})}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        auto fees = client.suggest_fees();
        VERIFY_OK(fees);
        QCOMPARE(evm_quantity_to_u64(fees.value().max_priority_fee_per_gas).value(),
                 std::uint64_t{1000000000});
        QCOMPARE(evm_quantity_to_u64(fees.value().max_fee_per_gas).value(),
                 std::uint64_t{2 * 2000000000ull + 1000000000ull});
    }

    void falls_back_to_fee_history() {
        std::vector<std::string> methods;
        std::mutex mutex;
        FakeNode node(answer_by_method(
            {{"eth_feeHistory",
              result_member(
                  json::object{{"reward", json::array{json::array{"0x5"}, json::array{"0x1"},
                                                      json::array{"0x9"}, json::array{"0x3"}}}})},
             {"eth_getBlockByNumber", result_member(json::object{{"baseFeePerGas", "0x10"}})}},
            &methods, &mutex));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        auto fees = client.suggest_fees();
        VERIFY_OK(fees);
        QCOMPARE(evm_quantity_to_u64(fees.value().max_priority_fee_per_gas).value(),
                 std::uint64_t{3});  // lower median of 1, 3, 5, 9
        QCOMPARE(evm_quantity_to_u64(fees.value().max_fee_per_gas).value(), std::uint64_t{35});
        std::lock_guard lock(mutex);
        QCOMPARE(int(methods.size()), 3);
        QCOMPARE(QString::fromStdString(methods[1]), QString("eth_feeHistory"));
    }

    void refuses_fees_without_base_fee() {
        FakeNode node(answer_by_method(
            {{"eth_maxPriorityFeePerGas", result_member("0x1")},
             {"eth_getBlockByNumber", result_member(json::object{{"number", "0x5"}})}}));
        EvmClient client(JsonRpcClient(node.endpoint(), short_timeouts()));
        VERIFY_ERROR(client.suggest_fees(), ErrorCode::refused, "no \"baseFeePerGas\"");
    }
};

QTEST_APPLESS_MAIN(TestJsonRpcClient)
#include "tst_json_rpc_client.moc"
