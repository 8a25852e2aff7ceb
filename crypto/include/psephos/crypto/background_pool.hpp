// A pool of values made ahead of time by background workers (std::jthread), refilled whenever it
// holds fewer than its target: how the kiosk keeps precomputed encryptions ready while idle
// (docs/crypto.md §4.4). Thread-safe; each value is handed out once. The destructor stops and
// joins the workers (each finishes at most the value it is making) and destroys what is left, so
// values that hold secrets wipe themselves then.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace psephos::crypto {

template <class T>
class BackgroundPool {
public:
    // thread_count = 0 gives a pool that is never filled (take() always finds nothing).
    BackgroundPool(std::function<T()> make, std::size_t target_size, std::size_t thread_count)
        : make_(std::move(make)), target_size_(target_size), refilling_(thread_count > 0) {
        workers_.reserve(thread_count);
        for (std::size_t i = 0; i < thread_count; ++i) {
            workers_.emplace_back([this](std::stop_token stop) { run_worker(std::move(stop)); });
        }
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
        // Ask every worker first, then join: they stop in parallel.
        for (auto& worker : workers_) worker.request_stop();
        for (auto& worker : workers_) {
            if (worker.joinable()) worker.join();
        }
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
                (refilling_ ? "refilling" : "not refilling") + ")");
        }
    }

private:
    void run_worker(std::stop_token stop) {
        while (true) {
            {
                std::unique_lock lock(mutex_);
                // Wakes on a take() or on a stop request (the stop_token overload of wait).
                if (!changed_.wait(
                        lock, stop,
                        [this] { return ready_.size() + in_progress_ < target_size_; }) ||
                    stop.stop_requested()) {
                    return;
                }
                ++in_progress_;
            }
            T fresh = make_();
            {
                std::lock_guard lock(mutex_);
                --in_progress_;
                if (stop.stop_requested()) return;  // `fresh` is destroyed (wiped) on the way out
                ready_.push_back(std::move(fresh));
            }
            changed_.notify_all();
        }
    }

    const std::function<T()> make_;
    const std::size_t target_size_;
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;  // a value was added or taken
    std::deque<T> ready_;
    std::size_t in_progress_ = 0;
    bool refilling_;                     // false without workers or after stop_refilling()
    std::vector<std::jthread> workers_;  // last: started after, and stopped before, the rest
};

}  // namespace psephos::crypto
