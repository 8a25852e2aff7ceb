// The bridge's commands (docs/cli.md §12): bridge-key, anchor (and anchor status), proof (and
// proof verify). Anchoring state lives in the ledger's bridge log, so `psephos anchor` can be
// interrupted and run again at any point without anchoring anything twice.
#include <boost/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/bridge/tlog_proof.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::app {

namespace {

namespace json = boost::json;
using ledger::Ledger;

Result<bridge::BitcoinNetwork> network_of(std::string_view name) {
    if (name == "mainnet") return bridge::BitcoinNetwork::mainnet;
    if (name == "testnet") return bridge::BitcoinNetwork::testnet;
    if (name == "regtest") return bridge::BitcoinNetwork::regtest;
    return make_error(
        ErrorCode::invalid_argument,
        "--network must be mainnet, testnet or regtest, not '" + std::string(name) + "'");
}

void print_step(const bridge::AnchorStep& s) {
    std::cout << "  " << s.chain << " (intent " << s.intent_index
              << "): " << bridge::to_string(s.progress) << ": " << s.message << std::endl;
}

std::string anchor_state_text(const election::AnchorState& a) {
    if (a.confirmed()) {
        return "confirmed in block " + std::to_string(a.confirmation->second.block_number) + " (" +
               std::to_string(a.confirmation->second.confirmations) + " confirmations)";
    }
    if (a.transactions.empty()) return "intent only: nothing signed yet";
    return std::to_string(a.transactions.size()) + " transaction(s), not confirmed";
}

int anchor_status(const Arguments& args) {
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const std::vector<election::AnchorState> anchors = opened.value()->anchors();
    if (args.has_switch("--json")) {
        json::array out;
        for (const auto& a : anchors) {
            json::array transactions;
            for (const auto& [index, t] : a.transactions) {
                transactions.push_back({{"bridge_index", index},
                                        {"transaction_id", t.transaction_id.to_hex()},
                                        {"nonce", t.nonce},
                                        {"sender", t.sender},
                                        {"raw_transaction", to_hex(t.raw_transaction)}});
            }
            json::object o{{"intent_index", a.intent_index},
                           {"chain", a.intent.chain},
                           {"kind", std::string(election::to_string(a.intent.kind))},
                           {"network", a.intent.network},
                           {"reason", a.intent.reason},
                           {"payload", to_hex(a.intent.payload)},
                           {"election_log_size", a.payload.election_log_size},
                           {"election_root", a.payload.election_root.to_hex()},
                           {"transactions", std::move(transactions)}};
            if (a.confirmation) {
                const auto& c = a.confirmation->second;
                o["confirmation"] = {{"transaction_id", c.transaction_id.to_hex()},
                                     {"block_number", c.block_number},
                                     {"block_hash", c.block_hash.to_hex()},
                                     {"confirmations", c.confirmations}};
            } else {
                o["confirmation"] = nullptr;
            }
            out.push_back(std::move(o));
        }
        std::cout << json::serialize(out) << '\n';
        return exit_ok;
    }
    if (anchors.empty()) std::cout << "no anchors recorded\n";
    for (const auto& a : anchors) {
        std::cout << "intent " << a.intent_index << ": chain '" << a.intent.chain << "' ("
                  << election::to_string(a.intent.kind) << " " << a.intent.network << "), "
                  << a.intent.reason << ", election log size " << a.payload.election_log_size
                  << " root " << a.payload.election_root.to_hex() << "\n  " << anchor_state_text(a)
                  << '\n';
        for (const auto& [index, t] : a.transactions)
            std::cout << "  transaction " << t.transaction_id.to_hex() << " from " << t.sender
                      << (a.intent.kind == election::ChainKind::evm
                              ? " nonce " + std::to_string(t.nonce)
                              : std::string())
                      << '\n';
    }
    return exit_ok;
}

}  // namespace

