// The modular ledger: routing records to modules, the executor (parallel validation, one
// sequencer per district, group commit), the election and event logs, and the checks on reopen
// (docs/ledger.md).
#include "psephos/ledger/ledger.hpp"

#include <sodium.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <shared_mutex>

#include "ledger_store.hpp"
#include "merkle_log.hpp"
#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "task_pool.hpp"

namespace psephos::ledger {

using detail::Family;
using detail::LedgerStore;
using detail::MerkleLog;

// ---------------------------------------------------------------------------------------------
// The ledger key

Result<LedgerKey> LedgerKey::read_file(const std::filesystem::path& path) {
    auto key = crypto::read_signing_key_file(path);
    if (!key) return key.error();
    return LedgerKey(std::move(key).value());
}

crypto::Ed25519SigningKey LedgerKey::derive_log_key(std::string_view origin) const {
    static constexpr std::string_view label = "psephos/v1/ledger-log-key";
    Bytes message(label.begin(), label.end());
    append_u32_be(message, static_cast<std::uint32_t>(origin.size()));
    message.insert(message.end(), origin.begin(), origin.end());
    std::array<std::uint8_t, 32> seed{};
    const auto master = master_.seed();
    crypto_generichash(seed.data(), seed.size(), message.data(), message.size(), master.data(),
                       master.size());
    auto key = crypto::Ed25519SigningKey::from_seed(seed);
    sodium_memzero(seed.data(), seed.size());
    return std::move(key).value();
}

// ---------------------------------------------------------------------------------------------
// The implementation

namespace {

std::uint64_t system_clock_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string district_origin(const election::ElectionManifest& m, const std::string& district_id) {
    return m.election_id + "/district/" + district_id;
}

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
    // Set by the validation task, read by the sequencer; guarded by the district queue's mutex.
    bool ready = false;
    std::unique_ptr<ValidatedRecord> validated;
    std::optional<Error> error;
    std::promise<Result<Receipt>> promise;
};

struct DistrictQueue {
    std::mutex mutex;
    std::deque<std::shared_ptr<Item>> items;
    bool sequencer_scheduled = false;
};

template <class T>
std::future<Result<T>> ready_future(Result<T> value) {
    std::promise<Result<T>> p;
    p.set_value(std::move(value));
    return p.get_future();
}

}  // namespace

class Ledger::Impl final : public CommittedRecords {
public:
    LedgerOptions options;
    election::ElectionContext election;
    std::optional<LedgerKey> key;
    std::unique_ptr<LedgerStore> store;
    std::vector<std::unique_ptr<MerkleLog>> district_logs;
    std::unique_ptr<MerkleLog> election_log;
    std::unique_ptr<MerkleLog> event_log;
    std::unique_ptr<MerkleLog> bridge_log;
    std::unique_ptr<election::AnchorBook> anchor_book;  // guarded by bridge_mutex
    mutable std::mutex bridge_mutex;                    // one bridge writer; queries copy under it
    std::map<std::string, std::size_t, std::less<>> district_index;

    std::unique_ptr<CastingModule> casting;
    std::unique_ptr<TallyingModule> tallying;
    std::vector<LedgerModule*> modules;
    std::map<election::RecordType, LedgerModule*> module_by_type;

    std::vector<std::unique_ptr<DistrictQueue>> queues;
    std::vector<std::uint64_t> published;  // district log sizes last put in the election log

    std::mutex commit_mutex;          // one database writer at a time; it also appends the events
    std::shared_mutex barrier_mutex;  // shared: submitting; exclusive: election-wide barriers
    std::mutex pending_mutex;
    std::condition_variable pending_done;
    std::uint64_t pending = 0;
    std::atomic<std::uint64_t> next_group{1};
    std::atomic<std::uint64_t> records_appended{0}, records_rejected{0}, events_appended{0};

    std::unique_ptr<detail::TaskPool> pool;  // last: its workers stop before the rest goes

    std::uint64_t now() const { return options.clock ? options.clock() : system_clock_seconds(); }
    bool writable() const { return key.has_value(); }

    // ---- set-up --------------------------------------------------------------------------

