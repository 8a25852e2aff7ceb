// The synchronous station client (station_client.hpp): Boost.Asio with OpenSSL 3, TLS 1.3 only;
// each blocking step runs the client's own io_context for at most the timeout.
#include "psephos/station/station_client.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <optional>

namespace psephos::station {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

struct FreeCertificate {
    void operator()(X509* c) const { X509_free(c); }
};
using CertificatePtr = std::unique_ptr<X509, FreeCertificate>;

CertificatePtr read_certificate(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio) return nullptr;
    return CertificatePtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Error io_failure(const std::string& step, const boost::system::error_code& ec) {
    return make_error(ErrorCode::io_error, "station client: " + step + ": " + ec.message());
}

}  // namespace

class StationClient::Impl {
public:
    explicit Impl(const StationClientOptions& options)
        : timeout_(options.timeout), tls_(ssl::context::tls_client) {}

    // Runs the asynchronous operation `start(done)` for at most the timeout; on time-out the
    // socket is closed (the operation then ends with operation_aborted) and timed_out returned.
    template <class Start>
    boost::system::error_code run(Start start) {
        std::optional<boost::system::error_code> result;
        start([&result](const boost::system::error_code& ec, auto&&...) { result = ec; });
        io_.restart();
        io_.run_for(timeout_);
        if (!result) {
            boost::system::error_code ignored;
            stream_->lowest_layer().close(ignored);
            io_.restart();
            io_.run();
            return asio::error::timed_out;
        }
        return *result;
    }

    std::chrono::milliseconds timeout_;
    asio::io_context io_;
    ssl::context tls_;
    CertificatePtr pinned_;
    std::optional<ssl::stream<tcp::socket>> stream_;  // made once the context is configured
    FrameReader reader_;
    std::array<std::uint8_t, 16 * 1024> buffer_{};
    std::size_t read_size_ = 0;
};

Result<std::unique_ptr<StationClient>> StationClient::connect(const StationClientOptions& options) {
    auto impl = std::make_unique<Impl>(options);
    impl->pinned_ = read_certificate(options.station_certificate_pem);
    if (!impl->pinned_)
        return make_error(
            ErrorCode::invalid_argument,
            "station client: the pinned station certificate is not a PEM certificate");
    auto& tls = impl->tls_;
    if (SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_3_VERSION) != 1)
        return make_error(ErrorCode::invalid_argument, "station client: cannot require TLS 1.3");
    boost::system::error_code ec;
    if (options.identity != nullptr) {
        tls.use_certificate_chain(asio::buffer(options.identity->certificate_pem()), ec);
        if (!ec)
            tls.use_private_key(asio::buffer(options.identity->private_key_pem()),
                                ssl::context::pem, ec);
        if (ec)
            return make_error(ErrorCode::invalid_argument,
                              "station client: device certificate or key: " + ec.message());
    }
    impl->stream_.emplace(impl->io_, tls);
    X509* pinned = impl->pinned_.get();
    impl->stream_->set_verify_mode(ssl::verify_peer);
    impl->stream_->set_verify_callback([pinned](bool, ssl::verify_context& context) {
        X509* cert = X509_STORE_CTX_get_current_cert(context.native_handle());
        return cert != nullptr && X509_cmp(cert, pinned) == 0;
    });

    const auto address = asio::ip::make_address(options.host, ec);
    if (ec)
        return make_error(ErrorCode::invalid_argument,
                          "station client: host '" + options.host + "': " + ec.message());
    const tcp::endpoint endpoint(address, options.port);
    auto& stream = *impl->stream_;
    ec = impl->run([&](auto done) { stream.lowest_layer().async_connect(endpoint, done); });
    if (ec)
        return io_failure("connect to " + options.host + ":" + std::to_string(options.port), ec);
    ec = impl->run([&](auto done) { stream.async_handshake(ssl::stream_base::client, done); });
    if (ec) return io_failure("TLS handshake", ec);
    return std::unique_ptr<StationClient>(new StationClient(std::move(impl)));
}

StationClient::StationClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StationClient::~StationClient() = default;

Status StationClient::send(const Message& message) { return send_raw(encode_frame(message)); }

Status StationClient::send_raw(ByteSpan bytes) {
    auto& stream = *impl_->stream_;
    auto ec = impl_->run([&](auto done) {
        asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), done);
    });
    if (ec) return io_failure("send", ec);
    return {};
}

Result<Message> StationClient::receive() {
    auto& impl = *impl_;
    for (;;) {
        auto frame = impl.reader_.next();
        if (!frame) return frame.error().within("station client");
        if (frame.value()) return decode_message(*frame.value());
        const std::size_t want = std::min(impl.reader_.wanted(), impl.buffer_.size());
        std::size_t got = 0;
        auto ec = impl.run([&](auto done) {
            impl.stream_->async_read_some(
                asio::buffer(impl.buffer_.data(), want),
                [&got, done](const boost::system::error_code& e, std::size_t n) {
                    got = n;
                    done(e);
                });
        });
        if (ec) return io_failure("receive", ec);
        impl.reader_.feed(ByteSpan(impl.buffer_.data(), got));
    }
}

Result<Message> StationClient::request(const Message& message) {
    PSEPHOS_TRY(send(message));
    return receive();
}

}  // namespace psephos::station
