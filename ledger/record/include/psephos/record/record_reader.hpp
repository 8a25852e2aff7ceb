// Reading a published election record (docs/election-record.md) through the same queries a
// Ledger answers: the election, a log's status, its records, checkpoints, inclusion and
// consistency proofs, the bridge log's anchors, and a ballot by tracking code. Proof bundles made
// from a record, the auditor desktop and the CLI read records through this one reader. The
// independent verifier (psephos::verifier) does not: it keeps its own reader on purpose (it
// links crypto only), though its JSON goes through the same json::FieldReader.
//
// Logs are read when first asked for, streamed: what stays in memory is each record's leaf hash
// and file offset (40 bytes a record, not the records: a district log of 10^6 ballots is
// gigabytes). A log is checked against record.json's size and root when it is read; a record
// asked for later is read again at its offset and must still hash to its leaf. The reader does
// not verify the record (that is psephos verify); it refuses only what it cannot read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::record {

// One log as record.json lists it.
struct RecordLog {
    std::string name;       // a district id, or ledger::election_log_name / event / bridge
    std::string directory;  // relative to the record, e.g. "districts/d1"
    std::uint64_t size = 0;
    Hash32 root;
    election::NoteVerifierKey verifier;
};

class RecordReader {
public:
    // Reads record.json and manifest.json of the record in `dir`. Errors name the file and field.
    static Result<RecordReader> open(const std::filesystem::path& dir);

    const election::ElectionContext& election() const { return election_; }
    // record.json's "format" (docs/election-record.md §3.4; open() does not judge it: a reader
    // shows which format a record claims, psephos verify V1 refuses any but the current one).
    const std::string& format() const { return format_; }
    // record.json's logs, in its order (the districts in the manifest's order, then the election,
    // event and bridge logs).
    const std::vector<RecordLog>& logs() const { return logs_; }

    // The queries of ledger::Ledger, answered from the record's files.
    Result<Bytes> record(std::string_view log, std::uint64_t index) const;
    Result<ledger::LogStatus> status(std::string_view log) const;
    Result<std::vector<std::pair<std::uint64_t, std::string>>> checkpoints(
        std::string_view log) const;
    Result<std::vector<Hash32>> prove_inclusion(std::string_view log, std::uint64_t index,
                                                std::uint64_t size) const;
    Result<std::vector<Hash32>> prove_consistency(std::string_view log, std::uint64_t old_size,
                                                  std::uint64_t new_size) const;
    // The bridge log's anchors, each record admitted as the ledger admitted it; empty if the
    // record has no readable bridge log.
    std::vector<election::AnchorState> anchors() const;

    // The witnesses record.json names (docs/election-record.md §3.9), in its order; empty if it
    // names none or its member does not read (cosigned_checkpoints() then says why).
    const std::vector<crypto::CosignerKey>& witnesses() const { return witnesses_; }
    // election/cosignatures.bin, if the record has the "witnesses" member (else empty): each
    // frame's size and note, the election log's signed checkpoint followed by the witnesses'
    // cosignature lines, in the file's order. Each note must open under the election log's key as
    // a checkpoint; the cosignature lines are not checked here (crypto::check_witness_policy,
    // psephos verify V34). An error names a "witnesses" member that does not read.
    Result<std::vector<std::pair<std::uint64_t, std::string>>> cosigned_checkpoints() const;

    // The election authority's approval (authority.bin), decoded; like Ledger::approval(), but
    // not checked: verify_election_approval and the caller's trust anchor do that.
    Result<election::ElectionApproval> approval() const;

    // Calls visit(index, record) on each record of the log in order, one in memory at a time.
    // On the first reading of a log the log is also checked against record.json's size and
    // root (an error after the visits if it does not match); later readings pass on only
    // records that still hash to their leaves.
    using RecordVisitor = std::function<void(std::uint64_t index, const Bytes& record)>;
    Status for_each_record(std::string_view log, const RecordVisitor& visit) const;

    // The ballot whose tracking code begins with `prefix`, from every district log's ballots,
    // streamed: each record is decoded as it is read and dropped.
    Result<std::pair<Hash32, ledger::TrackingCodeEntry>> find_tracking_code(ByteSpan prefix) const;

private:
    struct LoadedLog {
        bool loaded = false;
        std::vector<Hash32> leaves;
        std::vector<std::uint64_t> offsets;
    };

    const RecordLog* find(std::string_view name) const;
    Result<std::size_t> load(std::string_view name, const RecordVisitor& visit = {}) const;

    std::filesystem::path dir_;
    std::string format_;
    election::ElectionContext election_;
    std::vector<RecordLog> logs_;
    bool has_witnesses_ = false;
    std::vector<crypto::CosignerKey> witnesses_;
    std::optional<Error> witnesses_error_;
    mutable std::vector<LoadedLog> loaded_;  // parallel to logs_
};

}  // namespace psephos::record
