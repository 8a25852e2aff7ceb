// The relay's state machine per chain (anchor_relay.hpp, docs/bridge.md §2).
#include "psephos/bridge/anchor_relay.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <thread>
#include <variant>

#include "anchor_limits.hpp"
#include "evm_inclusion.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_client.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/secure_file.hpp"

#include <sodium.h>

namespace psephos::bridge {

namespace json = boost::json;
using election::AnchorState;
using election::ChainKind;

namespace {

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string_view network_name(BitcoinNetwork n) { return to_string(n); }

// A node's answer to a rebroadcast of a transaction it already has, or has mined: not a fault.
bool is_already_known(const Error& e) {
    const std::string& m = e.message;
    return m.find("already known") != std::string::npos ||
           m.find("known transaction") != std::string::npos ||
           m.find("already imported") != std::string::npos ||
           m.find("nonce too low") != std::string::npos ||
           m.find("Nonce too low") != std::string::npos;
}

AnchorStep step_of(const AnchorState& a, AnchorProgress progress, std::string message,
                   std::optional<Hash32> transaction = std::nullopt) {
    return {a.intent.chain, a.intent_index, progress, std::move(message), transaction};
}

}  // namespace

std::string_view to_string(AnchorProgress progress) {
    switch (progress) {
        case AnchorProgress::confirmed:
            return "confirmed";
        case AnchorProgress::waiting:
            return "waiting";
        case AnchorProgress::retry_later:
            return "retry-later";
        case AnchorProgress::written_out:
            return "written-out";
        case AnchorProgress::failed:
            return "failed";
    }
    return "unknown";
}

// ---- The relay ------------------------------------------------------------------------------

struct AnchorRelay::Impl {
    ledger::Ledger& ledger;
    BridgeConfig config;
    std::vector<Secp256k1SigningKey> evm_keys;
    std::vector<Secp256k1SigningKey> bitcoin_keys;
    std::vector<std::unique_ptr<EvmClient>> evm_clients;
    // The second endpoint of each EVM chain, or null (EvmChainConfig::confirm_rpc_url).
    std::vector<std::unique_ptr<EvmClient>> confirm_clients;

    Impl(ledger::Ledger& l, BridgeConfig c) : ledger(l), config(std::move(c)) {}

    EvmAddress evm_address(std::size_t i) const {
        return EvmAddress::of_public_key(evm_keys[i].uncompressed_public_key());
    }
    P2wpkhAddress bitcoin_address(std::size_t i) const {
        return P2wpkhAddress::of_public_key(bitcoin_keys[i].compressed_public_key(),
                                            config.bitcoin[i].network);
    }

    // ---- EVM ----

    // Signs, records (durably) and then broadcasts a new anchor transaction with `nonce`.
    AnchorStep send_new(std::size_t i, const AnchorState& a, std::uint64_t nonce) {
        const EvmChainConfig& c = config.evm[i];
        EvmClient& client = *evm_clients[i];
        const EvmAddress sender = evm_address(i);
        if (auto ok = check_reported_nonce(c, nonce, highest_recorded_nonce(i)); !ok)
            return step_of(a, AnchorProgress::failed, ok.error().message);
        Eip1559Transaction t;
        t.chain_id = c.chain_id;
        t.nonce = nonce;
        t.to = c.contract ? *c.contract : sender;
        t.data = c.contract
                     ? encode_anchor_call(a.payload.election_digest, a.payload.election_log_size,
                                          a.payload.election_root)
                     : a.intent.payload;
        auto fees = client.suggest_fees();
        if (!fees) return step_of(a, AnchorProgress::retry_later, fees.error().message);
        t.max_priority_fee_per_gas = fees.value().max_priority_fee_per_gas;
        t.max_fee_per_gas = fees.value().max_fee_per_gas;
        auto gas = client.estimate_gas(sender.bytes, t.to->bytes, t.data);
        if (!gas) {
            // A contract call that would revert (not the authorized bridge, a root already
            // anchored otherwise) is a fault retrying will not mend.
            const bool revert = gas.error().code == ErrorCode::refused;
            return step_of(a, revert ? AnchorProgress::failed : AnchorProgress::retry_later,
                           "estimating gas: " + gas.error().message);
        }
        t.gas_limit = gas.value() + gas.value() / 5;  // 20% headroom
        if (auto capped = check_evm_fee_cap(c, t.max_fee_per_gas, t.gas_limit); !capped)
            return step_of(a, AnchorProgress::failed, capped.error().message);
        const SignedEvmTransaction signed_tx = t.sign(evm_keys[i]);
        election::AnchorTransaction record{a.intent_index, signed_tx.hash,
                                           nonce,          sender.to_checksum_text(),
                                           signed_tx.raw,  now_seconds()};
        auto recorded = ledger.append_bridge_record(election::encode_anchor_transaction(record));
        if (!recorded) return step_of(a, AnchorProgress::failed, recorded.error().message);
        // Only now does it leave the machine.
        auto sent = client.send_raw_transaction(signed_tx.raw);
        if (!sent && !is_already_known(sent.error())) {
            return step_of(a, AnchorProgress::retry_later,
                           "recorded, not yet broadcast: " + sent.error().message, signed_tx.hash);
        }
        return step_of(
            a, AnchorProgress::waiting,
            "sent transaction " + signed_tx.hash.to_hex() + " with nonce " + std::to_string(nonce),
            signed_tx.hash);
    }

