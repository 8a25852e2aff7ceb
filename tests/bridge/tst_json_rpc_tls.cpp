// JsonRpcClient over HTTPS against a TLS node on 127.0.0.1 whose certificates this test makes at
// run time (OpenSSL: a P-256 key, a self-signed X.509 certificate with the subjectAltName the
// test chooses). The pinned certificate is accepted; another certificate, the system's CAs (which
// do not know it) and a certificate for another name are refused during the handshake, before the
// request (and its credentials) is sent. Credentials never go over plain http except to loopback.
#include <QTemporaryDir>
#include <QTest>

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
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/json_rpc_client.hpp"
#include "psephos/bridge/proof_bundle.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

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

// A self-signed certificate for `subject_alt_name` ("IP:127.0.0.1", "DNS:other.example") and its
// key, both PEM.
struct TestCertificate {
    std::string certificate_pem;
    std::string key_pem;
};

std::string pem_of(const std::function<int(BIO*)>& write) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (write(bio) != 1) qFatal("PEM write failed");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
}

TestCertificate make_certificate(const char* subject_alt_name) {
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

// A TLS JSON-RPC node on 127.0.0.1 answering every request with {"result": "0x7a69"}, one
// connection at a time in its own thread; counts the requests it read (after a handshake).
class TlsNode {
public:
    explicit TlsNode(const TestCertificate& identity)
        : context_(ssl::context::tls_server),
          acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
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
            const json::value body = json::parse(request.body(), ec);
            json::object answer{{"jsonrpc", "2.0"}, {"result", "0x7a69"}};
            answer["id"] = body.is_object() ? body.as_object().at("id") : json::value(nullptr);
            http::response<http::string_body> response{http::status::ok, 11};
            response.set(http::field::content_type, "application/json");
            response.keep_alive(false);
            response.body() = json::serialize(answer);
            response.prepare_payload();
            http::write(stream, response, ec);
            stream.shutdown(ec);
        }
    }

    asio::io_context io_;
    ssl::context context_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::string authorization_;
    std::thread thread_;
};

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& text) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path) << text;
    return path;
}

Result<json::value> chain_id_call(const std::string& url, const std::string& pinned,
                                  std::optional<RpcCredentials> credentials = {}) {
    auto endpoint = RpcEndpoint::parse(url);
    if (!endpoint) return endpoint.error();
    JsonRpcClient client(endpoint.value(),
                         {std::chrono::milliseconds(3000), std::chrono::milliseconds(5000)});
    if (!pinned.empty()) client.use_trusted_certificates(pinned);
    if (credentials) client.use_credentials(*credentials);
    return client.call("eth_chainId", {});
}

}  // namespace

class TestJsonRpcTls : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    TestCertificate node_identity_ = make_certificate("IP:127.0.0.1");
    TestCertificate other_identity_ = make_certificate("IP:127.0.0.1");
    TestCertificate named_identity_ = make_certificate("DNS:other.example");