    Status set_up_logs(bool creating, rocksdb::WriteBatch* batch) {
        const election::ElectionManifest& m = election.manifest;
        auto make_log = [&](std::uint32_t id, std::string name,
                            std::string origin) -> Result<std::unique_ptr<MerkleLog>> {
            std::optional<crypto::Ed25519SigningKey> log_key;
            if (key) log_key = key->derive_log_key(origin);
            const std::string where = id == detail::election_log_id ? "election log"
                                      : id == detail::event_log_id  ? "event log"
                                      : id == detail::bridge_log_id ? "bridge log"
                                                                    : "district '" + name + "'";
            election::NoteVerifierKey verifier;
            if (creating) {
                verifier = election::NoteVerifierKey::of(origin, log_key->public_key());
                store->put(*batch, Family::meta, detail::meta_key("verifier", id),
                           as_bytes(verifier.to_text()));
            } else {
                auto stored = store->get(Family::meta, detail::meta_key("verifier", id));
                if (!stored) return stored.error().within(where);
                if (!stored.value())
                    return make_error(ErrorCode::corrupted, where + ": no verifier key stored");
                const Bytes& text = *stored.value();
                auto parsed =
                    election::NoteVerifierKey::parse(std::string(text.begin(), text.end()));
                if (!parsed) return parsed.error().within(where + ": stored verifier key");
                verifier = std::move(parsed).value();
                if (verifier.name != origin) {
                    return make_error(
                        ErrorCode::corrupted,
                        where + ": stored verifier key is for '" + verifier.name + "'");
                }
                if (log_key && !(log_key->public_key() == verifier.key)) {
                    return make_error(ErrorCode::verification_failed,
                                      where + ": the ledger key given is not this ledger's key");
                }
            }
            return std::make_unique<MerkleLog>(id, std::move(name), std::move(origin),
                                               std::move(log_key), std::move(verifier));
        };
        for (std::size_t d = 0; d < m.districts.size(); ++d) {
            const std::string& id = m.districts[d].id;
            auto log = make_log(static_cast<std::uint32_t>(d), id, district_origin(m, id));
            if (!log) return log.error();
            district_logs.push_back(std::move(log).value());
            district_index.emplace(id, d);
            queues.push_back(std::make_unique<DistrictQueue>());
        }
        published.assign(m.districts.size(), 0);
        auto e = make_log(detail::election_log_id, std::string(election_log_name),
                          m.election_id + "/election");
        if (!e) return e.error();
        election_log = std::move(e).value();
        auto v =
            make_log(detail::event_log_id, std::string(event_log_name), m.election_id + "/events");
        if (!v) return v.error();
        event_log = std::move(v).value();
        auto b = make_log(detail::bridge_log_id, std::string(bridge_log_name),
                          m.election_id + "/bridge");
        if (!b) return b.error();
        bridge_log = std::move(b).value();
        anchor_book = std::make_unique<election::AnchorBook>(election.base_hash);

        casting = std::make_unique<CastingModule>(election);
        tallying = std::make_unique<TallyingModule>(election, *casting, *this);
        modules = {casting.get(), tallying.get()};
        for (LedgerModule* module : modules) {
            for (const election::RecordType type : module->record_types())
                module_by_type.emplace(type, module);
        }
        return {};
    }

    // ---- writing -------------------------------------------------------------------------

    // The one way anything reaches the database: `batch` plus the events, as one synced write.
    Status commit(rocksdb::WriteBatch& batch, const std::vector<EventDraft>& events) {
        std::lock_guard lock(commit_mutex);
        std::optional<MerkleLog::Append> appended;
        if (!events.empty()) {
            std::vector<Bytes> entries;
            Hash32 previous = event_log->last_leaf_hash();
            const std::uint64_t time = now();
            for (const EventDraft& draft : events) {
                // A ballot's event keeps only the hour, like the ballot's own timestamp: an exact
                // time next to a tracking code would tell an observer who held which receipt.
                const bool ballot_event = draft.type == election::EventType::ballot_cast ||
                                          draft.type == election::EventType::ballot_challenged;
                election::LedgerEvent event{event_log->size() + entries.size(),
                                            ballot_event ? time - time % 3600 : time,
                                            draft.type,
                                            draft.actor,
                                            draft.disposition,
                                            draft.district_id,
                                            draft.subject,
                                            previous};
                if (event.subject.size() > election::max_event_subject_size) {
                    // Cut at a character boundary, so the subject stays UTF-8.
                    std::size_t cut = election::max_event_subject_size;
                    while (cut > 0 &&
                           (static_cast<unsigned char>(event.subject[cut]) & 0xC0) == 0x80)
                        --cut;
                    event.subject.resize(cut);
                }
                entries.push_back(election::encode_ledger_event(event));
                previous = crypto::hash_merkle_leaf(entries.back());
            }
            appended = event_log->stage(*store, batch, entries);
        }
        if (auto ok = store->write(batch); !ok) return ok;
        if (appended) {
            events_appended += appended->leaf_hashes.size();
            event_log->adopt(std::move(*appended));
        }
        return {};
    }

    Status write_events(std::vector<EventDraft> events) {
        if (!writable()) return {};
        rocksdb::WriteBatch batch;
        return commit(batch, events);
    }

    // ---- routing -------------------------------------------------------------------------

    Result<std::pair<LedgerModule*, std::size_t>> route(ByteSpan record) const {
        if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
        auto it = module_by_type.find(static_cast<election::RecordType>(record[0]));
        if (it == module_by_type.end()) {
            return make_error(
                ErrorCode::invalid_encoding,
                "record type " + std::to_string(record[0]) + " is not one the ledger accepts");
        }
        auto district = it->second->partition_of(record);
        if (!district) return district.error();
        auto d = district_index.find(district.value());
        if (d == district_index.end()) {
            return make_error(ErrorCode::invalid_argument,
                              "district '" + district.value() + "' is not in this election");
        }
        return std::make_pair(it->second, d->second);
    }

    Error reject_unrouted(const Error& error, election::ActorRole actor) {
        ++records_rejected;
        (void)write_events({{election::EventType::record_rejected, actor,
                             election::Disposition::failure, "", error.message}});
        return error;
    }

    // ---- the executor --------------------------------------------------------------------

