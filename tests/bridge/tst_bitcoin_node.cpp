// The relay's Bitcoin path through a node (docs/bridge.md §1): JSON-RPC 1.0 as Bitcoin Core
// speaks it, HTTP Basic authentication (password or cookie file), broadcasting the recorded
// transaction once, and recording its confirmation from getrawtransaction/getblockheader.
// Debian 12 packages no bitcoind, so the node is a fake that follows Bitcoin Core's answers
// (v27: "result" and "error" both present, errors with HTTP 500); the transaction itself is
// checked by bitcoinjs-lib in bridge_anchor_hardhat.
//
// Two nodes (docs/bridge.md §2, "Two endpoints"): with confirm_rpc set, a confirmation needs the
// second node's agreement; a lying node, first or second, keeps the anchor unconfirmed.
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "fake_json_rpc_node.hpp"
#include "ledger_scenario.hpp"
#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/secp256k1_key.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::test::FakeNode;

namespace {

namespace json = boost::json;

// The transactions a chain knows (txid → confirmations so far, and the raw hex), shared by the
// fake nodes that serve it.
struct FakeChain {
    std::mutex mutex;
    std::map<std::string, std::int64_t> confirmations;
    std::map<std::string, std::string> hex;
};

// Bitcoin Core's behaviour for the four calls the relay makes, each getrawtransaction of a
// known transaction counting one more block. Its blocks' hashes are 64 times `block_digit`: two
// nodes over one FakeChain with one digit are honest nodes of one chain; another digit, or a
// chain of its own, makes a liar.
class FakeBitcoind {
public:
    explicit FakeBitcoind(std::string expected_authorization,
                          std::shared_ptr<FakeChain> chain = std::make_shared<FakeChain>(),
                          char block_digit = 'b')
        : expected_authorization_(std::move(expected_authorization)),
          chain_(std::move(chain)),
          block_digit_(block_digit),
          node_([this](FakeNode::Socket& socket) { serve(socket); }) {}

    std::string url() const { return "http://127.0.0.1:" + std::to_string(node_.endpoint().port); }
    int broadcasts() const {
        std::lock_guard lock(mutex_);
        return broadcasts_;
    }
    std::set<std::string> versions() const {
        std::lock_guard lock(mutex_);
        return versions_;
    }
    int unauthorized() const {
        std::lock_guard lock(mutex_);
        return unauthorized_;
    }

private:
    void serve(FakeNode::Socket& socket) {
        auto request = test::read_request(socket);
        if (!request || !request->body.is_object()) return;
        std::lock_guard lock(mutex_);
        std::lock_guard chain_lock(chain_->mutex);
        auto& confirmations_ = chain_->confirmations;
        if (request->authorization != expected_authorization_) {
            ++unauthorized_;
            test::write_bytes(socket,
                              "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n");
            return;
        }
        const json::object& body = request->body.as_object();
        if (const json::value* v = body.if_contains("jsonrpc"))
            versions_.insert(std::string(v->as_string()));
        const std::string method(body.at("method").as_string());
        const json::array& params = body.at("params").as_array();
        json::object answer{{"id", body.at("id")}, {"result", nullptr}, {"error", nullptr}};
        unsigned status = 200;
        auto fail = [&](int code, const char* message) {
            status = 500;
            answer["error"] = {{"code", code}, {"message", message}};
        };
        if (method == "sendrawtransaction") {
            auto raw = from_hex(std::string(params.at(0).as_string()));
            auto tx =
                raw ? decode_bitcoin_transaction(raw.value())
                    : Result<DecodedBitcoinTransaction>(Error{ErrorCode::invalid_encoding, ""});
            if (!tx) {
                fail(-22, "TX decode failed");
            } else if (confirmations_.count(tx.value().txid.to_hex())) {
                fail(-26, "txn-already-in-mempool");
            } else {
                ++broadcasts_;
                confirmations_[tx.value().txid.to_hex()] = 0;
                chain_->hex[tx.value().txid.to_hex()] = std::string(params.at(0).as_string());
                answer["result"] = tx.value().txid.to_hex();
            }
        } else if (method == "getrawtransaction") {
            const std::string txid(params.at(0).as_string());
            auto it = confirmations_.find(txid);
            if (it == confirmations_.end()) {
                fail(-5,
                     "No such mempool or blockchain transaction. Use gettransaction for "
                     "wallet transactions.");
            } else {
                json::object info{{"txid", txid}, {"hex", chain_->hex[txid]}};
                if (it->second > 0) {
                    info["confirmations"] = it->second;
                    info["blockhash"] = std::string(64, block_digit_);
                }
                ++it->second;  // a block passes between looks
                answer["result"] = info;
            }
        } else if (method == "getblockheader") {
            answer["result"] = {{"hash", params.at(0)}, {"height", 2041}};
        } else {
            status = 404;
            fail(-32601, "Method not found");
        }
        test::write_bytes(socket, test::http_response(status, json::serialize(answer)));
    }

