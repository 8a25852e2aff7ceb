// The relay against a hostile EVM node (docs/bridge.md §2, "Limits"): a fake JSON-RPC node on
// 127.0.0.1 quotes fees above the caps, or a nonce far ahead of the bridge's records, or a
// pending nonce far below the anchor's. Each time the anchor fails with a message naming the cap
// and nothing is recorded or sent; an honest quote under the caps is sent, so the node is good
// enough to anchor through. Bitcoin: a fee above its cap is refused before anything is recorded,
// and a configured rate above the rate cap is a configuration error.
//
// Two endpoints (docs/bridge.md §2, "Two endpoints"): a lying node that claims the anchor mined
// in a block the honest node does not have gets it confirmed when it is the only endpoint (the
// attack), and never when a second, honest endpoint is configured, whichever of the two lies;
// two honest endpoints that agree confirm it.
#include <QTemporaryDir>
#include <QTest>

#include <boost/json.hpp>

#include <fstream>
#include <memory>
#include <mutex>

#include "fake_json_rpc_node.hpp"
#include "ledger_scenario.hpp"
#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/keccak.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos_process.hpp"

using namespace psephos;
using namespace psephos::bridge;
namespace json = boost::json;

namespace {

constexpr std::uint64_t gwei = 1'000'000'000;

std::filesystem::path path_of(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

// What the node answers; changed between steps by the test.
struct NodeState {
    std::mutex mutex;
    std::uint64_t pending_nonce = 0;
    std::uint64_t latest_nonce = 0;
    std::uint64_t base_fee_wei = 1 * gwei;
    std::uint64_t tip_wei = 1 * gwei;
    std::uint64_t gas = 50'000;
    int sent = 0;  // eth_sendRawTransaction calls
};

// A node for chain 31337 answering what the relay asks from `state`; no transaction ever mines.
test::FakeNode hostile_node(std::shared_ptr<NodeState> state) {
    return test::FakeNode([state](test::FakeNode::Socket& socket) {
        auto request = test::read_request(socket);
        if (!request) return;
        const json::object& body = request->body.as_object();
        const std::string method(body.at("method").as_string());
        const json::array& params = body.at("params").as_array();
        std::lock_guard lock(state->mutex);
        json::value result;
        if (method == "eth_chainId") {
            result = format_evm_quantity(31337);
        } else if (method == "eth_getTransactionCount") {
            const bool pending = params.at(1).as_string() == "pending";
            result = format_evm_quantity(pending ? state->pending_nonce : state->latest_nonce);
        } else if (method == "eth_maxPriorityFeePerGas") {
            result = format_evm_quantity(state->tip_wei);
        } else if (method == "eth_getBlockByNumber") {
            result = json::object{{"number", "0x1"},
                                  {"baseFeePerGas", format_evm_quantity(state->base_fee_wei)}};
        } else if (method == "eth_estimateGas") {
            result = format_evm_quantity(state->gas);
        } else if (method == "eth_blockNumber") {
            result = "0x1";
        } else if (method == "eth_sendRawTransaction") {
            ++state->sent;
            const std::string hex(params.at(0).as_string());
            result = format_evm_data(keccak256(from_hex(hex.substr(2)).value()).span());
        }
        // eth_getTransactionReceipt: null (never mined).
        const json::object response{
            {"jsonrpc", "2.0"}, {"id", test::request_id(*request)}, {"result", result}};
        test::write_bytes(socket, test::http_response(200, json::serialize(response)));
    });
}

// The transactions a chain has mined, shared by the nodes that serve it.
struct MinedTransactions {
    std::mutex mutex;
    std::vector<Bytes> raw;
    int sent = 0;
};

// A node of chain 31337 that mines every transaction sent to it into `transactions`, reporting
// each in block 5 whose hash is sha256(`block_name`) with the head at block 7. Two nodes over one
// MinedTransactions with one block name are two honest endpoints of one chain; a node with its
// own MinedTransactions or another block name is a liar (it claims what the chain does not have).
test::FakeNode mining_node(std::shared_ptr<MinedTransactions> transactions,
                           std::string block_name) {
    return test::FakeNode([transactions, block_name](test::FakeNode::Socket& socket) {
        auto request = test::read_request(socket);
        if (!request) return;
        const json::object& body = request->body.as_object();
        const std::string method(body.at("method").as_string());
        const json::array& params = body.at("params").as_array();
        std::lock_guard lock(transactions->mutex);
        const std::string block_hash = format_evm_data(crypto::sha256(as_bytes(block_name)).span());
        // The mined transaction asked for (by hash), if any.
        auto find = [&]() -> std::optional<DecodedEvmTransaction> {
            auto hash = parse_evm_hash(params.at(0).as_string());
            for (const Bytes& raw : transactions->raw) {
                auto decoded = decode_signed_transaction(raw);
                if (decoded && hash && decoded.value().hash == hash.value()) return decoded.value();
            }
            return std::nullopt;
        };
        json::value result;
        if (method == "eth_chainId") {
            result = format_evm_quantity(31337);
        } else if (method == "eth_getTransactionCount") {
            result = format_evm_quantity(0);
        } else if (method == "eth_maxPriorityFeePerGas") {
            result = format_evm_quantity(1 * gwei);
        } else if (method == "eth_getBlockByNumber") {
            result = json::object{{"number", "0x7"}, {"baseFeePerGas", format_evm_quantity(gwei)}};
        } else if (method == "eth_estimateGas") {
            result = format_evm_quantity(50'000);
        } else if (method == "eth_blockNumber") {
            result = "0x7";
        } else if (method == "eth_sendRawTransaction") {
            ++transactions->sent;
            const Bytes raw = from_hex(std::string(params.at(0).as_string()).substr(2)).value();
            transactions->raw.push_back(raw);
            result = format_evm_data(keccak256(raw).span());
        } else if (method == "eth_getTransactionByHash") {
            if (auto t = find()) {
                result = json::object{{"hash", format_evm_data(t->hash.span())},
                                      {"from", t->sender.to_checksum_text()},
                                      {"to", t->to() ? json::value(t->to()->to_checksum_text())
                                                     : json::value(nullptr)},
                                      {"input", format_evm_data(t->data())},
                                      {"nonce", format_evm_quantity(t->nonce())},
                                      {"blockNumber", "0x5"},
                                      {"blockHash", block_hash}};
            }
        } else if (method == "eth_getTransactionReceipt") {
            if (auto t = find()) {
                result = json::object{{"transactionHash", format_evm_data(t->hash.span())},
                                      {"blockNumber", "0x5"},
                                      {"blockHash", block_hash},
                                      {"transactionIndex", "0x0"},
                                      {"status", "0x1"},
                                      {"gasUsed", "0xc350"}};
            }
        }
        const json::object response{
            {"jsonrpc", "2.0"}, {"id", test::request_id(*request)}, {"result", result}};
        test::write_bytes(socket, test::http_response(200, json::serialize(response)));
    });
}

std::string url_of(const test::FakeNode& node) {
    return "http://127.0.0.1:" + std::to_string(node.endpoint().port) + "/rpc";
}

// A closed polling day in two districts: its election checkpoint is what gets anchored.
struct ClosedDay {
    QTemporaryDir dir;
    test::LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> ledger;

    ClosedDay() {
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
        records.push_back(election::encode_ballot(scenario.next_ballot(0, 0).ballot));
        for (auto& r : ledger->ingest(std::move(records)))
            if (!r) qFatal("ingest: %s", r.error().message.c_str());
        if (auto closed = ledger->close_all_polls(scenario.closings(*ledger)); !closed)
            qFatal("close: %s", closed.error().message.c_str());
        // The ledger key file `psephos anchor --data DIR` opens the ledger with.
        if (auto ok = crypto::write_signing_key_file(
                path_of(dir, "ledger.key"), test::LedgerScenario::ledger_key().master(), "ledger");
            !ok)
            qFatal("%s", ok.error().message.c_str());
    }

    BridgeConfig evm_config(const test::FakeNode& node) {
        EvmChainConfig chain;
        chain.name = "evm-hostile";
        chain.rpc_url = "http://127.0.0.1:" + std::to_string(node.endpoint().port) + "/rpc";
        chain.chain_id = 31337;
        chain.key_file = path_of(dir, "bridge-evm.key");
        if (!std::filesystem::exists(chain.key_file) &&
            !write_secp256k1_key_file(chain.key_file, Secp256k1SigningKey::generate(), "bridge"))
            qFatal("could not write the bridge key");
        BridgeConfig config;
        config.evm.push_back(chain);
        return config;
    }
};

// The single step of the only configured chain's newest intent.
AnchorStep newest_step(AnchorRelay& relay) {
    const std::vector<AnchorStep> steps = relay.step();
    if (steps.empty()) qFatal("no step");
    return steps.back();
}

std::size_t recorded_transactions(const ledger::Ledger& l) {
    std::size_t n = 0;
    for (const auto& a : l.anchors()) n += a.transactions.size();
    return n;
}

std::size_t recorded_confirmations(const ledger::Ledger& l) {
    std::size_t n = 0;
    for (const auto& a : l.anchors()) n += a.confirmed() ? 1 : 0;
    return n;
}

// The relay over `primary`, with `confirm` as its second endpoint if given: records the intent,
// sends the anchor (to the primary) and takes one more step, whose result it returns.
AnchorStep anchor_and_step(ClosedDay& day, const test::FakeNode& primary,
                           const test::FakeNode* confirm) {
    BridgeConfig config = day.evm_config(primary);
    if (confirm != nullptr) config.evm[0].confirm_rpc_url = url_of(*confirm);
    auto relay = AnchorRelay::create(*day.ledger, config).value();
    if (!relay->record_intents("polls-closed")) qFatal("no intent");
    const AnchorStep sent = newest_step(*relay);
    if (sent.progress != AnchorProgress::waiting) qFatal("not sent: %s", sent.message.c_str());
    return newest_step(*relay);
}

}  // namespace

class TestHostileNode : public QObject {
    Q_OBJECT

private slots:
    void honest_fees_are_sent() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        auto node = hostile_node(state);
        auto relay = AnchorRelay::create(*day.ledger, day.evm_config(node)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        const AnchorStep step = newest_step(*relay);
        QVERIFY2(step.progress == AnchorProgress::waiting, step.message.c_str());
        QCOMPARE(state->sent, 1);
        QCOMPARE(recorded_transactions(*day.ledger), std::size_t{1});
    }

    void fee_per_gas_above_the_cap_sends_nothing() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        state->base_fee_wei = 150 * gwei;  // max fee = 2 × 150 + 1 = 301 gwei > 200
        auto node = hostile_node(state);
        auto relay = AnchorRelay::create(*day.ledger, day.evm_config(node)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        const AnchorStep step = newest_step(*relay);
        QVERIFY(step.progress == AnchorProgress::failed);
        QVERIFY2(step.message.find("max fee per gas of 301.000000000 gwei, above the cap of 200 "
                                   "gwei (max_fee_per_gas_gwei)") != std::string::npos,
                 step.message.c_str());
        QCOMPARE(state->sent, 0);
        QCOMPARE(recorded_transactions(*day.ledger), std::size_t{0});
        // The run gives up with that message rather than retrying until the deadline.
        auto done = relay->run_until_done(std::chrono::seconds(5));
        QVERIFY(!done);
        QVERIFY2(done.error().message.find("max_fee_per_gas_gwei") != std::string::npos,
                 done.error().message.c_str());
        QCOMPARE(state->sent, 0);
    }

    void total_fee_above_the_cap_sends_nothing() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        state->base_fee_wei = 50 * gwei;  // 101 gwei per gas: under the per-gas cap
        state->gas = 1'000'000;           // × 1 200 000 gas = 0.1212 ETH > 0.02 ETH
        auto node = hostile_node(state);
        auto relay = AnchorRelay::create(*day.ledger, day.evm_config(node)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        const AnchorStep step = newest_step(*relay);
        QVERIFY(step.progress == AnchorProgress::failed);
        QVERIFY2(step.message.find("max_fee_per_anchor_gwei") != std::string::npos,
                 step.message.c_str());
        QCOMPARE(state->sent, 0);
        QCOMPARE(recorded_transactions(*day.ledger), std::size_t{0});
    }

    void configured_caps_are_used() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        state->base_fee_wei = 150 * gwei;
        auto node = hostile_node(state);
        BridgeConfig config = day.evm_config(node);
        config.evm[0].max_fee_per_gas_gwei = 400;  // the operator accepts 301 gwei
        auto relay = AnchorRelay::create(*day.ledger, config).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        const AnchorStep step = newest_step(*relay);
        QVERIFY2(step.progress == AnchorProgress::waiting, step.message.c_str());
        QCOMPARE(state->sent, 1);
    }

    // The node says the anchor's pending nonce is far below it (as if hundreds of the key's
    // transactions were dropped): the bridge refuses to fill the gap instead of sending hundreds.
    // The caps through `psephos anchor`: the default refuses the node's 301 gwei and sends
    // nothing; --max-fee-per-gas-gwei 400 lets the same quote through; 0 is a usage error.
    void anchor_command_takes_the_fee_caps() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        state->base_fee_wei = 150 * gwei;
        auto node = hostile_node(state);
        const BridgeConfig config = day.evm_config(node);
        day.ledger.reset();  // the command opens it
        const auto config_file = path_of(day.dir, "bridge.json");
        std::ofstream(config_file)
            << "{\"first_retry_ms\": 100, \"max_retry_ms\": 200, "
               "\"evm\": [{\"name\": \"evm-hostile\", \"rpc\": \""
            << config.evm[0].rpc_url
            << "\", \"chain_id\": 31337, \"key_file\": \"bridge-evm.key\"}]}";
        const QStringList anchor{"anchor",
                                 "--data",
                                 day.dir.path(),
                                 "--config",
                                 QString::fromStdString(config_file.string()),
                                 "--timeout",
                                 "2"};
        const test::Run refused = test::run(anchor);
        QVERIFY2(refused.exit_code == 1, qPrintable(test::describe(refused)));
        QVERIFY2(refused.out.contains("above the cap of 200 gwei (max_fee_per_gas_gwei)"),
                 qPrintable(test::describe(refused)));
        QCOMPARE(state->sent, 0);
        const test::Run zero = test::run(anchor + QStringList{"--max-fee-per-gas-gwei", "0"});
        QCOMPARE(zero.exit_code, 2);
        QCOMPARE(state->sent, 0);
        // Raised: signed once and sent (then rebroadcast until the run times out, since this
        // node never mines).
        const test::Run raised = test::run(anchor + QStringList{"--max-fee-per-gas-gwei", "400"});
        QVERIFY2(raised.out.count(QStringLiteral("sent transaction")) == 1,
                 qPrintable(test::describe(raised)));
        QVERIFY(state->sent >= 1);
    }

