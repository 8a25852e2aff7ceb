// The one task pool of Psephos: a fixed number of joined workers taking tasks from FIFO queues
// by priority (a worker takes from queue p only when queues 0 … p − 1 are empty), optionally
// bounded (post waits while `capacity` tasks are queued, which bounds the memory of queued work).
// The ledger's executor (three priorities: sequencer, live, bulk; docs/ledger.md §7), the
// verifier's proof checks (bounded; docs/verifier.md) and the kiosk's precomputation
// (BackgroundPool, docs/crypto.md §4.4) all run on it. It lives in crypto because crypto is the
// base layer every library links, the verifier included.
//
// A task that throws does not end the process: the worker catches it, counts it and keeps the
// first message (failures(), first_failure()). A caller that wants a task's value or error back
// uses submit(), whose future carries the value or the exception, or run_each() for a Result.
// The destructor runs every queued task, then joins the workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

struct TaskPoolOptions {
    // Workers. 0: post() runs each task at once on the caller's thread (no queue, no bound).
    unsigned threads = 1;
    // FIFO queues, 0 first. post()'s priority must be below this.
    std::size_t priorities = 1;
    // Tasks queued (not yet running) at most, over all queues; post() waits while the pool holds
    // that many. 0: no bound. A task that posts to its own bounded pool can wait for ever when
    // every worker does the same: only outside threads should post to a bounded pool.
    std::size_t capacity = 0;
};

class TaskPool {
public:
    explicit TaskPool(const TaskPoolOptions& options);
    // Runs every queued task, then joins the workers.
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    // The workers (0 for a pool that runs tasks on the caller's thread).
    unsigned size() const { return static_cast<unsigned>(workers_.size()); }
    std::size_t priorities() const { return queues_.size(); }

    // Queues the task behind those of its priority (the lowest priority, queues_.size() − 1, by
    // default), waiting first while a bounded pool is full. Throws std::out_of_range for a
    // priority the pool does not have (a programming error).
    void post(std::function<void()> task);
    void post(std::function<void()> task, std::size_t priority);

    // post() with the task's value (or its exception) in the returned future.
    template <class F>
    auto submit(F task, std::size_t priority) -> std::future<std::invoke_result_t<F&>> {
        using R = std::invoke_result_t<F&>;
        auto packaged = std::make_shared<std::packaged_task<R()>>(std::move(task));
        auto future = packaged->get_future();
        post([packaged] { (*packaged)(); }, priority);
        return future;
    }
    template <class F>
    auto submit(F task) -> std::future<std::invoke_result_t<F&>> {
        return submit(std::move(task), queues_.size() - 1);
    }

    // Blocks until no task is queued or running (tests; a caller's own barrier is better when
    // other threads keep posting).
    void wait_idle();

    // Tasks that threw, and the first one's message ("what()" or "an exception of unknown type").
    std::size_t failures() const;
    std::optional<std::string> first_failure() const;

private:
    void run_worker();
    void run_task(std::function<void()>& task);
    std::deque<std::function<void()>>* first_nonempty();  // called with the mutex held

    mutable std::mutex mutex_;
    std::condition_variable ready_;     // a task was queued, or the pool is stopping
    std::condition_variable not_full_;  // a task left a bounded pool's queues
    std::condition_variable idle_;      // nothing queued or running
    std::vector<std::deque<std::function<void()>>> queues_;  // by priority, 0 first
    const std::size_t capacity_;
    std::size_t queued_ = 0;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::size_t failures_ = 0;
    std::optional<std::string> first_failure_;
    std::vector<std::jthread> workers_;  // last: started after, and joined before, the rest
};

// The futures' values in order, or the first error in order; every future is waited for first
// (so nothing a task refers to goes while it runs).
template <class T>
Result<std::vector<T>> collect_in_order(std::vector<std::future<Result<T>>>& futures) {
    for (auto& f : futures) f.wait();
    std::vector<T> out;
    out.reserve(futures.size());
    std::optional<Error> first;
    for (auto& f : futures) {
        Result<T> r = f.get();
        if (!r) {
            if (!first) first = r.error();
            continue;
        }
        out.push_back(std::move(r).value());
    }
    if (first) return *first;
    return out;
}

// Runs make(0) … make(count − 1) on the pool, in parallel; their values in that order, or the
// first error in that order (every task has run by then). Must not be called from one of the
// pool's own tasks (it waits for them).
template <class T>
Result<std::vector<T>> run_each(TaskPool& pool, std::size_t count,
                                const std::function<Result<T>(std::size_t)>& make) {
    std::vector<std::future<Result<T>>> futures;
    futures.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        futures.push_back(pool.submit([&make, i] { return make(i); }));
    return collect_in_order(futures);
}

// run_each for tasks with no value: Status of the first failure in order, every task run.
Status run_each(TaskPool& pool, std::size_t count, const std::function<Status(std::size_t)>& run);

}  // namespace psephos::crypto
