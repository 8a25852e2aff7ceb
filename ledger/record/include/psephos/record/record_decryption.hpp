// A guardian's decryptions of the district tallies from a published election record
// (docs/tally.md §3): the district logs are read through RecordReader and each tally is checked
// against its log before it is decrypted (ledger::prepare_tally_decryptions). No ledger and no
// ledger key are needed; the tally-decryption records made are for a shares file
// (election::encode_guardian_decryptions) that the operator submits to the ledger.
#pragma once

#include "psephos/election/guardian_key_file.hpp"
#include "psephos/ledger/guardian_decryption.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::record {

Result<ledger::GuardianDecryptions> prepare_tally_decryptions_from_record(
    const RecordReader& reader, const election::GuardianKey& key);

}  // namespace psephos::record
