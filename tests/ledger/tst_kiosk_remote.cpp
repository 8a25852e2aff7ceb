// The networked kiosk (docs/kiosk.md §8, docs/station-protocol.md §6): a KioskStation that holds
// only its device key talks to a real StationServer on 127.0.0.1 over mutual TLS 1.3, through a
// small TCP relay the test controls, so that it can lose a connection at the worst moment (after
// the station wrote the ballot, or before the station saw it) and restart the station meanwhile.
// The kiosk must settle such a ballot by lookup and never cast it twice; refuse to start a session
// without a link; refuse a station whose certificate is not the pinned one; and refuse to sign a
// closing when the station's log does not hold its ballots as the kiosk recorded them.
#include <QtTest>

#include <fstream>
#include <thread>

#include "file_text.hpp"
#include "ledger_scenario.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/station/station_server.hpp"
#include "tcp_relay.hpp"

using psephos::test::read_text;
using namespace psephos;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t test_time = 1'793'000'300;

station::TlsIdentity identity_of(const crypto::Ed25519SigningKey& key, std::string_view name) {
    auto made = station::make_tls_identity(key, name);
    if (!made) qFatal("identity: %s", made.error().message.c_str());
    return std::move(made).value();
}

void check(const Status& s, const char* what) {
    if (!s) qFatal("%s: %s", what, s.error().message.c_str());
}

// A district ledger with d1's kiosk registered (polls not opened yet), its station, a relay in
// front of the station, and the networked kiosk's files: the manifest, its device key, the
// pinned station certificate and its own data directory (no ledger, no ledger key).
struct PollingPlace {
    // `more_registrations`: further devices of d1, registered before the polls open.
    explicit PollingPlace(std::vector<election::DeviceRegistration> more_registrations = {}) {
        const std::filesystem::path root = dir.path().toStdString();
        std::vector<Bytes> start{scenario.registration(0)};
        for (const auto& r : more_registrations)
            start.push_back(election::encode_device_registration(scenario.authorised(r)));
        ledger = make_ledger(root / "ledger", std::move(start));
        start_station();
        relay = std::make_unique<test::Relay>(server->port());
        manifest = root / "election.json";
        check(crypto::write_new_file(
                  manifest, election::manifest_to_json(scenario.election().manifest), 0644),
              "manifest");
        device_key = root / "d1-kiosk-1.key";
        check(crypto::write_signing_key_file(device_key, scenario.kiosk(0).key, "d1-kiosk-1"),
              "device key");
        certificate = root / "station.pem";
        check(crypto::write_new_file(certificate, station_identity.certificate_pem(), 0644),
              "certificate");
        kiosk_data = root / "kiosk";
        std::filesystem::create_directories(kiosk_data);
    }

