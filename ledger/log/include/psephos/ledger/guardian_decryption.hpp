// A guardian's part of the decryption (docs/tally.md §3). The guardian reads every district log
// itself and, before it produces any partial decryption of a district's tally, recomputes that
// tally from the log's records before it: every cast ballot's proofs and device signature checked,
// challenged ballots left out, the log's root computed from the records
// (election::TallyRecomputation, BallotChecks::full). A tally that is not that sum is refused
// (State::tally_mismatch) and nothing is decrypted for it, whoever wrote it and signed its log.
// With the election authority's key, every device registration of the log must also carry the
// authority's signature (as V30 checks it): the ballots of a device it did not authorise are not
// counted, and the district is refused (State::unauthorised_device).
//
// The logs come from a Ledger (decrypt_tallies_as_guardian: `psephos decrypt --data`, the
// auditor desktop's guardian step, which submit the records at once) or from a published election
// record (record::prepare_tally_decryptions_from_record: `psephos decrypt --record`, which needs
// no ledger key and writes the records to a file the operator submits).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/election/guardian_key_file.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

struct GuardianDistrictOutcome {
    enum class State : std::uint8_t {
        decrypted,            // recorded at record_index
        prepared,             // decrypted into a record that is not submitted yet (a shares file)
        no_tally,             // polls not closed or `psephos tally` not run
        already_decrypted,    // by this guardian
        has_result,           // the district's result is recorded: nothing left to decrypt
        tally_mismatch,       // the recorded tally is not its log's sum: not decrypted; error says
                              // where it differs
        refused,              // the ledger refused the record: error says why
        unauthorised_device,  // a device registration of the log is not signed by the election
                              // authority: not decrypted; error names the device
    };
    std::string district_id;
    State state = State::no_tally;
    std::uint64_t record_index = 0;
    std::size_t partial_decryptions = 0;  // options decrypted, each with its proof
    std::string error;
};

// Reads one district log in order from index 0: calls visit(index, record) for each record and
// stops at the first visit that fails, returning its error.
using LogVisitor = std::function<Status(std::uint64_t index, ByteSpan record)>;
using DistrictLogSource =
    std::function<Status(std::string_view district_id, const LogVisitor& visit)>;

struct GuardianDecryptions {
    std::vector<GuardianDistrictOutcome> outcomes;  // one per district, in manifest order
    std::vector<Bytes> records;  // tally-decryption records, one per `prepared` outcome, in order
};

// The guardian's decryptions of every district tally the logs hold and this guardian has not yet
// decrypted, each after its tally is checked as the file comment says; nothing is submitted.
// Fails (before reading any log) if the key is not one of this election's guardians
// (check_guardian_key), and if a log cannot be read, naming the district. With authority_key
// (the key of an approval the caller has checked), a district whose log registers a device that
// key did not authorise is `unauthorised_device`.
Result<GuardianDecryptions> prepare_tally_decryptions(
    const election::ElectionContext& election, const election::GuardianKey& key,
    const DistrictLogSource& logs,
    const std::optional<crypto::Ed25519PublicKey>& authority_key = std::nullopt);

// The same from the ledger's logs, then submitted (one ingest, as a guardian): each `prepared`
// outcome becomes `decrypted` or `refused`. One outcome per district, in manifest order. The
// registrations are checked under the key of the ledger's approval (Ledger::approval()).
Result<std::vector<GuardianDistrictOutcome>> decrypt_tallies_as_guardian(
    Ledger& ledger, const election::GuardianKey& key);

}  // namespace psephos::ledger
