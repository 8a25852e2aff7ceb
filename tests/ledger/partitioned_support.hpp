// A record verified the way `psephos verify --mpi` does it, in one process: prepared once per
// "rank", each rank's districts verified into a part, the parts merged by the first rank
// (verifier/partitioned_verification.hpp); and a report written out whole, field by field, so
// two reports can be compared with one QCOMPARE.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "psephos/verifier/partitioned_verification.hpp"

namespace psephos::test {

inline std::string whole_report(const verifier::VerifyReport& report) {
    std::string out = std::string("passed ") + (report.passed() ? "yes" : "no") + " anchored " +
                      (report.anchored ? "yes" : "no") + "\n";
    for (const auto& c : report.checks) {
        out += c.id + " " + c.name + " [" + c.scope + "] " + verifier::to_string(c.status) + " " +
               std::to_string(c.items_checked) + " " + std::to_string(c.failure_count) + " (" +
               c.note + ")\n";
        for (const auto& f : c.failures) out += "  " + f + "\n";
    }
    return out;
}

// `ranks[r]` are the districts (indices in the manifest) rank r verifies; rank 0 merges.
inline Result<verifier::VerifyReport> partitioned_report(
    const std::filesystem::path& record, const std::vector<std::vector<std::size_t>>& ranks,
    std::vector<std::string>* missing = nullptr, const verifier::VerifyOptions& options = {}) {
    std::vector<std::unique_ptr<verifier::PartitionedVerification>> processes;
    std::vector<std::string> parts;
    for (const auto& districts : ranks) {
        processes.push_back(std::make_unique<verifier::PartitionedVerification>(record, options));
        processes.back()->prepare();
        parts.push_back(processes.back()->verify_districts(districts));
    }
    auto report = processes.front()->finish(parts, "not checked: its rank did not report");
    if (missing) *missing = processes.front()->missing();
    return report;
}

}  // namespace psephos::test
