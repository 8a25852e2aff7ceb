// The one task pool (psephos/crypto/task_pool.hpp) and the background pool built on it: order
// within and between priorities, the bounded queue's back-pressure, shutdown with queued work,
// failing tasks reported, no task lost, and BackgroundPool's refilling and failure.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "psephos/crypto/background_pool.hpp"
#include "psephos/crypto/task_pool.hpp"

using namespace psephos;
using namespace psephos::crypto;
using namespace std::chrono_literals;

namespace {

// Holds a pool's one worker inside a task until released, so what is posted meanwhile queues.
class Gate {
public:
    void hold(TaskPool& pool, std::size_t priority = 0) {
        pool.post(
            [this] {
                entered_.count_down();
                released_.wait();
            },
            priority);
        entered_.wait();
    }
    void release() { released_.count_down(); }

private:
    std::latch entered_{1};
    std::latch released_{1};
};

}  // namespace

class TestTaskPool : public QObject {
    Q_OBJECT

private slots:
    void runs_one_priority_in_posting_order() {
        std::vector<int> order;
        {
            Gate gate;  // outlives the pool, whose worker may still be leaving gate's wait
            TaskPool pool({.threads = 1});
            gate.hold(pool);
            for (int i = 0; i < 100; ++i) pool.post([&order, i] { order.push_back(i); });
            gate.release();
        }
        QCOMPARE(order.size(), std::size_t{100});
        for (int i = 0; i < 100; ++i) QCOMPARE(order[static_cast<std::size_t>(i)], i);
    }

    void takes_a_lower_priority_only_when_the_higher_are_empty() {
        std::vector<int> order;
        {
            Gate gate;  // outlives the pool, whose worker may still be leaving gate's wait
            TaskPool pool({.threads = 1, .priorities = 3});
            gate.hold(pool);
            pool.post([&order] { order.push_back(20); }, 2);
            pool.post([&order] { order.push_back(10); }, 1);
            pool.post([&order] { order.push_back(0); }, 0);
            pool.post([&order] { order.push_back(21); }, 2);
            pool.post([&order] { order.push_back(1); }, 0);
            gate.release();
        }
        QCOMPARE(order, (std::vector<int>{0, 1, 10, 20, 21}));
    }