    // The highest nonce the bridge log recorded for EVM chain i, if any.
    std::optional<std::uint64_t> highest_recorded_nonce(std::size_t i) const {
        std::optional<std::uint64_t> highest;
        for (const AnchorState& s : ledger.anchors()) {
            if (s.intent.kind != election::ChainKind::evm || s.intent.chain != config.evm[i].name)
                continue;
            for (const auto& [index, t] : s.transactions)
                highest = std::max(highest.value_or(0), t.nonce);
        }
        return highest;
    }

    // Zero-value transfers to itself for nonces [from, to), so that a transaction at `to` can be
    // mined. They carry nothing; sending one twice is harmless (one nonce, one transaction).
    Status fill_nonce_gap(std::size_t i, std::uint64_t from, std::uint64_t to) {
        const EvmChainConfig& c = config.evm[i];
        EvmClient& client = *evm_clients[i];
        PSEPHOS_TRY(check_nonce_gap(c, from, to));
        auto fees = client.suggest_fees();
        if (!fees) return fees.error();
        PSEPHOS_TRY(check_evm_fee_cap(c, fees.value().max_fee_per_gas, 21000));
        for (std::uint64_t n = from; n < to; ++n) {
            Eip1559Transaction t;
            t.chain_id = c.chain_id;
            t.nonce = n;
            t.to = evm_address(i);
            t.gas_limit = 21000;
            t.max_priority_fee_per_gas = fees.value().max_priority_fee_per_gas;
            t.max_fee_per_gas = fees.value().max_fee_per_gas;
            auto sent = client.send_raw_transaction(t.sign(evm_keys[i]).raw);
            if (!sent && !is_already_known(sent.error())) return sent.error();
        }
        return {};
    }

    // With a second endpoint configured: both endpoints report the recorded transaction `t`
    // (its sender, nonce and input) in the same block, at the same position, succeeded, and each
    // counts the configured confirmations. Returns the smaller count, or the step that leaves the
    // anchor unconfirmed: waiting while they disagree or one has not seen it (a lagging node
    // catches up; a lying one is never believed alone), retry_later while one fails.
    std::variant<std::uint64_t, AnchorStep> confirm_on_both(std::size_t i, const AnchorState& a,
                                                            const election::AnchorTransaction& t) {
        const EvmChainConfig& c = config.evm[i];
        EvmClient& second = *confirm_clients[i];
        const std::string named = "the confirming endpoint " + c.confirm_rpc_url;
        auto chain_id = second.chain_id();
        if (!chain_id)
            return step_of(a, AnchorProgress::retry_later, named + ": " + chain_id.error().message,
                           t.transaction_id);
        if (chain_id.value() != c.chain_id) {
            return step_of(a, AnchorProgress::failed,
                           named + " serves chain id " + std::to_string(chain_id.value()) +
                               ", the configuration says " + std::to_string(c.chain_id));
        }
        std::optional<EvmInclusion> reports[2];
        EvmClient* clients[2] = {evm_clients[i].get(), &second};
        const std::string names[2] = {"the endpoint " + c.rpc_url, named};
        for (int k = 0; k < 2; ++k) {
            auto report = look_up_evm_inclusion(*clients[k], t.raw_transaction);
            if (!report) {
                // A node that contradicts the recorded transaction is a disagreement too.
                const bool lied = report.error().code == ErrorCode::verification_failed;
                return step_of(a, lied ? AnchorProgress::waiting : AnchorProgress::retry_later,
                               (lied ? "endpoints disagree, not confirmed: " : "") + names[k] +
                                   ": " + report.error().message,
                               t.transaction_id);
            }
            if (!report.value()) {
                return step_of(a, AnchorProgress::waiting,
                               "endpoints disagree, not confirmed: " + names[k] +
                                   " does not report transaction " + t.transaction_id.to_hex() +
                                   " mined",
                               t.transaction_id);
            }
            reports[k] = report.value();
        }
        if (auto same = check_same_inclusion(*reports[0], *reports[1]); !same) {
            return step_of(a, AnchorProgress::waiting,
                           "endpoints disagree, not confirmed: " + same.error().message,
                           t.transaction_id);
        }
        if (!reports[0]->succeeded)
            return step_of(a, AnchorProgress::waiting, "the receipt reverted", t.transaction_id);
        const std::uint64_t depth = std::min(reports[0]->confirmations, reports[1]->confirmations);
        if (depth < c.confirmations) {
            return step_of(a, AnchorProgress::waiting,
                           "mined in " + describe_inclusion(*reports[0]) + ", " +
                               std::to_string(depth) + " of " + std::to_string(c.confirmations) +
                               " confirmations on both endpoints",
                           t.transaction_id);
        }
        return depth;
    }

