// The modular ledger (docs/ledger.md): one append-only log per district in RocksDB, each an
// RFC 9162 Merkle tree with a signed C2SP checkpoint after every committed batch; an election log
// whose leaves are district checkpoints; a tamper-evident event log; and an executor that runs
// districts in parallel on one thread pool while keeping each district's order.
//
// Durability: a record's future (or ingest result) is fulfilled only after the RocksDB write
// holding its batch returned with sync = true and the WAL on. Concurrent submissions to a district
// share one batch and one synced write (group commit).
//
// Determinism: ingest cuts each district's records into batches of at most max_batch in input
// order, so the same input gives byte-identical district logs, checkpoints and election log
// whatever the thread count. submit batches whatever has been validated when the district's
// sequencer runs, so there only each record's log order (submission order) is fixed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/ed25519_signer.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/ledger_module.hpp"

namespace psephos::ledger {

namespace testing {
class StorageFaults;  // tests only: testing/storage_faults.hpp
}

class CastingModule;
class TallyingModule;

// Names of the two logs that are not district logs (district ids never contain '/').
inline constexpr std::string_view election_log_name = "/election";
inline constexpr std::string_view event_log_name = "/events";
// The bridge's log of anchor intents, transactions and confirmations (anchor_records.hpp).
inline constexpr std::string_view bridge_log_name = "/bridge";

struct LedgerOptions {
    std::filesystem::path directory;  // the RocksDB database directory
    unsigned threads = 0;             // 0: hardware threads
    std::size_t max_batch = 256;      // records per district batch (and per synced write)
    std::size_t tally_chunk = 1024;   // records of a district log per parallel tally task
    // Unix seconds for event times and batch views; tests substitute a fixed clock.
    std::function<std::uint64_t()> clock;
    // Tests only (testing/storage_faults.hpp): makes the database's writes fail on demand, as a
    // full or failing disk does. Null: the local file system.
    std::shared_ptr<testing::StorageFaults> storage_faults;
};

// Where a ledger's log keys live in a PKCS#11 token (docs/keys.md §4): the module, the token's
// label, and its user PIN, which the key keeps only until the ledger has opened its logs.
struct LedgerTokenSpec {
    std::string module_path;
    std::string token_label;
};

// The label of the token key that signs the log with this origin: "psephos-log:" ‖ origin
// (docs/keys.md §4), so a token shared with other keys (the authority's) never confuses them.
std::string token_log_key_label(std::string_view origin);

// The ledger's signing keys (docs/ledger.md §5). By default one Ed25519 secret from which every
// log's key is derived, kept in a key file (crypto/key_file.hpp, mode 0600) outside the
// database. Or one non-extractable Ed25519 key per log in a PKCS#11 token, labelled by the log's
// origin (token_log_key_label), so no secret of the ledger is ever on its disk or in its memory.
// The ledger signs through crypto::Ed25519Signer either way and cannot tell which it has.
class LedgerKey {
public:
    explicit LedgerKey(crypto::Ed25519SigningKey master);
    static Result<LedgerKey> read_file(const std::filesystem::path& path);
    static LedgerKey generate() { return LedgerKey(crypto::Ed25519SigningKey::generate()); }
    // The keys in a token; nothing is opened until the ledger asks for a log's signer. The PIN
    // is wiped when the key is destroyed or forget_pin() is called.
    static LedgerKey in_token(LedgerTokenSpec spec, std::string_view pin);
    ~LedgerKey();
    LedgerKey(LedgerKey&&) noexcept;
    LedgerKey& operator=(LedgerKey&&) noexcept;
    LedgerKey(const LedgerKey&) = delete;
    LedgerKey& operator=(const LedgerKey&) = delete;

    bool in_token() const { return token_ != nullptr; }
    // The key of the log with this origin: seed = BLAKE2b-256 keyed by the master seed over
    // "psephos/v1/ledger-log-key" ‖ u32be length ‖ origin. A key file's only (logic_error for
    // a token's).
    crypto::Ed25519SigningKey derive_log_key(std::string_view origin) const;
    const crypto::Ed25519SigningKey& master() const;  // a key file's only, as derive_log_key
    // The signer of the log with this origin: the derived key, or the token key labelled
    // token_log_key_label(origin) opened with crypto::Pkcs11Signer (which refuses an extractable
    // key, a wrong PIN, a missing key; errors name the token and the label).
    Result<std::unique_ptr<crypto::Ed25519Signer>> open_log_signer(std::string_view origin) const;
    // How messages name the key of the log with this origin.
    std::string describe_log_key(std::string_view origin) const;
    // Wipes a token key's PIN once every log's signer is open (nothing for a key file).
    void forget_pin();

private:
    struct Token;
    std::optional<crypto::Ed25519SigningKey> master_;
    std::unique_ptr<Token> token_;
    LedgerKey() = default;
};

// Generates, in the token, one Ed25519 key per log of this election (its district logs, the
// election, event and bridge logs), each labelled token_log_key_label(origin), private,
// sensitive and not extractable (crypto::Pkcs11Signer::generate). Refuses, before generating
// anything, when the token already holds a key of one of these labels. Returns the public keys
// in log order (log_origins).
Result<std::vector<crypto::Ed25519PublicKey>> generate_token_log_keys(
    const LedgerTokenSpec& spec, std::string_view pin, const election::ElectionManifest& manifest);

// Every log's origin, in the order the ledger sets them up: the district logs in manifest order,
// then the election, event and bridge logs.
std::vector<std::string> log_origins(const election::ElectionManifest& manifest);

// The acknowledgement of an accepted record.
struct Receipt {
    std::string log;  // district id
    std::uint64_t index = 0;
    Hash32 leaf_hash;
    std::string signed_checkpoint;  // the checkpoint of the batch that made the record durable
};

struct LogStatus {
    std::string name;    // district id, election_log_name or event_log_name
    std::string origin;  // the checkpoint origin, "<election id>/district/<id>" etc.
    std::uint64_t size = 0;
    Hash32 root;
    std::string signed_checkpoint;  // the latest; empty while the log is empty
    election::NoteVerifierKey verifier;
};

struct LedgerStatistics {
    std::uint64_t synced_writes = 0;     // RocksDB writes with sync = true
    std::uint64_t records_appended = 0;  // to district logs
    std::uint64_t records_rejected = 0;
    std::uint64_t events_appended = 0;
    // Sequencer tasks run: each commits every batch of its district that is ready. An ingest
    // batch schedules one once it is validated whole, a live record when it is validated.
    std::uint64_t sequencer_runs = 0;
};

class Ledger {
public:
    // Creates the database for a finalized election the election authority approved (the
    // approval is checked against the election's base hash and stored; docs/ledger.md §5); fails
    // if the directory exists.
    static Result<std::unique_ptr<Ledger>> create(const LedgerOptions& options,
                                                  const election::ElectionContext& election,
                                                  const election::ElectionApproval& approval,
                                                  LedgerKey key);
    // Opens an existing ledger and checks it (docs/ledger.md §6): every stored record's leaf hash,
    // every stored checkpoint's root and signature, every log's size; then replays the records
    // through the modules. Errors name the log (district) and the index. Without a key the
    // ledger is read-only: queries and proofs work, submissions are refused.
    static Result<std::unique_ptr<Ledger>> open(const LedgerOptions& options,
                                                std::optional<LedgerKey> key);
    // Waits for every submission, records the shutdown in the event log, closes the database.
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    const election::ElectionContext& election() const;
    bool read_only() const;