    std::unique_ptr<ledger::Ledger> make_ledger(const std::filesystem::path& directory,
                                                std::vector<Bytes> records) const {
        ledger::LedgerOptions o;
        o.directory = directory;
        o.threads = 2;
        o.clock = [] { return test_time; };
        auto created = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                              test::LedgerScenario::ledger_key());
        if (!created) qFatal("create: %s", created.error().message.c_str());
        for (auto& r :
             created.value()->ingest(std::move(records), election::ActorRole::poll_worker))
            if (!r) qFatal("ingest: %s", r.error().message.c_str());
        return std::move(created).value();
    }

    void start_station() { server = start_station_on(*ledger); }

    std::unique_ptr<station::StationServer> start_station_on(ledger::Ledger& l) {
        station::StationServerOptions o;
        o.district_ids = {"d1"};
        o.station_id = "station-test";
        o.on_refusal = [this](const station::StationRefusal& r) {
            std::lock_guard lock(mutex);
            refusals.push_back(r.reason);
        };
        auto started = station::StationServer::start(l, station_identity, std::move(o));
        if (!started) qFatal("station: %s", started.error().message.c_str());
        return std::move(started).value();
    }

    kiosk::KioskConfig config() const {
        kiosk::KioskConfig c;
        c.election = manifest;
        c.district_id = "d1";
        c.data = kiosk_data;
        c.device_key = device_key;
        c.device_id = "d1-kiosk-1";
        c.precomputed_ballots = 0;
        c.clock = [] { return test_time; };
        c.station = "127.0.0.1:" + std::to_string(relay->port());
        c.station_certificate = certificate;
        c.station_timeout = 3s;
        c.reconnect_initial = 20ms;
        c.reconnect_max = 100ms;
        c.ping_interval = 60s;  // no ping between a test's requests
        // The relay cuts the next request or answer: no ping may come before the one meant.
        c.probe_idle = 600s;
        return c;
    }

    std::unique_ptr<kiosk::KioskStation> open_kiosk(const kiosk::KioskConfig& c) const {
        auto opened = kiosk::KioskStation::open(c);
        if (!opened) qFatal("kiosk: %s", opened.error().message.c_str());
        return std::move(opened).value();
    }

    // An online kiosk with the polls of d1 opened by it.
    std::unique_ptr<kiosk::KioskStation> open_polls() {
        auto k = open_kiosk(config());
        if (!k->wait_for_link(10s)) qFatal("no link: %s", k->link_status().reason.c_str());
        auto opened = k->record_polls(election::PollsAction::opened, "poll worker 1");
        if (!opened) qFatal("open polls: %s", opened.error().message.c_str());
        return k;
    }

    std::uint64_t d1_size() const { return ledger->status("d1").value().size; }

    bool station_refused(const std::string& text) {
        for (int i = 0; i < 300; ++i) {
            {
                std::lock_guard lock(mutex);
                for (const auto& r : refusals)
                    if (r.find(text) != std::string::npos) return true;
            }
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

    QTemporaryDir dir;
    test::LedgerScenario scenario;
    station::TlsIdentity station_identity = identity_of(test::seeded_key(0x51), "station-test");
    std::unique_ptr<ledger::Ledger> ledger;
    std::mutex mutex;
    std::vector<std::string> refusals;
    std::unique_ptr<station::StationServer> server;  // after the ledger: stops before it goes
    std::unique_ptr<test::Relay> relay;
    std::filesystem::path manifest, device_key, certificate, kiosk_data;
};

election::BallotMarks marks_of(const kiosk::KioskStation& k, std::size_t choice) {
    election::BallotMarks marks;
    const election::ElectionManifest& m = k.election().manifest;
    for (const auto& contest_id : m.ballot_style_of_district("d1")->contests) {
        const election::Contest& c = *m.find_contest(contest_id);
        marks[contest_id].push_back(c.options[choice % c.options.size()].id);
    }
    return marks;
}

}  // namespace

class TestKioskRemote : public QObject {
    Q_OBJECT

private slots:
    void casts_challenges_and_closes_through_the_station() {
        PollingPlace p;
        auto k = p.open_polls();
        QVERIFY(k->networked());
        QCOMPARE(k->link_status().state, kiosk::LinkState::online);
        QCOMPARE(p.ledger->casting().status(0).polls, ledger::PollsStatus::open);

        QVERIFY(k->seal(marks_of(*k, 0)).ok());
        auto cast = k->cast();
        QVERIFY2(cast.ok(), cast ? "" : cast.error().message.c_str());
        const kiosk::CastReceipt& r = cast.value();
        // Durable in the station's ledger at the receipt's index, and its receipt file checks.
        auto found = p.ledger->casting().find_tracking_code(r.tracking_code_hash);
        QVERIFY(found.has_value());
        QCOMPARE(found->index, r.receipt.index);
        QVERIFY2(r.receipt_problem.empty(), r.receipt_problem.c_str());
        QVERIFY(std::filesystem::exists(r.receipt_file));
        auto file = election::voter_receipt_from_json(read_text(r.receipt_file));
        QVERIFY(file.ok());
        QCOMPARE(file.value().tracking_code, r.tracking_code_hash);
        const std::string key = p.ledger->status("d1").value().verifier.to_text();
        auto verified =
            election::verify_voter_receipt(file.value(), std::span<const std::string>(&key, 1));
        QVERIFY2(verified.ok(), verified ? "" : verified.error().message.c_str());
        QVERIFY(verified.value().key_trusted);

        QVERIFY(k->seal(marks_of(*k, 1)).ok());
        auto challenged = k->challenge();
        QVERIFY2(challenged.ok(), challenged ? "" : challenged.error().message.c_str());
        // Each contest opens to the option marked (marks_of: the second option of each).
        const election::BallotMarks marked = marks_of(*k, 1);
        const auto& contests = k->election().manifest.ballot_style_of_district("d1")->contests;
        QCOMPARE(challenged.value().opened.size(), contests.size());
        for (std::size_t c = 0; c < contests.size(); ++c)
            QCOMPARE(challenged.value().opened[c], marked.at(contests[c]));
        QVERIFY(p.ledger->casting().find_tracking_code(challenged.value().tracking_code_hash));

        // The kiosk's own head, kept durably, is the chain the ledger holds.
        QCOMPARE(k->head_ballots(), std::uint64_t{2});
        QCOMPARE(k->chain_head(), challenged.value().tracking_code_hash);
        const std::string head = read_text(p.kiosk_data / "kiosk-head");
        QVERIFY(head.find("ballots 2\n") != std::string::npos);
        QVERIFY(head.find(challenged.value().tracking_code_hash.to_hex()) != std::string::npos);
        auto status = k->fetch_status();
        QVERIFY(status.ok());
        QCOMPARE(status.value().casting.ballots_cast, std::uint64_t{1});
        QCOMPARE(status.value().casting.ballots_challenged, std::uint64_t{1});
        QCOMPARE(status.value().device_ballots, std::uint64_t{2});
        QCOMPARE(k->status().casting.ballots_cast, std::uint64_t{1});
        // No ledger and no ledger key in the kiosk's directory: only its own state.
        QVERIFY(!std::filesystem::exists(p.kiosk_data / "ledger"));
        QVERIFY(!std::filesystem::exists(p.kiosk_data / "ledger.key"));

        auto closed = k->record_polls(election::PollsAction::closed, "poll worker 1");
        QVERIFY2(closed.ok(), closed ? "" : closed.error().message.c_str());
        QCOMPARE(p.ledger->casting().status(0).polls, ledger::PollsStatus::closed);
        // The closing carries the head this kiosk signed.
        auto record =
            election::decode_polls_record(p.ledger->record("d1", closed.value().index).value());
        QVERIFY(record.ok());
        QCOMPARE(record.value().heads.size(), std::size_t{1});
        QCOMPARE(record.value().heads[0].ballots, std::uint64_t{2});
    }