int run_bridge_key_command(Words words) {
    const CommandSpec spec{"psephos bridge-key --out FILE [--name NAME] [--network NETWORK]",
                           {"--out", "--name", "--network"},
                           {},
                           0,
                           0};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    auto out = args->required("--out");
    if (!out) return usage_error(spec, out.error().message);
    auto network = network_of(args->value("--network").value_or("regtest"));
    if (!network) return usage_error(spec, network.error().message);
    const bridge::Secp256k1SigningKey key = bridge::Secp256k1SigningKey::generate();
    if (auto ok = bridge::write_secp256k1_key_file(out.value(), key,
                                                   args->value("--name").value_or("bridge"));
        !ok)
        return failure(ok.error().message);
    std::cout << "wrote " << out.value() << " (mode 0600)\n"
              << "EVM address:     "
              << bridge::EvmAddress::of_public_key(key.uncompressed_public_key()).to_checksum_text()
              << "\nBitcoin address: "
              << bridge::P2wpkhAddress::of_public_key(key.compressed_public_key(), network.value())
                     .to_string()
              << " (" << bridge::to_string(network.value()) << ")\n";
    return exit_ok;
}

int run_anchor_command(Words words) {
    const CommandSpec spec{
        "psephos anchor --data DIR --config FILE [--key FILE] [--reason REASON] [--timeout S]\n"
        "             [--max-fee-per-gas-gwei N] [--max-anchor-fee-gwei N]\n"
        "             [--max-anchor-fee-sat N]\n"
        "       psephos anchor status --data DIR [--json]",
        {"--data", "--config", "--key", "--reason", "--timeout", "--max-fee-per-gas-gwei",
         "--max-anchor-fee-gwei", "--max-anchor-fee-sat"},
        {"--json"},
        0,
        1};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    if (!args->value("--data")) return usage_error(spec, "missing --data");
    if (!args->positional().empty()) {
        if (args->positional()[0] != "status")
            return usage_error(spec, "unknown subcommand '" + args->positional()[0] + "'");
        return anchor_status(*args);
    }
    auto config_path = args->required("--config");
    if (!config_path) return usage_error(spec, config_path.error().message);
    const std::string reason = args->value("--reason").value_or("manual");
    auto timeout = args->number("--timeout", 1, 24 * 3600, 300);
    if (!timeout) return usage_error(spec, timeout.error().message);
    // Fee caps for every chain, over the configuration's (docs/bridge.md §2, "Limits"); 0 means
    // the option is absent (each cap is at least 1).
    auto gas_cap = args->number("--max-fee-per-gas-gwei", 1, bridge::max_evm_fee_cap_gwei, 0);
    if (!gas_cap) return usage_error(spec, gas_cap.error().message);
    auto anchor_cap = args->number("--max-anchor-fee-gwei", 1, bridge::max_evm_fee_cap_gwei, 0);
    if (!anchor_cap) return usage_error(spec, anchor_cap.error().message);
    auto sat_cap = args->number("--max-anchor-fee-sat", 1, bridge::max_money_sat, 0);
    if (!sat_cap) return usage_error(spec, sat_cap.error().message);
    auto config = bridge::read_bridge_config(config_path.value());
    if (!config) return failure(config.error().message);
    for (auto& c : config.value().evm) {
        if (gas_cap.value() != 0) c.max_fee_per_gas_gwei = gas_cap.value();
        if (anchor_cap.value() != 0) c.max_fee_per_anchor_gwei = anchor_cap.value();
    }
    for (auto& c : config.value().bitcoin)
        if (sat_cap.value() != 0) c.max_fee_sat = sat_cap.value();
    auto opened = open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    auto relay = bridge::AnchorRelay::create(l, std::move(config).value());
    if (!relay) return failure(relay.error().message);
    auto intents = relay.value()->record_intents(reason);
    if (!intents) return failure(intents.error().message);
    const auto election = l.status(ledger::election_log_name).value();
    std::cout << "anchoring election log size " << election.size << " root "
              << election.root.to_hex() << " (" << intents.value().size() << " new intent(s))\n";
    auto done = relay.value()->run_until_done(std::chrono::seconds(timeout.value()), print_step);
    if (!done) return failure(done.error().message);
    std::cout << "every configured chain is anchored (or its transaction written out)\n";
    return exit_ok;
}

namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// --funding TXID:VOUT:AMOUNT[,…]: the outputs outside the bridge log a Bitcoin anchor spends.
Result<std::vector<bridge::Utxo>> funding_outputs(const Arguments& args) {
    std::vector<bridge::Utxo> out;
    const auto list = args.value("--funding");
    if (!list) return out;
    for (const std::string& item : split_list(*list)) {
        const std::size_t first = item.find(':');
        const std::size_t second = first == std::string::npos ? first : item.find(':', first + 1);
        const Error bad{ErrorCode::invalid_argument,
                        "--funding: '" + item +
                            "' is not TXID:VOUT:AMOUNT (64 hex digits, whole "
                            "numbers)"};
        if (second == std::string::npos) return bad;
        auto txid = Hash32::from_hex(item.substr(0, first));
        const std::string vout_text = item.substr(first + 1, second - first - 1);
        const std::string amount_text = item.substr(second + 1);
        std::uint64_t vout = 0;
        std::uint64_t amount = 0;
        auto whole = [](const std::string& t, std::uint64_t& v) {
            const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            return ec == std::errc() && end == t.data() + t.size() && !t.empty();
        };
        if (!txid || !whole(vout_text, vout) || vout > 0xFFFFFFFFu || !whole(amount_text, amount) ||
            amount > bridge::max_money_sat)
            return bad;
        out.push_back({txid.value(), static_cast<std::uint32_t>(vout), amount});
    }
    return out;
}

// psephos proof --receipt: the receipt's bundle from a ledger (--data) or a published record
// (--record), with its evidence for P13.
// A witness policy file (docs/witness.md §9): the trust anchor of P14 and T3.
Result<crypto::WitnessPolicy> read_witness_policy(const std::string& file) {
    auto text = crypto::read_public_file(file, 64 * 1024);
    if (!text) return text.error();
    return crypto::parse_witness_policy(
        std::string_view(reinterpret_cast<const char*>(text.value().data()), text.value().size()),
        file);
}

