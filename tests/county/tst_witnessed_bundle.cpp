// Proof bundles and C2SP tlog-proofs made from a county's record that carries the witnesses'
// cosignatures of its election log (docs/proof-bundle.md §2 v3, P14, §5 T1–T4): the record
// reader reads the cosignatures, a bundle carries the cosigned election checkpoint and a witness
// policy checks it, a v2 bundle still reads and verifies, and a ballot's tlog-proof verifies
// against the election log's key and the policy. The attackers: a record with one of two
// cosignatures against a 2-of-2 policy, any byte of a cosignature changed, a proof hash, the
// index, any byte of the checkpoint note or of the extra data changed. The same through
// `psephos proof CODE --record DIR --out --tlog-proof`, `proof verify --witness-policy` and
// `proof verify-tlog`.
#include <QtTest>

#include <optional>
#include <sstream>

#include "county_fixture.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/tlog_proof.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/record/record_reader.hpp"
#include "psephos_process.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using test::CountyFixture;
using test::Run;
namespace fs = std::filesystem;

namespace {

crypto::CosignerKey witness_key(std::uint8_t tag, const std::string& name) {
    return crypto::CosignerKey::of(name, test::seeded_key(tag).public_key()).value();
}

// The county's note of its election log at the size it holds, cosigned by the witness.
std::string cosigned(const ledger::Ledger& county, std::uint8_t tag, const std::string& name) {
    const auto status = county.status(ledger::election_log_name).value();
    const std::string text = election::open_note(status.signed_checkpoint, status.verifier).value();
    return crypto::cosign_checkpoint(text, name, test::seeded_key(tag), 1'793'000'400).value();
}

// A copy, so that it may be taken from the temporary list of a verify_proof_bundle call.
std::optional<bridge::BundleCheck> check(const std::vector<bridge::BundleCheck>& checks,
                                         const std::string& id) {
    for (const auto& c : checks)
        if (c.id == id) return c;
    return std::nullopt;
}

bool passed(const std::vector<bridge::BundleCheck>& checks) {
    return std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.passed; });
}

std::string failures(const std::vector<bridge::BundleCheck>& checks) {
    std::string out;
    for (const auto& c : checks)
        if (!c.passed) out += c.id + ": " + c.detail + "; ";
    return out;
}

