// The demo's bridge phase: anchors the final election root (on an EVM node if one answers, and as
// a Bitcoin transaction written to a file), then exports and checks one voter's proof bundle.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "psephos/ledger/ledger.hpp"

namespace psephos::app {

struct DemoAnchorOutcome {
    bool evm_anchored = false;  // confirmed on the EVM node
    bool bundle_verified = false;
    std::size_t checks = 0;  // checks run on the bundle
    std::size_t passed = 0;
    std::filesystem::path bundle;
    std::string evm_note;  // why there is no EVM anchor, when there is none
};

// `rpc`: the EVM endpoint to use; empty means try http://127.0.0.1:8545 and anchor there only if
// a node answers. A development node's first unlocked account funds a fresh bridge key.
DemoAnchorOutcome run_demo_anchoring(ledger::Ledger& ledger, const std::filesystem::path& dir,
                                     const std::string& rpc, const Hash32& tracking_code,
                                     std::ostream& out);

}  // namespace psephos::app
