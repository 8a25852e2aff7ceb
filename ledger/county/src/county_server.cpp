// The county's server (county_server.hpp): Boost.Asio with OpenSSL 3, TLS 1.3 only, one strand
// per connection, one request at a time per connection; pushes run on a separate pool.
#include "psephos/county/county_server.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

namespace psephos::county {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using station::ErrorReply;
using station::Message;
using station::ReplyCode;

// The raw Ed25519 key of a certificate, if it carries one.
std::optional<crypto::Ed25519PublicKey> certificate_ed25519_key(X509* cert) {
    if (cert == nullptr) return std::nullopt;
    EVP_PKEY* pkey = X509_get0_pubkey(cert);
    if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) return std::nullopt;
    std::array<std::uint8_t, crypto::Ed25519PublicKey::size> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &size) != 1 || size != raw.size())
        return std::nullopt;
    auto key = crypto::Ed25519PublicKey::from_bytes(raw);
    if (!key) return std::nullopt;
    return key.value();
}

std::string endpoint_text(const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return "unknown peer";
    return remote.address().to_string() + ":" + std::to_string(remote.port());
}

std::string clipped(const std::string& text) {
    return text.substr(0, station::max_error_text_size);
}

}  // namespace

class CountyServer::Impl {
public:
    Impl(County& county, CountyServerOptions options)
        : county_(county),
          options_(std::move(options)),
          workers_(options_.threads),
          tls_(ssl::context::tls_server) {}

    Status configure(const station::TlsIdentity& identity);
    void accept();
    void stop();
    void refuse(const std::string& peer, const std::string& station, const std::string& reason) {
        if (options_.on_refusal) options_.on_refusal(CountyRefusal{peer, station, reason});
    }

    County& county_;
    const CountyServerOptions options_;
    std::atomic<std::size_t> connections_{0};
    asio::thread_pool workers_;
    ssl::context tls_;
    std::optional<asio::io_context> io_;
    std::optional<tcp::acceptor> acceptor_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

namespace {

// One station's connection; every member is touched on its strand only.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(CountyServer::Impl& server, tcp::socket socket)
        : server_(server),
          peer_(endpoint_text(socket)),
          executor_(socket.get_executor()),
          stream_(std::move(socket), server.tls_),
          timer_(stream_.get_executor()),
          reader_(server.options_.max_frame) {
        ++server_.connections_;
    }
    ~Connection() { --server_.connections_; }

    void start() {
        arm_timer(options().handshake_timeout, "TLS handshake timed out");
        stream_.async_handshake(ssl::stream_base::server,
                                [self = shared_from_this()](const boost::system::error_code& ec) {
                                    self->on_handshake(ec);
                                });
    }

private:
    const CountyServerOptions& options() const { return server_.options_; }

    void on_handshake(const boost::system::error_code& ec) {
        if (closed_) return;
        if (ec) return refuse_and_close("TLS handshake failed: " + ec.message());
        // The verify callback admitted only a configured station's key.
        const auto key =
            certificate_ed25519_key(SSL_get0_peer_certificate(stream_.native_handle()));
        station_ = key ? server_.county_.station_with_key(*key) : nullptr;
        if (station_ == nullptr) return refuse_and_close("the certificate is no station's");
        arm_timer(options().idle_timeout, "idle timeout");
        read();
    }

    void read() {
        if (closed_ || closing_ || reading_ || busy_) return;
        reading_ = true;
        const std::size_t n = std::min(reader_.wanted(), buffer_.size());
        stream_.async_read_some(
            asio::buffer(buffer_.data(), n),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
                self->on_read(ec, size);
            });
    }

    void on_read(const boost::system::error_code& ec, std::size_t size) {
        reading_ = false;
        if (closed_) return;
        if (ec) {
            if (reader_.buffered() > 0)
                server_.refuse(peer_, station_id(),
                               "connection ended inside a frame: " + ec.message());
            return close();
        }
        reader_.feed(ByteSpan(buffer_.data(), size));
        auto frame = reader_.next();
        if (!frame)
            return answer_and_close(0, ReplyCode::malformed, "bad frame: " + frame.error().message);
        if (frame.value()) {
            frame_begun_ = false;
            return handle(*frame.value());  // one request at a time: read again once answered
        }
        // The read timeout runs from a frame's first byte (a trickled frame still ends).
        if (!frame_begun_) {
            frame_begun_ = true;
            arm_timer(options().read_timeout, "read timed out inside a frame");
        }
        read();
    }

