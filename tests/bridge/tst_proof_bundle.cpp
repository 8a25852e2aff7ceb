// Proof bundles without Node.js: an honest bundle from a ledger anchored on Bitcoin (signed
// offline, written out) and on an EVM chain (a transaction signed offline) passes P1–P11 against
// the bridge's addresses, and P12 against an in-process fake node; for each check P1–P12 a bundle
// with one thing changed (one byte wherever the field is bytes) fails exactly there, every check
// before it still passing. The attacker's own anchors — self-consistent, but by another key or to
// another contract — fail P11, and so does every anchor when no trusted bridge is given.
#include <QTemporaryDir>
#include <QTest>

#include <boost/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "fake_json_rpc_node.hpp"
#include "ledger_scenario.hpp"
#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/merkle_tree.hpp"

using namespace psephos;
using namespace psephos::bridge;
namespace json = boost::json;

namespace {

constexpr std::uint64_t evm_chain_id = 31337;

std::filesystem::path path_of(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

// The check with this id (the first, for P10–P12 with one per anchor).
const BundleCheck* find_check(const std::vector<BundleCheck>& checks, std::string_view id) {
    for (const BundleCheck& c : checks)
        if (c.id == id) return &c;
    return nullptr;
}

int check_number(std::string_view id) { return std::stoi(std::string(id.substr(1))); }

std::string describe(const std::vector<BundleCheck>& checks) {
    std::string out;
    for (const BundleCheck& c : checks)
        out += (c.passed ? "PASS " : "FAIL ") + c.id + " " + c.detail + "\n";
    return out;
}

// One byte of a signed note's body changed (a character of its base64 root, kept base64): the
// note still parses, its signature no longer verifies.
std::string note_with_root_changed(std::string note) {
    const std::size_t second = note.find('\n', note.find('\n') + 1);
    char& c = note.at(second + 1);
    c = c == 'A' ? 'B' : 'A';
    return note;
}

void flip(Bytes& bytes, std::size_t at) { bytes.at(at) ^= 0x01; }
void flip(std::vector<Hash32>& proof, std::size_t at = 0) { proof.at(at).bytes[0] ^= 0x01; }

// A polling day in two districts, closed, tallied and anchored on Bitcoin (the relay signs and
// writes the transaction out, no node), plus an EVM anchor of the same payload signed offline by
// a bridge key: the anchored election checkpoint is later than the one holding the ballot's
// district checkpoint, so the bundle carries a real consistency proof.
struct AnchoredElection {
    QTemporaryDir dir;
    test::LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> ledger;
    std::vector<Hash32> codes;
    Secp256k1SigningKey evm_key = Secp256k1SigningKey::generate();
    Secp256k1SigningKey btc_key = Secp256k1SigningKey::generate();
    Utxo funding;
    ProofBundle bundle;
    // The bridge's published addresses (its EVM sender and its Bitcoin address).
    BundleTrust trust;

    AnchoredElection() {
        ledger::LedgerOptions o;
        o.directory = path_of(dir, "ledger");
        o.threads = 2;
        ledger = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                        test::LedgerScenario::ledger_key())
                     .value();
        std::vector<Bytes> records;
        for (std::size_t d = 0; d < 2; ++d) {
            records.push_back(scenario.registration(d));
            records.push_back(scenario.polls(election::PollsAction::opened, d));
        }
        for (std::uint64_t i = 0; i < 3; ++i) {
            auto prepared = scenario.next_ballot(0, i);
            codes.push_back(prepared.tracking_code);
            records.push_back(election::encode_ballot(prepared.ballot));
        }
        records.push_back(scenario.next_cast(1, 0));
        for (auto& r : ledger->ingest(std::move(records)))
            if (!r) qFatal("ingest: %s", r.error().message.c_str());
        if (auto closed = ledger->close_all_polls(scenario.closings(*ledger)); !closed)
            qFatal("close: %s", closed.error().message.c_str());
        if (auto tallied = ledger->tally(); !tallied)
            qFatal("tally: %s", tallied.error().message.c_str());

        BridgeConfig config;
        BitcoinChainConfig btc;
        btc.name = "btc-regtest";
        btc.network = BitcoinNetwork::regtest;
        btc.key_file = path_of(dir, "bridge-btc.key");
        if (auto ok = write_secp256k1_key_file(btc.key_file, btc_key, "bridge"); !ok)
            qFatal("%s", ok.error().message.c_str());
        btc.utxo = {crypto::sha256(as_bytes("tst_proof_bundle: a regtest output")), 0, 100'000};
        funding = btc.utxo;
        btc.fee_rate_sat_per_vbyte = 2;
        btc.out_dir = path_of(dir, "anchors");
        config.bitcoin.push_back(btc);
        auto relay = AnchorRelay::create(*ledger, config);
        if (!relay) qFatal("relay: %s", relay.error().message.c_str());
        if (auto intents = (*relay)->record_intents("results"); !intents)
            qFatal("intents: %s", intents.error().message.c_str());
        if (auto done = (*relay)->run_until_done(std::chrono::seconds(10)); !done)
            qFatal("anchor: %s", done.error().message.c_str());

        auto made = make_proof_bundle(*ledger, codes[0].to_hex(), {funding});
        if (!made) qFatal("bundle: %s", made.error().message.c_str());
        bundle = std::move(made).value();
        bundle.anchors.push_back(evm_anchor(bundle.anchors.at(0).payload));
        trust.bridge_addresses = {
            sender().to_checksum_text(),
            P2wpkhAddress::of_public_key(btc_key.compressed_public_key(), BitcoinNetwork::regtest)
                .to_string()};
    }

    // A calldata anchor (EIP-1559, the payload as data), as the relay sends without a contract;
    // with `contract`, the ElectionAnchor anchor() call to it. Signed by `key` (the bridge's).
    BundleAnchor evm_anchor(const Bytes& payload, std::optional<EvmAddress> contract = {},
                            const Secp256k1SigningKey* key = nullptr) const {
        if (key == nullptr) key = &evm_key;
        const EvmAddress from = EvmAddress::of_public_key(key->uncompressed_public_key());
        Eip1559Transaction t;
        t.chain_id = evm_chain_id;
        t.nonce = 0;
        t.max_priority_fee_per_gas = u256_from_u64(1'000'000'000);
        t.max_fee_per_gas = u256_from_u64(2'000'000'000);
        t.gas_limit = 60'000;
        t.to = contract.value_or(from);
        if (contract) {
            auto p = election::decode_anchor_payload(payload).value();
            t.data = encode_anchor_call(p.election_digest, p.election_log_size, p.election_root);
        } else {
            t.data = payload;
        }
        const SignedEvmTransaction signed_tx = t.sign(*key);
        BundleAnchor a;
        a.chain = "evm-31337";
        a.kind = election::ChainKind::evm;
        a.network = std::to_string(evm_chain_id);
        a.payload = payload;
        a.transaction_id = signed_tx.hash;
        a.sender = from.to_checksum_text();
        a.raw_transaction = signed_tx.raw;
        return a;
    }
    EvmAddress sender() const {
        return EvmAddress::of_public_key(evm_key.uncompressed_public_key());
    }
};

// Made by initTestCase and destroyed by cleanupTestCase: the ledger must close before exit
// handlers tear OpenSSL down.
std::unique_ptr<AnchoredElection> the_day;

AnchoredElection& election_day() { return *the_day; }
const BundleTrust& trusted() { return election_day().trust; }

const BundleAnchor& evm_anchor_of(const ProofBundle& b) {
    for (const BundleAnchor& a : b.anchors)
        if (a.kind == election::ChainKind::evm) return a;
    qFatal("no EVM anchor");
}

std::string hex_data(ByteSpan bytes) { return "0x" + to_hex(bytes); }

// What a node says of the EVM anchor's transaction; the defaults are the truth.
struct NodeView {
    std::uint64_t chain_id = evm_chain_id;
    bool known = true;
    bool mined = true;
    std::optional<std::string> from;  // default: the bundle's sender
    std::optional<Bytes> input;       // default: the transaction's data
    std::uint64_t status = 1;
    std::string block = "block 5";  // the mined block's hash is sha256 of this
};

// A JSON-RPC node on 127.0.0.1 answering the four calls of P12 from `view`.
test::FakeNode node_for(const BundleAnchor& anchor, NodeView view) {
    return test::FakeNode([anchor, view](test::FakeNode::Socket& socket) {
        auto request = test::read_request(socket);
        if (!request) return;
        const json::object& body = request->body.as_object();
        const std::string method(body.at("method").as_string());
        json::value result;
        const std::string block_hash = hex_data(crypto::sha256(as_bytes(view.block)).span());
        if (method == "eth_chainId") {
            std::ostringstream id;
            id << "0x" << std::hex << view.chain_id;
            result = json::string(id.str());
        } else if (method == "eth_blockNumber") {
            result = "0x7";
        } else if (method == "eth_getTransactionByHash") {
            if (view.known) {
                json::object t{{"hash", hex_data(anchor.transaction_id.span())},
                               {"from", view.from.value_or(anchor.sender)},
                               {"to", anchor.sender},
                               {"input", hex_data(view.input.value_or(anchor.payload))},
                               {"nonce", "0x0"}};
                if (view.mined) {
                    t["blockNumber"] = "0x5";
                    t["blockHash"] = block_hash;
                }
                result = std::move(t);
            }
        } else if (method == "eth_getTransactionReceipt") {
            result = json::object{{"transactionHash", hex_data(anchor.transaction_id.span())},
                                  {"blockNumber", "0x5"},
                                  {"blockHash", block_hash},
                                  {"transactionIndex", "0x0"},
                                  {"status", view.status == 1 ? "0x1" : "0x0"},
                                  {"gasUsed", "0x5208"}};
        }
        const json::object response{
            {"jsonrpc", "2.0"}, {"id", test::request_id(*request)}, {"result", result}};
        test::write_bytes(socket, test::http_response(200, json::serialize(response)));
    });
}

std::string url_of(const test::FakeNode& node) {
    return "http://127.0.0.1:" + std::to_string(node.endpoint().port) + "/rpc";
}

// One change per offline check, each the smallest that should break that check alone.
struct Tamper {
    const char* check;
    const char* what;
    std::function<void(ProofBundle&)> apply;
};

const std::vector<Tamper>& tampers() {
    static const std::vector<Tamper> all = {
        {"P1", "tracking code of another ballot",
         [](ProofBundle& b) { b.tracking_code = election_day().codes.at(1).to_hex(); }},
        {"P1", "ballot record of another district", [](ProofBundle& b) { b.district_id = "d2"; }},
        {"P2", "district checkpoint's root, one byte",
         [](ProofBundle& b) {
             b.district_checkpoint = note_with_root_changed(b.district_checkpoint);
         }},
        {"P3", "district inclusion proof, one byte",
         [](ProofBundle& b) { flip(b.district_inclusion); }},
        {"P3", "ballot index", [](ProofBundle& b) { b.ballot_index += 1; }},
        {"P4", "election-log leaf, its last byte",
         [](ProofBundle& b) { flip(b.election_leaf, b.election_leaf.size() - 1); }},
        {"P5", "election checkpoint's root, one byte",
         [](ProofBundle& b) {
             b.election_checkpoint = note_with_root_changed(b.election_checkpoint);
         }},
        {"P6", "election inclusion proof, one byte",
         [](ProofBundle& b) { flip(b.election_inclusion); }},
        {"P7", "consistency proof, one byte", [](ProofBundle& b) { flip(b.anchored_consistency); }},
        {"P8", "anchored inclusion proof, one byte",
         [](ProofBundle& b) { flip(b.anchored_inclusion); }},
        {"P9", "no anchors", [](ProofBundle& b) { b.anchors.clear(); }},
        {"P10", "Bitcoin anchor's payload, its last byte",
         [](ProofBundle& b) { flip(b.anchors.at(0).payload, b.anchors.at(0).payload.size() - 1); }},
        {"P11", "Bitcoin witness key, its last byte",
         [](ProofBundle& b) {
             Bytes& raw = b.anchors.at(0).raw_transaction;
             flip(raw, raw.size() - 5);  // the key is the last witness item, before the locktime
         }},
        {"P11", "Bitcoin witness signature, one byte of r",
         [](ProofBundle& b) {
             // Witness: [71-byte signature][33-byte key] before the 4-byte locktime; the txid
             // does not cover the witness, so only the signature check can see this.
             Bytes& raw = b.anchors.at(0).raw_transaction;
             flip(raw, raw.size() - 4 - 34 - 71 + 10);
         }},
        {"P11", "Bitcoin spent output's amount, one satoshi",
         [](ProofBundle& b) { b.anchors.at(0).spent_outputs.at(0).amount_sat ^= 0x01; }},
        {"P11", "Bitcoin spent output's script, its last byte",
         [](ProofBundle& b) {
             Bytes& script = b.anchors.at(0).spent_outputs.at(0).script_pubkey;
             flip(script, script.size() - 1);
         }},
        {"P11", "Bitcoin spent outputs, none",
         [](ProofBundle& b) { b.anchors.at(0).spent_outputs.clear(); }},
        {"P11", "Bitcoin transaction id, one byte",
         [](ProofBundle& b) { b.anchors.at(0).transaction_id.bytes[31] ^= 0x01; }},
        {"P11", "EVM signature, its last byte",
         [](ProofBundle& b) {
             Bytes& raw = b.anchors.at(1).raw_transaction;
             flip(raw, raw.size() - 1);
         }},
        {"P11", "EVM sender",
         [](ProofBundle& b) {
             b.anchors.at(1).sender = EvmAddress::of_public_key(
                                          Secp256k1SigningKey::generate().uncompressed_public_key())
                                          .to_checksum_text();
         }},
        {"P11", "EVM transaction signed for another chain",
         [](ProofBundle& b) { b.anchors.at(1).network = "1"; }},
    };
    return all;
}

}  // namespace

class TestProofBundle : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        the_day = std::make_unique<AnchoredElection>();
        const ProofBundle& b = election_day().bundle;
        // The setting each check needs to be able to fail on its own.
        QCOMPARE(b.anchors.size(), std::size_t{2});
        QVERIFY(!b.district_inclusion.empty());
        QVERIFY(!b.election_inclusion.empty());
        QVERIFY2(!b.anchored_consistency.empty(),
                 "the anchored checkpoint must be later than the ballot's election checkpoint");
        QVERIFY(!b.anchored_inclusion.empty());
    }

    void honest_bundle_passes_every_offline_check() {
        const auto checks = verify_proof_bundle(election_day().bundle, trusted());
        QCOMPARE(checks.size(), std::size_t{13});  // P1–P9, and P10, P11 for each of 2 anchors
        for (const BundleCheck& c : checks)
            QVERIFY2(c.passed, qPrintable(QString::fromStdString(c.id + " " + c.detail)));
        for (int n = 1; n <= 11; ++n)
            QVERIFY(find_check(checks, "P" + std::to_string(n)) != nullptr);
    }

    void honest_bundle_survives_its_json() {
        const std::string text = proof_bundle_to_json(election_day().bundle);
        auto back = proof_bundle_from_json(text);
        QVERIFY2(back.ok(), back ? "" : back.error().message.c_str());
        QCOMPARE(proof_bundle_to_json(*back), text);
        for (const BundleCheck& c : verify_proof_bundle(*back, trusted())) QVERIFY(c.passed);
        QCOMPARE(back->anchors.at(0).spent_outputs.size(), std::size_t{1});
        QCOMPARE(back->anchors.at(0).spent_outputs[0].amount_sat, std::uint64_t{100'000});
    }

    void tampered_bundle_fails_its_check_data() {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < tampers().size(); ++i)
            QTest::newRow((std::string(tampers()[i].check) + ": " + tampers()[i].what).c_str())
                << static_cast<int>(i);
    }
    void tampered_bundle_fails_its_check() {
        QFETCH(int, index);
        const Tamper& t = tampers().at(static_cast<std::size_t>(index));
        ProofBundle b = election_day().bundle;
        t.apply(b);
        const auto checks = verify_proof_bundle(b, trusted());
        const int target = check_number(t.check);
        bool target_failed = false;
        for (const BundleCheck& c : checks) {
            if (check_number(c.id) < target)
                QVERIFY2(c.passed, qPrintable(QString::fromStdString("an earlier check failed:\n" +
                                                                     describe(checks))));
            if (c.id == t.check && !c.passed) target_failed = true;
        }
        QVERIFY2(target_failed, qPrintable(QString::fromStdString(
                                    std::string(t.check) + " did not fail:\n" + describe(checks))));
    }

    void untrusted_key_fails_p2_and_p5() {
        BundleTrust trust = trusted();
        trust.verifier_keys = {election_day().bundle.election_verifier};  // not the district's
        auto checks = verify_proof_bundle(election_day().bundle, trust);
        QVERIFY(find_check(checks, "P1")->passed);
        QVERIFY(!find_check(checks, "P2")->passed);
        QVERIFY(find_check(checks, "P5")->passed);
        trust.verifier_keys = {election_day().bundle.district_verifier};
        checks = verify_proof_bundle(election_day().bundle, trust);
        QVERIFY(find_check(checks, "P2")->passed);
        QVERIFY(!find_check(checks, "P5")->passed);
        trust.verifier_keys = {election_day().bundle.district_verifier,
                               election_day().bundle.election_verifier};
        for (const BundleCheck& c : verify_proof_bundle(election_day().bundle, trust))
            QVERIFY(c.passed);
    }

    // The attacker's anchors: each transaction is valid and says what the bundle says (so P11's
    // transaction checks pass), but it was signed by another key or calls another contract.
    void anchors_need_a_trusted_bridge() {
        const auto checks = verify_proof_bundle(election_day().bundle, {});
        int p11 = 0;
        for (const BundleCheck& c : checks) {
            if (c.id != "P11") continue;
            ++p11;
            QVERIFY(!c.passed);
            QVERIFY2(c.detail.find("no trusted bridge address was given") != std::string::npos,
                     c.detail.c_str());
        }
        QCOMPARE(p11, 2);
    }

    void anchor_by_another_evm_key_is_refused() {
        ProofBundle b = election_day().bundle;
        const Secp256k1SigningKey attacker = Secp256k1SigningKey::generate();
        b.anchors.at(1) = election_day().evm_anchor(b.anchors.at(0).payload, {}, &attacker);
        QVERIFY(check_anchor_transaction(b.anchors.at(1),
                                         {b.base_hash, b.anchored_size, b.anchored_root}));
        const auto checks = verify_proof_bundle(b, trusted());
        const BundleCheck& c = checks.back();
        QCOMPARE(c.id, std::string("P11"));
        QVERIFY(!c.passed);
        QVERIFY2(c.detail.find("is not a trusted bridge address") != std::string::npos,
                 c.detail.c_str());
    }

    void anchor_by_another_bitcoin_key_is_refused() {
        ProofBundle b = election_day().bundle;
        const Secp256k1SigningKey attacker = Secp256k1SigningKey::generate();
        const P2wpkhAddress address =
            P2wpkhAddress::of_public_key(attacker.compressed_public_key(), BitcoinNetwork::regtest);
        OpReturnAnchorPlan plan;
        plan.input = {crypto::sha256(as_bytes("the attacker's output")), 1, 50'000};
        plan.payload = b.anchors.at(0).payload;
        plan.network = BitcoinNetwork::regtest;
        auto built = build_op_return_transaction(plan, attacker);
        QVERIFY(built);
        BundleAnchor& a = b.anchors.at(0);
        a.raw_transaction = built.value().raw;
        a.transaction_id = built.value().txid;
        a.sender = address.to_string();
        a.spent_outputs = {{50'000, address.script_pubkey()}};
        QVERIFY(check_anchor_transaction(a, {b.base_hash, b.anchored_size, b.anchored_root}));
        const auto checks = verify_proof_bundle(b, trusted());
        const BundleCheck* c = find_check(checks, "P11");
        QVERIFY(!c->passed);
        QVERIFY2(c->detail.find("is not a trusted bridge address") != std::string::npos,
                 c->detail.c_str());
    }

    void anchor_to_another_contract_is_refused() {
        ProofBundle b = election_day().bundle;
        const EvmAddress contract =
            EvmAddress::of_public_key(Secp256k1SigningKey::generate().uncompressed_public_key());
        b.anchors.at(1) = election_day().evm_anchor(b.anchors.at(0).payload, contract);
        BundleTrust trust = trusted();
        // No trusted contract given: a contract call cannot pass.
        auto checks = verify_proof_bundle(b, trust);
        QVERIFY(!checks.back().passed);
        QVERIFY2(
            checks.back().detail.find("no trusted ElectionAnchor contract") != std::string::npos,
            checks.back().detail.c_str());
        // Another contract trusted: refused.
        trust.bridge_contracts = {
            EvmAddress::of_public_key(Secp256k1SigningKey::generate().uncompressed_public_key())
                .to_checksum_text()};
        checks = verify_proof_bundle(b, trust);
        QVERIFY(!checks.back().passed);
        QVERIFY2(checks.back().detail.find("is not a trusted ElectionAnchor contract") !=
                     std::string::npos,
                 checks.back().detail.c_str());
        // That contract trusted (in lower case, as people may paste it): passes.
        std::string lower = "0x" + to_hex(contract.bytes);
        trust.bridge_contracts.push_back(lower);
        checks = verify_proof_bundle(b, trust);
        QVERIFY2(checks.back().passed, checks.back().detail.c_str());
    }

    void payload_anchor_to_another_address_is_refused() {
        ProofBundle b = election_day().bundle;
        // The bridge's key sends the bare payload to someone else: not what the bridge sends.
        Eip1559Transaction t;
        t.chain_id = evm_chain_id;
        t.max_fee_per_gas = u256_from_u64(2'000'000'000);
        t.gas_limit = 60'000;
        t.to = EvmAddress::of_public_key(Secp256k1SigningKey::generate().uncompressed_public_key());
        t.data = b.anchors.at(0).payload;
        const SignedEvmTransaction signed_tx = t.sign(election_day().evm_key);
        b.anchors.at(1).raw_transaction = signed_tx.raw;
        b.anchors.at(1).transaction_id = signed_tx.hash;
        const auto checks = verify_proof_bundle(b, trusted());
        QVERIFY(!checks.back().passed);
        QVERIFY2(checks.back().detail.find("not to the bridge's own address") != std::string::npos,
                 checks.back().detail.c_str());
    }

    void trust_names_a_bad_address() {
        BundleTrust trust;
        trust.bridge_addresses = {"0x1234"};
        auto bad = check_bundle_trust(trust);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.find("'0x1234'") != std::string::npos);
        trust = trusted();
        QVERIFY(check_bundle_trust(trust));
        trust.bridge_contracts = {election_day().trust.bridge_addresses.at(1)};  // a P2WPKH
        QVERIFY(!check_bundle_trust(trust));
    }

    void spent_outputs_in_json_are_strict() {
        const std::string text = proof_bundle_to_json(election_day().bundle);
        QVERIFY(text.find("\"spent_outputs\":[{\"amount_sat\":100000,\"script_pubkey\":\"0014") !=
                std::string::npos);
        auto replaced = [&](const std::string& from, const std::string& to) {
            std::string t = text;
            const std::size_t at = t.find(from);
            if (at == std::string::npos) qFatal("not in the bundle: %s", from.c_str());
            t.replace(at, from.size(), to);
            return proof_bundle_from_json(t);
        };
        auto v1 = replaced("psephos-proof-bundle-v2", "psephos-proof-bundle-v1");
        QVERIFY(!v1);
        QVERIFY2(v1.error().message.find("carries no spent outputs") != std::string::npos,
                 v1.error().message.c_str());
        // An EVM anchor (the second) with a spent output.
        const std::size_t evm = text.find("\"spent_outputs\":[]");
        QVERIFY(evm != std::string::npos);
        std::string t = text;
        t.replace(evm, 18, "\"spent_outputs\":[{\"amount_sat\":1,\"script_pubkey\":\"00\"}]");
        auto evm_spent = proof_bundle_from_json(t);
        QVERIFY(!evm_spent);
        QVERIFY2(evm_spent.error().message.find("not empty for an EVM anchor") != std::string::npos,
                 evm_spent.error().message.c_str());
        auto extra = replaced("\"amount_sat\":100000,", "\"amount_sat\":100000,\"vout\":0,");
        QVERIFY(!extra);
        QVERIFY2(extra.error().message.find(
                     "proof bundle: $.anchors[0].spent_outputs[0]: unknown member \"vout\"") !=
                     std::string::npos,
                 extra.error().message.c_str());
        auto too_much = replaced("\"amount_sat\":100000", "\"amount_sat\":2100000000000001");
        QVERIFY(!too_much);
        QVERIFY(too_much.error().message.find("above 21 M BTC") != std::string::npos);
        // The amount given twice, the larger second (Boost.JSON alone would keep it).
        auto twice = replaced("\"amount_sat\":100000,", "\"amount_sat\":100000,\"amount_sat\":1,");
        QVERIFY(!twice);
        QVERIFY2(
            twice.error().message.starts_with("proof bundle: line 1, column ") &&
                twice.error().message.find(
                    "the member \"amount_sat\" appears twice in one object") != std::string::npos,
            twice.error().message.c_str());
    }

    // The first anchor spends the configured output, which the ledger does not know: without it
    // no bundle is made, and the error names the outpoint.
    void bundle_without_funding_output_is_refused() {
        auto made = make_proof_bundle(*election_day().ledger, election_day().codes[0].to_hex());
        QVERIFY(!made);
        QCOMPARE(made.error().code, ErrorCode::not_found);
        QVERIFY2(made.error().message.find(election_day().funding.txid.to_hex() + ":0") !=
                     std::string::npos,
                 made.error().message.c_str());
    }

    void anchor_on_chain_passes_p12_on_an_honest_node() {
        const BundleAnchor& a = evm_anchor_of(election_day().bundle);
        auto node = node_for(a, {});
        const auto checks = verify_anchors_on_chain(election_day().bundle, url_of(node));
        QCOMPARE(checks.size(), std::size_t{1});  // the Bitcoin anchor is left to a Bitcoin node
        QVERIFY2(checks[0].passed, checks[0].detail.c_str());
        QVERIFY(checks[0].detail.find("in block 5, 3 confirmation(s)") != std::string::npos);
    }

    void anchor_on_chain_fails_p12_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("another chain id") << 0;
        QTest::newRow("transaction unknown") << 1;
        QTest::newRow("not mined") << 2;
        QTest::newRow("another sender") << 3;
        QTest::newRow("input one byte different") << 4;
        QTest::newRow("reverted") << 5;
        QTest::newRow("anchor names another transaction") << 6;
    }
    void anchor_on_chain_fails_p12() {
        QFETCH(int, kind);
        ProofBundle b = election_day().bundle;
        NodeView view;
        switch (kind) {
            case 0:
                view.chain_id = 1;
                break;
            case 1:
                view.known = false;
                break;
            case 2:
                view.mined = false;
                break;
            case 3:
                view.from = EvmAddress::of_public_key(
                                Secp256k1SigningKey::generate().uncompressed_public_key())
                                .to_checksum_text();
                break;
            case 4: {
                Bytes input = evm_anchor_of(b).payload;
                flip(input, input.size() - 1);
                view.input = input;
                break;
            }
            case 5:
                view.status = 0;
                break;
            case 6:
                b.anchors.at(1).raw_transaction.back() ^= 0x01;
                break;
        }
        auto node = node_for(evm_anchor_of(election_day().bundle), view);
        const auto checks = verify_anchors_on_chain(b, url_of(node));
        QCOMPARE(checks.size(), std::size_t{1});
        QVERIFY2(!checks[0].passed, checks[0].detail.c_str());
        QCOMPARE(checks[0].id, std::string("P12"));
    }

    // P12 on two endpoints (docs/bridge.md §2, "Two endpoints"): two honest ones agree; a node
    // that claims the transaction in a block of its own making fails P12 against an honest one,
    // and so does a pair where the second has not seen the transaction at all.
    void anchor_on_chain_needs_both_endpoints() {
        const ProofBundle& b = election_day().bundle;
        const BundleAnchor& a = evm_anchor_of(b);
        auto honest = node_for(a, {});
        auto also_honest = node_for(a, {});
        const auto agreed =
            verify_anchors_on_chain(b, {{url_of(honest), ""}, {url_of(also_honest), ""}});
        QCOMPARE(agreed.size(), std::size_t{1});
        QVERIFY2(agreed[0].passed, agreed[0].detail.c_str());
        QVERIFY2(agreed[0].detail.find("in block 5, 3 confirmation(s), the same on 2 endpoints") !=
                     std::string::npos,
                 agreed[0].detail.c_str());
        NodeView forged;
        forged.block = "forged block 5";
        auto liar = node_for(a, forged);
        for (const auto& endpoints :
             {std::vector<ChainEndpoint>{{url_of(liar), ""}, {url_of(honest), ""}},
              std::vector<ChainEndpoint>{{url_of(honest), ""}, {url_of(liar), ""}}}) {
            const auto checks = verify_anchors_on_chain(b, endpoints);
            QCOMPARE(checks.size(), std::size_t{1});
            QVERIFY2(!checks[0].passed, checks[0].detail.c_str());
            QVERIFY2(checks[0].detail.find("the endpoints disagree (" + endpoints[0].rpc_url +
                                           " against " + endpoints[1].rpc_url + "): block 5 (0x") !=
                         std::string::npos,
                     checks[0].detail.c_str());
        }
        NodeView unknown;
        unknown.known = false;
        auto unaware = node_for(a, unknown);
        const auto alone = verify_anchors_on_chain(b, {{url_of(liar), ""}, {url_of(unaware), ""}});
        QVERIFY2(!alone[0].passed, alone[0].detail.c_str());
        QVERIFY2(
            alone[0].detail.find(url_of(unaware) + ": the chain does not report transaction") !=
                std::string::npos,
            alone[0].detail.c_str());
        // The liar alone passes: the reason for a second endpoint.
        QVERIFY(verify_anchors_on_chain(b, url_of(liar))[0].passed);
    }

    void cleanupTestCase() { the_day.reset(); }

    void bundle_without_evm_anchor_fails_p12() {
        ProofBundle b = election_day().bundle;
        b.anchors.pop_back();
        const auto checks = verify_anchors_on_chain(b, "http://127.0.0.1:1/rpc");
        QCOMPARE(checks.size(), std::size_t{1});
        QVERIFY(!checks[0].passed);
        QCOMPARE(checks[0].detail, std::string("the bundle carries no EVM anchor"));
    }
};

QTEST_GUILESS_MAIN(TestProofBundle)
#include "tst_proof_bundle.moc"
