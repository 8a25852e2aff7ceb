// The modular ledger: durable casting, signed checkpoints and proofs, reopening with tamper
// detection, rejections that change nothing, and byte-identical logs whatever the thread count.
#include <atomic>
#include <chrono>
#include <thread>

#include <rocksdb/db.h>

#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/casting_module.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

namespace {

std::string text_of(const Bytes& b) { return {b.begin(), b.end()}; }

// What the kiosk that made a ballot can do with its nonces: prove the same ciphertexts again
// under the proof contexts of another ballot (another id, device or district).
void prove_again(EncryptedBallot& b, const PreparedBallot& made, const ElectionContext& e) {
    for (std::size_t c = 0; c < b.contests.size(); ++c) {
        EncryptedContest& contest = b.contests[c];
        crypto::Ciphertext sum = crypto::zero_ciphertext();
        crypto::Scalar nonce_sum;
        std::uint64_t count = 0;
        for (std::size_t o = 0; o < contest.selections.size(); ++o) {
            EncryptedSelection& sel = contest.selections[o];
            sel.proof = crypto::prove_zero_or_one_committed(
                            e.base_hash, ballot_proof_context(b, contest.contest_id, sel.option_id),
                            sel.ciphertext, e.joint_key, made.marks[c][o], made.nonces[c][o])
                            .value();
            sum = crypto::add_ciphertexts(sum, sel.ciphertext);
            nonce_sum = nonce_sum + made.nonces[c][o];
            count += made.marks[c][o];
        }
        contest.selection_count_proof =
            crypto::prove_range_committed(
                e.base_hash, ballot_proof_context(b, contest.contest_id, ""), sum, e.joint_key,
                count, nonce_sum, e.manifest.find_contest(contest.contest_id)->vote_for)
                .value();
    }
}

LedgerOptions options_for(const QTemporaryDir& dir, unsigned threads = 2,
                          std::size_t max_batch = 256) {
    LedgerOptions o;
    o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
    o.threads = threads;
    o.max_batch = max_batch;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    return o;
}

std::unique_ptr<Ledger> create_ledger(const LedgerOptions& o, const test::LedgerScenario& s) {
    auto ledger = Ledger::create(o, s.election(), s.approval(), test::LedgerScenario::ledger_key());
    if (!ledger) qFatal("create: %s", ledger.error().message.c_str());
    return std::move(ledger).value();
}

std::unique_ptr<Ledger> reopen(const LedgerOptions& o) {
    auto ledger = Ledger::open(o, test::LedgerScenario::ledger_key());
    if (!ledger) qFatal("open: %s", ledger.error().message.c_str());
    return std::move(ledger).value();
}

void require_all_ok(const std::vector<Result<Receipt>>& results) {
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) qFatal("record %zu: %s", i, results[i].error().message.c_str());
    }
}

