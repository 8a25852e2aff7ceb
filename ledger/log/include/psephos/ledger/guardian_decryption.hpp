// A guardian's part of the decryption (docs/tally.md): for every district whose tally is recorded
// and neither decrypted by this guardian nor already combined into a result, the guardian's
// partial decryptions with their proofs, submitted to the ledger as tally-decryption records (one
// ingest, as a guardian). Used by `psephos decrypt` and the auditor desktop's guardian step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "psephos/election/guardian_key_file.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

struct GuardianDistrictOutcome {
    enum class State : std::uint8_t {
        decrypted,          // recorded at record_index
        no_tally,           // polls not closed or `psephos tally` not run
        already_decrypted,  // by this guardian
        has_result,         // the district's result is recorded: nothing left to decrypt
        refused,            // the ledger refused the record: error says why
    };
    std::string district_id;
    State state = State::no_tally;
    std::uint64_t record_index = 0;
    std::size_t partial_decryptions = 0;  // options decrypted, each with its proof
    std::string error;
};

// The key must be checked against the ledger's manifest first (check_guardian_key): this does it
// again and fails with its error before anything is submitted. One outcome per district, in
// manifest order.
Result<std::vector<GuardianDistrictOutcome>> decrypt_tallies_as_guardian(
    Ledger& ledger, const election::GuardianKey& key);

}  // namespace psephos::ledger
