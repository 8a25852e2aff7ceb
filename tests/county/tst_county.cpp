// The county's checks (docs/county.md §2–§3), County called directly: an honest station's
// records replayed through the county ledger's modules give the station's roots; a push the
// county already holds is answered with the size held; a station whose log holds a record the
// county's modules refuse, whose records do not make its checkpoint's root, or that signs two
// checkpoints of one size or one not consistent with the last, is refused, nothing written, and
// an equivocation's two notes kept as evidence.
#include <QtTest>

#include <cstdio>

#include "county_fixture.hpp"
#include "psephos/crypto/secure_file.hpp"

using namespace psephos;
using namespace psephos::county;
using test::CountyFixture;

namespace {

// The station's whole district pushed as one push.
PushAnswer push_all(CountyFixture& f, County& county, const std::string& district,
                    std::uint64_t from = 0) {
    const auto status = f.station->status(district).value();
    std::vector<Hash32> proof;
    if (from > 0) proof = f.station->prove_consistency(district, from, status.size).value();
    return county.push("station-1", district, from, f.records(district, from, status.size),
                       status.signed_checkpoint, proof);
}

std::string last_event_subject(const ledger::Ledger& ledger) {
    const auto n = ledger.status(ledger::event_log_name).value().size;
    return election::decode_ledger_event(ledger.record(ledger::event_log_name, n - 1).value())
        .value()
        .subject;
}

std::string file_text(const std::filesystem::path& path) {
    const Bytes bytes = crypto::read_public_file(path, 1 << 20).value();
    return {bytes.begin(), bytes.end()};
}

}  // namespace

class TestCounty : public QObject {
    Q_OBJECT

private slots:
    void an_honest_push_makes_the_county_root_the_stations() {
        CountyFixture f;
        auto county = f.open_county();
        for (const char* d : {"d1", "d2"}) {
            const auto answer = push_all(f, *county, d);
            QVERIFY2(!answer.refusal, answer.refusal ? answer.refusal->message.c_str() : "");
            const auto station = f.station->status(d).value();
            const auto held = f.county_ledger->status(d).value();
            QCOMPARE(answer.held, station.size);
            QCOMPARE(held.size, station.size);
            QVERIFY(held.root == station.root);
            // Re-validated, not copied: the county's own modules counted the ballots.
            QCOMPARE(f.county_ledger->casting().status(d == std::string("d1") ? 0 : 1).ballots_cast,
                     f.station->casting().status(d == std::string("d1") ? 0 : 1).ballots_cast);
        }
        // The county's election log took the districts in: one election root.
        QVERIFY(f.county_ledger->status(ledger::election_log_name).value().size > 0);
    }

    void a_push_in_pieces_ends_at_the_stations_checkpoints() {
        CountyFixture f;
        auto county = f.open_county();
        const auto notes = f.station->checkpoints("d1").value();
        QVERIFY(notes.size() >= 3);
        std::uint64_t held = 0;
        for (const auto& [size, note] : notes) {
            std::vector<Hash32> proof;
            if (held > 0) proof = f.station->prove_consistency("d1", held, size).value();
            const auto answer =
                county->push("station-1", "d1", held, f.records("d1", held, size), note, proof);
            QVERIFY2(!answer.refusal, answer.refusal ? answer.refusal->message.c_str() : "");
            QCOMPARE(answer.held, size);
            held = size;
        }
        QVERIFY(f.county_ledger->status("d1")->root == f.station->status("d1")->root);
    }

    void a_repush_is_answered_with_the_size_held_and_changes_nothing() {
        CountyFixture f;
        auto county = f.open_county();
        QVERIFY(!push_all(f, *county, "d1").refusal);
        const auto appended = f.county_ledger->statistics().records_appended;
        const auto held = f.county_ledger->status("d1")->size;
        // The whole log again, and an older piece of it.
        auto again = push_all(f, *county, "d1");
        QVERIFY(!again.refusal);
        QCOMPARE(again.held, held);
        const auto first = f.station->checkpoints("d1").value().front();
        again =
            county->push("station-1", "d1", 0, f.records("d1", 0, first.first), first.second, {});
        QVERIFY(!again.refusal);
        QCOMPARE(again.held, held);
        QCOMPARE(f.county_ledger->statistics().records_appended, appended);
        QVERIFY(county->evidence().empty());
    }

    void a_push_beyond_the_size_held_is_answered_with_it() {
        CountyFixture f;
        auto county = f.open_county();
        const auto notes = f.station->checkpoints("d1").value();
        // The second batch without the first: the county says where it stands.
        const auto answer = county->push(
            "station-1", "d1", notes[0].first, f.records("d1", notes[0].first, notes[1].first),
            notes[1].second,
            f.station->prove_consistency("d1", notes[0].first, notes[1].first).value());
        QVERIFY(!answer.refusal);
        QCOMPARE(answer.held, std::uint64_t{0});
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
    }