// Rewrites one value in the database, as an attacker with disk access would.
void overwrite(const std::filesystem::path& dir, const std::string& family, const std::string& key,
               const std::function<void(std::string&)>& change) {
    rocksdb::DBOptions options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "entries", "leaves", "checkpoints"}) {
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    QVERIFY(rocksdb::DB::Open(options, dir.string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* h = nullptr;
    for (auto* handle : handles) {
        if (handle->GetName() == family) h = handle;
    }
    std::string value;
    if (change) {
        QVERIFY(db->Get(rocksdb::ReadOptions(), h, key, &value).ok());
        change(value);
        QVERIFY(db->Put(rocksdb::WriteOptions(), h, key, value).ok());
    } else {
        QVERIFY(db->Delete(rocksdb::WriteOptions(), h, key).ok());
    }
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
}

std::string log_key(std::uint32_t log, std::uint64_t index) {
    Bytes key;
    append_u32_be(key, log);
    append_u64_be(key, index);
    return text_of(key);
}

std::vector<LedgerEvent> events_of(const Ledger& ledger) {
    std::vector<LedgerEvent> events;
    const std::uint64_t n = ledger.status(event_log_name).value().size;
    for (std::uint64_t i = 0; i < n; ++i)
        events.push_back(decode_ledger_event(ledger.record(event_log_name, i).value()).value());
    return events;
}

}  // namespace

class TestLedger : public QObject {
    Q_OBJECT

private slots:
    void acknowledges_each_ballot_with_a_signed_checkpoint_that_proves_it() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        require_all_ok(ledger->ingest(s.opening(), ActorRole::poll_worker));
        std::vector<Bytes> ballots;
        for (int i = 0; i < 6; ++i)
            ballots.push_back(
                s.next_cast(static_cast<std::size_t>(i % 2), static_cast<std::uint64_t>(i)));
        ballots.push_back(s.next_challenged(0, 1));
        const auto results = ledger->ingest(ballots);
        require_all_ok(results);
        for (std::size_t i = 0; i < results.size(); ++i) {
            const Receipt& r = results[i].value();
            QCOMPARE(r.leaf_hash, crypto::hash_merkle_leaf(ballots[i]));
            const LogStatus st = ledger->status(r.log).value();
            auto text = open_note(r.signed_checkpoint, st.verifier);
            QVERIFY2(text, text ? "" : text.error().message.c_str());
            const Checkpoint cp = Checkpoint::parse(text.value()).value();
            QCOMPARE(cp.origin, s.election().manifest.election_id + "/district/" + r.log);
            const auto proof = ledger->prove_inclusion(r.log, r.index, cp.size).value();
            QVERIFY(crypto::verify_inclusion(r.leaf_hash, r.index, cp.size, proof, cp.root));
            QCOMPARE(ledger->record(r.log, r.index).value(), ballots[i]);
        }
        QCOMPARE(ledger->casting().status(0).ballots_cast, std::uint64_t{3});
        QCOMPARE(ledger->casting().status(0).ballots_challenged, std::uint64_t{1});
        QCOMPARE(ledger->casting().status(1).ballots_cast, std::uint64_t{3});
        // Registration, polls opened, 3 cast and 1 challenged ballots in district 1.
        QCOMPARE(ledger->status("d1").value().size, std::uint64_t{6});
        const auto code = next_tracking_code(s.kiosk(0).chain_head, Hash32{});  // not a real code
        QVERIFY(!ledger->casting().find_tracking_code(code));
        QVERIFY(ledger->casting().find_tracking_code(s.kiosk(0).chain_head));
        QVERIFY(ledger->casting().find_tracking_code(s.kiosk(0).chain_head)->challenged);
    }

    void proves_consistency_between_every_pair_of_checkpoints() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir, 2, 2), s);
        require_all_ok(ledger->ingest(s.opening()));
        std::vector<Bytes> ballots;
        for (int i = 0; i < 7; ++i)
            ballots.push_back(s.next_cast(0, static_cast<std::uint64_t>(i)));
        require_all_ok(ledger->ingest(ballots));
        const auto checkpoints = ledger->checkpoints("d1").value();
        QCOMPARE(checkpoints.size(), std::size_t{1 + 4});  // opening batch, then batches of 2
        const NoteVerifierKey verifier = ledger->status("d1").value().verifier;
        for (const auto& [old_size, old_note] : checkpoints) {
            for (const auto& [new_size, new_note] : checkpoints) {
                if (old_size > new_size) continue;
                const Checkpoint a =
                    Checkpoint::parse(open_note(old_note, verifier).value()).value();
                const Checkpoint b =
                    Checkpoint::parse(open_note(new_note, verifier).value()).value();
                const auto proof = ledger->prove_consistency("d1", old_size, new_size).value();
                QVERIFY(crypto::verify_consistency(a.size, b.size, a.root, b.root, proof));
            }
        }
        QVERIFY(!ledger->prove_consistency("d1", 1, 100));
        QVERIFY(!ledger->prove_inclusion("nowhere", 0, 1));
    }

    void reopens_with_the_same_state_and_read_only_without_the_key() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        const LedgerOptions o = options_for(dir);
        LogStatus before;
        {
            auto ledger = create_ledger(o, s);
            require_all_ok(ledger->ingest(s.opening()));
            require_all_ok(
                ledger->ingest({s.next_cast(0, 0), s.next_cast(0, 1), s.next_cast(1, 2)}));
            before = ledger->status("d1").value();
        }
        {
            auto ledger = reopen(o);
            const LogStatus after = ledger->status("d1").value();
            QCOMPARE(after.size, before.size);
            QCOMPARE(after.root, before.root);
            QCOMPARE(after.signed_checkpoint, before.signed_checkpoint);
            QCOMPARE(ledger->casting().status(0).ballots_cast, std::uint64_t{2});
            QCOMPARE(ledger->casting().status(0).polls, PollsStatus::open);
            // The restored chain head accepts the kiosk's next ballot, and a replay is refused.
            const Bytes next = s.next_cast(0, 3);
            QVERIFY(ledger->submit(next).get());
            auto replay = ledger->submit(next).get();
            QVERIFY(!replay);
            QVERIFY(replay.error().message.find("already recorded") != std::string::npos);
        }
        auto read_only = Ledger::open(o, std::nullopt);
        QVERIFY2(read_only, read_only ? "" : read_only.error().message.c_str());
        QVERIFY(read_only.value()->read_only());
        QCOMPARE(read_only.value()->status("d1").value().size, before.size + 1);
        auto refused = read_only.value()->submit(s.next_cast(1, 0)).get();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::refused);

        auto wrong_key = Ledger::open(o, LedgerKey(test::seeded_key(0x11)));
        QVERIFY(!wrong_key);
        QVERIFY(wrong_key.error().message.find("not this ledger's key") != std::string::npos);
    }

    void rejects_bad_input_with_a_reason_and_leaves_the_logs_unchanged() {
        test::LedgerScenario s;
        test::LedgerScenario other;  // another election with the same district ids
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        QVERIFY(ledger->submit(s.registration(0), ActorRole::election_official).get());

        auto expect_rejected = [&](const Bytes& record, const std::string& reason) {
            const LogStatus d1 = ledger->status("d1").value();
            const LogStatus d2 = ledger->status("d2").value();
            const std::uint64_t events = ledger->status(event_log_name).value().size;
            auto result = ledger->submit(record).get();
            QVERIFY2(!result, reason.c_str());
            QVERIFY2(result.error().message.find(reason) != std::string::npos,
                     result.error().message.c_str());
            QCOMPARE(ledger->status("d1").value().root, d1.root);
            QCOMPARE(ledger->status("d2").value().root, d2.root);
            // The rejection is in the event log, with its reason.
            QCOMPARE(ledger->status(event_log_name).value().size, events + 1);
            const LedgerEvent e =
                decode_ledger_event(ledger->record(event_log_name, events).value()).value();
            QCOMPARE(e.type, EventType::record_rejected);
            QCOMPARE(e.disposition, Disposition::failure);
            QVERIFY(e.subject.find(reason) != std::string::npos);
        };

        expect_rejected(s.registration(0), "already registered");
        // Only the election authority authorises devices: the ledger key or an official cannot.
        {
            DeviceRegistration forged{
                "d1", "kiosk-forged", test::seeded_key(0x51).public_key(), 1'793'000'000, {}};
            authorise_device(s.election().base_hash, forged, s.kiosk(0).key);  // not the authority
            expect_rejected(encode_device_registration(forged), "the election authority (ed25519:");
            Bytes flipped = s.registration(1);  // d2's, authorised: one byte of its key changed
            flipped[flipped.size() - 64 - 1] ^= 0x01;  // the last byte of its time
            expect_rejected(flipped, "did not authorise this registration");
        }
        const Bytes early = s.next_cast(0, 0);
        expect_rejected(early, "polls are not opened");
        s.kiosk(0).chain_head = initial_tracking_code(s.election().base_hash, s.kiosk(0).device_id);
        s.kiosk(0).ballots = 0;
        QVERIFY(ledger->submit(s.polls(PollsAction::opened, 0)).get());
        expect_rejected(s.polls(PollsAction::opened, 0), "already open");
        // Registrations close at the opening: a device added during the day could stuff ballots.
        expect_rejected(s.registration(0),
                        "registrations in district 'd1' closed when its polls "
                        "opened");
        // A ballot stamped before the hour the polls opened in, or ahead of the ledger's clock.
        s.ballot_time = 1'792'990'000;
        expect_rejected(s.next_cast(0, 1), "before the hour the polls of district 'd1' opened in");
        s.ballot_time = 4'000'000'000;
        s.kiosk(0).chain_head = initial_tracking_code(s.election().base_hash, s.kiosk(0).device_id);
        s.kiosk(0).ballots = 0;
        expect_rejected(s.next_cast(0, 1), "later than the ledger's clock");
        s.ballot_time = 1'793'000'200;
        s.kiosk(0).chain_head = initial_tracking_code(s.election().base_hash, s.kiosk(0).device_id);
        s.kiosk(0).ballots = 0;

        Bytes good = s.next_cast(0, 1);
        Bytes bad_proof = good;
        bad_proof[bad_proof.size() - 64 - 40] ^= 0x01;  // inside the last contest's count proof
        expect_rejected(bad_proof, "selection count");
        Bytes bad_signature = good;
        bad_signature.back() ^= 0x01;
        expect_rejected(bad_signature, "device signature");
        expect_rejected(Bytes(good.begin(), good.begin() + 100), "encrypted ballot");
        expect_rejected(Bytes{0x7f, 0x01}, "record type 127");
        expect_rejected(Bytes{}, "empty record");
        expect_rejected(s.next_cast(1, 0), "is not registered in district 'd2'");
        expect_rejected(other.next_cast(0, 0), "another election");
        expect_rejected(encode_device_registration(
                            s.authorised({"d9", "kiosk-x", s.kiosk(0).key.public_key(), 0, {}})),
                        "district 'd9' is not in this election");
        QVERIFY(ledger->submit(good).get());
        expect_rejected(good, "already recorded");
        // A ballot skipping one of its kiosk's ballots does not chain.
        (void)s.next_cast(0, 2);
        expect_rejected(s.next_cast(0, 3), "does not chain");
        expect_rejected(s.polls(PollsAction::closed, 0, 5, 0), "the log holds 1");
        // The kiosk signed two ballots the ledger does not hold: its own head says 3 ballots,
        // and the closing is refused (a dropped ballot shows at the close).
        expect_rejected(s.polls(PollsAction::closed, 0, 1, 0),
                        "'s head reports 3 ballots ending in");
        s.kiosk(0).chain_head =
            ledger->casting().device_chain_head(0, s.kiosk(0).device_id).value();
        s.kiosk(0).ballots = 1;
        QVERIFY(ledger->submit(s.polls(PollsAction::closed, 0, 1, 0)).get());
        expect_rejected(s.next_cast(0, 4), "polls are closed");
    }

    // One key, one device, one district; a ballot's id and its ciphertexts once in the whole
    // election. The attacker holds the ledger key and an authorised device in d2, and copies a
    // cast ballot of d1 (same id, ciphertexts, proofs) into d2 under that device's signature.
    void devices_and_ballots_are_unique_election_wide() {
        ElectionManifest m = test::small_manifest();
        m.ballot_styles = {{"shared", {"d1", "d2"}, {"mayor", "council", "measure-a"}}};
        test::LedgerScenario s(m);
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        QVERIFY(ledger->submit(s.registration(0), ActorRole::election_official).get());
        QVERIFY(ledger->submit(s.registration(1), ActorRole::election_official).get());
        auto refused = [&](const Bytes& record, const std::string& reason) {
            auto r = ledger->submit(record).get();
            QVERIFY2(!r, reason.c_str());
            QVERIFY2(r.error().message.find(reason) != std::string::npos,
                     r.error().message.c_str());
        };
        refused(encode_device_registration(s.authorised(
                    {"d2", s.kiosk(0).device_id, test::seeded_key(0x61).public_key(), 0, {}})),
                "its id is already registered in district 'd1'");
        refused(encode_device_registration(
                    s.authorised({"d2", "d2-kiosk-2", s.kiosk(0).key.public_key(), 0, {}})),
                "its key is already registered in district 'd1'");
        QVERIFY(ledger->submit(s.polls(PollsAction::opened, 0)).get());
        QVERIFY(ledger->submit(s.polls(PollsAction::opened, 1)).get());

        const PreparedBallot original = s.next_ballot(0, 1);
        QVERIFY(ledger->submit(encode_ballot(original.ballot)).get());
        EncryptedBallot copy = original.ballot;
        copy.district_id = "d2";
        copy.device_id = s.kiosk(1).device_id;
        copy.previous_tracking_code = s.kiosk(1).chain_head;
        copy.device_signature = s.kiosk(1).key.sign(encode_ballot_body(copy));
        // The proofs bind device and district (docs/encoding.md §4.1): a plain copy fails them.
        refused(encode_ballot(copy), "contest 'mayor': option 'ada': range proof");
        // Whoever made the ballot knows its nonces and can prove the same ciphertexts again for
        // the copy: then the election-wide claim on its ciphertexts refuses it.
        prove_again(copy, original, s.election());
        copy.device_signature = s.kiosk(1).key.sign(encode_ballot_body(copy));
        refused(encode_ballot(copy),
                "its ciphertexts are those of a ballot already recorded (a copied ballot) in "
                "district 'd1'");
        // A fresh encryption in d2 under d1's ballot id.
        refused(encode_ballot(s.next_ballot(1, 0, original.ballot.ballot_id).ballot),
                "ballot id already recorded in district 'd1'");
        s.kiosk(1).chain_head = initial_tracking_code(s.election().base_hash, s.kiosk(1).device_id);
        QVERIFY(ledger->submit(s.next_cast(1, 0)).get());  // d2's own ballots are fine
        QCOMPARE(ledger->casting().status(1).ballots_cast, std::uint64_t{1});

        // The claims are rebuilt when the ledger reopens: the copy is still refused.
        ledger.reset();
        auto reopened = Ledger::open(options_for(dir), test::LedgerScenario::ledger_key());
        QVERIFY2(reopened, reopened ? "" : reopened.error().message.c_str());
        copy.previous_tracking_code =
            reopened.value()->casting().device_chain_head(1, s.kiosk(1).device_id).value();
        copy.device_signature = s.kiosk(1).key.sign(encode_ballot_body(copy));
        auto again = reopened.value()->submit(encode_ballot(copy)).get();
        QVERIFY(!again);
        QVERIFY2(again.error().message.find("a copied ballot") != std::string::npos,
                 again.error().message.c_str());
    }

    // Issue 19: polls records are the devices' word, not the ledger's. The attacker holds the
    // ledger key (and may sign with it or any key of its own), not the kiosks' keys: it cannot
    // record an opening or a closing, nor close with a head that leaves out a device or a ballot.
    void polls_records_need_the_devices_signatures() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        const crypto::Ed25519SigningKey second = test::seeded_key(0x52);
        QVERIFY(ledger->submit(s.registration(0), ActorRole::election_official).get());
        QVERIFY(ledger
                    ->submit(encode_device_registration(s.authorised(
                                 {"d1", "d1-kiosk-2", second.public_key(), 1'793'000'000, {}})),
                             ActorRole::election_official)
                    .get());
        auto refused = [&](const Bytes& record, const std::string& reason) {
            auto r = ledger->submit(record).get();
            QVERIFY2(!r, reason.c_str());
            QVERIFY2(r.error().message.find(reason) != std::string::npos,
                     r.error().message.c_str());
        };
        const Hash32& base = s.election().base_hash;
        PollsRecord opening{
            PollsAction::opened, "d1", 1'793'000'100, 0, 0, "poll worker 1", "d1-kiosk-1", {}, {}};
        // Signed with the ledger's key instead of the kiosk's; by a device of no registration.
        sign_polls_record(base, opening, test::LedgerScenario::ledger_key().master());
        refused(encode_polls_record(opening), "device 'd1-kiosk-1''s signature does not verify");
        opening.device_id = "d1-kiosk-9";
        sign_polls_record(base, opening, second);
        refused(encode_polls_record(opening), "device 'd1-kiosk-9' is not registered");
        QVERIFY(ledger->submit(s.polls(PollsAction::opened, 0)).get());
        QVERIFY(ledger->submit(s.next_cast(0, 1)).get());

        // A closing whose heads leave out d1-kiosk-2 (only d1-kiosk-1's, as s.polls makes it).
        refused(s.polls(PollsAction::closed, 0, 1, 0),
                "the heads name devices 'd1-kiosk-1', the registered devices are 'd1-kiosk-1', "
                "'d1-kiosk-2'");
        // Both heads, one of them a head the attacker signed for d1-kiosk-2 with its own key.
        PollsRecord closing{
            PollsAction::closed, "d1", 1'793'040'000, 1, 0, "poll worker 1", "d1-kiosk-1", {}, {}};
        closing.heads = {
            sign_device_head(base, "d1", "d1-kiosk-1", 1, s.kiosk(0).chain_head, s.kiosk(0).key),
            sign_device_head(base, "d1", "d1-kiosk-2", 0, initial_tracking_code(base, "d1-kiosk-2"),
                             test::LedgerScenario::ledger_key().master())};
        sign_polls_record(base, closing, s.kiosk(0).key);
        refused(encode_polls_record(closing), "device 'd1-kiosk-2''s head: its signature");
        // Signed by the device itself, it closes.
        closing.heads[1] = sign_device_head(base, "d1", "d1-kiosk-2", 0,
                                            initial_tracking_code(base, "d1-kiosk-2"), second);
        sign_polls_record(base, closing, s.kiosk(0).key);
        auto closed = ledger->submit(encode_polls_record(closing)).get();
        QVERIFY2(closed, closed ? "" : closed.error().message.c_str());
    }

    void pausing_polls_holds_ballots_until_resumed() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        require_all_ok(ledger->ingest(s.opening()));
        QVERIFY(ledger->submit(s.polls(PollsAction::paused, 0)).get());
        const Bytes ballot = s.next_cast(0, 0);
        auto refused = ledger->submit(ballot).get();
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find("polls are paused") != std::string::npos);
        QVERIFY(ledger->submit(s.polls(PollsAction::resumed, 0)).get());
        QVERIFY(ledger->submit(ballot).get());
        QCOMPARE(ledger->casting().status(0).ballots_cast, std::uint64_t{1});
    }

    void polls_records_must_report_the_logs_totals() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir), s);
        require_all_ok(ledger->ingest(s.opening()));
        QVERIFY(ledger->submit(s.next_cast(0, 1)).get());
        // One ballot is in the box: a pause reporting none, or two, is refused and changes nothing.
        for (const std::uint64_t wrong : {0, 2}) {
            auto refused = ledger->submit(s.polls(PollsAction::paused, 0, wrong, 0)).get();
            QVERIFY(!refused);
            QVERIFY2(refused.error().message.find("the log holds 1 and 0") != std::string::npos,
                     refused.error().message.c_str());
        }
        QCOMPARE(ledger->casting().status(0).polls, PollsStatus::open);
        QVERIFY(ledger->submit(s.polls(PollsAction::paused, 0, 1, 0)).get());
        auto resumed_wrong = ledger->submit(s.polls(PollsAction::resumed, 0, 1, 1)).get();
        QVERIFY(!resumed_wrong);
        QVERIFY(ledger->submit(s.polls(PollsAction::resumed, 0, 1, 0)).get());
        QCOMPARE(ledger->casting().status(0).polls, PollsStatus::open);
    }

    void logs_are_byte_identical_with_1_2_or_8_threads() {
        test::LedgerScenario s;
        std::vector<Bytes> records = s.opening();
        for (int i = 0; i < 40; ++i) {
            const std::size_t d = static_cast<std::size_t>((i * 7) % 3 == 0 ? 1 : 0);
            records.push_back(i % 9 == 4 ? s.next_challenged(d, static_cast<std::uint64_t>(i))
                                         : s.next_cast(d, static_cast<std::uint64_t>(i)));
            if (i % 13 == 5) records.push_back(records.back());  // a replay, refused
        }
        records.push_back(Bytes{0x02, 0x01, 0x00});  // malformed, refused

        struct Outcome {
            std::vector<std::string> logs;
            std::vector<std::string> receipts;
        };
        auto run = [&](unsigned threads) {
            QTemporaryDir dir;
            Outcome out;
            auto ledger = create_ledger(options_for(dir, threads, 3), s);
            for (const auto& r : ledger->ingest(records)) {
                out.receipts.push_back(r ? r.value().log + "#" + std::to_string(r.value().index) +
                                               " " + r.value().signed_checkpoint
                                         : "rejected: " + r.error().message);
            }
            if (!ledger->close_all_polls(s.closings(*ledger))) qFatal("close_all_polls failed");
            for (const std::string& log :
                 std::vector<std::string>{"d1", "d2", std::string(election_log_name)}) {
                const LogStatus st = ledger->status(log).value();
                std::string all = st.signed_checkpoint;
                for (std::uint64_t i = 0; i < st.size; ++i)
                    all += text_of(ledger->record(log, i).value());
                const auto checkpoints = ledger->checkpoints(log).value();
                for (const auto& [size, note] : checkpoints) all += note;
                out.logs.push_back(all);
            }
            return out;
        };
        const Outcome one = run(1);
        QCOMPARE(one.logs.size(), std::size_t{3});
        QVERIFY(std::count_if(one.receipts.begin(), one.receipts.end(),
                              [](const std::string& r) { return r.starts_with("rejected"); }) >= 4);
        for (const unsigned threads : {2u, 8u}) {
            const Outcome other = run(threads);
            QCOMPARE(other.receipts, one.receipts);
            QCOMPARE(other.logs, one.logs);
        }
    }

    void group_commit_writes_one_synced_batch_per_district_batch() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir, 2, 8), s);
        require_all_ok(ledger->ingest(s.opening()));
        std::vector<Bytes> ballots;
        for (int i = 0; i < 20; ++i)
            ballots.push_back(s.next_cast(static_cast<std::size_t>(i % 2), 0));
        const std::uint64_t before = ledger->statistics().synced_writes;
        require_all_ok(ledger->ingest(ballots));
        // 10 ballots per district in batches of 8: 2 batches each, one synced write per batch.
        QCOMPARE(ledger->statistics().synced_writes - before, std::uint64_t{4});

        // Live submissions from many kiosks at once share batches too (never more writes than
        // ballots) and every one is acknowledged.
        std::vector<Bytes> live;
        for (int i = 0; i < 16; ++i)
            live.push_back(s.next_cast(static_cast<std::size_t>(i % 2), 1));
        const std::uint64_t before_live = ledger->statistics().synced_writes;
        std::vector<std::future<Result<Receipt>>> futures;
        for (auto& b : live) futures.push_back(ledger->submit(b));
        for (auto& f : futures) QVERIFY(f.get());
        QVERIFY(ledger->statistics().synced_writes - before_live <= 16);
        QCOMPARE(
            ledger->casting().status(0).ballots_cast + ledger->casting().status(1).ballots_cast,
            std::uint64_t{36});
    }

    // The sequencer is scheduled for an ingest batch once it is validated whole, not at each
    // validation (it would scan the partly validated batch and find nothing to commit): at most one
    // run per batch, whatever the order the pool validates in.
    void ingest_schedules_the_sequencer_once_per_validated_batch() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir, 2, 8), s);
        require_all_ok(ledger->ingest(s.opening()));
        std::vector<Bytes> ballots;
        for (int i = 0; i < 40; ++i)
            ballots.push_back(s.next_cast(i < 24 ? 0 : 1, static_cast<std::uint64_t>(i)));
        const LedgerStatistics before = ledger->statistics();
        require_all_ok(ledger->ingest(ballots));
        const LedgerStatistics after = ledger->statistics();
        // 24 ballots in d1 and 16 in d2, in batches of 8: 5 batches, one synced write each.
        QCOMPARE(after.synced_writes - before.synced_writes, std::uint64_t{5});
        QVERIFY(after.sequencer_runs > before.sequencer_runs);
        QVERIFY2(after.sequencer_runs - before.sequencer_runs <= 5,
                 qPrintable(QString("%1 sequencer runs for 5 batches")
                                .arg(after.sequencer_runs - before.sequencer_runs)));
        QCOMPARE(ledger->status("d1").value().size, std::uint64_t{2 + 24});
        QCOMPARE(ledger->status("d2").value().size, std::uint64_t{2 + 16});
    }

    // A kiosk's submit during a bulk ingest: its validation goes ahead of the ingest's queue, so
    // it is acknowledged while most of the ingest is still to do (in another district: within a
    // district, records are committed in submission order). The bulk is copies of one ballot —
    // each copy costs a full validation, the copies after the first are refused as repeats.
    void a_live_submit_is_acknowledged_while_a_bulk_ingest_is_in_flight() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        auto ledger = create_ledger(options_for(dir, 2, 8), s);
        require_all_ok(ledger->ingest(s.opening()));
        constexpr std::size_t bulk_size = 2000;
        const std::vector<Bytes> bulk(bulk_size, s.next_cast(0, 0));
        const Bytes live = s.next_cast(1, 0);
        const LedgerStatistics before = ledger->statistics();
        auto done = [&] {
            const LedgerStatistics now = ledger->statistics();
            return (now.records_appended - before.records_appended) +
                   (now.records_rejected - before.records_rejected);
        };
        std::atomic<bool> ingest_returned{false};
        std::vector<Result<Receipt>> results;
        {
            std::jthread bulk_thread([&] {
                results = ledger->ingest(bulk);
                ingest_returned = true;
            });
            // Once the first batch is committed, the whole ingest is queued.
            while (done() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            auto receipt = ledger->submit(live).get();
            const std::uint64_t done_at_live = done();
            QVERIFY2(receipt, receipt ? "" : receipt.error().message.c_str());
            QCOMPARE(receipt.value().log, std::string("d2"));
            QVERIFY2(!ingest_returned, "the live ballot waited for the whole ingest");
            // FIFO validation would have put the live ballot behind all 2000.
            QVERIFY2(done_at_live < bulk_size / 2,
                     qPrintable(QString("%1 of %2 bulk records were done when the live ballot "
                                        "was acknowledged")
                                    .arg(done_at_live - 1)
                                    .arg(bulk_size)));
        }
        QCOMPARE(results.size(), bulk_size);
        QVERIFY(results.front());
        for (std::size_t i = 1; i < bulk_size; ++i) QVERIFY(!results[i]);
        QCOMPARE(ledger->casting().status(0).ballots_cast, std::uint64_t{1});
        QCOMPARE(ledger->casting().status(1).ballots_cast, std::uint64_t{1});
    }

    void election_log_holds_each_districts_checkpoint_and_proves_it() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        const LedgerOptions o = options_for(dir);
        LogStatus election;
        {
            auto ledger = create_ledger(o, s);
            require_all_ok(ledger->ingest(s.opening()));
            require_all_ok(ledger->ingest({s.next_cast(0, 0), s.next_cast(1, 0)}));
            const LogStatus first = ledger->publish_election_checkpoint().value();
            QCOMPARE(first.size, std::uint64_t{2});
            // Nothing new: the election log does not grow.
            QCOMPARE(ledger->publish_election_checkpoint().value().size, std::uint64_t{2});
            require_all_ok(ledger->ingest({s.next_cast(0, 1)}));
            auto closed = ledger->close_all_polls(s.closings(*ledger));
            QVERIFY(closed);
            QCOMPARE(closed.value().size(), std::size_t{2});
            election = ledger->status(election_log_name).value();
            QCOMPARE(election.size, std::uint64_t{4});  // d1, d2, then both after closing
            for (std::uint64_t i = 0; i < election.size; ++i) {
                const Bytes leaf = ledger->record(election_log_name, i).value();
                const auto entry = decode_district_checkpoint(leaf).value();
                QVERIFY(open_note(entry.signed_checkpoint,
                                  ledger->status(entry.district_id).value().verifier));
                const auto proof =
                    ledger->prove_inclusion(election_log_name, i, election.size).value();
                QVERIFY(crypto::verify_inclusion(crypto::hash_merkle_leaf(leaf), i, election.size,
                                                 proof, election.root));
            }
            QCOMPARE(ledger->casting().status(1).polls, PollsStatus::closed);
        }
        auto ledger = reopen(o);
        QCOMPARE(ledger->status(election_log_name).value().root, election.root);
        QCOMPARE(ledger->publish_election_checkpoint().value().size, election.size);
    }

    void event_log_records_the_day_as_a_hash_chain() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        const LedgerOptions o = options_for(dir);
        {
            auto ledger = create_ledger(o, s);
            require_all_ok(ledger->ingest(s.opening(), ActorRole::poll_worker));
            require_all_ok(ledger->ingest({s.next_cast(0, 0), s.next_challenged(0, 1)}));
            QVERIFY(!ledger->submit(Bytes{0x02}).get());
        }
        auto ledger = reopen(o);
        const auto events = events_of(*ledger);
        std::vector<EventType> types;
        for (const auto& e : events) types.push_back(e.type);
        const std::vector<EventType> expected = {
            EventType::configuration_changed, EventType::key_changed,
            EventType::key_changed,  // the authority's approval
            EventType::ledger_started,        EventType::device_registered,
            EventType::polls_opened,          EventType::device_registered,
            EventType::polls_opened,          EventType::ballot_cast,
            EventType::ballot_challenged,     EventType::record_rejected,
            EventType::ledger_stopped,        EventType::ledger_started};
        // District batches commit concurrently, so compare as multisets.
        QCOMPARE(std::multiset<EventType>(types.begin(), types.end()),
                 std::multiset<EventType>(expected.begin(), expected.end()));
        QCOMPARE(types.front(), EventType::configuration_changed);
        QCOMPARE(types.back(), EventType::ledger_started);
        for (const auto& e : events) {
            if (e.type == EventType::ballot_cast) {
                QCOMPARE(e.actor, ActorRole::system);
                QVERIFY(e.subject.starts_with("tracking code "));
                QCOMPARE(e.time % 3600,
                         std::uint64_t{0});  // the hour only, like the ballot's timestamp
                QCOMPARE(e.district_id, std::string("d1"));
            }
            if (e.type == EventType::polls_opened) QCOMPARE(e.actor, ActorRole::poll_worker);
        }
    }

    void detects_a_modified_record_on_reopen_naming_district_and_index() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        const LedgerOptions o = options_for(dir, 2, 2);
        {
            auto ledger = create_ledger(o, s);
            require_all_ok(ledger->ingest(s.opening()));
            require_all_ok(ledger->ingest(
                {s.next_cast(0, 0), s.next_cast(0, 1), s.next_cast(0, 2), s.next_cast(0, 3)}));
        }
        QTemporaryDir copy_dir;
        auto fresh_copy = [&]() {
            const auto target = std::filesystem::path(copy_dir.path().toStdString()) / "ledger";
            std::filesystem::remove_all(target);
            std::filesystem::copy(o.directory, target, std::filesystem::copy_options::recursive);
            LedgerOptions c = o;
            c.directory = target;
            return c;
        };
        auto expect_refused = [&](const LedgerOptions& c, const std::string& what) {
            auto opened = Ledger::open(c, test::LedgerScenario::ledger_key());
            QVERIFY2(!opened, what.c_str());
            QCOMPARE(opened.error().code, ErrorCode::corrupted);
            QVERIFY2(opened.error().message.find(what) != std::string::npos,
                     opened.error().message.c_str());
        };
        {
            const LedgerOptions c = fresh_copy();
            overwrite(c.directory, "entries", log_key(0, 3),
                      [](std::string& v) { v[v.size() / 2] ^= 0x01; });
            expect_refused(c, "district 'd1': record 3: its hash does not match");
        }
        {
            // Record and leaf hash both rewritten: the signed checkpoint covering it disagrees.
            const LedgerOptions c = fresh_copy();
            std::string changed;
            overwrite(c.directory, "entries", log_key(0, 4), [&](std::string& v) {
                v[v.size() / 2] ^= 0x01;
                changed = v;
            });
            const Hash32 leaf = crypto::hash_merkle_leaf(as_bytes(changed));
            overwrite(c.directory, "leaves", log_key(0, 4), [&](std::string& v) {
                v = text_of(Bytes(leaf.bytes.begin(), leaf.bytes.end()));
            });
            expect_refused(c,
                           "district 'd1': the signed checkpoint of size 6 does not match the "
                           "records up to record 5");
        }
        {
            const LedgerOptions c = fresh_copy();
            overwrite(c.directory, "checkpoints", log_key(0, 4),
                      [](std::string& v) { v[3] ^= 0x01; });
            expect_refused(c, "district 'd1': checkpoint of size 4");
        }
        {
            const LedgerOptions c = fresh_copy();
            overwrite(c.directory, "entries", log_key(0, 5), nullptr);
            expect_refused(c, "district 'd1': record 5 is missing");
        }
        {
            const LedgerOptions c = fresh_copy();
            overwrite(c.directory, "entries", log_key(0xFFFF'FFFE, 2),
                      [](std::string& v) { v.back() ^= 0x01; });
            expect_refused(c, "event log: record 2");
        }
        // The untouched original still opens.
        QVERIFY(Ledger::open(o, test::LedgerScenario::ledger_key()));
    }

    void refuses_to_create_over_an_existing_ledger() {
        test::LedgerScenario s;
        QTemporaryDir dir;
        const LedgerOptions o = options_for(dir);
        (void)create_ledger(o, s);
        auto again =
            Ledger::create(o, s.election(), s.approval(), test::LedgerScenario::ledger_key());
        QVERIFY(!again);
        QVERIFY(again.error().message.find("already exists") != std::string::npos);
        auto missing = Ledger::open(options_for(QTemporaryDir()), std::nullopt);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::not_found);
    }
};

QTEST_APPLESS_MAIN(TestLedger)
#include "tst_ledger.moc"
