// The public election record (docs/election-record.md): everything an observer needs to check the
// election without trusting the ledger's code — the finalized manifest and its base hash, the key
// ceremony's commitments and proofs, every district log (registrations, polls, cast and challenged
// ballots with their proofs, tallies, guardians' decryptions with their proofs, results) with its
// signed checkpoints and consistency proofs, the election log and the event log — and two derived
// files for people (results.json, challenged-ballots.json). Nothing secret: no guardian share, no
// ledger or kiosk key, no cast ballot's nonce (a challenged ballot's nonces are public by design).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::record {

// The "format" member of record.json.
inline constexpr std::string_view election_record_format = "psephos-election-record-v2";

struct ExportSummary {
    std::uint64_t files = 0;    // every file written, record.json included
    std::uint64_t bytes = 0;    // their total size
    std::uint64_t records = 0;  // records of every log: district logs, election log, event log
};

// A station whose pushes a county took (docs/county.md), as the county's record names it.
struct StationAttestation {
    std::string station_id;
    // The districts it pushed, each with the station's district log key (the county's trust
    // anchor for that station's checkpoints).
    std::vector<std::pair<std::string, election::NoteVerifierKey>> districts;
};

// What the record carries beyond a ledger's logs (docs/election-record.md §3.9).
struct ExportOptions {
    // A county's record: the stations, the station checkpoints the county accepted (by district,
    // each a signed note; those beyond the district's exported size are left out) and the
    // equivocation evidence it kept. Exported as record.json's "county" member,
    // districts/<id>/station-checkpoints.bin and county/equivocations.bin.
    std::optional<std::vector<StationAttestation>> stations;
    std::map<std::string, std::vector<std::string>> station_checkpoints;
    std::vector<election::EquivocationEvidence> equivocations;
    // Witnesses that cosigned the election log, and their cosigned notes (each the ledger's note
    // of an election checkpoint with the witness's cosignature line, as the witness returned it).
    // Exported as record.json's "witnesses" member and election/cosignatures.bin: one note per
    // checkpoint cosigned, with every listed witness's line that verifies. A note of a size
    // beyond the election log's exported size, or of a text that is not the ledger's checkpoint
    // of that size, is refused.
    std::optional<std::vector<crypto::CosignerKey>> witnesses;
    std::vector<std::string> election_cosignatures;
};

// Writes the public election record of the ledger into `out`, which is created (its parent must
// exist) or must be an empty directory. Works on a read-only ledger. Each log is exported as it
// was when the export began (the election log first, then the district logs, then the event log),
// so a ledger that keeps working meanwhile still gives a consistent record.
//
// Everything is written into out/.partial-XXXXXX first, then moved into `out` with record.json
// last: a directory without record.json is not a record, and a failed export removes what it
// wrote (and `out` if it created it). Streaming: a log's records are read, hashed and written one
// at a time; only its leaf hashes (32 bytes a record) are kept. Errors name the file or the record.
// The same ledger state always gives the same bytes.
Result<ExportSummary> export_election_record(const ledger::Ledger& ledger,
                                             const std::filesystem::path& out,
                                             const ExportOptions& options = {});

}  // namespace psephos::record
