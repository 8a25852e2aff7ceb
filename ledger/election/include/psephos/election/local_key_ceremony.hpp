// A key ceremony run in one process, for demos, benchmarks, tests and single-machine
// elections: every guardian's announcement is verified and every share sealed, opened and checked
// exactly as between separate machines (crypto::Guardian), then the manifest is finalized.
#pragma once

#include <vector>

#include "psephos/crypto/guardian.hpp"
#include "psephos/election/election_context.hpp"

namespace psephos::election {

struct LocalKeyCeremony {
    ElectionContext election;  // the finalized manifest and its hashes
    std::vector<crypto::GuardianSecretShare> secret_shares;  // by guardian index − 1
    std::vector<crypto::Ed25519SigningKey> identities;       // by guardian index − 1
};

// Runs the ceremony for the manifest's guardian count and threshold. Fails if the manifest is
// already finalized or any check of the ceremony fails.
Result<LocalKeyCeremony> run_local_key_ceremony(ElectionManifest manifest);

}  // namespace psephos::election
