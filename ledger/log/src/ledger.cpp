// The public Ledger: a thin facade over Ledger::Impl (ledger_impl.hpp). It takes the barrier lock
// — shared to submit, exclusive for the election-wide barriers — and forwards; the work is in
// ledger_open.cpp, ledger_write.cpp, ledger_barriers.cpp and ledger_queries.cpp.
#include "psephos/ledger/ledger.hpp"

#include "ledger_impl.hpp"

namespace psephos::ledger {

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ledger::~Ledger() {
    if (!impl_) return;
    impl_->drain();
    (void)impl_->write_events({{election::EventType::ledger_stopped, election::ActorRole::system,
                                election::Disposition::success, "", ""}});
}

Result<std::unique_ptr<Ledger>> Ledger::create(const LedgerOptions& options,
                                               const election::ElectionContext& election,
                                               const election::ElectionApproval& approval,
                                               LedgerKey key) {
    auto impl = Impl::create(options, election, approval, std::move(key));
    if (!impl) return impl.error();
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl).value()));
}

Result<std::unique_ptr<Ledger>> Ledger::open(const LedgerOptions& options,
                                             std::optional<LedgerKey> key) {
    auto impl = Impl::open(options, std::move(key));
    if (!impl) return impl.error();
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl).value()));
}

const election::ElectionContext& Ledger::election() const { return impl_->election; }
const election::ElectionApproval& Ledger::approval() const { return impl_->approval; }
bool Ledger::read_only() const { return !impl_->writable(); }

// ---- writing ----------------------------------------------------------------------------------

std::future<Result<Receipt>> Ledger::submit(Bytes record, election::ActorRole actor) {
    std::shared_lock barrier(impl_->barrier_mutex);
    return impl_->submit(std::move(record), actor);
}

std::vector<Result<Receipt>> Ledger::ingest(std::vector<Bytes> records, election::ActorRole actor) {
    std::shared_lock barrier(impl_->barrier_mutex);
    return impl_->ingest(std::move(records), actor);
}

Result<std::vector<Receipt>> Ledger::ingest_all_or_nothing(std::vector<Bytes> records,
                                                           election::ActorRole actor) {
    std::shared_lock barrier(impl_->barrier_mutex);
    return impl_->ingest_all_or_nothing(std::move(records), actor);
}

void Ledger::drain() { impl_->drain(); }

Status Ledger::record_event(election::EventType type, election::ActorRole actor,
                            election::Disposition disposition, std::string district_id,
                            std::string subject) {
    if (!impl_->writable()) return make_error(ErrorCode::refused, "the ledger is open read-only");
    return impl_->write_events(
        {{type, actor, disposition, std::move(district_id), std::move(subject)}});
}

Result<Receipt> Ledger::append_bridge_record(Bytes record, election::ActorRole actor) {
    return impl_->append_bridge_record(std::move(record), actor);
}

// ---- barriers ---------------------------------------------------------------------------------

Result<std::vector<Receipt>> Ledger::close_all_polls(std::vector<Bytes> closing_records) {
    std::unique_lock barrier(impl_->barrier_mutex);
    return impl_->close_all_polls(std::move(closing_records));
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

// ---- queries ----------------------------------------------------------------------------------

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
    return impl_->read_record(log, index);
}

Result<std::vector<std::pair<std::uint64_t, std::string>>> Ledger::checkpoints(
    std::string_view log) const {
    return impl_->checkpoints(log);
}

Result<std::vector<Hash32>> Ledger::prove_inclusion(std::string_view log, std::uint64_t index,
                                                    std::uint64_t tree_size) const {
    return impl_->prove_inclusion(log, index, tree_size);
}

Result<std::vector<Hash32>> Ledger::prove_consistency(std::string_view log, std::uint64_t old_size,
                                                      std::uint64_t new_size) const {
    return impl_->prove_consistency(log, old_size, new_size);
}

std::vector<election::AnchorState> Ledger::anchors() const { return impl_->bridge->anchors(); }

LedgerStatistics Ledger::statistics() const { return impl_->statistics(); }

CastingModule& Ledger::casting() { return *impl_->casting; }
const CastingModule& Ledger::casting() const { return *impl_->casting; }
const TallyingModule& Ledger::tallying() const { return *impl_->tallying; }

}  // namespace psephos::ledger
