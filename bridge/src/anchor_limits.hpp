// Private to the bridge library: the limits the relay puts on what a node can make it spend or
// send (docs/bridge.md §2, "Limits"): a fee cap per gas unit and per anchor, and a bounded nonce
// gap. Each returns refused, naming the value, the cap and the configuration field.
#pragma once

#include <cstdint>
#include <optional>

#include "psephos/bridge/anchor_relay.hpp"

namespace psephos::bridge {

// The node's quoted max fee per gas is at most the chain's max_fee_per_gas_gwei, and gas_limit
// × that fee at most its max_fee_per_anchor_gwei.
Status check_evm_fee_cap(const EvmChainConfig& chain, const U256& max_fee_per_gas,
                         std::uint64_t gas_limit);

// A new anchor's nonce, as the node reports it, is at most max_nonce_gap past the highest nonce
// the bridge log recorded for the chain (none recorded: any).
Status check_reported_nonce(const EvmChainConfig& chain, std::uint64_t reported,
                            std::optional<std::uint64_t> highest_recorded);

// Filling the nonces [from, to) would send at most max_nonce_gap transactions.
Status check_nonce_gap(const EvmChainConfig& chain, std::uint64_t from, std::uint64_t to);

// The signed Bitcoin anchor's fee is at most the chain's max_fee_sat.
Status check_bitcoin_fee_cap(const BitcoinChainConfig& chain, std::uint64_t fee_sat,
                             std::size_t vsize);

}  // namespace psephos::bridge