    AnchorStep step_evm(std::size_t i, const AnchorState& a) {
        const EvmChainConfig& c = config.evm[i];
        EvmClient& client = *evm_clients[i];
        auto chain_id = client.chain_id();
        if (!chain_id) return step_of(a, AnchorProgress::retry_later, chain_id.error().message);
        if (chain_id.value() != c.chain_id) {
            return step_of(a, AnchorProgress::failed,
                           "the endpoint serves chain id " + std::to_string(chain_id.value()) +
                               ", the configuration says " + std::to_string(c.chain_id));
        }
        const EvmAddress sender = evm_address(i);
        if (a.transactions.empty()) {
            auto pending = client.transaction_count(sender.bytes, EvmBlockTag::pending);
            if (!pending) return step_of(a, AnchorProgress::retry_later, pending.error().message);
            return send_new(i, a, pending.value());
        }
        // A receipt for any recorded transaction? (They share one nonce, so at most one mines.)
        std::optional<std::uint64_t> spent_nonce;
        for (auto it = a.transactions.rbegin(); it != a.transactions.rend(); ++it) {
            const election::AnchorTransaction& t = it->second;
            auto receipt = client.transaction_receipt(t.transaction_id);
            if (!receipt) return step_of(a, AnchorProgress::retry_later, receipt.error().message);
            if (!receipt.value()) continue;
            const EvmReceipt& r = *receipt.value();
            if (!r.succeeded()) {
                spent_nonce = std::max(spent_nonce.value_or(0), t.nonce);
                continue;
            }
            auto head = client.block_number();
            if (!head) return step_of(a, AnchorProgress::retry_later, head.error().message);
            const std::uint64_t confirmations =
                head.value() >= r.block_number ? head.value() - r.block_number + 1 : 0;
            if (confirmations < c.confirmations) {
                return step_of(a, AnchorProgress::waiting,
                               "mined in block " + std::to_string(r.block_number) + ", " +
                                   std::to_string(confirmations) + " of " +
                                   std::to_string(c.confirmations) + " confirmations",
                               t.transaction_id);
            }
            std::uint64_t confirmed_depth = confirmations;
            if (confirm_clients[i]) {
                auto agreed = confirm_on_both(i, a, t);
                if (auto* not_confirmed = std::get_if<AnchorStep>(&agreed)) return *not_confirmed;
                confirmed_depth = std::get<std::uint64_t>(agreed);
            }
            election::AnchorConfirmation confirmation{
                a.intent_index,
                t.transaction_id,
                r.block_number,
                r.block_hash,
                static_cast<std::uint32_t>(std::min<std::uint64_t>(confirmed_depth, 0xFFFFFFFFu)),
                now_seconds()};
            auto recorded =
                ledger.append_bridge_record(election::encode_anchor_confirmation(confirmation));
            if (!recorded) return step_of(a, AnchorProgress::failed, recorded.error().message);
            return step_of(a, AnchorProgress::confirmed,
                           "confirmed in block " + std::to_string(r.block_number),
                           t.transaction_id);
        }
        const election::AnchorTransaction& last = a.transactions.back().second;
        if (spent_nonce && *spent_nonce >= last.nonce) {
            // Reverted: the nonce is spent and nothing was anchored.
            auto pending = client.transaction_count(sender.bytes, EvmBlockTag::pending);
            if (!pending) return step_of(a, AnchorProgress::retry_later, pending.error().message);
            return send_new(i, a, std::max(pending.value(), last.nonce + 1));
        }
        auto mined_count = client.transaction_count(sender.bytes, EvmBlockTag::latest);
        if (!mined_count)
            return step_of(a, AnchorProgress::retry_later, mined_count.error().message);
        if (mined_count.value() > last.nonce) {
            // The nonce is spent. Look once more for a receipt (it may have been mined since the
            // look above); if none, something else used the nonce and ours can never be mined.
            auto receipt = client.transaction_receipt(last.transaction_id);
            if (!receipt) return step_of(a, AnchorProgress::retry_later, receipt.error().message);
            if (receipt.value()) {
                return step_of(a, AnchorProgress::waiting, "mined; checking confirmations",
                               last.transaction_id);
            }
            for (const auto& [index, t] : a.transactions) {
                auto other = client.transaction_receipt(t.transaction_id);
                if (!other) return step_of(a, AnchorProgress::retry_later, other.error().message);
                if (other.value())
                    return step_of(a, AnchorProgress::waiting, "mined; checking confirmations",
                                   t.transaction_id);
            }
            auto pending = client.transaction_count(sender.bytes, EvmBlockTag::pending);
            if (!pending) return step_of(a, AnchorProgress::retry_later, pending.error().message);
            return send_new(i, a, std::max(pending.value(), last.nonce + 1));
        }
        // Not mined: make sure the node has it (it may have restarted or dropped it), and fill a
        // gap below its nonce if there is one.
        if (mined_count.value() < last.nonce) {
            auto pending = client.transaction_count(sender.bytes, EvmBlockTag::pending);
            if (!pending) return step_of(a, AnchorProgress::retry_later, pending.error().message);
            if (pending.value() < last.nonce) {
                if (auto filled = fill_nonce_gap(i, pending.value(), last.nonce); !filled)
                    return step_of(a,
                                   filled.error().code == ErrorCode::refused
                                       ? AnchorProgress::failed
                                       : AnchorProgress::retry_later,
                                   "filling the nonce gap: " + filled.error().message);
            }
        }
        auto sent = client.send_raw_transaction(last.raw_transaction);
        if (!sent && !is_already_known(sent.error()))
            return step_of(a, AnchorProgress::retry_later,
                           "rebroadcasting: " + sent.error().message, last.transaction_id);
        return step_of(a, AnchorProgress::waiting,
                       "waiting for " + last.transaction_id.to_hex() + " (nonce " +
                           std::to_string(last.nonce) + ")",
                       last.transaction_id);
    }