    std::string expected_authorization_;
    std::shared_ptr<FakeChain> chain_;
    char block_digit_;
    mutable std::mutex mutex_;
    std::set<std::string> versions_;
    int broadcasts_ = 0;
    int unauthorized_ = 0;
    FakeNode node_;  // last: its thread stops before the state above goes
};

std::string basic(std::string_view user_password) {
    return "Basic " + to_base64(as_bytes(user_password));
}

struct Election {
    test::LedgerScenario scenario;
    std::unique_ptr<ledger::Ledger> ledger;
    explicit Election(const QTemporaryDir& dir) {
        ledger::LedgerOptions o;
        o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
        o.threads = 2;
        ledger = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                        test::LedgerScenario::ledger_key())
                     .value();
        for (auto& r : ledger->ingest({scenario.registration(0),
                                       scenario.polls(election::PollsAction::opened, 0),
                                       scenario.next_cast(0, 1)}))
            if (!r) qFatal("%s", r.error().message.c_str());
        if (auto closed = ledger->close_all_polls(scenario.closings(*ledger)); !closed)
            qFatal("%s", closed.error().message.c_str());
    }
};

BitcoinChainConfig chain_for(const QTemporaryDir& dir, const std::string& url) {
    const auto key_file = std::filesystem::path(dir.path().toStdString()) / "bridge-btc.key";
    if (!std::filesystem::exists(key_file))
        (void)write_secp256k1_key_file(key_file, Secp256k1SigningKey::generate(), "btc");
    BitcoinChainConfig c;
    c.name = "btc";
    c.network = BitcoinNetwork::regtest;
    c.key_file = key_file;
    c.utxo = {Hash32::from_hex(std::string(64, 'c')).value(), 0, 80'000};
    c.out_dir = std::filesystem::path(dir.path().toStdString()) / "anchors";
    c.rpc_url = url;
    c.confirmations = 3;
    c.timeouts.connect = std::chrono::milliseconds(500);
    c.timeouts.request = std::chrono::milliseconds(2000);
    return c;
}

BridgeConfig config_of(BitcoinChainConfig chain) {
    BridgeConfig config;
    config.bitcoin.push_back(std::move(chain));
    config.first_retry = std::chrono::milliseconds(20);
    config.max_retry = std::chrono::milliseconds(100);
    return config;
}

}  // namespace

class TestBitcoinNode : public QObject {
    Q_OBJECT

private slots:
    void broadcasts_once_and_records_the_confirmation() {
        QTemporaryDir dir;
        Election e(dir);
        FakeBitcoind node(basic("alice:s3cret"));
        BitcoinChainConfig chain = chain_for(dir, node.url());
        chain.credentials = {"alice", "s3cret"};
        {
            // The first bridge sends, then stops before any confirmation (a restart).
            auto relay = AnchorRelay::create(*e.ledger, config_of(chain)).value();
            QVERIFY(relay->record_intents("polls-closed").ok());
            const auto steps = relay->step();
            QCOMPARE(steps.size(), std::size_t{1});
            QVERIFY2(steps[0].progress == AnchorProgress::waiting, steps[0].message.c_str());
        }
        auto relay = AnchorRelay::create(*e.ledger, config_of(chain)).value();
        auto done = relay->run_until_done(std::chrono::seconds(20));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        QCOMPARE(node.broadcasts(), 1);
        QCOMPARE(node.unauthorized(), 0);
        QVERIFY(node.versions() == std::set<std::string>{"1.0"});
        const auto anchors = e.ledger->anchors();
        QCOMPARE(anchors[0].transactions.size(), std::size_t{1});
        QVERIFY(anchors[0].confirmed());
        QCOMPARE(anchors[0].confirmation->second.block_number, std::uint64_t{2041});
        QVERIFY(anchors[0].confirmation->second.confirmations >= 3);
        QVERIFY(anchors[0].confirmation->second.transaction_id ==
                anchors[0].transactions[0].second.transaction_id);
    }

