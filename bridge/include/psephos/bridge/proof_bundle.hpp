// Proof bundles (docs/proof-bundle.md): everything anyone needs to check, without the ledger,
// that a ballot's tracking code is inside an election record anchored on external chains —
// the ballot's record and leaf, its inclusion in the district log, the district's signed
// checkpoint, that checkpoint's inclusion in the election log, consistency to the anchored
// election checkpoint, and each anchor transaction.
//
// Checks are numbered P1–P14 as in docs/proof-bundle.md; each names what it looked at when it
// fails. verify_proof_bundle uses only the bundle (and trusted keys if given); the on-chain check
// (P12) asks an EVM node whether the anchor transaction is in a block with that payload.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/receipt_evidence.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::bridge {

// v2 added each anchor's spent_outputs (docs/proof-bundle.md §2); v1 bundles are refused.
inline constexpr std::string_view proof_bundle_format = "psephos-proof-bundle-v2";
// v3 is v2 with the witnessed election checkpoint (its one required addition): written only for a
// bundle that carries one, so a bundle without cosignatures stays v2, byte for byte, and both
// are read.
inline constexpr std::string_view proof_bundle_format_v3 = "psephos-proof-bundle-v3";

// The output a Bitcoin anchor's input spends: BIP 143 signs its amount and script, so with it the
// input's signature is checked offline (P11).
struct SpentOutput {
    std::uint64_t amount_sat = 0;
    Bytes script_pubkey;
};

struct BundleAnchor {
    std::string chain;
    election::ChainKind kind = election::ChainKind::evm;
    std::string network;
    Bytes payload;
    Hash32 transaction_id;
    std::string sender;
    Bytes raw_transaction;
    // Bitcoin: the output each input spends, in input order; EVM: empty.
    std::vector<SpentOutput> spent_outputs;
    // From the ledger's confirmation record, if the bridge recorded one.
    std::optional<std::uint64_t> block_number;
    std::optional<Hash32> block_hash;
    std::uint32_t confirmations = 0;
};

// The election checkpoint witnesses cosigned (docs/proof-bundle.md §2, P14): the record's election
// checkpoint of its election log's size, as the election log's signed note followed by the
// witnesses' cosignature lines (C2SP tlog-cosignature), with the proofs that tie it to the bundle.
struct WitnessedCheckpoint {
    std::string cosigned_checkpoint;
    std::vector<Hash32> consistency;  // RFC 9162: anchored (size, root) → this checkpoint
    std::vector<Hash32> inclusion;    // the election leaf at its index in this checkpoint's tree
};

struct ProofBundle {
    std::string election_id;
    Hash32 base_hash;

    std::string tracking_code;  // the full 32-byte code, hex
    std::string district_id;
    bool challenged = false;
    Bytes ballot_record;  // the district-log record (0x02 cast or 0x03 challenged)
    std::uint64_t ballot_index = 0;

    std::string district_verifier;    // note verifier key text
    std::string district_checkpoint;  // signed note
    std::vector<Hash32> district_inclusion;

    std::string election_verifier;
    Bytes election_leaf;  // the 0x0C district checkpoint record in the election log
    std::uint64_t election_leaf_index = 0;
    std::string election_checkpoint;  // signed note of the first election checkpoint holding it
    std::vector<Hash32> election_inclusion;

    std::uint64_t anchored_size = 0;
    Hash32 anchored_root;
    std::vector<Hash32> anchored_consistency;  // election checkpoint → anchored size
    std::vector<Hash32> anchored_inclusion;    // the election leaf in the anchored tree
    std::vector<BundleAnchor> anchors;
    // A voter's receipt and what the anchored record says of it (P13); optional: a bundle without
    // it is written exactly as before.
    std::optional<ReceiptEvidence> receipt;
    // Present (a v3 bundle) when the record carries the witnesses' cosignatures of its last
    // election checkpoint; absent, the bundle is v2.
    std::optional<WitnessedCheckpoint> witnessed;
};

// Builds the bundle for the ballot whose tracking code is `code` (its printed form, or 64 hex
// digits). A ledger holds no cosignatures, so its bundles are v2. The anchored checkpoint is the
// latest confirmed anchor's, else the latest anchored (transaction recorded) one's, else the
// ledger's latest election checkpoint with no anchors. not_found if no ballot has the code or its
// district checkpoint is not yet in the election log. A Bitcoin anchor's spent outputs are found
// among the bridge log's earlier anchor transactions (an anchor spends the previous one's change)
// or in `funding` (the configured UTXO the first anchor spends, which pays to the bridge key's own
// P2WPKH script); refused, naming the outpoint, if an input spends neither.
Result<ProofBundle> make_proof_bundle(const ledger::Ledger& ledger, std::string_view code,
                                      const std::vector<Utxo>& funding = {});
