// The interface through which the ledger's modules (casting, tallying; the bridge log's module,
// which has a log of its own; verification later) plug into the logs (docs/ledger.md §3). A
// module owns a set of record types; for each record of those types the ledger calls, in order:
//   partition_of  — cheap, on the submitting thread: which district the record declares;
//   validate      — stateless and thread-safe, run in parallel (proofs, signatures, decoding);
//   apply         — stateful, in the district's log order, on that district's sequencer: checks
//                   against ledger state and stages the record's effects;
//   commit/abort  — once the batch holding the record is durable (or its write failed).
// On reopen the ledger replays every stored record through restore, in log order.
//
// Districts are independent: apply/commit/abort/restore for one district never run concurrently
// with each other, but different districts' calls do. A module keeps per-district state and guards
// what other threads may query.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/ledger_records.hpp"

namespace psephos::ledger {

// What validate hands to apply: the decoded, checked record. Opaque to the ledger; a module
// downcasts only the objects it made.
struct ValidatedRecord {
    virtual ~ValidatedRecord() = default;
};

// The district batch a record is being applied in, as a module sees it.
struct DistrictBatchView {
    std::size_t district_index = 0;  // position in the manifest's district list
    const std::string* district_id = nullptr;
    std::uint64_t next_index = 0;   // the log index the record being applied will get
    std::uint64_t time = 0;         // the ledger clock (Unix seconds) when the batch began
    std::uint64_t first_index = 0;  // the log's committed size when the batch began
    Hash32 committed_root;          // the log's root at first_index
};

// Committed records of the district logs, for a module whose checks read the log itself (the
// tallying module recomputes a tally). Thread-safe.
class CommittedRecords {
public:
    virtual ~CommittedRecords() = default;
    virtual Result<Bytes> record(std::size_t district_index, std::uint64_t index) const = 0;
};

// What the event log says about an accepted record (never its secret contents). The actor is
// whoever submitted the record.
struct EventNote {
    election::EventType type = election::EventType::error;
    std::string subject;
};

class LedgerModule {
public:
    virtual ~LedgerModule() = default;

    virtual std::string_view name() const = 0;
    virtual std::span<const election::RecordType> record_types() const = 0;

    // The district id the record declares (its partition key), read from the record's first
    // fields without verifying anything else. A module with a log of its own (the bridge log's)
    // names that log, and is given district index 0.
    virtual Result<std::string> partition_of(ByteSpan record) const = 0;

    // Everything that needs no ledger state. Thread-safe; called concurrently.
    virtual Result<std::unique_ptr<ValidatedRecord>> validate(ByteSpan record) const = 0;

    // Everything that needs ledger state, in log order. On success the record will be appended at
    // batch.next_index if the batch commits; its effects must be visible to later records of the
    // same batch but to nobody else until commit.
    virtual Result<EventNote> apply(const DistrictBatchView& batch,
                                    const ValidatedRecord& record) = 0;
    virtual void commit(std::size_t district_index) = 0;
    virtual void abort(std::size_t district_index) = 0;

    // Rebuilds state from a stored record at `index` of the district's log (the ledger has
    // already checked its hash against the signed roots).
    virtual Status restore(std::size_t district_index, std::uint64_t index, ByteSpan record) = 0;
};

}  // namespace psephos::ledger
