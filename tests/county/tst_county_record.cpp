// A county's election record (docs/election-record.md §3.9): the stations, their checkpoints of
// each district and the equivocation evidence the county kept (V32, V33), and the witnesses'
// cosignatures of the election log with a verifier's witness policy (V34). The attackers: a
// county that holds records its station never signed, one that frames a station with evidence
// that shows no equivocation or that the station never signed, a station checkpoint changed by
// one byte, a cosignature changed by one byte, and a record with one of two cosignatures
// against a 2-of-2 policy.
#include <QtTest>

#include "county_record_fixture.hpp"
#include "county_witnesses.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_client.hpp"
#include "psephos/witness/witness_server.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using test::cosigned;
using test::CountyRecord;
using test::witness_key;
namespace fs = std::filesystem;

using test::run_witness;
using test::RunningWitness;

namespace {

std::string failed(const verifier::VerifyReport& report) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.status != verifier::CheckStatus::passed)
            out += c.id + (c.scope.empty() ? "" : "[" + c.scope + "]") +
                   (c.failures.empty() ? ":" + c.note : "(" + c.failures[0] + ")") + " ";
    return out;
}

const verifier::CheckOutcome* check(const verifier::VerifyReport& report, const std::string& id,
                                    const std::string& scope = "") {
    for (const auto& c : report.checks)
        if (c.id == id && c.scope == scope) return &c;
    return nullptr;
}

}  // namespace

class CountyRecordTest : public QObject {
    Q_OBJECT

private slots:
    void a_county_record_names_its_stations_and_verifies() {
        CountyRecord c;
        const fs::path record = c.export_record(c.options());
        QVERIFY(fs::exists(record / "districts/d1/station-checkpoints.bin"));
        QVERIFY(fs::exists(record / "county/equivocations.bin"));
        const auto report = verifier::verify_election_record(record);
        QVERIFY2(report.passed(), failed(report).c_str());
        const auto* v32 = check(report, "V32", "d1");
        QVERIFY(v32);
        QVERIFY(v32->items_checked >= 3);  // one per push of d1
        QCOMPARE(check(report, "V32", "d2")->items_checked, std::uint64_t{1});
        QVERIFY(report.notices.empty());
    }

    void a_record_without_the_county_member_has_no_county_checks() {
        CountyRecord c;
        const auto report = verifier::verify_election_record(c.export_record({}));
        QVERIFY2(report.passed(), failed(report).c_str());
        QVERIFY(!check(report, "V32", "d1"));
        QVERIFY(!check(report, "V33"));
        QVERIFY(!check(report, "V34", "/election"));
    }

    void records_the_station_never_signed_are_caught() {
        CountyRecord c;
        // The county holds d1's records, but its record shows the station's checkpoints only up
        // to an earlier size: the records after it are the county's word alone.
        auto o = c.options();
        o.station_checkpoints["d1"].pop_back();
        const auto report = verifier::verify_election_record(c.export_record(o));
        QVERIFY(!report.passed());
        const auto* v32 = check(report, "V32", "d1");
        QVERIFY(v32 && v32->status == verifier::CheckStatus::failed);
        QVERIFY2(v32->failures[0].find("the records before the tally") != std::string::npos,
                 v32->failures[0].c_str());
    }

    void a_station_checkpoint_changed_by_one_byte_is_caught() {
        CountyRecord c;
        const fs::path record = c.export_record(c.options());
        const std::string file = "districts/d1/station-checkpoints.bin";
        auto frames = test::frames_of(test::read_bytes(record / file));
        QVERIFY(!frames.empty());
        // A byte of the root's base64 in the last note (line 3).
        Bytes& note = frames.back();
        const std::string text(note.begin(), note.end());
        const std::size_t root = text.find('\n', text.find('\n') + 1) + 1;
        note[root + 5] = note[root + 5] == 'A' ? 'B' : 'A';
        test::write_bytes(record / file, test::file_of(frames));
        test::redo_file_hash(record, file);
        const auto report = verifier::verify_election_record(record);
        const auto* v32 = check(report, "V32", "d1");
        QVERIFY(v32 && v32->status == verifier::CheckStatus::failed);
        QVERIFY(!report.passed());
    }

    void a_stations_equivocation_is_kept_and_reported_as_proven() {
        CountyRecord c;
        c.fork_d1();
        const auto o = c.options();
        QCOMPARE(o.equivocations.size(), std::size_t{1});
        const auto report = verifier::verify_election_record(c.export_record(o));
        QVERIFY2(report.passed(), failed(report).c_str());
        QCOMPARE(check(report, "V33")->items_checked, std::uint64_t{1});
        QCOMPARE(report.notices.size(), std::size_t{1});
        QVERIFY2(report.notices[0].find("equivocation (proven): station 'station-1' in "
                                        "district 'd1'") != std::string::npos,
                 report.notices[0].c_str());
    }