    void enqueue(std::size_t d, std::vector<std::shared_ptr<Item>> items) {
        {
            std::lock_guard lock(pending_mutex);
            pending += items.size();
        }
        {
            std::lock_guard lock(queues[d]->mutex);
            for (const auto& item : items) queues[d]->items.push_back(item);
        }
        for (auto& item : items) {
            pool->post([this, d, item] {
                auto validated = item->module->validate(item->bytes);
                DistrictQueue& q = *queues[d];
                std::lock_guard lock(q.mutex);
                if (validated) {
                    item->validated = std::move(validated).value();
                } else {
                    item->error = validated.error();
                }
                item->ready = true;
                schedule_sequencer(d);
            });
        }
    }

    // Called with the queue's mutex held.
    void schedule_sequencer(std::size_t d) {
        DistrictQueue& q = *queues[d];
        if (q.sequencer_scheduled || q.items.empty() || !q.items.front()->ready) return;
        q.sequencer_scheduled = true;
        pool->post([this, d] { run_sequencer(d); }, true);
    }

    // The next batch ready to commit, or nothing; called with the queue's mutex held.
    std::vector<std::shared_ptr<Item>> take_ready(DistrictQueue& q) const {
        std::size_t n = 0;
        if (q.items.empty() || !q.items.front()->ready) return {};
        const std::uint64_t group = q.items.front()->group;
        if (group != 0) {
            bool complete = false;
            for (const auto& item : q.items) {
                if (item->group != group || !item->ready) break;
                ++n;
                if (item->ends_group) {
                    complete = true;
                    break;
                }
            }
            if (!complete) return {};
        } else {
            while (n < q.items.size() && n < options.max_batch && q.items[n]->group == 0 &&
                   q.items[n]->ready)
                ++n;
        }
        std::vector<std::shared_ptr<Item>> batch(q.items.begin(),
                                                 q.items.begin() + static_cast<std::ptrdiff_t>(n));
        q.items.erase(q.items.begin(), q.items.begin() + static_cast<std::ptrdiff_t>(n));
        return batch;
    }

    void run_sequencer(std::size_t d) {
        DistrictQueue& q = *queues[d];
        for (;;) {
            std::vector<std::shared_ptr<Item>> batch;
            {
                std::lock_guard lock(q.mutex);
                batch = take_ready(q);
                if (batch.empty()) {
                    q.sequencer_scheduled = false;
                    return;
                }
            }
            commit_batch(d, batch);
            std::lock_guard lock(pending_mutex);
            pending -= batch.size();
            if (pending == 0) pending_done.notify_all();
        }
    }

    void commit_batch(std::size_t d, const std::vector<std::shared_ptr<Item>>& batch) {
        MerkleLog& log = *district_logs[d];
        const std::string& district_id = log.name();
        DistrictBatchView view{d, &district_id, log.size(), now(), log.size(), log.root()};
        std::vector<Bytes> entries;
        std::vector<EventDraft> events;
        std::vector<std::pair<Item*, std::uint64_t>> accepted;
        std::vector<std::pair<Item*, Error>> refused;
        for (const auto& item : batch) {
            if (item->error) {
                refused.emplace_back(item.get(), *item->error);
            } else {
                view.next_index = log.size() + entries.size();
                auto note = item->module->apply(view, *item->validated);
                if (note) {
                    entries.push_back(item->bytes);
                    accepted.emplace_back(item.get(), view.next_index);
                    events.push_back({note.value().type, item->actor,
                                      election::Disposition::success, district_id,
                                      std::move(note.value().subject)});
                    continue;
                }
                refused.emplace_back(item.get(), note.error());
            }
            events.push_back({election::EventType::record_rejected, item->actor,
                              election::Disposition::failure, district_id,
                              refused.back().second.message});
        }
        rocksdb::WriteBatch write;
        std::optional<MerkleLog::Append> append;
        if (!entries.empty()) append = log.stage(*store, write, entries);
        const Status written = commit(write, events);
        if (written) {
            for (LedgerModule* module : modules) module->commit(d);
            std::vector<Receipt> receipts;
            for (auto& [item, index] : accepted) {
                receipts.push_back(Receipt{district_id, index,
                                           append->leaf_hashes[index - append->first_index],
                                           append->signed_checkpoint});
            }
            // The log's state first, so whoever holds a receipt sees the log that includes it.
            if (append) log.adopt(std::move(*append));
            records_appended += accepted.size();
            for (std::size_t i = 0; i < accepted.size(); ++i)
                accepted[i].first->promise.set_value(std::move(receipts[i]));
        } else {
            for (LedgerModule* module : modules) module->abort(d);
            // Not acknowledged, and not known to be absent: a write whose sync failed may have
            // reached the file, and a reopening replays it whole (or drops it whole). A batch
            // refused because an earlier write failed was not written at all.
            const Error failed = written.error().within(
                "district '" + district_id +
                (written.error().code == ErrorCode::refused
                     ? "': the batch was not written"
                     : "': the batch was not acknowledged (its synced write failed; reopen the "
                       "ledger once the disk is writable: the reopening shows whether the "
                       "database kept all of the batch or none of it)"));
            for (auto& [item, index] : accepted) item->promise.set_value(failed);
            // Best effort: when the disk is full this write fails as well, but a passing fault
            // (a locked file, an interrupted call) is then on record.
            (void)write_events({{election::EventType::error, election::ActorRole::system,
                                 election::Disposition::failure, district_id, failed.message}});
        }
        records_rejected += refused.size();
        for (auto& [item, error] : refused) item->promise.set_value(error);
        for (const auto& item : batch) item->validated.reset();
    }

