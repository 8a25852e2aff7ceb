// The witness's HTTP server and client on loopback (docs/witness.md §5–§6): the client gets a
// cosignature, resynchronises after a 409, reads the monitoring checkpoint; hostile peers (bytes
// that are not HTTP, an oversized body, a request trickled byte by byte, more connections than
// the cap) are cut off while an honest client keeps being served.
#include <QTemporaryDir>
#include <QTest>

#include "witness_test_support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_client.hpp"
#include "psephos/witness/witness_server.hpp"

using psephos::test::key_from_byte;
using psephos::test::TestLog;
using psephos::witness::Witness;
using psephos::witness::WitnessClient;
using psephos::witness::WitnessOptions;
using psephos::witness::WitnessServer;
using psephos::witness::WitnessServerOptions;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {
const std::string origin = "psephos-test/district/d1";

// A raw TCP peer: what it sends is not filtered by any HTTP library.
struct RawPeer {
    asio::io_context io;
    tcp::socket socket{io};
    explicit RawPeer(std::uint16_t port) {
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    void send(std::string_view bytes) {
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ec);
    }
    // Everything until the server closes (or `limit` bytes).
    std::string read_all() {
        std::string out(4096, '\0');
        boost::system::error_code ec;
        const std::size_t n = asio::read(socket, asio::buffer(out), ec);
        out.resize(n);
        return out;
    }
    bool closed_by_server() {
        char c = 0;
        boost::system::error_code ec;
        socket.read_some(asio::buffer(&c, 1), ec);
        return ec.failed();
    }
};
}  // namespace

class TestWitnessServer : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<TestLog> log_;
    std::unique_ptr<Witness> witness_;
    std::unique_ptr<WitnessServer> server_;

    void start(WitnessServerOptions options = {}) {
        server_.reset();
        witness_.reset();
        std::filesystem::remove_all(dir_.path().toStdString() + "/state");
        log_ = std::make_unique<TestLog>(origin, key_from_byte(1), "a", 10);
        WitnessOptions o;
        o.state_directory = dir_.path().toStdString() + "/state";
        o.name = "witness.test/w1";
        o.logs = {log_->verifier()};
        witness_ = std::move(Witness::open(key_from_byte(7), std::move(o))).value();
        auto s = WitnessServer::start(*witness_, std::move(options));
        if (!s) qFatal("server: %s", s.error().message.c_str());
        server_ = std::move(s).value();
    }

    WitnessClient client() const {
        return WitnessClient("127.0.0.1", server_->port(), witness_->cosigner(), 5000ms);
    }
    psephos::witness::ConsistencyProver prover(std::uint64_t size) const {
        return
            [this, size](std::uint64_t old_size) -> psephos::Result<std::vector<psephos::Hash32>> {
                if (old_size > size)
                    return psephos::make_error(psephos::ErrorCode::invalid_argument, "beyond");
                return log_->proof(old_size, size);
            };
    }
    // An honest submission of the log's checkpoint at `size` from what the witness holds.
    void expect_served(std::uint64_t size) {
        const auto held = witness_->held_size(origin).value();
        const auto r = client().submit(log_->note(size), held, prover(size));
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(witness_->held_size(origin).value(), size);
    }

