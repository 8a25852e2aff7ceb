// `mpirun -np N psephos verify --mpi RECORD_DIR [--json]` (docs/scale.md, docs/cli.md §11.1): the
// record on storage every rank can read; each rank prepares it (V1, V2, V4–V10), takes its
// districts (verifier::assign_by_size: largest first, to the least-loaded rank), verifies them on
// its own threads into a part, and sends the part to rank 0, which merges the parts, runs the
// election-wide checks once and prints the one report — the single-process report, check for
// check (verifier/partitioned_verification.hpp).
//
// A rank that cannot verify its districts sends a failure instead of a part: rank 0 names the
// districts not checked, and the report, whose checks of those districts did not run, does not
// pass. A rank that dies stops the job; rank 0 names the districts of the ranks it had not heard
// from (mpi_job.hpp). Only rank 0's own death leaves the naming to mpirun.
#include "verify_mpi.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "mpi_job.hpp"
#include "psephos/verifier/partitioned_verification.hpp"

namespace psephos::app {

namespace {

// The rank's part, or a failure mark and why.
std::string verify_own_districts(const MpiJob& job,
                                 verifier::PartitionedVerification& verification) {
    const std::string rank = "rank " + std::to_string(job.rank());
    std::string part;
    try {
        part = verification.verify_districts(job.own());
    } catch (const std::exception& e) {
        return mpi_failure_mark + rank + " failed: " + e.what();
    }
    if (job.injected_failure()) return mpi_failure_mark + rank + " failed (PSEPHOS_MPI_FAULT)";
    return part;
}

}  // namespace

int run_verify_mpi(const std::string& dir, verifier::VerifyOptions options, bool as_json) {
    auto started_job = MpiJob::start(options.threads);
    if (!started_job) return failure("verify " + started_job.error().message);
    MpiJob& job = *started_job.value();
    options.threads = job.threads();

    const auto started = std::chrono::steady_clock::now();
    const auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    verifier::PartitionedVerification verification(dir, options);
    const std::vector<verifier::DistrictLoad> loads = verification.prepare();
    const double prepare_seconds = since(started);
    std::vector<std::string> names;
    for (const auto& d : loads) names.push_back(d.id);
    job.set_plan(verifier::assign_by_size(loads, static_cast<std::size_t>(job.ranks())),
                 std::move(names), "checked");
    const std::string own = verify_own_districts(job, verification);
    const double own_seconds = since(started) - prepare_seconds;
    std::vector<std::string> received = job.gather(own);
    if (job.rank() != 0) return exit_ok;
    const double wait_seconds = since(started) - prepare_seconds - own_seconds;
    const auto merge_started = std::chrono::steady_clock::now();

    std::vector<std::string> parts, failures;
    for (std::size_t r = 0; r < received.size(); ++r) {
        std::string& part = received[r];
        if (!part.empty() && part[0] == mpi_failure_mark) {
            failures.push_back(part.substr(1));
            std::cerr << "psephos: verify --mpi: " << failures.back()
                      << "; districts not checked: " << job.district_list(static_cast<int>(r))
                      << '\n';
        } else {
            parts.push_back(std::move(part));
        }
    }
    std::string reason = "not checked: ";
    for (std::size_t i = 0; i < failures.size(); ++i) reason += (i ? "; " : "") + failures[i];
    auto report = verification.finish(parts, reason);
    const double seconds = since(started);
    if (std::getenv("PSEPHOS_MPI_TIMINGS")) {
        std::size_t part_bytes = 0;
        for (const auto& p : parts) part_bytes += p.size();
        std::fprintf(stderr,
                     "psephos: verify --mpi: %d ranks x %u threads: prepare %.3f s, rank 0's "
                     "districts %.3f s, waiting for the others %.3f s, merge and election-wide "
                     "checks %.3f s, parts %zu bytes, total %.3f s\n",
                     job.ranks(), options.threads, prepare_seconds, own_seconds, wait_seconds,
                     since(merge_started), part_bytes, seconds);
    }
    if (!report) return failure("verify --mpi: " + report.error().message);
    const int status = print_verify_report(dir, *report, as_json, options, seconds);
    if (!verification.missing().empty()) {
        std::string list;
        for (const auto& d : verification.missing()) list += (list.empty() ? "" : ", ") + d;
        std::cerr << "psephos: verify --mpi: " << verification.missing().size()
                  << " districts not checked: " << list << '\n';
        return exit_failure;
    }
    return status;
}

}  // namespace psephos::app
