// Proof bundles (docs/proof-bundle.md): everything anyone needs to check, without the ledger,
// that a ballot's tracking code is inside an election record anchored on external chains —
// the ballot's record and leaf, its inclusion in the district log, the district's signed
// checkpoint, that checkpoint's inclusion in the election log, consistency to the anchored
// election checkpoint, and each anchor transaction.
//
// Checks are numbered P1–P13 as in docs/proof-bundle.md; each names what it looked at when it
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
#include "psephos/election/anchor_records.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::bridge {

// v2 added each anchor's spent_outputs (docs/proof-bundle.md §2); v1 bundles are refused.
inline constexpr std::string_view proof_bundle_format = "psephos-proof-bundle-v2";

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
};

// Builds the bundle for the ballot whose tracking code is `code` (its printed form, or 64 hex
// digits). The anchored checkpoint is the latest confirmed anchor's, else the latest anchored
// (transaction recorded) one's, else the ledger's latest election checkpoint with no anchors.
// not_found if no ballot has the code or its district checkpoint is not yet in the election log.
// A Bitcoin anchor's spent outputs are found among the bridge log's earlier anchor transactions
// (an anchor spends the previous one's change) or in `funding` (the configured UTXO the first
// anchor spends, which pays to the bridge key's own P2WPKH script); refused, naming the outpoint,
// if an input spends neither.
Result<ProofBundle> make_proof_bundle(const ledger::Ledger& ledger, std::string_view code,
                                      const std::vector<Utxo>& funding = {});
// The same bundle from an exported election record (docs/election-record.md) alone: the ballot
// is found by re-deriving tracking codes from the district logs' ballots, the proofs are computed
// from the logs' records (each log's records must give record.json's size and root), the anchors
// are the record's bridge log. For anyone holding the published record (the auditor desktop).
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
};

// The bridge addresses and contracts of an exported record's bridge log (the senders of its
// anchor transactions and the contracts they call): what the record itself says the bridge is,
// for checking a bundle made from that record. A voter's check uses the published addresses.
Result<BundleTrust> record_bridge_trust(const std::filesystem::path& record_dir);

// Checks that every address parses (EVM or P2WPKH; contracts EVM only), naming the bad one.
Status check_bundle_trust(const BundleTrust& trust);

// P1–P11 offline, and P13 if the bundle carries a receipt. The bundle is good if every check
// passed.
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

}  // namespace psephos::bridge
