// The relay's limits against a hostile or mistaken node (anchor_limits.hpp, docs/bridge.md §2).
#include "anchor_limits.hpp"

#include "psephos/bridge/evm_client.hpp"

namespace psephos::bridge {

namespace {

constexpr std::uint64_t wei_per_gwei = 1'000'000'000;

std::string gwei_text(std::uint64_t wei) {
    return std::to_string(wei / wei_per_gwei) + "." +
           std::to_string(wei % wei_per_gwei + wei_per_gwei).substr(1) + " gwei";
}

}  // namespace

Status check_evm_fee_cap(const EvmChainConfig& c, const U256& max_fee_per_gas,
                         std::uint64_t gas_limit) {
    const std::string where = "chain '" + c.name + "': ";
    // Caps are at most max_evm_fee_cap_gwei (read_bridge_config), so in wei they fit 64 bits.
    const std::uint64_t per_gas_cap = c.max_fee_per_gas_gwei * wei_per_gwei;
    const std::uint64_t per_anchor_cap = c.max_fee_per_anchor_gwei * wei_per_gwei;
    const std::optional<std::uint64_t> fee = evm_quantity_to_u64(max_fee_per_gas);
    if (!fee || *fee > per_gas_cap) {
        return make_error(ErrorCode::refused,
                          where + "the node quotes a max fee per gas of " +
                              (fee ? gwei_text(*fee) : std::string("more than 2^64 wei")) +
                              ", above the cap of " + std::to_string(c.max_fee_per_gas_gwei) +
                              " gwei (max_fee_per_gas_gwei); nothing was sent");
    }
    if (gas_limit != 0 && *fee > per_anchor_cap / gas_limit) {
        return make_error(ErrorCode::refused,
                          where + "the anchor could cost up to " + std::to_string(gas_limit) +
                              " gas × " + gwei_text(*fee) + ", above the cap of " +
                              std::to_string(c.max_fee_per_anchor_gwei) +
                              " gwei per anchor (max_fee_per_anchor_gwei); nothing was sent");
    }
    return {};
}

Status check_reported_nonce(const EvmChainConfig& c, std::uint64_t reported,
                            std::optional<std::uint64_t> highest_recorded) {
    if (!highest_recorded || reported <= *highest_recorded + 1 + c.max_nonce_gap) return {};
    return make_error(ErrorCode::refused,
                      "chain '" + c.name + "': the node reports the bridge's next nonce as " +
                          std::to_string(reported) + ", but the bridge log's highest is " +
                          std::to_string(*highest_recorded) + ": more than " +
                          std::to_string(c.max_nonce_gap) +
                          " (max_nonce_gap) ahead of the bridge's own records; nothing was sent");
}

Status check_nonce_gap(const EvmChainConfig& c, std::uint64_t from, std::uint64_t to) {
    if (to <= from || to - from <= c.max_nonce_gap) return {};
    return make_error(ErrorCode::refused,
                      "chain '" + c.name + "': the node's pending nonce " + std::to_string(from) +
                          " is " + std::to_string(to - from) + " below the anchor's nonce " +
                          std::to_string(to) + ", more than the " +
                          std::to_string(c.max_nonce_gap) +
                          " transactions max_nonce_gap allows to fill; nothing was sent");
}

Status check_bitcoin_fee_cap(const BitcoinChainConfig& c, std::uint64_t fee_sat,
                             std::size_t vsize) {
    if (fee_sat <= c.max_fee_sat) return {};
    return make_error(ErrorCode::refused,
                      "chain '" + c.name + "': the anchor's fee would be " +
                          std::to_string(fee_sat) + " sat (" + std::to_string(vsize) +
                          " vB), above the cap of " + std::to_string(c.max_fee_sat) +
                          " sat per anchor (max_fee_sat); nothing was recorded or sent");
}

}  // namespace psephos::bridge