// Every check but the anchors' (the county's test record is not anchored).
void require_offline_proofs(const std::vector<bridge::BundleCheck>& checks) {
    for (const char* id : {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"}) {
        const auto c = check(checks, id);
        QVERIFY2(c && c->passed, (std::string(id) + " " + failures(checks)).c_str());
    }
}

// A county record of stations' pushes, exported with 0, 1 or 2 witnesses' cosignatures of its
// last election checkpoint.
struct WitnessedRecord {
    CountyFixture f;
    std::unique_ptr<county::County> county;
    crypto::CosignerKey w1 = witness_key(0xA1, "witness.example/one");
    crypto::CosignerKey w2 = witness_key(0xA2, "witness.example/two");

    WitnessedRecord() {
        county = f.open_county();
        for (const char* d : {"d1", "d2"}) {
            const auto status = f.station->status(d).value();
            if (auto a = county->push("station-1", d, 0, f.records(d, 0, status.size),
                                      status.signed_checkpoint, {});
                a.refusal)
                qFatal("push: %s", a.refusal->message.c_str());
        }
    }

    fs::path export_record(const std::string& name, std::size_t cosigners) {
        record::ExportOptions o;
        if (cosigners > 0) {
            o.witnesses = std::vector{w1, w2};
            const std::string note =
                f.county_ledger->status(ledger::election_log_name)->signed_checkpoint;
            std::string both = note + cosigned(*f.county_ledger, 0xA1, w1.name);
            if (cosigners > 1) both += cosigned(*f.county_ledger, 0xA2, w2.name);
            o.election_cosignatures = {both};
        }
        const fs::path out = f.root() / name;
        auto written = record::export_election_record(*f.county_ledger, out, o);
        if (!written) qFatal("export: %s", written.error().message.c_str());
        return out;
    }

    // The tracking code of the first cast ballot of d1 in the record.
    std::string first_code(const fs::path& record) const {
        auto reader = record::RecordReader::open(record).value();
        for (std::uint64_t i = 0;; ++i) {
            const Bytes r = reader.record("d1", i).value();
            if (r.at(0) != 0x02) continue;
            const auto ballot = election::decode_ballot(r).value();
            return election::next_tracking_code(ballot.previous_tracking_code,
                                                election::compute_ballot_hash(ballot))
                .to_hex();
        }
    }

    bridge::ProofBundle bundle(const fs::path& record) const {
        auto made = bridge::make_proof_bundle_from_record(record, first_code(record));
        if (!made) qFatal("bundle: %s", made.error().message.c_str());
        return std::move(made).value();
    }

    bridge::BundleTrust policy(std::size_t k) const {
        bridge::BundleTrust t;
        t.witness_policy = crypto::WitnessPolicy::make({w1, w2}, k).value();
        return t;
    }

    bridge::TlogProofTrust tlog_trust(std::size_t k) const {
        const auto election = f.county_ledger->status(ledger::election_log_name).value();
        bridge::TlogProofTrust t{election.verifier,
                                 f.county_ledger->status("d1")->verifier,
                                 crypto::WitnessPolicy::make({w1, w2}, k).value(),
                                 {}};
        return t;
    }
};

// The spec's example, verbatim (c2sp.org/tlog-proof: C2SP/C2SP tlog-proof.md at ab17a74,
// 2026-05-22); its signatures are elided there ("hI2DJw[...]1roloI="), so it checks the format
// only.
std::string spec_example() {
    return test::read_text(fs::path(PSEPHOS_TLOG_VECTORS) / "tlog-proof-spec-example.tlog-proof");
}

}  // namespace

class WitnessedBundleTest : public QObject {
    Q_OBJECT

private slots:
    void the_record_reader_reads_the_witnesses_cosignatures() {
        WitnessedRecord w;
        const auto reader = record::RecordReader::open(w.export_record("both", 2)).value();
        QCOMPARE(reader.witnesses().size(), std::size_t{2});
        QCOMPARE(reader.witnesses()[1].name, w.w2.name);
        const auto cosigned = reader.cosigned_checkpoints().value();
        QCOMPARE(cosigned.size(), std::size_t{1});
        QCOMPARE(cosigned[0].first, reader.status(ledger::election_log_name)->size);
        QVERIFY(
            crypto::check_witness_policy(cosigned[0].second, w.policy(2).witness_policy.value()));
        // A record without witnesses has none.
        const auto plain = record::RecordReader::open(w.export_record("plain", 0)).value();
        QVERIFY(plain.witnesses().empty());
        QVERIFY(plain.cosigned_checkpoints().value().empty());
    }

    void a_witnesses_member_that_does_not_read_is_named_when_asked_for() {
        WitnessedRecord w;
        const fs::path record = w.export_record("both", 2);
        std::string index = test::read_text(record / "record.json");
        const std::string vkey = w.w2.to_text();
        const std::size_t at = index.find(vkey);
        QVERIFY(at != std::string::npos);
        index.replace(at, vkey.size(), "witness.example/two+00000000+AA==");
        test::write_text(record / "record.json", index);
        // The record still opens (as for a reader that predates witnesses) ...
        const auto reader = record::RecordReader::open(record);
        QVERIFY2(reader, reader ? "" : reader.error().message.c_str());
        QVERIFY(reader->witnesses().empty());
        // ... but its cosignatures, and a bundle from it, name the member.
        const auto cosigned = reader->cosigned_checkpoints();
        QVERIFY(!cosigned);
        QVERIFY2(cosigned.error().message.find("witnesses[1]") != std::string::npos,
                 cosigned.error().message.c_str());
        QVERIFY(!bridge::make_proof_bundle_from_record(record, w.first_code(record)));
    }

