// The bridge's relay (docs/bridge.md): takes the ledger's latest election checkpoint to every
// configured chain, exactly once per chain, across crashes and endpoint outages.
//
// All of its state is in the ledger's bridge log (anchor_records.hpp), written before anything
// goes out: an anchor intent, then each signed transaction *before* it is broadcast, then the
// confirmation. After a restart the relay reads that log and carries on: it rebroadcasts the
// transaction it recorded instead of signing another, so a crash between sending and the
// receipt can never put the payload on a chain twice. An EVM anchor's transactions all use one
// account nonce unless that nonce is provably spent without them (a receipt that reverted, or an
// account nonce past it with no receipt for any of them): only then is a new nonce taken. A gap
// below the anchor's nonce (an earlier transaction of the key that the node dropped) is filled
// with zero-value transfers to itself, so the anchor can be mined.
//
// Keys come from key files (secp256k1_key.hpp, mode 0600); they are never written to the
// ledger, the event log or a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/json_rpc_client.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::bridge {

// Limits on what a node can make the bridge spend or send (docs/bridge.md §2, "Limits"). The
// defaults are safe for an anchor (≈ 50 000 gas; ≈ 150 vB): far above normal fees, far below
// what a hostile or mistaken node could otherwise make the bridge pay.
inline constexpr std::uint64_t default_max_fee_per_gas_gwei = 200;
inline constexpr std::uint64_t default_max_fee_per_anchor_gwei = 20'000'000;  // 0.02 ETH
inline constexpr std::uint64_t default_max_nonce_gap = 16;
inline constexpr std::uint64_t max_evm_fee_cap_gwei = 1'000'000'000;  // 1 ETH: caps fit in wei
inline constexpr std::uint64_t default_max_fee_rate_sat_per_vbyte = 200;
inline constexpr std::uint64_t default_max_fee_sat = 50'000;

struct EvmChainConfig {
    std::string name;  // the chain's name in the bridge log: an id (a-z, 0-9, -)
    std::string rpc_url;
    // For an https rpc_url: a PEM file of trusted certificates (a pinned certificate or a CA)
    // instead of the system's CAs.
    std::filesystem::path rpc_certificates;
    // A second, independent endpoint of the same chain (docs/bridge.md §2, "Two endpoints"):
    // when set, a confirmation is recorded only when both endpoints report the transaction, with
    // the same sender, nonce and input, in the same block at the same position with the same
    // receipt status, and each counts at least `confirmations`. Empty: rpc_url's word is taken.
    std::string confirm_rpc_url;
    std::filesystem::path confirm_rpc_certificates;  // as rpc_certificates, for confirm_rpc_url
    std::uint64_t chain_id = 0;
    std::uint32_t confirmations = 1;
    std::filesystem::path key_file;
    // Anchor through an ElectionAnchor contract (its anchor() call); none: a zero-value
    // transaction to the bridge's own address whose calldata is the payload.
    std::optional<EvmAddress> contract;
    RpcTimeouts timeouts;
    // The node's quoted max fee per gas, and gas limit × that fee, must not exceed these; a new
    // anchor's nonce must not be more than max_nonce_gap past the bridge log's highest, nor a gap
    // to fill longer. Otherwise the anchor fails and nothing is sent.
    std::uint64_t max_fee_per_gas_gwei = default_max_fee_per_gas_gwei;
    std::uint64_t max_fee_per_anchor_gwei = default_max_fee_per_anchor_gwei;
    std::uint64_t max_nonce_gap = default_max_nonce_gap;
};

// How to reach a Bitcoin Core node: its URL (https, or http to a loopback address only), the PEM
// file its certificate is checked against (empty: the system's CAs), and its credentials
// (rpc_user/rpc_password, or the node's cookie file, read at each use).
struct BitcoinNodeAccess {
    std::string rpc_url;
    std::filesystem::path rpc_certificates;
    RpcCredentials credentials;
    std::filesystem::path cookie_file;
};

