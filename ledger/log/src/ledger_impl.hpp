// The ledger's implementation behind the public Ledger facade (ledger.hpp, docs/ledger.md), split
// by concern the way RocksDB splits DBImpl:
//   ledger_open.cpp      creating and opening a ledger, setting up its logs, the checks on reopen
//   ledger_write.cpp     routing, the executor (parallel validation, one sequencer per district,
//                        group commit), the one synced write with its events, the bridge log's
//                        appends (its records are checked by BridgeLogModule)
//   ledger_barriers.cpp  the election-wide barriers: closing polls, tallying, recording results,
//                        publishing the election checkpoint
//   ledger_queries.cpp   statuses, records, checkpoints and proofs
//   ledger.cpp           the facade, which takes the barrier lock and forwards here
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "bridge_log_module.hpp"
#include "ledger_store.hpp"
#include "merkle_log.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "task_pool.hpp"

namespace psephos::ledger {

namespace detail {

// An event record before the commit numbers, times and chains it.
struct EventDraft {
    election::EventType type;
    election::ActorRole actor;
    election::Disposition disposition;
    std::string district_id;
    std::string subject;
};

// One submitted record on its way through the executor.
struct Item {
    Bytes bytes;
    LedgerModule* module = nullptr;
    election::ActorRole actor = election::ActorRole::system;
    std::uint64_t group = 0;  // 0: live; otherwise the ingest batch it must be committed with
    bool ends_group = false;
    // Its group is written whole or not at all (Ledger::ingest_all_or_nothing).
    bool all_or_nothing = false;
    // Set by the validation task, read by the sequencer; guarded by the district queue's mutex.
    bool ready = false;
    std::unique_ptr<ValidatedRecord> validated;
    std::optional<Error> error;
    std::promise<Result<Receipt>> promise;
};

struct DistrictQueue {
    std::mutex mutex;
    std::deque<std::shared_ptr<Item>> items;
    // By ingest batch (Item::group) in `items`: its records not validated yet. The sequencer is
    // scheduled for a batch once, when this reaches 0, instead of at every validation.
    std::map<std::uint64_t, std::size_t> unvalidated;
    bool sequencer_scheduled = false;
};

}  // namespace detail

class Ledger::Impl final : public CommittedRecords {
public:
    using EventDraft = detail::EventDraft;
    using Item = detail::Item;
    using MerkleLog = detail::MerkleLog;

    LedgerOptions options;
    election::ElectionContext election;
    election::ElectionApproval approval;
    std::optional<LedgerKey> key;
    std::unique_ptr<detail::LedgerStore> store;
    std::vector<std::unique_ptr<MerkleLog>> district_logs;
    std::unique_ptr<MerkleLog> election_log;
    std::unique_ptr<MerkleLog> event_log;
    std::unique_ptr<MerkleLog> bridge_log;
    std::mutex bridge_mutex;  // one bridge-log writer at a time
    std::map<std::string, std::size_t, std::less<>> district_index;

    std::unique_ptr<CastingModule> casting;
    std::unique_ptr<TallyingModule> tallying;
    std::unique_ptr<BridgeLogModule> bridge;  // the bridge log's module (not a district module)
    std::vector<LedgerModule*> modules;
    std::map<election::RecordType, LedgerModule*> module_by_type;

    std::vector<std::unique_ptr<detail::DistrictQueue>> queues;
    std::vector<std::uint64_t> published;  // district log sizes last put in the election log

    std::mutex commit_mutex;          // one database writer at a time; it also appends the events
    std::shared_mutex barrier_mutex;  // shared: submitting; exclusive: election-wide barriers
    std::mutex pending_mutex;
    std::condition_variable pending_done;
    std::uint64_t pending = 0;
    std::atomic<std::uint64_t> next_group{1};
    std::atomic<std::uint64_t> records_appended{0}, records_rejected{0}, events_appended{0};
    std::atomic<std::uint64_t> sequencer_runs{0};

    std::unique_ptr<detail::TaskPool> pool;  // last: its workers stop before the rest goes

    std::uint64_t now() const;
    bool writable() const { return key.has_value(); }

    // ---- ledger_open.cpp: creating, opening, checking ----------------------------------------

