// The witness core (docs/witness.md §3–§4) with a real log: every add-checkpoint answer of
// tlog-witness (200, 400, 403, 404, 409, 422), forks refused with both notes kept as evidence,
// the held checkpoint on disk before the cosignature is returned and re-read after a restart, a
// damaged state refused at start, and a write failure answered 500 without a cosignature.
#include <QTemporaryDir>
#include <QTest>

#include "file_text.hpp"
#include "witness_test_support.hpp"

#include <filesystem>
#include <fstream>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/witness/witness.hpp"

using psephos::ErrorCode;
using psephos::test::key_from_byte;
using psephos::test::read_text;
using psephos::test::TestLog;
using psephos::witness::origin_hash_hex;
using psephos::witness::Witness;
using psephos::witness::WitnessOptions;
using psephos::witness::WitnessResponse;
namespace crypto = psephos::crypto;
namespace fs = std::filesystem;

namespace {
const std::string origin = "psephos-test/district/d1";

std::size_t count_files(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}
}  // namespace

class TestWitness : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::uint64_t now_ = 1'700'000'000;

    std::unique_ptr<Witness> open_witness(const TestLog& log) {
        WitnessOptions o;
        o.state_directory = fs::path(dir_.path().toStdString()) / "state";
        o.name = "witness.test/w1";
        o.logs = {log.verifier()};
        o.clock = [this] { return now_; };
        auto w = Witness::open(key_from_byte(7), std::move(o));
        if (!w) qFatal("open: %s", w.error().message.c_str());
        return std::move(w).value();
    }

    // A 200 whose body is a cosignature of `note` by the witness.
    static void expect_cosigned(const Witness& w, const WitnessResponse& r,
                                const std::string& note) {
        QVERIFY2(r.status == 200, r.body.c_str());
        const auto opened = crypto::open_cosigned_note(note + r.body, w.cosigner());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
    }

