// The bridge log's module: anchor intents, transactions and confirmations (see
// bridge_log_module.hpp and docs/bridge.md).
#include "bridge_log_module.hpp"

#include <array>

#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger {

namespace {

constexpr std::array<election::RecordType, 3> owned_types = {
    election::RecordType::anchor_intent,
    election::RecordType::anchor_transaction,
    election::RecordType::anchor_confirmation,
};

struct ValidatedBridgeRecord final : ValidatedRecord {
    Bytes record;
};

election::EventType event_type(ByteSpan record) {
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::anchor_intent:
            return election::EventType::anchor_intent_recorded;
        case election::RecordType::anchor_transaction:
            return election::EventType::anchor_transaction_recorded;
        default:
            return election::EventType::anchor_confirmed;
    }
}

// The decoding that AnchorBook::admit begins with, so a malformed record is refused for the same
// reason, before any state is read.
Status decode(ByteSpan record) {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty bridge record");
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::anchor_intent:
            if (auto r = election::decode_anchor_intent(record); !r) return r.error();
            return {};
        case election::RecordType::anchor_transaction:
            if (auto r = election::decode_anchor_transaction(record); !r) return r.error();
            return {};
        case election::RecordType::anchor_confirmation:
            if (auto r = election::decode_anchor_confirmation(record); !r) return r.error();
            return {};
        default:
            return make_error(
                ErrorCode::invalid_encoding,
                "record type " + std::to_string(record[0]) + " is not a bridge record");
    }
}

}  // namespace

BridgeLogModule::BridgeLogModule(const Hash32& election_digest,
                                 election::AnchorBook::ElectionRootLookup root_at)
    : root_at_(std::move(root_at)), book_(election_digest) {}

std::span<const election::RecordType> BridgeLogModule::record_types() const { return owned_types; }

Result<std::string> BridgeLogModule::partition_of(ByteSpan) const {
    return std::string(bridge_log_name);
}

Result<std::unique_ptr<ValidatedRecord>> BridgeLogModule::validate(ByteSpan record) const {
    if (auto ok = decode(record); !ok) return ok.error();
    auto validated = std::make_unique<ValidatedBridgeRecord>();
    validated->record.assign(record.begin(), record.end());
    return std::unique_ptr<ValidatedRecord>(std::move(validated));
}

Result<EventNote> BridgeLogModule::apply(const DistrictBatchView& batch,
                                         const ValidatedRecord& record) {
    const Bytes& bytes = static_cast<const ValidatedBridgeRecord&>(record).record;
    auto admitted = book_.admit(bytes, batch.next_index, root_at_);
    if (!admitted) return admitted.error();
    staged_ = Staged{bytes, batch.next_index};
    return EventNote{event_type(bytes), std::move(admitted).value()};
}

void BridgeLogModule::commit(std::size_t) {
    if (!staged_) return;
    std::lock_guard lock(mutex_);
    book_.add(staged_->record, staged_->index);
    staged_.reset();
}

void BridgeLogModule::abort(std::size_t) { staged_.reset(); }

Status BridgeLogModule::restore(std::size_t, std::uint64_t index, ByteSpan record) {
    auto admitted = book_.admit(record, index, root_at_);
    if (!admitted) return admitted.error();
    std::lock_guard lock(mutex_);
    book_.add(record, index);
    return {};
}

std::vector<election::AnchorState> BridgeLogModule::anchors() const {
    std::lock_guard lock(mutex_);
    return book_.anchors();
}

}  // namespace psephos::ledger