    void a_bundle_of_a_cosigned_record_is_v3_and_passes_a_two_of_two_policy() {
        WitnessedRecord w;
        const auto b = w.bundle(w.export_record("both", 2));
        QVERIFY(b.witnessed.has_value());
        const std::string json = bridge::proof_bundle_to_json(b);
        QVERIFY(json.find("\"format\":\"psephos-proof-bundle-v3\"") != std::string::npos);
        const auto read = bridge::proof_bundle_from_json(json);
        QVERIFY2(read, read ? "" : read.error().message.c_str());
        QCOMPARE(bridge::proof_bundle_to_json(read.value()), json);
        const auto checks = bridge::verify_proof_bundle(read.value(), w.policy(2));
        require_offline_proofs(checks);
        const auto p14 = check(checks, "P14");
        QVERIFY2(p14 && p14->passed, failures(checks).c_str());
        QVERIFY2(p14->detail.find("cosigned by 2 of 2") != std::string::npos, p14->detail.c_str());
        // Without a policy P14 checks the proofs and says the cosignatures were not checked.
        const auto unchecked = check(bridge::verify_proof_bundle(b, {}), "P14");
        QVERIFY(unchecked && unchecked->passed);
        QVERIFY(unchecked->detail.find("not checked") != std::string::npos);
    }

    void one_of_two_cosignatures_fails_a_two_of_two_policy() {
        WitnessedRecord w;
        const auto b = w.bundle(w.export_record("one", 1));
        const auto p14 = check(bridge::verify_proof_bundle(b, w.policy(2)), "P14");
        QVERIFY(p14 && !p14->passed);
        QVERIFY2(p14->detail.find("witness.example/two") != std::string::npos, p14->detail.c_str());
        QVERIFY(check(bridge::verify_proof_bundle(b, w.policy(1)), "P14")->passed);
    }

    void any_byte_of_a_cosignature_changed_fails_p14() {
        WitnessedRecord w;
        const auto b = w.bundle(w.export_record("both", 2));
        QVERIFY(check(bridge::verify_proof_bundle(b, w.policy(2)), "P14")->passed);
        // Every byte of the last line (witness two's cosignature) but its newline.
        const std::string& note = b.witnessed->cosigned_checkpoint;
        const std::size_t line = note.rfind('\n', note.size() - 2) + 1;
        QVERIFY(note.substr(line).find(w.w2.name) != std::string::npos);
        for (std::size_t at = line; at + 1 < note.size(); ++at) {
            auto tampered = b;
            char& c = tampered.witnessed->cosigned_checkpoint[at];
            c = c == 'A' ? 'B' : 'A';
            const auto p14 = check(bridge::verify_proof_bundle(tampered, w.policy(2)), "P14");
            QVERIFY2(p14 && !p14->passed, ("byte " + std::to_string(at)).c_str());
        }
    }

    void the_witnessed_checkpoints_proofs_and_note_are_checked() {
        WitnessedRecord w;
        // The record is not anchored: its anchored size is the witnessed one, so the consistency
        // proof is empty (the next test makes it not) and the inclusion proof is tampered with.
        const auto b = w.bundle(w.export_record("both", 2));
        QVERIFY(!b.witnessed->inclusion.empty());
        for (std::size_t i = 0; i < b.witnessed->inclusion.size(); ++i) {
            auto tampered = b;
            tampered.witnessed->inclusion[i].bytes[0] ^= 0x01;
            QVERIFY(!check(bridge::verify_proof_bundle(tampered, {}), "P14")->passed);
        }
        auto longer = b;
        longer.witnessed->consistency.push_back(Hash32{});
        QVERIFY(!check(bridge::verify_proof_bundle(longer, {}), "P14")->passed);
        // A byte of the root in the note: the election log's signature no longer verifies.
        auto root = b;
        std::string& note = root.witnessed->cosigned_checkpoint;
        const std::size_t at = note.find('\n', note.find('\n') + 1) + 3;
        note[at] = note[at] == 'A' ? 'B' : 'A';
        QVERIFY(!check(bridge::verify_proof_bundle(root, {}), "P14")->passed);
    }

