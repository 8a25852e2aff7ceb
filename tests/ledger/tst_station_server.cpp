// The station server (docs/station-protocol.md, issue 21) over loopback mutual TLS 1.3: a
// registered kiosk casts and gets receipts that verify against the district's signed checkpoint;
// bad peers (no certificate, an unregistered key, another device's key, garbage, an oversized
// frame, too many requests in flight, silence) are refused with the reason reported, while an
// honest kiosk keeps being served.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <thread>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_server.hpp"
#include "station_test_support.hpp"

using namespace psephos;
using namespace psephos::station;

namespace {

using test::as;
using test::describe;
using test::identity_of;
using test::Station;
using test::verify_inclusion;

}  // namespace

class TestStationServer : public QObject {
    Q_OBJECT

private slots:
    void kiosk_casts_and_receipts_verify_against_the_signed_checkpoint() {
        Station s;
        auto client = s.connect(&s.kiosk_identity);
        QVERIFY2(client.ok(), client ? "" : client.error().message.c_str());
        auto& kiosk = *client.value();
        auto hello = kiosk.request(Hello{7, s.scenario.election().base_hash, "d1-kiosk-1"});
        const auto* welcome = as<Welcome>(hello);
        QVERIFY2(welcome != nullptr, describe(hello).c_str());
        QCOMPARE(welcome->request_id, 7u);
        QCOMPARE(welcome->district_id, std::string("d1"));
        QCOMPARE(welcome->station_id, std::string("station-test"));

        Bytes first;
        for (std::uint32_t i = 0; i < 3; ++i) {
            auto prepared = s.scenario.next_ballot(0, i);
            const Bytes record = election::encode_ballot(prepared.ballot);
            if (i == 0) first = record;
            auto answer = kiosk.request(Submit{100 + i, record});
            const auto* receipt = as<Receipt>(answer);
            QVERIFY2(receipt != nullptr, describe(answer).c_str());
            QCOMPARE(receipt->request_id, 100 + i);
            QCOMPARE(receipt->inclusion.leaf_hash, crypto::hash_merkle_leaf(record));
            auto ok = verify_inclusion(s, receipt->inclusion, prepared.tracking_code);
            QVERIFY2(ok.ok(), ok ? "" : ok.error().message.c_str());
            // Durable before the answer: the log holds the record at the receipt's index.
            QCOMPARE(s.ledger->record("d1", receipt->inclusion.index).value(), record);
        }

        // A record the ledger refuses is answered with its reason, and reported.
        auto again = kiosk.request(Submit{200, first});
        const auto* refused = as<ErrorReply>(again);
        QVERIFY2(refused != nullptr && refused->code == ReplyCode::refused,
                 describe(again).c_str());
        QVERIFY(!refused->text.empty());
        QVERIFY(s.refused_with("record refused"));

        auto status = kiosk.request(StatusRequest{300});
        const auto* report = as<StatusReport>(status);
        QVERIFY2(report != nullptr, describe(status).c_str());
        QCOMPARE(report->polls, PollsState::open);
        QCOMPARE(report->ballots_cast, 3u);
        QCOMPARE(report->device_ballots, 3u);
        QCOMPARE(report->device_last_tracking_code, s.scenario.kiosk(0).chain_head);
        QCOMPARE(report->log_size, s.ledger->status("d1").value().size);

        auto pong = kiosk.request(Ping{301, 0xABCDEF});
        QVERIFY2(as<Pong>(pong) != nullptr, describe(pong).c_str());
        QCOMPARE(as<Pong>(pong)->nonce, std::uint64_t{0xABCDEF});
    }

    void a_connection_submits_only_its_own_devices_records() {
        Station s;
        auto second = s.welcomed(s.second_identity, "d1-kiosk-2");
        // d1-kiosk-1's ballot, validly signed by it, relayed over d1-kiosk-2's connection.
        auto relayed = s.scenario.next_ballot(0, 0);
        auto answer = second->request(Submit{3, election::encode_ballot(relayed.ballot)});
        const auto* error = as<ErrorReply>(answer);
        QVERIFY2(error != nullptr && error->code == ReplyCode::refused, describe(answer).c_str());
        QVERIFY2(error->text.find("record of device 'd1-kiosk-1' in district 'd1' submitted by "
                                  "device 'd1-kiosk-2'") != std::string::npos,
                 error->text.c_str());
        auto found = second->request(Lookup{4, relayed.tracking_code});
        QVERIFY2(as<LookupResult>(found) && !as<LookupResult>(found)->record_type,
                 describe(found).c_str());
        // A record that does not decode is refused the same way, and the connection stays.
        answer = second->request(Submit{5, Bytes{0x02, 0x01, 0x02}});
        QVERIFY2(as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::refused,
                 describe(answer).c_str());
        QVERIFY(as<Pong>(second->request(Ping{6, 6})) != nullptr);
        QVERIFY(s.refused_with("record does not decode"));
    }

