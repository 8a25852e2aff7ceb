// The kiosk's non-GUI parts: the voter's ballot (vote-for-N, undervotes, wiping), the poll
// worker's passphrase and its rate limit, KioskStation against a real ledger on disk, and the
// commit before the choice played against a lying kiosk.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include "kiosk_fixture.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/challenge_audit.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"
#include "psephos/kiosk/voter_session.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/testing/storage_faults.hpp"

using namespace psephos;
using kiosk::MarkOutcome;

namespace {

const std::filesystem::path small_sample = PSEPHOS_SAMPLES_DIR "/small-election.json";

// The station's flow for one voter: seal (the code is shown), then the voter's choice.
Result<kiosk::CastReceipt> seal_and_cast(kiosk::KioskStation& station,
                                         const election::BallotMarks& marks) {
    if (auto sealed = station.seal(marks); !sealed) return sealed.error();
    return station.cast();
}
Result<kiosk::ChallengeReport> seal_and_challenge(kiosk::KioskStation& station,
                                                  const election::BallotMarks& marks) {
    if (auto sealed = station.seal(marks); !sealed) return sealed.error();
    return station.challenge();
}

// A dishonest kiosk (the attacker of docs/threat-model.md, "kiosk"): it wants to record other
// marks than the voter's. It must seal before the voter chooses, so it seals a ballot for the
// marks it wants; if the voter challenges, it can open what it sealed, or seal the voter's true
// marks afresh and open that. Either way it is the same software and keys as an honest kiosk.
class LyingKiosk {
public:
    LyingKiosk(const election::ElectionContext& election,
               const crypto::Ed25519SigningKey& device_key, std::string district,
               std::string device_id)
        : election_(election),
          device_key_(device_key),
          district_(std::move(district)),
          device_id_(std::move(device_id)),
          head_(election::initial_tracking_code(election.base_hash, device_id_)) {}

