// JsonRpcClient over HTTPS against a TLS node on 127.0.0.1 whose certificates this test makes at
// run time (OpenSSL: a P-256 key, a self-signed X.509 certificate with the subjectAltName the
// test chooses). The pinned certificate is accepted; another certificate, the system's CAs (which
// do not know it) and a certificate for another name are refused during the handshake, before the
// request (and its credentials) is sent. Credentials never go over plain http except to loopback.
#include <QTemporaryDir>
#include <QTest>

#include <boost/json/value.hpp>

#include <fstream>
#include <optional>
#include <string>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/json_rpc_client.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "tls_test_node.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

namespace json = boost::json;
using test::TestCertificate;
using test::TlsNode;

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
    TestCertificate node_identity_ = test::make_test_certificate("IP:127.0.0.1");
    TestCertificate other_identity_ = test::make_test_certificate("IP:127.0.0.1");
    TestCertificate named_identity_ = test::make_test_certificate("DNS:other.example");

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
