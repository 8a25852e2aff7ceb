// A JSON-RPC node over TLS on 127.0.0.1 for tests, with certificates made at run time (OpenSSL: a
// P-256 key, a self-signed X.509 certificate with the subjectAltName the test chooses). It either
// answers every request itself ({"result": "0x7a69"}, chain id 31337) or relays each request's
// body to a plain-http node on 127.0.0.1 (a Hardhat node) and its answer back: an https endpoint
// in front of a real chain. One connection at a time, in its own thread; it stops by itself.
#pragma once

#include <QtGlobal>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace psephos::test {

namespace tls_node_detail {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
    void operator()(X509* c) const { X509_free(c); }
};

inline std::string pem_of(const std::function<int(BIO*)>& write) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (write(bio) != 1) qFatal("PEM write failed");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
}
}  // namespace tls_node_detail

// A self-signed certificate for `subject_alt_name` ("IP:127.0.0.1", "DNS:other.example") and its
// key, both PEM.
struct TestCertificate {
    std::string certificate_pem;
    std::string key_pem;
};

inline TestCertificate make_test_certificate(const char* subject_alt_name) {
    using namespace tls_node_detail;
    std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
    if (!key) qFatal("EVP_EC_gen failed");
    std::unique_ptr<X509, CertFree> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("psephos test node"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, subject_alt_name);
    if (san == nullptr) qFatal("subjectAltName");
    X509_add_ext(cert.get(), san, -1);
    X509_EXTENSION_free(san);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) qFatal("X509_sign failed");
    TestCertificate out;
    out.certificate_pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    out.key_pem = pem_of([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return out;
}

// The TLS node; counts the requests it read (after a handshake the client accepted).
class TlsNode {
public:
    // Answers every request itself with {"result": "0x7a69"}.
    explicit TlsNode(const TestCertificate& identity) : TlsNode(identity, 0) {}
    // Relays every request to http://127.0.0.1:upstream_port (0: answers itself).
    TlsNode(const TestCertificate& identity, std::uint16_t upstream_port)
        : context_(tls_node_detail::ssl::context::tls_server),
          acceptor_(io_, tls_node_detail::tcp::endpoint(
                             tls_node_detail::asio::ip::make_address("127.0.0.1"), 0)),
          upstream_port_(upstream_port) {
        namespace asio = tls_node_detail::asio;
        namespace ssl = tls_node_detail::ssl;
        context_.use_certificate_chain(
            asio::buffer(identity.certificate_pem.data(), identity.certificate_pem.size()));
        context_.use_private_key(asio::buffer(identity.key_pem.data(), identity.key_pem.size()),
                                 ssl::context::pem);
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    TlsNode(const TlsNode&) = delete;
    TlsNode& operator=(const TlsNode&) = delete;
    ~TlsNode() {
        using namespace tls_node_detail;
        stopping_ = true;
        boost::system::error_code ec;
        tcp::socket wake(io_);
        wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
        thread_.join();
    }

    std::string url(const std::string& host = "127.0.0.1") const {
        return "https://" + host + ":" + std::to_string(port_) + "/rpc";
    }
    int requests() const { return requests_; }
    std::string last_authorization() const { return authorization_; }

private:
    void serve() {
        using namespace tls_node_detail;
        for (;;) {
            tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ssl::stream<tcp::socket> stream(std::move(socket), context_);
            stream.handshake(ssl::stream_base::server, ec);
            if (ec) continue;  // the client refused the certificate
            beast::flat_buffer buffer;
            http::request<http::string_body> request;
            http::read(stream, buffer, request, ec);
            if (ec) continue;
            ++requests_;
            authorization_ = std::string(request[http::field::authorization]);
            http::response<http::string_body> response{http::status::ok, 11};
            response.set(http::field::content_type, "application/json");
            response.keep_alive(false);
            response.body() = upstream_port_ != 0 ? relay(request.body()) : answer(request.body());
            response.prepare_payload();
            http::write(stream, response, ec);
            stream.shutdown(ec);
        }
    }

    static std::string answer(const std::string& body_text) {
        using namespace tls_node_detail;
        boost::system::error_code ec;
        const json::value body = json::parse(body_text, ec);
        json::object answer{{"jsonrpc", "2.0"}, {"result", "0x7a69"}};
        answer["id"] = body.is_object() && body.as_object().contains("id")
                           ? body.as_object().at("id")
                           : json::value(nullptr);
        return json::serialize(answer);
    }

    // The upstream node's answer body (empty if it failed, which the client sees as garbage).
    std::string relay(const std::string& body) {
        using namespace tls_node_detail;
        boost::system::error_code ec;
        tcp::socket upstream(io_);
        upstream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), upstream_port_), ec);
        if (ec) return {};
        http::request<http::string_body> request{http::verb::post, "/", 11};
        request.set(http::field::host, "127.0.0.1");
        request.set(http::field::content_type, "application/json");
        request.keep_alive(false);
        request.body() = body;
        request.prepare_payload();
        http::write(upstream, request, ec);
        if (ec) return {};
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(upstream, buffer, response, ec);
        return ec ? std::string() : response.body();
    }

    tls_node_detail::asio::io_context io_;
    tls_node_detail::ssl::context context_;
    tls_node_detail::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::uint16_t upstream_port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::string authorization_;
    std::thread thread_;
};

}  // namespace psephos::test
