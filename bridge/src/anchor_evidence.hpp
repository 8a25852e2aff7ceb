// Private to the bridge library: what a bundle maker adds to a Bitcoin anchor
// (anchor_evidence.cpp).
#pragma once

#include <vector>

#include "psephos/bridge/proof_bundle.hpp"

namespace psephos::bridge {

// Fills anchor.spent_outputs (Bitcoin only; EVM anchors get none): each input's spent output from
// an earlier anchor transaction of `bridge_log`, else from `funding` (paying to the sender's
// P2WPKH script). not_found, naming the chain and the outpoint, if neither has it.
Status add_spent_outputs(BundleAnchor& anchor, const std::vector<election::AnchorState>& bridge_log,
                         const std::vector<Utxo>& funding);

}  // namespace psephos::bridge
