// The ledger's write path (docs/ledger.md §7–§9): routing a record to its module and district,
// the executor (validation on the pool, one sequencer per district taking the next batch in
// submission order), the one synced write that carries a batch with its events, the receipts,
// and the bridge log's appends.
#include <chrono>

#include "ledger_impl.hpp"

namespace psephos::ledger {

namespace {

std::uint64_t system_clock_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

template <class T>
std::future<Result<T>> ready_future(Result<T> value) {
    std::promise<Result<T>> p;
    p.set_value(std::move(value));
    return p.get_future();
}

// The event record of a draft, numbered `sequence` and chained to `previous`.
election::LedgerEvent make_event(const detail::EventDraft& draft, std::uint64_t sequence,
                                 std::uint64_t time, const Hash32& previous) {
    // A ballot's event keeps only the hour, like the ballot's own timestamp: an exact time next
    // to a tracking code would tell an observer who held which receipt.
    const bool ballot_event = draft.type == election::EventType::ballot_cast ||
                              draft.type == election::EventType::ballot_challenged;
    election::LedgerEvent event{sequence,          ballot_event ? time - time % 3600 : time,
                                draft.type,        draft.actor,
                                draft.disposition, draft.district_id,
                                draft.subject,     previous};
    if (event.subject.size() > election::max_event_subject_size) {
        // Cut at a character boundary, so the subject stays UTF-8.
        std::size_t cut = election::max_event_subject_size;
        while (cut > 0 && (static_cast<unsigned char>(event.subject[cut]) & 0xC0) == 0x80) --cut;
        event.subject.resize(cut);
    }
    return event;
}

}  // namespace

std::uint64_t Ledger::Impl::now() const {
    return options.clock ? options.clock() : system_clock_seconds();
}

// ---- the synced write -------------------------------------------------------------------------

Status Ledger::Impl::commit(rocksdb::WriteBatch& batch, const std::vector<EventDraft>& events) {
    std::lock_guard lock(commit_mutex);
    std::optional<MerkleLog::Append> appended;
    if (!events.empty()) {
        std::vector<Bytes> entries;
        Hash32 previous = event_log->last_leaf_hash();
        const std::uint64_t time = now();
        for (const EventDraft& draft : events) {
            entries.push_back(election::encode_ledger_event(
                make_event(draft, event_log->size() + entries.size(), time, previous)));
            previous = crypto::hash_merkle_leaf(entries.back());
        }
        auto staged = event_log->stage(*store, batch, entries);
        if (!staged) return staged.error();
        appended = std::move(staged).value();
    }
    if (auto ok = store->write(batch); !ok) return ok;
    if (appended) {
        events_appended += appended->leaf_hashes.size();
        event_log->adopt(std::move(*appended));
    }
    return {};
}

Status Ledger::Impl::write_events(std::vector<EventDraft> events) {
    if (!writable()) return {};
    rocksdb::WriteBatch batch;
    return commit(batch, events);
}

// ---- routing ----------------------------------------------------------------------------------

Result<std::pair<LedgerModule*, std::size_t>> Ledger::Impl::route(ByteSpan record) const {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
    auto it = module_by_type.find(static_cast<election::RecordType>(record[0]));
    if (it == module_by_type.end()) {
        return make_error(ErrorCode::invalid_encoding, "record type " + std::to_string(record[0]) +
                                                           " is not one the ledger accepts");
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

Error Ledger::Impl::reject_unrouted(const Error& error, election::ActorRole actor) {
    ++records_rejected;
    (void)write_events({{election::EventType::record_rejected, actor,
                         election::Disposition::failure, "", error.message}});
    return error;
}

std::future<Result<Receipt>> Ledger::Impl::submit(Bytes record, election::ActorRole actor) {
    if (!writable())
        return ready_future<Receipt>(
            make_error(ErrorCode::refused, "the ledger is open read-only"));
    auto routed = route(record);
    if (!routed) return ready_future<Receipt>(reject_unrouted(routed.error(), actor));
    auto item = std::make_shared<Item>();
    item->bytes = std::move(record);
    item->module = routed.value().first;
    item->actor = actor;
    auto future = item->promise.get_future();
    enqueue(routed.value().second, {std::move(item)});
    return future;
}

std::vector<Result<Receipt>> Ledger::Impl::ingest(std::vector<Bytes> records,
                                                  election::ActorRole actor) {
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

Result<std::vector<Receipt>> Ledger::Impl::ingest_all_or_nothing(std::vector<Bytes> records,
                                                                 election::ActorRole actor) {
    if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    if (records.empty()) return std::vector<Receipt>{};
    std::vector<std::shared_ptr<Item>> items;
    std::optional<std::size_t> district;
    const std::uint64_t group = next_group++;
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto routed = route(records[i]);
        if (!routed)
            return reject_unrouted(routed.error(), actor)
                .within("record " + std::to_string(i) + " of " + std::to_string(records.size()) +
                        " (nothing written)");
        auto [module, d] = routed.value();
        if (district && *district != d)
            return make_error(ErrorCode::invalid_argument,
                              "record " + std::to_string(i) +
                                  ": not of the district of record 0 (an all-or-nothing batch is "
                                  "of one district; nothing written)");
        district = d;
        auto item = std::make_shared<Item>();
        item->bytes = std::move(records[i]);
        item->module = module;
        item->actor = actor;
        item->group = group;
        item->all_or_nothing = true;
        items.push_back(std::move(item));
    }
    items.back()->ends_group = true;
    std::vector<std::future<Result<Receipt>>> futures;
    futures.reserve(items.size());
    for (const auto& item : items) futures.push_back(item->promise.get_future());
    enqueue(*district, std::move(items));
    return crypto::collect_in_order(futures);
}

// ---- the executor -----------------------------------------------------------------------------

void Ledger::Impl::enqueue(std::size_t d, std::vector<std::shared_ptr<Item>> items) {
    {
        std::lock_guard lock(pending_mutex);
        pending += items.size();
    }
    {
        std::lock_guard lock(queues[d]->mutex);
        for (const auto& item : items) {
            queues[d]->items.push_back(item);
            if (item->group != 0) ++queues[d]->unvalidated[item->group];
        }
    }
    for (auto& item : items) {
        const auto priority =
            item->group == 0 ? detail::TaskPriority::live : detail::TaskPriority::bulk;
        pool->post(
            [this, d, item] {
                auto validated = item->module->validate(item->bytes);
                detail::DistrictQueue& q = *queues[d];
                std::lock_guard lock(q.mutex);
                if (validated) {
                    item->validated = std::move(validated).value();
                } else {
                    item->error = validated.error();
                }
                item->ready = true;
                // A live record may be the head; an ingest batch only once it is validated whole
                // (the sequencer would find nothing to commit in a part of one).
                if (item->group == 0 || --q.unvalidated[item->group] == 0) schedule_sequencer(d);
            },
            priority);
    }
}

namespace {

// Whether the sequencer has something to commit: a validated live record at the head, or the
// head's ingest batch validated whole. Called with the queue's mutex held.
bool head_committable(const detail::DistrictQueue& q) {
    if (q.items.empty() || !q.items.front()->ready) return false;
    const std::uint64_t group = q.items.front()->group;
    return group == 0 || q.unvalidated.at(group) == 0;
}

}  // namespace

void Ledger::Impl::schedule_sequencer(std::size_t d) {
    detail::DistrictQueue& q = *queues[d];
    if (q.sequencer_scheduled || !head_committable(q)) return;
    q.sequencer_scheduled = true;
    pool->post([this, d] { run_sequencer(d); }, detail::TaskPriority::sequencer);
}

std::vector<std::shared_ptr<detail::Item>> Ledger::Impl::take_ready(
    detail::DistrictQueue& q) const {
    if (!head_committable(q)) return {};
    std::size_t n = 0;
    const std::uint64_t group = q.items.front()->group;
    if (group != 0) {
        // Validated whole: its records are contiguous (enqueued under one lock) up to ends_group.
        while (!q.items[n]->ends_group) ++n;
        ++n;
        q.unvalidated.erase(group);
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

void Ledger::Impl::run_sequencer(std::size_t d) {
    ++sequencer_runs;
    detail::DistrictQueue& q = *queues[d];
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

// Applies the batch's validated records in order, writes the accepted ones with every record's
// event in one synced write, then fulfils each record's future: a receipt only once the write
// returned.
void Ledger::Impl::commit_batch(std::size_t d, const std::vector<std::shared_ptr<Item>>& batch) {
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
                events.push_back({note.value().type, item->actor, election::Disposition::success,
                                  district_id, std::move(note.value().subject)});
                continue;
            }
            refused.emplace_back(item.get(), note.error());
        }
        events.push_back({election::EventType::record_rejected, item->actor,
                          election::Disposition::failure, district_id,
                          refused.back().second.message});
    }
    if (!refused.empty() && batch.front()->all_or_nothing) {
        refuse_whole_batch(d, batch, refused);
        return;
    }
    rocksdb::WriteBatch write;
    std::optional<MerkleLog::Append> append;
    Status written;
    if (!entries.empty()) {
        // A signer that fails (a token removed) leaves nothing written, as a refused write does.
        auto staged = log.stage(*store, write, entries);
        if (staged)
            append = std::move(staged).value();
        else
            written = make_error(ErrorCode::refused, staged.error().message);
    }
    if (written) written = commit(write, events);
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

// An all-or-nothing batch with a refused record: the modules forget what apply staged, only the
// refusals reach the event log, and every record of the batch is answered with the first refusal.
void Ledger::Impl::refuse_whole_batch(std::size_t d,
                                      const std::vector<std::shared_ptr<Item>>& batch,
                                      const std::vector<std::pair<Item*, Error>>& refused) {
    for (LedgerModule* module : modules) module->abort(d);
    const std::string& district_id = district_logs[d]->name();
    std::size_t position = 0;
    while (batch[position].get() != refused.front().first) ++position;
    const Error first =
        refused.front().second.within("record " + std::to_string(position) + " of " +
                                      std::to_string(batch.size()) + " (nothing written)");
    std::vector<EventDraft> events;
    for (const auto& [item, error] : refused)
        events.push_back({election::EventType::record_rejected, item->actor,
                          election::Disposition::failure, district_id, error.message});
    (void)write_events(std::move(events));
    records_rejected += refused.size();
    for (const auto& item : batch) {
        item->promise.set_value(first);
        item->validated.reset();
    }
}

void Ledger::Impl::drain() {
    std::unique_lock lock(pending_mutex);
    pending_done.wait(lock, [&] { return pending == 0; });
}

// ---- the bridge log ---------------------------------------------------------------------------

// Like a district batch of one record, checked by the bridge log's module: validated, applied
// against the anchor book, written with its event in one synced write, then committed.
Result<Receipt> Ledger::Impl::append_bridge_record(Bytes record, election::ActorRole actor) {
    if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    std::lock_guard lock(bridge_mutex);
    MerkleLog& log = *bridge_log;
    const std::uint64_t index = log.size();
    const DistrictBatchView view{0, &log.name(), index, now(), index, log.root()};
    auto note = [&]() -> Result<EventNote> {
        auto validated = bridge->validate(record);
        if (!validated) return validated.error();
        return bridge->apply(view, *validated.value());
    }();
    if (!note) {
        ++records_rejected;
        (void)write_events(
            {{election::EventType::record_rejected, actor, election::Disposition::failure, "",
              "bridge log: " + note.error().message}});
        return note.error().within("bridge log");
    }
    rocksdb::WriteBatch write;
    const std::vector<Bytes> entries{std::move(record)};
    auto staged = log.stage(*store, write, entries);
    if (!staged) {
        bridge->abort(0);
        return staged.error();
    }
    MerkleLog::Append append = std::move(staged).value();
    if (auto ok = commit(write, {{note.value().type, actor, election::Disposition::success, "",
                                  std::move(note.value().subject)}});
        !ok) {
        bridge->abort(0);
        return ok.error().within("bridge log");
    }
    Receipt receipt{std::string(bridge_log_name), index, append.leaf_hashes.front(),
                    append.signed_checkpoint};
    log.adopt(std::move(append));
    bridge->commit(0);
    return receipt;
}

}  // namespace psephos::ledger
