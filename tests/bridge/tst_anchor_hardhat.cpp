// The bridge against a real EVM node (Hardhat, started on a free port of 127.0.0.1) and real
// independent checkers (ethers.js, bitcoinjs-lib in tests/peers): deploy ElectionAnchor, anchor a
// closed election's root through it and as plain calldata, export a ballot's proof bundle and
// have the contract's verifyInclusion accept it (and reject it tampered); kill the bridge between
// sending and the receipt and restart it (exactly one anchor on chain); survive an endpoint that
// is down; write a Bitcoin anchor that bitcoinjs-lib parses and whose signature it validates.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

#include <fstream>

#include "hardhat_node.hpp"
#include "ledger_scenario.hpp"
#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos_process.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::test::HardhatNode;

namespace {

// Hardhat's published development accounts (funded with 10 000 ETH on every Hardhat node). Each
// test uses its own, so their nonces do not interfere.
constexpr const char* hardhat_keys[] = {
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
};

std::filesystem::path path_of(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

std::filesystem::path write_key(const QTemporaryDir& dir, const char* name, const char* hex) {
    const auto path = path_of(dir, name);
    auto key = Secp256k1SigningKey::from_secret(from_hex(hex).value()).value();
    if (auto ok = write_secp256k1_key_file(path, key, name); !ok)
        qFatal("%s", ok.error().message.c_str());
    return path;
}

struct NodeRun {
    int exit_code = -1;
    QString out;
    QString err;
};

// Runs one of tests/peers' checkers with Node.js.
NodeRun run_peer(const QString& script, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(QStringLiteral(PSEPHOS_PEERS_DIR));
    p.start(QStringLiteral("node"), QStringList{script} + args);
    if (!p.waitForFinished(120'000)) qFatal("node %s did not finish", qPrintable(script));
    NodeRun r;
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString describe(const NodeRun& r) {
    return QStringLiteral("exit %1\n%2\n%3").arg(r.exit_code).arg(r.out, r.err);
}

QJsonObject last_json_line(const QString& out) {
    const QStringList lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

// A closed election with a few ballots in district 0, and its election checkpoint published.
struct ClosedElection {
    test::LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> ledger;
    std::vector<Hash32> tracking_codes;

    explicit ClosedElection(const QTemporaryDir& dir) {
        ledger::LedgerOptions o;
        o.directory = path_of(dir, "ledger");
        o.threads = 2;
        ledger = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                        test::LedgerScenario::ledger_key())
                     .value();
        if (auto ok = crypto::write_signing_key_file(
                path_of(dir, "ledger.key"), test::LedgerScenario::ledger_key().master(), "ledger");
            !ok)
            qFatal("%s", ok.error().message.c_str());
        std::vector<Bytes> records{scenario.registration(0),
                                   scenario.polls(election::PollsAction::opened, 0)};
        for (std::uint64_t i = 0; i < 3; ++i) {
            auto prepared = scenario.next_ballot(0, i);
            tracking_codes.push_back(prepared.tracking_code);
            records.push_back(election::encode_ballot(prepared.ballot));
        }
        for (auto& r : ledger->ingest(std::move(records)))
            if (!r) qFatal("%s", r.error().message.c_str());
        if (auto closed = ledger->close_all_polls(scenario.closings(*ledger)); !closed)
            qFatal("%s", closed.error().message.c_str());
    }
};

void write_config(const std::filesystem::path& path, const std::string& json) {
    std::ofstream(path) << json;
}

std::string evm_config(const std::string& rpc, const std::filesystem::path& key,
                       const std::string& contract = "", const std::string& name = "hardhat") {
    return R"({"first_retry_ms": 100, "max_retry_ms": 400, "evm": [{"name": ")" + name +
           R"(", "rpc": ")" + rpc + R"(", "chain_id": 31337, "confirmations": 1, "key_file": ")" +
           key.string() + "\"" + (contract.empty() ? "" : R"(, "contract": ")" + contract + "\"") +
           R"(, "timeout_ms": 2000}]})";
}

// A fresh bridge key funded with 1 ETH from the node's first unlocked development account.
std::filesystem::path funded_key(const QTemporaryDir& dir, const std::string& url,
                                 const char* name) {
    const auto path = path_of(dir, name);
    const Secp256k1SigningKey key = Secp256k1SigningKey::generate();
    if (auto ok = write_secp256k1_key_file(path, key, name); !ok)
        qFatal("%s", ok.error().message.c_str());
    JsonRpcClient rpc(RpcEndpoint::parse(url).value());
    auto accounts = rpc.call("eth_accounts", {});
    if (!accounts || !accounts.value().is_array() || accounts.value().as_array().empty())
        qFatal("the node lists no development account");
    const EvmAddress to = EvmAddress::of_public_key(key.uncompressed_public_key());
    boost::json::object tx{{"from", accounts.value().as_array()[0]},
                           {"to", to.to_checksum_text()},
                           {"value", "0xde0b6b3a7640000"}};
    if (auto sent = rpc.call("eth_sendTransaction", {tx}); !sent)
        qFatal("funding: %s", sent.error().message.c_str());
    return path;
}

// A transaction of the bridge's key that is not an anchor (zero value to a fixed address).
Bytes foreign_transaction(const std::filesystem::path& key_file, const std::string& url,
                          std::uint64_t nonce) {
    const auto key = read_secp256k1_key_file(key_file).value();
    EvmClient client{JsonRpcClient(RpcEndpoint::parse(url).value())};
    const EvmFees fees = client.suggest_fees().value();
    Eip1559Transaction t;
    t.chain_id = 31337;
    t.nonce = nonce;
    t.to = EvmAddress::from_text("0x000000000000000000000000000000000000dEaD").value();
    t.gas_limit = 21000;
    t.max_priority_fee_per_gas = fees.max_priority_fee_per_gas;
    t.max_fee_per_gas = fees.max_fee_per_gas;
    return t.sign(key).raw;
}

BridgeConfig calldata_config(const std::string& url, const std::filesystem::path& key) {
    BridgeConfig config;
    EvmChainConfig chain;
    chain.name = "hardhat";
    chain.rpc_url = url;
    chain.chain_id = 31337;
    chain.key_file = key;
    config.evm.push_back(chain);
    config.first_retry = std::chrono::milliseconds(100);
    config.max_retry = std::chrono::milliseconds(400);
    return config;
}

std::string hex0x(const Hash32& h) { return "0x" + h.to_hex(); }

Status node_call(const std::string& url, const char* method, boost::json::array params = {}) {
    JsonRpcClient rpc(RpcEndpoint::parse(url).value());
    auto r = rpc.call(method, std::move(params));
    if (!r) return r.error();
    return {};
}

}  // namespace

class TestAnchorHardhat : public QObject {
    Q_OBJECT

    std::optional<HardhatNode> node_;
    std::string url_;

private slots:
    void initTestCase() {
        std::string error;
        node_ = HardhatNode::start(error);
        if (!node_) QFAIL(error.c_str());
        url_ = node_->url();
    }

    void anchors_through_the_contract_and_the_contract_verifies_a_ballot() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key = write_key(dir, "bridge-evm.key", hardhat_keys[0]);
        EvmChainConfig chain;
        chain.name = "hardhat";
        chain.rpc_url = url_;
        chain.chain_id = 31337;
        chain.key_file = key;
        auto contract = deploy_election_anchor(
            chain, std::filesystem::path(PSEPHOS_CONTRACTS_DIR) / "ElectionAnchor.json",
            std::chrono::seconds(30));
        QVERIFY2(contract.ok(), contract ? "" : contract.error().message.c_str());
        chain.contract = contract.value();
        // The same node under another name as the second endpoint: two honest endpoints that
        // agree (docs/bridge.md §2, "Two endpoints").
        const std::string second_name = "http://localhost:" + std::to_string(node_->port());
        chain.confirm_rpc_url = second_name;

        BridgeConfig config;
        config.evm.push_back(chain);
        config.first_retry = std::chrono::milliseconds(100);
        auto relay = AnchorRelay::create(*e.ledger, config);
        QVERIFY2(relay.ok(), relay ? "" : relay.error().message.c_str());
        auto intents = relay.value()->record_intents("polls-closed");
        QVERIFY(intents.ok());
        QCOMPARE(intents.value().size(), std::size_t{1});
        // Recording again adds nothing: one intent per chain and payload.
        QCOMPARE(relay.value()->record_intents("polls-closed").value().size(), std::size_t{0});
        auto done = relay.value()->run_until_done(std::chrono::seconds(60));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors.size(), std::size_t{1});
        QVERIFY(anchors[0].confirmed());
        QCOMPARE(anchors[0].transactions.size(), std::size_t{1});

        // The bundle of the second ballot checks offline and on chain.
        auto bundle =
            make_proof_bundle(*e.ledger, election::format_tracking_code(e.tracking_codes[1]));
        QVERIFY2(bundle.ok(), bundle ? "" : bundle.error().message.c_str());
        auto parsed = proof_bundle_from_json(proof_bundle_to_json(bundle.value()));
        QVERIFY2(parsed.ok(), parsed ? "" : parsed.error().message.c_str());
        // Against the bridge's address and the contract it deployed, as published.
        BundleTrust trust;
        trust.bridge_addresses = {
            EvmAddress::of_public_key(
                read_secp256k1_key_file(key).value().uncompressed_public_key())
                .to_checksum_text()};
        trust.bridge_contracts = {contract.value().to_checksum_text()};
        auto checks = verify_proof_bundle(parsed.value(), trust);
        for (const auto& c : verify_anchors_on_chain(parsed.value(), url_)) checks.push_back(c);
        for (const auto& c : checks)
            QVERIFY2(c.passed, qPrintable(QString::fromStdString(c.id + " " + c.detail)));
        // P12 through the CLI on both names of the node.
        const QString bundle_json = dir.filePath("bundle.json");
        {
            QFile out(bundle_json);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QByteArray::fromStdString(proof_bundle_to_json(bundle.value())));
        }
        const test::Run both = test::run(
            {"proof", "verify", bundle_json, "--bridge-address",
             QString::fromStdString(trust.bridge_addresses[0]), "--bridge-contract",
             QString::fromStdString(trust.bridge_contracts[0]), "--rpc",
             QString::fromStdString(url_), "--confirm-rpc", QString::fromStdString(second_name)});
        QVERIFY2(both.exit_code == 0, qPrintable(test::describe(both)));
        QVERIFY2(both.out.contains(QStringLiteral("the same on 2 endpoints")),
                 qPrintable(test::describe(both)));
        QVERIFY(std::any_of(checks.begin(), checks.end(),
                            [](const BundleCheck& c) { return c.id == "P12"; }));