    // ---- Bitcoin ----

    Status write_out(std::size_t i, const AnchorState& a, const election::AnchorTransaction& t) {
        const BitcoinChainConfig& c = config.bitcoin[i];
        std::error_code ec;
        std::filesystem::create_directories(c.out_dir, ec);
        if (ec) return make_error(ErrorCode::io_error, c.out_dir.string() + ": " + ec.message());
        const std::string stem = c.name + "-anchor-" + std::to_string(a.intent_index);
        const std::filesystem::path hex_file = c.out_dir / (stem + ".hex");
        const std::filesystem::path readme = c.out_dir / (stem + ".txt");
        if (std::filesystem::exists(hex_file)) return {};  // written before a restart
        const std::string hex = to_hex(t.raw_transaction) + "\n";
        if (auto ok = crypto::write_new_file(hex_file, hex, 0644); !ok) return ok;
        const std::string text =
            "Psephos anchor for chain '" + c.name + "' (Bitcoin " +
            std::string(network_name(c.network)) + ")\n\n" +
            "txid:    " + t.transaction_id.to_hex() + "\nspends:  " + c.utxo.txid.to_hex() + ":" +
            std::to_string(c.utxo.vout) + " (" + std::to_string(c.utxo.amount_sat) + " sat) of " +
            t.sender + "\npayload: " + to_hex(a.intent.payload) +
            (c.rpc_url.empty()
                 ? "\n\nNo Bitcoin node is configured, so nothing was broadcast. To broadcast:\n\n"
                 : "\n\nThe bridge broadcasts it through " + c.rpc_url +
                       "; to broadcast it elsewhere too:\n\n") +
            "    bitcoin-cli sendrawtransaction $(cat " + hex_file.filename().string() +
            ")\n\nor paste the hex into any node's or block explorer's broadcast page. The "
            "transaction spends one fixed output, so broadcasting it again can never anchor "
            "twice.\n";
        return crypto::write_new_file(readme, text, 0644);
    }

