// The rule that settles a record whose answer may have been lost (docs/station-protocol.md §6,
// station::settle_record), which both the networked kiosk (RemoteLink) and StationLink follow.
// The station here is a script of answers, one per request, so that each path is taken on
// purpose, including the race a real station only shows now and then: the lookup misses a copy
// that lands a moment later, and the resubmitted copy is refused as a repeat.
#include <QtTest>

#include <deque>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/station/station_link.hpp"

using namespace psephos;
using namespace psephos::station;

namespace {

const Bytes record = {0x02, 0x01, 0xAA, 0xBB};
const Hash32 code = crypto::sha256(as_bytes(std::string_view("tracking code")));

Inclusion inclusion_of(const Bytes& r) {
    return {7, crypto::hash_merkle_leaf(r), "e/district/d1+00000000+AA", "e/district/d1\n8\n", {}};
}

// The station's answers in order; each request the rule sends is kept to be checked.
struct Script {
    std::deque<Result<Message>> answers;
    std::vector<MessageType> sent;
    Exchange exchange() {
        return [this](Message m) -> Result<Message> {
            sent.push_back(type_of(m));
            if (answers.empty()) return Error{ErrorCode::io_error, "the script has no answer"};
            auto a = std::move(answers.front());
            answers.pop_front();
            return a;
        };
    }
};

Message found() { return LookupResult{0, std::uint8_t{0x02}, inclusion_of(record)}; }
Message not_found() { return LookupResult{0, std::nullopt, {}}; }
Message receipt() { return Receipt{0, inclusion_of(record)}; }
Message reply(ReplyCode c, std::string text) { return ErrorReply{0, c, std::move(text)}; }

}  // namespace

class TestStationSettle : public QObject {
    Q_OBJECT

private slots:
    void a_record_sent_before_and_found_is_never_sent_again() {
        Script s;
        s.answers = {found()};
        unsigned submits = 1;
        auto r = settle_record(s.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::in_log);
        QVERIFY(r->found_by_lookup);
        QCOMPARE(r->inclusion, inclusion_of(record));
        QCOMPARE(submits, 1U);
        QCOMPARE(s.sent, std::vector<MessageType>{MessageType::lookup});
    }

    void a_record_never_sent_is_submitted_without_a_lookup() {
        Script s;
        s.answers = {receipt()};
        unsigned submits = 0;
        auto r = settle_record(s.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::in_log);
        QVERIFY(!r->found_by_lookup);
        QCOMPARE(submits, 1U);
        QCOMPARE(s.sent, std::vector<MessageType>{MessageType::submit});
    }

    // The lookup misses a copy still being written; the copy sent again is refused as a repeat;
    // the second lookup finds the first copy: the ballot is cast, and the voter must hear so.
    void a_refused_resubmission_is_looked_up_again_and_found() {
        Script s;
        s.answers = {not_found(), reply(ReplyCode::refused, "ballot id b-1 was seen before"),
                     found()};
        unsigned submits = 1;
        auto r = settle_record(s.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::in_log);
        QVERIFY(r->found_by_lookup);
        QCOMPARE(submits, 2U);
        QCOMPARE(s.sent, (std::vector<MessageType>{MessageType::lookup, MessageType::submit,
                                                   MessageType::lookup}));
    }

    void a_refusal_that_the_log_confirms_is_reported_with_its_reason() {
        Script s;
        s.answers = {not_found(), reply(ReplyCode::refused, "polls are closed"), not_found()};
        unsigned submits = 1;
        auto r = settle_record(s.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::refused);
        QCOMPARE(r->reason, std::string("polls are closed"));
    }

    // Busy and rate limited say nothing of the record: it stays unsettled, never "refused".
    void a_busy_or_rate_limited_station_is_asked_again_later() {
        for (const ReplyCode c :
             {ReplyCode::busy, ReplyCode::rate_limited, ReplyCode::unavailable}) {
            Script s;
            s.answers = {not_found(), reply(c, "later")};
            unsigned submits = 1;
            auto r = settle_record(s.exchange(), code, record, submits);
            QVERIFY(r);
            QCOMPARE(r->outcome, Settlement::Outcome::try_later);
            QCOMPARE(submits, 2U);
        }
        Script lookup_busy;
        lookup_busy.answers = {reply(ReplyCode::busy, "later")};
        unsigned submits = 1;
        auto r = settle_record(lookup_busy.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::try_later);
        QCOMPARE(submits, 1U);  // nothing sent
        // Refused, then the second lookup busy: not known, so not refused either.
        Script second_busy;
        second_busy.answers = {not_found(), reply(ReplyCode::refused, "seen"),
                               reply(ReplyCode::busy, "later")};
        r = settle_record(second_busy.exchange(), code, record, submits);
        QVERIFY(r);
        QCOMPARE(r->outcome, Settlement::Outcome::try_later);
    }

    // A lying or confused station: a receipt or a lookup for another record settles nothing.
    void an_inclusion_of_another_record_is_refused() {
        Bytes other = record;
        QVERIFY(!other.empty());  // and GCC 12 then knows back() is in bounds (-Warray-bounds)
        other.back() ^= 0x01;
        Script s;
        s.answers = {Message{Receipt{0, inclusion_of(other)}}};
        unsigned submits = 0;
        auto r = settle_record(s.exchange(), code, record, submits);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::verification_failed);
        Script lookup;
        lookup.answers = {Message{LookupResult{0, std::uint8_t{0x02}, inclusion_of(other)}}};
        submits = 1;
        r = settle_record(lookup.exchange(), code, record, submits);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::verification_failed);
    }

    void a_lost_answer_or_an_answer_out_of_protocol_is_an_error_and_counts_the_submit() {
        Script lost;
        lost.answers = {not_found(), Error{ErrorCode::io_error, "connection reset"}};
        unsigned submits = 1;
        auto r = settle_record(lost.exchange(), code, record, submits);
        QVERIFY(!r);
        QCOMPARE(submits, 2U);  // it went out: the next connection looks it up first
        Script odd;
        odd.answers = {Message{Pong{0, 5}}};
        r = settle_record(odd.exchange(), code, record, submits);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::io_error);
        QVERIFY2(r.error().message.find("pong") != std::string::npos, r.error().message.c_str());
    }

    // The backoff shared by the kiosk's link and StationLink: doubling from `first`, capped at
    // `max`, each wait shortened by at most a quarter at random (never lengthened).
    void the_retry_delay_doubles_to_its_cap_with_a_quarter_of_jitter() {
        using std::chrono::milliseconds;
        const Backoff b{milliseconds(400), milliseconds(5'000)};
        const std::int64_t expected[] = {400, 800, 1'600, 3'200, 5'000, 5'000};
        for (std::uint64_t failures = 1; failures <= 6; ++failures) {
            const std::int64_t full = expected[failures - 1];
            std::int64_t shortest = full;
            for (int i = 0; i < 200; ++i) {
                const auto d = retry_delay(b, failures).count();
                QVERIFY2(d <= full && d >= full - full / 4, qPrintable(QString::number(d)));
                shortest = std::min(shortest, d);
            }
            QVERIFY2(shortest < full, "the delays are jittered");
        }
        QCOMPARE(retry_delay(b, 1'000'000).count() <= 5'000, true);  // no overflow far out
    }
};

QTEST_GUILESS_MAIN(TestStationSettle)
#include "tst_station_settle.moc"
