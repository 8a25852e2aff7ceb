// The tally (docs/tally.md): district tallies computed by the ledger after polls close, each
// guardian's decryption of them, results combined from any threshold of guardians; and the
// detection of a wrong decryption share, a tally that omits or adds a ballot, and a challenged
// ballot counted.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <random>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/tallying_module.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

namespace {

LedgerOptions options_for(const QTemporaryDir& dir) {
    LedgerOptions o;
    o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    return o;
}

void require_all_ok(const std::vector<Result<Receipt>>& results) {
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) qFatal("record %zu: %s", i, results[i].error().message.c_str());
    }
}

ElectionManifest manifest_with_guardians(std::uint32_t n, std::uint32_t k) {
    ElectionManifest m = test::small_manifest();
    m.guardian_count = n;
    m.threshold = k;
    return m;
}

// A polling day with random voters: every voter marks a random number (up to vote-for) of random
// options per contest, some challenge a ballot first. `expected` gets the plaintext sums of the
// cast ballots: district → contest → option → count.
using Expected = std::map<std::string, std::map<std::string, std::map<std::string, std::uint64_t>>>;

struct Day {
    std::unique_ptr<Ledger> ledger;
    Expected expected;
    std::vector<Bytes> cast;  // every cast ballot's record, by district then order
};

// Random voters: every voter marks a random number (up to vote-for) of random options per
// contest, some challenge a ballot first. Adds the cast ballots' marks to `expected`; the cast
// ballots' records to `cast` if given. Returns every record in order.
std::vector<Bytes> random_voters(test::LedgerScenario& s, std::mt19937_64& rng, std::size_t voters,
                                 Expected& expected, std::vector<Bytes>* cast = nullptr) {
    const ElectionManifest& m = s.election().manifest;
    std::vector<Bytes> ballots;
    for (std::size_t v = 0; v < voters; ++v) {
        const std::size_t d = rng() % m.districts.size();
        const BallotStyle& style = *m.ballot_style_of_district(m.districts[d].id);
        BallotMarks marks;
        for (const auto& id : style.contests) {
            const Contest& c = *m.find_contest(id);
            std::vector<std::size_t> order(c.options.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::shuffle(order.begin(), order.end(), rng);
            const std::size_t count = rng() % (c.vote_for + 1);
            for (std::size_t i = 0; i < count; ++i) marks[id].push_back(c.options[order[i]].id);
        }
        if (rng() % 5 == 0) {
            // A challenged ballot with other marks: it must never be counted.
            BallotMarks other;
            for (const auto& id : style.contests)
                other[id].push_back(m.find_contest(id)->options.front().id);
            ballots.push_back(encode_challenged_ballot(challenge_ballot(s.ballot_with(d, other))));
        }
        ballots.push_back(encode_ballot(s.ballot_with(d, marks).ballot));
        if (cast != nullptr) cast->push_back(ballots.back());
        for (const auto& [contest, options] : marks)
            for (const auto& option : options) ++expected[m.districts[d].id][contest][option];
    }
    return ballots;
}

Day run_polling_day(test::LedgerScenario& s, const LedgerOptions& o, std::uint64_t seed,
                    std::size_t voters) {
    Day day;
    auto created =
        Ledger::create(o, s.election(), s.approval(), test::LedgerScenario::ledger_key());
    if (!created) qFatal("create: %s", created.error().message.c_str());
    day.ledger = std::move(created).value();
    require_all_ok(day.ledger->ingest(s.opening()));
    std::mt19937_64 rng(seed);
    require_all_ok(day.ledger->ingest(random_voters(s, rng, voters, day.expected, &day.cast)));
    auto closed = day.ledger->close_all_polls(s.closings(*day.ledger));
    if (!closed) qFatal("close: %s", closed.error().message.c_str());
    return day;
}

// A district's tally recomputed from its log, record by record (the guardians' and the
// verifier's way), for comparison with the ledger's.
DistrictTally tally_from_log(const test::LedgerScenario& s, const Ledger& ledger,
                             const std::string& district, std::uint64_t size, const Hash32& root) {
    auto builder = DistrictTallyBuilder::create(s.election(), district).value();
    for (std::uint64_t i = 0; i < size; ++i)
        if (auto ok = builder.add_record(ledger.record(district, i).value()); !ok)
            qFatal("record %llu: %s", static_cast<unsigned long long>(i),
                   ok.error().message.c_str());
    return builder.finish(size, root);
}

std::uint64_t expected_count(const Expected& e, const std::string& d, const std::string& c,
                             const std::string& o) {
    auto di = e.find(d);
    if (di == e.end()) return 0;
    auto ci = di->second.find(c);
    if (ci == di->second.end()) return 0;
    auto oi = ci->second.find(o);
    return oi == ci->second.end() ? 0 : oi->second;
}

bool counts_match(const Expected& e, const DistrictResult& r) {
    for (const auto& contest : r.counts)
        for (const auto& option : contest.options)
            if (option.value !=
                expected_count(e, r.district_id, contest.contest_id, option.option_id))
                return false;
    return true;
}

TallyDecryption decrypt_as(const test::LedgerScenario& s, const RecordedTally& t,
                           std::uint32_t guardian) {
    const auto& c = s.ceremony();
    return decrypt_district_tally(s.election(), t.tally, t.hash, guardian,
                                  c.secret_shares.at(guardian - 1).secret,
                                  c.identities.at(guardian - 1));
}

// Every k-subset of 1..n.
std::vector<std::vector<std::uint32_t>> subsets(std::uint32_t n, std::uint32_t k) {
    std::vector<std::vector<std::uint32_t>> out;
    for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
        if (static_cast<std::uint32_t>(__builtin_popcount(mask)) != k) continue;
        std::vector<std::uint32_t> set;
        for (std::uint32_t g = 1; g <= n; ++g)
            if (mask & (1u << (g - 1))) set.push_back(g);
        out.push_back(set);
    }
    return out;
}

