// The ledger's election-wide barriers (docs/ledger.md §7, docs/tally.md): each waits for every
// district, then acts on all districts in manifest order — closing polls, tallying closed
// districts, recording decrypted results — and publishes an election checkpoint. The facade holds
// the barrier lock exclusively around each.
#include <algorithm>

#include "ledger_impl.hpp"
#include "psephos/crypto/discrete_log.hpp"

namespace psephos::ledger {

Result<std::vector<Receipt>> Ledger::Impl::close_all_polls(std::vector<Bytes> closing_records) {
    if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    drain();
    const auto& districts = election.manifest.districts;
    std::vector<std::size_t> closings(districts.size(), 0);
    for (std::size_t i = 0; i < closing_records.size(); ++i) {
        const std::string at = "closing polls: record " + std::to_string(i);
        auto rec = election::decode_polls_record(closing_records[i]);
        if (!rec) return rec.error().within(at);
        if (rec.value().action != election::PollsAction::closed)
            return make_error(ErrorCode::invalid_argument, at + ": not a polls-closed record");
        const election::District* district =
            election.manifest.find_district(rec.value().district_id);
        if (district == nullptr)
            return make_error(
                ErrorCode::invalid_argument,
                at + ": district '" + rec.value().district_id + "' is not in this election");
        ++closings[static_cast<std::size_t>(district - districts.data())];
    }
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const DistrictCastingStatus s = casting->status(d);
        if ((s.polls == PollsStatus::open || s.polls == PollsStatus::paused) && closings[d] == 0)
            return make_error(ErrorCode::invalid_argument,
                              "closing polls: district '" + districts[d].id +
                                  "' is open and has no closing record (nothing was appended)");
    }
    return append_all(std::move(closing_records), election::ActorRole::election_official);
}

Result<std::vector<Receipt>> Ledger::Impl::append_all(std::vector<Bytes> records,
                                                      election::ActorRole actor) {
    std::vector<Receipt> receipts;
    for (auto& r : ingest(std::move(records), actor)) {
        if (!r) return r.error();
        receipts.push_back(std::move(r).value());
    }
    if (auto election_root = publish(); !election_root) return election_root.error();
    return receipts;
}

Result<std::vector<Receipt>> Ledger::Impl::tally_closed() {
    if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    drain();
    std::vector<std::size_t> due;
    for (std::size_t d = 0; d < district_logs.size(); ++d) {
        if (casting->status(d).polls == PollsStatus::closed && !tallying->status(d).tallied)
            due.push_back(d);
    }
    // The ballots accepted since the ledger opened are summed already, as they were cast (the
    // casting module's running tally, docs/tally.md §2.1); the rest of each district's log, the
    // records replayed at opening, is read in chunks, summed in parallel and merged in order, so
    // that one large district still uses every thread.
    const std::uint64_t chunk = std::max<std::size_t>(options.tally_chunk, 1);
    struct Part {
        std::size_t d;
        std::uint64_t begin, end;
    };
    std::vector<Part> parts;
    std::vector<std::uint64_t> sizes(district_logs.size());
    std::vector<Hash32> roots(district_logs.size());
    std::vector<std::optional<RunningTally>> running(district_logs.size());
    for (const std::size_t d : due) {
        sizes[d] = district_logs[d]->size();
        roots[d] = district_logs[d]->root();
        running[d] = casting->running_tally(d);
        const std::uint64_t from_log = running[d] ? running[d]->first_index : sizes[d];
        for (std::uint64_t b = 0; b == 0 || b < from_log; b += chunk)
            parts.push_back({d, b, std::min(from_log, b + chunk)});
    }
    auto sums = crypto::run_each<election::DistrictTallyBuilder>(
        pool->pool(), parts.size(), [&](std::size_t p) -> Result<election::DistrictTallyBuilder> {
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
        if (running[d]) total.merge(running[d]->sums);
        made.push_back(election::encode_district_tally(total.finish(sizes[d], roots[d])));
        tallying->expect_tally(d, made.back());
    }
    return append_all(std::move(made), election::ActorRole::election_official);
}

Result<std::vector<Receipt>> Ledger::Impl::record_results() {
    if (!writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    drain();
    std::vector<std::size_t> due;
    std::uint64_t most = 1;
    for (std::size_t d = 0; d < district_logs.size(); ++d) {
        const DistrictTallyStatus s = tallying->status(d);
        if (s.tallied && !s.result && s.guardians_decrypted.size() >= election.manifest.threshold) {
            due.push_back(d);
            most = std::max(most, tallying->tally(d)->tally.ballots_counted);
        }
    }
    if (due.empty()) return std::vector<Receipt>{};
    const crypto::DiscreteLogTable table(most);
    auto made =
        crypto::run_each<Bytes>(pool->pool(), due.size(), [&](std::size_t i) -> Result<Bytes> {
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

// Appends to the election log, in manifest order, the latest checkpoint of each district that
// grew since the last publication.
Result<LogStatus> Ledger::Impl::publish() {
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
    PSEPHOS_TRY_ASSIGN(MerkleLog::Append append, election_log->stage(*store, write, entries));
    const std::string subject =
        "size " + std::to_string(append.tree.size()) + " root " + append.tree.root().to_hex();
    if (auto ok = commit(
            write, {{election::EventType::election_checkpoint_published,
                     election::ActorRole::system, election::Disposition::success, "", subject}});
        !ok) {
        return ok.error().within("election log");
    }
    election_log->adopt(std::move(append));
    published = std::move(now_published);
    return election_log->status();
}

}  // namespace psephos::ledger