    void a_cast_whose_answer_was_lost_is_settled_by_lookup_across_a_station_restart() {
        PollingPlace p;
        auto k = p.open_polls();
        const std::uint64_t before = p.d1_size();
        QVERIFY(k->seal(marks_of(*k, 0)).ok());
        const Hash32 code = k->sealed()->tracking_code_hash;
        p.relay->set_mode(test::Relay::Mode::cut_next_answer);  // the station writes it; no receipt
        auto cast = k->cast();
        QVERIFY(!cast.ok());
        QCOMPARE(cast.error().code, ErrorCode::not_confirmed);
        QCOMPARE(p.relay->cuts(), 1);
        QVERIFY(p.ledger->casting().find_tracking_code(code).has_value());  // it did land
        QCOMPARE(k->in_flight().value(), election::format_tracking_code(code));
        // Not confirmed yet: no new voter session, and settle() says so.
        auto refused = k->seal(marks_of(*k, 1));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::not_confirmed);
        auto pending = k->settle();
        QVERIFY(!pending.ok());
        QCOMPARE(pending.error().code, ErrorCode::not_confirmed);

        // The station restarts on the same ledger (another port); the kiosk comes back to it.
        p.server.reset();
        p.start_station();
        p.relay->set_upstream(p.server->port());
        p.relay->set_mode(test::Relay::Mode::pass);
        k->reconnect_now();
        QVERIFY2(k->wait_for_link(10s), k->link_status().reason.c_str());
        auto settled = k->settle();
        QVERIFY2(settled.ok(), settled ? "" : settled.error().message.c_str());
        QVERIFY(settled.value().has_value());
        const kiosk::SettledOutcome& outcome = *settled.value();
        QVERIFY(outcome.recorded);
        QVERIFY(!outcome.resubmitted);  // found by lookup: never sent again
        QVERIFY(outcome.cast.has_value());
        QCOMPARE(outcome.cast->tracking_code_hash, code);
        QVERIFY2(outcome.cast->receipt_problem.empty(), outcome.cast->receipt_problem.c_str());
        QVERIFY(std::filesystem::exists(outcome.cast->receipt_file));
        // Exactly one record: the ballot, once.
        QCOMPARE(p.d1_size(), before + 1);
        QCOMPARE(p.ledger->casting().status(0).ballots_cast, std::uint64_t{1});
        QCOMPARE(k->head_ballots(), std::uint64_t{1});
        QVERIFY(!std::filesystem::exists(p.kiosk_data / "kiosk-in-flight"));
        // And the kiosk takes the next voter, chained to the settled ballot.
        QVERIFY(k->seal(marks_of(*k, 1)).ok());
        QVERIFY(k->cast().ok());
        QCOMPARE(p.ledger->casting().status(0).ballots_cast, std::uint64_t{2});
    }

    void a_cast_lost_before_the_station_saw_it_is_sent_again_after_a_kiosk_restart() {
        PollingPlace p;
        auto k = p.open_polls();
        const std::uint64_t before = p.d1_size();
        QVERIFY(k->seal(marks_of(*k, 0)).ok());
        const Hash32 code = k->sealed()->tracking_code_hash;
        p.relay->set_mode(test::Relay::Mode::cut_next_request);  // the station never sees it
        auto cast = k->cast();
        QVERIFY(!cast.ok());
        QCOMPARE(cast.error().code, ErrorCode::not_confirmed);
        QVERIFY(!p.ledger->casting().find_tracking_code(code).has_value());
        QVERIFY(std::filesystem::exists(p.kiosk_data / "kiosk-in-flight"));

        // The kiosk itself restarts: the ballot in flight is in its data directory.
        k.reset();
        p.relay->set_mode(test::Relay::Mode::pass);
        k = p.open_kiosk(p.config());
        QVERIFY2(k->wait_for_link(10s), k->link_status().reason.c_str());
        auto settled = k->settle();
        QVERIFY2(settled.ok(), settled ? "" : settled.error().message.c_str());
        QVERIFY(settled.value().has_value());
        QVERIFY(settled.value()->recorded);
        QVERIFY(settled.value()->resubmitted);
        QCOMPARE(settled.value()->cast->tracking_code_hash, code);
        QCOMPARE(p.d1_size(), before + 1);
        QCOMPARE(p.ledger->casting().status(0).ballots_cast, std::uint64_t{1});
        QCOMPARE(k->head_ballots(), std::uint64_t{1});
        QCOMPARE(k->chain_head(), code);
    }

    void without_a_station_no_voter_session_starts() {
        PollingPlace p;
        p.relay->set_mode(test::Relay::Mode::refuse);
        auto k = p.open_kiosk(p.config());
        QVERIFY(!k->wait_for_link(300ms));
        auto sealed = k->seal(marks_of(*k, 0));
        QVERIFY(!sealed.ok());
        QCOMPARE(sealed.error().code, ErrorCode::refused);
        QVERIFY2(sealed.error().message.find("no link to the station") != std::string::npos,
                 sealed.error().message.c_str());
        QVERIFY(!k->sealed().has_value());
        const kiosk::LinkStatus link = k->link_status();
        QVERIFY(link.state != kiosk::LinkState::online);
        QVERIFY(link.failed_attempts >= 2);  // it keeps trying, with backoff
        QVERIFY(!k->record_polls(election::PollsAction::opened, "poll worker 1").ok());
        // Once the station is reachable, the session starts.
        p.relay->set_mode(test::Relay::Mode::pass);
        QVERIFY2(k->wait_for_link(10s), k->link_status().reason.c_str());
        QVERIFY(k->record_polls(election::PollsAction::opened, "poll worker 1").ok());
        QVERIFY(k->seal(marks_of(*k, 0)).ok());
    }

    void a_station_certificate_other_than_the_pinned_one_is_refused_before_anything_is_sent() {
        PollingPlace p;
        const std::uint64_t before = p.d1_size();
        // The kiosk pins another station's certificate (an impostor answers in its place).
        const station::TlsIdentity other = identity_of(test::seeded_key(0x52), "station-test");
        const std::filesystem::path pinned =
            std::filesystem::path(p.dir.path().toStdString()) / "other.pem";
        check(crypto::write_new_file(pinned, other.certificate_pem(), 0644), "pinned");
        kiosk::KioskConfig c = p.config();
        c.station_certificate = pinned;
        auto k = p.open_kiosk(c);
        QVERIFY(!k->wait_for_link(500ms));
        QVERIFY2(k->link_status().reason.find("TLS handshake") != std::string::npos,
                 k->link_status().reason.c_str());
        QVERIFY(!k->record_polls(election::PollsAction::opened, "poll worker 1").ok());
        QVERIFY(!k->seal(marks_of(*k, 0)).ok());
        // The station saw only broken handshakes: no hello, nothing written.
        QVERIFY(p.station_refused("handshake"));
        QCOMPARE(p.d1_size(), before);
        QCOMPARE(p.ledger->casting().status(0).polls, ledger::PollsStatus::not_opened);
    }

    // Two networked kiosks in d1 (docs/station-protocol.md §6 "Closing"): the closing at the
    // first needs the second's own head, so it is refused until the second kiosk finished (the
    // station holds no head the second did not sign); a finished kiosk seals no more ballots.
    void a_district_of_two_kiosks_closes_once_both_finished() {
        const crypto::Ed25519SigningKey second = test::seeded_key(0x33);
        PollingPlace p({{"d1", "d1-kiosk-2", second.public_key(), 1'793'000'000, {}}});
        auto first = p.open_polls();
        kiosk::KioskConfig c = p.config();
        c.device_id = "d1-kiosk-2";
        c.station = "127.0.0.1:" + std::to_string(p.server->port());  // the relay takes one
        c.device_key = std::filesystem::path(p.dir.path().toStdString()) / "d1-kiosk-2.key";
        check(crypto::write_signing_key_file(c.device_key, second, "d1-kiosk-2"), "key");
        c.data = std::filesystem::path(p.dir.path().toStdString()) / "kiosk-2";
        std::filesystem::create_directories(c.data);
        auto other = p.open_kiosk(c);
        QVERIFY2(other->wait_for_link(10s), other->link_status().reason.c_str());
        for (auto* k : {first.get(), other.get()}) {
            QVERIFY(k->seal(marks_of(*k, 1)).ok());
            QVERIFY(k->cast().ok());
        }
        auto early = first->record_polls(election::PollsAction::closed, "poll worker 1");
        QVERIFY(!early.ok());
        QVERIFY2(early.error().message.find("d1-kiosk-2") != std::string::npos,
                 early.error().message.c_str());
        QCOMPARE(p.ledger->casting().status(0).polls, ledger::PollsStatus::open);

        auto finished = other->finish();
        QVERIFY2(finished.ok(), finished ? "" : finished.error().message.c_str());
        QCOMPARE(finished.value().ballots, std::uint64_t{1});
        QCOMPARE(finished.value().kiosks_registered, 2u);
        auto late = other->seal(marks_of(*other, 0));
        QVERIFY(!late.ok());
        QVERIFY(late.error().message.find("finished for the day") != std::string::npos);
        // Also after a restart of the finished kiosk.
        other.reset();
        other = p.open_kiosk(c);
        QVERIFY(other->finished());
        QVERIFY(!other->seal(marks_of(*other, 0)).ok());

        auto closed = first->record_polls(election::PollsAction::closed, "poll worker 1");
        QVERIFY2(closed.ok(), closed ? "" : closed.error().message.c_str());
        QCOMPARE(p.ledger->casting().status(0).polls, ledger::PollsStatus::closed);
        QCOMPARE(p.ledger->casting().status(0).ballots_cast, std::uint64_t{2});
    }

    void a_station_whose_log_lacks_the_kiosks_ballot_gets_no_closing() {
        PollingPlace p;
        auto k = p.open_polls();
        // A second ledger with the same start of the day (registration, opening), which will
        // not have the ballot the kiosk casts next: a station that cut the kiosk's chain.
        std::vector<Bytes> start;
        for (std::uint64_t i = 0; i < p.d1_size(); ++i)
            start.push_back(p.ledger->record("d1", i).value());
        auto cut = p.make_ledger(std::filesystem::path(p.dir.path().toStdString()) / "cut",
                                 std::move(start));
        QVERIFY(k->seal(marks_of(*k, 0)).ok());
        QVERIFY(k->cast().ok());

        auto liar = p.start_station_on(*cut);
        p.relay->set_upstream(liar->port());
        p.server.reset();  // the kiosk's connection ends; it comes back to the liar
        k->reconnect_now();
        QVERIFY2(k->wait_for_link(10s), k->link_status().reason.c_str());
        auto closed = k->record_polls(election::PollsAction::closed, "poll worker 1");
        QVERIFY(!closed.ok());
        QVERIFY2(closed.error().code == ErrorCode::verification_failed,
                 closed.error().message.c_str());
        QVERIFY2(closed.error().message.find("does not sign its head") != std::string::npos,
                 closed.error().message.c_str());
        QCOMPARE(cut->casting().status(0).polls, ledger::PollsStatus::open);
        liar.reset();
    }
};

QTEST_GUILESS_MAIN(TestKioskRemote)
#include "tst_kiosk_remote.moc"
