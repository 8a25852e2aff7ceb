// The county's server and the station's pusher (docs/county.md §3, docs/station-protocol.md §8)
// over loopback mutual TLS 1.3: an honest station's pushes make the county's roots its own, a
// second pass changes nothing, a push resumes after the county went away, an equivocating
// station is answered `equivocation`, and a station with a certificate the county did not pin
// (or a county the station did not pin) is refused at the handshake while the honest station
// keeps being served. Every server binds 127.0.0.1 on a free port and stops with its test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <QtTest>

#include <mutex>

#include "county_fixture.hpp"
#include "psephos/county/county_server.hpp"
#include "psephos/station/county_pusher.hpp"
#include "psephos/station/station_client.hpp"

using namespace psephos;
using namespace psephos::county;
using test::CountyFixture;

namespace {

struct Network {
    explicit Network(CountyFixture& fixture, std::uint16_t port = 0) : f(fixture) {
        county = f.open_county();
        start(port);
    }

    void start(std::uint16_t port, std::uint32_t max_records = 1024,
               const std::function<void(CountyServerOptions&)>& adjust = {}) {
        CountyServerOptions options;
        options.port = port;
        options.max_records = max_records;
        if (adjust) adjust(options);
        options.county_id = "county-test";
        options.on_refusal = [this](const CountyRefusal& r) {
            const std::lock_guard lock(mutex);
            refusals.push_back(r.reason);
        };
        auto started = CountyServer::start(*county, county_identity, std::move(options));
        if (!started) qFatal("county server: %s", started.error().message.c_str());
        server = std::move(started).value();
    }

