// The county (docs/county.md, issue 22): one ledger of the whole election, the same election as
// the stations' with a ledger key of its own, into which every station's district records are
// replayed. It trusts no station: each pushed record goes through the county ledger's own
// modules (Ledger::ingest_all_or_nothing, so a push is written whole or not at all), and the
// leaves being the same bytes, the county's district root at size N must be the root of the
// station's signed checkpoint of size N. The station's district log key is the trust anchor of
// its checkpoints.
//
// A push is records first .. N−1 of a district, the station's checkpoint of size N and the
// consistency proof from `first`. The county:
//   - checks the checkpoint's signature under the station's key for that district, its origin
//     (the county's district log's) and its size (first + the records);
//   - at or below the size it holds: the checkpoint's root must be its own root at that size
//     (a re-push is answered with the size held, nothing done); another root is an equivocation;
//   - a push that does not start at the size held is answered with the size held (the station
//     resumes from there, e.g. after a partition);
//   - above it: the checkpoint must be consistent with the size held (the proof), else an
//     equivocation; the records with the county's leaves must hash to its root, else the push is
//     refused; then the records are ingested, all or nothing.
// An equivocation is refused and both signed notes (the one the county holds, the one presented)
// are kept as evidence: a file in DIR/evidence (crypto::write_new_file, named by the hash of
// its content) and an `error` event in the county ledger's event log. Each checkpoint the county
// accepted is kept in DIR/notes/<district>/ (written before the records go in; one beyond the
// log's size is ignored when the county opens).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::county {

// A station the county takes pushes from.
struct StationTrust {
    std::string station_id;
    // The Ed25519 key of its TLS certificate (pinned: a station presenting another is refused at
    // the handshake).
    crypto::Ed25519PublicKey tls_key;
    // For each district it pushes: its district log's note verifier key, as its
    // `psephos ledger status` prints it.
    std::map<std::string, election::NoteVerifierKey> district_keys;
};

struct CountyOptions {
    std::vector<StationTrust> stations;
    std::filesystem::path state_directory;  // notes/ and evidence/ (created, mode 0700)
    // Publish an election checkpoint after each accepted push (the county's one election root).
    bool publish_after_push = true;
    // Called after each election checkpoint a push published (holding the district's lock: it
    // must return at once, e.g. wake the thread that submits to witnesses).
    std::function<void()> on_published;
};

// How a push ended.
struct PushAnswer {
    std::uint64_t held = 0;          // the district's size the county holds after it
    std::optional<Error> refusal;    // why nothing was written (absent: accepted or held already)
    bool equivocation = false;       // the refusal is the station's equivocation
    std::filesystem::path evidence;  // then: the file that keeps both notes
};

class County {
public:
    // Checks the options (each station's districts are the election's, no district pushed by
    // two stations, no TLS key twice, each district key named by the county's district origin)
    // and reads the county ledger's district logs and the notes kept. The ledger must outlive
    // the county and be writable.
    static Result<std::unique_ptr<County>> open(ledger::Ledger& ledger, CountyOptions options);
    ~County();
    County(const County&) = delete;
    County& operator=(const County&) = delete;

    const StationTrust* station_with_key(const crypto::Ed25519PublicKey& key) const;
    const StationTrust* station(std::string_view station_id) const;
    // The size of the district the county holds; not_found if the station does not push it.
    Result<std::uint64_t> held(std::string_view station_id, std::string_view district_id) const;
    PushAnswer push(std::string_view station_id, std::string_view district_id, std::uint64_t first,
                    std::vector<Bytes> records, std::string_view signed_checkpoint,
                    std::span<const Hash32> consistency_proof);
    // The equivocation evidence files kept so far, by name.
    std::vector<std::filesystem::path> evidence() const;
    ledger::Ledger& ledger() { return ledger_; }

    struct District;

private:
    County(ledger::Ledger& ledger, CountyOptions options);
    Result<District*> district_of(std::string_view station_id, std::string_view district_id) const;
    PushAnswer equivocation(District& district, const std::string& station_id,
                            std::string_view note, std::uint64_t size, const std::string& why);

    ledger::Ledger& ledger_;
    const CountyOptions options_;
    std::map<std::string, std::unique_ptr<District>, std::less<>> districts_;
};

// What a county kept, read from its state directory without opening it (for the election
// record's export, docs/election-record.md §3.9):
// the station checkpoints it accepted for a district (signed notes, ascending by size; a note
// written by a push that did not land may be beyond the county's log: the export leaves it out);
Result<std::vector<std::string>> read_kept_checkpoints(const std::filesystem::path& state_directory,
                                                       std::string_view district_id);
// and the equivocation evidence it kept, decoded (docs/encoding.md §12.2), in file name order.
Result<std::vector<election::EquivocationEvidence>> read_evidence(
    const std::filesystem::path& state_directory);

}  // namespace psephos::county