    static Result<std::unique_ptr<Impl>> create(const LedgerOptions& options,
                                                const election::ElectionContext& election,
                                                const election::ElectionApproval& approval,
                                                LedgerKey key);
    static Result<std::unique_ptr<Impl>> open(const LedgerOptions& options,
                                              std::optional<LedgerKey> key);
    // The logs, their verifiers (stored when creating, checked against the key when opening)
    // and the modules.
    Status set_up_logs(bool creating, rocksdb::WriteBatch* batch);
    Result<std::unique_ptr<MerkleLog>> make_log(bool creating, rocksdb::WriteBatch* batch,
                                                std::uint32_t id, std::string name,
                                                std::string origin) const;
    // The stored format, manifest and base hash, checked against each other.
    Result<election::ElectionContext> read_election() const;
    // The stored approval, checked against the base hash.
    Result<election::ElectionApproval> read_approval() const;
    // Every check on reopen (docs/ledger.md §6), log by log.
    Status load_all();
    Status load_district_logs();
    Status load_district_log(std::size_t district_index);
    Status load_election_log();
    Status load_bridge_log();
    Status load_event_log();

    // ---- ledger_write.cpp: routing, the executor, the synced write ---------------------------

    // The one way anything reaches the database: `batch` plus the events, as one synced write.
    Status commit(rocksdb::WriteBatch& batch, const std::vector<EventDraft>& events);
    Status write_events(std::vector<EventDraft> events);
    Result<std::pair<LedgerModule*, std::size_t>> route(ByteSpan record) const;
    Error reject_unrouted(const Error& error, election::ActorRole actor);
    std::future<Result<Receipt>> submit(Bytes record, election::ActorRole actor);
    std::vector<Result<Receipt>> ingest(std::vector<Bytes> records, election::ActorRole actor);
    Result<std::vector<Receipt>> ingest_all_or_nothing(std::vector<Bytes> records,
                                                       election::ActorRole actor);
    void enqueue(std::size_t d, std::vector<std::shared_ptr<Item>> items);
    // Schedules the district's sequencer if its queue's head is committable and none is
    // scheduled; called with the queue's mutex held.
    void schedule_sequencer(std::size_t d);
    // The next batch ready to commit, or nothing; called with the queue's mutex held.
    std::vector<std::shared_ptr<Item>> take_ready(detail::DistrictQueue& q) const;
    void run_sequencer(std::size_t d);
    void commit_batch(std::size_t d, const std::vector<std::shared_ptr<Item>>& batch);
    void refuse_whole_batch(std::size_t d, const std::vector<std::shared_ptr<Item>>& batch,
                            const std::vector<std::pair<Item*, Error>>& refused);
    void drain();
    Result<Receipt> append_bridge_record(Bytes record, election::ActorRole actor);

    // ---- ledger_barriers.cpp: the election-wide barriers (callers hold barrier_mutex) --------

    Result<std::vector<Receipt>> close_all_polls(std::vector<Bytes> closing_records);
    Result<std::vector<Receipt>> tally_closed();
    Result<std::vector<Receipt>> record_results();
    Result<LogStatus> publish();
    // Ingests the records, fails on the first refused one, then publishes.
    Result<std::vector<Receipt>> append_all(std::vector<Bytes> records, election::ActorRole actor);

    // ---- ledger_queries.cpp ------------------------------------------------------------------

    // A committed district record (CommittedRecords, for the tallying module).
    Result<Bytes> record(std::size_t d, std::uint64_t index) const override;
    Result<const MerkleLog*> find_log(std::string_view name) const;
    Result<Bytes> read_record(std::string_view log, std::uint64_t index) const;
    Result<std::vector<std::pair<std::uint64_t, std::string>>> checkpoints(
        std::string_view log) const;
    Result<std::vector<Hash32>> prove_inclusion(std::string_view log, std::uint64_t index,
                                                std::uint64_t tree_size) const;
    Result<std::vector<Hash32>> prove_consistency(std::string_view log, std::uint64_t old_size,
                                                  std::uint64_t new_size) const;
    LedgerStatistics statistics() const;
    // The root of the election checkpoint of a given size, from the signed checkpoint stored for
    // it (so an anchor can only name a tree head the ledger itself signed).
    election::AnchorBook::ElectionRootLookup election_root_lookup() const;
};

}  // namespace psephos::ledger