    void refuses_a_priority_it_does_not_have() {
        TaskPool pool({.threads = 1, .priorities = 2});
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, pool.post([] {}, 2));
    }

    void a_full_bounded_pool_makes_the_poster_wait() {
        Gate gate;  // outlives the pool, whose worker may still be leaving gate's wait
        TaskPool pool({.threads = 1, .capacity = 2});
        gate.hold(pool);
        pool.post([] {});
        pool.post([] {});  // two queued: full
        std::atomic<bool> posted{false};
        std::jthread poster([&] {
            pool.post([] {});
            posted = true;
        });
        std::this_thread::sleep_for(100ms);
        QVERIFY2(!posted, "post returned while the bounded queue was full");
        gate.release();
        poster.join();
        QVERIFY(posted);
        pool.wait_idle();
    }

    void shutdown_runs_every_queued_task() {
        std::atomic<int> ran{0};
        {
            Gate gate;  // outlives the pool, whose worker may still be leaving gate's wait
            TaskPool pool({.threads = 2, .priorities = 2});
            gate.hold(pool);
            for (int i = 0; i < 500; ++i) pool.post([&ran] { ++ran; }, i % 2);
            gate.release();
        }  // the destructor drains, then joins
        QCOMPARE(ran.load(), 500);
    }

    void loses_no_task_posted_from_many_threads() {
        constexpr int posters = 4, each = 2000;
        std::atomic<int> ran{0};
        TaskPool pool({.threads = 3, .priorities = 3, .capacity = 16});
        {
            std::vector<std::jthread> threads;
            for (int t = 0; t < posters; ++t)
                threads.emplace_back([&, t] {
                    for (int i = 0; i < each; ++i)
                        pool.post([&ran] { ++ran; }, static_cast<std::size_t>((t + i) % 3));
                });
        }
        pool.wait_idle();
        QCOMPARE(ran.load(), posters * each);
        QCOMPARE(pool.failures(), std::size_t{0});
    }

    void a_throwing_task_is_counted_and_the_pool_goes_on() {
        std::atomic<int> ran{0};
        TaskPool pool({.threads = 2});
        pool.post([] { throw std::runtime_error("first failure"); });
        pool.wait_idle();
        pool.post([] { throw 42; });
        for (int i = 0; i < 10; ++i) pool.post([&ran] { ++ran; });
        pool.wait_idle();
        QCOMPARE(ran.load(), 10);
        QCOMPARE(pool.failures(), std::size_t{2});
        QCOMPARE(pool.first_failure().value_or(""), std::string("first failure"));
    }

    void no_failure_reported_when_none() {
        TaskPool pool({.threads = 1});
        pool.post([] {});
        pool.wait_idle();
        QCOMPARE(pool.failures(), std::size_t{0});
        QVERIFY(!pool.first_failure().has_value());
    }

    void submit_returns_the_value_or_the_exception() {
        TaskPool pool({.threads = 2});
        auto value = pool.submit([] { return 7; });
        auto thrown = pool.submit([]() -> int { throw std::logic_error("bad"); });
        QCOMPARE(value.get(), 7);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, thrown.get());
        pool.wait_idle();
        QCOMPARE(pool.failures(), std::size_t{0});  // the future carries it, not the pool
    }

    void run_each_keeps_order_and_reports_the_first_error() {
        TaskPool pool({.threads = 3});
        const std::function<Result<int>(std::size_t)> square = [](std::size_t i) -> Result<int> {
            return static_cast<int>(i * i);
        };
        auto all = run_each<int>(pool, 50, square);
        QVERIFY(all.ok());
        for (std::size_t i = 0; i < 50; ++i) QCOMPARE(all.value()[i], static_cast<int>(i * i));

        std::atomic<int> ran{0};
        auto failed = run_each(pool, 20, [&ran](std::size_t i) -> Status {
            ++ran;
            if (i == 7 || i == 12)
                return make_error(ErrorCode::corrupted, "part " + std::to_string(i));
            return {};
        });
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().message, std::string("part 7"));
        QCOMPARE(ran.load(), 20);  // every task ran before the answer
    }

    void without_workers_runs_tasks_on_the_caller() {
        TaskPool pool({.threads = 0, .capacity = 1});
        const auto caller = std::this_thread::get_id();
        std::thread::id ran_on;
        for (int i = 0; i < 5; ++i) pool.post([&ran_on] { ran_on = std::this_thread::get_id(); });
        QCOMPARE(ran_on, caller);
        pool.post([] { throw std::runtime_error("inline"); });
        QCOMPARE(pool.failures(), std::size_t{1});
        pool.wait_idle();  // returns at once
    }

    // ---- BackgroundPool on the task pool --------------------------------------------------
    void background_pool_fills_to_its_target_and_refills() {
        std::atomic<int> made{0};
        BackgroundPool<int> pool([&made] { return made++; }, 5, 2);
        pool.wait_until_available(5);
        QCOMPARE(pool.available(), std::size_t{5});
        std::this_thread::sleep_for(20ms);
        QCOMPARE(made.load(), 5);  // full: nothing more is made
        QVERIFY(pool.take().has_value());
        pool.wait_until_available(5);
        QCOMPARE(made.load(), 6);
    }

    void background_pool_stop_keeps_what_is_ready() {
        BackgroundPool<int> pool([] { return 1; }, 3, 1);
        pool.wait_until_available(3);
        pool.stop_refilling();
        pool.stop_refilling();  // idempotent
        QVERIFY(pool.take().has_value());
        QCOMPARE(pool.available(), std::size_t{2});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.wait_until_available(3));
    }

    void background_pool_names_a_failed_making() {
        std::atomic<int> calls{0};
        BackgroundPool<int> pool(
            [&calls]() -> int {
                if (++calls > 2) throw std::runtime_error("no entropy");
                return 1;
            },
            10, 1);
        try {
            pool.wait_until_available(10);
            QFAIL("waited for values that can never be made");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(
                std::string(e.what()).find("making one failed: no entropy") != std::string::npos,
                e.what());
        }
        QCOMPARE(pool.available(), std::size_t{2});
    }
};

QTEST_APPLESS_MAIN(TestTaskPool)
#include "tst_task_pool.moc"
