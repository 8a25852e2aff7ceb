// The demo's bridge (docs/bridge.md): anchors the election root after polls close and again after
// the results (on an EVM node if one answers, and as a Bitcoin transaction written to a file),
// then exports and checks one voter's proof bundle.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "psephos/bridge/anchor_relay.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::app {

struct DemoAnchorOutcome {
    bool evm_anchored = false;  // confirmed on the EVM node
    bool bundle_verified = false;
    std::size_t anchors = 0;  // anchor intents recorded in the ledger
    std::size_t checks = 0;   // checks run on the bundle
    std::size_t passed = 0;
    std::filesystem::path bundle;
    std::string trust_options;  // --bridge-address … [--bridge-contract …] for proof verify
    std::string evm_note;       // why there is no EVM anchor, when there is none
};

class DemoBridge {
public:
    // Makes the bridge's keys in `dir` (mode 0600) and, if an EVM node answers at `rpc` (empty:
    // http://127.0.0.1:8545), funds the EVM key from the node's first unlocked development account
    // and deploys the ElectionAnchor contract. A given `rpc` that does not answer is an error.
    // An https `rpc` is verified against `rpc_certificates` (a PEM file: a pinned certificate),
    // or the system's CAs when that is empty, for every call (funding, deployment, anchoring and
    // the bundle's on-chain check).
    DemoBridge(std::filesystem::path dir, const std::string& rpc,
               const std::string& rpc_certificates, std::ostream& out);

    // Anchors the ledger's latest election checkpoint on every chain, exactly once each.
    void anchor(ledger::Ledger& ledger, std::string_view reason);

    // The proof bundle of the ballot with this tracking code, written to dir/receipt-proof.json
    // and checked (P1–P11, and P12 on the EVM node).
    DemoAnchorOutcome prove(ledger::Ledger& ledger, const Hash32& tracking_code);

private:
    std::filesystem::path dir_;
    std::string rpc_;
    std::string rpc_certificates_;
    std::ostream& out_;
    bridge::BridgeConfig config_;
    std::string evm_note_;
};

}  // namespace psephos::app