struct BitcoinChainConfig {
    std::string name;
    BitcoinNetwork network = BitcoinNetwork::regtest;
    std::filesystem::path key_file;
    Utxo utxo;  // an output of the key's P2WPKH address, spent by the anchor
    std::uint64_t fee_rate_sat_per_vbyte = 2;
    // The configured rate must not exceed max_fee_rate_sat_per_vbyte (read_bridge_config), nor
    // the signed anchor's fee max_fee_sat (else the anchor fails, nothing signed or recorded).
    std::uint64_t max_fee_rate_sat_per_vbyte = default_max_fee_rate_sat_per_vbyte;
    std::uint64_t max_fee_sat = default_max_fee_sat;
    std::filesystem::path out_dir;  // where the signed transaction is written (always)
    // A Bitcoin Core node to broadcast through (sendrawtransaction) and to read confirmations
    // from (getrawtransaction, which for a mined transaction needs the node's -txindex=1);
    // empty: the transaction is only written out. Credentials: rpc_user/rpc_password, or the
    // node's cookie file.
    std::string rpc_url;  // https, or http to a loopback address only (credentials)
    std::filesystem::path rpc_certificates;  // as for EVM chains
    RpcCredentials credentials;
    std::filesystem::path cookie_file;
    std::uint32_t confirmations = 1;
    RpcTimeouts timeouts;
    // A second, independent node (docs/bridge.md §2, "Two endpoints"; needs rpc_url): when its
    // rpc_url is set, a confirmation is recorded only when it reports the transaction, with the
    // recorded bytes, in the same block (hash and height) with at least `confirmations`.
    BitcoinNodeAccess confirm;
};

struct BridgeConfig {
    std::vector<EvmChainConfig> evm;
    std::vector<BitcoinChainConfig> bitcoin;
    std::chrono::milliseconds first_retry{500};  // backoff doubles from here…
    std::chrono::milliseconds max_retry{30000};  // …up to this
};

// Reads the JSON configuration (docs/bridge.md §3). Relative key files and directories are taken
// from the configuration file's folder. Errors name the field.
Result<BridgeConfig> read_bridge_config(const std::filesystem::path& path);

enum class AnchorProgress {
    confirmed,    // the confirmation is recorded
    waiting,      // a transaction is out; waiting for it to be mined or confirmed
    retry_later,  // the endpoint failed (down, timed out, garbage); nothing was lost
    written_out,  // Bitcoin without a node: the signed transaction is in a file to broadcast
    failed,       // a configuration fault that retrying will not mend (wrong chain id, …)
};
std::string_view to_string(AnchorProgress progress);

struct AnchorStep {
    std::string chain;
    std::uint64_t intent_index = 0;
    AnchorProgress progress = AnchorProgress::waiting;
    std::string message;
    std::optional<Hash32> transaction_id;
};

class AnchorRelay {
public:
    // Reads every configured key file (refusing one the group or others can read).
    static Result<std::unique_ptr<AnchorRelay>> create(ledger::Ledger& ledger, BridgeConfig config);
    ~AnchorRelay();

    // Records, for every configured chain, an intent to anchor the ledger's latest election
    // checkpoint, unless that chain already has one for it. Returns the new intents' indices.
    Result<std::vector<std::uint64_t>> record_intents(std::string_view reason);

    // One pass over every unconfirmed intent of a configured chain (see the file comment).
    std::vector<AnchorStep> step();

    // step() until every intent of a configured chain is confirmed (or written out), backing off
    // exponentially while endpoints fail; gives up at `deadline` with the last steps' messages.
    // `report` sees every step.
    Status run_until_done(std::chrono::steady_clock::duration deadline,
                          const std::function<void(const AnchorStep&)>& report = {});

    // The bridge's addresses, for configuration and for checks: "0x…" (EIP-55) / bech32.
    std::string evm_sender(std::size_t chain) const;
    std::string bitcoin_sender(std::size_t chain) const;

    struct Impl;

private:
    explicit AnchorRelay(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Deploys the ElectionAnchor contract (creation code from `contract_json`, the committed
// bridge/contracts/ElectionAnchor.json) with the chain's bridge key as its one authorized
// anchorer, waits up to `timeout` for the receipt, and returns the contract's address.
Result<EvmAddress> deploy_election_anchor(const EvmChainConfig& chain,
                                          const std::filesystem::path& contract_json,
                                          std::chrono::seconds timeout);

}  // namespace psephos::bridge