    void the_county_resumes_from_its_ledger_and_kept_notes_after_a_restart() {
        CountyFixture f;
        {
            auto county = f.open_county();
            const auto first = f.station->checkpoints("d1").value().front();
            QVERIFY(
                !county
                     ->push("station-1", "d1", 0, f.records("d1", 0, first.first), first.second, {})
                     .refusal);
        }
        auto county = f.open_county();
        const auto held = county->held("station-1", "d1").value();
        QVERIFY(held > 0);
        const auto answer = push_all(f, *county, "d1", held);
        QVERIFY2(!answer.refusal, answer.refusal ? answer.refusal->message.c_str() : "");
        QVERIFY(f.county_ledger->status("d1")->root == f.station->status("d1")->root);
        // The note of size `held` was kept and read back: another of that size is evidence.
        auto leaves = f.records("d1", 0, held - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        const auto forked = county->push("station-1", "d1", held - 1, {leaves.back()},
                                         f.forged_note("d1", leaves), {});
        QVERIFY(forked.equivocation);
        QVERIFY2(forked.refusal->message.find("two checkpoints of size") != std::string::npos,
                 forked.refusal->message.c_str());
    }

    // A county stopped between keeping a checkpoint and writing its records (the note is kept
    // first) finds the note beyond its log, ignores it, and takes the push again; a kept note
    // whose root is not the county's at its size stops the start.
    void a_kept_note_beyond_the_log_is_ignored_and_a_wrong_one_stops_the_start() {
        CountyFixture f;
        const auto notes = f.station->checkpoints("d1").value();
        const auto state = f.root() / "county-state" / "notes" / "d1";
        {
            auto county = f.open_county();
            QVERIFY(!county
                         ->push("station-1", "d1", 0, f.records("d1", 0, notes[0].first),
                                notes[0].second, {})
                         .refusal);
        }
        char name[32];
        std::snprintf(name, sizeof name, "%020llu.note",
                      static_cast<unsigned long long>(notes[1].first));
        QVERIFY(crypto::write_new_file(state / name, notes[1].second, 0644));
        {
            auto county = f.open_county();
            QCOMPARE(county->held("station-1", "d1").value(), notes[0].first);
            const auto answer = county->push(
                "station-1", "d1", notes[0].first, f.records("d1", notes[0].first, notes[1].first),
                notes[1].second,
                f.station->prove_consistency("d1", notes[0].first, notes[1].first).value());
            QVERIFY2(!answer.refusal, answer.refusal ? answer.refusal->message.c_str() : "");
            QCOMPARE(answer.held, notes[1].first);
        }
        // A note of a size the log has, with another root (signed by the station's key).
        std::snprintf(name, sizeof name, "%020llu.note",
                      static_cast<unsigned long long>(notes[0].first));
        std::filesystem::remove(state / name);
        auto leaves = f.records("d1", 0, notes[0].first - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        QVERIFY(crypto::write_new_file(state / name, f.forged_note("d1", leaves), 0644));
        county::CountyOptions options;
        options.stations = {f.trust()};
        options.state_directory = f.root() / "county-state";
        const auto opened = County::open(*f.county_ledger, options);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::corrupted);
        QVERIFY(opened.error().message.find("not the county's district root") != std::string::npos);
    }

    void a_record_the_county_refuses_is_refused_and_nothing_is_written() {
        CountyFixture f;
        auto county = f.open_county();
        QVERIFY(!push_all(f, *county, "d1").refusal);
        const auto before = f.county_ledger->status("d1").value();
        // A station that signed a log holding a ballot whose signature does not check.
        auto leaves = f.records("d1", 0, before.size);
        const Bytes good = election::encode_ballot(f.scenario.next_ballot(0, 1).ballot);
        Bytes bad = election::encode_ballot(f.scenario.next_ballot(0, 2).ballot);
        bad.back() ^= 0x01;  // the device signature's last byte
        const std::vector<Bytes> pushed{good, bad};
        leaves.insert(leaves.end(), pushed.begin(), pushed.end());
        const auto note = f.forged_note("d1", leaves);
        std::vector<Hash32> hashes;
        for (const Bytes& leaf : leaves) hashes.push_back(crypto::hash_merkle_leaf(leaf));
        const auto proof = crypto::prove_consistency(hashes, before.size).value();
        const auto answer = county->push("station-1", "d1", before.size, pushed, note, proof);
        QVERIFY(answer.refusal);
        QVERIFY(!answer.equivocation);
        QVERIFY2(answer.refusal->message.find("record 1 of 2") != std::string::npos,
                 answer.refusal->message.c_str());
        QVERIFY2(answer.refusal->message.find("signature") != std::string::npos,
                 answer.refusal->message.c_str());
        QCOMPARE(answer.held, before.size);
        // Nothing written, not even the good ballot before it; the refusal is in the event log.
        QCOMPARE(f.county_ledger->status("d1")->size, before.size);
        QVERIFY(f.county_ledger->status("d1")->root == before.root);
        QVERIFY(last_event_subject(*f.county_ledger).find("signature") != std::string::npos);
        QCOMPARE(county->held("station-1", "d1").value(), before.size);
        // The good ballot alone, under a note of its own, still goes in: its state was not kept.
        auto honest = f.records("d1", 0, before.size);
        honest.push_back(good);
        std::vector<Hash32> honest_hashes;
        for (const Bytes& leaf : honest) honest_hashes.push_back(crypto::hash_merkle_leaf(leaf));
        const auto retried =
            county->push("station-1", "d1", before.size, {good}, f.forged_note("d1", honest),
                         crypto::prove_consistency(honest_hashes, before.size).value());
        QVERIFY2(!retried.refusal, retried.refusal ? retried.refusal->message.c_str() : "");
        QCOMPARE(retried.held, before.size + 1);
    }

    void records_that_do_not_make_the_checkpoints_root_are_refused() {
        CountyFixture f;
        auto county = f.open_county();
        const auto status = f.station->status("d1").value();
        auto records = f.records("d1", 0, status.size);
        std::swap(records[2], records[3]);
        const auto answer =
            county->push("station-1", "d1", 0, records, status.signed_checkpoint, {});
        QVERIFY(answer.refusal);
        QVERIFY(!answer.equivocation);
        QVERIFY(answer.refusal->message.find("do not make the checkpoint's root") !=
                std::string::npos);
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
    }

    void a_checkpoint_not_signed_by_the_station_is_refused() {
        CountyFixture f;
        auto county = f.open_county();
        const auto status = f.station->status("d1").value();
        // The county's own ledger key signs the same checkpoint: not the station's key.
        const std::string origin = status.origin;
        const election::Checkpoint checkpoint{origin, status.size, status.root, {}};
        const auto other =
            election::sign_note(checkpoint.to_text(), origin,
                                ledger::LedgerKey(test::seeded_key(0xCC)).derive_log_key(origin));
        auto answer =
            county->push("station-1", "d1", 0, f.records("d1", 0, status.size), other.value(), {});
        QVERIFY(answer.refusal);
        QVERIFY(answer.refusal->message.find("checkpoint") != std::string::npos);
        // Another district's note for this district, and a district the station does not push.
        answer =
            county->push("station-1", "d1", 0, f.records("d2", 0, f.station->status("d2")->size),
                         f.station->status("d2")->signed_checkpoint, {});
        QVERIFY(answer.refusal);
        answer = county->push("station-2", "d1", 0, f.records("d1", 0, status.size),
                              status.signed_checkpoint, {});
        QVERIFY(answer.refusal);
        QCOMPARE(answer.refusal->code, ErrorCode::not_found);
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
        QVERIFY(county->evidence().empty());
    }

    void two_checkpoints_of_one_size_are_refused_and_both_kept() {
        CountyFixture f;
        auto county = f.open_county();
        QVERIFY(!push_all(f, *county, "d1").refusal);
        const auto held = f.county_ledger->status("d1").value();
        const std::string honest_note = f.station->status("d1")->signed_checkpoint;
        // The same size over other leaves: the last ballot replaced by another.
        auto leaves = f.records("d1", 0, held.size - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        const auto fork = f.forged_note("d1", leaves);
        const auto answer =
            county->push("station-1", "d1", held.size - 1, {leaves.back()}, fork, {});
        QVERIFY(answer.refusal);
        QVERIFY(answer.equivocation);
        QVERIFY(answer.refusal->message.find("two checkpoints of size") != std::string::npos);
        QCOMPARE(answer.held, held.size);
        QCOMPARE(f.county_ledger->status("d1")->size, held.size);
        // Both signed notes are in the evidence file, and the event log says so.
        QCOMPARE(county->evidence().size(), std::size_t{1});
        const std::string evidence = file_text(county->evidence().front());
        QVERIFY(evidence.find(honest_note) != std::string::npos);
        QVERIFY(evidence.find(fork) != std::string::npos);
        QVERIFY(last_event_subject(*f.county_ledger).find("equivocation") != std::string::npos);
        // Presented again: refused again, kept once.
        QVERIFY(
            county->push("station-1", "d1", held.size - 1, {leaves.back()}, fork, {}).equivocation);
        QCOMPARE(county->evidence().size(), std::size_t{1});
    }

    void a_checkpoint_not_consistent_with_the_last_is_refused_and_both_kept() {
        CountyFixture f;
        auto county = f.open_county();
        QVERIFY(!push_all(f, *county, "d1").refusal);
        const auto held = f.county_ledger->status("d1").value();
        // A larger tree that rewrites the past: the last ballot swapped, two more after it.
        const Hash32 chain_head = f.scenario.kiosk(0).chain_head;
        const std::uint64_t ballots = f.scenario.kiosk(0).ballots;
        auto leaves = f.records("d1", 0, held.size - 1);
        leaves.push_back(election::encode_ballot(f.scenario.next_ballot(0, 7).ballot));
        const std::vector<Bytes> more{election::encode_ballot(f.scenario.next_ballot(0, 8).ballot),
                                      election::encode_ballot(f.scenario.next_ballot(0, 9).ballot)};
        leaves.insert(leaves.end(), more.begin(), more.end());
        const auto fork = f.forged_note("d1", leaves);
        std::vector<Hash32> hashes;
        for (const Bytes& leaf : leaves) hashes.push_back(crypto::hash_merkle_leaf(leaf));
        // The forked tree's own proof from the size held: it cannot reach the county's root.
        const auto proof = crypto::prove_consistency(hashes, held.size).value();
        const auto answer = county->push("station-1", "d1", held.size, more, fork, proof);
        QVERIFY(answer.refusal);
        QVERIFY(answer.equivocation);
        QVERIFY2(answer.refusal->message.find("not consistent") != std::string::npos,
                 answer.refusal->message.c_str());
        QCOMPARE(f.county_ledger->status("d1")->size, held.size);
        QCOMPARE(county->evidence().size(), std::size_t{1});
        const std::string evidence = file_text(county->evidence().front());
        QVERIFY(evidence.find(f.station->status("d1")->signed_checkpoint) != std::string::npos);
        QVERIFY(evidence.find(fork) != std::string::npos);
        // The honest station goes on from where it was (its kiosk's chain as it was).
        f.scenario.kiosk(0).chain_head = chain_head;
        f.scenario.kiosk(0).ballots = ballots;
        f.cast(0, 2);
        QVERIFY(!push_all(f, *county, "d1", held.size).refusal);
        QVERIFY(f.county_ledger->status("d1")->root == f.station->status("d1")->root);
    }

    // The ledger's all-or-nothing batch (Ledger::ingest_all_or_nothing) the county writes with.
    void an_all_or_nothing_batch_is_of_one_district_and_routable() {
        CountyFixture f;
        const auto d1 = f.records("d1", 0, 2);
        const auto d2 = f.records("d2", 0, 2);
        auto mixed = d1;
        mixed.push_back(d2.front());
        auto refused = f.county_ledger->ingest_all_or_nothing(mixed);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.find("record 2: not of the district of record 0") !=
                std::string::npos);
        auto unknown = d1;
        unknown.push_back(Bytes{0xEE, 0x01});
        refused = f.county_ledger->ingest_all_or_nothing(unknown);
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().message.find("record 2 of 3 (nothing written)") != std::string::npos,
            refused.error().message.c_str());
        QCOMPARE(f.county_ledger->status("d1")->size, std::uint64_t{0});
        QCOMPARE(f.county_ledger->status("d2")->size, std::uint64_t{0});
        auto written = f.county_ledger->ingest_all_or_nothing(d1);
        QVERIFY(written);
        QCOMPARE(written.value().size(), std::size_t{2});
        QCOMPARE(written.value().back().index, std::uint64_t{1});
        QVERIFY(f.county_ledger->status("d1")->root ==
                crypto::compute_merkle_root(
                    std::vector{crypto::hash_merkle_leaf(d1[0]), crypto::hash_merkle_leaf(d1[1])}));
    }

