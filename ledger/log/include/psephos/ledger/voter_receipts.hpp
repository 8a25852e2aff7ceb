// A voter's receipt file (election/voter_receipt.hpp, docs/proof-bundle.md §4) made from the
// ledger's acknowledgement of a ballot: the district's signed checkpoint of the batch that made
// the ballot durable, and the ballot's inclusion proof in that checkpoint's tree.
#pragma once

#include "psephos/election/voter_receipt.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

// `receipt` is what Ledger::submit or ingest returned for the ballot whose tracking code is
// `tracking_code`; the receipt file's leaf, checkpoint and proof come from the ledger and are
// checked (verify_voter_receipt) before it is returned.
Result<election::VoterReceipt> make_voter_receipt(const Ledger& ledger, const Receipt& receipt,
                                                  const Hash32& tracking_code);

}  // namespace psephos::ledger