    // The output the next anchor of chain i spends: the configured UTXO for the first one; after
    // that the change of the chain's latest anchor, so that successive anchors (after polls close,
    // after the results) form a chain of transactions instead of spending one output twice.
    Result<Utxo> next_bitcoin_input(std::size_t i, const AnchorState& for_intent) const {
        const BitcoinChainConfig& c = config.bitcoin[i];
        const std::vector<AnchorState> anchors = ledger.anchors();
        const election::AnchorTransaction* latest = nullptr;
        std::uint64_t latest_index = 0;
        for (const AnchorState& other : anchors) {
            if (other.intent.chain != c.name || other.intent_index == for_intent.intent_index)
                continue;
            for (const auto& [index, t] : other.transactions) {
                if (latest == nullptr || index > latest_index) {
                    latest = &t;
                    latest_index = index;
                }
            }
        }
        if (latest == nullptr) return c.utxo;
        return change_of(i, *latest);
    }

    Result<Utxo> change_of(std::size_t i, const election::AnchorTransaction& t) const {
        auto decoded = decode_bitcoin_transaction(t.raw_transaction);
        if (!decoded) return decoded.error().within("the previous Bitcoin anchor");
        const Bytes own_script = bitcoin_address(i).script_pubkey();
        const auto& outputs = decoded.value().outputs;
        for (std::uint32_t vout = 0; vout < outputs.size(); ++vout) {
            if (outputs[vout].script_pubkey == own_script)
                return Utxo{decoded.value().txid, vout, outputs[vout].value_sat};
        }
        return make_error(ErrorCode::refused, "chain '" + config.bitcoin[i].name +
                                                  "': the previous anchor " +
                                                  t.transaction_id.to_hex() +
                                                  " left no change to spend; configure a new UTXO");
    }

    // The signed transaction for the intent: the recorded one, or a new one, recorded first.
    Result<election::AnchorTransaction> bitcoin_transaction(std::size_t i, const AnchorState& a) {
        const BitcoinChainConfig& c = config.bitcoin[i];
        if (!a.transactions.empty()) return a.transactions.back().second;
        auto input = next_bitcoin_input(i, a);
        if (!input) return input.error();
        OpReturnAnchorPlan plan;
        plan.input = input.value();
        plan.payload = a.intent.payload;
        plan.fee = FeeRate{c.fee_rate_sat_per_vbyte};
        plan.network = c.network;
        auto built = build_op_return_transaction(plan, bitcoin_keys[i]);
        if (!built) return built.error();
        PSEPHOS_TRY(check_bitcoin_fee_cap(c, built.value().fee_sat, built.value().vsize));
        election::AnchorTransaction record{
            a.intent_index,    built.value().txid, 0, bitcoin_address(i).to_string(),
            built.value().raw, now_seconds()};
        auto recorded = ledger.append_bridge_record(election::encode_anchor_transaction(record));
        if (!recorded) return recorded.error();
        return record;
    }

    AnchorStep step_bitcoin(std::size_t i, const AnchorState& a) {
        const BitcoinChainConfig& c = config.bitcoin[i];
        auto transaction = bitcoin_transaction(i, a);
        if (!transaction) return step_of(a, AnchorProgress::failed, transaction.error().message);
        const election::AnchorTransaction& t = transaction.value();
        if (auto ok = write_out(i, a, t); !ok)
            return step_of(a, AnchorProgress::failed, ok.error().message);
        const std::string file =
            (c.out_dir / (c.name + "-anchor-" + std::to_string(a.intent_index) + ".hex")).string();
        if (c.rpc_url.empty()) {
            return step_of(a, AnchorProgress::written_out,
                           "signed transaction " + t.transaction_id.to_hex() + " in " + file,
                           t.transaction_id);
        }
        return step_bitcoin_node(i, a, t);
    }

    Result<JsonRpcClient> bitcoin_client(std::size_t i) const {
        const BitcoinChainConfig& c = config.bitcoin[i];
        return bitcoin_client_for({c.rpc_url, c.rpc_certificates, c.credentials, c.cookie_file},
                                  c.timeouts);
    }

    static Result<JsonRpcClient> bitcoin_client_for(const BitcoinNodeAccess& c,
                                                    const RpcTimeouts& timeouts) {
        auto endpoint = RpcEndpoint::parse(c.rpc_url);
        if (!endpoint) return endpoint.error();
        JsonRpcClient rpc(endpoint.value(), timeouts);
        if (!c.rpc_certificates.empty()) rpc.use_trusted_certificates(c.rpc_certificates.string());
        rpc.use_dialect(JsonRpcDialect::bitcoin_core);
        RpcCredentials credentials = c.credentials;
        if (!c.cookie_file.empty()) {
            // "__cookie__:<hex>", rewritten by bitcoind at each start: read at each use.
            auto cookie = crypto::read_public_file(c.cookie_file, 1024);
            if (!cookie) return cookie.error();
            std::string text(cookie.value().begin(), cookie.value().end());
            while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
            const auto colon = text.find(':');
            if (colon == std::string::npos)
                return make_error(ErrorCode::invalid_encoding,
                                  c.cookie_file.string() + ": not a bitcoind cookie file");
            credentials = {text.substr(0, colon), text.substr(colon + 1)};
            sodium_memzero(text.data(), text.size());
        }
        if (!credentials.user.empty() || !credentials.password.empty())
            rpc.use_credentials(std::move(credentials));
        return rpc;
    }

