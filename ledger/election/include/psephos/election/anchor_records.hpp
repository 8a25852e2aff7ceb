// The bridge's records (docs/bridge.md, docs/encoding.md §19–§22): the anchor payload that goes on
// an external chain, and the records of the ledger's bridge log that make anchoring idempotent —
// an anchor intent (0x11: this payload goes to this chain), an anchor transaction (0x12: this
// signed transaction carries it; recorded before it is broadcast) and an anchor confirmation
// (0x13: that transaction is in a block with enough confirmations).
//
// The ledger keeps these in a log of their own (`/bridge`), outside the election log they anchor.
// The ledger checks what it can know (the payload names one of its own election checkpoints; a
// transaction or confirmation belongs to a recorded intent); what a raw transaction contains is
// checked by the bridge, which can decode it, and again by whoever verifies a proof bundle.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {

// "PSPH" ‖ version 0x01 ‖ election digest (32) ‖ u64be election-log size ‖ election root (32):
// 77 bytes, under Bitcoin's 80-byte OP_RETURN relay limit. The election digest is the election's
// base hash (docs/encoding.md §3), which commits to the manifest (with the election id) and the
// joint key, so two elections never share a digest.
inline constexpr std::size_t anchor_payload_size = 77;
inline constexpr std::string_view anchor_payload_magic = "PSPH";
inline constexpr std::uint8_t anchor_payload_version = 1;

struct AnchorPayload {
    Hash32 election_digest;
    std::uint64_t election_log_size = 0;
    Hash32 election_root;

    friend bool operator==(const AnchorPayload&, const AnchorPayload&) = default;
};

Bytes encode_anchor_payload(const AnchorPayload& payload);
// invalid_encoding, naming what is wrong: length, magic, version.
Result<AnchorPayload> decode_anchor_payload(ByteSpan data);

enum class ChainKind : std::uint8_t { evm = 1, bitcoin = 2 };
std::string_view to_string(ChainKind kind);  // "evm", "bitcoin"

// Why an anchor was made: after polls closed, after results were recorded, or by hand.
inline constexpr std::string_view anchor_reasons[] = {"polls-closed", "results", "manual"};

inline constexpr std::size_t max_chain_name_size = 64;      // an id: a-z, 0-9, -
inline constexpr std::size_t max_chain_network_size = 64;   // "31337", "regtest"
inline constexpr std::size_t max_anchor_sender_size = 128;  // "0x…" or a bech32 address
inline constexpr std::size_t max_raw_transaction_size = 100 * 1024;

// 0x11. `chain` is the bridge configuration's name for the chain; `network` its EVM chain id in
// decimal, or the Bitcoin network ("mainnet", "testnet", "signet", "regtest").
struct AnchorIntent {
    std::string chain;
    ChainKind kind = ChainKind::evm;
    std::string network;
    std::string reason;
    Bytes payload;  // anchor_payload_size bytes
    std::uint64_t time = 0;

    friend bool operator==(const AnchorIntent&, const AnchorIntent&) = default;
};

// 0x12. A signed transaction carrying the intent's payload, recorded before it is broadcast, so
// that after a crash the bridge rebroadcasts this same transaction instead of signing another.
// transaction_id: the EVM transaction hash, or the Bitcoin txid in the byte order block explorers
// show. nonce: the EVM account nonce (0 for Bitcoin).
struct AnchorTransaction {
    std::uint64_t intent_index = 0;  // the intent's index in the bridge log
    Hash32 transaction_id;
    std::uint64_t nonce = 0;
    std::string sender;
    Bytes raw_transaction;
    std::uint64_t time = 0;

    friend bool operator==(const AnchorTransaction&, const AnchorTransaction&) = default;
};

// 0x13. The transaction is in block `block_number` (hash `block_hash`) and had at least
// `confirmations` confirmations (the block itself counts as one) when this was recorded.
struct AnchorConfirmation {
    std::uint64_t intent_index = 0;
    Hash32 transaction_id;
    std::uint64_t block_number = 0;
    Hash32 block_hash;
    std::uint32_t confirmations = 0;
    std::uint64_t time = 0;

    friend bool operator==(const AnchorConfirmation&, const AnchorConfirmation&) = default;
};

Bytes encode_anchor_intent(const AnchorIntent& intent);
Result<AnchorIntent> decode_anchor_intent(ByteSpan data);
Bytes encode_anchor_transaction(const AnchorTransaction& transaction);
Result<AnchorTransaction> decode_anchor_transaction(ByteSpan data);
Bytes encode_anchor_confirmation(const AnchorConfirmation& confirmation);
Result<AnchorConfirmation> decode_anchor_confirmation(ByteSpan data);

// One intent and what became of it, as the ledger's bridge log tells it.
struct AnchorState {
    std::uint64_t intent_index = 0;
    AnchorIntent intent;
    AnchorPayload payload;
    std::vector<std::pair<std::uint64_t, AnchorTransaction>> transactions;  // by log index
    std::optional<std::pair<std::uint64_t, AnchorConfirmation>> confirmation;

    bool confirmed() const { return confirmation.has_value(); }
};

// The state machine of the bridge log, apart from storage so that it can be tested on its own.
// admit() checks a record against the state (and, for an intent, against the election root the
// ledger published for that size) without changing anything; add() then records it.
class AnchorBook {
public:
    // root_at(size): the root of the ledger's election checkpoint of that size, or not_found.
    using ElectionRootLookup = std::function<Result<Hash32>(std::uint64_t size)>;

    explicit AnchorBook(Hash32 election_digest) : election_digest_(election_digest) {}

    // The record's event note ("anchor intent 3 for chain 'hardhat': size 12 root …") or the
    // reason it is refused (refused: a duplicate intent, an unknown or confirmed intent;
    // verification_failed: a payload for another election or another root).
    Result<std::string> admit(ByteSpan record, std::uint64_t index,
                              const ElectionRootLookup& root_at) const;
    // Adds an admitted record at `index`.
    void add(ByteSpan record, std::uint64_t index);

    const std::vector<AnchorState>& anchors() const { return anchors_; }
    // The intent for this chain and payload, if one was recorded.
    const AnchorState* find(std::string_view chain, ByteSpan payload) const;
    const AnchorState* find_intent(std::uint64_t intent_index) const;

private:
    Hash32 election_digest_;
    std::vector<AnchorState> anchors_;
};

}  // namespace psephos::election
