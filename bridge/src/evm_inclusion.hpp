// What one EVM endpoint reports about a signed anchor transaction being mined, and whether two
// endpoints' reports agree (docs/bridge.md §2, "Two endpoints"). Used by the relay before it
// records a confirmation and by verify_anchors_on_chain (P12), so that a second, independent node
// can keep one lying node from confirming an anchor that is not on the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "psephos/bridge/evm_client.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// Where an endpoint says the transaction is, and how deep by that endpoint's own head.
struct EvmInclusion {
    std::uint64_t block_number = 0;
    Hash32 block_hash;
    std::uint64_t transaction_index = 0;
    bool succeeded = false;           // the receipt's status
    std::uint64_t confirmations = 0;  // head − block + 1, 0 if the head is below the block
};

// Asks `client` about the signed transaction `raw`: nullopt while it is unknown or pending. The
// endpoint's transaction must be `raw`'s (sender, nonce and input; the hash is asked by), and its
// receipt must name that hash and the same block; otherwise verification_failed naming the
// difference. An endpoint failure keeps its own code (io_error for a dead node).
Result<std::optional<EvmInclusion>> look_up_evm_inclusion(EvmClient& client, ByteSpan raw);

// Two endpoints' reports agree: the same block (number and hash), the same position in it and
// the same receipt status. Otherwise verification_failed naming what differs.
Status check_same_inclusion(const EvmInclusion& first, const EvmInclusion& second);

// "block 12 (0xab…)", for messages.
std::string describe_inclusion(const EvmInclusion& inclusion);

}  // namespace psephos::bridge
