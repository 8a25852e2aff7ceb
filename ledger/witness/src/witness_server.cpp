// The witness's HTTP/1.1 server (witness_server.hpp, docs/witness.md §5).
#include "psephos/witness/witness_server.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace psephos::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class WitnessServer::Impl {
public:
    Impl(Witness& witness, WitnessServerOptions options)
        : witness_(witness),
          options_(std::move(options)),
          // On a strand of its own: accept()'s handlers and stop()'s close never run at once.
          acceptor_(asio::make_strand(io_)) {}
    ~Impl() { stop(); }

    Status listen() {
        beast::error_code ec;
        const auto address = asio::ip::make_address(options_.address, ec);
        if (ec)
            return make_error(
                ErrorCode::invalid_argument,
                "witness server: address '" + options_.address + "': " + ec.message());
        const tcp::endpoint endpoint(address, options_.port);
        (void)acceptor_.open(endpoint.protocol(), ec);
        if (!ec) (void)acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) (void)acceptor_.bind(endpoint, ec);
        if (!ec) (void)acceptor_.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return make_error(ErrorCode::io_error, "witness server: " + ec.message());
        port_ = acceptor_.local_endpoint().port();
        accept();
        for (unsigned i = 0; i < std::max(1u, options_.threads); ++i)
            threads_.emplace_back([this] { io_.run(); });
        return {};
    }

    void stop() {
        if (threads_.empty()) return;
        asio::post(acceptor_.get_executor(), [this] {
            beast::error_code ignored;
            (void)acceptor_.close(ignored);
        });
        io_.stop();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }

    std::uint16_t port() const { return port_; }

    class Connection;
    Witness& witness_;
    WitnessServerOptions options_;
    // Declared before io_: the io_context's destructor destroys pending handlers, and with them
    // connections that count themselves out here.
    std::atomic<std::size_t> connections_{0};
    std::atomic<std::uint64_t> refused_connections_{0};
    std::atomic<std::uint64_t> refused_requests_{0};
    std::uint16_t port_ = 0;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::vector<std::thread> threads_;

private:
    void accept();
};

class WitnessServer::Impl::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
        ++server_.connections_;
    }
    ~Connection() { --server_.connections_; }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
        parser_->body_limit(server_.options_.max_body_bytes);
        // One deadline for the whole request: a peer that trickles bytes is cut off.
        stream_.expires_after(server_.options_.request_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof) {
            if (ec == beast::error::timeout) ++server_.refused_requests_;
            return close();
        }
        if (ec) {
            ++server_.refused_requests_;
            const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
            return respond(too_big ? 413 : 400, "text/plain; charset=utf-8",
                           too_big ? "request too large\n" : "malformed HTTP request\n", false);
        }
        const auto& request = parser_->get();
        const std::string target(request.target());
        WitnessResponse out;
        if (target == "/add-checkpoint") {
            if (request.method() != http::verb::post) {
                out = {405, "text/plain; charset=utf-8", "add-checkpoint takes POST\n"};
            } else {
                out = server_.witness_.add_checkpoint(request.body());
            }
        } else if (target.size() == 1 + 64 + 11 && target[0] == '/' &&
                   target.compare(65, 11, "/checkpoint") == 0 &&
                   request.method() == http::verb::get) {
            out = server_.witness_.latest_checkpoint(std::string_view(target).substr(1, 64));
        } else {
            out = {404, "text/plain; charset=utf-8", "not found\n"};
        }
        respond(out.status, out.content_type, std::move(out.body), request.keep_alive());
    }

    void respond(unsigned status, const std::string& type, std::string body, bool keep_alive) {
        auto response = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(status), 11);
        response->set(http::field::server, "psephos-witness");
        response->set(http::field::content_type, type);
        response->keep_alive(keep_alive);
        response->body() = std::move(body);
        response->prepare_payload();
        stream_.expires_after(server_.options_.write_timeout);
        http::async_write(
            stream_, *response,
            [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) return self->close();
                self->read();
            });
    }

    void close() {
        beast::error_code ignored;
        (void)stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        (void)stream_.socket().close(ignored);
    }

    Impl& server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
};

void WitnessServer::Impl::accept() {
    acceptor_.async_accept(
        asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
            if (!ec) {
                if (connections_.load() >= options_.max_connections) {
                    ++refused_connections_;
                    beast::error_code ignored;
                    (void)socket.close(ignored);
                } else {
                    std::make_shared<Connection>(*this, std::move(socket))->read();
                }
            }
            accept();
        });
}

WitnessServer::WitnessServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WitnessServer::~WitnessServer() = default;

Result<std::unique_ptr<WitnessServer>> WitnessServer::start(Witness& witness,
                                                            WitnessServerOptions options) {
    auto impl = std::make_unique<Impl>(witness, std::move(options));
    PSEPHOS_TRY(impl->listen());
    return std::unique_ptr<WitnessServer>(new WitnessServer(std::move(impl)));
}

std::uint16_t WitnessServer::port() const { return impl_->port(); }
std::size_t WitnessServer::connections() const { return impl_->connections_.load(); }
std::uint64_t WitnessServer::refused_connections() const {
    return impl_->refused_connections_.load();
}
std::uint64_t WitnessServer::refused_requests() const { return impl_->refused_requests_.load(); }

}  // namespace psephos::witness