    // Live submission (kiosks): fulfilled once the record's batch is durable, or with the reason
    // it was rejected (the rejection is in the event log; the ledger is otherwise unchanged).
    std::future<Result<Receipt>> submit(Bytes record,
                                        election::ActorRole actor = election::ActorRole::system);
    // Deterministic bulk submission: results in input order (see the file comment).
    std::vector<Result<Receipt>> ingest(std::vector<Bytes> records,
                                        election::ActorRole actor = election::ActorRole::system);
    // All or nothing (the county's replay of a station's records, docs/county.md): the records,
    // all of one district, are validated and applied as one batch and written in one synced
    // write; if any is refused, none is written (the refusals are in the event log) and the
    // error names the first refused record by its position. Receipts in input order otherwise.
    Result<std::vector<Receipt>> ingest_all_or_nothing(
        std::vector<Bytes> records, election::ActorRole actor = election::ActorRole::system);
    // Blocks until every submission so far is resolved.
    void drain();

    // An election-wide barrier: waits for all districts, appends the closing records given
    // (polls-closed, each signed by a device of its district and carrying every device's own
    // head, docs/encoding.md §13; make_closing_record), in the order given, then publishes an
    // election checkpoint. The ledger cannot close a district by itself: every district whose
    // polls are open or paused needs one closing record here, else nothing is appended. Returns
    // the receipts of the polls-closed records; a refused record's error names it.
    Result<std::vector<Receipt>> close_all_polls(std::vector<Bytes> closing_records);
    // An election-wide barrier: tallies, in parallel, every district whose polls are closed and
    // that has no tally yet (the homomorphic sum of its cast ballots, docs/tally.md), appends each
    // tally to its district log, then publishes an election checkpoint. Returns the receipts.
    Result<std::vector<Receipt>> tally();
    // An election-wide barrier: for every district whose tally has been decrypted by at least the
    // threshold of guardians (their tally-decryption records, submitted like any record) and has
    // no result yet, combines the decryptions, appends the district result, and publishes an
    // election checkpoint.
    Result<std::vector<Receipt>> record_results();
    // A barrier: appends to the election log, in manifest order, the latest checkpoint of each
    // district that grew since the last publication, and signs the election checkpoint.
    Result<LogStatus> publish_election_checkpoint();
    // Records an event that is not tied to a record (configuration change, export, error…).
    Status record_event(election::EventType type, election::ActorRole actor,
                        election::Disposition disposition, std::string district_id,
                        std::string subject);

    // The bridge log (docs/bridge.md): appends one anchor intent, transaction or confirmation
    // once AnchorBook admits it against the bridge log and the election log, in one synced write
    // with its event. A refused record changes nothing but the event log.
    Result<Receipt> append_bridge_record(Bytes record,
                                         election::ActorRole actor = election::ActorRole::system);
    // Every anchor intent with its transactions and confirmation, in bridge-log order.
    std::vector<election::AnchorState> anchors() const;

    // Queries. `log` is a district id, election_log_name, event_log_name or bridge_log_name.
    Result<LogStatus> status(std::string_view log) const;
    std::vector<LogStatus> district_statuses() const;
    Result<Bytes> record(std::string_view log, std::uint64_t index) const;
    // Signed checkpoints stored for the log, by tree size.
    Result<std::vector<std::pair<std::uint64_t, std::string>>> checkpoints(
        std::string_view log) const;
    Result<std::vector<Hash32>> prove_inclusion(std::string_view log, std::uint64_t index,
                                                std::uint64_t tree_size) const;
    Result<std::vector<Hash32>> prove_consistency(std::string_view log, std::uint64_t old_size,
                                                  std::uint64_t new_size) const;
    LedgerStatistics statistics() const;

    // The election authority's approval the ledger was created with: its key authorises devices.
    const election::ElectionApproval& approval() const;
    CastingModule& casting();
    const CastingModule& casting() const;
    const TallyingModule& tallying() const;

    class Impl;

private:
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace psephos::ledger