    // With a second Bitcoin node configured: it reports the recorded transaction `t` (its bytes,
    // when it shows them) in the block the first node named (`block_hash` at `height`) with the
    // configured confirmations. Returns its count, or the step that leaves the anchor unconfirmed
    // (as for EVM: waiting while the nodes disagree, retry_later while the second fails).
    std::variant<std::uint64_t, AnchorStep> confirm_on_second_node(
        std::size_t i, const AnchorState& a, const election::AnchorTransaction& t,
        const Hash32& block_hash, std::uint64_t height) {
        const BitcoinChainConfig& c = config.bitcoin[i];
        const std::string named = "the confirming node " + c.confirm.rpc_url;
        const std::string txid = t.transaction_id.to_hex();
        auto disagree = [&](const std::string& what) {
            return step_of(a, AnchorProgress::waiting,
                           "endpoints disagree, not confirmed: " + named + " " + what,
                           t.transaction_id);
        };
        auto client = bitcoin_client_for(c.confirm, c.timeouts);
        if (!client)
            return step_of(a, AnchorProgress::failed, named + ": " + client.error().message);
        auto info = client.value().call("getrawtransaction", {txid, true});
        if (!info) {
            if (info.error().message.find("JSON-RPC error -5:") != std::string::npos)
                return disagree("does not know transaction " + txid);
            return step_of(a, AnchorProgress::retry_later, named + ": " + info.error().message,
                           t.transaction_id);
        }
        const json::object* o = info.value().if_object();
        const json::value* block = o ? o->if_contains("blockhash") : nullptr;
        const json::value* confirmations = o ? o->if_contains("confirmations") : nullptr;
        const json::value* hex = o ? o->if_contains("hex") : nullptr;
        if (!block || !block->is_string())
            return disagree("does not report transaction " + txid + " mined");
        auto its_block = Hash32::from_hex(block->as_string());
        if (!its_block || its_block.value() != block_hash)
            return disagree("reports block " + std::string(block->as_string()) + " against " +
                            block_hash.to_hex());
        if (hex && (!hex->is_string() || hex->as_string() != to_hex(t.raw_transaction)))
            return disagree("reports other bytes for transaction " + txid);
        auto header = client.value().call("getblockheader", {block->as_string()});
        if (!header)
            return step_of(a, AnchorProgress::retry_later, named + ": " + header.error().message,
                           t.transaction_id);
        const json::value* its_height =
            header.value().is_object() ? header.value().as_object().if_contains("height") : nullptr;
        if (!its_height || !its_height->is_int64() ||
            its_height->as_int64() != static_cast<std::int64_t>(height))
            return disagree("reports another height for block " + block_hash.to_hex());
        const std::uint64_t count =
            confirmations && confirmations->is_int64() && confirmations->as_int64() > 0
                ? static_cast<std::uint64_t>(confirmations->as_int64())
                : 0;
        if (count < c.confirmations) {
            return step_of(a, AnchorProgress::waiting,
                           txid + ": " + std::to_string(count) + " of " +
                               std::to_string(c.confirmations) + " confirmations on " + named,
                           t.transaction_id);
        }
        return count;
    }

