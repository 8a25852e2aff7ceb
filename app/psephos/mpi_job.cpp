// The MPI job of `psephos verify --mpi` and `psephos tally --recompute --mpi` (mpi_job.hpp).
// A rank that dies makes mpirun stop the job (Open MPI 4 has no recovery from a lost rank):
// rank 0 is sent SIGTERM and its handler writes, with write(2) only, the lines built before it
// was installed, one for each rank whose part had not arrived.
#include "mpi_job.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "command_line.hpp"

#if PSEPHOS_WITH_MPI
#include <mpi.h>
#endif

namespace psephos::app {

namespace {

// Rank 0's SIGTERM handler's lines, and which ranks have reported. The handler is installed at
// the start; it reads the lines only once `planned` is set, after they are all built, and only
// the flags change after that.
std::vector<std::string> unreported_lines;
std::unique_ptr<volatile std::sig_atomic_t[]> reported;
volatile std::sig_atomic_t planned = 0;

extern "C" void name_unreported_districts(int) {
    if (!planned) {
        constexpr char early[] =
            "psephos: --mpi: the job was stopped before the districts were dealt to the ranks; "
            "none was done\n";
        [[maybe_unused]] const auto n = ::write(STDERR_FILENO, early, sizeof early - 1);
    }
    for (std::size_t r = 0; planned && r < unreported_lines.size(); ++r)
        if (!reported[r]) {
            const std::string& line = unreported_lines[r];
            [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
        }
    constexpr char end[] =
        "psephos: --mpi: INCOMPLETE: the job was stopped before every rank reported; no report\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, end, sizeof end - 1);
    std::_Exit(exit_failure);
}

#if PSEPHOS_WITH_MPI
constexpr int tag_length = 1;
constexpr int tag_chunk = 2;
constexpr std::size_t chunk_bytes = std::size_t{1} << 30;  // MPI counts are ints

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
#endif

}  // namespace

#if PSEPHOS_WITH_MPI
Result<std::unique_ptr<MpiJob>> MpiJob::start(unsigned threads) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    std::unique_ptr<MpiJob> job(new MpiJob());
    MPI_Comm_rank(MPI_COMM_WORLD, &job->rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &job->ranks_);
    MPI_Comm local;
    int local_ranks = 1;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, job->rank_, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &local_ranks);
    MPI_Comm_free(&local);
    job->threads_ = threads ? threads
                            : std::max(1U, std::thread::hardware_concurrency() /
                                               static_cast<unsigned>(local_ranks));
    // From here on, a SIGTERM (mpirun stopping the job: another rank died) is reported.
    if (job->rank_ == 0) std::signal(SIGTERM, name_unreported_districts);
    return job;
}

MpiJob::~MpiJob() { MPI_Finalize(); }

std::vector<std::string> MpiJob::gather(const std::string& own_part) {
    if (rank_ != 0) {
        send_part(own_part);
        return {};
    }
    reported[0] = 1;
    std::vector<std::string> parts(static_cast<std::size_t>(ranks_));
    parts[0] = own_part;
    for (int n = 1; n < ranks_; ++n) {
        auto [from, part] = receive_part();
        parts[static_cast<std::size_t>(from)] = std::move(part);
        reported[from] = 1;
    }
    std::signal(SIGTERM, SIG_DFL);
    return parts;
}
#else
Result<std::unique_ptr<MpiJob>> MpiJob::start(unsigned) {
    return Error{ErrorCode::invalid_argument,
                 "--mpi: this psephos was built without MPI (PSEPHOS_WITH_MPI=OFF)"};
}

MpiJob::~MpiJob() = default;

std::vector<std::string> MpiJob::gather(const std::string& own_part) { return {own_part}; }
#endif

void MpiJob::set_plan(std::vector<std::vector<std::size_t>> plan, std::vector<std::string> names,
                      const std::string& what) {
    plan_ = std::move(plan);
    plan_.resize(static_cast<std::size_t>(ranks_));
    names_ = std::move(names);
    if (rank_ == 0) plan_unreported_lines(what);
#if PSEPHOS_WITH_MPI
    // No rank starts its part before rank 0 can name what a dead rank leaves: a rank that failed
    // at once could otherwise have mpirun stop rank 0 before its lines exist (seen under load:
    // app_verify_mpi named no district).
    MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void MpiJob::plan_unreported_lines(const std::string& what) {
    unreported_lines.clear();
    for (int r = 0; r < ranks_; ++r)
        unreported_lines.push_back("psephos: --mpi: rank " + std::to_string(r) +
                                   " did not report; districts not " + what + ": " +
                                   district_list(r) + "\n");
    reported = std::make_unique<volatile std::sig_atomic_t[]>(static_cast<std::size_t>(ranks_));
    for (int r = 0; r < ranks_; ++r) reported[r] = 0;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    planned = 1;
}

std::string MpiJob::district_list(int rank) const {
    std::string out;
    for (const std::size_t d : plan_.at(static_cast<std::size_t>(rank)))
        out += (out.empty() ? "" : ", ") + names_.at(d);
    return out.empty() ? "(none)" : out;
}

bool MpiJob::injected_failure() const {
    const char* fault = std::getenv("PSEPHOS_MPI_FAULT");
    if (!fault) return false;
    const std::string text = fault;
    const auto colon = text.find(':');
    if (colon == std::string::npos || text.substr(colon + 1) != std::to_string(rank_)) return false;
    if (text.substr(0, colon) == "kill") std::raise(SIGKILL);
    return text.substr(0, colon) == "fail";
}

}  // namespace psephos::app
