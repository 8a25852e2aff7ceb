// A district tally recomputed from the district log's records, to check a recorded tally against
// (docs/tally.md §2, §3): what a guardian does before it decrypts a tally, and what the ledger does
// when it reopens, so that nobody who can write the log (the ledger-key holder) gets a doctored
// tally decrypted.
//
// The records are fed in log order, from index 0 up to the tally record (excluded). The log's root
// over them is computed from the records themselves, so the recomputed tally names the log it
// sums. Challenged ballots are counted apart and never summed. With BallotChecks::full (the
// guardian's), every cast ballot must also be of the district and its ballot style and carry
// proofs that verify (verify_ballot_contents) and a signature by a device registered in the
// district earlier in the log; with BallotChecks::none (the ledger's on reopen: it checked each
// ballot when it accepted it) only the sums are recomputed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/tally_records.hpp"

namespace psephos::election {

enum class BallotChecks : std::uint8_t { none, full };

class TallyRecomputation {
public:
    // invalid_argument if the district is not in the manifest or has no ballot style.
    static Result<TallyRecomputation> create(const ElectionContext& election,
                                             std::string_view district_id, BallotChecks checks);

    // The record at the next index of the log (from 0). Errors name the record's index and what
    // is wrong with it (a ballot that fails its checks, an unknown device).
    Status add_record(ByteSpan record);
    std::uint64_t size() const { return tree_.size(); }
    // The tally of the records added: log size and root are theirs.
    DistrictTally finish() const { return builder_.finish(tree_.size(), tree_.root()); }

private:
    TallyRecomputation(const ElectionContext& election, DistrictTallyBuilder builder,
                       std::string district_id, BallotChecks checks);
    Status check_record(ByteSpan record);

    const ElectionContext* election_;
    DistrictTallyBuilder builder_;
    std::string district_id_;
    BallotChecks checks_;
    crypto::MerkleTreeBuilder tree_;
    std::map<std::string, crypto::Ed25519PublicKey, std::less<>> devices_;  // registered so far
    std::set<std::string, std::less<>> deauthorised_;                       // withdrawn so far
};

// Compares a recorded tally with its recomputation: ok if equal, otherwise verification_failed
// naming the first difference — log size or root, the counts, or the contest and option whose sum
// differs ("the tally of contest 'mayor', option 'alice' is not the sum of the log's cast
// ballots"); the caller puts the district (and record) in front.
Status check_tally_matches(const DistrictTally& recorded, const DistrictTally& recomputed);

}  // namespace psephos::election