private slots:
    void https_urls_parse() {
        auto e = RpcEndpoint::parse("https://node.example/rpc");
        QVERIFY(e);
        QVERIFY(e.value().tls);
        QCOMPARE(e.value().port, std::uint16_t{443});
        QCOMPARE(e.value().to_string(), std::string("https://node.example:443/rpc"));
        auto plain = RpcEndpoint::parse("http://node.example");
        QVERIFY(plain && !plain.value().tls && plain.value().port == 80);
        QVERIFY(RpcEndpoint::parse("http://127.0.0.5:1/").value().is_loopback());
        QVERIFY(RpcEndpoint::parse("http://[::1]:1/").value().is_loopback());
        QVERIFY(RpcEndpoint::parse("http://LocalHost:1/").value().is_loopback());
        QVERIFY(!RpcEndpoint::parse("http://192.0.2.1:1/").value().is_loopback());
        QVERIFY(!RpcEndpoint::parse("http://localhost.example/").value().is_loopback());
        auto ftp = RpcEndpoint::parse("ftp://node.example/");
        QVERIFY(!ftp);
        QVERIFY(ftp.error().message.find("only http(s)://") != std::string::npos);
    }

    void pinned_certificate_is_accepted() {
        TlsNode node(node_identity_);
        const std::string pinned = write_file(dir_, "node.pem", node_identity_.certificate_pem);
        auto answer = chain_id_call(node.url(), pinned, RpcCredentials{"user", "secret"});
        QVERIFY2(answer, answer ? "" : answer.error().message.c_str());
        QCOMPARE(answer.value().as_string(), json::string("0x7a69"));
        QCOMPARE(node.requests(), 1);
        QCOMPARE(node.last_authorization(), std::string("Basic dXNlcjpzZWNyZXQ="));
    }

    void another_certificate_is_refused() {
        TlsNode node(node_identity_);
        const std::string other = write_file(dir_, "other.pem", other_identity_.certificate_pem);
        auto answer = chain_id_call(node.url(), other, RpcCredentials{"user", "secret"});
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, ErrorCode::io_error);
        QVERIFY2(answer.error().message.find("TLS handshake (nothing was sent): certificate "
                                             "verify failed") != std::string::npos,
                 answer.error().message.c_str());
        QCOMPARE(node.requests(), 0);
    }

    void unknown_certificate_is_refused_with_the_system_cas() {
        TlsNode node(node_identity_);
        auto answer = chain_id_call(node.url(), "");
        QVERIFY(!answer);
        QVERIFY2(answer.error().message.find("certificate verify failed") != std::string::npos,
                 answer.error().message.c_str());
        QCOMPARE(node.requests(), 0);
    }

    void certificate_for_another_name_is_refused() {
        // Pinned, so the chain verifies: only the name check can refuse it.
        TlsNode node(named_identity_);
        const std::string pinned = write_file(dir_, "named.pem", named_identity_.certificate_pem);
        auto answer = chain_id_call(node.url(), pinned);
        QVERIFY(!answer);
        QVERIFY2(answer.error().message.find("certificate verify failed") != std::string::npos,
                 answer.error().message.c_str());
        QCOMPARE(node.requests(), 0);
    }

    void unreadable_trust_file_is_named() {
        TlsNode node(node_identity_);
        const std::string junk = write_file(dir_, "junk.pem", "not a certificate\n");
        auto answer = chain_id_call(node.url(), junk);
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, ErrorCode::invalid_argument);
        QVERIFY2(answer.error().message.find("junk.pem") != std::string::npos,
                 answer.error().message.c_str());
        QCOMPARE(node.requests(), 0);
    }

    void credentials_never_go_over_plain_http_to_another_host() {
        // 192.0.2.1 (TEST-NET-1) is never reached: the call is refused before connecting.
        auto answer = chain_id_call("http://192.0.2.1:8332/", "", RpcCredentials{"user", "secret"});
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, ErrorCode::refused);
        QVERIFY2(answer.error().message.find("credentials are sent only over https or to a "
                                             "loopback address") != std::string::npos,
                 answer.error().message.c_str());
        QVERIFY(answer.error().message.find("secret") == std::string::npos);
    }

    // proof verify --rpc https://… --rpc-certificates PEM: the on-chain check (P12) reaches the
    // node through the pinned certificate, and not through another one.
    void on_chain_check_uses_the_pinned_certificate() {
        TlsNode node(node_identity_);
        ProofBundle bundle;
        BundleAnchor anchor;
        anchor.chain = "evm-31337";
        anchor.kind = election::ChainKind::evm;
        anchor.network = "31337";
        bundle.anchors.push_back(anchor);
        const std::string pinned = write_file(dir_, "p12.pem", node_identity_.certificate_pem);
        const std::string other =
            write_file(dir_, "p12-other.pem", other_identity_.certificate_pem);
        auto refused = verify_anchors_on_chain(bundle, node.url(), other);
        QCOMPARE(refused.size(), std::size_t{1});
        QVERIFY(!refused[0].passed);
        QVERIFY2(refused[0].detail.find("certificate verify failed") != std::string::npos,
                 refused[0].detail.c_str());
        QCOMPARE(node.requests(), 0);
        // Through the pinned certificate the node answers the chain id (0x7a69, 31337); P12
        // then fails on this bundle's empty transaction, past the TLS handshake.
        auto reached = verify_anchors_on_chain(bundle, node.url(), pinned);
        QCOMPARE(reached.size(), std::size_t{1});
        QVERIFY2(reached[0].detail.find("certificate") == std::string::npos,
                 reached[0].detail.c_str());
        QCOMPARE(node.requests(), 1);
    }

    // The bridge configuration refuses a Bitcoin node's credentials over plain http to another
    // host, and takes https with a pinned certificate file (relative to the configuration).
    void bridge_configuration_refuses_credentials_in_clear() {
        auto config_with = [&](const std::string& rpc) {
            const std::string path =
                write_file(dir_, "bridge.json",
                           "{\"bitcoin\": [{\"name\": \"btc\", \"network\": \"regtest\", "
                           "\"key_file\": \"k\", \"utxo\": {\"txid\": \"" +
                               std::string(64, 'a') +
                               "\", \"vout\": 0, \"amount_sat\": 100000}, \"out_dir\": \"a\", "
                               "\"rpc\": \"" +
                               rpc +
                               "\", \"rpc_user\": \"u\", \"rpc_password\": \"p\", "
                               "\"rpc_certificates\": \"node.pem\"}]}");
            return read_bridge_config(path);
        };
        auto clear = config_with("http://192.0.2.1:8332/");
        QVERIFY(!clear);
        QVERIFY2(clear.error().message.find("credentials go only over https or to a loopback "
                                            "address, not to 'http://192.0.2.1:8332/'") !=
                     std::string::npos,
                 clear.error().message.c_str());
        QVERIFY(config_with("http://127.0.0.1:8332/"));
        auto tls = config_with("https://node.example:8332/");
        QVERIFY2(tls, tls ? "" : tls.error().message.c_str());
        QCOMPARE(tls.value().bitcoin.at(0).rpc_certificates.filename().string(),
                 std::string("node.pem"));
        QVERIFY(tls.value().bitcoin.at(0).rpc_certificates.is_absolute());
    }
};

QTEST_GUILESS_MAIN(TestJsonRpcTls)
#include "tst_json_rpc_tls.moc"
