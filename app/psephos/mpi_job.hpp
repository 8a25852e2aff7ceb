// What `psephos verify --mpi` and `psephos tally --recompute --mpi` share (docs/scale.md): the
// MPI job (init, ranks, threads a rank), districts dealt by size, and the parts gathered at rank
// 0 — where a SIGTERM from mpirun (another rank died) names the districts of every rank not yet
// heard from before the process exits with status 1. MPI is called from the main thread only.
// Without MPI (PSEPHOS_WITH_MPI=OFF) MpiJob::start fails, saying so.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::app {

class MpiJob {
public:
    // MPI_Init; `threads` 0 becomes the machine's cores divided by the ranks on it.
    static Result<std::unique_ptr<MpiJob>> start(unsigned threads);
    ~MpiJob();  // MPI_Finalize
    MpiJob(const MpiJob&) = delete;
    MpiJob& operator=(const MpiJob&) = delete;

    int rank() const { return rank_; }
    int ranks() const { return ranks_; }
    unsigned threads() const { return threads_; }

    // The districts each rank is to take (indices), with their names for the messages; rank 0's
    // SIGTERM handler names them from here on. `what` says what was not done ("checked").
    // Collective: every rank calls it, and returns once rank 0's handler is ready.
    void set_plan(std::vector<std::vector<std::size_t>> plan, std::vector<std::string> names,
                  const std::string& what);
    const std::vector<std::size_t>& own() const { return plan_[static_cast<std::size_t>(rank_)]; }
    std::string district_list(int rank) const;

    // PSEPHOS_MPI_FAULT=kill:R or fail:R (a test hook, asked once the rank's part is ready): this
    // rank dies now by SIGKILL (kill), or true (fail: report a failure instead of the part).
    bool injected_failure() const;

    // Every rank but 0 sends its part and gets an empty vector back; rank 0 gets every rank's
    // part, its own included, by rank.
    std::vector<std::string> gather(const std::string& own_part);

private:
    MpiJob() = default;
    void plan_unreported_lines(const std::string& what);
    int rank_ = 0;
    int ranks_ = 1;
    unsigned threads_ = 1;
    std::vector<std::vector<std::size_t>> plan_;
    std::vector<std::string> names_;
};

// A part that starts with this byte is a rank's failure, its message after it.
inline constexpr char mpi_failure_mark = '!';

}  // namespace psephos::app
