// A voter's receipt (docs/proof-bundle.md §4) and P13 without Node.js: the receipt a ledger gives
// for a ballot verifies on its own, and every one-byte change of its file fails; a bundle carrying
// it passes P13 against the honest ledger and its exported record; against a ledger that holds the
// same key and dropped the ballot (the tail of the district log cut and re-signed, as the operator
// could), P13 fails naming the missing ballot and both checkpoints.
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <string>

#include "ledger_scenario.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/receipt_evidence.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/voter_receipts.hpp"
#include "psephos/record/election_record.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

const BundleCheck* find_check(const std::vector<BundleCheck>& checks, std::string_view id) {
    for (const BundleCheck& c : checks)
        if (c.id == id) return &c;
    return nullptr;
}

std::string describe(const std::vector<BundleCheck>& checks) {
    std::string out;
    for (const BundleCheck& c : checks)
        out += (c.passed ? "PASS " : "FAIL ") + c.id + " " + c.detail + "\n";
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Two ledgers under the same ledger key: the honest one holds ballots b0, b1, b2 of district d1
// (the voter's receipt is for b2), then b3, then closes its polls; the forged one got the same
// records without b2 and closed its polls after b1, so its district log, re-signed, lacks b2.
struct TwoHistories {
    QTemporaryDir dir;
    test::LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> honest, forged;
    election::VoterReceipt receipt;
    election::Checkpoint receipt_checkpoint;

    std::unique_ptr<ledger::Ledger> create(const char* name) {
        ledger::LedgerOptions o;
        o.directory = std::filesystem::path(dir.path().toStdString()) / name;
        o.threads = 2;
        return ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                      test::LedgerScenario::ledger_key())
            .value();
    }
    static void ingest(ledger::Ledger& l, std::vector<Bytes> records) {
        for (auto& r : l.ingest(std::move(records)))
            if (!r) qFatal("ingest: %s", r.error().message.c_str());
    }
    void close(ledger::Ledger& l) const {
        if (auto closed = l.close_all_polls(scenario.closings(l)); !closed)
            qFatal("close: %s", closed.error().message.c_str());
    }

    TwoHistories() {
        honest = create("honest");
        forged = create("forged");
        std::vector<Bytes> day = scenario.opening();
        for (std::uint64_t i = 0; i < 2; ++i) day.push_back(scenario.next_cast(0, i));
        auto b2 = scenario.next_ballot(0, 2);
        const Bytes b3 = scenario.next_cast(0, 3);
        ingest(*forged, day);
        close(*forged);

        day.push_back(election::encode_ballot(b2.ballot));
        auto receipts = honest->ingest(day);
        const ledger::Receipt& acknowledged = receipts.back().value();
        auto made = ledger::make_voter_receipt(*honest, acknowledged, b2.tracking_code);
        if (!made) qFatal("receipt: %s", made.error().message.c_str());
        receipt = std::move(made).value();
        ingest(*honest, {b3});
        close(*honest);
        receipt_checkpoint = election::verify_voter_receipt(receipt, {}).value().checkpoint;
    }
};

std::unique_ptr<TwoHistories> the_histories;
TwoHistories& histories() { return *the_histories; }

std::vector<BundleCheck> checks_of(const Result<ProofBundle>& bundle) {
    if (!bundle) qFatal("bundle: %s", bundle.error().message.c_str());
    return verify_proof_bundle(bundle.value(), {});
}

// P1–P8 pass (P9–P11 need anchors, which these ledgers do not have); returns P13.
BundleCheck p13_of(const std::vector<BundleCheck>& checks) {
    for (const BundleCheck& c : checks) {
        const int n = std::stoi(c.id.substr(1));
        if (n <= 8 && !c.passed) qFatal("%s failed: %s", c.id.c_str(), describe(checks).c_str());
    }
    const BundleCheck* p13 = find_check(checks, "P13");
    if (!p13) qFatal("no P13:\n%s", describe(checks).c_str());
    return *p13;
}

}  // namespace