    void far_nonce_gap_is_not_filled() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        state->pending_nonce = 500;  // no records yet: the first nonce is taken as reported
        auto node = hostile_node(state);
        auto relay = AnchorRelay::create(*day.ledger, day.evm_config(node)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        QVERIFY(newest_step(*relay).progress == AnchorProgress::waiting);
        QCOMPARE(state->sent, 1);
        {
            std::lock_guard lock(state->mutex);
            state->pending_nonce = 0;
            state->latest_nonce = 0;
        }
        const AnchorStep step = newest_step(*relay);
        QVERIFY(step.progress == AnchorProgress::failed);
        QVERIFY2(step.message.find("is 500 below the anchor's nonce 500, more than the 16 "
                                   "transactions max_nonce_gap allows") != std::string::npos,
                 step.message.c_str());
        QCOMPARE(state->sent, 1);
        // A small gap (the node dropped a few of the key's transactions) is still filled.
        {
            std::lock_guard lock(state->mutex);
            state->pending_nonce = 490;
            state->latest_nonce = 490;
        }
        QVERIFY(newest_step(*relay).progress == AnchorProgress::waiting);
        QCOMPARE(state->sent, 1 + 10 + 1);  // ten fillers and the rebroadcast anchor
    }

    // With the bridge's own records at nonce 0, a node reporting 500 for the next anchor is
    // refused.
    void nonce_far_ahead_of_the_bridge_log_is_refused() {
        ClosedDay day;
        auto state = std::make_shared<NodeState>();
        auto node = hostile_node(state);
        auto relay = AnchorRelay::create(*day.ledger, day.evm_config(node)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        QVERIFY(newest_step(*relay).progress == AnchorProgress::waiting);
        QVERIFY(day.ledger->tally().ok());  // the election root moves on: a second intent
        QCOMPARE(relay->record_intents("results").value().size(), std::size_t{1});
        {
            std::lock_guard lock(state->mutex);
            state->pending_nonce = 500;
            state->latest_nonce = 0;
        }
        const std::vector<AnchorStep> steps = relay->step();
        QCOMPARE(steps.size(), std::size_t{2});
        const AnchorStep& second = steps.back();
        QVERIFY(second.progress == AnchorProgress::failed);
        QVERIFY2(second.message.find("next nonce as 500, but the bridge log's highest is 0") !=
                     std::string::npos,
                 second.message.c_str());
        QCOMPARE(recorded_transactions(*day.ledger), std::size_t{1});
    }

    // The attack: the only endpoint lies that the anchor is mined (in a block of its own making),
    // and the relay records the confirmation on its word.
    void lying_node_alone_gets_an_anchor_confirmed() {
        ClosedDay day;
        auto liar = mining_node(std::make_shared<MinedTransactions>(), "forged block 5");
        const AnchorStep step = anchor_and_step(day, liar, nullptr);
        QVERIFY2(step.progress == AnchorProgress::confirmed, step.message.c_str());
        QCOMPARE(recorded_confirmations(*day.ledger), std::size_t{1});
    }

    // The answer: with an honest second endpoint that has not seen the transaction, the liar's
    // word is not enough; the step says the endpoints disagree and nothing is recorded, also
    // after a run until its deadline.
    void lying_primary_is_not_believed_alone() {
        ClosedDay day;
        auto liar = mining_node(std::make_shared<MinedTransactions>(), "forged block 5");
        auto honest = mining_node(std::make_shared<MinedTransactions>(), "block 5");
        const AnchorStep step = anchor_and_step(day, liar, &honest);
        QVERIFY2(step.progress == AnchorProgress::waiting, step.message.c_str());
        QVERIFY2(
            step.message.find("endpoints disagree, not confirmed: the confirming endpoint " +
                              url_of(honest) + " does not report transaction") != std::string::npos,
            step.message.c_str());
        QCOMPARE(recorded_confirmations(*day.ledger), std::size_t{0});
        BridgeConfig config = day.evm_config(liar);
        config.evm[0].confirm_rpc_url = url_of(honest);
        config.first_retry = std::chrono::milliseconds(50);
        auto relay = AnchorRelay::create(*day.ledger, config).value();
        auto done = relay->run_until_done(std::chrono::milliseconds(500));
        QVERIFY(!done);
        QVERIFY2(done.error().message.find("endpoints disagree") != std::string::npos,
                 done.error().message.c_str());
        QCOMPARE(recorded_confirmations(*day.ledger), std::size_t{0});
    }

    // The honest node mined the anchor; the second endpoint lies that it is in another block.
    // And the same transaction in the same block hash but a different block number.
    void lying_confirming_endpoint_is_not_believed() {
        ClosedDay day;
        auto mined = std::make_shared<MinedTransactions>();
        auto honest = mining_node(mined, "block 5");
        auto liar = mining_node(mined, "forged block 5");
        const AnchorStep step = anchor_and_step(day, honest, &liar);
        QVERIFY2(step.progress == AnchorProgress::waiting, step.message.c_str());
        const std::string honest_block = crypto::sha256(as_bytes("block 5")).to_hex();
        const std::string forged_block = crypto::sha256(as_bytes("forged block 5")).to_hex();
        QVERIFY2(
            step.message.find("endpoints disagree, not confirmed: block 5 (0x" + honest_block +
                              ") against block 5 (0x" + forged_block + ")") != std::string::npos,
            step.message.c_str());
        QCOMPARE(recorded_confirmations(*day.ledger), std::size_t{0});
    }

    // Two honest endpoints of one chain agree: confirmed, in the block both report.
    void two_honest_endpoints_confirm() {
        ClosedDay day;
        auto mined = std::make_shared<MinedTransactions>();
        auto first = mining_node(mined, "block 5");
        auto second = mining_node(mined, "block 5");
        const AnchorStep step = anchor_and_step(day, first, &second);
        QVERIFY2(step.progress == AnchorProgress::confirmed, step.message.c_str());
        QCOMPARE(recorded_confirmations(*day.ledger), std::size_t{1});
        // anchors() returns a new list: keep it, not a reference into the temporary.
        const std::vector<election::AnchorState> anchors = day.ledger->anchors();
        QVERIFY(!anchors.empty() && anchors.at(0).confirmation.has_value());
        const auto& confirmation = anchors.at(0).confirmation->second;
        QCOMPARE(confirmation.block_number, std::uint64_t{5});
        QCOMPARE(confirmation.block_hash, crypto::sha256(as_bytes("block 5")));
        QCOMPARE(confirmation.confirmations, std::uint32_t{3});
        QCOMPARE(mined->sent, 1);  // the second endpoint was asked, never sent to
        QVERIFY(second.connections() > 0);
    }

    // Through `psephos anchor --config` with confirm_rpc: each step prints the disagreement and
    // the run ends at its deadline, unconfirmed.
    void anchor_command_reports_the_disagreement() {
        ClosedDay day;
        auto liar = mining_node(std::make_shared<MinedTransactions>(), "forged block 5");
        auto honest = mining_node(std::make_shared<MinedTransactions>(), "block 5");
        day.evm_config(liar);  // writes the bridge key
        day.ledger.reset();    // the command opens it
        const auto config_file = path_of(day.dir, "bridge.json");
        std::ofstream(config_file)
            << "{\"first_retry_ms\": 100, \"max_retry_ms\": 200, "
               "\"evm\": [{\"name\": \"evm-hostile\", \"rpc\": \""
            << url_of(liar) << "\", \"confirm_rpc\": \"" << url_of(honest)
            << "\", \"chain_id\": 31337, \"key_file\": \"bridge-evm.key\"}]}";
        const test::Run run =
            test::run({"anchor", "--data", day.dir.path(), "--config",
                       QString::fromStdString(config_file.string()), "--timeout", "2"});
        QVERIFY2(run.exit_code == 1, qPrintable(test::describe(run)));
        QVERIFY2(run.out.contains("endpoints disagree, not confirmed: the confirming endpoint " +
                                  QString::fromStdString(url_of(honest)) +
                                  " does not report transaction"),
                 qPrintable(test::describe(run)));
        QVERIFY2(!run.out.contains(QStringLiteral("confirmed in block")),
                 qPrintable(test::describe(run)));
    }

    void confirm_rpc_in_the_configuration() {
        QTemporaryDir dir;
        const auto file = path_of(dir, "bridge.json");
        auto read = [&](const std::string& extra) {
            std::ofstream(file) << "{\"evm\": [{\"name\": \"e\", \"rpc\": "
                                   "\"http://127.0.0.1:8545\", \"chain_id\": 1, \"key_file\": "
                                   "\"k\""
                                << extra << "}]}";
            return read_bridge_config(file);
        };
        auto config = read(
            ", \"confirm_rpc\": \"https://node.example/rpc\", "
            "\"confirm_rpc_certificates\": \"node.pem\"");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QCOMPARE(config.value().evm[0].confirm_rpc_url, std::string("https://node.example/rpc"));
        QCOMPARE(config.value().evm[0].confirm_rpc_certificates, path_of(dir, "node.pem"));
        auto same = read(", \"confirm_rpc\": \"http://127.0.0.1:8545\"");
        QVERIFY(!same);
        QVERIFY2(same.error().message.find("confirm_rpc must be another endpoint than rpc") !=
                     std::string::npos,
                 same.error().message.c_str());
        auto bad = read(", \"confirm_rpc\": \"ftp://node\"");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("confirm_rpc: ") != std::string::npos,
                 bad.error().message.c_str());
        auto lone = read(", \"confirm_rpc_certificates\": \"node.pem\"");
        QVERIFY(!lone);
        QVERIFY(lone.error().message.find("confirm_rpc_certificates needs confirm_rpc") !=
                std::string::npos);
    }

