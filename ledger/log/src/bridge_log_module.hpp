// The bridge log's module (docs/bridge.md; records in docs/encoding.md §20–§22): owns the anchor
// intent, anchor transaction and anchor confirmation records and the AnchorBook they build.
//   validate (stateless):  the record decodes canonically as its type;
//   apply (in log order):  AnchorBook admits it — an intent's payload names this election and a
//                          root the ledger signed for its election log (looked up through
//                          `root_at`), and is new for its chain; a transaction or confirmation
//                          names a recorded, unconfirmed intent (and, for a confirmation, one of
//                          its transactions).
// Unlike the casting and tallying modules it has no district: its partition is the bridge log
// itself (partition_of names bridge_log_name, and the district index it is given is always 0).
// The ledger appends one bridge record per synced write (Ledger::append_bridge_record), so at most
// one record is staged between apply and commit.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "psephos/election/anchor_records.hpp"
#include "psephos/ledger/ledger_module.hpp"

namespace psephos::ledger {

class BridgeLogModule final : public LedgerModule {
public:
    // election_digest: the election's base hash, which every anchor payload must name.
    BridgeLogModule(const Hash32& election_digest,
                    election::AnchorBook::ElectionRootLookup root_at);

    std::string_view name() const override { return "bridge"; }
    std::span<const election::RecordType> record_types() const override;
    Result<std::string> partition_of(ByteSpan record) const override;
    Result<std::unique_ptr<ValidatedRecord>> validate(ByteSpan record) const override;
    Result<EventNote> apply(const DistrictBatchView& batch, const ValidatedRecord& record) override;
    void commit(std::size_t district_index) override;
    void abort(std::size_t district_index) override;
    Status restore(std::size_t district_index, std::uint64_t index, ByteSpan record) override;

    // Every anchor intent with its transactions and confirmation, in bridge-log order; committed
    // state only, safe from any thread.
    std::vector<election::AnchorState> anchors() const;

private:
    struct Staged {
        Bytes record;
        std::uint64_t index = 0;
    };

    const election::AnchorBook::ElectionRootLookup root_at_;
    mutable std::mutex mutex_;  // guards book_ against queries; only the writer changes it
    election::AnchorBook book_;
    std::optional<Staged> staged_;  // touched by the bridge log's one writer only
};

}  // namespace psephos::ledger