private slots:
    void init() { QVERIFY(dir_.isValid()); }
    void cleanup() {
        server_.reset();
        witness_.reset();
    }

    void cosigns_over_http() {
        start();
        const auto r = client().submit(log_->note(4), 0, prover(4));
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r.value().old_size, std::uint64_t{0});
        QVERIFY(psephos::crypto::open_cosigned_note(log_->note(4) + r.value().signature_line,
                                                    witness_->cosigner()));
        expect_served(10);
    }

    // A client that believes the witness holds nothing is told the size and resends from it.
    void resends_from_the_size_a_409_names() {
        start();
        expect_served(4);
        const auto r = client().submit(log_->note(9), 0, prover(9));
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r.value().old_size, std::uint64_t{4});
        QCOMPARE(witness_->held_size(origin).value(), std::uint64_t{9});
        // A checkpoint older than what the witness holds cannot be proven: refused, named.
        const auto old = client().submit(log_->note(5), 0, prover(5));
        QVERIFY(!old);
        QVERIFY(old.error().message.find("witness.test/w1") != std::string::npos);
    }

    // The cosignature must be the witness's: another key answering is refused.
    void refuses_an_answer_by_another_key() {
        start();
        const auto other =
            psephos::crypto::CosignerKey::of("witness.test/w1", key_from_byte(9).public_key());
        const WitnessClient wrong("127.0.0.1", server_->port(), other.value(), 5000ms);
        const auto r = wrong.submit(log_->note(3), 0, prover(3));
        QVERIFY(!r);
        QCOMPARE(r.error().code, psephos::ErrorCode::verification_failed);
    }

    void serves_the_monitoring_checkpoint() {
        start();
        expect_served(5);
        RawPeer peer(server_->port());
        peer.send("GET /" + psephos::witness::origin_hash_hex(origin) +
                  "/checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const std::string answer = peer.read_all();
        QVERIFY2(answer.rfind("HTTP/1.1 200", 0) == 0, answer.c_str());
        QVERIFY(answer.find(log_->checkpoint(5).to_text()) != std::string::npos);
        RawPeer missing(server_->port());
        missing.send("GET /" + std::string(64, '0') +
                     "/checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY(missing.read_all().rfind("HTTP/1.1 404", 0) == 0);
        RawPeer wrong_method(server_->port());
        wrong_method.send("GET /add-checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QVERIFY(wrong_method.read_all().rfind("HTTP/1.1 405", 0) == 0);
    }

    void answers_garbage_with_400_and_keeps_serving() {
        start();
        RawPeer peer(server_->port());
        peer.send(std::string("\x16\x03\x01\x02\x00 not http at all\r\n\r\n", 26));
        const std::string answer = peer.read_all();
        QVERIFY2(answer.rfind("HTTP/1.1 400", 0) == 0, answer.c_str());
        QVERIFY(server_->refused_requests() >= 1);
        expect_served(3);
    }

    void refuses_an_oversized_body_with_413() {
        WitnessServerOptions options;
        options.max_body_bytes = 4096;
        start(options);
        RawPeer peer(server_->port());
        peer.send("POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" +
                  std::string(8192, 'x'));
        const std::string answer = peer.read_all();
        QVERIFY2(answer.rfind("HTTP/1.1 413", 0) == 0, answer.c_str());
        RawPeer headers(server_->port());
        headers.send("POST /add-checkpoint HTTP/1.1\r\nX: " + std::string(20000, 'h') + "\r\n\r\n");
        QVERIFY(headers.read_all().rfind("HTTP/1.1 413", 0) == 0);
        expect_served(3);
    }

    // A peer that sends one byte every 100 ms is cut off at the request deadline; meanwhile
    // honest clients are served.
    void cuts_off_a_slow_sender() {
        WitnessServerOptions options;
        options.request_timeout = 600ms;
        start(options);
        RawPeer slow(server_->port());
        const std::string request = "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\n";
        const auto began = std::chrono::steady_clock::now();
        bool cut = false;
        for (std::size_t i = 0; i < 40 && !cut; ++i) {
            slow.send(std::string_view(&request[i % request.size()], 1));
            std::this_thread::sleep_for(100ms);
            if (i == 2) expect_served(3);
            boost::system::error_code ec;
            slow.socket.non_blocking(true);
            char c = 0;
            const auto n = slow.socket.read_some(asio::buffer(&c, 1), ec);
            cut = (n == 0 && ec && ec != asio::error::would_block);
            slow.socket.non_blocking(false);
        }
        QVERIFY2(cut, "the slow sender was not cut off");
        QVERIFY(std::chrono::steady_clock::now() - began < 3s);
        expect_served(6);
    }

    // Over the connection cap, new connections are closed at once; when the idle ones time out,
    // an honest client is served again.
    void caps_connections() {
        WitnessServerOptions options;
        options.max_connections = 4;
        options.request_timeout = 800ms;
        start(options);
        std::vector<std::unique_ptr<RawPeer>> idle;
        for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<RawPeer>(server_->port()));
        std::this_thread::sleep_for(100ms);
        RawPeer extra(server_->port());
        QVERIFY(extra.closed_by_server());
        QVERIFY(server_->refused_connections() >= 1);
        std::this_thread::sleep_for(1200ms);
        QCOMPARE(server_->connections(), std::size_t{0});
        expect_served(3);
    }
};

QTEST_GUILESS_MAIN(TestWitnessServer)
#include "tst_witness_server.moc"
