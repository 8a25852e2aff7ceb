// Guardians verify before they decrypt (docs/tally.md §2, §3; issue 19): whoever holds the ledger
// key writes a doctored district tally into the ledger — the ciphertexts of exactly one voter's
// ballot, with the honest counts, log size and root, so it passes every check but the sum — and
// hands it to the guardians. Reopening the ledger refuses it; a guardian on the live ledger and a
// guardian working from the exported record both refuse to decrypt it, naming the district and
// the contest and option that differ. And the record-based path end to end: decryptions made from
// an exported record, carried in a shares file, submitted, combined into the results. And the
// devices behind a record's ballots: a guardian working from a record counts a device's ballots
// only if the election authority authorised it (its approval checked, and with the authority's
// published key, compared).
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "locked_memory.hpp"
#include "psephos/election/guardian_key_file.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/guardian_decryption.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/record/record_decryption.hpp"
#include "record_test_support.hpp"
#include "sanitizers.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;
using State = GuardianDistrictOutcome::State;

namespace {

LedgerOptions options_for(const QTemporaryDir& dir) {
    LedgerOptions o;
    o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    return o;
}

void require_all_ok(const std::vector<Result<Receipt>>& results) {
    for (std::size_t i = 0; i < results.size(); ++i)
        if (!results[i]) qFatal("record %zu: %s", i, results[i].error().message.c_str());
}

GuardianKey guardian_key(const test::LedgerScenario& s, std::uint32_t g) {
    const auto& c = s.ceremony();
    return {s.election().manifest.election_id, g,
            crypto::LockedScalar(*c.secret_shares.at(g - 1).secret),
            crypto::Ed25519SigningKey::from_seed(c.identities.at(g - 1).seed()).value()};
}

// The start of the day with every kiosk registered by `authority`.
std::vector<Bytes> opening_by(test::LedgerScenario& s, const crypto::Ed25519SigningKey& authority) {
    std::vector<Bytes> records;
    for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
        const test::ScenarioKiosk& k = s.kiosk(d);
        DeviceRegistration r{k.district_id, k.device_id, k.key.public_key(), 1'793'000'000, {}};
        authorise_device(s.election().base_hash, r, authority);
        records.push_back(encode_device_registration(r));
        records.push_back(s.polls(PollsAction::opened, d));
    }
    return records;
}

// A ledger after a short polling day (in each district: ballots with different marks, one
// challenged), polls closed, not tallied. The election approved and its kiosks authorised by
// `authority`: the election authority's key, unless a test plays a forger with a key of its own.
std::unique_ptr<Ledger> polling_day(
    test::LedgerScenario& s, const LedgerOptions& o,
    const crypto::Ed25519SigningKey& authority = test::LedgerScenario::authority_key()) {
    auto created =
        Ledger::create(o, s.election(), approve_election(s.election().base_hash, authority),
                       test::LedgerScenario::ledger_key());
    if (!created) qFatal("create: %s", created.error().message.c_str());
    require_all_ok(created.value()->ingest(opening_by(s, authority)));
    std::vector<Bytes> ballots;
    for (std::size_t d = 0; d < s.election().manifest.districts.size(); ++d) {
        for (std::uint64_t choice = 0; choice < 4; ++choice)
            ballots.push_back(s.next_cast(d, choice));
        ballots.push_back(s.next_challenged(d, 1));
    }
    require_all_ok(created.value()->ingest(std::move(ballots)));
    if (auto closed = created.value()->close_all_polls(s.closings(*created.value())); !closed)
        qFatal("close: %s", closed.error().message.c_str());
    return std::move(created).value();
}

// The doctored tally of district 0 recorded in `l`, with the honest tally's first option, which
// is where the two first differ.
struct Doctored {
    std::uint64_t index = 0;  // of the tally record
    std::string contest, option;
};

// The ledger-key holder's doctored tally: the sums are the first cast ballot's ciphertexts, the
// counts, log size and root the honest ones. It is written through the ledger as Ledger::tally
// writes its own tally (TallyingModule::expect_tally, which spares the second summing): this plays
// the key holder running software that skips the check. Then the other districts are tallied.
Doctored record_doctored_tally(test::LedgerScenario& s, Ledger& l) {
    const std::string district = s.election().manifest.districts[0].id;
    const LogStatus log = l.status(district).value();
    auto honest = DistrictTallyBuilder::create(s.election(), district).value();
    auto one_voter = DistrictTallyBuilder::create(s.election(), district).value();
    bool first = true;
    for (std::uint64_t i = 0; i < log.size; ++i) {
        const Bytes record = l.record(district, i).value();
        if (!honest.add_record(record)) qFatal("record %llu", static_cast<unsigned long long>(i));
        if (first && record[0] == static_cast<std::uint8_t>(RecordType::encrypted_ballot)) {
            first = false;
            if (!one_voter.add_record(record)) qFatal("first ballot");
        }
    }
    const DistrictTally truth = honest.finish(log.size, log.root);
    DistrictTally doctored = truth;
    doctored.sums = one_voter.finish(log.size, log.root).sums;
    if (doctored == truth) qFatal("the doctored tally is the honest one");
    const Bytes bytes = encode_district_tally(doctored);
    const_cast<TallyingModule&>(l.tallying()).expect_tally(0, bytes);
    auto receipt = l.submit(bytes, ActorRole::election_official).get();
    if (!receipt) qFatal("doctored tally: %s", receipt.error().message.c_str());
    if (auto rest = l.tally(); !rest) qFatal("tally: %s", rest.error().message.c_str());
    return {receipt.value().index, truth.sums[0].contest_id, truth.sums[0].options[0].option_id};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The error names the district, the tally record's index and the first option that differs.
void require_names_the_difference(const std::string& message, const Doctored& doctored) {
    QVERIFY2(contains(message, "district 'd1'"), message.c_str());
    QVERIFY2(contains(message, "record " + std::to_string(doctored.index)), message.c_str());
    QVERIFY2(contains(message, "contest '" + doctored.contest + "', option '" + doctored.option +
                                   "' is not the sum of the log's cast ballots"),
             message.c_str());
}

}  // namespace

class TestGuardianVerification : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void reopening_refuses_a_doctored_tally() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        const LedgerOptions o = options_for(dir);
        auto l = polling_day(s, o);
        const Doctored doctored = record_doctored_tally(s, *l);
        l.reset();
        for (const bool with_key : {true, false}) {
            std::optional<LedgerKey> key;
            if (with_key) key = test::LedgerScenario::ledger_key();
            auto reopened = Ledger::open(o, std::move(key));
            QVERIFY(!reopened);
            QCOMPARE(reopened.error().code, ErrorCode::corrupted);
            require_names_the_difference(reopened.error().message, doctored);
        }
    }

    void guardian_refuses_doctored_tally() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        auto l = polling_day(s, options_for(dir));
        const Doctored doctored = record_doctored_tally(s, *l);
        const std::uint64_t size = l->status("d1").value().size;
        auto outcomes = decrypt_tallies_as_guardian(*l, guardian_key(s, 1));
        QVERIFY2(outcomes, outcomes ? "" : outcomes.error().message.c_str());
        QCOMPARE(outcomes.value().size(), std::size_t{2});
        const GuardianDistrictOutcome& d1 = outcomes.value()[0];
        QCOMPARE(d1.state, State::tally_mismatch);
        QCOMPARE(d1.partial_decryptions, std::size_t{0});
        require_names_the_difference(d1.error, doctored);
        // Nothing was submitted for it; the honest district was decrypted.
        QCOMPARE(l->status("d1").value().size, size);
        QVERIFY(l->tallying().status(0).guardians_decrypted.empty());
        QCOMPARE(outcomes.value()[1].state, State::decrypted);
        QCOMPARE(l->tallying().status(1).guardians_decrypted, std::vector<std::uint32_t>{1});
    }

    void record_based_decrypt_refuses_a_doctored_tally() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        auto l = polling_day(s, options_for(dir));
        const Doctored doctored = record_doctored_tally(s, *l);
        const std::filesystem::path out = std::filesystem::path(dir.path().toStdString()) / "rec";
        auto exported = record::export_election_record(*l, out);
        QVERIFY2(exported, exported ? "" : exported.error().message.c_str());
        auto reader = record::RecordReader::open(out);
        QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
        auto prepared =
            record::prepare_tally_decryptions_from_record(reader.value(), guardian_key(s, 2));
        QVERIFY2(prepared, prepared ? "" : prepared.error().message.c_str());
        QCOMPARE(prepared.value().outcomes[0].state, State::tally_mismatch);
        require_names_the_difference(prepared.value().outcomes[0].error, doctored);
        QCOMPARE(prepared.value().outcomes[1].state, State::prepared);
        // Only the honest district's decryption is made.
        QCOMPARE(prepared.value().records.size(), std::size_t{1});
        QCOMPARE(tally_record_district(prepared.value().records[0]).value(), std::string("d2"));
    }

    void record_based_decryptions_submitted_give_the_results() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        auto l = polling_day(s, options_for(dir));
        QVERIFY(l->tally());
        const std::filesystem::path out = std::filesystem::path(dir.path().toStdString()) / "rec";
        QVERIFY(record::export_election_record(*l, out));
        auto reader = record::RecordReader::open(out);
        QVERIFY(reader);
        for (const std::uint32_t g : {1u, 3u}) {
            auto prepared =
                record::prepare_tally_decryptions_from_record(reader.value(), guardian_key(s, g));
            QVERIFY2(prepared, prepared ? "" : prepared.error().message.c_str());
            for (const auto& o : prepared.value().outcomes) QCOMPARE(o.state, State::prepared);
            // Through the shares file, as the operator receives it.
            const Bytes file = encode_guardian_decryption_file(
                {s.election().base_hash, g, prepared.value().records});
            auto decoded = decode_guardian_decryption_file(file);
            QVERIFY2(decoded, decoded ? "" : decoded.error().message.c_str());
            QCOMPARE(decoded.value().records, prepared.value().records);
            require_all_ok(l->ingest(std::move(decoded.value().records), ActorRole::guardian));
        }
        auto results = l->record_results();
        QVERIFY2(results, results ? "" : results.error().message.c_str());
        QCOMPARE(results.value().size(), std::size_t{2});
        // Each district: 4 cast ballots, choice 0..3 on every contest's options in turn.
        for (std::size_t d = 0; d < 2; ++d) {
            const auto result = l->tallying().result(d);
            QVERIFY(result);
            QCOMPARE(result->guardians, (std::vector<std::uint32_t>{1, 3}));
            for (const auto& contest : result->counts) {
                std::uint64_t total = 0;
                for (const auto& option : contest.options) total += option.value;
                QCOMPARE(total, std::uint64_t{4});
            }
        }
        // A guardian's second pass from a record exported now finds nothing left to decrypt.
        const std::filesystem::path later =
            std::filesystem::path(dir.path().toStdString()) / "rec-final";
        QVERIFY(record::export_election_record(*l, later));
        auto final_reader = record::RecordReader::open(later);
        QVERIFY(final_reader);
        auto again =
            record::prepare_tally_decryptions_from_record(final_reader.value(), guardian_key(s, 1));
        QVERIFY(again);
        for (const auto& o : again.value().outcomes) QCOMPARE(o.state, State::has_result);
        QVERIFY(again.value().records.empty());
    }

    // Whoever holds the ledger key runs the election under an "authority" of its own: its
    // approval and every kiosk's registration signed by a key it holds. The record is
    // consistent: only the authority's published key tells it apart, and the guardian given it
    // refuses to decrypt anything. Published with the real authority's approval (which is public)
    // in authority.bin instead, the guardian checks every registration under that key and
    // refuses each district, naming its device.
    void record_based_decrypt_refuses_devices_the_authority_did_not_authorise() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        const crypto::Ed25519SigningKey forger = test::seeded_key(0xF0);
        const crypto::Ed25519PublicKey authority =
            test::LedgerScenario::authority_key().public_key();
        auto l = polling_day(s, options_for(dir), forger);
        QVERIFY(l->tally());
        const std::filesystem::path out = std::filesystem::path(dir.path().toStdString()) / "rec";
        QVERIFY(record::export_election_record(*l, out));
        const GuardianKey key = guardian_key(s, 2);
        {
            auto reader = record::RecordReader::open(out);
            QVERIFY(reader);
            auto own_word = record::prepare_tally_decryptions_from_record(reader.value(), key);
            QVERIFY2(own_word, own_word ? "" : own_word.error().message.c_str());
            QCOMPARE(own_word.value().records.size(), std::size_t{2});  // the limit: no anchor
            for (const crypto::Ed25519PublicKey& trusted :
                 {authority, test::seeded_key(0xF1).public_key()}) {
                auto refused =
                    record::prepare_tally_decryptions_from_record(reader.value(), key, trusted);
                QVERIFY(!refused);
                QCOMPARE(refused.error().code, ErrorCode::verification_failed);
                const std::string& why = refused.error().message;
                QVERIFY2(contains(why, "authority.bin: approved by " +
                                           authority_key_text(forger.public_key()) +
                                           ", not by the trusted authority " +
                                           authority_key_text(trusted)),
                         why.c_str());
            }
        }
        test::write_bytes(out / "authority.bin", encode_election_approval(s.approval()));
        auto reader = record::RecordReader::open(out);
        QVERIFY(reader);
        for (const auto& trusted : {std::optional<crypto::Ed25519PublicKey>{},
                                    std::optional<crypto::Ed25519PublicKey>{authority}}) {
            auto prepared =
                record::prepare_tally_decryptions_from_record(reader.value(), key, trusted);
            QVERIFY2(prepared, prepared ? "" : prepared.error().message.c_str());
            QVERIFY(prepared.value().records.empty());
            for (const GuardianDistrictOutcome& o : prepared.value().outcomes) {
                QCOMPARE(o.state, State::unauthorised_device);
                QVERIFY2(contains(o.error, "district '" + o.district_id + "': not decrypted") &&
                             contains(o.error, "record 0: device '" + o.district_id +
                                                   "-kiosk-1' of district '" + o.district_id +
                                                   "': the election authority (" +
                                                   authority_key_text(authority) +
                                                   ") did not authorise this registration"),
                         o.error.c_str());
            }
        }
        // No approval at all: nothing is decrypted.
        std::filesystem::remove(out / "authority.bin");
        auto none = record::prepare_tally_decryptions_from_record(reader.value(), key);
        QVERIFY(!none);
        QVERIFY2(contains(none.error().message, "authority.bin"), none.error().message.c_str());
    }

    // A log whose tally is exactly the sum of its ballots, one of which carries another ballot's
    // proof (re-signed by its kiosk, as a dishonest kiosk could): the sums match, but the guardian
    // checks every ballot and refuses; a ballot from a device never registered is refused too.
    void guardian_refuses_a_tally_summing_a_ballot_that_fails_its_proofs() {
        QTemporaryDir dir;
        test::LedgerScenario s;
        auto l = polling_day(s, options_for(dir));
        const LogStatus log = l->status("d1").value();
        std::vector<Bytes> records;
        for (std::uint64_t i = 0; i < log.size; ++i) records.push_back(l->record("d1", i).value());
        std::vector<std::size_t> cast;
        for (std::size_t i = 0; i < records.size(); ++i)
            if (records[i][0] == static_cast<std::uint8_t>(RecordType::encrypted_ballot))
                cast.push_back(i);
        QVERIFY(cast.size() >= 2);
        EncryptedBallot bad = decode_ballot(records[cast[0]]).value();
        const EncryptedBallot other = decode_ballot(records[cast[1]]).value();
        bad.contests[0].selections[0].proof = other.contests[0].selections[0].proof;
        bad.device_signature = s.kiosk(0).key.sign(encode_ballot_body(bad));
        records[cast[0]] = encode_ballot(bad);

        // The tally of that log, as a ledger-key holder would write it after it.
        auto sums = TallyRecomputation::create(s.election(), "d1", BallotChecks::none).value();
        for (const Bytes& r : records) QVERIFY(sums.add_record(r));
        records.push_back(encode_district_tally(sums.finish()));
        const auto logs_of = [](const std::vector<Bytes>& d1) {
            return [d1](std::string_view district, const LogVisitor& visit) -> Status {
                if (district != "d1") return {};
                for (std::size_t i = 0; i < d1.size(); ++i)
                    if (auto ok = visit(i, d1[i]); !ok) return ok;
                return {};
            };
        };
        auto prepared =
            prepare_tally_decryptions(s.election(), guardian_key(s, 1), logs_of(records));
        QVERIFY2(prepared, prepared ? "" : prepared.error().message.c_str());
        const GuardianDistrictOutcome& d1 = prepared.value().outcomes[0];
        QCOMPARE(d1.state, State::tally_mismatch);
        const std::string expected = "record " + std::to_string(cast[0]) + ": ballot '" +
                                     bad.ballot_id + "': contest '" + bad.contests[0].contest_id;
        QVERIFY2(contains(d1.error, expected), d1.error.c_str());
        QVERIFY(prepared.value().records.empty());

        // Without the kiosk's registration, its first ballot is from an unknown device.
        std::vector<Bytes> unregistered;
        for (const Bytes& r : records)
            if (r[0] != static_cast<std::uint8_t>(RecordType::device_registration))
                unregistered.push_back(r);
        prepared =
            prepare_tally_decryptions(s.election(), guardian_key(s, 1), logs_of(unregistered));
        QVERIFY(prepared);
        QCOMPARE(prepared.value().outcomes[0].state, State::tally_mismatch);
        QVERIFY2(contains(prepared.value().outcomes[0].error,
                          "device '" + s.kiosk(0).device_id + "' is not registered"),
                 prepared.value().outcomes[0].error.c_str());
    }

    // The share a guardian decrypts with is read from its key file straight into locked memory
    // (a LockedScalar, docs/threat-model.md "Secrets in memory"), sealed or in the clear.
    void a_share_read_from_a_key_file_is_held_in_locked_memory() {
#ifdef PSEPHOS_UNDER_ASAN
        QSKIP("AddressSanitizer makes mlock a no-op that succeeds; locking is checked in release");
#endif
        QTemporaryDir dir;
        test::LedgerScenario s;
        const GuardianKey written = guardian_key(s, 2);
        for (const bool sealed : {false, true}) {
            const std::optional<std::string> passphrase =
                sealed ? std::optional<std::string>("correct horse") : std::nullopt;
            const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) /
                                               (sealed ? "sealed.key" : "clear.key");
            QVERIFY(write_guardian_key_file(path, written.election_id, written.index,
                                            written.secret_share, written.identity, passphrase));
            auto read = read_guardian_key_file(path, passphrase);
            QVERIFY2(read, read ? "" : read.error().message.c_str());
            QVERIFY(*read.value().secret_share == *written.secret_share);
            QVERIFY(test::locked_kib_of_mapping(&*read.value().secret_share) > 0);
            QVERIFY(check_guardian_key(read.value(), s.election().manifest));
        }
    }

    void shares_file_refuses_bad_bytes() {
        test::LedgerScenario s;
        const Bytes record =
            encode_tally_decryption({"d1", 2, Hash32{}, {}, crypto::Ed25519Signature{}});
        const Bytes good = encode_guardian_decryption_file({s.election().base_hash, 2, {record}});
        QVERIFY(decode_guardian_decryption_file(good));
        // Every truncation, one byte too many, and another guardian's record in the file.
        for (std::size_t n = 0; n < good.size(); ++n) {
            const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
            QVERIFY2(!decode_guardian_decryption_file(cut), qPrintable(QString::number(n)));
        }
        Bytes longer = good;
        longer.push_back(0);
        auto r = decode_guardian_decryption_file(longer);
        QVERIFY(!r);
        QVERIFY2(contains(r.error().message, "1 bytes after the last record"),
                 r.error().message.c_str());
        const Bytes other = encode_guardian_decryption_file({s.election().base_hash, 3, {record}});
        r = decode_guardian_decryption_file(other);
        QVERIFY(!r);
        QVERIFY2(contains(r.error().message, "record 0: a decryption by guardian 2 in guardian 3"),
                 r.error().message.c_str());
        Bytes magic = good;
        magic[0] = 'P';
        QVERIFY(!decode_guardian_decryption_file(magic));
    }
};

QTEST_APPLESS_MAIN(TestGuardianVerification)
#include "tst_guardian_verification.moc"