// The same bundle from an exported election record (docs/election-record.md) alone: the ballot
// is found by re-deriving tracking codes from the district logs' ballots, the proofs are computed
// from the logs' records (each log's records must give record.json's size and root), the anchors
// are the record's bridge log. For anyone holding the published record (the auditor desktop).
// If the record carries cosignatures (election/cosignatures.bin) of its last election checkpoint,
// the bundle carries that cosigned checkpoint (v3).
Result<ProofBundle> make_proof_bundle_from_record(const std::filesystem::path& record_dir,
                                                  std::string_view code,
                                                  const std::vector<Utxo>& funding = {});

// Every anchor of an exported election record's bridge log that has a transaction, as bundles
// carry them (the confirmed transaction, or the latest attempt), in bridge-log order: what
// verify_anchors_on_chain checks on a node, for the whole record rather than one ballot. Their
// spent_outputs are left empty (verify_anchors_on_chain checks EVM anchors only).
Result<std::vector<BundleAnchor>> record_anchors(const std::filesystem::path& record_dir);

std::string proof_bundle_to_json(const ProofBundle& bundle);
// Strict: every field present with its type, no unknown field, hex and base64 canonical.
Result<ProofBundle> proof_bundle_from_json(std::string_view json);

struct BundleCheck {
    std::string id;    // "P1" …
    std::string name;  // "ballot record"
    bool passed = false;
    std::string detail;  // what was checked, or why it failed
};

struct BundleTrust {
    // Note verifier keys the checker trusts (from the published election record); empty: the
    // bundle's own keys are used and the report says they were not checked against anything.
    std::vector<std::string> verifier_keys;
    // The bridge's published addresses (EVM "0x…" and Bitcoin P2WPKH) and ElectionAnchor contract
    // addresses: P11 passes only for an anchor sent by one of these addresses and, for a contract
    // call, to one of these contracts. Never taken from the bundle: empty fails P11.
    std::vector<std::string> bridge_addresses;
    std::vector<std::string> bridge_contracts;
    // The witnesses (k of n) that must have cosigned the bundle's witnessed election checkpoint
    // (P14, docs/witness.md §9); a trust anchor like the keys above, never taken from the bundle.
    std::optional<crypto::WitnessPolicy> witness_policy;
};

// The bridge addresses and contracts of an exported record's bridge log (the senders of its
// anchor transactions and the contracts they call): what the record itself says the bridge is,
// for checking a bundle made from that record. A voter's check uses the published addresses.
Result<BundleTrust> record_bridge_trust(const std::filesystem::path& record_dir);

// Checks that every address parses (EVM or P2WPKH; contracts EVM only), naming the bad one.
Status check_bundle_trust(const BundleTrust& trust);

// P1–P11 offline, P13 if the bundle carries a receipt, and P14 if it carries a witnessed
// checkpoint or a witness policy is given. The bundle is good if every check passed.
std::vector<BundleCheck> verify_proof_bundle(const ProofBundle& bundle, const BundleTrust& trust);

// What the anchor's transaction must carry: for EVM, calldata equal to the payload, or the
// ElectionAnchor contract's anchor(digest, size, root) call; for Bitcoin, an OP_RETURN output
// with the payload and, for every input, a valid P2WPKH signature by the sender's key over the
// BIP 143 digest of its spent output (amount and script, which must be the sender's). Checks the
// transaction id, the sender and (EVM) the chain id too. The sender is the bundle's word here:
// check_anchor_trusted compares it with the trusted bridge.
Status check_anchor_transaction(const BundleAnchor& anchor, const election::AnchorPayload& payload);
// The anchor's sender is one of trust.bridge_addresses; an EVM contract call goes to one of
// trust.bridge_contracts, a payload-only transaction to the sender itself.
Status check_anchor_trusted(const BundleAnchor& anchor, const BundleTrust& trust);

// P12, online: for each EVM anchor on the chain `rpc_url` serves (its chain id must match the
// anchor's), the transaction is in a block, was sent by the anchor's sender with the same input,
// and its receipt says it succeeded; the detail gives the block and its confirmations now. Bitcoin
// anchors are left to a Bitcoin node (no check is made for them here); a bundle with no EVM anchor
// fails P12. An https `rpc_url` is verified against the system's CAs, or against the PEM file
// `trusted_certificates` names (json_rpc_client.hpp).
std::vector<BundleCheck> verify_anchors_on_chain(const ProofBundle& bundle,
                                                 const std::string& rpc_url,
                                                 const std::string& trusted_certificates = {});

// An endpoint of an EVM chain to check anchors on, and the PEM file its certificate is verified
// against (empty: the system's CAs).
struct ChainEndpoint {
    std::string rpc_url;
    std::string trusted_certificates;
};

// P12 against several independent endpoints (docs/bridge.md §2, "Two endpoints"): an anchor
// passes only if every endpoint reports it mined, succeeded, in the same block (number and hash)
// at the same position; the detail gives the smallest of their confirmation counts. A node that
// claims a transaction in a block the others do not have fails the check, naming both.
std::vector<BundleCheck> verify_anchors_on_chain(const ProofBundle& bundle,
                                                 const std::vector<ChainEndpoint>& endpoints);

}  // namespace psephos::bridge