    void the_options_are_checked() {
        CountyFixture f;
        county::CountyOptions options;
        options.state_directory = f.root() / "state";
        options.stations = {f.trust(), f.trust()};
        options.stations[1].station_id = "station-2";
        auto opened = County::open(*f.county_ledger, options);
        QVERIFY(!opened);
        QVERIFY(opened.error().message.find("TLS key is another station's") != std::string::npos);
        options.stations[1].tls_key = test::seeded_key(0x52).public_key();
        opened = County::open(*f.county_ledger, options);
        QVERIFY(!opened);
        QVERIFY(opened.error().message.find("pushed by another station") != std::string::npos);
        options.stations.resize(1);
        options.stations[0].district_keys.emplace("d9", options.stations[0].district_keys.at("d1"));
        opened = County::open(*f.county_ledger, options);
        QVERIFY(!opened);
        QVERIFY(opened.error().message.find("'d9' is not one of the election's") !=
                std::string::npos);
        options.stations[0].district_keys.erase("d9");
        std::swap(options.stations[0].district_keys.at("d1"),
                  options.stations[0].district_keys.at("d2"));
        opened = County::open(*f.county_ledger, options);
        QVERIFY(!opened);
        QVERIFY(opened.error().message.find("not of the district's log") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestCounty)
#include "tst_county.moc"
