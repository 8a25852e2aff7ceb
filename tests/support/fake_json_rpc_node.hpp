// A fake JSON-RPC node for the bridge's tests: an HTTP server on 127.0.0.1 (a free port) in a
// thread of the test, running a script per connection, to answer well, wrongly or not at all.
// For failure modes a real node cannot be made to show, and for Bitcoin Core, which Debian 12
// does not package.
#pragma once

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
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "psephos/bridge/json_rpc_client.hpp"

namespace psephos::test {

namespace fake_node_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
}  // namespace fake_node_detail

using namespace fake_node_detail;
using bridge::RpcEndpoint;

// What the fake node saw of one request.
struct SeenRequest {
    std::string method_verb;
    std::string target;
    std::string content_type;
    std::string authorization;  // the Authorization header, empty if none
    json::value body;
};

// An HTTP server on 127.0.0.1 that runs `script` on each connection it accepts, one at a time,
// in its own thread. The destructor wakes the accept loop with a connection of its own and joins.
class FakeNode {
public:
    using Socket = tcp::socket;
    using Script = std::function<void(Socket&)>;

    explicit FakeNode(Script script)
        : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          script_(std::move(script)) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    FakeNode(const FakeNode&) = delete;
    FakeNode& operator=(const FakeNode&) = delete;

    ~FakeNode() {
        stopping_ = true;
        boost::system::error_code ec;
        tcp::socket wake(io_);
        wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
        thread_.join();
    }

    RpcEndpoint endpoint() const { return RpcEndpoint{"127.0.0.1", port_, "/rpc"}; }
    int connections() const { return connections_; }

private:
    void serve() {
        for (;;) {
            tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++connections_;
            script_(socket);
        }
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    Script script_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::thread thread_;
};

// Reads one HTTP request from the client; nullopt if it closed first.
inline std::optional<SeenRequest> read_request(tcp::socket& socket) {
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    beast::error_code ec;
    http::read(socket, buffer, request, ec);
    if (ec) return std::nullopt;
    SeenRequest seen;
    seen.method_verb = std::string(request.method_string());
    seen.target = std::string(request.target());
    seen.content_type = std::string(request[http::field::content_type]);
    seen.authorization = std::string(request[http::field::authorization]);
    seen.body = json::parse(request.body(), ec);
    return seen;
}

inline void write_bytes(tcp::socket& socket, std::string_view bytes) {
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
}

inline std::string http_response(unsigned status, std::string_view body) {
    return "HTTP/1.1 " + std::to_string(status) +
           " Status\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body);
}

// Blocks until the client closes its end.
inline void wait_for_close(tcp::socket& socket) {
    char byte;
    boost::system::error_code ec;
    while (!ec) asio::read(socket, asio::buffer(&byte, 1), ec);
}

inline json::value request_id(const SeenRequest& request) {
    const json::object* object = request.body.if_object();
    if (object == nullptr || !object->contains("id")) return nullptr;
    return object->at("id");
}

}  // namespace psephos::test
