// The expensive part of one ballot in a district's log (V19's proofs, V20, V22), which the
// district reader (district_reader.cpp) queues on the verifier's work queue.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

// The expensive part of one ballot (V19's proofs, V20, V22), run on the work queue.
struct BallotWork {
    Bytes record;
    DecodedBallot ballot;
    std::vector<std::vector<Opening>> openings;
    bool challenged = false;
    bool check_proofs = false;
    std::vector<std::uint32_t> vote_for;  // per contest, when check_proofs
    std::optional<crypto::Ed25519PublicKey> key;
    std::string at;  // "record 12 (ballot 'v3')"
};

// Checks one ballot's work, failing the outcomes with the ballot's place (w.at).
void verify_ballot_work(const BallotWork& w, const Hash32& base_hash,
                        const crypto::DecodedPoint& joint_key, Outcome& v19, Outcome& v20,
                        Outcome& v22);

}  // namespace psephos::verifier::detail
