// The demo's bridge phase (demo_anchor.hpp, docs/bridge.md): real anchoring through the relay,
// with keys made for the run, and the proof bundle of one voter's receipt.
#include "demo_anchor.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::app {

namespace {

namespace json = boost::json;
using namespace psephos::bridge;

constexpr const char* default_rpc = "http://127.0.0.1:8545";

std::filesystem::path contract_json() {
    for (const std::filesystem::path& p : {std::filesystem::path(PSEPHOS_SOURCE_CONTRACTS_DIR),
                                           std::filesystem::path("/usr/share/psephos/contracts")}) {
        if (std::filesystem::exists(p / "ElectionAnchor.json")) return p / "ElectionAnchor.json";
    }
    return {};
}

// Funds `to` with 1 ETH from the node's first unlocked account: what a development node (Hardhat,
// Ganache, Anvil) offers. A real network refuses, and the demo then says what to do.
Status fund_from_dev_account(JsonRpcClient& rpc, const EvmAddress& to) {
    auto accounts = rpc.call("eth_accounts", {});
    if (!accounts) return accounts.error();
    if (!accounts.value().is_array() || accounts.value().as_array().empty() ||
        !accounts.value().as_array()[0].is_string())
        return make_error(ErrorCode::refused,
                          "the node has no unlocked account to fund the bridge");
    json::object tx{{"from", accounts.value().as_array()[0]},
                    {"to", to.to_checksum_text()},
                    {"value", "0xde0b6b3a7640000"}};
    auto sent = rpc.call("eth_sendTransaction", {tx});
    if (!sent) return sent.error();
    auto hash =
        sent.value().is_string()
            ? parse_evm_hash(sent.value().as_string())
            : Result<Hash32>(Error{ErrorCode::invalid_encoding, "eth_sendTransaction: no hash"});
    if (!hash) return hash.error();
    EvmClient client(rpc);
    for (int i = 0; i < 120; ++i) {
        auto receipt = client.transaction_receipt(hash.value());
        if (!receipt) return receipt.error();
        if (receipt.value()) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return make_error(ErrorCode::io_error, "the funding transaction was not mined in 30 s");
}

}  // namespace

DemoBridge::DemoBridge(std::filesystem::path dir, const std::string& rpc_given,
                       const std::string& rpc_certificates, std::ostream& out)
    : dir_(std::move(dir)),
      rpc_(rpc_given.empty() ? default_rpc : rpc_given),
      rpc_certificates_(rpc_certificates),
      out_(out) {
    std::filesystem::create_directories(dir_);
    // Keys made for this run, in key files like any bridge's (mode 0600).
    const auto evm_key_file = dir_ / "bridge-evm.key";
    const auto btc_key_file = dir_ / "bridge-btc.key";
    for (const auto& file : {evm_key_file, btc_key_file}) {
        if (std::filesystem::exists(file)) continue;
        if (auto ok =
                write_secp256k1_key_file(file, Secp256k1SigningKey::generate(), "demo-bridge");
            !ok)
            throw std::runtime_error(ok.error().message);
    }
    const auto evm_key = read_secp256k1_key_file(evm_key_file).value();
    const EvmAddress sender = EvmAddress::of_public_key(evm_key.uncompressed_public_key());
    config_.first_retry = std::chrono::milliseconds(200);
    config_.max_retry = std::chrono::milliseconds(2000);

    // EVM: the endpoint given, or a development node on the default port if one answers.
    RpcTimeouts probe_timeouts{std::chrono::milliseconds(500), std::chrono::milliseconds(3000)};
    auto endpoint = RpcEndpoint::parse(rpc_);
    if (!endpoint) throw std::runtime_error("--anchor-rpc: " + endpoint.error().message);
    // Every client of the demo's node trusts the same certificates.
    auto client_of = [&](RpcTimeouts timeouts) {
        JsonRpcClient rpc(endpoint.value(), timeouts);
        if (!rpc_certificates_.empty()) rpc.use_trusted_certificates(rpc_certificates_);
        return rpc;
    };
    EvmClient probe{client_of(probe_timeouts)};
    auto chain_id = probe.chain_id();
    if (!chain_id) {
        evm_note_ = "no EVM node answered at " + rpc_ + " (" + chain_id.error().message +
                    "); start one (tests/peers: node start-node.js) or give --anchor-rpc";
        if (!rpc_given.empty()) throw std::runtime_error(evm_note_);
    } else {
        EvmChainConfig chain;
        chain.name = "evm-" + std::to_string(chain_id.value());
        chain.rpc_url = rpc_;
        chain.rpc_certificates = rpc_certificates_;
        chain.chain_id = chain_id.value();
        chain.key_file = evm_key_file;
        JsonRpcClient funding = client_of(probe_timeouts);
        if (auto funded = fund_from_dev_account(funding, sender); !funded) {
            evm_note_ = "could not fund the demo's bridge key " + sender.to_checksum_text() +
                        " from a development account (" + funded.error().message +
                        "); fund it and run psephos anchor";
        } else {
            if (const auto artifact = contract_json(); !artifact.empty()) {
                auto contract = deploy_election_anchor(chain, artifact, std::chrono::seconds(60));
                if (!contract) throw std::runtime_error(contract.error().message);
                chain.contract = contract.value();
                out_ << "  ElectionAnchor deployed at " << contract.value().to_checksum_text()
                     << " (chain id " << chain.chain_id << ")\n";
            }
            config_.evm.push_back(chain);
        }
    }
    if (!evm_note_.empty()) out_ << "  EVM: " << evm_note_ << "\n";
    // Bitcoin (regtest): the demo's bridge key spends a demonstration output; with no node
    // configured, the signed transaction is written out for broadcasting.
    BitcoinChainConfig btc;
    btc.name = "btc-regtest";
    btc.network = BitcoinNetwork::regtest;
    btc.key_file = btc_key_file;
    btc.utxo = {crypto::sha256(as_bytes("psephos demo: a regtest output of the bridge key")), 0,
                100'000};
    btc.fee_rate_sat_per_vbyte = 2;
    btc.out_dir = dir_;
    config_.bitcoin.push_back(btc);
}

void DemoBridge::anchor(ledger::Ledger& l, std::string_view reason) {
    auto relay = AnchorRelay::create(l, config_);
    if (!relay) throw std::runtime_error(relay.error().message);
    auto intents = relay.value()->record_intents(reason);
    if (!intents) throw std::runtime_error(intents.error().message);
    // Each new intent's outcome once (the relay polls until every chain is done).
    std::set<std::uint64_t> pending(intents.value().begin(), intents.value().end());
    auto done = relay.value()->run_until_done(std::chrono::seconds(120), [&](const AnchorStep& s) {
        if ((s.progress == AnchorProgress::confirmed ||
             s.progress == AnchorProgress::written_out) &&
            pending.erase(s.intent_index) == 1)
            out_ << "  " << s.chain << ": " << to_string(s.progress) << ": " << s.message
                 << (s.progress == AnchorProgress::confirmed && s.transaction_id
                         ? ", transaction " + s.transaction_id->to_hex()
                         : std::string())
                 << "\n";
    });
    if (!done) throw std::runtime_error(done.error().message);
}

DemoAnchorOutcome DemoBridge::prove(ledger::Ledger& l, const Hash32& tracking_code) {
    DemoAnchorOutcome outcome;
    outcome.evm_note = evm_note_;
    for (const auto& a : l.anchors()) {
        ++outcome.anchors;
        if (a.intent.kind == election::ChainKind::evm && a.confirmed()) outcome.evm_anchored = true;
    }
    // The voter's proof bundle, checked offline (and on chain when anchored there) against the
    // bridge's own addresses and contract, as a voter would against the published ones.
    std::vector<Utxo> funding;
    BundleTrust trust;
    for (const BitcoinChainConfig& c : config_.bitcoin) {
        funding.push_back(c.utxo);
        const auto key = read_secp256k1_key_file(c.key_file);
        if (!key) throw std::runtime_error(key.error().message);
        trust.bridge_addresses.push_back(
            P2wpkhAddress::of_public_key(key.value().compressed_public_key(), c.network)
                .to_string());
    }
    for (const EvmChainConfig& c : config_.evm) {
        const auto key = read_secp256k1_key_file(c.key_file);
        if (!key) throw std::runtime_error(key.error().message);
        trust.bridge_addresses.push_back(
            EvmAddress::of_public_key(key.value().uncompressed_public_key()).to_checksum_text());
        if (c.contract) trust.bridge_contracts.push_back(c.contract->to_checksum_text());
    }
    auto join = [](const std::vector<std::string>& list) {
        std::string out;
        for (const std::string& item : list) out += (out.empty() ? "" : ",") + item;
        return out;
    };
    outcome.trust_options =
        "--bridge-address " + join(trust.bridge_addresses) +
        (trust.bridge_contracts.empty() ? std::string()
                                        : " --bridge-contract " + join(trust.bridge_contracts));
    auto bundle = make_proof_bundle(l, tracking_code.to_hex(), funding);
    if (!bundle) throw std::runtime_error(bundle.error().message);
    outcome.bundle = dir_ / "receipt-proof.json";
    std::filesystem::remove(outcome.bundle);
    if (auto ok =
            crypto::write_new_file(outcome.bundle, proof_bundle_to_json(bundle.value()), 0644);
        !ok)
        throw std::runtime_error(ok.error().message);
    auto checks = verify_proof_bundle(bundle.value(), trust);
    if (outcome.evm_anchored) {
        for (auto& c : verify_anchors_on_chain(bundle.value(), rpc_, rpc_certificates_))
            checks.push_back(c);
    }
    outcome.checks = checks.size();
    for (const auto& c : checks) {
        if (c.passed) {
            ++outcome.passed;
        } else {
            out_ << "  FAIL " << c.id << " " << c.name << ": " << c.detail << "\n";
        }
    }
    outcome.bundle_verified = outcome.passed == outcome.checks && outcome.checks > 0;
    return outcome;
}

}  // namespace psephos::app