    void handle(const Bytes& bytes) {
        auto decoded = station::decode_message(bytes);
        if (!decoded) return answer_and_close(0, ReplyCode::malformed, decoded.error().message);
        Message& message = decoded.value();
        const std::uint32_t id = station::request_id_of(message);
        if (auto* hello = std::get_if<station::CountyHello>(&message)) return on_hello(*hello);
        if (!welcomed_)
            return answer_and_close(id, ReplyCode::hello_first, "send county hello first");
        if (auto* held = std::get_if<station::HeldRequest>(&message)) return on_held(*held);
        if (auto* push = std::get_if<station::Push>(&message)) return on_push(std::move(*push));
        if (auto* ping = std::get_if<station::Ping>(&message))
            return answer(station::Pong{id, ping->nonce});
        answer_and_close(id, ReplyCode::malformed,
                         "a " + std::string(station::to_string(station::type_of(message))) +
                             " is not a request the county serves");
    }

    void on_hello(const station::CountyHello& hello) {
        if (welcomed_)
            return answer_and_close(hello.request_id, ReplyCode::malformed, "a second hello");
        const auto& election = server_.county_.ledger().election();
        if (hello.base_hash != election.base_hash)
            return answer_and_close(hello.request_id, ReplyCode::not_authorised,
                                    "county hello: base hash is not this county's election's");
        if (hello.station_id != station_->station_id)
            return answer_and_close(hello.request_id, ReplyCode::not_authorised,
                                    "county hello: station id '" + hello.station_id +
                                        "' is not the certificate's station '" +
                                        station_->station_id + "'");
        welcomed_ = true;
        answer(station::CountyWelcome{hello.request_id, election.base_hash, options().county_id,
                                      static_cast<std::uint32_t>(options().max_frame),
                                      options().max_records});
    }

    void on_held(const station::HeldRequest& request) {
        auto held = server_.county_.held(station_->station_id, request.district_id);
        if (!held) {
            server_.refuse(peer_, station_id(), held.error().message);
            return answer(ErrorReply{request.request_id, ReplyCode::not_authorised,
                                     clipped(held.error().message)});
        }
        answer(station::HeldSize{request.request_id, request.district_id, held.value()});
    }

    void on_push(station::Push push) {
        if (push.records.size() > options().max_records) {
            const std::string why = "push of " + std::to_string(push.records.size()) +
                                    " records: at most " + std::to_string(options().max_records);
            server_.refuse(peer_, station_id(), why);
            return answer(ErrorReply{push.request_id, ReplyCode::refused, why});
        }
        busy_ = true;
        timer_.cancel();
        auto shared = std::make_shared<station::Push>(std::move(push));
        asio::post(server_.workers_, [self = shared_from_this(), shared] {
            station::Push& p = *shared;
            const PushAnswer verdict = self->server_.county_.push(
                self->station_->station_id, p.district_id, p.first, std::move(p.records),
                p.signed_checkpoint, p.consistency_proof);
            Message reply = station::Pushed{p.request_id, p.district_id, verdict.held};
            if (verdict.refusal) {
                const std::string why = "push of district '" + p.district_id + "' from " +
                                        std::to_string(p.first) + ": " + verdict.refusal->message;
                self->server_.refuse(self->peer_, self->station_id(), why);
                const ErrorCode code = verdict.refusal->code;
                const ReplyCode reply_code =
                    verdict.equivocation           ? ReplyCode::equivocation
                    : code == ErrorCode::not_found ? ReplyCode::not_authorised
                    : code == ErrorCode::io_error || code == ErrorCode::corrupted
                        ? ReplyCode::unavailable
                        : ReplyCode::refused;
                reply = ErrorReply{p.request_id, reply_code, clipped(verdict.refusal->message)};
            }
            asio::post(self->executor_, [self, reply = std::move(reply)] {
                self->busy_ = false;
                if (self->closed_) return;
                self->answer(reply);
            });
        });
    }

    void answer(const Message& message) {
        writes_.push_back(station::encode_frame(message));
        if (writes_.size() == 1) write_next();
    }

    void write_next() {
        asio::async_write(stream_, asio::buffer(writes_.front()),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t) { self->on_written(ec); });
    }

    void on_written(const boost::system::error_code& ec) {
        writes_.pop_front();
        if (closed_) return;
        if (ec) return close();
        if (!writes_.empty()) return write_next();
        if (closing_) return close();
        arm_timer(options().idle_timeout, "idle timeout");
        read();
    }

    void answer_and_close(std::uint32_t id, ReplyCode code, const std::string& reason) {
        server_.refuse(peer_, station_id(), reason);
        answer(ErrorReply{id, code, clipped(reason)});
        closing_ = true;
        arm_timer(options().read_timeout, "the last answer was not read");
    }

    void refuse_and_close(const std::string& reason) {
        server_.refuse(peer_, station_id(), reason);
        close();
    }

    void arm_timer(std::chrono::milliseconds after, const char* reason) {
        timer_.expires_after(after);
        timer_.async_wait([self = shared_from_this(), reason](const boost::system::error_code& ec) {
            if (ec || self->closed_ || self->busy_) return;
            self->refuse_and_close(reason);
        });
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        boost::system::error_code ignored;
        stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.lowest_layer().close(ignored);
    }

    std::string station_id() const { return station_ ? station_->station_id : std::string(); }

    CountyServer::Impl& server_;
    const std::string peer_;
    const asio::any_io_executor executor_;  // the connection's strand
    ssl::stream<tcp::socket> stream_;
    asio::steady_timer timer_;
    station::FrameReader reader_;
    std::array<std::uint8_t, 64 * 1024> buffer_{};
    const StationTrust* station_ = nullptr;
    std::deque<Bytes> writes_;
    bool welcomed_ = false;
    bool reading_ = false;
    bool busy_ = false;  // a push is with the county: nothing read until it is answered
    bool frame_begun_ = false;
    bool closing_ = false;
    bool closed_ = false;
};

}  // namespace