    // Shows the code of a ballot for `wanted`, whatever the voter marked.
    std::string seal(const election::BallotMarks& wanted) {
        sealed_.emplace(encrypt(wanted, "sealed"));
        return election::format_tracking_code(sealed_->tracking_code);
    }
    election::ChallengedBallot open_what_was_sealed() {
        return election::challenge_ballot(std::move(*sealed_));
    }
    election::ChallengedBallot open_a_fresh_honest_ballot(const election::BallotMarks& voter) {
        return election::challenge_ballot(encrypt(voter, "fresh"));
    }

private:
    election::PreparedBallot encrypt(const election::BallotMarks& marks, const std::string& id) {
        const election::BallotRequest request{id, device_id_, district_, 1'793'800'000, head_};
        auto prepared = election::encrypt_ballot(election_, request, marks, device_key_);
        if (!prepared) throw std::runtime_error(prepared.error().message);
        return std::move(prepared).value();
    }

    const election::ElectionContext& election_;
    const crypto::Ed25519SigningKey& device_key_;
    std::string district_;
    std::string device_id_;
    Hash32 head_;
    std::optional<election::PreparedBallot> sealed_;
};

}  // namespace

class TestStation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_fixture = std::make_unique<test::KioskFixture>(m_dir.path().toStdString(), small_sample,
                                                         "ward-1");
    }

    void voter_session_enforces_vote_for() {
        auto station = kiosk::KioskStation::open(m_fixture->config());
        QVERIFY2(station, station ? "" : station.error().message.c_str());
        kiosk::VoterSession session(station.value()->election(), "ward-1");
        QCOMPARE(session.contest_count(), std::size_t{3});
        QCOMPARE(session.contest(0).id, std::string("mayor"));
        // Vote for 1: a second choice switches the mark.
        QCOMPARE(session.toggle(0, 0), MarkOutcome::marked);
        QCOMPARE(session.toggle(0, 2), MarkOutcome::switched);
        QVERIFY(!session.is_marked(0, 0));
        QVERIFY(session.is_marked(0, 2));
        QCOMPARE(session.toggle(0, 2), MarkOutcome::unmarked);
        QCOMPARE(session.marked_count(0), std::size_t{0});
        // Vote for up to 2: the third is refused and nothing changes.
        QCOMPARE(session.toggle(1, 0), MarkOutcome::marked);
        QVERIFY(session.undervoted(1));
        QCOMPARE(session.toggle(1, 3), MarkOutcome::marked);
        QVERIFY(!session.undervoted(1));
        QCOMPARE(session.toggle(1, 1), MarkOutcome::refused_overvote);
        QVERIFY(!session.is_marked(1, 1));
        QCOMPARE(session.marked_count(1), std::size_t{2});
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, session.toggle(1, 4));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, session.toggle(3, 0));

        const election::BallotMarks marks = session.ballot_marks();
        QCOMPARE(marks.size(), std::size_t{3});
        QVERIFY(marks.at("mayor").empty());
        QCOMPARE(marks.at("city-council"),
                 (std::vector<std::string>{"amir-haddad", "nora-lindqvist"}));
        QVERIFY(marks.at("measure-1").empty());
        session.clear();
        QCOMPARE(session.marked_count(1), std::size_t{0});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 kiosk::VoterSession(station.value()->election(), "ward-9"));
    }

    void passphrase_file_round_trip_and_refusals() {
        const std::filesystem::path dir = m_dir.path().toStdString();
        const auto path = dir / "pw-1";
        QVERIFY(kiosk::write_poll_worker_passphrase_file(path, "a fine passphrase"));
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        auto hash = kiosk::read_poll_worker_passphrase_file(path);
        QVERIFY2(hash, hash ? "" : hash.error().message.c_str());
        QVERIFY(hash.value().starts_with("$argon2id$"));
        // Never replaces a file; refuses short passphrases.
        QVERIFY(!kiosk::write_poll_worker_passphrase_file(path, "another passphrase"));
        auto too_short = kiosk::write_poll_worker_passphrase_file(dir / "pw-2", "short");
        QVERIFY(!too_short);
        QVERIFY(too_short.error().message.find("8 to 256 bytes") != std::string::npos);
        QVERIFY(!std::filesystem::exists(dir / "pw-2"));
        // Readable by others: refused.
        QCOMPARE(::chmod(path.c_str(), 0644), 0);
        QVERIFY(!kiosk::read_poll_worker_passphrase_file(path));
        QCOMPARE(::chmod(path.c_str(), 0600), 0);
        // A changed header or a hash that is not one: refused, naming the file.
        const auto bad = dir / "pw-3";
        QVERIFY(crypto::write_new_file(
            bad, std::string_view("psephos-poll-worker-passphrase-v1 nonsense\n"), 0600));
        auto refused = kiosk::read_poll_worker_passphrase_file(bad);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find(bad.string()) != std::string::npos);
        const auto other = dir / "pw-4";
        QVERIFY(crypto::write_new_file(
            other, "psephos-poll-worker-passphrase-v2 " + hash.value() + "\n", 0600));
        QVERIFY(!kiosk::read_poll_worker_passphrase_file(other));
        // A genuine-looking hash whose cost parameters are not the writer's (4 GiB, 1000
        // passes): refused when read, before any unlock attempt could run it.
        std::string costly = hash.value();
        const std::size_t m = costly.find("m=65536,t=2,");
        QVERIFY2(m != std::string::npos, costly.c_str());
        costly.replace(m, 12, "m=4194304,t=1000,");
        const auto expensive = dir / "pw-5";
        QVERIFY(crypto::write_new_file(expensive,
                                       "psephos-poll-worker-passphrase-v1 " + costly + "\n", 0600));
        auto refused_cost = kiosk::read_poll_worker_passphrase_file(expensive);
        QVERIFY(!refused_cost);
        QVERIFY2(refused_cost.error().message.find("other cost parameters") != std::string::npos,
                 refused_cost.error().message.c_str());
    }

    void unlock_is_rate_limited() {
        auto hash = kiosk::read_poll_worker_passphrase_file(m_fixture->passphrase);
        QVERIFY(hash);
        auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
        kiosk::PollWorkerLock lock(hash.value(), [&] { return now; });
        QVERIFY(lock.try_unlock(test::poll_worker_passphrase).unlocked);
        // Three free wrong guesses, the third starts a 5 s lock.
        QCOMPARE(lock.try_unlock("wrong 1").wait_seconds, std::uint64_t{0});
        QCOMPARE(lock.try_unlock("wrong 2").wait_seconds, std::uint64_t{0});
        QCOMPARE(lock.try_unlock("wrong 3").wait_seconds, std::uint64_t{5});
        // During the lock even the right passphrase is refused unchecked.
        auto during = lock.try_unlock(test::poll_worker_passphrase);
        QVERIFY(!during.unlocked);
        QCOMPARE(during.wait_seconds, std::uint64_t{5});
        QCOMPARE(lock.consecutive_failures(), 3u);
        now += std::chrono::seconds(5);
        // The next wrong guess doubles the delay.
        QCOMPARE(lock.try_unlock("wrong 4").wait_seconds, std::uint64_t{10});
        now += std::chrono::seconds(10);
        QCOMPARE(lock.try_unlock("wrong 5").wait_seconds, std::uint64_t{20});
        for (int i = 0; i < 12; ++i) {
            now += std::chrono::seconds(400);
            lock.try_unlock("wrong again");
        }
        QCOMPARE(lock.seconds_locked_out(), std::uint64_t{300});  // capped at 5 minutes
        now += std::chrono::seconds(300);
        QVERIFY(lock.try_unlock(test::poll_worker_passphrase).unlocked);
        QCOMPARE(lock.consecutive_failures(), 0u);
        kiosk::PollWorkerLock empty("", [&] { return now; });
        QVERIFY(!empty.try_unlock("").unlocked);
    }

    // The count of wrong guesses kept in a state file: a second lock on the same file (a
    // restarted kiosk) is locked at once; an attempt that cannot be counted is not checked.
    void unlock_failures_survive_a_restart() {
        auto hash = kiosk::read_poll_worker_passphrase_file(m_fixture->passphrase);
        QVERIFY(hash);
        QTemporaryDir dir;
        const std::filesystem::path state = std::filesystem::path(dir.path().toStdString()) / "s";
        auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
        {
            kiosk::PollWorkerLock lock(hash.value(), [&] { return now; });
            QVERIFY(lock.keep_failures_in(state));  // no file yet: none counted
            QCOMPARE(lock.consecutive_failures(), 0u);
            QCOMPARE(lock.try_unlock("wrong 1").wait_seconds, std::uint64_t{0});
            QCOMPARE(lock.try_unlock("wrong 2").wait_seconds, std::uint64_t{0});
        }
        {
            // Restarted after two: one free guess left, then a 5 s lock.
            kiosk::PollWorkerLock lock(hash.value(), [&] { return now; });
            QVERIFY(lock.keep_failures_in(state));
            QCOMPARE(lock.consecutive_failures(), 2u);
            QCOMPARE(lock.seconds_locked_out(), std::uint64_t{0});
            QCOMPARE(lock.try_unlock("wrong 3").wait_seconds, std::uint64_t{5});
            now += std::chrono::seconds(5);
            QCOMPARE(lock.try_unlock("wrong 4").wait_seconds, std::uint64_t{10});
        }
        // Restarted during the lock: locked again for the whole delay of four failures.
        kiosk::PollWorkerLock lock(hash.value(), [&] { return now; });
        QVERIFY(lock.keep_failures_in(state));
        QCOMPARE(lock.consecutive_failures(), 4u);
        QCOMPARE(lock.seconds_locked_out(), std::uint64_t{10});
        QVERIFY(!lock.try_unlock(test::poll_worker_passphrase).unlocked);
        now += std::chrono::seconds(10);
        // The state file's directory is gone: the attempt is not counted, so not checked either.
        const std::filesystem::path moved = state.parent_path().string() + "-moved";
        std::filesystem::rename(state.parent_path(), moved);
        const auto uncounted = lock.try_unlock(test::poll_worker_passphrase);
        QVERIFY(!uncounted.unlocked);
        QVERIFY2(uncounted.error.find(state.string()) != std::string::npos,
                 uncounted.error.c_str());
        std::filesystem::rename(moved, state.parent_path());
        QVERIFY(lock.try_unlock(test::poll_worker_passphrase).unlocked);
        kiosk::PollWorkerLock after(hash.value(), [&] { return now; });
        QVERIFY(after.keep_failures_in(state));
        QCOMPARE(after.consecutive_failures(), 0u);
        // A file that is not a count is refused by name; the lock keeps its own count.
        std::filesystem::remove(state);
        QVERIFY(crypto::write_new_file(state, std::string_view("4\n"), 0600));
        kiosk::PollWorkerLock refused(hash.value(), [&] { return now; });
        auto read = refused.keep_failures_in(state);
        QVERIFY(!read);
        QVERIFY(read.error().message.find(state.string()) != std::string::npos);
    }

    void station_refuses_what_does_not_belong() {
        kiosk::KioskConfig c = m_fixture->config();
        c.district_id = "ward-9";
        auto wrong_district = kiosk::KioskStation::open(c);
        QVERIFY(!wrong_district);
        QVERIFY(wrong_district.error().message.find("no district 'ward-9'") != std::string::npos);
        c = m_fixture->config();
        c.device_id = "kiosk-2";
        auto unregistered = kiosk::KioskStation::open(c);
        QVERIFY(!unregistered);
        QVERIFY(unregistered.error().message.find("'kiosk-2' is not registered") !=
                std::string::npos);
        c = m_fixture->config();
        c.district_id = "ward-2";  // registered in ward-1 only
        QVERIFY(!kiosk::KioskStation::open(c));
        c = m_fixture->config();
        c.election = small_sample;  // not finalized
        auto unfinalized = kiosk::KioskStation::open(c);
        QVERIFY(!unfinalized);
        QVERIFY(unfinalized.error().message.find("not finalized") != std::string::npos);
        c = m_fixture->config();
        c.data = m_fixture->root / "nowhere";
        auto no_ledger = kiosk::KioskStation::open(c);
        QVERIFY(!no_ledger);
        QVERIFY(no_ledger.error().message.find("no ledger here") != std::string::npos);
        // One writer at a time: a second kiosk on the same ledger is told it is locked.
        auto first = kiosk::KioskStation::open(m_fixture->config());
        QVERIFY(first);
        auto second = kiosk::KioskStation::open(m_fixture->config());
        QVERIFY(!second);
        QVERIFY2(second.error().message.find("locked") != std::string::npos,
                 second.error().message.c_str());
    }

    void another_elections_manifest_is_refused() {
        QTemporaryDir other_dir;
        test::KioskFixture other(other_dir.path().toStdString(), small_sample, "ward-1");
        kiosk::KioskConfig c = m_fixture->config();
        c.election = other.manifest;  // same sample, another ceremony: another base hash
        auto refused = kiosk::KioskStation::open(c);
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().message.find("is not the election of the ledger") != std::string::npos,
            refused.error().message.c_str());
    }

    void polling_day_through_the_station() {
        auto opened = kiosk::KioskStation::open(m_fixture->config());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        kiosk::KioskStation& station = *opened.value();
        QCOMPARE(station.status().casting.polls, ledger::PollsStatus::not_opened);
        const election::BallotMarks marks{{"mayor", {"helen-park"}},
                                          {"city-council", {"amir-haddad", "claire-dubois"}},
                                          {"measure-1", {}}};
        // Polls not open: refused, nothing cast.
        auto early = seal_and_cast(station, marks);
        QVERIFY(!early);
        QVERIFY2(early.error().message.find("polls") != std::string::npos,
                 early.error().message.c_str());
        QCOMPARE(station.status().casting.ballots_cast, std::uint64_t{0});

        auto open = station.record_polls(election::PollsAction::opened, "poll worker at kiosk-1");
        QVERIFY2(open, open ? "" : open.error().message.c_str());
        QCOMPARE(station.status().casting.polls, ledger::PollsStatus::open);

        auto sealed = station.seal(marks);
        QVERIFY2(sealed, sealed ? "" : sealed.error().message.c_str());
        QVERIFY(station.sealed());
        auto cast = station.cast();
        QVERIFY2(cast, cast ? "" : cast.error().message.c_str());
        QCOMPARE(cast.value().tracking_code, sealed.value().tracking_code);
        QVERIFY(!station.sealed());  // cast: no longer held
        QCOMPARE(cast.value().tracking_code.size(), std::size_t{39});
        auto found = station.ledger().casting().find_tracking_code(cast.value().tracking_code_hash);
        QVERIFY(found);
        QVERIFY(!found->challenged);
        QCOMPARE(found->index, cast.value().receipt.index);
        // The stored ballot verifies under the device's key, from its bytes.
        auto stored = station.ledger().record("ward-1", found->index);
        QVERIFY(stored);
        auto ballot = election::decode_ballot(stored.value());
        QVERIFY(ballot);
        auto device = crypto::read_signing_key_file(m_fixture->device_key);
        QVERIFY(device);
        QVERIFY(election::verify_ballot(station.election(), device.value().public_key(),
                                        ballot.value()));
        QCOMPARE(election::format_tracking_code(
                     election::next_tracking_code(ballot.value().previous_tracking_code,
                                                  election::compute_ballot_hash(ballot.value()))),
                 cast.value().tracking_code);
        // The voter's receipt file: written for the printer, and it verifies on its own.
        QVERIFY2(cast.value().receipt_problem.empty(), cast.value().receipt_problem.c_str());
        QVERIFY(std::filesystem::exists(cast.value().receipt_file));
        auto receipt = election::voter_receipt_from_json(cast.value().receipt_json);
        QVERIFY2(receipt, receipt ? "" : receipt.error().message.c_str());
        QCOMPARE(receipt.value().index, found->index);
        QCOMPARE(receipt.value().tracking_code.to_hex(), cast.value().tracking_code_hash.to_hex());
        QCOMPARE(receipt.value().leaf_hash.to_hex(),
                 crypto::hash_merkle_leaf(stored.value()).to_hex());
        QVERIFY(election::verify_voter_receipt(receipt.value(), {}));

        // A challenge opens to exactly the marks, and chains after the cast ballot.
        auto challenged = seal_and_challenge(station, marks);
        QVERIFY2(challenged, challenged ? "" : challenged.error().message.c_str());
        QCOMPARE(challenged.value().opened.size(), std::size_t{3});
        QVERIFY(challenged.value().opened[0] == marks.at("mayor"));
        QVERIFY(challenged.value().opened[1] == marks.at("city-council"));
        QVERIFY(challenged.value().opened[2].empty());
        auto found_challenge =
            station.ledger().casting().find_tracking_code(challenged.value().tracking_code_hash);
        QVERIFY(found_challenge);
        QVERIFY(found_challenge->challenged);

        // An overvote never reaches the ledger.
        auto overvote = station.seal(
            {{"mayor", {"helen-park", "rosa-delgado"}}, {"city-council", {}}, {"measure-1", {}}});
        QVERIFY(!overvote);
        QVERIFY(!station.sealed());
        QVERIFY(!station.cast());  // nothing sealed, nothing to cast
        QCOMPARE(station.status().casting.ballots_cast, std::uint64_t{1});
        QCOMPARE(station.status().casting.ballots_challenged, std::uint64_t{1});

        // Pausing refuses ballots, but the sealed one is kept; resuming takes that same ballot,
        // still on the same chain.
        QVERIFY(station.record_polls(election::PollsAction::paused, "pw"));
        auto held = station.seal(marks);
        QVERIFY(held);
        QVERIFY(!station.cast());
        QVERIFY(station.sealed());
        QVERIFY(station.record_polls(election::PollsAction::resumed, "pw"));
        auto resumed = station.cast();
        QVERIFY2(resumed, resumed ? "" : resumed.error().message.c_str());
        QCOMPARE(resumed.value().tracking_code, held.value().tracking_code);
        auto close = station.record_polls(election::PollsAction::closed, "pw");
        QVERIFY2(close, close ? "" : close.error().message.c_str());
        const kiosk::StationStatus status = station.status();
        QCOMPARE(status.casting.polls, ledger::PollsStatus::closed);
        QCOMPARE(status.casting.ballots_cast, std::uint64_t{2});
        QCOMPARE(status.casting.ballots_challenged, std::uint64_t{1});
        QVERIFY(status.signed_checkpoint.find("/district/ward-1\n") != std::string::npos);
        auto record = station.ledger().record("ward-1", close.value().index);
        QVERIFY(record);
        auto polls = election::decode_polls_record(record.value());
        QVERIFY(polls);
        QCOMPARE(polls.value().ballots_cast, std::uint64_t{2});
        QCOMPARE(polls.value().ballots_challenged, std::uint64_t{1});
        QVERIFY(!seal_and_cast(station, marks));  // closed
        QVERIFY(!station.record_polls(election::PollsAction::opened, "pw"));
    }

    // A ballot whose write failed (docs/ledger.md §9) is not called cast, stops the station until
    // a restart, and is settled at the restart: looked up in the reopened ledger, the outcome in
    // the event log, the note removed; then voting goes on, chained after what the log holds.
    void a_failed_write_is_settled_at_the_next_start_data() {
        QTest::addColumn<int>("fault");
        QTest::newRow("disk full (append)")
            << static_cast<int>(ledger::testing::StorageFault::append);
        QTest::newRow("fsync fails") << static_cast<int>(ledger::testing::StorageFault::sync);
    }
    void a_failed_write_is_settled_at_the_next_start() {
        QFETCH(int, fault);
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        const std::filesystem::path note = fixture.data / "kiosk-unconfirmed-ballots";
        auto faults = std::make_shared<ledger::testing::StorageFaults>();
        kiosk::KioskConfig faulty = fixture.config();
        faulty.ledger_storage_faults = faults;
        const election::BallotMarks marks{
            {"mayor", {"rosa-delgado"}}, {"city-council", {"nora-lindqvist"}}, {"measure-1", {}}};
        std::string code;
        {
            auto opened = kiosk::KioskStation::open(faulty);
            QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
            kiosk::KioskStation& station = *opened.value();
            QVERIFY(station.recovered_outcomes().empty());
            QVERIFY(station.record_polls(election::PollsAction::opened, "pw"));
            QVERIFY(seal_and_cast(station, marks));

            faults->inject(static_cast<ledger::testing::StorageFault>(fault));
            auto failed = seal_and_cast(station, marks);
            QVERIFY(!failed);
            QCOMPARE(failed.error().code, ErrorCode::io_error);
            QVERIFY(station.unconfirmed_ballot());
            code = *station.unconfirmed_ballot();
            QVERIFY2(failed.error().message.find("could not confirm that it stored ballot " +
                                                 code) != std::string::npos,
                     failed.error().message.c_str());
            QVERIFY(std::filesystem::exists(note));

            // The disk is back, but nothing more is taken before a restart: a ballot cast now
            // could follow one the log may hold, and the closing counts are not known.
            faults->inject(ledger::testing::StorageFault::none);
            auto refused = seal_and_cast(station, marks);
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::refused);
            QVERIFY2(refused.error().message.find("restart the kiosk") != std::string::npos,
                     refused.error().message.c_str());
            QVERIFY(!seal_and_challenge(station, marks));
            QVERIFY(!station.record_polls(election::PollsAction::closed, "pw"));
        }

        auto reopened = kiosk::KioskStation::open(fixture.config());
        QVERIFY2(reopened, reopened ? "" : reopened.error().message.c_str());
        kiosk::KioskStation& station = *reopened.value();
        QCOMPARE(station.recovered_outcomes().size(), std::size_t{1});
        const kiosk::UnconfirmedOutcome& outcome = station.recovered_outcomes().front();
        QCOMPARE(outcome.tracking_code, code);
        const std::uint64_t cast = station.status().casting.ballots_cast;
        QVERIFY(cast == 1 || cast == 2);
        QCOMPARE(outcome.recorded, cast == 2);
        if (static_cast<ledger::testing::StorageFault>(fault) ==
            ledger::testing::StorageFault::append)
            QVERIFY2(!outcome.recorded, "a ballot whose append was refused cannot be in the log");
        if (outcome.recorded) {
            QCOMPARE(outcome.log, std::string("ward-1"));
            auto stored = station.ledger().record("ward-1", outcome.index);
            QVERIFY(stored);
            auto ballot = election::decode_ballot(stored.value());
            QVERIFY(ballot);
            QCOMPARE(election::format_tracking_code(election::next_tracking_code(
                         ballot.value().previous_tracking_code,
                         election::compute_ballot_hash(ballot.value()))),
                     code);
        }
        QVERIFY(!std::filesystem::exists(note));
        // The outcome is on record in the event log.
        const auto events = station.ledger().status(ledger::event_log_name);
        QVERIFY(events);
        bool logged = false;
        for (std::uint64_t i = 0; i < events.value().size && !logged; ++i) {
            auto event = election::decode_ledger_event(
                station.ledger().record(ledger::event_log_name, i).value());
            QVERIFY(event);
            logged =
                event.value().subject ==
                "ballot " + code + ", whose write failed before the restart, " +
                    (outcome.recorded ? "is recorded at record " + std::to_string(outcome.index)
                                      : std::string("is not recorded"));
        }
        QVERIFY(logged);
        // Voting goes on, on the chain the log holds.
        auto next = seal_and_cast(station, marks);
        QVERIFY2(next, next ? "" : next.error().message.c_str());
        QCOMPARE(station.status().casting.ballots_cast, cast + 1);
        QVERIFY(station.record_polls(election::PollsAction::closed, "pw"));
    }

    // Commit before the choice: the code shown before the choice is the code of the ballot then
    // cast or challenged; a new seal replaces an unchosen one; the voter's check of a challenged
    // ballot read back from the ledger passes, and fails on another code or other marks.
    void the_kiosk_commits_before_the_choice() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        auto opened = kiosk::KioskStation::open(fixture.config());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        kiosk::KioskStation& station = *opened.value();
        QVERIFY(station.record_polls(election::PollsAction::opened, "pw"));
        const election::BallotMarks marks{
            {"mayor", {"rosa-delgado"}}, {"city-council", {"nora-lindqvist"}}, {"measure-1", {}}};
        QVERIFY(!station.challenge());  // nothing sealed
        auto first = station.seal(marks);
        QVERIFY(first);
        auto second = station.seal(marks);  // the voter changed their mind: a new ballot
        QVERIFY(second);
        QVERIFY(first.value().tracking_code != second.value().tracking_code);
        auto report = station.challenge();
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QCOMPARE(report.value().tracking_code, second.value().tracking_code);
        QCOMPARE(station.status().casting.ballots_challenged, std::uint64_t{1});
        QVERIFY(!station.sealed());

        auto stored = station.ledger().record("ward-1", report.value().receipt.index);
        QVERIFY(stored);
        auto challenged = election::decode_challenged_ballot(stored.value());
        QVERIFY(challenged);
        auto device = crypto::read_signing_key_file(fixture.device_key);
        QVERIFY(device);
        const crypto::Ed25519PublicKey key = device.value().public_key();
        auto audited = election::audit_challenged_ballot(
            station.election(), key, challenged.value(), second.value().tracking_code, marks);
        QVERIFY2(audited, audited ? "" : audited.error().message.c_str());
        // The first (discarded) code is not this ballot's; other marks are not its contents.
        auto other_code = election::audit_challenged_ballot(
            station.election(), key, challenged.value(), first.value().tracking_code, marks);
        QVERIFY(!other_code);
        QVERIFY2(other_code.error().message.find("not the code shown before the choice") !=
                     std::string::npos,
                 other_code.error().message.c_str());
        election::BallotMarks other = marks;
        other["mayor"] = {"helen-park"};
        auto other_marks = election::audit_challenged_ballot(
            station.election(), key, challenged.value(), second.value().tracking_code, other);
        QVERIFY(!other_marks);
        QVERIFY2(other_marks.error().message.find("contest 'mayor'") != std::string::npos,
                 other_marks.error().message.c_str());
        QVERIFY(!election::audit_challenged_ballot(station.election(), key, challenged.value(),
                                                   "not a code", marks));
        QVERIFY(station.record_polls(election::PollsAction::closed, "pw"));
    }

    // The lying kiosk seals a ballot for other marks. Challenged, it is caught whichever way it
    // answers: opening what it sealed shows other marks; opening a fresh honest ballot shows
    // another tracking code than the one shown before the choice. (Casting instead would count
    // the lie, but the kiosk cannot know in advance which ballots will be challenged.)
    void a_lying_kiosk_is_caught_by_a_challenge() {
        QTemporaryDir dir;
        const test::KioskFixture fixture(dir.path().toStdString(), small_sample, "ward-1");
        auto opened = kiosk::KioskStation::open(fixture.config());
        QVERIFY(opened);
        const election::ElectionContext& election = opened.value()->election();
        auto device = crypto::read_signing_key_file(fixture.device_key);
        QVERIFY(device);
        const crypto::Ed25519PublicKey key = device.value().public_key();
        const election::BallotMarks voter{
            {"mayor", {"rosa-delgado"}}, {"city-council", {"nora-lindqvist"}}, {"measure-1", {}}};
        const election::BallotMarks wanted{
            {"mayor", {"helen-park"}}, {"city-council", {"nora-lindqvist"}}, {"measure-1", {}}};

        LyingKiosk liar(election, device.value(), "ward-1", fixture.device_id);
        const std::string shown = liar.seal(wanted);
        const election::ChallengedBallot as_sealed = liar.open_what_was_sealed();
        // The ballot itself is well formed: only the voter's comparison can catch the lie.
        QVERIFY(election::verify_challenged_ballot(election, key, as_sealed));
        auto caught = election::audit_challenged_ballot(election, key, as_sealed, shown, voter);
        QVERIFY(!caught);
        QVERIFY2(
            caught.error().message.find("contest 'mayor': the ballot encrypts 'helen-park', "
                                        "the voter marked 'rosa-delgado'") != std::string::npos,
            caught.error().message.c_str());

        LyingKiosk switcher(election, device.value(), "ward-1", fixture.device_id);
        const std::string shown_again = switcher.seal(wanted);
        const election::ChallengedBallot fresh = switcher.open_a_fresh_honest_ballot(voter);
        QVERIFY(election::verify_challenged_ballot(election, key, fresh));
        auto switched = election::audit_challenged_ballot(election, key, fresh, shown_again, voter);
        QVERIFY(!switched);
        QVERIFY2(switched.error().message.find("not the code shown before the choice") !=
                     std::string::npos,
                 switched.error().message.c_str());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::KioskFixture> m_fixture;
};

QTEST_GUILESS_MAIN(TestStation)
#include "tst_station.moc"