    void the_consistency_from_an_earlier_anchored_checkpoint_is_checked() {
        WitnessedRecord w;
        const fs::path record = w.export_record("both", 2);
        const auto reader = record::RecordReader::open(record).value();
        const std::uint64_t size = reader.status(ledger::election_log_name)->size;
        QVERIFY(size >= 2);
        // As if the anchored checkpoint were the election log's first leaf alone: P14 then needs
        // a consistency proof from it to the witnessed checkpoint.
        auto b = w.bundle(record);
        b.anchored_size = 1;
        b.anchored_root =
            crypto::hash_merkle_leaf(reader.record(ledger::election_log_name, 0).value());
        b.witnessed->consistency =
            reader.prove_consistency(ledger::election_log_name, 1, size).value();
        QVERIFY(!b.witnessed->consistency.empty());
        QVERIFY(check(bridge::verify_proof_bundle(b, w.policy(2)), "P14")->passed);
        for (std::size_t i = 0; i < b.witnessed->consistency.size(); ++i) {
            auto tampered = b;
            tampered.witnessed->consistency[i].bytes[7] ^= 0x01;
            QVERIFY(!check(bridge::verify_proof_bundle(tampered, w.policy(2)), "P14")->passed);
        }
        auto root = b;
        root.anchored_root.bytes[0] ^= 0x01;
        QVERIFY(!check(bridge::verify_proof_bundle(root, w.policy(2)), "P14")->passed);
    }

    void a_v2_bundle_still_reads_and_verifies() {
        WitnessedRecord w;
        const auto b = w.bundle(w.export_record("plain", 0));
        QVERIFY(!b.witnessed);
        const std::string json = bridge::proof_bundle_to_json(b);
        QVERIFY(json.find("\"format\":\"psephos-proof-bundle-v2\"") != std::string::npos);
        QVERIFY(json.find("witnessed_checkpoint") == std::string::npos);
        const auto read = bridge::proof_bundle_from_json(json);
        QVERIFY(read);
        const auto checks = bridge::verify_proof_bundle(read.value(), {});
        require_offline_proofs(checks);
        QVERIFY(!check(checks, "P14"));
        // A policy asks for what a v2 bundle does not carry.
        const auto p14 = check(bridge::verify_proof_bundle(read.value(), w.policy(1)), "P14");
        QVERIFY(p14 && !p14->passed);
        QVERIFY(p14->detail.find("no witnessed") != std::string::npos);
    }

