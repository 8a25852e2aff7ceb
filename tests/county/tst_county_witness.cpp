// The county's election log and the witnesses (docs/witness.md §8, docs/county.md §7): a county
// ledger that took a station's pushes, a WitnessSubmitter of its election log and two real
// witnesses over 127.0.0.1. Both cosign the election log's newest checkpoint and its growth after
// the next push, the cosigned notes kept as DIR/<hex SHA-256 of the witness name>/_election.note
// (never an absolute path), and a witness refuses an election checkpoint of a forked county (the
// same county key, the pushes in another order) that is not consistent with the one it cosigned.
#include <QtTest>

#include <filesystem>

#include "county_fixture.hpp"
#include "county_witnesses.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_server.hpp"

using namespace psephos;
using psephos::station::WitnessEndpoint;
using psephos::station::WitnessSubmitter;
using test::CountyFixture;

using test::run_witness;
using test::RunningWitness;

namespace {

// The station's district records [from, to) pushed with the station's checkpoint of size `to`.
county::PushAnswer push(CountyFixture& f, county::County& county, const std::string& district,
                        std::uint64_t from, std::uint64_t to, const std::string& note) {
    std::vector<Hash32> proof;
    if (from > 0) proof = f.station->prove_consistency(district, from, to).value();
    return county.push("station-1", district, from, f.records(district, from, to), note, proof);
}

std::string file_text(const std::filesystem::path& path) {
    const Bytes bytes = crypto::read_public_file(path, 1 << 20).value();
    return {bytes.begin(), bytes.end()};
}

}  // namespace

class TestCountyWitness : public QObject {
    Q_OBJECT

private slots:
    void the_cosigned_note_of_the_election_log_stays_in_its_directory() {
        const std::filesystem::path dir = "/var/lib/county/cosignatures";
        const auto election = station::cosigned_note_path(dir, "w.example/1", "/election");
        const auto district = station::cosigned_note_path(dir, "w.example/1", "ward-1");
        QCOMPARE(election.filename().string(), std::string("_election.note"));
        QCOMPARE(district.filename().string(), std::string("ward-1.note"));
        QCOMPARE(election.parent_path(), district.parent_path());
        QCOMPARE(election.parent_path().parent_path(), dir);
        // No log name leaves the witness's folder.
        QCOMPARE(station::cosigned_note_path(dir, "w.example/1", "/events").parent_path(),
                 district.parent_path());
    }

    void both_witnesses_cosign_the_county_election_log_and_refuse_a_fork() {
        CountyFixture f;
        auto county = f.open_county();
        const auto election_log = f.county_ledger->status(ledger::election_log_name).value();
        auto w1 = run_witness(f.root(), 1, election_log.verifier);
        auto w2 = run_witness(f.root(), 2, election_log.verifier);
        const std::filesystem::path kept = f.root() / "cosignatures";
        const std::vector<std::string> logs{std::string(ledger::election_log_name)};
        WitnessSubmitter submitter(*f.county_ledger, logs, {w1.endpoint, w2.endpoint}, kept);

        const auto station_d1 = f.station->status("d1").value();
        QVERIFY(!push(f, *county, "d1", 0, station_d1.size, station_d1.signed_checkpoint).refusal);
        auto problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        auto status = f.county_ledger->status(ledger::election_log_name).value();
        QCOMPARE(status.size, std::uint64_t{1});
        for (std::size_t w = 0; w < 2; ++w) {
            const RunningWitness& witness = w == 0 ? w1 : w2;
            QCOMPARE(submitter.cosigned_size(w, logs.front()), status.size);
            const auto path =
                station::cosigned_note_path(kept, witness.endpoint.key.name, logs.front());
            QCOMPARE(submitter.cosigned_note_path(w, logs.front()), path);
            QVERIFY(path.string().rfind(kept.string(), 0) == 0);
            const std::string note = file_text(path);
            QVERIFY(election::open_note(note, status.verifier));
            const auto cosigned = crypto::open_cosigned_note(note, witness.endpoint.key);
            QVERIFY2(cosigned, cosigned ? "" : cosigned.error().message.c_str());
            QCOMPARE(witness.core->held_size(status.origin).value(), status.size);
        }

        // The next push grows the election log; its growth is cosigned with the ledger's proof.
        const auto station_d2 = f.station->status("d2").value();
        QVERIFY(!push(f, *county, "d2", 0, station_d2.size, station_d2.signed_checkpoint).refusal);
        problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        status = f.county_ledger->status(ledger::election_log_name).value();
        QCOMPARE(status.size, std::uint64_t{2});
        QCOMPARE(w1.core->held_size(status.origin).value(), status.size);
        QCOMPARE(w2.core->held_size(status.origin).value(), status.size);
        const std::string cosigned_note = file_text(submitter.cosigned_note_path(0, logs.front()));
        QVERIFY(cosigned_note.rfind(status.signed_checkpoint, 0) == 0);

        // A fork: a county ledger with the same key that took d1 in pieces, then d2. Its
        // election log of size 3 is not an extension of the size 2 the witnesses cosigned.
        auto fork_ledger = test::make_ledger(f.scenario, f.root() / "county-fork",
                                             ledger::LedgerKey(test::seeded_key(0xCC)));
        {
            county::CountyOptions options;
            options.stations = {f.trust()};
            options.state_directory = f.root() / "fork-state";
            auto fork = county::County::open(*fork_ledger, std::move(options)).value();
            const auto first = f.station->checkpoints("d1").value().front();
            QVERIFY(!push(f, *fork, "d1", 0, first.first, first.second).refusal);
            QVERIFY(
                !push(f, *fork, "d1", first.first, station_d1.size, station_d1.signed_checkpoint)
                     .refusal);
            QVERIFY(
                !push(f, *fork, "d2", 0, station_d2.size, station_d2.signed_checkpoint).refusal);
        }
        const auto forked = fork_ledger->status(ledger::election_log_name).value();
        QCOMPARE(forked.size, std::uint64_t{3});
        QCOMPARE(forked.verifier.to_text(), status.verifier.to_text());
        // The fork's submitter takes up the sizes from the notes the honest one kept (same key,
        // so they check) and submits size 3 with the fork's proof from 2: refused by both.
        WitnessSubmitter fork_submitter(*fork_ledger, logs, {w1.endpoint, w2.endpoint}, kept);
        QCOMPARE(fork_submitter.cosigned_size(0, logs.front()), std::uint64_t{2});
        problems = fork_submitter.submit_once();
        QCOMPARE(problems.size(), std::size_t{2});
        QVERIFY2(problems.front().find("witness.test/w1") != std::string::npos,
                 problems.front().c_str());
        for (const auto& problem : problems)
            QVERIFY2(
                problem.rfind("the election log: ", 0) == 0 &&
                    problem.find("not consistent with the checkpoint held") != std::string::npos,
                problem.c_str());
        QCOMPARE(w1.core->held_size(status.origin).value(), std::uint64_t{2});
        QCOMPARE(w2.core->held_size(status.origin).value(), std::uint64_t{2});
        QCOMPARE(fork_submitter.cosigned_size(1, logs.front()), std::uint64_t{2});
        // The honest county's cosigned note stays as it was.
        QCOMPARE(file_text(submitter.cosigned_note_path(0, logs.front())), cosigned_note);
    }
};

QTEST_GUILESS_MAIN(TestCountyWitness)
#include "tst_county_witness.moc"