// Prints the checks (text or --json) and returns the exit status: ok only if all passed.
int report_checks(const std::vector<bridge::BundleCheck>& checks, bool as_json) {
    bool all = true;
    for (const auto& c : checks) all = all && c.passed;
    if (as_json) {
        json::array list;
        for (const auto& c : checks)
            list.push_back(
                {{"id", c.id}, {"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
        std::cout << json::serialize(json::object{{"verdict", all ? "PASS" : "FAIL"},
                                                  {"checks", std::move(list)}})
                  << '\n';
    } else {
        for (const auto& c : checks)
            std::cout << (c.passed ? "PASS " : "FAIL ") << c.id << " " << c.name << ": " << c.detail
                      << '\n';
        std::cout << "verdict: " << (all ? "PASS" : "FAIL") << '\n';
    }
    return all ? exit_ok : exit_failure;
}

// psephos proof verify-tlog FILE --log-key VKEY ...: a ballot's C2SP tlog-proof (T1–T4,
// docs/proof-bundle.md §5).
int verify_tlog_proof_file(const CommandSpec& spec, const Arguments& args,
                           const std::string& file) {
    auto key_text = args.required("--log-key");
    if (!key_text) return usage_error(spec, key_text.error().message);
    auto key = election::NoteVerifierKey::parse(key_text.value());
    if (!key) return usage_error(spec, "--log-key: " + key.error().message);
    bridge::TlogProofTrust trust{std::move(key).value(), {}, {}, {}};
    if (auto district = args.value("--district-key")) {
        auto parsed = election::NoteVerifierKey::parse(*district);
        if (!parsed) return usage_error(spec, "--district-key: " + parsed.error().message);
        trust.district_key = std::move(parsed).value();
    }
    if (auto policy_file = args.value("--witness-policy")) {
        auto policy = read_witness_policy(*policy_file);
        if (!policy) return failure(policy.error().message);
        trust.witness_policy = std::move(policy).value();
    }
    if (auto code = args.value("--tracking-code")) trust.tracking_code = *code;
    auto bytes = crypto::read_public_file(file, 4 * 1024 * 1024);
    if (!bytes) return failure(bytes.error().message);
    auto proof = bridge::parse_tlog_proof(std::string_view(
        reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()));
    if (!proof) return failure(file + ": " + proof.error().message);
    return report_checks(bridge::verify_ballot_tlog_proof(proof.value(), trust),
                         args.has_switch("--json"));
}

// psephos proof verify BUNDLE.json ...: P1–P11 (P13, P14) offline against the trust given, and
// P12 on the endpoints given (docs/proof-bundle.md §3).
int verify_bundle_file(const CommandSpec& spec, const Arguments& args, const std::string& file) {
    if (args.value("--confirm-rpc-certificates") && !args.value("--confirm-rpc"))
        return usage_error(spec, "--confirm-rpc-certificates needs --confirm-rpc");
    if (args.value("--confirm-rpc") && !args.value("--rpc"))
        return usage_error(spec, "--confirm-rpc needs --rpc");
    auto bytes = crypto::read_public_file(file, 16 * 1024 * 1024);
    if (!bytes) return failure(bytes.error().message);
    auto bundle = bridge::proof_bundle_from_json(std::string_view(
        reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()));
    if (!bundle) return failure(file + ": " + bundle.error().message);
    bridge::BundleTrust trust;
    if (auto keys = args.value("--trusted-keys")) {
        auto read = read_trusted_keys(*keys);
        if (!read) return failure(read.error().message);
        trust.verifier_keys = std::move(read).value();
    }
    // The bridge's published addresses: the anchors are checked against these, never
    // against what the bundle names (docs/proof-bundle.md §3, P11).
    if (auto addresses = args.value("--bridge-address"))
        trust.bridge_addresses = split_list(*addresses);
    if (auto contracts = args.value("--bridge-contract"))
        trust.bridge_contracts = split_list(*contracts);
    if (auto ok = bridge::check_bundle_trust(trust); !ok)
        return usage_error(spec, ok.error().message);
    // The witnesses that must have cosigned the bundle's election checkpoint (P14).
    if (auto policy_file = args.value("--witness-policy")) {
        auto policy = read_witness_policy(*policy_file);
        if (!policy) return failure(policy.error().message);
        trust.witness_policy = std::move(policy).value();
    }
    std::vector<bridge::BundleCheck> checks = bridge::verify_proof_bundle(bundle.value(), trust);
    if (auto rpc = args.value("--rpc")) {
        // With --confirm-rpc, P12 passes only if both endpoints report the same block.
        std::vector<bridge::ChainEndpoint> endpoints{
            {*rpc, args.value("--rpc-certificates").value_or("")}};
        if (auto second = args.value("--confirm-rpc"))
            endpoints.push_back({*second, args.value("--confirm-rpc-certificates").value_or("")});
        for (auto& c : bridge::verify_anchors_on_chain(bundle.value(), endpoints))
            checks.push_back(std::move(c));
        if (!args.has_switch("--json") &&
            std::any_of(bundle.value().anchors.begin(), bundle.value().anchors.end(),
                        [](const auto& a) { return a.kind == election::ChainKind::bitcoin; }))
            std::cout << "note: --rpc checks EVM anchors; look Bitcoin anchors' txids up on a "
                         "Bitcoin node\n";
    }
    return report_checks(checks, args.has_switch("--json"));
}

int make_receipt_bundle_file(const CommandSpec& spec, const Arguments& args,
                             const std::string& receipt_path) {
    if (!args.positional().empty())
        return usage_error(spec,
                           "proof --receipt takes no tracking code: the receipt names its ballot");
    auto out = args.required("--out");
    if (!out) return usage_error(spec, out.error().message);
    auto funding = funding_outputs(args);
    if (!funding) return usage_error(spec, funding.error().message);
    auto receipt = read_voter_receipt(receipt_path);
    if (!receipt) return failure(receipt.error().message);
    Result<bridge::ProofBundle> bundle = Error{ErrorCode::invalid_argument, ""};
    if (auto record = args.value("--record")) {
        bundle = bridge::make_receipt_bundle_from_record(*record, receipt.value(), funding.value());
    } else {
        if (!args.value("--data"))
            return usage_error(spec, "proof --receipt needs --data DIR or --record DIR");
        auto opened = open_ledger(args, false);
        if (!opened) return failure(opened.error().message);
        bundle = bridge::make_receipt_bundle(*opened.value(), receipt.value(), funding.value());
    }
    if (!bundle) return failure(bundle.error().message);
    if (auto ok =
            crypto::write_new_file(out.value(), bridge::proof_bundle_to_json(bundle.value()), 0644);
        !ok)
        return failure(ok.error().message);
    const bool own = bundle.value().tracking_code == receipt.value().tracking_code.to_hex();
    std::cout << "wrote " << out.value() << ": the receipt's evidence, with "
              << (own ? "the receipt's own ballot"
                      : "another ballot of the district (the "
                        "receipt's tracking code is not there)")
              << "; check it with psephos proof verify (P13)\n";
    return exit_ok;
}

}  // namespace

int run_proof_command(Words words) {
    const CommandSpec spec{
        "psephos proof TRACKING-CODE --data DIR|--record DIR --out BUNDLE.json\n"
        "             [--tlog-proof FILE] [--key FILE] [--funding TXID:VOUT:AMOUNT[,...]]\n"
        "       psephos proof --receipt RECEIPT.json --data DIR|--record DIR --out BUNDLE.json\n"
        "             [--funding TXID:VOUT:AMOUNT[,...]]\n"
        "       psephos proof verify BUNDLE.json --bridge-address ADDR[,ADDR...]\n"
        "             [--bridge-contract ADDR[,ADDR...]] [--rpc URL [--rpc-certificates PEM]\n"
        "             [--confirm-rpc URL [--confirm-rpc-certificates PEM]]]\n"
        "             [--trusted-keys FILE] [--witness-policy FILE] [--json]\n"
        "       psephos proof verify-tlog FILE.tlog-proof --log-key VKEY [--district-key VKEY]\n"
        "             [--witness-policy FILE] [--tracking-code CODE] [--json]",
        {"--data", "--record", "--out", "--key", "--rpc", "--trusted-keys", "--receipt",
         "--funding", "--bridge-address", "--bridge-contract", "--rpc-certificates",
         "--witness-policy", "--tlog-proof", "--log-key", "--district-key", "--tracking-code",
         "--confirm-rpc", "--confirm-rpc-certificates"},
        {"--json"},
        0,
        2};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    const auto& positional = args->positional();
    if (auto receipt = args->value("--receipt"))
        return make_receipt_bundle_file(spec, *args, *receipt);
    if (positional.empty()) return usage_error(spec, "one tracking code, or --receipt");
    if (positional[0] == "verify-tlog") {
        if (positional.size() != 2)
            return usage_error(spec, "proof verify-tlog needs FILE.tlog-proof");
        return verify_tlog_proof_file(spec, *args, positional[1]);
    }
    if (positional[0] == "verify") {
        if (positional.size() != 2) return usage_error(spec, "proof verify needs BUNDLE.json");
        return verify_bundle_file(spec, *args, positional[1]);
    }
    if (positional.size() != 1) return usage_error(spec, "one tracking code");
    const auto out = args->value("--out");
    const auto tlog_out = args->value("--tlog-proof");
    if (!out && !tlog_out) return usage_error(spec, "missing --out (or --tlog-proof)");
    auto funding = funding_outputs(*args);
    if (!funding) return usage_error(spec, funding.error().message);
    Result<bridge::ProofBundle> bundle = Error{ErrorCode::invalid_argument, ""};
    if (auto record = args->value("--record")) {
        // From the published record: with its witnesses' cosignatures, if it carries them (v3).
        bundle = bridge::make_proof_bundle_from_record(*record, positional[0], funding.value());
    } else {
        if (!args->value("--data")) return usage_error(spec, "missing --data or --record");
        auto opened = open_ledger(*args, false);
        if (!opened) return failure(opened.error().message);
        bundle = bridge::make_proof_bundle(*opened.value(), positional[0], funding.value());
    }
    if (!bundle) return failure(bundle.error().message);
    if (out) {
        if (auto ok =
                crypto::write_new_file(*out, bridge::proof_bundle_to_json(bundle.value()), 0644);
            !ok)
            return failure(ok.error().message);
        std::cout << "wrote " << *out << ": ballot " << bundle.value().ballot_index
                  << " of district '" << bundle.value().district_id << "', election log size "
                  << bundle.value().anchored_size << ", " << bundle.value().anchors.size()
                  << " anchor(s)"
                  << (bundle.value().witnessed ? ", the witnesses' cosigned checkpoint" : "")
                  << "\n";
    }
    if (tlog_out) {
        const bridge::TlogProof proof = bridge::tlog_proof_of_bundle(bundle.value());
        if (auto ok = crypto::write_new_file(*tlog_out, bridge::tlog_proof_to_text(proof), 0644);
            !ok)
            return failure(ok.error().message);
        std::cout << "wrote " << *tlog_out << ": c2sp.org/tlog-proof@v1, entry " << proof.index
                  << " of the election log, "
                  << (bundle.value().witnessed ? "its cosigned checkpoint"
                                               : "no cosignatures (the source has none)")
                  << "\n";
    }
    return exit_ok;
}

}  // namespace psephos::app