    std::vector<Result<Receipt>> ingest(std::vector<Bytes> records, election::ActorRole actor) {
        std::vector<std::optional<Result<Receipt>>> immediate(records.size());
        std::vector<std::future<Result<Receipt>>> futures(records.size());
        std::vector<std::vector<std::shared_ptr<Item>>> per_district(district_logs.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            if (!writable()) {
                immediate[i] = make_error(ErrorCode::refused, "the ledger is open read-only");
                continue;
            }
            auto routed = route(records[i]);
            if (!routed) {
                immediate[i] = reject_unrouted(routed.error(), actor);
                continue;
            }
            auto [module, d] = routed.value();
            auto item = std::make_shared<Item>();
            item->bytes = std::move(records[i]);
            item->module = module;
            item->actor = actor;
            auto& list = per_district[d];
            if (list.empty() || list.size() % options.max_batch == 0) {
                if (!list.empty()) list.back()->ends_group = true;
                item->group = next_group++;
            } else {
                item->group = list.back()->group;
            }
            futures[i] = item->promise.get_future();
            list.push_back(std::move(item));
        }
        for (std::size_t d = 0; d < per_district.size(); ++d) {
            if (per_district[d].empty()) continue;
            per_district[d].back()->ends_group = true;
            enqueue(d, std::move(per_district[d]));
        }
        std::vector<Result<Receipt>> results;
        results.reserve(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            results.push_back(immediate[i] ? std::move(*immediate[i]) : futures[i].get());
        }
        return results;
    }

    void drain() {
        std::unique_lock lock(pending_mutex);
        pending_done.wait(lock, [&] { return pending == 0; });
    }

    // ---- the election log ----------------------------------------------------------------

    Result<LogStatus> publish() {
        if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
        drain();
        std::vector<Bytes> entries;
        std::vector<std::uint64_t> now_published = published;
        for (std::size_t d = 0; d < district_logs.size(); ++d) {
            const LogStatus s = district_logs[d]->status();
            if (s.size <= published[d]) continue;
            entries.push_back(election::encode_district_checkpoint({s.name, s.signed_checkpoint}));
            now_published[d] = s.size;
        }
        if (entries.empty()) return election_log->status();
        rocksdb::WriteBatch write;
        MerkleLog::Append append = election_log->stage(*store, write, entries);
        const std::string subject =
            "size " + std::to_string(append.tree.size()) + " root " + append.tree.root().to_hex();
        if (auto ok = commit(write, {{election::EventType::election_checkpoint_published,
                                      election::ActorRole::system, election::Disposition::success,
                                      "", subject}});
            !ok) {
            return ok.error().within("election log");
        }
        election_log->adopt(std::move(append));
        published = std::move(now_published);
        return election_log->status();
    }

    // ---- reopening -----------------------------------------------------------------------

    Status load_all() {
        // District logs in parallel, each replayed through the modules in log order.
        std::vector<std::future<Status>> loads;
        for (std::size_t d = 0; d < district_logs.size(); ++d) {
            auto task = std::make_shared<std::packaged_task<Status()>>([this, d]() -> Status {
                return district_logs[d]->load(
                    *store, [&](std::uint64_t index, ByteSpan record) -> Status {
                        const std::string at = "district '" + district_logs[d]->name() +
                                               "': record " + std::to_string(index);
                        if (record.empty()) return make_error(ErrorCode::corrupted, at + ": empty");
                        auto it = module_by_type.find(static_cast<election::RecordType>(record[0]));
                        if (it == module_by_type.end()) {
                            return make_error(ErrorCode::corrupted, at + ": record type " +
                                                                        std::to_string(record[0]) +
                                                                        " belongs to no module");
                        }
                        if (auto ok = it->second->restore(d, index, record); !ok)
                            return ok.error().within(at);
                        return {};
                    });
            });
            loads.push_back(task->get_future());
            pool->post([task] { (*task)(); });
        }
        std::optional<Error> first;
        for (auto& f : loads) {
            Status s = f.get();
            if (!s && !first) first = s.error();
        }
        if (first) return *first;

        // The election log: every leaf a district checkpoint that verifies and is stored.
        if (auto ok = election_log->load(
                *store,
                [&](std::uint64_t index, ByteSpan record) -> Status {
                    const std::string at = "election log: record " + std::to_string(index);
                    auto entry = election::decode_district_checkpoint(record);
                    if (!entry)
                        return make_error(ErrorCode::corrupted, at + ": " + entry.error().message);
                    auto d = district_index.find(entry.value().district_id);
                    if (d == district_index.end()) {
                        return make_error(
                            ErrorCode::corrupted,
                            at + ": unknown district '" + entry.value().district_id + "'");
                    }
                    const MerkleLog& log = *district_logs[d->second];
                    auto text =
                        election::open_note(entry.value().signed_checkpoint, log.verifier());
                    if (!text)
                        return make_error(ErrorCode::corrupted, at + ": " + text.error().message);
                    auto checkpoint = election::Checkpoint::parse(text.value());
                    if (!checkpoint)
                        return make_error(ErrorCode::corrupted,
                                          at + ": " + checkpoint.error().message);
                    const std::uint64_t size = checkpoint.value().size;
                    auto stored = store->get(Family::checkpoints, detail::log_key(log.id(), size));
                    if (!stored) return stored.error().within(at);
                    if (!stored.value() ||
                        std::string(stored.value()->begin(), stored.value()->end()) !=
                            entry.value().signed_checkpoint) {
                        return make_error(ErrorCode::corrupted,
                                          at + ": district '" + log.name() +
                                              "' has no such stored checkpoint of size " +
                                              std::to_string(size));
                    }
                    if (size <= published[d->second]) {
                        return make_error(ErrorCode::corrupted,
                                          at + ": district '" + log.name() +
                                              "' does not grow since its previous checkpoint");
                    }
                    published[d->second] = size;
                    return {};
                });
            !ok) {
            return ok;
        }

        // The bridge log: every record admitted again, in order, by the anchor book.
        if (auto ok = bridge_log->load(
                *store,
                [&](std::uint64_t index, ByteSpan record) -> Status {
                    const std::string at = "bridge log: record " + std::to_string(index);
                    auto admitted = anchor_book->admit(record, index, election_root_lookup());
                    if (!admitted)
                        return make_error(ErrorCode::corrupted,
                                          at + ": " + admitted.error().message);
                    anchor_book->add(record, index);
                    return {};
                });
            !ok) {
            return ok;
        }

        // The event log: a hash chain numbered from 0.
        Hash32 previous{};
        return event_log->load(*store, [&](std::uint64_t index, ByteSpan record) -> Status {
            const std::string at = "event log: event " + std::to_string(index);
            auto event = election::decode_ledger_event(record);
            if (!event) return make_error(ErrorCode::corrupted, at + ": " + event.error().message);
            if (event.value().sequence != index) {
                return make_error(ErrorCode::corrupted,
                                  at + ": numbered " + std::to_string(event.value().sequence));
            }
            if (!(event.value().previous_event_hash == previous)) {
                return make_error(ErrorCode::corrupted,
                                  at + ": does not chain to the event before it");
            }
            previous = crypto::hash_merkle_leaf(record);
            return {};
        });
    }

