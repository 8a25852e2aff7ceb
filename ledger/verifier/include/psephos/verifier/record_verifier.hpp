// The election record's verifier (docs/election-record.md §5, §7): re-checks an exported record
// from its files alone — no ledger database, key or secret — and reports each numbered check
// (V1–V34) per scope. It shares no code with the ledger's own validation: it decodes the records
// with its own byte reader and re-derives every hash from the record's bytes; only the group,
// signature and Merkle primitives of psephos::crypto are shared.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/cosignature.hpp"

namespace psephos::verifier {

enum class CheckStatus {
    passed,
    failed,
    not_run,  // a check it depends on could not establish its input (reported, never as passed)
};

const char* to_string(CheckStatus status);

struct CheckOutcome {
    std::string id;     // "V7"
    std::string name;   // "ceremony-guardians"
    std::string scope;  // "" election-wide, a district id, or a log name ("/election", "/events")
    CheckStatus status = CheckStatus::not_run;
    std::uint64_t items_checked = 0;
    // "<object>: <reason>", the first max_failures_listed of them; failure_count counts them all.
    std::vector<std::string> failures;
    std::uint64_t failure_count = 0;
    std::string note;  // why a check did not run, or what the item count counts

    bool passed() const { return status == CheckStatus::passed; }
};

inline constexpr std::size_t max_failures_listed = 20;

struct VerifyOptions {
    unsigned threads = 0;  // 0: the hardware's concurrency
    // Called from worker threads (concurrently for different districts) every few hundred records
    // of a log: records read so far and the log's size from record.json.
    std::function<void(std::string_view log, std::uint64_t done, std::uint64_t total)> progress;
    // Asked (from worker threads) as often as progress is reported; once it returns true the
    // verifier stops reading records and returns a report marked cancelled, which never passes.
    std::function<bool()> cancelled;
    // Trust anchors obtained out of band (docs/election-record.md §1, V10): note verifier keys
    // ("<origin>+<key id>+<base64 key>"), each of which must be exactly the verifier_key of the
    // log with that origin, and/or an election checkpoint (a signed note) that the election
    // log's checkpoints.bin must hold. Without either the record is checked against itself only.
    std::vector<std::string> trusted_verifier_keys;
    std::string trusted_election_checkpoint;
    // The election authority's public key as it published it ("ed25519:<64 hex digits>"): V29
    // fails unless authority.bin's approval is by this key. Empty: the approval's own key is
    // used (the record is then checked against itself only, as without the note keys above).
    std::string trusted_authority_key;
    // k of n witnesses that must have cosigned the election log's last checkpoint (V34,
    // docs/witness.md): a trust anchor, like the keys above. Absent: the cosignatures the record
    // carries are checked against the witnesses it names, and none is required.
    std::optional<crypto::WitnessPolicy> witness_policy;
};

struct VerifyReport {
    std::vector<CheckOutcome> checks;  // by check number, then scope in the record's order

    bool passed() const;  // every check ran and passed (and the run was not cancelled)
    bool any_failed() const;
    // False when no trust anchor was given: the signatures then show only that the record is
    // consistent with the keys it names itself.
    bool anchored = false;
    // VerifyOptions::cancelled stopped the run: the checks are incomplete and mean nothing.
    bool cancelled = false;
    // What a reader must see that does not fail the record: a station's equivocation the county
    // refused and kept the evidence of (V33), one line each.
    std::vector<std::string> notices;
};

// Runs V1–V34 on the record in `dir`. Never throws for anything in the record; every problem is
// a failure of some check.
VerifyReport verify_election_record(const std::filesystem::path& dir,
                                    const VerifyOptions& options = {});

}  // namespace psephos::verifier
