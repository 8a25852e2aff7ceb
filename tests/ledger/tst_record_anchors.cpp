// V28 on a record whose ledger anchored its root (docs/election-record.md §5): a full polling day
// whose bridge log holds three anchors signed by the bridge's own code — an EVM transaction with
// the payload as plain calldata (confirmed), a Bitcoin OP_RETURN transaction, and an EVM call of
// the ElectionAnchor contract's anchor(bytes32,uint64,bytes32). The record passes, in C++ and in
// the independent Python checker. Then the bridge log is changed and signed again, as the
// ledger's operator could (with record.json's hashes redone), so that only V28 can object; each
// change must fail V28 with the failure that names it, in both verifiers: the anchor's payload,
// the state machine (transactions of no intent, confirmations of another transaction, repeats,
// order), and every condition on the raw transactions (E1–E6, B1–B4 of §5), a garbage raw
// transaction among them.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/keccak.hpp"
#include "psephos/election/anchor_records.hpp"
#include "record_resign_support.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using namespace psephos::election;
using namespace psephos::test;
namespace fs = std::filesystem;
namespace bridge = psephos::bridge;

namespace {

// The records of the anchored bridge log, by index.
constexpr std::size_t evm_intent = 0, evm_tx = 1, evm_confirmation = 2;
constexpr std::size_t btc_intent = 3, btc_tx = 4;
constexpr std::size_t contract_intent = 5, contract_tx = 6;
constexpr std::uint64_t evm_nonce = 3;
constexpr std::uint64_t evm_chain = 11155111, contract_chain = 31337;

bridge::Secp256k1SigningKey key_of(std::uint8_t fill) {
    Bytes secret(32, fill);
    return checked(bridge::Secp256k1SigningKey::from_secret(secret), "key");
}

std::string address_of(const bridge::Secp256k1SigningKey& key) {
    return bridge::EvmAddress::of_public_key(key.uncompressed_public_key()).to_checksum_text();
}

bridge::EvmAddress contract_address() {
    return checked(bridge::EvmAddress::from_text("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
                   "contract");
}

// What the bridge signs for an EVM anchor: plain calldata to itself, value 0.
bridge::Eip1559Transaction evm_anchor(const bridge::Secp256k1SigningKey& key, const Bytes& data) {
    bridge::Eip1559Transaction t;
    t.chain_id = evm_chain;
    t.nonce = evm_nonce;
    t.max_priority_fee_per_gas = bridge::u256_from_u64(1'000'000'000);
    t.max_fee_per_gas = bridge::u256_from_u64(3'000'000'000);
    t.gas_limit = 30'000;
    t.to = bridge::EvmAddress::of_public_key(key.uncompressed_public_key());
    t.data = data;
    return t;
}

AnchorTransaction evm_record(std::uint64_t intent, const bridge::Secp256k1SigningKey& key,
                             const bridge::Eip1559Transaction& t) {
    const bridge::SignedEvmTransaction s = t.sign(key);
    return {intent, s.hash, t.nonce, address_of(key), s.raw, 1'793'000'901};
}

bridge::SignedBitcoinTransaction bitcoin_anchor(const Bytes& payload) {
    bridge::OpReturnAnchorPlan plan;
    plan.input.txid.bytes.fill(0x5A);
    plan.input.amount_sat = 100'000;
    plan.payload = payload;
    plan.fee = bridge::FeeRate{2};
    plan.network = bridge::BitcoinNetwork::regtest;
    return checked(bridge::build_op_return_transaction(plan, key_of(0x22)), "bitcoin anchor");
}

AnchorTransaction bitcoin_record(std::uint64_t intent, const Bytes& raw, const Hash32& txid) {
    return {intent, txid, 0, "bcrt1qtest", raw, 1'793'000'905};
}

// A Bitcoin transaction as the bridge decodes it, changed, serialized again, with its new txid.
AnchorTransaction changed_bitcoin(
    const AnchorTransaction& t, const std::function<void(bridge::DecodedBitcoinTransaction&)>& f) {
    bridge::DecodedBitcoinTransaction tx =
        checked(bridge::decode_bitcoin_transaction(t.raw_transaction), "decode");
    f(tx);
    const Bytes raw = bridge::serialize_bitcoin_transaction(tx);
    const auto again = checked(bridge::decode_bitcoin_transaction(raw), "decode again");
    return bitcoin_record(t.intent_index, raw, again.txid);
}

std::vector<Bytes> anchor_records(const Bytes& payload) {
    const auto key = key_of(0x11);
    const AnchorTransaction evm = evm_record(evm_intent, key, evm_anchor(key, payload));
    const auto btc = bitcoin_anchor(payload);
    const auto decoded = checked(decode_anchor_payload(payload), "payload");
    bridge::Eip1559Transaction call = evm_anchor(
        key, bridge::encode_anchor_call(decoded.election_digest, decoded.election_log_size,
                                        decoded.election_root));
    call.chain_id = contract_chain;
    call.nonce = 0;
    call.to = contract_address();
    return {
        encode_anchor_intent({"sepolia", ChainKind::evm, std::to_string(evm_chain), "results",
                              payload, 1'793'000'900}),
        encode_anchor_transaction(evm),
        encode_anchor_confirmation(
            {evm_intent, evm.transaction_id, 4242, Hash32{}, 3, 1'793'000'902}),
        encode_anchor_intent(
            {"btc", ChainKind::bitcoin, "regtest", "results", payload, 1'793'000'903}),
        encode_anchor_transaction(bitcoin_record(btc_intent, btc.raw, btc.txid)),
        encode_anchor_intent({"hardhat", ChainKind::evm, std::to_string(contract_chain), "results",
                              payload, 1'793'000'906}),
        encode_anchor_transaction(evm_record(contract_intent, key, call)),
    };
}

bool only_v28_fails(const VerifyReport& report) {
    bool v28 = false;
    for (const auto& c : report.checks) {
        if (c.status != CheckStatus::passed && c.id != "V28") return false;
        if (c.id == "V28" && c.status == CheckStatus::failed) v28 = true;
    }
    return v28;
}

std::string v28_failures(const VerifyReport& report) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.id == "V28")
            for (const std::string& f : c.failures) out += f + "\n";
    return out;
}

// The Python checker (tests/ledger/vectors/check_tiny_record.py) on the record's anchors only:
// its exit status and its output.
std::pair<int, QString> python_anchors(const fs::path& record) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start("python3", {QString(PSEPHOS_TEST_VECTORS_DIR) + "/check_tiny_record.py", "--record",
                        QString::fromStdString(record.string()), "--anchors-only"});
    if (!p.waitForFinished(120'000)) qFatal("check_tiny_record.py did not finish");
    return {p.exitCode(), QString::fromUtf8(p.readAll())};
}

}  // namespace

class TestRecordAnchors : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    fs::path anchored_;
    std::vector<Bytes> records_;  // the bridge log's records as exported

    // The anchored record with the bridge log's records replaced (the same number, so the
    // re-signed checkpoints keep their sizes), signed again, verified.
    VerifyReport verify_changed(const fs::path& copy, const std::vector<Bytes>& records) {
        write_bytes(copy / "bridge" / "records.bin", file_of(records));
        resign_log(copy, "bridge", test::small_manifest().election_id + "/bridge");
        for (const char* f : {"records.bin", "checkpoints.bin"})
            redo_file_hash(copy, std::string("bridge/") + f);
        return verify(copy);
    }

private slots:
    void initTestCase() {
        crypto::initialize();
        QVERIFY(tmp_.isValid());
        anchored_ = export_full_day(
            fs::path(tmp_.path().toStdString()) / "anchored", test::small_manifest(),
            [](Ledger& l) {
                const LogStatus election = checked(l.status(election_log_name), "status");
                const Bytes payload =
                    encode_anchor_payload({l.election().base_hash, election.size, election.root});
                for (const Bytes& r : anchor_records(payload))
                    checked(l.append_bridge_record(r), "bridge record");
            });
        records_ = frames_of(read_bytes(anchored_ / "bridge" / "records.bin"));
        QCOMPARE(records_.size(), std::size_t{7});
    }

    // The anchored record carries the bridge log (record.json's last log) and passes V28 over
    // its seven records in both verifiers; a changed byte without re-signing fails the log's own
    // checks.
    void anchored_record_passes_v28() {
        const VerifyReport report = verify(anchored_);
        QVERIFY2(report.passed(), failed_checks(report).c_str());
        bool v28 = false;
        for (const auto& c : report.checks) {
            if (c.id != "V28") continue;
            v28 = true;
            QCOMPARE(c.status, CheckStatus::passed);
            QCOMPARE(c.items_checked, std::uint64_t{7});
        }
        QVERIFY(v28);
        const auto [status, output] = python_anchors(anchored_);
        QVERIFY2(status == 0, qPrintable(output));
        QVERIFY2(output.contains("V28 anchors: ok"), qPrintable(output));

        QTemporaryDir tmp;
        const fs::path copy = copy_record(anchored_, tmp.path().toStdString());
        Bytes data = read_bytes(copy / "bridge" / "records.bin");
        data[data.size() / 2] ^= 0x01;
        write_bytes(copy / "bridge" / "records.bin", data);
        redo_file_hash(copy, "bridge/records.bin");
        const VerifyReport changed = verify(copy);
        bool named = false;
        for (const auto& c : changed.checks)
            if (c.status == CheckStatus::failed && c.scope == "/bridge") named = true;
        QVERIFY2(named, failed_checks(changed).c_str());
    }

    // Each row changes the bridge log; the re-signed record fails V28 alone, with a failure
    // containing the row's words in C++, and V28 fails in the Python checker with its words.
    void resigned_bridge_log_fails_v28_data() {
        QTest::addColumn<int>("change");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("python");
        const QStringList rows = {
            "payload root|is not the election checkpoint's|no election checkpoint of that size",
            "payload size|no election checkpoint of size|no election checkpoint of that size",
            "payload election digest|election digest is not the base hash|election digest",
            "transaction's intent index|is not an earlier anchor intent|no earlier intent",
            "confirmation's transaction id|not a recorded transaction of intent|confirms no rec",
            "confirmation before its transaction|not a recorded transaction of|confirms no rec",
            "a transaction recorded twice|recorded twice|twice",
            "a second intent for the chain and payload|a second intent for chain|second intent",
            "EVM: garbage raw transaction|raw transaction: EIP-1559 transaction|raw transaction:",
            "EVM: a legacy transaction|does not start with its type byte 0x02|type byte 0x02",
            "EVM: wrong transaction id|is not Keccak-256 of the raw transaction|not Keccak-256",
            "EVM: wrong chain id|chain id 1 is not the intent's 11155111|chain id 1 is not",
            "EVM: wrong sender|not by the recorded sender|not by the recorded sender",
            "EVM: wrong nonce|nonce 3 is not the recorded 4|nonce 3 is not the recorded 4",
            "EVM: wrong calldata|calldata is neither the intent's payload|calldata is neither",
            "EVM: payload to another address|goes to another address|goes to another address",
            "EVM: a value transferred|transfers a value|transfers a value",
            "EVM: contract call of another size|calldata is neither the|calldata is neither",
            "Bitcoin: garbage raw transaction|raw transaction: bitcoin transaction|raw "
            "transaction:",
            "Bitcoin: wrong txid|is not the raw transaction's txid|transaction's txid",
            "Bitcoin: two OP_RETURN outputs|2 OP_RETURN outputs, not exactly one|2 OP_RETURN",
            "Bitcoin: no OP_RETURN output|0 OP_RETURN outputs, not exactly one|0 OP_RETURN",
            "Bitcoin: wrong payload|is not OP_RETURN OP_PUSHDATA1|is not OP_RETURN OP_PUSHDATA1",
            "Bitcoin: a nonce|a Bitcoin anchor records nonce 1|records nonce 1",
            "EVM: the contract call creating a contract|calldata is neither the|calldata is "
            "neither",
        };
        for (int i = 0; i < rows.size(); ++i) {
            const QStringList parts = rows[i].split('|');
            QTest::newRow(qPrintable(parts[0])) << i << parts[1] << parts[2];
        }
    }
    void resigned_bridge_log_fails_v28() {
        QFETCH(int, change);
        QFETCH(QString, expected);
        QFETCH(QString, python);
        QTemporaryDir tmp;
        const fs::path copy = copy_record(anchored_, tmp.path().toStdString());
        std::vector<Bytes> r = records_;
        AnchorIntent intent = checked(decode_anchor_intent(r[evm_intent]), "intent");
        AnchorTransaction evm = checked(decode_anchor_transaction(r[evm_tx]), "tx");
        AnchorConfirmation confirmation =
            checked(decode_anchor_confirmation(r[evm_confirmation]), "confirmation");
        AnchorTransaction btc = checked(decode_anchor_transaction(r[btc_tx]), "btc tx");
        AnchorTransaction call = checked(decode_anchor_transaction(r[contract_tx]), "call");
        AnchorPayload payload = checked(decode_anchor_payload(intent.payload), "payload");
        const auto key = key_of(0x11);
        // A new EVM transaction for the first intent, recorded with its own id.
        auto resign_evm = [&](const bridge::Eip1559Transaction& t) {
            evm = evm_record(evm_intent, key, t);
            confirmation.transaction_id = evm.transaction_id;
        };
        Bytes wrong_payload = intent.payload;
        wrong_payload.back() ^= 1;
        switch (change) {
            case 0:
                payload.election_root.bytes[0] ^= 1;
                break;
            case 1:
                payload.election_log_size -= 1;
                break;
            case 2:
                payload.election_digest.bytes[31] ^= 1;
                break;
            case 3:
                evm.intent_index = 2;
                break;
            case 4:
                confirmation.transaction_id.bytes[0] ^= 1;
                break;
            case 5:
                break;  // swapped below
            case 6:
                break;  // repeated below
            case 7:
                break;  // repeated below
            case 8:
                evm.raw_transaction = {0x02, 0xC0, 0xFF, 0xEE};
                evm.transaction_id = bridge::keccak256(evm.raw_transaction);
                confirmation.transaction_id = evm.transaction_id;
                break;
            case 9: {
                bridge::LegacyTransaction legacy;
                legacy.nonce = evm_nonce;
                legacy.gas_limit = 30'000;
                legacy.to = bridge::EvmAddress::of_public_key(key.uncompressed_public_key());
                legacy.data = intent.payload;
                legacy.chain_id = evm_chain;
                const auto signed_tx = legacy.sign(key);
                evm.raw_transaction = signed_tx.raw;
                evm.transaction_id = signed_tx.hash;
                confirmation.transaction_id = evm.transaction_id;
                break;
            }
            case 10:
                evm.transaction_id.bytes[5] ^= 1;
                confirmation.transaction_id = evm.transaction_id;
                break;
            case 11: {
                auto t = evm_anchor(key, intent.payload);
                t.chain_id = 1;
                resign_evm(t);
                break;
            }
            case 12:
                evm.sender = address_of(key_of(0x33));
                break;
            case 13:
                evm.nonce = evm_nonce + 1;
                break;
            case 14:
                resign_evm(evm_anchor(key, wrong_payload));
                break;
            case 15: {
                auto t = evm_anchor(key, intent.payload);
                t.to = contract_address();
                resign_evm(t);
                break;
            }
            case 16: {
                auto t = evm_anchor(key, intent.payload);
                t.value = bridge::u256_from_u64(1);
                resign_evm(t);
                break;
            }
            case 17: {
                auto t = evm_anchor(key, bridge::encode_anchor_call(payload.election_digest,
                                                                    payload.election_log_size - 1,
                                                                    payload.election_root));
                t.chain_id = contract_chain;
                t.nonce = 0;
                t.to = contract_address();
                call = evm_record(contract_intent, key, t);
                break;
            }
            case 18:
                btc.raw_transaction = {0x02, 0x00, 0x00, 0x00, 0x01};
                break;
            case 19:
                btc.transaction_id.bytes[0] ^= 1;
                break;
            case 20:
                btc = changed_bitcoin(btc, [](bridge::DecodedBitcoinTransaction& tx) {
                    tx.outputs.push_back(tx.outputs[0]);
                });
                break;
            case 21:
                btc = changed_bitcoin(btc, [](bridge::DecodedBitcoinTransaction& tx) {
                    tx.outputs[0].script_pubkey[0] = 0x51;  // OP_1, not OP_RETURN
                });
                break;
            case 22: {
                const auto other = bitcoin_anchor(wrong_payload);
                btc = bitcoin_record(btc_intent, other.raw, other.txid);
                break;
            }
            case 23:
                btc.nonce = 1;
                break;
            case 24: {
                auto t = evm_anchor(key, bridge::encode_anchor_call(payload.election_digest,
                                                                    payload.election_log_size,
                                                                    payload.election_root));
                t.chain_id = contract_chain;
                t.nonce = 0;
                t.to.reset();
                call = evm_record(contract_intent, key, t);
                break;
            }
        }
        intent.payload = encode_anchor_payload(payload);
        r[evm_intent] = encode_anchor_intent(intent);
        r[evm_tx] = encode_anchor_transaction(evm);
        r[evm_confirmation] = encode_anchor_confirmation(confirmation);
        r[btc_tx] = encode_anchor_transaction(btc);
        r[contract_tx] = encode_anchor_transaction(call);
        if (change == 5) std::swap(r[evm_tx], r[evm_confirmation]);
        if (change == 6) r[evm_confirmation] = r[evm_tx];
        if (change == 7) r[btc_intent] = r[evm_intent];
        const VerifyReport report = verify_changed(copy, r);
        const std::string failures = v28_failures(report);
        qInfo("%s", failures.c_str());
        QVERIFY2(only_v28_fails(report), failed_checks(report).c_str());
        QVERIFY2(QString::fromStdString(failures).contains(expected), failures.c_str());
        const auto [status, output] = python_anchors(copy);
        QVERIFY2(status == 1 && output.contains("V28 anchors: FAILED") && output.contains(python),
                 qPrintable(output));
    }

    // docs/election-record.md §3.3 on the bridge log's last checkpoint note, signed again with
    // the log's key where the text changes: a cosignature line of another name is ignored and an
    // extension line is allowed (both pass); a line after the blank line that is not a signature
    // line, or an empty extension line, fails V12 in both verifiers.
    void checkpoint_note_lines_data() {
        QTest::addColumn<int>("change");
        QTest::addColumn<bool>("passes");
        QTest::newRow("a cosignature of another name") << 0 << true;
        QTest::newRow("an extension line, signed") << 1 << true;
        QTest::newRow("a comment after the blank line") << 2 << false;
        QTest::newRow("an empty line after the signatures") << 3 << false;
        QTest::newRow("an empty extension line, signed") << 4 << false;
    }
    void checkpoint_note_lines() {
        QFETCH(int, change);
        QFETCH(bool, passes);
        QTemporaryDir tmp;
        const fs::path copy = copy_record(anchored_, tmp.path().toStdString());
        std::vector<Bytes> notes = frames_of(read_bytes(copy / "bridge" / "checkpoints.bin"));
        std::string note(notes.back().begin(), notes.back().end());
        const std::string origin = test::small_manifest().election_id + "/bridge";
        const std::string text = note.substr(0, note.rfind("\n\n") + 1);
        const auto log_key = test::LedgerScenario::ledger_key().derive_log_key(origin);
        switch (change) {
            case 0: {
                const auto witness =
                    checked(crypto::Ed25519SigningKey::from_seed(Bytes(32, 0x44)), "witness");
                note = checked(add_note_signature(note, "witness.example/w1", witness), "cosign");
                break;
            }
            case 1:
                note = checked(sign_note(text + "extension\n", origin, log_key), "sign");
                break;
            case 2:
                note += "a comment\n";
                break;
            case 3:
                note += "\n";
                break;
            case 4:
                note = checked(sign_note(text + "\nextension\n", origin, log_key), "sign");
                break;
        }
        notes.back() = Bytes(note.begin(), note.end());
        write_bytes(copy / "bridge" / "checkpoints.bin", file_of(notes));
        redo_file_hash(copy, "bridge/checkpoints.bin");
        const VerifyReport report = verify(copy);
        bool v12 = false;
        for (const auto& c : report.checks)
            if (c.id == "V12" && c.scope == "/bridge" && c.status == CheckStatus::failed)
                v12 = true;
        QVERIFY2(report.passed() == passes && v12 != passes, failed_checks(report).c_str());
        const auto [status, output] = python_anchors(copy);
        QVERIFY2((status == 0) == passes && output.contains("V12 log-checkpoints: ok") == passes,
                 qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestRecordAnchors)
#include "tst_record_anchors.moc"