    // ---- the tally ---------------------------------------------------------------------------

    Result<Bytes> record(std::size_t d, std::uint64_t index) const override {
        const MerkleLog& l = *district_logs.at(d);
        auto value = store->get(Family::entries, detail::log_key(l.id(), index));
        if (!value) return value.error();
        if (!value.value()) {
            return make_error(ErrorCode::corrupted, "log '" + l.name() + "': record " +
                                                        std::to_string(index) + " is missing");
        }
        return std::move(*value.value());
    }

    // Runs make(0) … make(count − 1) on the pool, in parallel; results in that order, or the
    // first error.
    template <class T>
    Result<std::vector<T>> run_tasks(std::size_t count,
                                     const std::function<Result<T>(std::size_t)>& make) {
        std::vector<std::future<Result<T>>> futures;
        for (std::size_t i = 0; i < count; ++i) {
            auto task =
                std::make_shared<std::packaged_task<Result<T>()>>([&make, i] { return make(i); });
            futures.push_back(task->get_future());
            pool->post([task] { (*task)(); });
        }
        std::vector<T> out;
        std::optional<Error> first;
        for (auto& f : futures) {
            Result<T> r = f.get();
            if (!r) {
                if (!first) first = r.error();
                continue;
            }
            out.push_back(std::move(r).value());
        }
        if (first) return *first;
        return out;
    }

    Result<std::vector<Receipt>> append_all(std::vector<Bytes> records, election::ActorRole actor) {
        std::vector<Receipt> receipts;
        for (auto& r : ingest(std::move(records), actor)) {
            if (!r) return r.error();
            receipts.push_back(std::move(r).value());
        }
        if (auto election_root = publish(); !election_root) return election_root.error();
        return receipts;
    }

    Result<std::vector<Receipt>> tally_closed() {
        if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
        drain();
        std::vector<std::size_t> due;
        for (std::size_t d = 0; d < district_logs.size(); ++d) {
            if (casting->status(d).polls == PollsStatus::closed && !tallying->status(d).tallied)
                due.push_back(d);
        }
        // Each district's log in chunks of records, summed in parallel and merged in order, so
        // that one large district still uses every thread.
        const std::uint64_t chunk = std::max<std::size_t>(options.tally_chunk, 1);
        struct Part {
            std::size_t d;
            std::uint64_t begin, end;
        };
        std::vector<Part> parts;
        std::vector<std::uint64_t> sizes(district_logs.size());
        std::vector<Hash32> roots(district_logs.size());
        for (const std::size_t d : due) {
            sizes[d] = district_logs[d]->size();
            roots[d] = district_logs[d]->root();
            for (std::uint64_t b = 0; b == 0 || b < sizes[d]; b += chunk)
                parts.push_back({d, b, std::min(sizes[d], b + chunk)});
        }
        auto sums = run_tasks<election::DistrictTallyBuilder>(
            parts.size(), [&](std::size_t p) -> Result<election::DistrictTallyBuilder> {
                const Part& part = parts[p];
                const std::string& name = district_logs[part.d]->name();
                auto builder = election::DistrictTallyBuilder::create(election, name);
                if (!builder) return builder.error();
                for (std::uint64_t i = part.begin; i < part.end; ++i) {
                    auto r = record(part.d, i);
                    if (!r) return r.error();
                    if (auto ok = builder.value().add_record(r.value()); !ok)
                        return ok.error().within("district '" + name + "': record " +
                                                 std::to_string(i));
                }
                return builder;
            });
        if (!sums) return sums.error().within("tallying");
        std::vector<Bytes> made;
        for (std::size_t p = 0; p < parts.size();) {
            const std::size_t d = parts[p].d;
            election::DistrictTallyBuilder& total = sums.value()[p];
            for (++p; p < parts.size() && parts[p].d == d; ++p) total.merge(sums.value()[p]);
            made.push_back(election::encode_district_tally(total.finish(sizes[d], roots[d])));
            tallying->expect_tally(d, made.back());
        }
        return append_all(std::move(made), election::ActorRole::election_official);
    }

