// A voter's receipt inside a proof bundle (docs/proof-bundle.md §3 P13, §4): the receipt file, and
// what the anchored record says of the receipt's district log — its latest district checkpoint
// in the anchored election log (with the leaf's inclusion in the anchored tree), the record's
// root of the receipt's tree size with the RFC 9162 consistency proof to that checkpoint, and the
// record's leaf at the receipt's index with its inclusion proof. Together they show either that
// the anchored log extends the receipt's checkpoint with the ballot still at its index, or that
// the ledger's district key signed two histories, one without the ballot: evidence anyone can
// check, naming both checkpoints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::bridge {

struct ProofBundle;
struct BundleCheck;
struct BundleTrust;

struct ReceiptEvidence {
    election::VoterReceipt receipt;
    // The 0x0C election-log record carrying the receipt district's latest checkpoint in the
    // anchored election log, its index there, and its inclusion in the anchored tree.
    Bytes district_leaf;
    std::uint64_t district_leaf_index = 0;
    std::vector<Hash32> district_leaf_inclusion;
    // The record's district tree of the receipt's size and its consistency proof to that
    // checkpoint; absent when the checkpoint is smaller than the receipt's.
    std::optional<Hash32> prefix_root;
    std::vector<Hash32> consistency;
    // The record's leaf at the receipt's index and its inclusion in that checkpoint's tree;
    // absent when the checkpoint's tree does not reach the index.
    std::optional<Hash32> leaf_at_index;
    std::vector<Hash32> leaf_inclusion;
};

// Adds the receipt's evidence to `bundle` (made from the same ledger or record, so its anchored
// checkpoint is the one the evidence refers to). The receipt must verify on its own (R1–R3).
Status add_receipt_evidence(const ledger::Ledger& ledger, ProofBundle& bundle,
                            const election::VoterReceipt& receipt);
Status add_receipt_evidence_from_record(const std::filesystem::path& record_dir,
                                        ProofBundle& bundle, const election::VoterReceipt& receipt);

// The bundle for a receipt: the receipt's own ballot if the ledger or record still has its
// tracking code, else the nearest ballot of the receipt's district at or before its index (so
// that P13 can report the missing ballot), with the receipt's evidence added.
// `funding` as for make_proof_bundle.
Result<ProofBundle> make_receipt_bundle(const ledger::Ledger& ledger,
                                        const election::VoterReceipt& receipt,
                                        const std::vector<Utxo>& funding = {});
Result<ProofBundle> make_receipt_bundle_from_record(const std::filesystem::path& record_dir,
                                                    const election::VoterReceipt& receipt,
                                                    const std::vector<Utxo>& funding = {});

// P13 (docs/proof-bundle.md §3): run by verify_proof_bundle when the bundle carries a receipt.
BundleCheck check_receipt_evidence(const ProofBundle& bundle, const BundleTrust& trust);

}  // namespace psephos::bridge
