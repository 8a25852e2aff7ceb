// A guardian's decryptions of the district tallies from a published election record
// (docs/tally.md §3): the district logs are read through RecordReader and each tally is checked
// against its log before it is decrypted (ledger::prepare_tally_decryptions). No ledger and no
// ledger key are needed; the tally-decryption records made are for a shares file
// (election::encode_guardian_decryptions) that the operator submits to the ledger.
//
// The record's own word is not taken for which devices could cast: its approval (authority.bin)
// must be for this election and signed by its key (as V29), by the guardian's trusted authority
// key if it has one, and every device registration of a district log must be signed by that key
// (as V30) before the device's ballots are counted.
#pragma once

#include <optional>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/guardian_key_file.hpp"
#include "psephos/ledger/guardian_decryption.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::record {

// Fails, decrypting nothing, if authority.bin cannot be read, is not this election's approval,
// does not verify, or (with trusted_authority, the key the authority published) is another
// key's ("authority.bin: approved by ed25519:…, not by the trusted authority ed25519:…").
// A district whose log registers a device that key did not authorise is
// ledger::GuardianDistrictOutcome::State::unauthorised_device, its error naming the device.
Result<ledger::GuardianDecryptions> prepare_tally_decryptions_from_record(
    const RecordReader& reader, const election::GuardianKey& key,
    const std::optional<crypto::Ed25519PublicKey>& trusted_authority = std::nullopt);

}  // namespace psephos::record
