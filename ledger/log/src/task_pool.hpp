// The executor's use of the one task pool (psephos/crypto/task_pool.hpp): a queue per
// TaskPriority, each taken only when the ones before it are empty. Sequencer tasks (appending and
// committing a district's batch) come first so a commit never waits behind a backlog of proof
// verification; then live submissions' validations, so a kiosk's ballot does not wait behind a
// bulk ingest's (docs/ledger.md §7); then everything else (bulk validation, reopening, tallies).
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>

#include "psephos/crypto/task_pool.hpp"

namespace psephos::ledger::detail {

enum class TaskPriority : std::size_t { sequencer, live, bulk };

class TaskPool {
public:
    // At least one worker: the executor never runs a task on the submitting thread.
    explicit TaskPool(unsigned threads)
        : pool_(crypto::TaskPoolOptions{.threads = std::max(threads, 1U), .priorities = 3}) {}

    unsigned size() const { return pool_.size(); }

    // A task that throws ends the process (std::terminate, as an exception leaving a thread
    // always did): the ledger fails stop. A sequencer caught half-way would hold its district
    // for ever and every later submission would wait; a restart replays the durable log.
    void post(std::function<void()> task, TaskPriority priority = TaskPriority::bulk) {
        pool_.post([task = std::move(task)]() noexcept { task(); },
                   static_cast<std::size_t>(priority));
    }

    // For crypto::run_each (its tasks go to the bulk queue, the last).
    crypto::TaskPool& pool() { return pool_; }

private:
    crypto::TaskPool pool_;
};

}  // namespace psephos::ledger::detail