    void authenticates_with_the_cookie_file() {
        QTemporaryDir dir;
        Election e(dir);
        FakeBitcoind node(basic("__cookie__:0123abcd"));
        BitcoinChainConfig chain = chain_for(dir, node.url());
        chain.cookie_file = std::filesystem::path(dir.path().toStdString()) / ".cookie";
        std::ofstream(chain.cookie_file) << "__cookie__:0123abcd";
        auto relay = AnchorRelay::create(*e.ledger, config_of(chain)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        auto done = relay->run_until_done(std::chrono::seconds(20));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        QCOMPARE(node.broadcasts(), 1);
    }

    void wrong_password_is_retried_and_reported() {
        QTemporaryDir dir;
        Election e(dir);
        FakeBitcoind node(basic("alice:s3cret"));
        BitcoinChainConfig chain = chain_for(dir, node.url());
        chain.credentials = {"alice", "wrong"};
        auto relay = AnchorRelay::create(*e.ledger, config_of(chain)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        auto done = relay->run_until_done(std::chrono::milliseconds(500));
        QVERIFY(!done);
        QVERIFY2(done.error().message.find("HTTP status 401") != std::string::npos,
                 done.error().message.c_str());
        QVERIFY(done.error().message.find("wrong") == std::string::npos);  // no password shown
        QCOMPARE(node.broadcasts(), 0);
        QVERIFY(node.unauthorized() > 0);
        // The transaction is recorded and written out all the same, ready for the retry.
        QCOMPARE(e.ledger->anchors()[0].transactions.size(), std::size_t{1});
    }

    // Two honest nodes of one chain (the second with its own password): confirmed, once.
    void two_honest_nodes_confirm() {
        QTemporaryDir dir;
        Election e(dir);
        auto chain = std::make_shared<FakeChain>();
        FakeBitcoind first(basic("alice:s3cret"), chain);
        FakeBitcoind second(basic("bob:other"), chain);
        BitcoinChainConfig config = chain_for(dir, first.url());
        config.credentials = {"alice", "s3cret"};
        config.confirm.rpc_url = second.url();
        config.confirm.credentials = {"bob", "other"};
        auto relay = AnchorRelay::create(*e.ledger, config_of(config)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        auto done = relay->run_until_done(std::chrono::seconds(20));
        QVERIFY2(done.ok(), done ? "" : done.error().message.c_str());
        QCOMPARE(first.broadcasts(), 1);
        QCOMPARE(second.broadcasts(), 0);  // asked, never sent to
        QCOMPARE(second.unauthorized(), 0);
        QVERIFY(e.ledger->anchors()[0].confirmed());
        QCOMPARE(e.ledger->anchors()[0].confirmation->second.block_hash,
                 Hash32::from_hex(std::string(64, 'b')).value());
    }

    // A lying first node that "mines" the anchor on a chain of its own, beside an honest second
    // node that never saw it; then an honest first node beside a second that names another block.
    // Neither gets a confirmation recorded; alone, the liar would.
    void lying_node_is_not_believed_alone_data() {
        QTest::addColumn<bool>("liar_first");
        QTest::newRow("liar first") << true;
        QTest::newRow("liar second") << false;
    }
    void lying_node_is_not_believed_alone() {
        QFETCH(bool, liar_first);
        QTemporaryDir dir;
        Election e(dir);
        auto chain = std::make_shared<FakeChain>();
        FakeBitcoind honest(basic("alice:s3cret"),
                            liar_first ? std::make_shared<FakeChain>() : chain);
        FakeBitcoind liar(basic("alice:s3cret"), chain, 'f');
        BitcoinChainConfig config = chain_for(dir, liar_first ? liar.url() : honest.url());
        config.credentials = {"alice", "s3cret"};
        config.confirm.rpc_url = liar_first ? honest.url() : liar.url();
        config.confirm.credentials = config.credentials;
        auto relay = AnchorRelay::create(*e.ledger, config_of(config)).value();
        QVERIFY(relay->record_intents("polls-closed").ok());
        auto done = relay->run_until_done(std::chrono::milliseconds(600));
        QVERIFY(!done);
        const std::string expected =
            liar_first
                ? "endpoints disagree, not confirmed: the confirming node " + honest.url() +
                      " does not know transaction"
                : "endpoints disagree, not confirmed: the confirming node " + liar.url() +
                      " reports block " + std::string(64, 'f') + " against " + std::string(64, 'b');
        QVERIFY2(done.error().message.find(expected) != std::string::npos,
                 done.error().message.c_str());
        QVERIFY(!e.ledger->anchors()[0].confirmed());
        if (liar_first) {
            // The same liar alone: confirmed on its word.
            config.confirm = {};
            auto alone = AnchorRelay::create(*e.ledger, config_of(config)).value();
            QVERIFY(alone->run_until_done(std::chrono::seconds(20)).ok());
            QVERIFY(e.ledger->anchors()[0].confirmed());
        }
    }

    void confirm_rpc_in_the_bitcoin_configuration() {
        QTemporaryDir dir;
        const auto file = std::filesystem::path(dir.path().toStdString()) / "bridge.json";
        auto read = [&](const std::string& extra) {
            std::ofstream(file) << "{\"bitcoin\": [{\"name\": \"btc\", \"network\": \"regtest\", "
                                   "\"key_file\": \"k\", \"utxo\": {\"txid\": \""
                                << std::string(64, 'a')
                                << "\", \"vout\": 0, \"amount_sat\": 100000}, \"out_dir\": \"a\""
                                << extra << "}]}";
            return read_bridge_config(file);
        };
        const std::string first =
            ", \"rpc\": \"http://127.0.0.1:18443\", \"rpc_user\": \"u\", \"rpc_password\": \"p\"";
        auto config = read(first +
                           ", \"confirm_rpc\": \"https://btc.example:8332\", "
                           "\"confirm_rpc_cookie_file\": \"other.cookie\", "
                           "\"confirm_rpc_certificates\": \"other.pem\"");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        const BitcoinNodeAccess& confirm = config.value().bitcoin[0].confirm;
        QCOMPARE(confirm.rpc_url, std::string("https://btc.example:8332"));
        QVERIFY(confirm.cookie_file.is_absolute());
        QCOMPARE(confirm.rpc_certificates.filename().string(), std::string("other.pem"));
        auto clear = read(first +
                          ", \"confirm_rpc\": \"http://192.0.2.1:8332\", "
                          "\"confirm_rpc_user\": \"u\", \"confirm_rpc_password\": \"p\"");
        QVERIFY(!clear);
        QVERIFY2(clear.error().message.find("confirm_rpc: credentials go only over https") !=
                     std::string::npos,
                 clear.error().message.c_str());
        auto same = read(first +
                         ", \"confirm_rpc\": \"http://127.0.0.1:18443\", "
                         "\"confirm_rpc_user\": \"u\", \"confirm_rpc_password\": \"p\"");
        QVERIFY(!same);
        QVERIFY(same.error().message.find("confirm_rpc must be another endpoint than rpc") !=
                std::string::npos);
        auto lone = read(first + ", \"confirm_rpc_user\": \"u\"");
        QVERIFY(!lone);
        QVERIFY(lone.error().message.find("confirm_rpc_user needs confirm_rpc") !=
                std::string::npos);
        auto without_rpc = read(", \"confirm_rpc\": \"http://127.0.0.1:1\"");
        QVERIFY(!without_rpc);
        QVERIFY(without_rpc.error().message.find("confirm_rpc needs rpc") != std::string::npos);
    }

    void bitcoin_core_dialect_reads_json_rpc_1_0_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("result_in_core");
        QTest::addColumn<bool>("error_in_core");
        QTest::addColumn<bool>("accepted_strict");
        QTest::newRow("1.0 result")
            << 200 << R"({"result":"ab","error":null,"id":1})" << true << false << false;
        QTest::newRow("1.0 error, HTTP 500")
            << 500 << R"({"result":null,"error":{"code":-5,"message":"No such"},"id":1})" << false
            << true << false;
        QTest::newRow("unknown method, HTTP 404")
            << 404
            << R"({"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1})"
            << false << true << false;
        QTest::newRow("2.0 result")
            << 200 << R"({"jsonrpc":"2.0","result":1,"id":1})" << true << false << true;
        QTest::newRow("HTTP 500 without an answer")
            << 500 << "Internal error" << false << false << false;
        QTest::newRow("null error and no result")
            << 200 << R"({"error":null,"id":1})" << false << false << false;
    }
    void bitcoin_core_dialect_reads_json_rpc_1_0() {
        QFETCH(int, status);
        QFETCH(QString, body);
        QFETCH(bool, result_in_core);
        QFETCH(bool, error_in_core);
        QFETCH(bool, accepted_strict);
        auto core = parse_json_rpc_response("m", 1, static_cast<unsigned>(status),
                                            body.toStdString(), JsonRpcDialect::bitcoin_core);
        QCOMPARE(core.ok() && std::holds_alternative<json::value>(core.value()), result_in_core);
        QCOMPARE(core.ok() && std::holds_alternative<JsonRpcErrorObject>(core.value()),
                 error_in_core);
        auto strict =
            parse_json_rpc_response("m", 1, static_cast<unsigned>(status), body.toStdString());
        QCOMPARE(strict.ok(), accepted_strict);
    }
};

QTEST_APPLESS_MAIN(TestBitcoinNode)
#include "tst_bitcoin_node.moc"