private slots:
    void init() {
        QVERIFY(dir_.isValid());
        fs::remove_all(dir_.path().toStdString() + "/state");
    }

    void cosigns_from_zero_then_consistent_growth() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        auto w = open_witness(log);
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{0});
        expect_cosigned(*w, w->add_checkpoint(log.body(0, 3)), log.note(3));
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{3});
        log.grow(5);
        expect_cosigned(*w, w->add_checkpoint(log.body(3, 8)), log.note(8));
        // The same checkpoint again: equal sizes, equal roots, empty proof.
        expect_cosigned(*w, w->add_checkpoint(log.body(8, 8)), log.note(8));
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{8});
    }

    void keeps_the_checkpoint_on_disk_before_answering() {
        TestLog log(origin, key_from_byte(1), "a", 4);
        auto w = open_witness(log);
        const auto r = w->add_checkpoint(log.body(0, 4));
        QCOMPARE(r.status, 200u);
        const std::string held = read_text(fs::path(dir_.path().toStdString()) / "state" /
                                           "checkpoints" / origin_hash_hex(origin));
        QCOMPARE(held, log.note(4) + r.body);
    }

    void answers_409_with_the_held_size() {
        TestLog log(origin, key_from_byte(1), "a", 5);
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint(log.body(0, 3)).status, 200u);
        for (const std::uint64_t wrong : {0, 2, 4}) {
            const auto r = w->add_checkpoint(log.body(wrong, 5));
            QCOMPARE(r.status, 409u);
            QCOMPARE(r.content_type, std::string("text/x.tlog.size"));
            QCOMPARE(r.body, std::string("3\n"));
        }
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{3});
    }

    void answers_404_for_an_unknown_log() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        TestLog other("psephos-test/district/d2", key_from_byte(1), "a", 3);
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint(other.body(0, 3)).status, 404u);
    }

    void answers_403_without_a_valid_log_signature() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        TestLog impostor(origin, key_from_byte(2), "a", 3);  // same origin, another key
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint(impostor.body(0, 3)).status, 403u);
        // The log's own key id with a signature that does not verify (one bit of it flipped).
        std::string body = log.body(0, 3);
        const auto at = body.rfind(' ') + 12;
        body[at] = body[at] == 'A' ? 'B' : 'A';
        QCOMPARE(w->add_checkpoint(body).status, 403u);
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{0});
    }

    void answers_400_for_malformed_requests() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint("").status, 400u);
        QCOMPARE(w->add_checkpoint("GET / HTTP/1.1\r\n\r\n").status, 400u);
        QCOMPARE(w->add_checkpoint("old 0\n\nnot a checkpoint\n\n").status, 400u);
        // old size above the checkpoint's size
        std::string body = log.body(0, 3);
        body.replace(0, 5, "old 4");
        QCOMPARE(w->add_checkpoint(body).status, 400u);
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{0});
    }

    void answers_422_for_bad_proofs_and_keeps_them() {
        TestLog log(origin, key_from_byte(1), "a", 9);
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint(log.body(0, 4)).status, 200u);
        psephos::witness::AddCheckpointRequest r;
        r.old_size = 4;
        r.proof = log.proof(4, 9);
        r.proof[0].bytes[0] ^= 1;
        r.checkpoint_note = log.note(9);
        const auto refused = w->add_checkpoint(r.to_text());
        QCOMPARE(refused.status, 422u);
        QCOMPARE(count_files(w->evidence_directory()), std::size_t{1});
        // The same request again is the same evidence, kept once.
        QCOMPARE(w->add_checkpoint(r.to_text()).status, 422u);
        QCOMPARE(count_files(w->evidence_directory()), std::size_t{1});
        // A proof from 0 must be empty.
        r.old_size = 0;
        QCOMPARE(w->add_checkpoint("old 0\n" + psephos::to_base64(r.proof[1].span()) + "\n\n" +
                                   log.note(9))
                     .status,
                 409u);  // the held size is 4: the conflict comes first
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{4});
    }

    void refuses_a_nonempty_proof_from_zero_and_a_bad_empty_root() {
        TestLog log(origin, key_from_byte(1), "a", 4);
        auto w = open_witness(log);
        const auto one = log.proof(2, 4);
        QCOMPARE(
            w->add_checkpoint("old 0\n" + psephos::to_base64(one[0].span()) + "\n\n" + log.note(4))
                .status,
            422u);
        psephos::election::Checkpoint empty = log.checkpoint(0);
        empty.root.bytes[0] ^= 1;
        const std::string note =
            psephos::election::sign_note(empty.to_text(), origin, log.key).value();
        QCOMPARE(w->add_checkpoint("old 0\n\n" + note).status, 422u);
        expect_cosigned(*w, w->add_checkpoint(log.body(0, 0)), log.note(0));
    }

    // A log that signs two checkpoints of one size (a split view): the second is refused, and
    // the evidence file holds both signed notes.
    void refuses_a_fork_and_keeps_both_notes() {
        TestLog log(origin, key_from_byte(1), "a", 6);
        TestLog fork(origin, key_from_byte(1), "b", 6);
        auto w = open_witness(log);
        QCOMPARE(w->add_checkpoint(log.body(0, 6)).status, 200u);
        const auto r = w->add_checkpoint(fork.body(6, 6));
        QCOMPARE(r.status, 422u);
        QVERIFY(r.body.find("fork") != std::string::npos);
        QCOMPARE(count_files(w->evidence_directory()), std::size_t{1});
        const std::string evidence =
            read_text(fs::directory_iterator(w->evidence_directory())->path());
        QVERIFY(evidence.find(log.note(6)) != std::string::npos);
        QVERIFY(evidence.find(fork.note(6)) != std::string::npos);
        // A fork that grows: inconsistent with what is held, refused too.
        fork.grow(3);
        QCOMPARE(w->add_checkpoint(fork.body(6, 9)).status, 422u);
        QCOMPARE(count_files(w->evidence_directory()), std::size_t{2});
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{6});
    }

    // What was cosigned survives the process: a reopened witness holds the same size and still
    // refuses the fork.
    void remembers_across_a_restart() {
        TestLog log(origin, key_from_byte(1), "a", 7);
        TestLog fork(origin, key_from_byte(1), "b", 7);
        {
            auto w = open_witness(log);
            QCOMPARE(w->add_checkpoint(log.body(0, 7)).status, 200u);
        }
        auto w = open_witness(log);
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{7});
        QCOMPARE(w->add_checkpoint(fork.body(0, 7)).body, std::string("7\n"));
        QCOMPARE(w->add_checkpoint(fork.body(7, 7)).status, 422u);
        const auto latest = w->latest_checkpoint(origin_hash_hex(origin));
        QCOMPARE(latest.status, 200u);
        QVERIFY(psephos::election::open_note(latest.body, log.verifier()));
        QVERIFY(crypto::open_cosigned_note(latest.body, w->cosigner()));
        QCOMPARE(w->latest_checkpoint(origin_hash_hex("another")).status, 404u);
    }

    // Cosignature timestamps never go backwards, even if the clock does.
    void keeps_timestamps_monotonic() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        auto w = open_witness(log);
        const auto first = w->add_checkpoint(log.body(0, 2));
        now_ -= 100;
        const auto second = w->add_checkpoint(log.body(2, 3));
        const auto t1 = crypto::open_cosigned_note(log.note(2) + first.body, w->cosigner());
        const auto t2 = crypto::open_cosigned_note(log.note(3) + second.body, w->cosigner());
        QVERIFY(t1 && t2);
        QVERIFY(t2.value().timestamp >= t1.value().timestamp);
        now_ += 100;
    }

    // The extra lines a client sends (other cosigners, a line under the witness's own name) are
    // not kept: they could not be checked at the next start.
    void keeps_only_the_log_signature_and_its_own() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        std::string body = log.body(0, 3) + "\xE2\x80\x94 witness.test/w1 AAAAAAAA\n";
        {
            auto w = open_witness(log);
            QCOMPARE(w->add_checkpoint(body).status, 200u);
        }
        auto w = open_witness(log);  // would fail if the foreign line had been kept
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{3});
    }

    void refuses_to_start_on_a_damaged_state() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        const auto file =
            fs::path(dir_.path().toStdString()) / "state" / "checkpoints" / origin_hash_hex(origin);
        {
            auto w = open_witness(log);
            QCOMPARE(w->add_checkpoint(log.body(0, 3)).status, 200u);
        }
        std::string held = read_text(file);
        held[held.find('\n') + 1] = '9';  // the size line
        QVERIFY(crypto::replace_file(file, held, 0600));
        WitnessOptions o;
        o.state_directory = fs::path(dir_.path().toStdString()) / "state";
        o.name = "witness.test/w1";
        o.logs = {log.verifier()};
        const auto w = Witness::open(key_from_byte(7), std::move(o));
        QVERIFY(!w);
        QCOMPARE(w.error().code, ErrorCode::corrupted);
    }

    // If the new checkpoint cannot be kept, no cosignature leaves the witness.
    void answers_500_without_cosigning_when_the_write_fails() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        auto w = open_witness(log);
        const auto file =
            fs::path(dir_.path().toStdString()) / "state" / "checkpoints" / origin_hash_hex(origin);
        fs::create_directory(file);  // rename(2) cannot replace a directory
        const auto r = w->add_checkpoint(log.body(0, 3));
        QCOMPARE(r.status, 500u);
        QVERIFY(r.body.find("\xE2\x80\x94") == std::string::npos);
        QCOMPARE(w->held_size(origin).value(), std::uint64_t{0});
        fs::remove(file);
        QCOMPARE(w->add_checkpoint(log.body(0, 3)).status, 200u);
    }

    void refuses_a_log_configured_twice() {
        TestLog log(origin, key_from_byte(1), "a", 3);
        WitnessOptions o;
        o.state_directory = fs::path(dir_.path().toStdString()) / "state";
        o.name = "witness.test/w1";
        o.logs = {log.verifier(), log.verifier()};
        QVERIFY(!Witness::open(key_from_byte(7), std::move(o)));
    }
};

QTEST_APPLESS_MAIN(TestWitness)
#include "tst_witness.moc"
