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
#include <string_view>

#include "psephos/ledger/ledger.hpp"

namespace psephos::record {

// The "format" member of record.json.
inline constexpr std::string_view election_record_format = "psephos-election-record-v2";

struct ExportSummary {
    std::uint64_t files = 0;    // every file written, record.json included
    std::uint64_t bytes = 0;    // their total size
    std::uint64_t records = 0;  // records of every log: district logs, election log, event log
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
                                             const std::filesystem::path& out);

}  // namespace psephos::record
