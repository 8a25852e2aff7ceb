// A record's verification split over processes (docs/scale.md), for `psephos verify --mpi`:
// every process prepares the same record (V1, V2, V4–V10: the index, manifest and ceremony,
// cheap), each verifies the districts it is given — their logs (V11, V12, V17–V25, V30), their
// files' hashes (V3) and the names they claim (V31) — into a part, and one process merges every
// part and runs the election-wide checks (V3, V13–V16, V26–V28, V31). The merged report is the
// single-process report of verify_election_record, check for check. No transport here: a part is
// bytes, which the caller moves (MPI, files, anything).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/verifier/record_verifier.hpp"

namespace psephos::verifier {

namespace detail {
class Verifier;
}

struct DistrictLoad {
    std::string id;
    std::uint64_t records = 0;  // the log's size as record.json states it (to share work only)
};

// Districts (indices into `districts`) per process: largest first, each to the process with the
// least work so far (ties: the lower process), so one large district does not leave the others
// idle at the end. The same answer in every process for the same input.
std::vector<std::vector<std::size_t>> assign_by_size(const std::vector<DistrictLoad>& districts,
                                                     std::size_t processes);

class PartitionedVerification {
public:
    PartitionedVerification(std::filesystem::path dir, VerifyOptions options);
    ~PartitionedVerification();
    PartitionedVerification(const PartitionedVerification&) = delete;
    PartitionedVerification& operator=(const PartitionedVerification&) = delete;

    // V1, V2, V4–V10. The districts in the manifest's order; empty when the record's logs cannot
    // be listed (then the merging process checks what there is alone, in finish).
    const std::vector<DistrictLoad>& prepare();
    // Verifies these districts (indices into prepare()'s list) on the options' threads; the part
    // for the merging process. The district state is not kept, so the merging process can take
    // its own part back in finish like any other.
    std::string verify_districts(const std::vector<std::size_t>& districts);
    // The merging process: reads the logs and files of no district, merges the parts and runs the
    // election-wide checks. A district that no part covers is not checked: its checks, and the
    // election-wide ones that need every district, are marked not run with `missing_reason`, so
    // the report never passes. An error if a part does not decode or covers a district twice.
    Result<VerifyReport> finish(const std::vector<std::string>& parts,
                                const std::string& missing_reason);
    // The districts finish found no part for (in the manifest's order).
    const std::vector<std::string>& missing() const { return missing_; }

private:
    std::filesystem::path dir_;
    VerifyOptions options_;
    std::unique_ptr<detail::Verifier> verifier_;
    bool ready_ = false;
    bool usable_ = false;
    std::vector<DistrictLoad> districts_;
    std::vector<std::string> missing_;
};

}  // namespace psephos::verifier