    Result<std::vector<Receipt>> record_results() {
        if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
        drain();
        std::vector<std::size_t> due;
        std::uint64_t most = 1;
        for (std::size_t d = 0; d < district_logs.size(); ++d) {
            const DistrictTallyStatus s = tallying->status(d);
            if (s.tallied && !s.result &&
                s.guardians_decrypted.size() >= election.manifest.threshold) {
                due.push_back(d);
                most = std::max(most, tallying->tally(d)->tally.ballots_counted);
            }
        }
        if (due.empty()) return std::vector<Receipt>{};
        const crypto::DiscreteLogTable table(most);
        auto made = run_tasks<Bytes>(due.size(), [&](std::size_t i) -> Result<Bytes> {
            const std::size_t d = due[i];
            const RecordedTally recorded = *tallying->tally(d);
            const std::vector<election::TallyDecryption> decryptions = tallying->decryptions(d);
            auto result = election::combine_tally_decryptions(election, recorded.tally,
                                                              recorded.hash, decryptions, table);
            if (!result) return result.error();
            return election::encode_district_result(result.value());
        });
        if (!made) return made.error().within("combining decryptions");
        return append_all(std::move(made).value(), election::ActorRole::election_official);
    }

    // ---- the bridge log --------------------------------------------------------------------

    // The root of the election checkpoint of a given size, from the signed checkpoint stored for
    // it (so an anchor can only name a tree head the ledger itself signed).
    election::AnchorBook::ElectionRootLookup election_root_lookup() const {
        return [this](std::uint64_t size) -> Result<Hash32> {
            auto stored =
                store->get(Family::checkpoints, detail::log_key(detail::election_log_id, size));
            if (!stored) return stored.error();
            if (!stored.value()) {
                return make_error(
                    ErrorCode::not_found,
                    "the election log has no checkpoint of size " + std::to_string(size));
            }
            const std::string note(stored.value()->begin(), stored.value()->end());
            auto text = election::open_note(note, election_log->verifier());
            if (!text) return text.error().within("stored election checkpoint");
            auto checkpoint = election::Checkpoint::parse(text.value());
            if (!checkpoint) return checkpoint.error().within("stored election checkpoint");
            return checkpoint.value().root;
        };
    }

    static election::EventType bridge_event_type(ByteSpan record) {
        switch (static_cast<election::RecordType>(record[0])) {
            case election::RecordType::anchor_intent:
                return election::EventType::anchor_intent_recorded;
            case election::RecordType::anchor_transaction:
                return election::EventType::anchor_transaction_recorded;
            default:
                return election::EventType::anchor_confirmed;
        }
    }

    Result<Receipt> append_bridge_record(Bytes record, election::ActorRole actor) {
        if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
        std::lock_guard lock(bridge_mutex);
        const std::uint64_t index = bridge_log->size();
        auto admitted = anchor_book->admit(record, index, election_root_lookup());
        if (!admitted) {
            ++records_rejected;
            (void)write_events(
                {{election::EventType::record_rejected, actor, election::Disposition::failure, "",
                  "bridge log: " + admitted.error().message}});
            return admitted.error().within("bridge log");
        }
        rocksdb::WriteBatch write;
        const std::vector<Bytes> entries{record};
        MerkleLog::Append append = bridge_log->stage(*store, write, entries);
        if (auto ok = commit(write, {{bridge_event_type(record), actor,
                                      election::Disposition::success, "", admitted.value()}});
            !ok) {
            return ok.error().within("bridge log");
        }
        Receipt receipt{std::string(bridge_log_name), index, append.leaf_hashes.front(),
                        append.signed_checkpoint};
        bridge_log->adopt(std::move(append));
        anchor_book->add(record, index);
        return receipt;
    }

    std::vector<election::AnchorState> anchors() const {
        std::lock_guard lock(bridge_mutex);
        return anchor_book->anchors();
    }

    // ---- queries -------------------------------------------------------------------------

    Result<const MerkleLog*> find_log(std::string_view name) const {
        if (name == election_log_name) return election_log.get();
        if (name == event_log_name) return event_log.get();
        if (name == bridge_log_name) return bridge_log.get();
        if (auto it = district_index.find(name); it != district_index.end())
            return district_logs[it->second].get();
        return make_error(ErrorCode::not_found,
                          "no log '" + std::string(name) + "' (a district id, " +
                              std::string(election_log_name) + ", " + std::string(event_log_name) +
                              " or " + std::string(bridge_log_name) + ")");
    }
};

// ---------------------------------------------------------------------------------------------
// Ledger

