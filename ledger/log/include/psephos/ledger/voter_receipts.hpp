// A voter's receipt file (election/voter_receipt.hpp, docs/proof-bundle.md §4) made from the
// ledger's acknowledgement of a ballot: the district's signed checkpoint of the batch that made
// the ballot durable, and the ballot's inclusion proof in that checkpoint's tree.
#pragma once

#include "psephos/election/voter_receipt.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

// Where an acknowledged record is: the district log's verifier key (as text), the size of the
// tree its signed checkpoint commits to, and the record's inclusion proof in that tree (RFC 9162).
// What a voter's receipt file and the station's receipt message carry beside the acknowledgement.
struct ReceiptInclusion {
    std::string verifier_key;
    std::uint64_t tree_size = 0;
    std::vector<Hash32> proof;
};

// The inclusion proof of `receipt`'s record in the tree of its signed checkpoint, whose signature
// is checked with the district log's key. Errors name the record ("receipt of record d1#4: …").
Result<ReceiptInclusion> prove_receipt_inclusion(const Ledger& ledger, const Receipt& receipt);

// `receipt` is what Ledger::submit or ingest returned for the ballot whose tracking code is
// `tracking_code`; the receipt file's leaf, checkpoint and proof come from the ledger and are
// checked (verify_voter_receipt) before it is returned.
Result<election::VoterReceipt> make_voter_receipt(const Ledger& ledger, const Receipt& receipt,
                                                  const Hash32& tracking_code);

}  // namespace psephos::ledger