    // Broadcasts the recorded transaction (again, harmlessly, after a restart) and records its
    // confirmation once the node reports enough.
    AnchorStep step_bitcoin_node(std::size_t i, const AnchorState& a,
                                 const election::AnchorTransaction& t) {
        const BitcoinChainConfig& c = config.bitcoin[i];
        auto client = bitcoin_client(i);
        if (!client) return step_of(a, AnchorProgress::failed, client.error().message);
        JsonRpcClient& rpc = client.value();
        const std::string txid = t.transaction_id.to_hex();
        auto info = rpc.call("getrawtransaction", {txid, true});
        if (!info) {
            // -5: the node does not know it (never sent, dropped, or mined and no -txindex).
            if (info.error().message.find("JSON-RPC error -5:") == std::string::npos)
                return step_of(a, AnchorProgress::retry_later, info.error().message,
                               t.transaction_id);
            auto sent = rpc.call("sendrawtransaction", {to_hex(t.raw_transaction)});
            if (!sent) {
                const std::string& m = sent.error().message;
                const bool known = m.find("already") != std::string::npos ||
                                   m.find("txn-already-known") != std::string::npos;
                if (m.find("missingorspent") != std::string::npos ||
                    m.find("missing-inputs") != std::string::npos)
                    return step_of(a, AnchorProgress::failed,
                                   "the configured output " + c.utxo.txid.to_hex() + ":" +
                                       std::to_string(c.utxo.vout) +
                                       " is spent or unknown to the node (a mined anchor needs "
                                       "the node's -txindex=1 to be seen): " +
                                       m,
                                   t.transaction_id);
                if (!known)
                    return step_of(a, AnchorProgress::retry_later, "broadcasting: " + m,
                                   t.transaction_id);
            }
            return step_of(a, AnchorProgress::waiting, "broadcast " + txid, t.transaction_id);
        }
        const json::value& v = info.value();
        const json::object* o = v.if_object();
        const json::value* confirmations = o ? o->if_contains("confirmations") : nullptr;
        const json::value* block = o ? o->if_contains("blockhash") : nullptr;
        const std::uint64_t count =
            confirmations && confirmations->is_int64() && confirmations->as_int64() > 0
                ? static_cast<std::uint64_t>(confirmations->as_int64())
                : 0;
        if (count < c.confirmations || !block || !block->is_string()) {
            return step_of(a, AnchorProgress::waiting,
                           txid + ": " + std::to_string(count) + " of " +
                               std::to_string(c.confirmations) + " confirmations",
                           t.transaction_id);
        }
        auto block_hash = Hash32::from_hex(block->as_string());
        if (!block_hash)
            return step_of(a, AnchorProgress::retry_later, "getrawtransaction: bad blockhash");
        auto header = rpc.call("getblockheader", {block->as_string()});
        if (!header) return step_of(a, AnchorProgress::retry_later, header.error().message);
        const json::value* height =
            header.value().is_object() ? header.value().as_object().if_contains("height") : nullptr;
        if (!height || !height->is_int64() || height->as_int64() < 0)
            return step_of(a, AnchorProgress::retry_later, "getblockheader: no height");
        std::uint64_t depth = count;
        if (!c.confirm.rpc_url.empty()) {
            auto agreed = confirm_on_second_node(i, a, t, block_hash.value(),
                                                 static_cast<std::uint64_t>(height->as_int64()));
            if (auto* not_confirmed = std::get_if<AnchorStep>(&agreed)) return *not_confirmed;
            depth = std::min(depth, std::get<std::uint64_t>(agreed));
        }
        election::AnchorConfirmation confirmation{
            a.intent_index,
            t.transaction_id,
            static_cast<std::uint64_t>(height->as_int64()),
            block_hash.value(),
            static_cast<std::uint32_t>(std::min<std::uint64_t>(depth, 0xFFFFFFFFu)),
            now_seconds()};
        auto recorded =
            ledger.append_bridge_record(election::encode_anchor_confirmation(confirmation));
        if (!recorded) return step_of(a, AnchorProgress::failed, recorded.error().message);
        return step_of(a, AnchorProgress::confirmed,
                       "confirmed in block " + std::to_string(height->as_int64()),
                       t.transaction_id);
    }
};

AnchorRelay::AnchorRelay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AnchorRelay::~AnchorRelay() = default;

Result<std::unique_ptr<AnchorRelay>> AnchorRelay::create(ledger::Ledger& ledger,
                                                         BridgeConfig config) {
    auto impl = std::make_unique<Impl>(ledger, std::move(config));
    for (const EvmChainConfig& c : impl->config.evm) {
        auto key = read_secp256k1_key_file(c.key_file);
        if (!key) return key.error().within("chain '" + c.name + "'");
        impl->evm_keys.push_back(std::move(key).value());
        auto endpoint = RpcEndpoint::parse(c.rpc_url);
        if (!endpoint) return endpoint.error().within("chain '" + c.name + "'");
        JsonRpcClient rpc(endpoint.value(), c.timeouts);
        if (!c.rpc_certificates.empty()) rpc.use_trusted_certificates(c.rpc_certificates.string());
        impl->evm_clients.push_back(std::make_unique<EvmClient>(std::move(rpc)));
        std::unique_ptr<EvmClient> second;
        if (!c.confirm_rpc_url.empty()) {
            auto confirm = RpcEndpoint::parse(c.confirm_rpc_url);
            if (!confirm) return confirm.error().within("chain '" + c.name + "': confirm_rpc");
            JsonRpcClient confirm_rpc(confirm.value(), c.timeouts);
            if (!c.confirm_rpc_certificates.empty())
                confirm_rpc.use_trusted_certificates(c.confirm_rpc_certificates.string());
            second = std::make_unique<EvmClient>(std::move(confirm_rpc));
        }
        impl->confirm_clients.push_back(std::move(second));
    }
    for (const BitcoinChainConfig& c : impl->config.bitcoin) {
        auto key = read_secp256k1_key_file(c.key_file);
        if (!key) return key.error().within("chain '" + c.name + "'");
        impl->bitcoin_keys.push_back(std::move(key).value());
    }
    return std::unique_ptr<AnchorRelay>(new AnchorRelay(std::move(impl)));
}

std::string AnchorRelay::evm_sender(std::size_t chain) const {
    return impl_->evm_address(chain).to_checksum_text();
}

std::string AnchorRelay::bitcoin_sender(std::size_t chain) const {
    return impl_->bitcoin_address(chain).to_string();
}

Result<std::vector<std::uint64_t>> AnchorRelay::record_intents(std::string_view reason) {
    auto election = impl_->ledger.status(ledger::election_log_name);
    if (!election) return election.error();
    if (election.value().size == 0)
        return make_error(ErrorCode::refused, "the election log is empty: nothing to anchor");
    const Bytes payload = election::encode_anchor_payload(
        {impl_->ledger.election().base_hash, election.value().size, election.value().root});
    std::vector<election::AnchorIntent> intents;
    for (const EvmChainConfig& c : impl_->config.evm) {
        intents.push_back({c.name, ChainKind::evm, std::to_string(c.chain_id), std::string(reason),
                           payload, now_seconds()});
    }
    for (const BitcoinChainConfig& c : impl_->config.bitcoin) {
        intents.push_back({c.name, ChainKind::bitcoin, std::string(network_name(c.network)),
                           std::string(reason), payload, now_seconds()});
    }
    std::vector<std::uint64_t> recorded;
    const std::vector<AnchorState> existing = impl_->ledger.anchors();
    for (const election::AnchorIntent& intent : intents) {
        const bool present =
            std::any_of(existing.begin(), existing.end(), [&](const AnchorState& a) {
                return a.intent.chain == intent.chain && a.intent.payload == intent.payload;
            });
        if (present) continue;
        auto receipt = impl_->ledger.append_bridge_record(election::encode_anchor_intent(intent));
        if (!receipt) return receipt.error();
        recorded.push_back(receipt.value().index);
    }
    return recorded;
}

std::vector<AnchorStep> AnchorRelay::step() {
    std::vector<AnchorStep> steps;
    for (const AnchorState& a : impl_->ledger.anchors()) {
        if (a.confirmed()) continue;
        for (std::size_t i = 0; i < impl_->config.evm.size(); ++i) {
            if (impl_->config.evm[i].name == a.intent.chain && a.intent.kind == ChainKind::evm)
                steps.push_back(impl_->step_evm(i, a));
        }
        for (std::size_t i = 0; i < impl_->config.bitcoin.size(); ++i) {
            if (impl_->config.bitcoin[i].name == a.intent.chain &&
                a.intent.kind == ChainKind::bitcoin)
                steps.push_back(impl_->step_bitcoin(i, a));
        }
    }
    return steps;
}

Status AnchorRelay::run_until_done(std::chrono::steady_clock::duration deadline,
                                   const std::function<void(const AnchorStep&)>& report) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    auto pause = std::chrono::milliseconds(0);
    std::vector<AnchorStep> steps;
    for (;;) {
        steps = step();
        bool done = true;
        bool endpoint_failed = false;
        for (const AnchorStep& s : steps) {
            if (report) report(s);
            if (s.progress == AnchorProgress::failed)
                return make_error(ErrorCode::refused, "chain '" + s.chain + "': " + s.message);
            if (s.progress == AnchorProgress::waiting || s.progress == AnchorProgress::retry_later)
                done = false;
            if (s.progress == AnchorProgress::retry_later) endpoint_failed = true;
        }
        if (done) return {};
        // Waiting for blocks: poll at the first interval; failing endpoints: back off.
        pause = endpoint_failed
                    ? std::min(impl_->config.max_retry,
                               pause.count() == 0 ? impl_->config.first_retry : pause * 2)
                    : impl_->config.first_retry;
        if (std::chrono::steady_clock::now() + pause > give_up) {
            std::string last;
            for (const AnchorStep& s : steps) last += "; chain '" + s.chain + "': " + s.message;
            return make_error(ErrorCode::io_error, "anchoring did not finish in time" + last);
        }
        std::this_thread::sleep_for(pause);
    }
}

}  // namespace psephos::bridge