namespace {

std::unique_ptr<Ledger::Impl> make_impl(const LedgerOptions& options,
                                        std::optional<LedgerKey> key) {
    auto impl = std::make_unique<Ledger::Impl>();
    impl->options = options;
    if (impl->options.max_batch == 0) impl->options.max_batch = 1;
    impl->key = std::move(key);
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    impl->pool = std::make_unique<detail::TaskPool>(threads);
    return impl;
}

}  // namespace

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ledger::~Ledger() {
    if (!impl_) return;
    impl_->drain();
    (void)impl_->write_events({{election::EventType::ledger_stopped, election::ActorRole::system,
                                election::Disposition::success, "", ""}});
}

Result<std::unique_ptr<Ledger>> Ledger::create(const LedgerOptions& options,
                                               const election::ElectionContext& election,
                                               LedgerKey key) {
    auto impl = make_impl(options, std::move(key));
    impl->election = election;
    auto store = LedgerStore::open(options.directory, true, false, options.env);
    if (!store) return store.error();
    impl->store = std::move(store).value();
    rocksdb::WriteBatch batch;
    impl->store->put(batch, Family::meta, "format", as_bytes(detail::ledger_format));
    impl->store->put(batch, Family::meta, "manifest",
                     as_bytes(election::manifest_to_json(election.manifest)));
    impl->store->put(batch, Family::meta, "base-hash", election.base_hash.span());
    if (auto ok = impl->set_up_logs(true, &batch); !ok) return ok.error();
    const election::ElectionManifest& m = election.manifest;
    if (auto ok = impl->commit(
            batch, {{election::EventType::configuration_changed,
                     election::ActorRole::election_official, election::Disposition::success, "",
                     "ledger created for election '" + m.election_id + "' (" +
                         std::to_string(m.districts.size()) + " districts)"},
                    {election::EventType::key_changed, election::ActorRole::election_official,
                     election::Disposition::success, "",
                     "ledger key installed; election log verifier " +
                         impl->election_log->verifier().to_text()},
                    {election::EventType::ledger_started, election::ActorRole::system,
                     election::Disposition::success, "", ""}});
        !ok) {
        return ok.error();
    }
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Result<std::unique_ptr<Ledger>> Ledger::open(const LedgerOptions& options,
                                             std::optional<LedgerKey> key) {
    const bool read_only = !key.has_value();
    auto impl = make_impl(options, std::move(key));
    auto store = LedgerStore::open(options.directory, false, read_only, options.env);
    if (!store) return store.error();
    impl->store = std::move(store).value();
    const std::string where = "ledger " + options.directory.string();
    auto meta = [&](std::string_view name) -> Result<std::string> {
        auto value = impl->store->get(Family::meta, name);
        if (!value) return value.error();
        if (!value.value())
            return make_error(ErrorCode::corrupted,
                              where + ": no '" + std::string(name) + "' entry");
        return std::string(value.value()->begin(), value.value()->end());
    };
    auto format = meta("format");
    if (!format) return format.error();
    if (format.value() != detail::ledger_format) {
        return make_error(ErrorCode::invalid_encoding,
                          where + ": format '" + format.value() + "', expected '" +
                              std::string(detail::ledger_format) + "'");
    }
    auto manifest_json = meta("manifest");
    if (!manifest_json) return manifest_json.error();
    auto manifest = election::parse_manifest(manifest_json.value());
    if (!manifest) return manifest.error().within(where + ": stored manifest");
    auto election = election::make_election_context(std::move(manifest).value());
    if (!election) return election.error().within(where + ": stored manifest");
    auto base_hash = meta("base-hash");
    if (!base_hash) return base_hash.error();
    auto stored_hash = Hash32::from_bytes(as_bytes(base_hash.value()));
    if (!stored_hash || !(stored_hash.value() == election.value().base_hash)) {
        return make_error(ErrorCode::corrupted,
                          where + ": the stored base hash is not the manifest's");
    }
    impl->election = std::move(election).value();
    if (auto ok = impl->set_up_logs(false, nullptr); !ok) return ok.error().within(where);
    if (auto ok = impl->load_all(); !ok) return ok.error().within(where);
    if (!read_only) {
        if (auto ok = impl->write_events(
                {{election::EventType::ledger_started, election::ActorRole::system,
                  election::Disposition::success, "", "reopened; every log checked"}});
            !ok) {
            return ok.error();
        }
    }
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

const election::ElectionContext& Ledger::election() const { return impl_->election; }
bool Ledger::read_only() const { return !impl_->writable(); }

std::future<Result<Receipt>> Ledger::submit(Bytes record, election::ActorRole actor) {
    if (!impl_->writable())
        return ready_future<Receipt>(
            make_error(ErrorCode::refused, "the ledger is open read-only"));
    std::shared_lock barrier(impl_->barrier_mutex);
    auto routed = impl_->route(record);
    if (!routed) return ready_future<Receipt>(impl_->reject_unrouted(routed.error(), actor));
    auto item = std::make_shared<Item>();
    item->bytes = std::move(record);
    item->module = routed.value().first;
    item->actor = actor;
    auto future = item->promise.get_future();
    impl_->enqueue(routed.value().second, {std::move(item)});
    return future;
}

std::vector<Result<Receipt>> Ledger::ingest(std::vector<Bytes> records, election::ActorRole actor) {
    std::shared_lock barrier(impl_->barrier_mutex);
    return impl_->ingest(std::move(records), actor);
}

void Ledger::drain() { impl_->drain(); }

Result<std::vector<Receipt>> Ledger::close_all_polls(std::string actor) {
    if (!impl_->writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    std::unique_lock barrier(impl_->barrier_mutex);
    impl_->drain();
    std::vector<Bytes> records;
    const auto& districts = impl_->election.manifest.districts;
    const std::uint64_t time = impl_->now();
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const DistrictCastingStatus s = impl_->casting->status(d);
        if (s.polls != PollsStatus::open && s.polls != PollsStatus::paused) continue;
        try {
            records.push_back(
                election::encode_polls_record({election::PollsAction::closed, districts[d].id, time,
                                               s.ballots_cast, s.ballots_challenged, actor}));
        } catch (const std::invalid_argument& e) {
            return make_error(ErrorCode::invalid_argument,
                              std::string("closing polls: ") + e.what());
        }
    }
    std::vector<Receipt> receipts;
    for (auto& r : impl_->ingest(std::move(records), election::ActorRole::election_official)) {
        if (!r) return r.error();
        receipts.push_back(std::move(r).value());
    }
    if (auto published = impl_->publish(); !published) return published.error();
    return receipts;
}

Result<std::vector<Receipt>> Ledger::tally() {
    std::unique_lock barrier(impl_->barrier_mutex);
    return impl_->tally_closed();
}

Result<std::vector<Receipt>> Ledger::record_results() {
    std::unique_lock barrier(impl_->barrier_mutex);
    return impl_->record_results();
}

Result<LogStatus> Ledger::publish_election_checkpoint() {
    std::unique_lock barrier(impl_->barrier_mutex);
    return impl_->publish();
}

Status Ledger::record_event(election::EventType type, election::ActorRole actor,
                            election::Disposition disposition, std::string district_id,
                            std::string subject) {
    if (!impl_->writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    return impl_->write_events(
        {{type, actor, disposition, std::move(district_id), std::move(subject)}});
}

Result<LogStatus> Ledger::status(std::string_view log) const {
    auto found = impl_->find_log(log);
    if (!found) return found.error();
    return found.value()->status();
}

std::vector<LogStatus> Ledger::district_statuses() const {
    std::vector<LogStatus> out;
    for (const auto& log : impl_->district_logs) out.push_back(log->status());
    return out;
}

Result<Bytes> Ledger::record(std::string_view log, std::uint64_t index) const {
    auto found = impl_->find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (index >= l.size()) {
        return make_error(ErrorCode::not_found, "log '" + l.name() + "' has " +
                                                    std::to_string(l.size()) +
                                                    " records, no record " + std::to_string(index));
    }
    auto value = impl_->store->get(Family::entries, detail::log_key(l.id(), index));
    if (!value) return value.error();
    if (!value.value()) {
        return make_error(ErrorCode::corrupted, "log '" + l.name() + "': record " +
                                                    std::to_string(index) + " is missing");
    }
    return std::move(*value.value());
}

Result<std::vector<std::pair<std::uint64_t, std::string>>> Ledger::checkpoints(
    std::string_view log) const {
    auto found = impl_->find_log(log);
    if (!found) return found.error();
    const std::uint64_t size = found.value()->size();
    std::vector<std::pair<std::uint64_t, std::string>> out;
    auto ok = impl_->store->scan(Family::checkpoints, found.value()->id(),
                                 [&](std::uint64_t s, ByteSpan v) -> Status {
                                     if (s <= size)
                                         out.emplace_back(s, std::string(v.begin(), v.end()));
                                     return {};
                                 });
    if (!ok) return ok.error();
    return out;
}

Result<std::vector<Hash32>> Ledger::prove_inclusion(std::string_view log, std::uint64_t index,
                                                    std::uint64_t tree_size) const {
    auto found = impl_->find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (tree_size > l.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "log '" + l.name() + "' has " + std::to_string(l.size()) +
                              " records, not " + std::to_string(tree_size));
    }
    auto leaves = l.leaf_hashes(*impl_->store, tree_size);
    if (!leaves) return leaves.error();
    return crypto::prove_inclusion(leaves.value(), index);
}

Result<std::vector<Hash32>> Ledger::prove_consistency(std::string_view log, std::uint64_t old_size,
                                                      std::uint64_t new_size) const {
    auto found = impl_->find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (new_size > l.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "log '" + l.name() + "' has " + std::to_string(l.size()) +
                              " records, not " + std::to_string(new_size));
    }
    auto leaves = l.leaf_hashes(*impl_->store, new_size);
    if (!leaves) return leaves.error();
    return crypto::prove_consistency(leaves.value(), old_size);
}

Result<Receipt> Ledger::append_bridge_record(Bytes record, election::ActorRole actor) {
    return impl_->append_bridge_record(std::move(record), actor);
}

std::vector<election::AnchorState> Ledger::anchors() const { return impl_->anchors(); }

LedgerStatistics Ledger::statistics() const {
    return {impl_->store->synced_writes(), impl_->records_appended.load(),
            impl_->records_rejected.load(), impl_->events_appended.load()};
}

CastingModule& Ledger::casting() { return *impl_->casting; }
const CastingModule& Ledger::casting() const { return *impl_->casting; }
const TallyingModule& Ledger::tallying() const { return *impl_->tallying; }

}  // namespace psephos::ledger