Status CountyServer::Impl::configure(const station::TlsIdentity& identity) {
    boost::system::error_code ec;
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::no_tlsv1_2);
    if (SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_3_VERSION) != 1)
        return make_error(ErrorCode::invalid_argument, "county TLS: cannot require TLS 1.3");
    tls_.use_certificate_chain(asio::buffer(identity.certificate_pem()), ec);
    if (ec) return make_error(ErrorCode::invalid_argument, "county certificate: " + ec.message());
    tls_.use_private_key(asio::buffer(identity.private_key_pem()), ssl::context::pem, ec);
    if (ec) return make_error(ErrorCode::invalid_argument, "county private key: " + ec.message());
    // The station must present a certificate whose key is one the county configured: anything
    // else fails the handshake (its self-signature proves nothing; the handshake's
    // CertificateVerify proves the peer holds the key).
    tls_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    County* county = &county_;
    tls_.set_verify_callback([county](bool, ssl::verify_context& context) {
        X509* cert = X509_STORE_CTX_get_current_cert(context.native_handle());
        const auto key = certificate_ed25519_key(cert);
        return key && county->station_with_key(*key) != nullptr;
    });
    return {};
}

void CountyServer::Impl::accept() {
    acceptor_->async_accept(
        asio::make_strand(*io_), [this](const boost::system::error_code& ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
            if (!ec) {
                if (connections_.load() >= options_.max_connections) {
                    refuse(endpoint_text(socket), "",
                           "connection cap of " + std::to_string(options_.max_connections) +
                               " reached");
                    boost::system::error_code ignored;
                    socket.close(ignored);
                } else {
                    std::make_shared<Connection>(*this, std::move(socket))->start();
                }
            }
            accept();
        });
}

void CountyServer::Impl::stop() {
    if (stopped_) return;
    stopped_ = true;
    asio::post(acceptor_->get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
    });
    io_->stop();
    for (auto& t : threads_) t.join();
    workers_.join();  // the pushes under way finish; their answers die with the io_context
    acceptor_.reset();
    io_.reset();
}

Result<std::unique_ptr<CountyServer>> CountyServer::start(County& county,
                                                          const station::TlsIdentity& identity,
                                                          CountyServerOptions options) {
    if (options.threads == 0 || options.max_connections == 0 || options.max_frame == 0 ||
        options.max_frame > station::max_push_frame_size || options.max_records == 0 ||
        options.max_records > station::max_push_records)
        return make_error(ErrorCode::invalid_argument,
                          "county: threads and max_connections must be positive, max_frame "
                          "between 1 and " +
                              std::to_string(station::max_push_frame_size) +
                              ", max_records between 1 and " +
                              std::to_string(station::max_push_records));
    auto impl = std::make_unique<Impl>(county, std::move(options));
    PSEPHOS_TRY(impl->configure(identity));
    impl->io_.emplace(static_cast<int>(impl->options_.threads));
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(impl->options_.address, ec);
    if (ec)
        return make_error(ErrorCode::invalid_argument,
                          "county: address '" + impl->options_.address + "': " + ec.message());
    // The acceptor on a strand of its own: its completion handlers (accept()) and the close in
    // stop() never run at the same time on two of the pool's threads.
    impl->acceptor_.emplace(asio::make_strand(*impl->io_));
    const tcp::endpoint endpoint(address, impl->options_.port);
    auto& acceptor = *impl->acceptor_;
    if (acceptor.open(endpoint.protocol(), ec); !ec)
        if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); !ec)
            if (acceptor.bind(endpoint, ec); !ec)
                acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return make_error(ErrorCode::io_error,
                          "county: cannot listen on " + impl->options_.address + ":" +
                              std::to_string(impl->options_.port) + ": " + ec.message());
    impl->port_ = acceptor.local_endpoint().port();
    impl->accept();
    for (unsigned i = 0; i < impl->options_.threads; ++i)
        impl->threads_.emplace_back([raw = impl.get()] { raw->io_->run(); });
    return std::unique_ptr<CountyServer>(new CountyServer(std::move(impl)));
}

CountyServer::CountyServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CountyServer::~CountyServer() { impl_->stop(); }
std::uint16_t CountyServer::port() const { return impl_->port_; }
std::size_t CountyServer::connections() const { return impl_->connections_.load(); }

}  // namespace psephos::county