    void bitcoin_fee_above_the_cap_records_nothing() {
        ClosedDay day;
        BridgeConfig config;
        BitcoinChainConfig btc;
        btc.name = "btc-regtest";
        btc.network = BitcoinNetwork::regtest;
        btc.key_file = path_of(day.dir, "bridge-btc.key");
        QVERIFY(write_secp256k1_key_file(btc.key_file, Secp256k1SigningKey::generate(), "bridge"));
        btc.utxo = {crypto::sha256(as_bytes("tst_hostile_node")), 0, 10'000'000};
        btc.fee_rate_sat_per_vbyte = 150;  // under the rate cap, but ≈ 150 vB × 150 > 20 000
        btc.max_fee_sat = 20'000;
        btc.out_dir = path_of(day.dir, "anchors");
        config.bitcoin.push_back(btc);
        auto relay = AnchorRelay::create(*day.ledger, config).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        const AnchorStep step = newest_step(*relay);
        QVERIFY(step.progress == AnchorProgress::failed);
        QVERIFY2(step.message.find("above the cap of 20000 sat per anchor (max_fee_sat)") !=
                     std::string::npos,
                 step.message.c_str());
        QCOMPARE(recorded_transactions(*day.ledger), std::size_t{0});
        QVERIFY(!std::filesystem::exists(btc.out_dir / "btc-regtest-anchor-0.hex"));
    }

    void bitcoin_rate_above_the_rate_cap_is_a_configuration_error() {
        QTemporaryDir dir;
        const auto file = path_of(dir, "bridge.json");
        std::ofstream(file) << "{\"bitcoin\": [{\"name\": \"btc\", \"network\": \"regtest\", "
                               "\"key_file\": \"k\", \"utxo\": {\"txid\": \""
                            << std::string(64, 'a')
                            << "\", \"vout\": 0, \"amount_sat\": 100000}, "
                               "\"fee_rate_sat_per_vbyte\": 300, \"out_dir\": \"a\"}]}";
        auto config = read_bridge_config(file);
        QVERIFY(!config);
        QVERIFY2(config.error().message.find(
                     "fee_rate_sat_per_vbyte 300 is above max_fee_rate_sat_per_vbyte 200") !=
                     std::string::npos,
                 config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestHostileNode)
#include "tst_hostile_node.moc"
