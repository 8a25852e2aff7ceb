// The executor's one thread pool: a fixed number of joined workers taking tasks from three FIFO
// queues, each only when the ones before it are empty. Sequencer tasks (appending and committing
// a district's batch) come first so a commit never waits behind a backlog of proof verification;
// then live submissions' validations, so a kiosk's ballot does not wait behind a bulk ingest's
// (docs/ledger.md §7); then everything else (bulk validation, reopening, tallies).
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace psephos::ledger::detail {

enum class TaskPriority { sequencer, live, bulk };

class TaskPool {
public:
    explicit TaskPool(unsigned threads) {
        if (threads == 0) threads = 1;
        workers_.reserve(threads);
        for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
    }
    // Runs every queued task, then joins the workers.
    ~TaskPool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        workers_.clear();
    }
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()); }

    void post(std::function<void()> task, TaskPriority priority = TaskPriority::bulk) {
        {
            std::lock_guard lock(mutex_);
            queues_[static_cast<std::size_t>(priority)].push_back(std::move(task));
        }
        ready_.notify_one();
    }

private:
    void run() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                std::deque<std::function<void()>>* queue = nullptr;
                ready_.wait(lock, [&] {
                    queue = first_nonempty();
                    return stopping_ || queue != nullptr;
                });
                if (queue == nullptr) return;  // stopping and nothing left
                task = std::move(queue->front());
                queue->pop_front();
            }
            task();
        }
    }

    // Called with the mutex held.
    std::deque<std::function<void()>>* first_nonempty() {
        for (auto& queue : queues_) {
            if (!queue.empty()) return &queue;
        }
        return nullptr;
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::array<std::deque<std::function<void()>>, 3> queues_;  // by TaskPriority
    bool stopping_ = false;
    std::vector<std::jthread> workers_;  // last: joined first
};

}  // namespace psephos::ledger::detail
