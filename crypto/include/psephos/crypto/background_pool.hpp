// A pool of values made ahead of time on background workers (the one TaskPool, task_pool.hpp),
// refilled whenever it holds fewer than its target: how the kiosk keeps precomputed encryptions
// ready while idle (docs/crypto.md §4.4). Thread-safe; each value is handed out once. Each worker
// makes one value at a time, and only while the pool is below its target, so a full pool uses no
// CPU. The destructor stops the workers (each finishes at most the value it is making) and
// destroys what is left, so values that hold secrets wipe themselves then. A value whose making
// throws stops the refilling (wait_until_available then names the failure).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "psephos/crypto/task_pool.hpp"

namespace psephos::crypto {

template <class T>
class BackgroundPool {
public:
    // thread_count = 0 gives a pool that is never filled (take() always finds nothing).
    BackgroundPool(std::function<T()> make, std::size_t target_size, std::size_t thread_count)
        : make_(std::move(make)),
          target_size_(target_size),
          thread_count_(thread_count),
          refilling_(thread_count > 0) {
        if (thread_count == 0) return;
        workers_ = std::make_unique<TaskPool>(
            TaskPoolOptions{.threads = static_cast<unsigned>(thread_count)});
        std::lock_guard lock(mutex_);
        top_up();
    }

    ~BackgroundPool() { stop_refilling(); }

    // Stops and joins the workers; what is ready stays available to take(). For when the CPU is
    // needed elsewhere (a benchmark's timed section, shutdown). Idempotent.
    void stop_refilling() {
        {
            std::lock_guard lock(mutex_);
            refilling_ = false;
        }
        changed_.notify_all();
        workers_
            .reset();  // nothing posts once refilling_ is false; joins after the values in making
    }

    BackgroundPool(const BackgroundPool&) = delete;
    BackgroundPool& operator=(const BackgroundPool&) = delete;

    std::size_t target_size() const { return target_size_; }

    // One ready value, or nothing if none is ready now (never blocks on making one).
    std::optional<T> take() {
        std::optional<T> taken;
        {
            std::lock_guard lock(mutex_);
            if (ready_.empty()) return std::nullopt;
            taken.emplace(std::move(ready_.front()));
            ready_.pop_front();
            top_up();
        }
        changed_.notify_all();
        return taken;
    }

    std::size_t available() const {
        std::lock_guard lock(mutex_);
        return ready_.size();
    }

    // Blocks until at least n are ready (tests, benchmarks). Throws std::invalid_argument if n
    // can never be reached (above the target, no workers, or refilling stopped short of n).
    void wait_until_available(std::size_t n) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ready_.size() >= n || !refilling_ || n > target_size_; });
        if (ready_.size() < n) {
            throw std::invalid_argument(
                "background pool: " + std::to_string(n) + " can never be ready (target " +
                std::to_string(target_size_) + ", " + std::to_string(ready_.size()) + " ready, " +
                (refilling_ ? "refilling" : "not refilling") +
                (failure_.empty() ? "" : ", making one failed: " + failure_) + ")");
        }
    }

private:
    // Posts one value's making per idle worker while ready and in making stay below the target.
    // Called with the mutex held (TaskPool's own mutex is only ever taken after this one).
    void top_up() {
        while (refilling_ && in_progress_ < thread_count_ &&
               ready_.size() + in_progress_ < target_size_) {
            ++in_progress_;
            workers_->post([this] { make_one(); });
        }
    }

    void make_one() {
        std::optional<T> fresh;
        std::string failure;
        {
            std::lock_guard lock(mutex_);
            if (!refilling_) {
                --in_progress_;
                return;
            }
        }
        try {
            fresh.emplace(make_());
        } catch (const std::exception& e) {
            failure = e.what();
        } catch (...) {
            failure = "an exception of unknown type";
        }
        {
            std::lock_guard lock(mutex_);
            --in_progress_;
            if (!fresh) {
                failure_ = failure;
                refilling_ = false;  // a maker that failed once would fail for ever
            } else if (refilling_) {
                ready_.push_back(std::move(*fresh));
                top_up();
            }  // else `fresh` is destroyed (wiped) on the way out
        }
        changed_.notify_all();
    }

    const std::function<T()> make_;
    const std::size_t target_size_;
    const std::size_t thread_count_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;  // a value was added or taken, or refilling stopped
    std::deque<T> ready_;
    std::size_t in_progress_ = 0;  // makings posted and not yet finished
    bool refilling_;               // false without workers, after stop_refilling() or a failure
    std::string failure_;
    std::unique_ptr<TaskPool> workers_;  // last: stopped before the rest
};

}  // namespace psephos::crypto