class TestReceiptEvidence : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { the_histories = std::make_unique<TwoHistories>(); }
    void cleanupTestCase() { the_histories.reset(); }

    void receipt_verifies_on_its_own_and_survives_its_json() {
        const election::VoterReceipt& r = histories().receipt;
        const std::string key = r.verifier_key;
        auto verified = election::verify_voter_receipt(r, std::span<const std::string>(&key, 1));
        QVERIFY2(verified.ok(), verified ? "" : verified.error().message.c_str());
        QVERIFY(verified.value().key_trusted);
        QVERIFY(!r.inclusion.empty());
        const std::string text = election::voter_receipt_to_json(r);
        auto back = election::voter_receipt_from_json(text);
        QVERIFY2(back.ok(), back ? "" : back.error().message.c_str());
        QCOMPARE(election::voter_receipt_to_json(back.value()), text);
        // The size that decides whether a QR code can carry it (docs/proof-bundle.md §4).
        qInfo("receipt file: %zu bytes, %zu proof hashes, checkpoint of %llu records", text.size(),
              r.inclusion.size(),
              static_cast<unsigned long long>(histories().receipt_checkpoint.size));
    }

    void untrusted_key_fails_the_receipt() {
        const std::string other = "not-the-key";
        auto verified = election::verify_voter_receipt(histories().receipt,
                                                       std::span<const std::string>(&other, 1));
        QVERIFY(!verified.ok());
        QVERIFY(contains(verified.error().message, "R1"));
    }

    // Every byte of the file, changed: either the reader refuses the file or a check fails. The
    // tracking code is the kiosk's word, not the signature's (docs/proof-bundle.md §4): its last
    // 12 bytes, which the printed form does not repeat, are tied to the ballot by P1 and P13 only
    // (tracking_code_is_tied_by_p13).
    void every_changed_byte_of_the_receipt_file_fails() {
        const std::string text = election::voter_receipt_to_json(histories().receipt);
        const std::string code = histories().receipt.tracking_code.to_hex();
        const std::size_t code_at = text.find(code);
        QVERIFY(code_at != std::string::npos);
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (i >= code_at + 40 && i < code_at + 64) continue;
            std::string changed = text;
            changed[i] = static_cast<char>(changed[i] ^ 0x01);
            auto read = election::voter_receipt_from_json(changed);
            if (!read) {
                QVERIFY2(contains(read.error().message, "receipt"), read.error().message.c_str());
                continue;
            }
            auto verified = election::verify_voter_receipt(read.value(), {});
            QVERIFY2(!verified.ok(),
                     qPrintable(QStringLiteral("byte %1 ('%2') changed, still verifies")
                                    .arg(i)
                                    .arg(QChar(text[i]))));
        }
    }

    void tampered_receipt_fails_its_check_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("check");
        QTest::newRow("signature, its last byte") << 0 << "R2";
        QTest::newRow("inclusion proof, one byte") << 1 << "R3";
        QTest::newRow("index") << 2 << "R3";
        QTest::newRow("leaf hash, one byte") << 3 << "R3";
        QTest::newRow("district") << 4 << "R1";
    }
    void tampered_receipt_fails_its_check() {
        QFETCH(int, kind);
        QFETCH(QString, check);
        election::VoterReceipt r = histories().receipt;
        switch (kind) {
            case 0: {
                // The signature line's base64 ends the note; change its last character before
                // the padding and newline.
                std::string& note = r.signed_checkpoint;
                std::size_t at = note.size() - 2;
                while (note[at] == '=') --at;
                note[at] = note[at] == 'A' ? 'B' : 'A';
                break;
            }
            case 1:
                r.inclusion.at(0).bytes[0] ^= 0x01;
                break;
            case 2:
                r.index -= 1;
                break;
            case 3:
                r.leaf_hash.bytes[31] ^= 0x01;
                break;
            case 4:
                r.district_id = "d2";
                break;
        }
        auto verified = election::verify_voter_receipt(r, {});
        QVERIFY(!verified.ok());
        QVERIFY2(contains(verified.error().message, check.toStdString()),
                 verified.error().message.c_str());
    }

    void honest_ledger_passes_p13() {
        auto bundle = make_receipt_bundle(*histories().honest, histories().receipt);
        QVERIFY2(bundle.ok(), bundle ? "" : bundle.error().message.c_str());
        QCOMPARE(bundle.value().tracking_code, histories().receipt.tracking_code.to_hex());
        QVERIFY(!bundle.value().receipt->consistency.empty());  // the log grew after the receipt
        const BundleCheck p13 = p13_of(checks_of(bundle));
        QVERIFY2(p13.passed, p13.detail.c_str());
        // The bundle's JSON carries the receipt and reads back to the same bytes.
        const std::string text = proof_bundle_to_json(bundle.value());
        auto back = proof_bundle_from_json(text);
        QVERIFY2(back.ok(), back ? "" : back.error().message.c_str());
        QCOMPARE(proof_bundle_to_json(back.value()), text);
        QVERIFY(p13_of(verify_proof_bundle(back.value(), {})).passed);
        // Without the receipt the bundle is what it was before receipts existed.
        ProofBundle plain = bundle.value();
        plain.receipt.reset();
        QVERIFY(!contains(proof_bundle_to_json(plain), "\"receipt\""));
    }

    void tracking_code_is_tied_by_p13() {
        auto made = make_receipt_bundle(*histories().honest, histories().receipt);
        QVERIFY(made.ok());
        ProofBundle b = std::move(made).value();
        b.receipt->receipt.tracking_code.bytes[31] ^= 0x01;
        QVERIFY(election::verify_voter_receipt(b.receipt->receipt, {}).ok());
        const BundleCheck p13 = p13_of(verify_proof_bundle(b, {}));
        QVERIFY(!p13.passed);
        QVERIFY2(contains(p13.detail, "another tracking code"), p13.detail.c_str());
    }

    void honest_record_passes_p13() {
        const std::filesystem::path out =
            std::filesystem::path(histories().dir.path().toStdString()) / "honest-record";
        QVERIFY(record::export_election_record(*histories().honest, out));
        auto bundle = make_receipt_bundle_from_record(out, histories().receipt);
        const BundleCheck p13 = p13_of(checks_of(bundle));
        QVERIFY2(p13.passed, p13.detail.c_str());
    }

    void a_record_without_the_ballot_is_evidence() {
        auto bundle = make_receipt_bundle(*histories().forged, histories().receipt);
        QVERIFY2(bundle.ok(), bundle ? "" : bundle.error().message.c_str());
        // The receipt's code is gone; the bundle is for the ballot before it.
        QVERIFY(bundle.value().tracking_code != histories().receipt.tracking_code.to_hex());
        const BundleCheck p13 = p13_of(checks_of(bundle));
        QVERIFY(!p13.passed);
        qInfo("P13: %s", p13.detail.c_str());
        const auto record_checkpoint = histories().forged->status("d1").value();
        for (const std::string& part :
             {std::string("evidence of misbehaviour"),
              election::format_tracking_code(histories().receipt.tracking_code),
              "index " + std::to_string(histories().receipt.index),
              histories().receipt_checkpoint.root.to_hex(), record_checkpoint.root.to_hex(),
              std::string("is missing")})
            QVERIFY2(contains(p13.detail, part),
                     qPrintable(QString::fromStdString("'" + part + "' not in: " + p13.detail)));
    }

    void a_forged_record_is_evidence_too() {
        const std::filesystem::path out =
            std::filesystem::path(histories().dir.path().toStdString()) / "forged-record";
        QVERIFY(record::export_election_record(*histories().forged, out));
        auto bundle = make_receipt_bundle_from_record(out, histories().receipt);
        const BundleCheck p13 = p13_of(checks_of(bundle));
        QVERIFY(!p13.passed);
        QVERIFY2(contains(p13.detail, "evidence of misbehaviour"), p13.detail.c_str());
    }

    void tampered_evidence_fails_p13_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("consistency proof, one byte") << 0;
        QTest::newRow("prefix root, one byte") << 1;
        QTest::newRow("district leaf's inclusion in the anchored log, one byte") << 2;
        QTest::newRow("leaf inclusion, one byte") << 3;
        QTest::newRow("district leaf, its last byte") << 4;
        QTest::newRow("receipt's signature") << 5;
    }
    void tampered_evidence_fails_p13() {
        QFETCH(int, kind);
        auto made = make_receipt_bundle(*histories().honest, histories().receipt);
        QVERIFY(made.ok());
        ProofBundle b = std::move(made).value();
        ReceiptEvidence& e = *b.receipt;
        switch (kind) {
            case 0:
                e.consistency.at(0).bytes[0] ^= 0x01;
                break;
            case 1:
                e.prefix_root->bytes[0] ^= 0x01;
                break;
            case 2:
                e.district_leaf_inclusion.at(0).bytes[0] ^= 0x01;
                break;
            case 3:
                e.leaf_inclusion.at(0).bytes[0] ^= 0x01;
                break;
            case 4:
                e.district_leaf.back() ^= 0x01;
                break;
            case 5:
                e.receipt.signed_checkpoint[e.receipt.signed_checkpoint.size() - 3] ^= 0x01;
                break;
        }
        const BundleCheck p13 = p13_of(verify_proof_bundle(b, {}));
        QVERIFY2(!p13.passed, p13.detail.c_str());
        // A bad proof is a failed check, not evidence against the ledger.
        QVERIFY2(!contains(p13.detail, "evidence of misbehaviour"), p13.detail.c_str());
    }
};

QTEST_GUILESS_MAIN(TestReceiptEvidence)
#include "tst_receipt_evidence.moc"