    void the_versions_are_strict() {
        WitnessedRecord w;
        const std::string v3 = bridge::proof_bundle_to_json(w.bundle(w.export_record("both", 2)));
        const std::string v2 = bridge::proof_bundle_to_json(w.bundle(w.export_record("plain", 0)));
        // v3 without its member, v2 with it.
        std::string no_member = v2;
        no_member.replace(no_member.find("-v2"), 3, "-v3");
        QVERIFY(!bridge::proof_bundle_from_json(no_member));
        std::string v2_with = v3;
        v2_with.replace(v2_with.find("-v3"), 3, "-v2");
        const auto refused = bridge::proof_bundle_from_json(v2_with);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("witnessed_checkpoint") != std::string::npos,
                 refused.error().message.c_str());
    }

    void the_spec_example_is_read_and_written_byte_for_byte() {
        const std::string text = spec_example();
        const auto p = bridge::parse_tlog_proof(text);
        QVERIFY2(p, p ? "" : p.error().message.c_str());
        QVERIFY(p->extra.has_value());
        const std::string extra(p->extra->begin(), p->extra->end());
        QVERIFY(extra.starts_with("age-v1.2.1-darwin-arm64.tar.gz"));
        QCOMPARE(p->index, std::uint64_t{73894});
        QCOMPARE(p->inclusion.size(), std::size_t{5});
        QCOMPARE(QString::fromStdString(to_base64(p->inclusion[0].span())),
                 QStringLiteral("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ="));
        QVERIFY(p->checkpoint.starts_with("example.com/fancylog\n109482\n"));
        const auto body = election::Checkpoint::parse(
            std::string_view(p->checkpoint).substr(0, p->checkpoint.find("\n\n") + 1));
        QVERIFY(body);
        QCOMPARE(body->size, std::uint64_t{109482});
        QCOMPARE(bridge::tlog_proof_to_text(*p), text);
    }

    // A ballot's proof of this fixture, committed with its keys and checked by
    // tests/bridge/vectors/check_tlog_proof.py (an independent transcription of the specs).
    void the_committed_ballot_proof_verifies_here_and_in_python() {
        const fs::path vectors(PSEPHOS_TLOG_VECTORS);
        const auto p = bridge::parse_tlog_proof(
            test::read_text(vectors / "ballot-two-cosignatures.tlog-proof"));
        QVERIFY2(p, p ? "" : p.error().message.c_str());
        std::optional<election::NoteVerifierKey> log;
        std::vector<crypto::CosignerKey> witnesses;
        std::istringstream keys(test::read_text(vectors / "ballot-two-cosignatures.keys"));
        for (std::string kind, vkey; keys >> kind;) {
            if (kind.starts_with('#')) {
                std::getline(keys, vkey);
                continue;
            }
            keys >> vkey;
            if (kind == "log") log = election::NoteVerifierKey::parse(vkey).value();
            if (kind == "witness") witnesses.push_back(crypto::CosignerKey::parse(vkey).value());
        }
        QVERIFY(log.has_value());
        QCOMPARE(witnesses.size(), std::size_t{2});
        const bridge::TlogProofTrust trust{
            *log, {}, crypto::WitnessPolicy::make(witnesses, 2).value(), {}};
        const auto checks = bridge::verify_ballot_tlog_proof(*p, trust);
        QVERIFY2(passed(checks), failures(checks).c_str());
        QCOMPARE(checks.size(), std::size_t{4});
    }

    void malformed_tlog_proofs_are_refused_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("header") << "tlog-proof@v1"
                                << "tlog-proof@v2";
        QTest::newRow("leading zero") << "index 73894"
                                      << "index 073894";
        QTest::newRow("no index") << "index 73894"
                                  << "indx 73894";
        QTest::newRow("short hash") << "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk="
                                    << "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO";
        QTest::newRow("extra not base64") << "kYXJ3aW4tYXJ\n"
                                          << "kYXJ3aW4tYX\n";
        QTest::newRow("no empty line") << "vk=\n\nexample"
                                       << "vk=\nexample";
    }
    void malformed_tlog_proofs_are_refused() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        std::string text = spec_example();
        const std::size_t at = text.find(from.toStdString());
        QVERIFY(at != std::string::npos);
        text.replace(at, from.size(), to.toStdString());
        QVERIFY(!bridge::parse_tlog_proof(text));
    }

    void a_ballots_tlog_proof_verifies_against_the_log_key_and_the_policy() {
        WitnessedRecord w;
        const fs::path record = w.export_record("both", 2);
        const auto b = w.bundle(record);
        const std::string text = bridge::tlog_proof_to_text(bridge::tlog_proof_of_bundle(b));
        QVERIFY(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
        const auto p = bridge::parse_tlog_proof(text);
        QVERIFY2(p, p ? "" : p.error().message.c_str());
        QCOMPARE(bridge::tlog_proof_to_text(*p), text);
        auto trust = w.tlog_trust(2);
        trust.tracking_code = b.tracking_code;
        const auto checks = bridge::verify_ballot_tlog_proof(*p, trust);
        QVERIFY2(passed(checks), failures(checks).c_str());
        QCOMPARE(checks.size(), std::size_t{4});
        // The generic steps 2–4 with the leaf hash of the entry.
        const auto verified =
            bridge::verify_tlog_proof(*p, crypto::hash_merkle_leaf(b.election_leaf),
                                      trust.election_key, trust.witness_policy);
        QVERIFY(verified);
        QCOMPARE(verified->cosigners.size(), std::size_t{2});
        // Another ballot's tracking code.
        trust.tracking_code = Hash32{}.to_hex();
        QVERIFY(!check(bridge::verify_ballot_tlog_proof(*p, trust), "T1")->passed);
        // Another log's key.
        trust = w.tlog_trust(2);
        trust.election_key = w.f.county_ledger->status("d1")->verifier;
        QVERIFY(!passed(bridge::verify_ballot_tlog_proof(*p, trust)));
    }

    void one_of_two_cosignatures_fails_t3() {
        WitnessedRecord w;
        const auto p = bridge::tlog_proof_of_bundle(w.bundle(w.export_record("one", 1)));
        const auto checks = bridge::verify_ballot_tlog_proof(p, w.tlog_trust(2));
        const auto t3 = check(checks, "T3");
        QVERIFY(t3 && !t3->passed);
        QVERIFY2(t3->detail.find("witness.example/two") != std::string::npos, t3->detail.c_str());
        QVERIFY(passed(bridge::verify_ballot_tlog_proof(p, w.tlog_trust(1))));
    }

    void a_changed_hash_or_index_fails_t4() {
        WitnessedRecord w;
        const auto p = bridge::tlog_proof_of_bundle(w.bundle(w.export_record("both", 2)));
        QVERIFY(!p.inclusion.empty());
        for (std::size_t i = 0; i < p.inclusion.size(); ++i) {
            for (std::size_t byte : {std::size_t{0}, std::size_t{31}}) {
                auto tampered = p;
                tampered.inclusion[i].bytes[byte] ^= 0x80;
                QVERIFY(!check(bridge::verify_ballot_tlog_proof(tampered, w.tlog_trust(2)), "T4")
                             ->passed);
            }
        }
        for (std::uint64_t index : {p.index + 1, p.index ^ 1, p.index + 1000}) {
            auto tampered = p;
            tampered.index = index;
            QVERIFY(
                !check(bridge::verify_ballot_tlog_proof(tampered, w.tlog_trust(2)), "T4")->passed);
        }
        // The same in the text: a character of the first proof line.
        std::string text = bridge::tlog_proof_to_text(p);
        const std::size_t line = text.find('\n', text.find("index ")) + 1;
        text[line + 2] = text[line + 2] == 'A' ? 'B' : 'A';
        const auto parsed = bridge::parse_tlog_proof(text);
        QVERIFY(parsed);
        QVERIFY(!passed(bridge::verify_ballot_tlog_proof(*parsed, w.tlog_trust(2))));
    }

    void any_byte_of_the_note_or_the_extra_changed_fails() {
        WitnessedRecord w;
        const auto p = bridge::tlog_proof_of_bundle(w.bundle(w.export_record("both", 2)));
        const auto trust = w.tlog_trust(2);
        QVERIFY(passed(bridge::verify_ballot_tlog_proof(p, trust)));
        for (std::size_t at = 0; at < p.checkpoint.size(); ++at) {
            auto tampered = p;
            tampered.checkpoint[at] = static_cast<char>(tampered.checkpoint[at] ^ 0x01);
            QVERIFY2(!passed(bridge::verify_ballot_tlog_proof(tampered, trust)),
                     ("note byte " + std::to_string(at)).c_str());
        }
        for (std::size_t at = 0; at < p.extra->size(); ++at) {
            auto tampered = p;
            (*tampered.extra)[at] ^= 0x01;
            QVERIFY2(!passed(bridge::verify_ballot_tlog_proof(tampered, trust)),
                     ("extra byte " + std::to_string(at)).c_str());
        }
    }

    void psephos_proof_exports_and_checks_both_forms() {
        WitnessedRecord w;
        const fs::path record = w.export_record("both", 2);
        const fs::path one = w.export_record("one", 1);
        const auto q = [](const fs::path& p) { return QString::fromStdString(p.string()); };
        const QString code = QString::fromStdString(w.first_code(record));
        const fs::path dir = w.f.root();
        std::string policy = "quorum all\n";
        for (const auto& key : {w.w1, w.w2}) policy += "witness " + key.to_text() + "\n";
        test::write_text(dir / "policy", policy);
        const Run made = test::run({"proof", code, "--record", q(record), "--out",
                                    q(dir / "b.json"), "--tlog-proof", q(dir / "b.tlog-proof")});
        QVERIFY2(made.exit_code == 0, qPrintable(test::describe(made)));
        QVERIFY(made.out.contains("cosigned checkpoint"));

        // The bundle: P14 passes with the policy (the record is not anchored: P9 fails).
        Run checked = test::run(
            {"proof", "verify", q(dir / "b.json"), "--witness-policy", q(dir / "policy")});
        QVERIFY2(checked.out.contains("PASS P14 witnessed election checkpoint"),
                 qPrintable(test::describe(checked)));
        QVERIFY(checked.out.contains("cosigned by 2 of 2"));

        // The tlog-proof: T1–T4 pass with the election key, the district key and the policy.
        const auto election = w.f.county_ledger->status(ledger::election_log_name).value();
        const QString log_key = QString::fromStdString(election.verifier.to_text());
        const QString district_key =
            QString::fromStdString(w.f.county_ledger->status("d1")->verifier.to_text());
        checked = test::run({"proof", "verify-tlog", q(dir / "b.tlog-proof"), "--log-key", log_key,
                             "--district-key", district_key, "--witness-policy", q(dir / "policy"),
                             "--tracking-code", code});
        QVERIFY2(checked.exit_code == 0, qPrintable(test::describe(checked)));
        QVERIFY(checked.out.contains("PASS T3 witness cosignatures"));
        QVERIFY(checked.out.contains("verdict: PASS"));

        // One of two cosignatures against "quorum all": T3 and P14 fail.
        QVERIFY(test::run({"proof", code, "--record", q(one), "--out", q(dir / "one.json"),
                           "--tlog-proof", q(dir / "one.tlog-proof")})
                    .exit_code == 0);
        checked = test::run({"proof", "verify-tlog", q(dir / "one.tlog-proof"), "--log-key",
                             log_key, "--witness-policy", q(dir / "policy")});
        QCOMPARE(checked.exit_code, 1);
        QVERIFY2(checked.out.contains("FAIL T3"), qPrintable(test::describe(checked)));
        checked = test::run(
            {"proof", "verify", q(dir / "one.json"), "--witness-policy", q(dir / "policy")});
        QVERIFY2(checked.out.contains("FAIL P14"), qPrintable(test::describe(checked)));

        // A byte of the note's root in the file: T2 fails.
        std::string text = test::read_text(dir / "b.tlog-proof");
        const std::size_t blank = text.find("\n\n");
        const std::size_t root = text.find('\n', text.find('\n', blank + 2) + 1) + 1;
        text[root] = text[root] == 'A' ? 'B' : 'A';
        test::write_text(dir / "bad.tlog-proof", text);
        checked =
            test::run({"proof", "verify-tlog", q(dir / "bad.tlog-proof"), "--log-key", log_key});
        QCOMPARE(checked.exit_code, 1);
        QVERIFY2(checked.out.contains("FAIL T2"), qPrintable(test::describe(checked)));
    }
};

QTEST_GUILESS_MAIN(WitnessedBundleTest)
#include "tst_witnessed_bundle.moc"