    // Issue 22's station double: a station that signs a second checkpoint of d1 at the size both
    // witnesses cosigned (its last ballot replaced) is refused by both witnesses and by the
    // county, and the county's record carries the evidence, reported as proven.
    void a_forking_station_is_refused_by_both_witnesses_and_the_county_and_the_record_shows_it() {
        CountyRecord c;
        const auto honest = c.f.station->status("d1").value();
        std::vector<RunningWitness> witnesses;
        std::vector<station::WitnessEndpoint> endpoints;
        for (const int i : {1, 2}) {
            witnesses.push_back(run_witness(c.f.root(), i, honest.verifier));
            endpoints.push_back(
                {"127.0.0.1", witnesses.back().server->port(), witnesses.back().core->cosigner()});
        }
        station::WitnessSubmitter submitter(*c.f.station, {"d1"}, endpoints,
                                            c.f.root() / "station-cosignatures");
        const auto problems = submitter.submit_once();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        for (std::size_t w = 0; w < endpoints.size(); ++w)
            QCOMPARE(submitter.cosigned_size(w, "d1"), honest.size);

        auto leaves = c.f.records("d1", 0, honest.size - 1);
        leaves.push_back(election::encode_ballot(c.f.scenario.next_ballot(0, 7).ballot));
        const std::string fork = c.f.forged_note("d1", leaves);
        for (const auto& endpoint : endpoints) {
            const witness::WitnessClient client(endpoint.host, endpoint.port, endpoint.key);
            const auto answer = client.submit(fork, honest.size, [](std::uint64_t) {
                return Result<std::vector<Hash32>>(std::vector<Hash32>{});
            });
            QVERIFY(!answer);
            QVERIFY2(answer.error().message.find("422") != std::string::npos,
                     answer.error().message.c_str());
        }
        const auto refused =
            c.county->push("station-1", "d1", honest.size - 1, {leaves.back()}, fork, {});
        QVERIFY(refused.equivocation);
        QCOMPARE(c.f.county_ledger->status("d1")->root, honest.root);

        const auto report = verifier::verify_election_record(c.export_record(c.options()));
        QVERIFY2(report.passed(), failed(report).c_str());
        QCOMPARE(report.notices.size(), std::size_t{1});
        QVERIFY2(report.notices[0].find("equivocation (proven)") != std::string::npos,
                 report.notices[0].c_str());
    }

    void evidence_that_shows_no_equivocation_fails() {
        CountyRecord c;
        // A county framing its station: "evidence" whose two notes are both the station's honest
        // checkpoints.
        auto o = c.options();
        const auto& notes = o.station_checkpoints["d1"];
        o.equivocations.push_back({"station-1", "d1", "framed", notes.front(), notes.back()});
        const auto report = verifier::verify_election_record(c.export_record(o));
        const auto* v33 = check(report, "V33");
        QVERIFY(v33 && v33->status == verifier::CheckStatus::failed);
        QVERIFY2(v33->failures[0].find("no equivocation") != std::string::npos,
                 v33->failures[0].c_str());
    }

    void evidence_the_station_never_signed_fails() {
        CountyRecord c;
        c.fork_d1();
        auto o = c.options();
        // The presented note re-signed by a key that is not the station's.
        auto& e = o.equivocations.at(0);
        const std::string text = e.presented_note.substr(0, e.presented_note.find("\n\n") + 1);
        const std::string origin = c.f.station->status("d1")->origin;
        e.presented_note =
            election::sign_note(text, origin,
                                ledger::LedgerKey(test::seeded_key(0x77)).derive_log_key(origin))
                .value();
        const auto report = verifier::verify_election_record(c.export_record(o));
        const auto* v33 = check(report, "V33");
        QVERIFY(v33 && v33->status == verifier::CheckStatus::failed);
        QVERIFY2(v33->failures[0].find("presented note is not the station's") != std::string::npos,
                 v33->failures[0].c_str());
        QVERIFY(report.notices.empty());
    }