    void lookup_finds_a_cast_ballot_by_tracking_code() {
        Station s;
        auto kiosk = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto prepared = s.scenario.next_ballot(0, 1);
        auto cast = kiosk->request(Submit{2, election::encode_ballot(prepared.ballot)});
        QVERIFY2(as<Receipt>(cast) != nullptr, describe(cast).c_str());

        auto found = kiosk->request(Lookup{3, prepared.tracking_code});
        const auto* result = as<LookupResult>(found);
        QVERIFY2(result != nullptr, describe(found).c_str());
        QCOMPARE(result->record_type, std::optional<std::uint8_t>(0x02));
        QCOMPARE(result->inclusion.index, as<Receipt>(cast)->inclusion.index);
        auto ok = verify_inclusion(s, result->inclusion, prepared.tracking_code);
        QVERIFY2(ok.ok(), ok ? "" : ok.error().message.c_str());

        auto missing = kiosk->request(Lookup{4, crypto::sha256(as_bytes("no such ballot"))});
        QVERIFY2(as<LookupResult>(missing) != nullptr, describe(missing).c_str());
        QVERIFY(!as<LookupResult>(missing)->record_type);
    }

    void client_refuses_a_station_other_than_the_pinned_one() {
        Station s;
        StationClientOptions o;
        o.port = s.server->port();
        o.station_certificate_pem =
            identity_of(test::seeded_key(0x52), "impostor").certificate_pem();
        o.identity = &s.kiosk_identity;
        auto client = StationClient::connect(o);
        QVERIFY(!client.ok());
        QVERIFY2(client.error().message.find("TLS handshake") != std::string::npos,
                 client.error().message.c_str());
    }

