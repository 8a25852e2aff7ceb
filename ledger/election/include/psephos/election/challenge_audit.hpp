// What a voter (or a challenge checker acting for one) confirms about a Benaloh-challenged ballot
// (docs/kiosk.md §3, "Commit before the choice"). The kiosk seals a ballot and shows its tracking
// code before the voter chooses to cast or challenge it; a challenged ballot convinces the voter
// only if (1) it is the ballot whose code was shown before the choice, (2) it verifies and opens
// with its revealed nonces, and (3) it encrypts exactly the voter's marks. A kiosk that cheats on
// a ballot must seal the cheat before it learns the choice, so each challenge catches it.
#pragma once

#include <string_view>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::election {

// The three checks above, in that order. `shown_code` is the tracking code as the voter read or
// photographed it (parse_tracking_code's syntax). verification_failed names the first difference:
// the code, the failing proof or opening, or the contest and the options marked differently
// (challenged ballots are public, so naming their options leaks nothing).
Status audit_challenged_ballot(const ElectionContext& election,
                               const crypto::Ed25519PublicKey& device_key,
                               const ChallengedBallot& challenged, std::string_view shown_code,
                               const BallotMarks& intended);

}  // namespace psephos::election
