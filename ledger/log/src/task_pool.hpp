// The executor's one thread pool: a fixed number of joined workers taking tasks from two FIFO
// queues. Sequencer tasks (appending and committing a district's batch) go to the urgent queue so
// a commit never waits behind a long backlog of proof verification.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace psephos::ledger::detail {

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

    void post(std::function<void()> task, bool urgent = false) {
        {
            std::lock_guard lock(mutex_);
            (urgent ? urgent_ : normal_).push_back(std::move(task));
        }
        ready_.notify_one();
    }

private:
    void run() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock,
                            [&] { return stopping_ || !urgent_.empty() || !normal_.empty(); });
                auto& queue = !urgent_.empty() ? urgent_ : normal_;
                if (queue.empty()) return;  // stopping and nothing left
                task = std::move(queue.front());
                queue.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> urgent_, normal_;
    bool stopping_ = false;
    std::vector<std::jthread> workers_;  // last: joined first
};

}  // namespace psephos::ledger::detail