    void refusals_are_in_the_ledgers_event_log() {
        Station s;
        const TlsIdentity stranger = identity_of(test::seeded_key(0x77), "stranger");
        auto client = s.connect(&stranger);
        QVERIFY(client.ok());
        QVERIFY(s.refused_with("not a registered device key"));
        // The event's synced write runs on the station's waiter pool: wait for it.
        bool logged = false;
        for (int i = 0; i < 500 && !logged; ++i) {
            const auto events = s.ledger->status(ledger::event_log_name).value().size;
            for (std::uint64_t e = 0; e < events && !logged; ++e) {
                auto event = election::decode_ledger_event(
                    s.ledger->record(ledger::event_log_name, e).value());
                logged =
                    event && event.value().type == election::EventType::error &&
                    event.value().disposition == election::Disposition::failure &&
                    event.value().subject.find("station station-test: 127.0.0.1:") == 0 &&
                    event.value().subject.find("not a registered device key") != std::string::npos;
            }
            if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        QVERIFY(logged);
    }

    void tls_below_1_3_is_refused() {
        Station s;
        // A TLS 1.2 client (raw OpenSSL) with the registered kiosk's certificate and key.
        std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                                  &SSL_CTX_free);
        QVERIFY(context != nullptr);
        QVERIFY(SSL_CTX_set_max_proto_version(context.get(), TLS1_2_VERSION) == 1);
        const std::string& cert_pem = s.kiosk_identity.certificate_pem();
        const std::string& key_pem = s.kiosk_identity.private_key_pem();
        std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
            BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), &BIO_free);
        std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
            BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), &BIO_free);
        std::unique_ptr<X509, decltype(&X509_free)> cert(
            PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
        QVERIFY(SSL_CTX_use_certificate(context.get(), cert.get()) == 1);
        QVERIFY(SSL_CTX_use_PrivateKey(context.get(), key.get()) == 1);

        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        const timeval five_seconds{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(s.server->port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QVERIFY(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
        std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
        SSL_set_fd(ssl.get(), fd);
        const int handshake = SSL_connect(ssl.get());
        ssl.reset();
        ::close(fd);
        QCOMPARE(handshake == 1, false);
        QVERIFY(s.refused_with("TLS handshake failed"));
    }

    void client_without_certificate_is_refused() {
        Station s;
        auto client = s.connect(nullptr);
        // TLS 1.3: the client's side of the handshake may finish before the station refuses.
        if (client) {
            auto answer = client.value()->receive();
            QVERIFY2(!answer.ok(), describe(answer).c_str());
        }
        QVERIFY(s.refused_with("TLS handshake failed"));
    }

    void certificate_of_an_unregistered_key_is_refused() {
        Station s;
        const TlsIdentity stranger = identity_of(test::seeded_key(0x77), "d1-kiosk-1");
        auto client = s.connect(&stranger);
        QVERIFY2(client.ok(), client ? "" : client.error().message.c_str());
        auto answer = client.value()->receive();
        const auto* error = as<ErrorReply>(answer);
        QVERIFY2(error != nullptr && error->code == ReplyCode::not_authorised,
                 describe(answer).c_str());
        QVERIFY(s.refused_with("not a registered device key of the station's districts (d1)"));
        QVERIFY(!client.value()->receive().ok());  // closed
    }

    void certificate_of_another_device_cannot_speak_for_this_one() {
        Station s;
        auto client = s.connect(&s.second_identity);  // d1-kiosk-2's key
        QVERIFY2(client.ok(), client ? "" : client.error().message.c_str());
        auto answer =
            client.value()->request(Hello{1, s.scenario.election().base_hash, "d1-kiosk-1"});
        const auto* error = as<ErrorReply>(answer);
        QVERIFY2(error != nullptr && error->code == ReplyCode::not_authorised,
                 describe(answer).c_str());
        QVERIFY2(error->text.find("not the certificate's device 'd1-kiosk-2'") != std::string::npos,
                 error->text.c_str());
        QVERIFY(!client.value()->receive().ok());  // closed
    }

    void hello_of_another_election_and_requests_before_hello_are_refused() {
        Station s;
        auto other = s.connect(&s.kiosk_identity);
        QVERIFY(other.ok());
        auto answer = other.value()->request(
            Hello{1, crypto::sha256(as_bytes("another election")), "d1-kiosk-1"});
        QVERIFY2(
            as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::not_authorised,
            describe(answer).c_str());
        QVERIFY(s.refused_with("base hash"));

        auto early = s.connect(&s.kiosk_identity);
        QVERIFY(early.ok());
        answer = early.value()->request(Ping{5, 1});
        QVERIFY2(as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::hello_first,
                 describe(answer).c_str());
    }

    void garbage_and_oversized_frames_close_only_their_connection() {
        Station s;
        auto honest = s.welcomed(s.kiosk_identity, "d1-kiosk-1");

        auto garbage = s.connect(&s.second_identity);
        QVERIFY(garbage.ok());
        const Bytes junk{0x00, 0x00, 0x00, 0x05, 0x77, 0x01, 0x00, 0x00, 0x00};
        QVERIFY(garbage.value()->send_raw(junk).ok());
        auto answer = garbage.value()->receive();
        QVERIFY2(as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::malformed,
                 describe(answer).c_str());
        QVERIFY(!garbage.value()->receive().ok());  // closed

        auto oversized = s.connect(&s.second_identity);
        QVERIFY(oversized.ok());
        QVERIFY(oversized.value()->send_raw(Bytes{0xFF, 0xFF, 0xFF, 0xFF}).ok());
        answer = oversized.value()->receive();
        QVERIFY2(as<ErrorReply>(answer) && as<ErrorReply>(answer)->code == ReplyCode::malformed,
                 describe(answer).c_str());
        QVERIFY(!oversized.value()->receive().ok());  // closed
        QVERIFY(s.refused_with("bad frame"));

        // The honest kiosk is still served.
        auto prepared = s.scenario.next_ballot(0, 0);
        auto cast = honest->request(Submit{9, election::encode_ballot(prepared.ballot)});
        QVERIFY2(as<Receipt>(cast) != nullptr, describe(cast).c_str());
        QVERIFY(as<Pong>(honest->request(Ping{10, 3})) != nullptr);
    }

    void requests_beyond_the_in_flight_limit_are_answered_busy() {
        StationServerOptions options;
        options.max_in_flight = 1;
        Station s(options);
        auto kiosk = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        // Four chained ballots in one write: the station reads them while the first is still
        // being validated and written.
        std::vector<election::PreparedBallot> ballots;
        Bytes stream;
        for (std::uint32_t i = 0; i < 4; ++i) {
            ballots.push_back(s.scenario.next_ballot(0, i));
            const Bytes frame =
                encode_frame(Submit{10 + i, election::encode_ballot(ballots.back().ballot)});
            stream.insert(stream.end(), frame.begin(), frame.end());
        }
        QVERIFY(kiosk->send_raw(stream).ok());
        std::map<std::uint32_t, Message> answers;
        for (int i = 0; i < 4; ++i) {
            auto answer = kiosk->receive();
            QVERIFY2(answer.ok(), describe(answer).c_str());
            answers[request_id_of(answer.value())] = answer.value();
        }
        QCOMPARE(answers.size(), std::size_t{4});
        int receipts = 0;
        int busy = 0;
        for (std::uint32_t i = 0; i < 4; ++i) {
            const Message& m = answers.at(10 + i);
            if (std::holds_alternative<Receipt>(m)) {
                ++receipts;
                continue;
            }
            const auto* error = std::get_if<ErrorReply>(&m);
            QVERIFY(error != nullptr);
            // A busy request was not done: its ballot is not in the log.
            if (error->code == ReplyCode::busy) {
                ++busy;
                auto found = kiosk->request(Lookup{50 + i, ballots[i].tracking_code});
                QVERIFY2(as<LookupResult>(found) && !as<LookupResult>(found)->record_type,
                         describe(found).c_str());
            } else {
                QCOMPARE(error->code, ReplyCode::refused);  // chained to a ballot answered busy
            }
        }
        QVERIFY(receipts >= 1);
        QVERIFY(busy >= 1);
        QVERIFY(s.refused_with("busy"));
    }

    void a_device_beyond_its_rate_is_answered_rate_limited() {
        StationServerOptions options;
        options.device_rate = {0.2, 2};  // two at once, then one every five seconds
        Station s(options);
        // Two connections of one device share its bucket.
        auto first = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto second = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto other = s.welcomed(s.second_identity, "d1-kiosk-2");
        std::vector<election::PreparedBallot> ballots;
        for (std::uint32_t i = 0; i < 3; ++i) ballots.push_back(s.scenario.next_ballot(0, i));
        auto cast = [](StationClient& client, std::uint32_t id, const auto& ballot) {
            return client.request(Submit{id, election::encode_ballot(ballot.ballot)});
        };
        auto one = cast(*first, 10, ballots[0]);
        QVERIFY2(as<Receipt>(one), describe(one).c_str());
        auto two = cast(*second, 11, ballots[1]);
        QVERIFY2(as<Receipt>(two), describe(two).c_str());
        for (auto* client : {first.get(), second.get()}) {
            auto three = cast(*client, 12, ballots[2]);
            const auto* error = as<ErrorReply>(three);
            QVERIFY2(error && error->code == ReplyCode::rate_limited, describe(three).c_str());
            QVERIFY(error->text.find("faster than 0.2 a second (burst 2)") != std::string::npos);
        }
        // Nothing was done: the third ballot is not in the log, and the connection still serves.
        auto found = first->request(Lookup{13, ballots[2].tracking_code});
        QVERIFY2(as<LookupResult>(found) && !as<LookupResult>(found)->record_type,
                 describe(found).c_str());
        QVERIFY(s.refused_with("rate limited: device submits faster than 0.2 a second"));
        // Another device has its own bucket: its submit passes the rate and meets the next check
        // (a record of another device is refused).
        auto relayed = other->request(Submit{14, election::encode_ballot(ballots[2].ballot)});
        const auto* error = as<ErrorReply>(relayed);
        QVERIFY2(error && error->code == ReplyCode::refused, describe(relayed).c_str());
    }

    void a_flooding_connection_is_read_no_faster_than_its_rate() {
        StationServerOptions options;
        options.device_rate = {2, 1};  // one at once, then one every half second
        Station s(options);
        auto flooder = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        // Twelve submits in one write (records that would not decode: the rate is checked
        // first). After a `rate_limited` the connection is not read until the next token is
        // due, so answers come at the rate, not as fast as the flooder writes.
        Bytes stream;
        for (std::uint32_t i = 0; i < 12; ++i) {
            const Bytes frame = encode_frame(Submit{20 + i, Bytes{0x02, 0xFF}});
            stream.insert(stream.end(), frame.begin(), frame.end());
        }
        const auto began = std::chrono::steady_clock::now();
        QVERIFY(flooder->send_raw(stream).ok());
        int limited = 0;
        for (int i = 0; i < 6; ++i) {
            auto answer = flooder->receive();
            const auto* error = as<ErrorReply>(answer);
            QVERIFY2(error, describe(answer).c_str());
            if (error->code == ReplyCode::rate_limited) ++limited;
        }
        QVERIFY(limited >= 2);
        QVERIFY(std::chrono::steady_clock::now() - began >= std::chrono::milliseconds(900));
    }

    void a_flood_of_refusals_is_thinned_in_the_event_log() {
        Station s;
        const TlsIdentity stranger = identity_of(test::seeded_key(0x77), "stranger");
        const std::string reason = "not a registered device key";
        auto logged_refusals = [&] {
            std::size_t count = 0;
            std::string last;
            const auto events = s.ledger->status(ledger::event_log_name).value().size;
            for (std::uint64_t e = 0; e < events; ++e) {
                auto event = election::decode_ledger_event(
                    s.ledger->record(ledger::event_log_name, e).value());
                if (event && event.value().subject.find(reason) != std::string::npos) {
                    ++count;
                    last = event.value().subject;
                }
            }
            return std::pair{count, last};
        };
        constexpr int flood = 30;
        for (int i = 0; i < flood; ++i) {
            auto client = s.connect(&stranger);
            QVERIFY(client.ok());
            (void)client.value()->receive();  // the not_authorised answer, then the close
        }
        // on_refusal sees every one; the log at most one a second of them.
        for (int i = 0; i < 500; ++i) {
            std::lock_guard lock(s.mutex);
            if (std::count_if(s.refusals.begin(), s.refusals.end(), [&](const auto& r) {
                    return r.reason.find(reason) != std::string::npos;
                }) == flood)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        QVERIFY(s.server->refusal_events_suppressed() >= flood - 3);
        {
            // on_refusal is told which ones the log left out, so that it can thin its own.
            std::lock_guard lock(s.mutex);
            const auto thinned = std::count_if(s.refusals.begin(), s.refusals.end(),
                                               [](const auto& r) { return r.thinned; });
            QCOMPARE(static_cast<std::uint64_t>(thinned), s.server->refusal_events_suppressed());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
        auto last = s.connect(&stranger);
        QVERIFY(last.ok());
        std::pair<std::size_t, std::string> logged;
        for (int i = 0; i < 500; ++i) {
            logged = logged_refusals();
            if (logged.second.find("more like it, not logged") != std::string::npos) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        QVERIFY2(logged.first >= 2 && logged.first <= 4, std::to_string(logged.first).c_str());
        QVERIFY2(logged.second.find("more like it, not logged") != std::string::npos,
                 logged.second.c_str());
        QCOMPARE(s.server->refusal_events_logged() + s.server->refusal_events_suppressed(),
                 std::uint64_t(flood + 1));
    }

    // A polling place with two districts: each kiosk is served the district its device is
    // registered in, and only that one (records, status and lookups of the other are refused or
    // not found); a station serving only d1 turns d2's kiosk away.
    void one_station_serves_several_districts_each_connection_its_own() {
        StationServerOptions two;
        two.district_ids = {"d1", "d2"};
        Station s(two);
        auto d1 = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto d2 = s.welcomed(s.d2_identity, "d2-kiosk-1");
        auto hello = s.connect(&s.d2_identity)
                         .value()
                         ->request(Hello{1, s.scenario.election().base_hash, "d2-kiosk-1"});
        QVERIFY(as<Welcome>(hello) != nullptr);
        QCOMPARE(as<Welcome>(hello)->district_id, std::string("d2"));

        auto in_d1 = s.scenario.next_ballot(0, 0);
        auto in_d2 = s.scenario.next_ballot(1, 0);
        auto cast_d2 = d2->request(Submit{2, election::encode_ballot(in_d2.ballot)});
        QVERIFY2(as<Receipt>(cast_d2) != nullptr, describe(cast_d2).c_str());
        QCOMPARE(s.ledger->status("d2").value().size, as<Receipt>(cast_d2)->inclusion.index + 1);
        // d1's ballot on d2's connection: refused before the ledger sees it.
        auto relayed = d2->request(Submit{3, election::encode_ballot(in_d1.ballot)});
        const auto* refused = as<ErrorReply>(relayed);
        QVERIFY2(refused != nullptr && refused->code == ReplyCode::refused &&
                     refused->text.find("on a connection of district 'd2'") != std::string::npos,
                 describe(relayed).c_str());
        auto cast_d1 = d1->request(Submit{4, election::encode_ballot(in_d1.ballot)});
        QVERIFY2(as<Receipt>(cast_d1) != nullptr, describe(cast_d1).c_str());
        // Lookups stay within the connection's district.
        auto other = d1->request(Lookup{5, in_d2.tracking_code});
        QVERIFY(as<LookupResult>(other) != nullptr && !as<LookupResult>(other)->record_type);
        auto own = d2->request(Lookup{6, in_d2.tracking_code});
        QVERIFY(as<LookupResult>(own) != nullptr && as<LookupResult>(own)->record_type);
        auto status = d2->request(StatusRequest{7});
        QVERIFY(as<StatusReport>(status) != nullptr);
        QCOMPARE(as<StatusReport>(status)->device_ballots, std::uint64_t{1});
        QCOMPARE(as<StatusReport>(status)->ballots_cast, std::uint64_t{1});

        // The default station serves d1 only: d2's kiosk is not authorised.
        Station only_d1;
        auto turned_away = only_d1.connect(&only_d1.d2_identity);
        QVERIFY(turned_away.ok());
        auto answer = turned_away.value()->receive();
        const auto* not_authorised = as<ErrorReply>(answer);
        QVERIFY2(
            not_authorised != nullptr && not_authorised->code == ReplyCode::not_authorised &&
                not_authorised->text.find("of the station's districts (d1)") != std::string::npos,
            describe(answer).c_str());

        // Districts given twice or not in the election are refused at the start.
        for (const std::vector<std::string>& bad :
             {std::vector<std::string>{"d1", "d1"}, std::vector<std::string>{"d3"},
              std::vector<std::string>{}}) {
            StationServerOptions o;
            o.district_ids = bad;
            QVERIFY(!StationServer::start(*s.ledger, s.station_identity, o).ok());
        }
    }

    // The end of the day at a polling place of two kiosks (docs/station-protocol.md §6): each
    // kiosk sends its own signed final head (then casts no more); the kiosk that closes the polls
    // takes the heads the station holds and signs the closing with them, and the ledger accepts
    // it. Heads that are not the device's own, not signed by it or not its chain are refused.
    void kiosks_finish_and_the_closing_carries_their_heads() {
        Station s;
        auto one = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto two = s.welcomed(s.second_identity, "d1-kiosk-2");
        const Hash32 base = s.scenario.election().base_hash;
        auto cast = s.scenario.next_ballot(0, 0);
        QVERIFY(as<Receipt>(one->request(Submit{1, election::encode_ballot(cast.ballot)})));
        const Hash32 second_seed = election::initial_tracking_code(base, "d1-kiosk-2");
        auto signed_head = [&](const crypto::Ed25519SigningKey& key, const std::string& device,
                               std::uint64_t ballots, const Hash32& last) {
            const election::DeviceHead h =
                election::sign_device_head(base, "d1", device, ballots, last, key);
            return SignedHead{h.device_id, h.ballots, h.last_tracking_code, h.signature};
        };
        auto refused = [&](StationClient& c, const SignedHead& head, const char* why) {
            auto answer = c.request(FinalHead{5, head});
            const auto* e = as<ErrorReply>(answer);
            QVERIFY2(e != nullptr && e->code == ReplyCode::refused &&
                         e->text.find(why) != std::string::npos,
                     describe(answer).c_str());
        };
        // Not its own, not its key, not its chain: refused, nothing kept.
        refused(*two, signed_head(s.scenario.kiosk(0).key, "d1-kiosk-1", 1, cast.tracking_code),
                "not this connection's");
        refused(*two, signed_head(s.scenario.kiosk(0).key, "d1-kiosk-2", 0, second_seed),
                "the signature is not the device's");
        refused(*one,
                signed_head(s.scenario.kiosk(0).key, "d1-kiosk-1", 0,
                            election::initial_tracking_code(base, "d1-kiosk-1")),
                "the device says 0 ballots, the log holds 1");
        auto none = one->request(HeadsRequest{6});
        QVERIFY(as<HeadList>(none) != nullptr && as<HeadList>(none)->heads.empty());

        auto noted =
            two->request(FinalHead{7, signed_head(s.second_key, "d1-kiosk-2", 0, second_seed)});
        QVERIFY2(as<HeadNoted>(noted) != nullptr, describe(noted).c_str());
        QCOMPARE(as<HeadNoted>(noted)->heads_held, 1u);
        QCOMPARE(as<HeadNoted>(noted)->devices_registered, 2u);
        // A finished kiosk casts no more.
        const Hash32 before = *s.ledger->casting().device_chain_head(0, "d1-kiosk-2");
        const election::ElectionManifest& m = s.scenario.election().manifest;
        election::BallotMarks marks;
        for (const auto& contest : m.ballot_style_of_district("d1")->contests)
            marks[contest].push_back(m.find_contest(contest)->options.front().id);
        election::PreparedBallot late =
            election::encrypt_ballot(s.scenario.election(),
                                     {"late", "d1-kiosk-2", "d1", s.scenario.ballot_time, before},
                                     marks, s.second_key)
                .value();
        auto after = two->request(Submit{8, election::encode_ballot(late.ballot)});
        QVERIFY2(
            as<ErrorReply>(after) != nullptr &&
                as<ErrorReply>(after)->text.find("has finished for the day") != std::string::npos,
            describe(after).c_str());

        const SignedHead own =
            signed_head(s.scenario.kiosk(0).key, "d1-kiosk-1", 1, cast.tracking_code);
        auto both = one->request(FinalHead{9, own});
        QVERIFY(as<HeadNoted>(both) != nullptr && as<HeadNoted>(both)->heads_held == 2u);
        auto list = one->request(HeadsRequest{10});
        QVERIFY(as<HeadList>(list) != nullptr);
        QCOMPARE(as<HeadList>(list)->heads.size(), std::size_t{2});

        election::PollsRecord closing{election::PollsAction::closed,
                                      "d1",
                                      1'793'000'300,
                                      1,
                                      0,
                                      "poll worker",
                                      "d1-kiosk-1",
                                      {},
                                      {}};
        for (const SignedHead& h : as<HeadList>(list)->heads)
            closing.heads.push_back({h.device_id, h.ballots, h.last_tracking_code, h.signature});
        election::sign_polls_record(base, closing, s.scenario.kiosk(0).key);
        auto closed = one->request(Submit{11, election::encode_polls_record(closing)});
        QVERIFY2(as<Receipt>(closed) != nullptr, describe(closed).c_str());
        QCOMPARE(s.ledger->casting().status(0).polls, ledger::PollsStatus::closed);
    }

    // The heads are kept in a file before the kiosk hears "noted": a restarted station still
    // refuses a finished kiosk's ballots and still gives the closing its head. A file whose heads
    // no longer check (a byte changed, cut short) stops the start, naming the file; a head that
    // cannot be written is not noted.
    void final_heads_outlive_a_restart_and_a_forged_file_stops_the_start() {
        QTemporaryDir heads_dir;
        const std::filesystem::path file =
            std::filesystem::path(heads_dir.path().toStdString()) / "station-final-heads";
        StationServerOptions o;
        o.final_heads_file = file;
        Station s(o);
        const Hash32 base = s.scenario.election().base_hash;
        const election::DeviceHead h = election::sign_device_head(
            base, "d1", "d1-kiosk-2", 0, election::initial_tracking_code(base, "d1-kiosk-2"),
            s.second_key);
        {
            auto two = s.welcomed(s.second_identity, "d1-kiosk-2");
            auto noted = two->request(FinalHead{
                3, SignedHead{h.device_id, h.ballots, h.last_tracking_code, h.signature}});
            QVERIFY2(as<HeadNoted>(noted) != nullptr, describe(noted).c_str());
        }
        QVERIFY(std::filesystem::exists(file));
        s.server.reset();

        StationServerOptions again;
        again.district_ids = {"d1"};
        again.final_heads_file = file;
        auto restarted = StationServer::start(*s.ledger, s.station_identity, again);
        QVERIFY2(restarted, restarted ? "" : restarted.error().message.c_str());
        s.server = std::move(restarted).value();
        auto two = s.welcomed(s.second_identity, "d1-kiosk-2");
        auto list = two->request(HeadsRequest{4});
        QVERIFY(as<HeadList>(list) != nullptr);
        QCOMPARE(as<HeadList>(list)->heads.size(), std::size_t{1});
        QCOMPARE(as<HeadList>(list)->heads.front().signature, h.signature);
        const election::ElectionManifest& m = s.scenario.election().manifest;
        election::BallotMarks marks;
        for (const auto& contest : m.ballot_style_of_district("d1")->contests)
            marks[contest].push_back(m.find_contest(contest)->options.front().id);
        const election::PreparedBallot late =
            election::encrypt_ballot(
                s.scenario.election(),
                {"late", "d1-kiosk-2", "d1", s.scenario.ballot_time, h.last_tracking_code}, marks,
                s.second_key)
                .value();
        auto after = two->request(Submit{5, election::encode_ballot(late.ballot)});
        QVERIFY2(
            as<ErrorReply>(after) != nullptr &&
                as<ErrorReply>(after)->text.find("has finished for the day") != std::string::npos,
            describe(after).c_str());
        two.reset();
        s.server.reset();

        auto bytes = crypto::read_public_file(file, 1 << 20).value();
        auto start_with = [&](const Bytes& content) {
            if (!crypto::replace_file(
                    file,
                    std::string_view(reinterpret_cast<const char*>(content.data()), content.size()),
                    0600))
                qFatal("cannot write %s", file.c_str());
            return StationServer::start(*s.ledger, s.station_identity, again);
        };
        Bytes forged = bytes;
        forged.back() ^= 0x01;  // the signature's last byte
        auto refused = start_with(forged);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("final heads file") != std::string::npos &&
                     refused.error().message.find("the signature is not the device's") !=
                         std::string::npos,
                 refused.error().message.c_str());
        Bytes cut(bytes.begin(), bytes.end() - 10);
        refused = start_with(cut);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("final heads file") != std::string::npos,
                 refused.error().message.c_str());

        // Nowhere to write it: the kiosk hears `unavailable`, and the head is not held.
        StationServerOptions unwritable;
        unwritable.district_ids = {"d1"};
        unwritable.final_heads_file = file.parent_path() / "no-such-directory" / "heads";
        auto started = StationServer::start(*s.ledger, s.station_identity, unwritable);
        QVERIFY(started);
        s.server = std::move(started).value();
        auto again_two = s.welcomed(s.second_identity, "d1-kiosk-2");
        auto unavailable = again_two->request(
            FinalHead{6, SignedHead{h.device_id, h.ballots, h.last_tracking_code, h.signature}});
        QVERIFY2(as<ErrorReply>(unavailable) != nullptr &&
                     as<ErrorReply>(unavailable)->code == ReplyCode::unavailable,
                 describe(unavailable).c_str());
        auto empty = again_two->request(HeadsRequest{7});
        QVERIFY(as<HeadList>(empty) != nullptr && as<HeadList>(empty)->heads.empty());
    }

    void bad_rate_options_are_refused() {
        Station s;
        for (const DeviceRate rate : {DeviceRate{0, 5}, DeviceRate{1, 0.5},
                                      DeviceRate{std::numeric_limits<double>::quiet_NaN(), 2}}) {
            StationServerOptions o;
            o.district_ids = {"d1"};
            o.device_rate = rate;
            auto started = StationServer::start(*s.ledger, s.station_identity, o);
            QVERIFY(!started.ok());
            QVERIFY(started.error().message.find("device_rate") != std::string::npos);
        }
    }

    void silent_and_stalled_connections_time_out() {
        StationServerOptions options;
        options.idle_timeout = std::chrono::milliseconds(300);
        options.read_timeout = std::chrono::milliseconds(300);
        Station s(options);
        auto idle = s.connect(&s.kiosk_identity);
        QVERIFY(idle.ok());
        QVERIFY(!idle.value()->receive().ok());
        QVERIFY(s.refused_with("idle timeout"));

        auto stalled = s.connect(&s.kiosk_identity);
        QVERIFY(stalled.ok());
        QVERIFY(stalled.value()->send_raw(Bytes{0x00, 0x00}).ok());  // half a frame header
        QVERIFY(!stalled.value()->receive().ok());
        QVERIFY(s.refused_with("read timed out inside a frame"));
    }

    void a_frame_trickled_a_byte_at_a_time_still_times_out() {
        StationServerOptions options;
        options.read_timeout = std::chrono::milliseconds(400);
        Station s(options);
        auto slow = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        // A 100-byte frame begun, then a byte every 50 ms: each byte comes well within the read
        // timeout, the frame never does (a slowloris).
        QVERIFY(slow->send_raw(Bytes{0x00, 0x00, 0x00, 0x64}).ok());
        const auto began = std::chrono::steady_clock::now();
        bool closed = false;
        while (!closed && std::chrono::steady_clock::now() - began < std::chrono::seconds(3)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            closed = !slow->send_raw(Bytes{0x05}).ok();
        }
        QVERIFY(closed);
        QVERIFY(std::chrono::steady_clock::now() - began < std::chrono::milliseconds(1'500));
        QVERIFY(s.refused_with("read timed out inside a frame"));
    }

    void connections_beyond_the_cap_are_closed() {
        StationServerOptions options;
        options.max_connections = 1;
        Station s(options);
        auto first = s.welcomed(s.kiosk_identity, "d1-kiosk-1");
        auto second = s.connect(&s.second_identity);
        if (second) QVERIFY(!second.value()->receive().ok());
        QVERIFY(s.refused_with("connection cap of 1 reached"));
        QVERIFY(as<Pong>(first->request(Ping{2, 2})) != nullptr);
    }
};

QTEST_GUILESS_MAIN(TestStationServer)
#include "tst_station_server.moc"
