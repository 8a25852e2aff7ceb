// `mpirun -np N psephos verify --mpi RECORD_DIR [--json]` (docs/scale.md, docs/cli.md §11): the
// record on storage every rank can read; each rank prepares it (V1, V2, V4–V10), takes its
// districts (verifier::assign_by_size: largest first, to the least-loaded rank), verifies them on
// its own threads into a part, and sends the part to rank 0, which merges the parts, runs the
// election-wide checks once and prints the one report — the single-process report, check for
// check (verifier/partitioned_verification.hpp).
//
// A rank that cannot verify its districts sends a failure instead of a part: rank 0 names the
// districts not checked, and the report, whose checks of those districts did not run, does not
// pass. A rank that dies makes mpirun stop the job; rank 0 is then sent SIGTERM, and its handler
// names the districts of every rank that had not reported before it exits with status 1. Only
// rank 0's own death leaves the naming to mpirun. MPI is called from the main thread only.
#include "verify_mpi.hpp"

#if PSEPHOS_WITH_MPI
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "command_line.hpp"
#include "psephos/verifier/partitioned_verification.hpp"

namespace psephos::app {

namespace {

constexpr int tag_length = 1;
constexpr int tag_chunk = 2;
constexpr std::size_t chunk_bytes = std::size_t{1} << 30;  // MPI counts are ints
// A part that starts with this byte is a rank's failure, its message after it.
constexpr char failure_mark = '!';

// What rank 0's SIGTERM handler writes: per rank, a line naming its districts, written only if
// the rank has not reported. Built before the handler is installed and never changed after.
std::vector<std::string> unreported_lines;
volatile std::sig_atomic_t* reported = nullptr;

extern "C" void name_unreported_districts(int) {
    for (std::size_t r = 0; r < unreported_lines.size(); ++r)
        if (!reported[r]) {
            const std::string& line = unreported_lines[r];
            [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
        }
    constexpr char end[] =
        "psephos: verify --mpi: INCOMPLETE: the job was stopped before every rank reported; "
        "no report\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, end, sizeof end - 1);
    std::_Exit(exit_failure);
}

std::string district_list(const std::vector<verifier::DistrictLoad>& loads,
                          const std::vector<std::size_t>& districts) {
    std::string out;
    for (const std::size_t d : districts) out += (out.empty() ? "" : ", ") + loads[d].id;
    return out.empty() ? "(none)" : out;
}

void send_part(const std::string& part) {
    const std::uint64_t length = part.size();
    MPI_Send(&length, 1, MPI_UINT64_T, 0, tag_length, MPI_COMM_WORLD);
    for (std::size_t at = 0; at < part.size(); at += chunk_bytes) {
        const auto n = static_cast<int>(std::min(chunk_bytes, part.size() - at));
        MPI_Send(part.data() + at, n, MPI_BYTE, 0, tag_chunk, MPI_COMM_WORLD);
    }
}

// The next part to arrive, and its rank.
std::pair<int, std::string> receive_part() {
    MPI_Status status;
    std::uint64_t length = 0;
    MPI_Recv(&length, 1, MPI_UINT64_T, MPI_ANY_SOURCE, tag_length, MPI_COMM_WORLD, &status);
    const int from = status.MPI_SOURCE;
    std::string part(length, '\0');
    for (std::size_t at = 0; at < part.size(); at += chunk_bytes) {
        const auto n = static_cast<int>(std::min<std::size_t>(chunk_bytes, part.size() - at));
        MPI_Recv(part.data() + at, n, MPI_BYTE, from, tag_chunk, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return {from, std::move(part)};
}

// PSEPHOS_MPI_FAULT=kill:R or fail:R (a test hook, docs/cli.md §11): rank R dies by SIGKILL
// before it reports, or reports a failure instead of its part.
std::string injected_fault(int rank) {
    const char* fault = std::getenv("PSEPHOS_MPI_FAULT");
    if (!fault) return "";
    const std::string text = fault;
    const auto colon = text.find(':');
    if (colon == std::string::npos || text.substr(colon + 1) != std::to_string(rank)) return "";
    return text.substr(0, colon);
}

// The rank's part, or a failure mark and why.
std::string verify_own_districts(verifier::PartitionedVerification& verification,
                                 const std::vector<std::size_t>& districts, int rank) {
    const std::string fault = injected_fault(rank);
    if (fault == "kill") std::raise(SIGKILL);
    if (fault == "fail")
        return failure_mark + std::string("rank ") + std::to_string(rank) +
               " failed (PSEPHOS_MPI_FAULT)";
    try {
        return verification.verify_districts(districts);
    } catch (const std::exception& e) {
        return failure_mark + std::string("rank ") + std::to_string(rank) + " failed: " + e.what();
    }
}

}  // namespace

int run_verify_mpi(const std::string& dir, verifier::VerifyOptions options, bool as_json) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    int rank = 0, ranks = 1, local_ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &local_ranks);
    MPI_Comm_free(&local);
    // Each rank's threads: the machine's cores shared by the ranks on it, unless --threads.
    if (options.threads == 0)
        options.threads =
            std::max(1U, std::thread::hardware_concurrency() / static_cast<unsigned>(local_ranks));

    const auto started = std::chrono::steady_clock::now();
    const auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    verifier::PartitionedVerification verification(dir, options);
    const std::vector<verifier::DistrictLoad> loads = verification.prepare();
    const double prepare_seconds = since(started);
    const auto plan = verifier::assign_by_size(loads, static_cast<std::size_t>(ranks));
    std::vector<std::sig_atomic_t> reported_storage(static_cast<std::size_t>(ranks), 0);
    if (rank == 0) {
        for (int r = 0; r < ranks; ++r)
            unreported_lines.push_back("psephos: verify --mpi: rank " + std::to_string(r) +
                                       " did not report; districts not checked: " +
                                       district_list(loads, plan[static_cast<std::size_t>(r)]) +
                                       "\n");
        reported = reported_storage.data();
        std::signal(SIGTERM, name_unreported_districts);
    }
    const std::string own = verify_own_districts(verification, plan[static_cast<std::size_t>(rank)],
                                                 rank);
    if (rank == 0) reported[0] = 1;
    const double own_seconds = since(started) - prepare_seconds;
    if (rank != 0) {
        send_part(own);
        MPI_Finalize();
        return exit_ok;
    }

    std::vector<std::string> parts, failures;
    std::vector<std::pair<int, std::string>> received = {{0, own}};
    for (int n = 1; n < ranks; ++n) {
        received.push_back(receive_part());
        reported[received.back().first] = 1;
    }
    std::signal(SIGTERM, SIG_DFL);
    const double wait_seconds = since(started) - prepare_seconds - own_seconds;
    const auto merge_started = std::chrono::steady_clock::now();
    std::sort(received.begin(), received.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [from, part] : received) {
        if (!part.empty() && part[0] == failure_mark) {
            const std::string why = part.substr(1);
            failures.push_back(why);
            std::cerr << "psephos: verify --mpi: " << why << "; districts not checked: "
                      << district_list(loads, plan[static_cast<std::size_t>(from)]) << '\n';
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
                     ranks, options.threads, prepare_seconds, own_seconds, wait_seconds,
                     since(merge_started), part_bytes, seconds);
    }
    MPI_Finalize();
    if (!report) return failure("verify --mpi: " + report.error().message);
    const int status = print_verify_report(dir, *report, as_json, options, seconds);
    if (!verification.missing().empty()) {
        std::string names;
        for (const auto& d : verification.missing()) names += (names.empty() ? "" : ", ") + d;
        std::cerr << "psephos: verify --mpi: " << verification.missing().size()
                  << " districts not checked: " << names << '\n';
        return exit_failure;
    }
    return status;
}

}  // namespace psephos::app

#else  // built without MPI (PSEPHOS_WITH_MPI=OFF)

#include "command_line.hpp"

namespace psephos::app {

int run_verify_mpi(const std::string&, verifier::VerifyOptions, bool) {
    return failure("verify --mpi: this psephos was built without MPI (PSEPHOS_WITH_MPI=OFF)");
}

}  // namespace psephos::app

#endif