        // ethers.js: sender, payload, receipt, rootOf, and verifyInclusion of the bundle's
        // election-log proof (true; false tampered).
        const auto& b = bundle.value();
        QJsonArray proof;
        for (const Hash32& h : b.anchored_inclusion)
            proof.append(QString::fromStdString("0x" + h.to_hex()));
        const QJsonObject on_chain{
            {"election_id", QString::fromStdString("0x" + b.base_hash.to_hex())},
            {"leaf_hash",
             QString::fromStdString("0x" + crypto::hash_merkle_leaf(b.election_leaf).to_hex())},
            {"index", static_cast<qint64>(b.election_leaf_index)},
            {"tree_size", static_cast<qint64>(b.anchored_size)},
            {"proof", proof}};
        const QString bundle_file = dir.filePath("on-chain.json");
        QFile f(bundle_file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(on_chain).toJson());
        f.close();
        const auto& a = b.anchors.at(0);
        const NodeRun check = run_peer(
            "check-evm-anchor.js",
            {"--rpc", QString::fromStdString(url_), "--tx",
             QString::fromStdString("0x" + a.transaction_id.to_hex()), "--sender",
             QString::fromStdString(a.sender), "--payload",
             QString::fromStdString(to_hex(a.payload)), "--contract",
             QString::fromStdString(contract.value().to_checksum_text()), "--election-id",
             QString::fromStdString("0x" + b.base_hash.to_hex()), "--log-size",
             QString::number(b.anchored_size), "--root",
             QString::fromStdString("0x" + b.anchored_root.to_hex()), "--bundle", bundle_file});
        QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));

        // A bundle changed in one byte of a proof fails offline.
        ProofBundle tampered = parsed.value();
        tampered.district_inclusion.at(0).bytes[5] ^= 1;
        const auto bad = verify_proof_bundle(tampered, trust);
        QVERIFY(std::any_of(bad.begin(), bad.end(),
                            [](const BundleCheck& c) { return c.id == "P3" && !c.passed; }));
    }

    void calldata_anchor_survives_a_kill_between_send_and_receipt() {
        QTemporaryDir dir;
        std::string code;
        {
            ClosedElection e(dir);  // closed at the end of this scope, so the CLI can open it
            code = election::format_tracking_code(e.tracking_codes[0]);
        }
        const auto key = write_key(dir, "bridge-evm.key", hardhat_keys[1]);
        const auto config = path_of(dir, "bridge.json");
        write_config(config, evm_config(url_, key));
        const QString data = dir.path();

        // No blocks while the first bridge runs: it signs, records and sends, then waits.
        QVERIFY(node_call(url_, "evm_setAutomine", {false}).ok());
        QProcess bridge;
        bridge.start(QStringLiteral(PSEPHOS_EXE),
                     {"anchor", "--data", data, "--config", QString::fromStdString(config.string()),
                      "--timeout", "60"});
        QVERIFY(bridge.waitForStarted());
        QString seen;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!seen.contains("sent transaction") && std::chrono::steady_clock::now() < give_up) {
            bridge.waitForReadyRead(200);
            seen += QString::fromUtf8(bridge.readAllStandardOutput());
        }
        QVERIFY2(seen.contains("sent transaction"),
                 qPrintable(seen + bridge.readAllStandardError()));
        ::kill(static_cast<pid_t>(bridge.processId()), SIGKILL);  // no clean shutdown
        QVERIFY(bridge.waitForFinished(10'000));
        QCOMPARE(bridge.exitStatus(), QProcess::CrashExit);

        // The chain moves on (the sent transaction is mined), then the bridge restarts.
        QVERIFY(node_call(url_, "evm_setAutomine", {true}).ok());
        QVERIFY(node_call(url_, "evm_mine").ok());
        const test::Run again =
            test::run({"anchor", "--data", data, "--config",
                       QString::fromStdString(config.string()), "--timeout", "60"});
        QVERIFY2(again.exit_code == 0, qPrintable(test::describe(again)));
        QVERIFY2(again.out.contains("confirmed"), qPrintable(again.out));

        // One transaction recorded, one anchor on chain.
        const test::Run status = test::run({"anchor", "status", "--data", data, "--json"});
        QCOMPARE(status.exit_code, 0);
        const QJsonArray anchors = QJsonDocument::fromJson(status.out.toUtf8()).array();
        QCOMPARE(anchors.size(), 1);
        QCOMPARE(anchors[0].toObject()["transactions"].toArray().size(), 1);
        QVERIFY(anchors[0].toObject()["confirmation"].isObject());
        const QJsonObject tx = anchors[0].toObject()["transactions"].toArray()[0].toObject();
        const NodeRun count =
            run_peer("count-anchors.js",
                     {"--rpc", QString::fromStdString(url_), "--sender", tx["sender"].toString(),
                      "--payload", anchors[0].toObject()["payload"].toString()});
        QVERIFY2(count.exit_code == 0, qPrintable(describe(count)));
        const QJsonObject counted = last_json_line(count.out);
        QVERIFY2(counted["calldataAnchorsSucceeded"].toInt() == 1, qPrintable(count.out));

        // The exported bundle verifies, offline and against the node.
        const test::Run proof = test::run({"proof", QString::fromStdString(code), "--data", data,
                                           "--out", dir.filePath("bundle.json")});
        QVERIFY2(proof.exit_code == 0, qPrintable(test::describe(proof)));
        const QString bridge_address = QString::fromStdString(
            EvmAddress::of_public_key(
                read_secp256k1_key_file(key).value().uncompressed_public_key())
                .to_checksum_text());
        const test::Run verified =
            test::run({"proof", "verify", dir.filePath("bundle.json"), "--bridge-address",
                       bridge_address, "--rpc", QString::fromStdString(url_)});
        QVERIFY2(verified.exit_code == 0, qPrintable(test::describe(verified)));
        QVERIFY(verified.out.contains("PASS P12"));
        // The same bundle checked against another bridge's address, or against none, fails P11.
        const test::Run other = test::run(
            {"proof", "verify", dir.filePath("bundle.json"), "--bridge-address",
             QString::fromStdString(EvmAddress::of_public_key(
                                        Secp256k1SigningKey::generate().uncompressed_public_key())
                                        .to_checksum_text())});
        QVERIFY2(other.exit_code != 0, qPrintable(test::describe(other)));
        QVERIFY2(other.out.contains("is not a trusted bridge address"), qPrintable(other.out));
        const test::Run none = test::run({"proof", "verify", dir.filePath("bundle.json")});
        QVERIFY2(none.exit_code != 0, qPrintable(test::describe(none)));
        QVERIFY2(none.out.contains("FAIL P11") && none.out.contains("--bridge-address"),
                 qPrintable(none.out));
    }

    void endpoint_outage_is_retried_and_anchors_once() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key = write_key(dir, "bridge-evm.key", hardhat_keys[2]);
        // A port where nothing listens: every call fails; nothing but the intent is recorded.
        BridgeConfig down;
        EvmChainConfig chain;
        chain.name = "hardhat";
        chain.rpc_url = "http://127.0.0.1:9";
        chain.chain_id = 31337;
        chain.key_file = key;
        chain.timeouts.connect = std::chrono::milliseconds(500);
        down.evm.push_back(chain);
        down.first_retry = std::chrono::milliseconds(50);
        down.max_retry = std::chrono::milliseconds(200);
        {
            auto relay = AnchorRelay::create(*e.ledger, down).value();
            QVERIFY(relay->record_intents("polls-closed").ok());
            auto done = relay->run_until_done(std::chrono::seconds(2));
            QVERIFY(!done);
            QVERIFY2(done.error().message.find("did not finish") != std::string::npos,
                     done.error().message.c_str());
            QCOMPARE(e.ledger->anchors().at(0).transactions.size(), std::size_t{0});
        }
        // The endpoint is back.
        BridgeConfig up = down;
        up.evm[0].rpc_url = url_;
        auto relay = AnchorRelay::create(*e.ledger, up).value();
        QVERIFY(relay->record_intents("polls-closed").value().empty());
        auto done = relay->run_until_done(std::chrono::seconds(60));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        QVERIFY(e.ledger->anchors().at(0).confirmed());
        QCOMPARE(e.ledger->anchors().at(0).transactions.size(), std::size_t{1});
        // A wrong chain id is a configuration fault, reported at once.
        BridgeConfig wrong = up;
        wrong.evm[0].chain_id = 1;
        wrong.evm[0].name = "mainnet";
        auto wrong_relay = AnchorRelay::create(*e.ledger, wrong).value();
        QVERIFY(wrong_relay->record_intents("manual").ok());
        auto refused = wrong_relay->run_until_done(std::chrono::seconds(10));
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("chain id 31337") != std::string::npos,
                 refused.error().message.c_str());
    }

    // The node forgets the sent transaction (a restart, a full mempool): the relay rebroadcasts
    // the same recorded bytes, and signs nothing new.
    void dropped_transaction_is_rebroadcast_not_re_signed() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key = funded_key(dir, url_, "bridge-evm.key");
        auto relay = AnchorRelay::create(*e.ledger, calldata_config(url_, key)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        QVERIFY(node_call(url_, "evm_setAutomine", {false}).ok());
        const auto steps = relay->step();
        QCOMPARE(steps.size(), std::size_t{1});
        QVERIFY2(steps[0].progress == AnchorProgress::waiting, steps[0].message.c_str());
        const Hash32 sent = *steps[0].transaction_id;
        QVERIFY(node_call(url_, "hardhat_dropTransaction", {hex0x(sent)}).ok());
        QVERIFY(node_call(url_, "evm_setAutomine", {true}).ok());
        auto done = relay->run_until_done(std::chrono::seconds(60));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors[0].transactions.size(), std::size_t{1});
        QVERIFY(anchors[0].confirmation->second.transaction_id == sent);
    }

    // Another transaction of the key takes the anchor's nonce: the anchor can never be mined, so
    // (and only then) the relay signs a new one with the next nonce. Still one anchor on chain.
    void nonce_spent_elsewhere_gets_one_new_transaction() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key = funded_key(dir, url_, "bridge-evm.key");
        auto relay = AnchorRelay::create(*e.ledger, calldata_config(url_, key)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        QVERIFY(node_call(url_, "evm_setAutomine", {false}).ok());
        const auto steps = relay->step();
        const Hash32 first = *steps.at(0).transaction_id;
        const std::uint64_t nonce = e.ledger->anchors()[0].transactions[0].second.nonce;
        QVERIFY(node_call(url_, "hardhat_dropTransaction", {hex0x(first)}).ok());
        EvmClient client{JsonRpcClient(RpcEndpoint::parse(url_).value())};
        QVERIFY(client.send_raw_transaction(foreign_transaction(key, url_, nonce)).ok());
        QVERIFY(node_call(url_, "evm_mine").ok());
        QVERIFY(node_call(url_, "evm_setAutomine", {true}).ok());
        auto done = relay->run_until_done(std::chrono::seconds(60));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors[0].transactions.size(), std::size_t{2});
        QCOMPARE(anchors[0].transactions[1].second.nonce, nonce + 1);
        QVERIFY(anchors[0].confirmation->second.transaction_id ==
                anchors[0].transactions[1].second.transaction_id);
        const NodeRun count =
            run_peer("count-anchors.js",
                     {"--rpc", QString::fromStdString(url_), "--sender",
                      QString::fromStdString(anchors[0].transactions[0].second.sender), "--payload",
                      QString::fromStdString(to_hex(anchors[0].intent.payload))});
        QVERIFY2(count.exit_code == 0, qPrintable(describe(count)));
        QVERIFY2(last_json_line(count.out)["calldataAnchorsSucceeded"].toInt() == 1,
                 qPrintable(count.out));
    }

    // An earlier transaction of the key disappears after the anchor took the next nonce: the
    // anchor is stuck behind the gap until the relay fills it with a transfer to itself.
    void nonce_gap_below_the_anchor_is_filled() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key = funded_key(dir, url_, "bridge-evm.key");
        EvmClient client{JsonRpcClient(RpcEndpoint::parse(url_).value())};
        const EvmAddress sender = EvmAddress::of_public_key(
            read_secp256k1_key_file(key).value().uncompressed_public_key());
        QVERIFY(node_call(url_, "evm_setAutomine", {false}).ok());
        const std::uint64_t nonce =
            client.transaction_count(sender.bytes, EvmBlockTag::pending).value();
        auto foreign = client.send_raw_transaction(foreign_transaction(key, url_, nonce));
        QVERIFY(foreign.ok());
        auto relay = AnchorRelay::create(*e.ledger, calldata_config(url_, key)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        (void)relay->step();
        QCOMPARE(e.ledger->anchors()[0].transactions[0].second.nonce, nonce + 1);
        QVERIFY(node_call(url_, "hardhat_dropTransaction", {hex0x(foreign.value())}).ok());
        QVERIFY(node_call(url_, "evm_setAutomine", {true}).ok());
        QVERIFY(node_call(url_, "evm_mine").ok());
        auto done = relay->run_until_done(std::chrono::seconds(60));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors[0].transactions.size(), std::size_t{1});
        QVERIFY(anchors[0].confirmed());
    }

    void bitcoin_anchor_is_written_out_and_checked_by_bitcoinjs() {
        QTemporaryDir dir;
        ClosedElection e(dir);
        const auto key_path = write_key(dir, "bridge-btc.key", hardhat_keys[3]);
        BridgeConfig config;
        BitcoinChainConfig chain;
        chain.name = "btc-regtest";
        chain.network = BitcoinNetwork::regtest;
        chain.key_file = key_path;
        chain.utxo = {
            Hash32::from_hex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90")
                .value(),
            1, 50'000};
        chain.fee_rate_sat_per_vbyte = 3;
        chain.out_dir = path_of(dir, "anchors");
        config.bitcoin.push_back(chain);
        auto relay = AnchorRelay::create(*e.ledger, config).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        auto done = relay->run_until_done(std::chrono::seconds(10));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors.at(0).transactions.size(), std::size_t{1});
        // Running again re-signs nothing.
        QVERIFY(relay->run_until_done(std::chrono::seconds(10)).ok());
        QCOMPARE(e.ledger->anchors().at(0).transactions.size(), std::size_t{1});
        const auto& t = anchors[0].transactions[0].second;
        const QString hex =
            QString::fromUtf8(test::read_all(QString::fromStdString(
                                  (chain.out_dir / "btc-regtest-anchor-0.hex").string())))
                .trimmed();
        QCOMPARE(hex.toStdString(), to_hex(t.raw_transaction));
        QVERIFY(QFile::exists(
            QString::fromStdString((chain.out_dir / "btc-regtest-anchor-0.txt").string())));

        const auto key = read_secp256k1_key_file(key_path).value();
        const Bytes prevout =
            P2wpkhAddress::of_public_key(key.compressed_public_key(), BitcoinNetwork::regtest)
                .script_pubkey();
        const NodeRun check = run_peer(
            "check-bitcoin-tx.js",
            {"--hex", hex, "--payload", QString::fromStdString(to_hex(anchors[0].intent.payload)),
             "--prevout-script", QString::fromStdString(to_hex(prevout)), "--amount", "50000"});
        QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));
        // bitcoinjs-lib refuses it for another amount (the signature commits to it, BIP 143).
        const NodeRun wrong = run_peer(
            "check-bitcoin-tx.js",
            {"--hex", hex, "--payload", QString::fromStdString(to_hex(anchors[0].intent.payload)),
             "--prevout-script", QString::fromStdString(to_hex(prevout)), "--amount", "50001"});
        QVERIFY(wrong.exit_code != 0);

        // The bundle carries the Bitcoin anchor and checks offline (P11: OP_RETURN, key).
        auto bundle = make_proof_bundle(*e.ledger, e.tracking_codes[0].to_hex(), {chain.utxo});
        QVERIFY2(bundle.ok(), bundle ? "" : bundle.error().message.c_str());
        QCOMPARE(bundle.value().anchors.size(), std::size_t{1});
        BundleTrust trust;
        trust.bridge_addresses = {
            P2wpkhAddress::of_public_key(key.compressed_public_key(), BitcoinNetwork::regtest)
                .to_string()};
        for (const auto& c : verify_proof_bundle(bundle.value(), trust))
            QVERIFY2(c.passed, qPrintable(QString::fromStdString(c.id + " " + c.detail)));

        // A second anchor (after the tally moved the election root on) spends the first one's
        // change, never the configured output again; bitcoinjs-lib validates it over that amount.
        QVERIFY(e.ledger->tally().ok());
        QCOMPARE(relay->record_intents("results").value().size(), std::size_t{1});
        QVERIFY(relay->run_until_done(std::chrono::seconds(10)).ok());
        const auto after = e.ledger->anchors();
        QCOMPARE(after.size(), std::size_t{2});
        const auto first = decode_bitcoin_transaction(t.raw_transaction).value();
        const auto second =
            decode_bitcoin_transaction(after[1].transactions.at(0).second.raw_transaction).value();
        QCOMPARE(second.inputs.size(), std::size_t{1});
        QVERIFY(second.inputs[0].prevout.txid == first.txid);
        const std::uint32_t change = second.inputs[0].prevout.vout;
        QCOMPARE(first.outputs.at(change).script_pubkey, prevout);
        const NodeRun chained = run_peer(
            "check-bitcoin-tx.js",
            {"--hex",
             QString::fromStdString(to_hex(after[1].transactions[0].second.raw_transaction)),
             "--payload", QString::fromStdString(to_hex(after[1].intent.payload)),
             "--prevout-script", QString::fromStdString(to_hex(prevout)), "--amount",
             QString::number(first.outputs[change].value_sat)});
        QVERIFY2(chained.exit_code == 0, qPrintable(describe(chained)));
    }
};

QTEST_GUILESS_MAIN(TestAnchorHardhat)
#include "tst_anchor_hardhat.moc"
