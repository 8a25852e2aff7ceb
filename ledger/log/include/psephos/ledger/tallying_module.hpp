// The tallying module (docs/tally.md): owns the records district-tally, tally-decryption and
// district-result (tally_records.hpp) and checks, for each:
//   district tally    validate: well-formed, the district's ballot style's shape;
//                     apply:    polls are closed in the district; no tally yet; it covers the
//                               whole committed log (size and root) and nothing is pending before
//                               it; its counts are the casting module's; its sums are the sums of
//                               the log's cast ballots (recomputed from the log, unless the ledger
//                               computed this very record itself just before: Ledger::tally);
//   tally decryption  validate: well-formed; the guardian's signature; every proof against the
//                               guardian's public share and the district's committed tally;
//                     apply:    the guardian has not decrypted this tally yet;
//   district result   apply:    no result yet; every guardian it names has a recorded decryption,
//                               at least the threshold; every count is what they combine to.
// A rejected decryption is rejected with its guardian named, so the bad share is attributed.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "psephos/election/tally_records.hpp"
#include "psephos/ledger/casting_module.hpp"

namespace psephos::ledger {

struct RecordedTally {
    election::DistrictTally tally;
    Hash32 hash;  // its leaf hash
    std::uint64_t index = 0;
};

struct DistrictTallyStatus {
    bool tallied = false;
    std::vector<std::uint32_t> guardians_decrypted;  // ascending
    bool result = false;
};

class TallyingModule final : public LedgerModule {
public:
    TallyingModule(const election::ElectionContext& election, const CastingModule& casting,
                   const CommittedRecords& records);

    std::string_view name() const override { return "tallying"; }
    std::span<const election::RecordType> record_types() const override;
    Result<std::string> partition_of(ByteSpan record) const override;
    Result<std::unique_ptr<ValidatedRecord>> validate(ByteSpan record) const override;
    Result<EventNote> apply(const DistrictBatchView& batch, const ValidatedRecord& record) override;
    void commit(std::size_t district_index) override;
    void abort(std::size_t district_index) override;
    Status restore(std::size_t district_index, std::uint64_t index, ByteSpan record) override;

    // The district's tally, computed from its committed log by the caller (Ledger::tally) and
    // about to be submitted: apply then accepts a record with exactly these bytes without summing
    // the log a second time.
    void expect_tally(std::size_t district_index, Bytes record);

    // Queries, safe from any thread; committed state only.
    DistrictTallyStatus status(std::size_t district_index) const;
    std::optional<RecordedTally> tally(std::size_t district_index) const;
    std::vector<election::TallyDecryption> decryptions(
        std::size_t district_index) const;  // by guardian
    std::optional<election::DistrictResult> result(std::size_t district_index) const;
    const std::vector<crypto::Point>& public_shares() const { return public_shares_; }

private:
    struct State {
        std::optional<RecordedTally> tally;
        std::map<std::uint32_t, election::TallyDecryption> decryptions;
        std::optional<election::DistrictResult> result;
    };
    struct District {
        mutable std::mutex mutex;  // guards committed and expected
        State committed;
        std::optional<Bytes> expected;
        State pending;  // this batch's additions; the district's sequencer only
    };

    Result<election::DistrictTally> recompute(std::size_t district_index, std::uint64_t log_size,
                                              const Hash32& log_root) const;

    const election::ElectionContext& election_;
    const CastingModule& casting_;
    const CommittedRecords& records_;
    std::vector<crypto::Point> public_shares_;
    std::vector<std::unique_ptr<District>> districts_;
};

}  // namespace psephos::ledger