    station::CountyEndpoint endpoint() const {
        return {"127.0.0.1", server->port(), county_identity.certificate_pem(),
                std::chrono::milliseconds(5'000)};
    }

    std::unique_ptr<station::CountyPusher> pusher(const station::TlsIdentity& identity) const {
        return std::make_unique<station::CountyPusher>(
            *f.station, std::vector<std::string>{"d1", "d2"}, "station-1", identity, endpoint());
    }

    bool refused_with(const std::string& text) {
        for (int i = 0; i < 500; ++i) {
            {
                const std::lock_guard lock(mutex);
                for (const auto& r : refusals)
                    if (r.find(text) != std::string::npos) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    bool roots_equal() const {
        for (const char* d : {"d1", "d2"})
            if (f.county_ledger->status(d)->root != f.station->status(d)->root) return false;
        return true;
    }

    CountyFixture& f;
    station::TlsIdentity county_identity = test::tls_identity(0x61, "county-test");
    station::TlsIdentity station_identity = test::tls_identity(0x51, "station-1");
    std::unique_ptr<County> county;
    std::mutex mutex;
    std::vector<std::string> refusals;
    std::unique_ptr<CountyServer> server;  // last: stops before the county goes
};

// A plain TCP connection to the county (no TLS), closed on destruction; -1 if refused.
struct RawConnection {
    explicit RawConnection(std::uint16_t port) : fd(::socket(AF_INET, SOCK_STREAM, 0)) {
        const timeval five_seconds{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    ~RawConnection() {
        if (fd >= 0) ::close(fd);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    // Waits for the county to close it (read returns 0 or fails) within the receive timeout.
    bool closed_by_peer() const {
        char byte = 0;
        return ::recv(fd, &byte, 1, 0) <= 0;
    }
    int fd;
};

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

}  // namespace

class TestCountyServer : public QObject {
    Q_OBJECT

private slots:
    void an_honest_stations_pushes_make_the_county_roots_its_own() {
        CountyFixture f;
        Network n(f);
        auto pusher = n.pusher(n.station_identity);
        auto problems = pusher->push_once();
        QVERIFY2(problems.empty(), joined(problems).c_str());
        QVERIFY(n.roots_equal());
        QCOMPARE(pusher->county_holds("d1"), f.station->status("d1")->size);
        // A second pass: nothing to push, nothing written.
        const auto appended = f.county_ledger->statistics().records_appended;
        problems = pusher->push_once();
        QVERIFY2(problems.empty(), joined(problems).c_str());
        QCOMPARE(f.county_ledger->statistics().records_appended, appended);
        // More ballots and the closing: pushed on the next pass (the background thread's).
        f.cast(0, 2);
        std::vector<Bytes> closing = f.scenario.closings(*f.station);
        QVERIFY(f.station->close_all_polls(std::move(closing)));
        pusher->start(std::chrono::milliseconds(50), [](const std::string&) {});
        pusher->wake();
        for (int i = 0; i < 500 && !n.roots_equal(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY(n.roots_equal());
        QCOMPARE(f.county_ledger->casting().status(0).polls, ledger::PollsStatus::closed);
    }

    void the_stations_tally_is_not_pushed_the_county_makes_its_own() {
        CountyFixture f;
        Network n(f);
        QVERIFY(f.station->close_all_polls(f.scenario.closings(*f.station)));
        const auto closed_size = f.station->status("d1")->size;
        QVERIFY(f.station->tally());
        auto pusher = n.pusher(n.station_identity);
        const auto problems = pusher->push_once();
        QVERIFY2(problems.empty(), joined(problems).c_str());
        QCOMPARE(f.county_ledger->status("d1")->size, closed_size);
        auto tallied = f.county_ledger->tally();
        QVERIFY2(tallied, tallied ? "" : tallied.error().message.c_str());
        QVERIFY(n.roots_equal());  // the same tally record: the county computed the same sums
    }

    void a_push_resumes_after_the_county_went_away() {
        CountyFixture f;
        Network n(f);
        auto pusher = n.pusher(n.station_identity);
        QVERIFY(pusher->push_once().empty());
        const std::uint16_t port = n.server->port();
        n.server.reset();  // the connection drops with the county
        f.cast(0, 3);
        auto problems = pusher->push_once();
        QVERIFY(!problems.empty());
        QVERIFY(!n.roots_equal());
        n.start(port);
        problems = pusher->push_once();
        QVERIFY2(problems.empty(), joined(problems).c_str());
        QVERIFY(n.roots_equal());
        // A station restarted (a new pusher) asks what the county holds and pushes nothing again.
        const auto appended = f.county_ledger->statistics().records_appended;
        QVERIFY(n.pusher(n.station_identity)->push_once().empty());
        QCOMPARE(f.county_ledger->statistics().records_appended, appended);
    }

    void an_equivocation_is_answered_equivocation() {
        CountyFixture f;
        Network n(f);
        QVERIFY(n.pusher(n.station_identity)->push_once().empty());
        const auto held = f.county_ledger->status("d1")->size;
        auto leaves = f.records("d1", 0, held - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        station::StationClientOptions o;
        o.port = n.server->port();
        o.station_certificate_pem = n.county_identity.certificate_pem();
        o.identity = &n.station_identity;
        auto client = station::StationClient::connect(o);
        QVERIFY(client);
        auto welcome = client.value()->request(
            station::CountyHello{1, f.scenario.election().base_hash, "station-1"});
        QVERIFY(welcome && std::holds_alternative<station::CountyWelcome>(welcome.value()));
        auto answer = client.value()->request(
            station::Push{2, "d1", held - 1, {leaves.back()}, f.forged_note("d1", leaves), {}});
        QVERIFY(answer);
        const auto* error = std::get_if<station::ErrorReply>(&answer.value());
        QVERIFY(error != nullptr);
        QCOMPARE(error->code, station::ReplyCode::equivocation);
        QCOMPARE(n.county->evidence().size(), std::size_t{1});
        // A push of a district that is not the station's, and a second hello.
        answer = client.value()->request(station::HeldRequest{3, "d3"});
        QVERIFY(answer && std::holds_alternative<station::ErrorReply>(answer.value()));
        QCOMPARE(std::get<station::ErrorReply>(answer.value()).code,
                 station::ReplyCode::not_authorised);
    }

    void a_hello_of_another_station_or_election_is_refused() {
        CountyFixture f;
        Network n(f);
        station::StationClientOptions o;
        o.port = n.server->port();
        o.station_certificate_pem = n.county_identity.certificate_pem();
        o.identity = &n.station_identity;
        for (const auto& hello :
             {station::CountyHello{1, f.scenario.election().base_hash, "station-2"},
              station::CountyHello{1, Hash32{}, "station-1"}}) {
            auto client = station::StationClient::connect(o);
            QVERIFY(client);
            auto answer = client.value()->request(hello);
            QVERIFY(answer && std::holds_alternative<station::ErrorReply>(answer.value()));
            QCOMPARE(std::get<station::ErrorReply>(answer.value()).code,
                     station::ReplyCode::not_authorised);
        }
        auto client = station::StationClient::connect(o);
        QVERIFY(client);
        auto answer = client.value()->request(station::HeldRequest{1, "d1"});
        QVERIFY(answer && std::holds_alternative<station::ErrorReply>(answer.value()));
        QCOMPARE(std::get<station::ErrorReply>(answer.value()).code,
                 station::ReplyCode::hello_first);
    }

    void a_certificate_the_county_did_not_pin_is_refused_at_the_handshake() {
        CountyFixture f;
        Network n(f);
        const auto stranger = test::tls_identity(0x71, "station-1");
        auto problems = n.pusher(stranger)->push_once();
        QVERIFY(!problems.empty());
        QVERIFY(n.refused_with("TLS handshake failed"));
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
        // The station pins the county: a county with another certificate is not talked to.
        station::CountyEndpoint impostor = n.endpoint();
        impostor.certificate_pem = test::tls_identity(0x72, "county-test").certificate_pem();
        station::CountyPusher wrong_county(*f.station, {"d1", "d2"}, "station-1",
                                           n.station_identity, impostor);
        problems = wrong_county.push_once();
        QVERIFY(!problems.empty());
        QVERIFY2(joined(problems).find("TLS handshake") != std::string::npos,
                 joined(problems).c_str());
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
        // The honest station is served all the while.
        problems = n.pusher(n.station_identity)->push_once();
        QVERIFY2(problems.empty(), joined(problems).c_str());
        QVERIFY(n.roots_equal());
    }

    void an_oversized_frame_closes_only_its_connection() {
        CountyFixture f;
        Network n(f);
        station::StationClientOptions o;
        o.port = n.server->port();
        o.station_certificate_pem = n.county_identity.certificate_pem();
        o.identity = &n.station_identity;
        auto client = station::StationClient::connect(o);
        QVERIFY(client);
        const Bytes huge_length{0x7F, 0xFF, 0xFF, 0xFF};
        QVERIFY(client.value()->send_raw(huge_length));
        auto answer = client.value()->receive();
        QVERIFY(answer && std::holds_alternative<station::ErrorReply>(answer.value()));
        QCOMPARE(std::get<station::ErrorReply>(answer.value()).code, station::ReplyCode::malformed);
        QVERIFY(!client.value()->receive());  // closed
        QVERIFY(n.pusher(n.station_identity)->push_once().empty());
        QVERIFY(n.roots_equal());
    }

    void the_connection_cap_and_the_handshake_timeout_close_connections() {
        CountyFixture f;
        Network n(f);
        n.server.reset();
        n.start(0, 1024, [](CountyServerOptions& o) {
            o.max_connections = 1;
            o.handshake_timeout = std::chrono::milliseconds(300);
        });
        {
            // A silent TCP peer holds the only slot: the next is closed before TLS; the silent
            // one is closed when its handshake times out.
            const RawConnection silent(n.server->port());
            QVERIFY(silent.fd >= 0);
            for (int i = 0; i < 500 && n.server->connections() == 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            const RawConnection second(n.server->port());
            QVERIFY(second.fd >= 0 && second.closed_by_peer());
            QVERIFY(n.refused_with("connection cap of 1 reached"));
            QVERIFY(silent.closed_by_peer());
            QVERIFY(n.refused_with("TLS handshake timed out"));
        }
        for (int i = 0; i < 500 && n.server->connections() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY(n.pusher(n.station_identity)->push_once().empty());
        QVERIFY(n.roots_equal());
    }

    void stalled_and_idle_connections_time_out() {
        CountyFixture f;
        Network n(f);
        n.server.reset();
        // The handshake keeps its default: a loaded machine may take a while for it.
        n.start(0, 1024, [](CountyServerOptions& o) {
            o.read_timeout = std::chrono::milliseconds(500);
            o.idle_timeout = std::chrono::milliseconds(1'000);
        });
        station::StationClientOptions o;
        o.port = n.server->port();
        o.station_certificate_pem = n.county_identity.certificate_pem();
        o.identity = &n.station_identity;
        {
            // Half a frame header, then nothing: closed by the read timeout.
            auto client = station::StationClient::connect(o);
            QVERIFY(client);
            QVERIFY(client.value()->send_raw(Bytes{0x00, 0x00}));
            QVERIFY(!client.value()->receive());
            QVERIFY(n.refused_with("read timed out inside a frame"));
        }
        {
            // Welcomed, then idle: closed by the idle timeout.
            auto client = station::StationClient::connect(o);
            QVERIFY(client);
            auto welcome = client.value()->request(
                station::CountyHello{1, f.scenario.election().base_hash, "station-1"});
            QVERIFY(welcome && std::holds_alternative<station::CountyWelcome>(welcome.value()));
            QVERIFY(!client.value()->receive());
            QVERIFY(n.refused_with("idle timeout"));
        }
        QVERIFY(n.pusher(n.station_identity)->push_once().empty());
        QVERIFY(n.roots_equal());
    }

    void a_push_beyond_the_record_limit_is_refused_before_the_county_sees_it() {
        CountyFixture f;
        Network n(f);
        n.server.reset();
        n.start(0, 1);
        station::StationClientOptions o;
        o.port = n.server->port();
        o.station_certificate_pem = n.county_identity.certificate_pem();
        o.identity = &n.station_identity;
        auto client = station::StationClient::connect(o);
        QVERIFY(client);
        auto welcome = client.value()->request(
            station::CountyHello{1, f.scenario.election().base_hash, "station-1"});
        QVERIFY(welcome && std::holds_alternative<station::CountyWelcome>(welcome.value()));
        QCOMPARE(std::get<station::CountyWelcome>(welcome.value()).max_records, 1u);
        const auto first = f.station->checkpoints("d1").value().front();
        QVERIFY(first.first > 1);
        auto answer = client.value()->request(
            station::Push{2, "d1", 0, f.records("d1", 0, first.first), first.second, {}});
        QVERIFY(answer && std::holds_alternative<station::ErrorReply>(answer.value()));
        QVERIFY(std::get<station::ErrorReply>(answer.value()).text.find("at most 1") !=
                std::string::npos);
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
        // The pusher cannot fit the station's first batch (2 records) in 1 and says so.
        const auto problems = n.pusher(n.station_identity)->push_once();
        QVERIFY2(joined(problems).find("does not fit one push") != std::string::npos,
                 joined(problems).c_str());
    }
};

QTEST_APPLESS_MAIN(TestCountyServer)
#include "tst_county_server.moc"