    void evidence_changed_by_one_byte_fails() {
        CountyRecord c;
        c.fork_d1();
        const fs::path record = c.export_record(c.options());
        const std::string file = "county/equivocations.bin";
        auto frames = test::frames_of(test::read_bytes(record / file));
        QCOMPARE(frames.size(), std::size_t{1});
        // A byte of the presented note's signature (the frame's last base64 characters).
        Bytes& e = frames[0];
        e[e.size() - 4] = e[e.size() - 4] == 'A' ? 'B' : 'A';
        test::write_bytes(record / file, test::file_of(frames));
        test::redo_file_hash(record, file);
        const auto report = verifier::verify_election_record(record);
        QVERIFY(check(report, "V33")->status == verifier::CheckStatus::failed);
    }

    void a_two_of_two_witness_policy_needs_both_cosignatures() {
        CountyRecord c;
        const auto w1 = witness_key(0xA1, "witness.example/one");
        const auto w2 = witness_key(0xA2, "witness.example/two");
        auto o = c.options();
        o.witnesses = std::vector{w1, w2};
        o.election_cosignatures = {cosigned(*c.f.county_ledger, 0xA1, w1.name),
                                   cosigned(*c.f.county_ledger, 0xA2, w2.name)};
        const fs::path both = c.export_record(o, "both");
        o.election_cosignatures.pop_back();
        const fs::path one = c.export_record(o, "one");

        verifier::VerifyOptions two_of_two;
        two_of_two.witness_policy = crypto::WitnessPolicy::make({w1, w2}, 2).value();
        auto report = verifier::verify_election_record(both, two_of_two);
        QVERIFY2(report.passed(), failed(report).c_str());
        QCOMPARE(check(report, "V34", "/election")->items_checked, std::uint64_t{2});

        report = verifier::verify_election_record(one, two_of_two);
        const auto* v34 = check(report, "V34", "/election");
        QVERIFY(v34 && v34->status == verifier::CheckStatus::failed);
        QVERIFY2(v34->failures[0].find("witness.example/two") != std::string::npos,
                 v34->failures[0].c_str());
        // Without a policy the one cosignature is checked and passes; 1 of 2 passes too.
        QVERIFY(verifier::verify_election_record(one).passed());
        verifier::VerifyOptions one_of_two;
        one_of_two.witness_policy = crypto::WitnessPolicy::make({w1, w2}, 1).value();
        QVERIFY(verifier::verify_election_record(one, one_of_two).passed());
        // A policy and no cosignatures at all.
        report = verifier::verify_election_record(c.export_record(c.options(), "none"), one_of_two);
        QVERIFY(check(report, "V34", "/election")->status == verifier::CheckStatus::failed);
    }

    void a_cosignature_changed_by_one_byte_fails() {
        CountyRecord c;
        const auto w1 = witness_key(0xA1, "witness.example/one");
        auto o = c.options();
        o.witnesses = std::vector{w1};
        o.election_cosignatures = {cosigned(*c.f.county_ledger, 0xA1, w1.name)};
        const fs::path record = c.export_record(o);
        const std::string file = "election/cosignatures.bin";
        auto frames = test::frames_of(test::read_bytes(record / file));
        QCOMPARE(frames.size(), std::size_t{1});
        Bytes& note = frames[0];
        note[note.size() - 5] = note[note.size() - 5] == 'A' ? 'B' : 'A';
        test::write_bytes(record / file, test::file_of(frames));
        test::redo_file_hash(record, file);
        const auto report = verifier::verify_election_record(record);
        const auto* v34 = check(report, "V34", "/election");
        QVERIFY(v34 && v34->status == verifier::CheckStatus::failed);
        QVERIFY(v34->failures[0].find("witness.example/one") != std::string::npos);
    }

    void the_export_refuses_a_cosignature_of_another_text() {
        CountyRecord c;
        const auto w1 = witness_key(0xA1, "witness.example/one");
        auto o = c.options();
        o.witnesses = std::vector{w1};
        // A checkpoint of the county's size with another root, cosigned by the witness.
        const auto status = c.f.county_ledger->status(ledger::election_log_name).value();
        const election::Checkpoint other{status.origin, status.size, Hash32{}, {}};
        o.election_cosignatures = {
            other.to_text() + "\n" +
            crypto::cosign_checkpoint(other.to_text(), w1.name, test::seeded_key(0xA1), 5).value()};
        auto written =
            record::export_election_record(*c.f.county_ledger, c.f.root() / "refused", o);
        QVERIFY(!written);
        QVERIFY2(written.error().message.find("another text") != std::string::npos,
                 written.error().message.c_str());
        QVERIFY(!fs::exists(c.f.root() / "refused"));
    }
};

QTEST_GUILESS_MAIN(CountyRecordTest)
#include "tst_county_record.moc"
