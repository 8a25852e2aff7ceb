// The one task pool (task_pool.hpp): workers, priority queues, the bound and failure counting.
#include "psephos/crypto/task_pool.hpp"

#include <exception>
#include <stdexcept>

namespace psephos::crypto {

TaskPool::TaskPool(const TaskPoolOptions& options)
    : queues_(options.priorities == 0 ? 1 : options.priorities), capacity_(options.capacity) {
    workers_.reserve(options.threads);
    for (unsigned i = 0; i < options.threads; ++i) workers_.emplace_back([this] { run_worker(); });
}

TaskPool::~TaskPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    workers_.clear();  // each worker returns once every queue is empty; clear() joins them
}

void TaskPool::post(std::function<void()> task) { post(std::move(task), queues_.size() - 1); }

void TaskPool::post(std::function<void()> task, std::size_t priority) {
    if (priority >= queues_.size()) {
        throw std::out_of_range("task pool: priority " + std::to_string(priority) +
                                " of a pool with " + std::to_string(queues_.size()));
    }
    if (workers_.empty()) {
        {
            std::lock_guard lock(mutex_);
            ++running_;
        }
        run_task(task);
        return;
    }
    {
        std::unique_lock lock(mutex_);
        if (capacity_ != 0) not_full_.wait(lock, [&] { return queued_ < capacity_; });
        queues_[priority].push_back(std::move(task));
        ++queued_;
    }
    ready_.notify_one();
}

void TaskPool::run_worker() {
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
            --queued_;
            ++running_;
        }
        if (capacity_ != 0) not_full_.notify_one();
        run_task(task);
    }
}

// Runs one task counted in running_, catching what it throws.
void TaskPool::run_task(std::function<void()>& task) {
    std::optional<std::string> failure;
    try {
        task();
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "an exception of unknown type";
    }
    task = nullptr;  // what the task holds goes before the pool counts it done
    bool idle = false;
    {
        std::lock_guard lock(mutex_);
        if (failure) {
            ++failures_;
            if (!first_failure_) first_failure_ = std::move(failure);
        }
        --running_;
        idle = running_ == 0 && queued_ == 0;
    }
    if (idle) idle_.notify_all();
}

std::deque<std::function<void()>>* TaskPool::first_nonempty() {
    for (auto& queue : queues_) {
        if (!queue.empty()) return &queue;
    }
    return nullptr;
}

void TaskPool::wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return running_ == 0 && queued_ == 0; });
}

std::size_t TaskPool::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

std::optional<std::string> TaskPool::first_failure() const {
    std::lock_guard lock(mutex_);
    return first_failure_;
}

Status run_each(TaskPool& pool, std::size_t count, const std::function<Status(std::size_t)>& run) {
    std::vector<std::future<Status>> futures;
    futures.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        futures.push_back(pool.submit([&run, i] { return run(i); }));
    for (auto& f : futures) f.wait();  // every task has run before `run` may go
    std::optional<Error> first;
    for (auto& f : futures) {
        Status s = f.get();
        if (!s && !first) first = s.error();
    }
    if (first) return *first;
    return {};
}

}  // namespace psephos::crypto