std::uint64_t log_size(const Ledger& l, const std::string& district) {
    return l.status(district).value().size;
}

}  // namespace

class TestTally : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    // Random elections with 3/2, 4/3 and 5/3 guardians: the results decrypted by every subset of
    // exactly k guardians are the plaintext sums of the simulated votes; the ledger records them.
    void random_elections_decrypt_to_plaintext_sums_for_every_guardian_subset() {
        const std::vector<std::pair<std::uint32_t, std::uint32_t>> configurations = {
            {3, 2}, {4, 3}, {5, 3}};
        std::uint64_t seed = 20261127;
        for (const auto& [n, k] : configurations) {
            QTemporaryDir dir;
            test::LedgerScenario s(manifest_with_guardians(n, k));
            LedgerOptions o = options_for(dir);
            o.tally_chunk = n;  // districts summed in chunks of 3–5 records, merged
            Day day = run_polling_day(s, o, seed++, 14);
            Ledger& ledger = *day.ledger;
            auto tallied = ledger.tally();
            QVERIFY2(tallied, tallied ? "" : tallied.error().message.c_str());
            QCOMPARE(tallied.value().size(), s.election().manifest.districts.size());
            const crypto::DiscreteLogTable table(100);
            for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
                const auto recorded = ledger.tallying().tally(d);
                QVERIFY(recorded.has_value());
                QCOMPARE(recorded->index + 1, log_size(ledger, recorded->tally.district_id));
                QCOMPARE(recorded->tally.ballots_counted, ledger.casting().status(d).ballots_cast);
                std::vector<TallyDecryption> all;
                for (std::uint32_t g = 1; g <= n; ++g) all.push_back(decrypt_as(s, *recorded, g));
                for (const auto& subset : subsets(n, k)) {
                    std::vector<TallyDecryption> chosen;
                    for (const std::uint32_t g : subset) chosen.push_back(all[g - 1]);
                    auto result = combine_tally_decryptions(s.election(), recorded->tally,
                                                            recorded->hash, chosen, table);
                    QVERIFY2(result, result ? "" : result.error().message.c_str());
                    QCOMPARE(result.value().guardians, subset);
                    QVERIFY(counts_match(day.expected, result.value()));
                    QVERIFY(verify_district_result(s.election(), recorded->tally, recorded->hash,
                                                   chosen, result.value()));
                }
                // Fewer than k guardians decrypt nothing.
                std::vector<TallyDecryption> too_few(all.begin(), all.begin() + (k - 1));
                QVERIFY(!combine_tally_decryptions(s.election(), recorded->tally, recorded->hash,
                                                   too_few, table));
                // Through the ledger: k guardians (the last k) submit, then the result.
                std::vector<Bytes> records;
                for (std::uint32_t g = n - k + 1; g <= n; ++g)
                    records.push_back(encode_tally_decryption(all[g - 1]));
                require_all_ok(ledger.ingest(std::move(records), ActorRole::guardian));
            }
            auto results = ledger.record_results();
            QVERIFY2(results, results ? "" : results.error().message.c_str());
            std::vector<DistrictResult> district_results;
            for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
                const auto result = ledger.tallying().result(d);
                QVERIFY(result.has_value());
                QVERIFY(counts_match(day.expected, *result));
                QCOMPARE(result->guardians.size(), std::size_t{k});
                district_results.push_back(*result);
            }
            // Totals are the sums over districts.
            const ElectionTotals totals = sum_district_results(district_results);
            for (const auto& [district, contests] : day.expected)
                for (const auto& [contest, options] : contests)
                    for (const auto& [option, count] : options)
                        QVERIFY(totals.at(contest).at(option) >= count);
            std::uint64_t expected_mayor = 0, got_mayor = 0;
            for (const auto& [district, contests] : day.expected)
                if (contests.count("mayor"))
                    for (const auto& [option, count] : contests.at("mayor"))
                        expected_mayor += count;
            for (const auto& [option, count] : totals.at("mayor")) got_mayor += count;
            QCOMPARE(got_mayor, expected_mayor);
            // The election log covers the results.
            const LogStatus root = ledger.status(election_log_name).value();
            const auto entry = ledger.record(election_log_name, root.size - 1);
            QVERIFY(entry);
        }
    }

    void tally_waits_for_polls_to_close() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        auto created = Ledger::create(options_for(dir), s.election(), s.approval(),
                                      test::LedgerScenario::ledger_key());
        QVERIFY(created);
        Ledger& ledger = *created.value();
        require_all_ok(
            ledger.ingest({s.registration(0), s.polls(PollsAction::opened, 0), s.registration(1),
                           s.polls(PollsAction::opened, 1), s.next_cast(0, 1)}));
        auto none = ledger.tally();
        QVERIFY(none);
        QCOMPARE(none.value().size(), std::size_t{0});
        // A tally submitted from outside for an open district is refused.
        auto builder = DistrictTallyBuilder::create(s.election(), "d1").value();
        const std::uint64_t size = log_size(ledger, "d1");
        for (std::uint64_t i = 0; i < size; ++i)
            QVERIFY(builder.add_record(ledger.record("d1", i).value()));
        auto refused = ledger
                           .submit(encode_district_tally(
                               builder.finish(size, ledger.status("d1").value().root)))
                           .get();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::refused);
        QVERIFY(refused.error().message.find("polls are open") != std::string::npos);
        // Close one district: only it is tallied, and a second tally is refused.
        require_all_ok(ledger.ingest({s.polls(PollsAction::closed, 0, 1, 0)}));
        auto one = ledger.tally();
        QVERIFY(one);
        QCOMPARE(one.value().size(), std::size_t{1});
        QCOMPARE(one.value()[0].log, std::string("d1"));
        QVERIFY(!ledger.tallying().status(1).tallied);
        auto again = ledger.submit(encode_district_tally(ledger.tallying().tally(0)->tally)).get();
        QVERIFY(!again);
        QVERIFY(again.error().message.find("already tallied") != std::string::npos);
        // Ballots are refused after the tally, as after any close.
        QVERIFY(!ledger.submit(s.next_cast(0, 2)).get());
    }

    // A tally computed from a log with a ballot left out, one added, or a challenged ballot
    // counted is refused, with the reason, and changes nothing.
    void tally_omitting_adding_or_counting_a_challenged_ballot_is_detected() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        Day day = run_polling_day(s, options_for(dir), 7, 12);
        Ledger& ledger = *day.ledger;
        const std::string district = "d1";
        const std::uint64_t size = log_size(ledger, district);
        const Hash32 root = ledger.status(district).value().root;
        std::vector<Bytes> records;
        for (std::uint64_t i = 0; i < size; ++i)
            records.push_back(ledger.record(district, i).value());
        const auto cast_index = [&](std::size_t which) {
            std::size_t seen = 0;
            for (std::size_t i = 0; i < records.size(); ++i)
                if (records[i][0] == static_cast<std::uint8_t>(RecordType::encrypted_ballot) &&
                    seen++ == which)
                    return i;
            qFatal("no cast ballot %zu", which);
        };
        const auto tally_of = [&](const std::function<void(DistrictTallyBuilder&)>& feed) {
            auto b = DistrictTallyBuilder::create(s.election(), district).value();
            feed(b);
            return b.finish(size, root);
        };
        const DistrictTally honest = tally_of([&](DistrictTallyBuilder& b) {
            for (const auto& r : records) QVERIFY(b.add_record(r));
        });
        const DistrictCastingStatus casting = ledger.casting().status(0);
        QCOMPARE(honest.ballots_counted, casting.ballots_cast);
        QVERIFY(casting.ballots_cast >= 2);
        QVERIFY(casting.ballots_challenged >= 1);

        // Omitted: one cast ballot left out; the count is then wrong too, so also try with the
        // count set back to the log's.
        const std::size_t omitted = cast_index(1);
        DistrictTally omit = tally_of([&](DistrictTallyBuilder& b) {
            for (std::size_t i = 0; i < records.size(); ++i)
                if (i != omitted) QVERIFY(b.add_record(records[i]));
        });
        // Added: a ballot never cast (a fresh one from a district-1 kiosk) counted as well.
        const Bytes extra = encode_ballot(s.next_ballot(0, 2).ballot);
        DistrictTally add = tally_of([&](DistrictTallyBuilder& b) {
            for (const auto& r : records) QVERIFY(b.add_record(r));
            QVERIFY(b.add_record(extra));
        });
        // A challenged ballot counted as if cast.
        Bytes challenged_inner;
        for (const auto& r : records) {
            if (r[0] != static_cast<std::uint8_t>(RecordType::challenged_ballot)) continue;
            challenged_inner = encode_ballot(decode_challenged_ballot(r).value().ballot);
            break;
        }
        QVERIFY(!challenged_inner.empty());
        DistrictTally challenged = tally_of([&](DistrictTallyBuilder& b) {
            for (const auto& r : records) QVERIFY(b.add_record(r));
            QVERIFY(b.add_record(challenged_inner));
        });
        QVERIFY(!(omit == honest) && !(add == honest) && !(challenged == honest));

        for (DistrictTally* bad : {&omit, &add, &challenged}) {
            // First as computed (its count is off), then with the log's counts put back so that
            // only the sums are wrong.
            for (bool fix_counts : {false, true}) {
                DistrictTally t = *bad;
                if (fix_counts) {
                    t.ballots_counted = casting.ballots_cast;
                    t.ballots_challenged = casting.ballots_challenged;
                }
                auto r =
                    ledger.submit(encode_district_tally(t), ActorRole::election_official).get();
                QVERIFY(!r);
                if (fix_counts) {
                    QCOMPARE(r.error().code, ErrorCode::verification_failed);
                    QVERIFY2(r.error().message.find("is not the sum of the log's cast ballots") !=
                                 std::string::npos,
                             r.error().message.c_str());
                } else {
                    QCOMPARE(r.error().code, ErrorCode::refused);
                    QVERIFY2(r.error().message.find("the tally counts") != std::string::npos,
                             r.error().message.c_str());
                }
                QCOMPARE(log_size(ledger, district), size);
                QVERIFY(!ledger.tallying().status(0).tallied);
            }
        }
        // The honest tally, submitted from outside, is recomputed and accepted.
        auto ok = ledger.submit(encode_district_tally(honest), ActorRole::election_official).get();
        QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
        QVERIFY(ledger.tallying().status(0).tallied);
        // Ledger::tally does the rest.
        auto rest = ledger.tally();
        QVERIFY(rest);
        QCOMPARE(rest.value().size(), std::size_t{1});
    }

    // A guardian's decryption with one wrong partial decryption (correctly signed) is refused
    // and attributed to that guardian, district, contest and option; so is one signed by another
    // guardian; one byte changed anywhere in the record makes it fail to decode or verify.
    // A cast ballot whose last ciphertext is not a group element (its beta 32 × 0xFF) is refused
    // by the tally builder, naming the ciphertext, and adds nothing: the ciphertexts before the
    // bad one, decoded already, are not in any sum (docs/crypto.md §3.3).
    void tally_builder_refuses_a_bad_ciphertext_and_changes_no_sum() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        Day day = run_polling_day(s, options_for(dir), 5, 6);
        Ledger& ledger = *day.ledger;
        const std::uint64_t size = log_size(ledger, "d1");
        const Hash32 root = ledger.status("d1").value().root;
        auto builder = DistrictTallyBuilder::create(s.election(), "d1").value();
        Bytes cast;
        for (std::uint64_t i = 0; i < size; ++i) {
            const Bytes record = ledger.record("d1", i).value();
            if (cast.empty() &&
                record[0] == static_cast<std::uint8_t>(RecordType::encrypted_ballot))
                cast = record;
            QVERIFY(builder.add_record(record));
        }
        QVERIFY(!cast.empty());
        const DistrictTally before = builder.finish(size, root);
        const auto ballot = decode_ballot(cast).value();
        const Bytes last = ballot.contests.back().selections.back().ciphertext.to_bytes();
        const auto at = std::search(cast.begin(), cast.end(), last.begin(), last.end());
        QVERIFY(at != cast.end());
        Bytes bad = cast;
        std::fill_n(bad.begin() + (at - cast.begin()) + 32, 32, std::uint8_t{0xFF});
        auto refused = builder.add_record(bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::invalid_encoding);
        QVERIFY2(refused.error().message.find("ciphertext beta") != std::string::npos,
                 refused.error().message.c_str());
        QCOMPARE(builder.finish(size, root), before);
    }

    void wrong_decryption_share_is_rejected_and_attributed() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        Day day = run_polling_day(s, options_for(dir), 11, 6);
        Ledger& ledger = *day.ledger;
        QVERIFY(ledger.tally());
        const RecordedTally t = *ledger.tallying().tally(0);
        const auto& c = s.ceremony();

        TallyDecryption wrong = decrypt_as(s, t, 2);
        auto& victim = wrong.shares[1].options[2];
        victim.value.partial = victim.value.partial + crypto::Point::generator();
        wrong.signature = c.identities[1].sign(encode_tally_decryption_body(wrong));
        auto r = ledger.submit(encode_tally_decryption(wrong), ActorRole::guardian).get();
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::verification_failed);
        const std::string& message = r.error().message;
        QVERIFY2(message.find("guardian 2's decryption of district 'd1', contest 'council', "
                              "option 'john'") != std::string::npos,
                 message.c_str());
        // The event log records the rejection with the same attribution.
        const LogStatus events = ledger.status(event_log_name).value();
        const LedgerEvent last =
            decode_ledger_event(ledger.record(event_log_name, events.size - 1).value()).value();
        QCOMPARE(last.type, EventType::record_rejected);
        QCOMPARE(last.actor, ActorRole::guardian);
        QVERIFY(last.subject.find("guardian 2's decryption") != std::string::npos);
        QVERIFY(ledger.tallying().status(0).guardians_decrypted.empty());

        // Signed by guardian 3's key but claiming to be guardian 2's.
        TallyDecryption impostor = decrypt_as(s, t, 2);
        impostor.signature = c.identities[2].sign(encode_tally_decryption_body(impostor));
        auto i = ledger.submit(encode_tally_decryption(impostor), ActorRole::guardian).get();
        QVERIFY(!i);
        QVERIFY2(i.error().message.find("signature") != std::string::npos,
                 i.error().message.c_str());

        // Every single-byte change of a correct record is refused (decoding or verification).
        const TallyDecryption good = decrypt_as(s, t, 2);
        const Bytes encoded = encode_tally_decryption(good);
        const auto shares = guardian_public_shares(s.election().manifest);
        QVERIFY(verify_tally_decryption(s.election(), shares, t.tally, t.hash, good));
        for (std::size_t at = 0; at < encoded.size(); ++at) {
            Bytes changed = encoded;
            changed[at] ^= 0x01;
            auto decoded = decode_tally_decryption(changed);
            if (!decoded) continue;
            QVERIFY2(
                !verify_tally_decryption(s.election(), shares, t.tally, t.hash, decoded.value()),
                qPrintable(QString("byte %1 changed and still verifies").arg(at)));
        }
        // The correct one is accepted, once.
        QVERIFY(ledger.submit(encoded, ActorRole::guardian).get());
        auto twice = ledger.submit(encoded, ActorRole::guardian).get();
        QVERIFY(!twice);
        QVERIFY(twice.error().message.find("already decrypted") != std::string::npos);
        QCOMPARE(ledger.tallying().status(0).guardians_decrypted, std::vector<std::uint32_t>{2});
    }

    // A result whose count is off by one, that names a guardian without a recorded decryption,
    // or that has fewer than the threshold, is refused; the right one is accepted; reopening the
    // ledger restores tallies, decryptions and results.
    void wrong_results_are_refused_and_state_survives_reopening() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        const LedgerOptions o = options_for(dir);
        DistrictResult right;
        {
            Day day = run_polling_day(s, o, 13, 8);
            Ledger& ledger = *day.ledger;
            QVERIFY(ledger.tally());
            const RecordedTally t = *ledger.tallying().tally(0);
            // Before any decryption there is nothing to combine.
            auto nothing = ledger.record_results();
            QVERIFY(nothing);
            QCOMPARE(nothing.value().size(), std::size_t{0});
            const TallyDecryption g1 = decrypt_as(s, t, 1), g3 = decrypt_as(s, t, 3);
            require_all_ok(ledger.ingest({encode_tally_decryption(g1)}, ActorRole::guardian));
            const crypto::DiscreteLogTable table(100);
            std::vector<TallyDecryption> both = {g1, g3};
            right = combine_tally_decryptions(s.election(), t.tally, t.hash, both, table).value();
            // Guardian 3's decryption is not recorded yet.
            auto early = ledger.submit(encode_district_result(right)).get();
            QVERIFY(!early);
            QVERIFY2(early.error().message.find("guardian 3, whose decryption is not recorded") !=
                         std::string::npos,
                     early.error().message.c_str());
            require_all_ok(ledger.ingest({encode_tally_decryption(g3)}, ActorRole::guardian));
            DistrictResult off = right;
            off.counts[0].options[0].value += 1;
            auto r = ledger.submit(encode_district_result(off)).get();
            QVERIFY(!r);
            QVERIFY2(
                r.error().message.find("is not what the decryptions give") != std::string::npos,
                r.error().message.c_str());
            DistrictResult one = right;
            one.guardians = {1};
            auto few = ledger.submit(encode_district_result(one)).get();
            QVERIFY(!few);
            QVERIFY2(few.error().message.find("threshold") != std::string::npos,
                     few.error().message.c_str());
            QVERIFY(!ledger.tallying().status(0).result);
            auto ok = ledger.submit(encode_district_result(right)).get();
            QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
            QVERIFY(counts_match(day.expected, right));
        }
        auto reopened = Ledger::open(o, test::LedgerScenario::ledger_key());
        QVERIFY2(reopened, reopened ? "" : reopened.error().message.c_str());
        const TallyingModule& tallying = reopened.value()->tallying();
        QVERIFY(tallying.status(0).tallied);
        QCOMPARE(tallying.status(0).guardians_decrypted, (std::vector<std::uint32_t>{1, 3}));
        QCOMPARE(*tallying.result(0), right);
        QVERIFY(tallying.status(1).tallied);
        QVERIFY(!tallying.result(1).has_value());
    }

    // The ledger's running tally (docs/tally.md §2.1): ballots accepted live are summed as they
    // are cast; those replayed when the ledger opens are read from the log at the tally. Across a
    // reopening in the middle of the day, with challenged ballots and refused replays on both
    // sides of it, each district's tally is byte for byte the one recomputed from its log, and
    // it decrypts to the voters' marks.
    void running_tally_across_a_reopening_is_the_log_recomputation() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        const LedgerOptions o = options_for(dir);
        const std::size_t districts = s.election().manifest.districts.size();
        Expected expected;
        std::mt19937_64 rng(20261207);
        Bytes replay;
        {
            auto created =
                Ledger::create(o, s.election(), s.approval(), test::LedgerScenario::ledger_key());
            QVERIFY(created);
            Ledger& ledger = *created.value();
            require_all_ok(ledger.ingest(s.opening()));
            for (std::size_t d = 0; d < districts; ++d) QVERIFY(!ledger.casting().running_tally(d));
            std::vector<Bytes> cast;
            require_all_ok(ledger.ingest(random_voters(s, rng, 12, expected, &cast)));
            replay = cast.front();
            QVERIFY(!ledger.submit(replay).get());
            for (std::size_t d = 0; d < districts; ++d) {
                const DistrictCastingStatus st = ledger.casting().status(d);
                const auto running = ledger.casting().running_tally(d);
                QCOMPARE(running.has_value(), st.ballots_cast + st.ballots_challenged > 0);
                if (!running) continue;
                QCOMPARE(running->sums.ballots_counted(), st.ballots_cast);
                QCOMPARE(running->sums.ballots_challenged(), st.ballots_challenged);
                QCOMPARE(running->first_index, std::uint64_t{2});  // after registration, opening
            }
        }
        auto reopened = Ledger::open(o, test::LedgerScenario::ledger_key());
        QVERIFY2(reopened, reopened ? "" : reopened.error().message.c_str());
        Ledger& ledger = *reopened.value();
        std::vector<std::uint64_t> at_reopening(districts);
        std::vector<DistrictCastingStatus> before(districts);
        for (std::size_t d = 0; d < districts; ++d) {
            QVERIFY(!ledger.casting().running_tally(d));  // replayed ballots are not in one
            at_reopening[d] = log_size(ledger, s.election().manifest.districts[d].id);
            before[d] = ledger.casting().status(d);
        }
        require_all_ok(ledger.ingest(random_voters(s, rng, 12, expected)));
        QVERIFY(!ledger.submit(replay).get());
        for (std::size_t d = 0; d < districts; ++d) {
            const auto running = ledger.casting().running_tally(d);
            const DistrictCastingStatus st = ledger.casting().status(d);
            if (st.ballots_cast + st.ballots_challenged ==
                before[d].ballots_cast + before[d].ballots_challenged) {
                QVERIFY(!running);
                continue;
            }
            QVERIFY(running);
            QCOMPARE(running->first_index, at_reopening[d]);
            QCOMPARE(running->sums.ballots_counted(), st.ballots_cast - before[d].ballots_cast);
        }
        QVERIFY(ledger.close_all_polls(s.closings(ledger)));
        QVERIFY(ledger.tally());
        const crypto::DiscreteLogTable table(100);
        const std::uint32_t k = s.election().manifest.threshold;
        for (std::size_t d = 0; d < districts; ++d) {
            const auto recorded = ledger.tallying().tally(d);
            QVERIFY(recorded);
            const DistrictTally& t = recorded->tally;
            QCOMPARE(encode_district_tally(t),
                     encode_district_tally(
                         tally_from_log(s, ledger, t.district_id, t.log_size, t.log_root)));
            std::vector<TallyDecryption> shares;
            for (std::uint32_t g = 1; g <= k; ++g) shares.push_back(decrypt_as(s, *recorded, g));
            auto result = combine_tally_decryptions(s.election(), t, recorded->hash, shares, table);
            QVERIFY2(result, result ? "" : result.error().message.c_str());
            QVERIFY(counts_match(expected, result.value()));
        }
    }

    // A running tally refuses ciphertexts that are not its style's shape and changes nothing.
    void running_tally_builder_refuses_another_shape() {
        test::LedgerScenario s;
        auto builder = DistrictTallyBuilder::create(s.election(), "d1").value();
        const DistrictTally empty = builder.finish(0, {});
        std::size_t options = 0;
        for (const auto& contest : empty.sums) options += contest.options.size();
        const crypto::PublicCiphertext one =
            crypto::DecodedCiphertext(
                crypto::encrypt_message(1, crypto::Scalar::random(), s.election().joint_key))
                .unencoded;
        std::vector<crypto::PublicCiphertext> short_of_one(options - 1, one);
        auto refused = builder.add_cast(short_of_one);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("ciphertexts for ballot style") != std::string::npos,
                 refused.error().message.c_str());
        QCOMPARE(encode_district_tally(builder.finish(0, {})), encode_district_tally(empty));
        std::vector<crypto::PublicCiphertext> all(options, one);
        QVERIFY(builder.add_cast(all));
        QCOMPARE(builder.ballots_counted(), std::uint64_t{1});
        const DistrictTally t = builder.finish(0, {});
        QVERIFY(!(encode_district_tally(t) == encode_district_tally(empty)));
    }

    // The manifest may list guardians in any order: keys and public shares are found by index.
    void guardians_listed_out_of_order_are_found_by_index() {
        test::LedgerScenario s;
        ElectionManifest m = s.election().manifest;
        std::reverse(m.ceremony->guardians.begin(), m.ceremony->guardians.end());
        auto reversed = make_election_context(m);
        QVERIFY2(reversed, reversed ? "" : reversed.error().message.c_str());
        auto b = DistrictTallyBuilder::create(reversed.value(), "d2").value();
        QVERIFY(b.add_record(s.next_cast(1, 1)));
        const DistrictTally t = b.finish(1, {});
        const Hash32 hash = crypto::hash_merkle_leaf(encode_district_tally(t));
        const auto shares = guardian_public_shares(reversed.value().manifest);
        for (std::uint32_t g = 1; g <= 3; ++g) {
            QCOMPARE(shares[g - 1],
                     crypto::Point::multiply_base(s.ceremony().secret_shares[g - 1].secret));
            const TallyDecryption d = decrypt_district_tally(
                reversed.value(), t, hash, g, s.ceremony().secret_shares[g - 1].secret,
                s.ceremony().identities[g - 1]);
            auto ok = verify_tally_decryption(reversed.value(), shares, t, hash, d);
            QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
        }
    }

    void tally_records_round_trip_and_refuse_bad_bytes() {
        test::LedgerScenario s;
        auto b = DistrictTallyBuilder::create(s.election(), "d2").value();
        QVERIFY(b.add_record(s.next_cast(1, 0)));
        QVERIFY(b.add_record(s.next_challenged(1, 1)));
        QVERIFY(b.add_record(s.polls(PollsAction::closed, 1, 1, 1)));
        // A ballot of another district is refused by name.
        auto wrong = b.add_record(s.next_cast(0, 0));
        QVERIFY(!wrong);
        QVERIFY(wrong.error().message.find("district 'd1'") != std::string::npos);
        const DistrictTally t = b.finish(4, crypto::sha256(as_bytes(std::string("root"))));
        QCOMPARE(t.ballots_counted, std::uint64_t{1});
        QCOMPARE(t.ballots_challenged, std::uint64_t{1});
        const Bytes encoded = encode_district_tally(t);
        QCOMPARE(decode_district_tally(encoded).value(), t);
        QCOMPARE(tally_record_district(encoded).value(), std::string("d2"));
        QVERIFY(check_tally_shape(s.election(), t));
        for (std::size_t cut = 0; cut < encoded.size(); ++cut) {
            auto r = decode_district_tally(ByteSpan(encoded).first(cut));
            QVERIFY(!r);
        }
        Bytes longer = encoded;
        longer.push_back(0);
        QVERIFY(!decode_district_tally(longer));
        // Text is UTF-8 (docs/encoding.md §1): a district id with a byte 0xFF is refused.
        Bytes not_utf8 = encoded;
        not_utf8[2 + 4] = 0xFF;  // after type, version and the id's u32 length: the 'd' of "d2"
        auto refused_text = decode_district_tally(not_utf8);
        QVERIFY(!refused_text);
        QVERIFY2(refused_text.error().message.find("district id: text is not UTF-8") !=
                     std::string::npos,
                 refused_text.error().message.c_str());

        DistrictResult result{"d2", crypto::sha256(encoded), {1, 3}, {}};
        for (const auto& contest : t.sums) {
            ContestValues<std::uint64_t> v{contest.contest_id, {}};
            for (const auto& option : contest.options) v.options.push_back({option.option_id, 7});
            result.counts.push_back(v);
        }
        const Bytes r = encode_district_result(result);
        QCOMPARE(decode_district_result(r).value(), result);
        for (std::size_t cut = 0; cut < r.size(); ++cut)
            QVERIFY(!decode_district_result(ByteSpan(r).first(cut)));
        DistrictResult unordered = result;
        unordered.guardians = {3, 1};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_district_result(unordered));
        // Guardians out of order in the bytes are refused by the decoder.
        Bytes swapped = r;
        const std::size_t at = 2 + 4 + 2 + 32 + 4;  // type, version, "d2", tally hash, count
        std::swap_ranges(swapped.begin() + static_cast<std::ptrdiff_t>(at),
                         swapped.begin() + static_cast<std::ptrdiff_t>(at + 4),
                         swapped.begin() + static_cast<std::ptrdiff_t>(at + 4));
        auto refused = decode_district_result(swapped);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("not ascending") != std::string::npos,
                 refused.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTally)
#include "tst_tally.moc"
