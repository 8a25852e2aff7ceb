// Google Benchmark plumbing and group-operation pricing shared by the suites.
#include "bench_support.hpp"

#include <benchmark/benchmark.h>
#include <sodium.h>

#include <algorithm>
#include <array>

#include <memory>
#include <stdexcept>

#include "psephos/crypto/point.hpp"
#include "psephos/crypto/public_point.hpp"

namespace psephos::bench {

namespace {
// Collects the "median" aggregate of every benchmark, in nanoseconds per iteration.
class MedianCollector : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            if (run.error_occurred)
                throw std::runtime_error("benchmark failed: " + run.error_message);
            if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
                medians[run.run_name.function_name] = run.GetAdjustedRealTime();
            }
        }
    }
    std::map<std::string, double> medians;
};

struct Primitives {
    crypto::Scalar scalar = crypto::Scalar::random();
    crypto::Point point = crypto::Point::multiply_base(crypto::Scalar::random());
    crypto::Point other = crypto::Point::multiply_base(crypto::Scalar::random());
    crypto::Scalar second = crypto::Scalar::random();
    crypto::PublicPoint public_point{point};
    crypto::PublicPoint public_other{other};
};

// The other primitives' operands: the sizes the priced ops use (a transcript's 8-byte frame
// lengths, 16-byte weights) and long calls for the per-byte price.
constexpr std::size_t hash_short = 8;
constexpr std::size_t hash_long = 1024;
constexpr std::size_t random_short = 16;
constexpr std::size_t random_long = 4096;
struct OtherPrimitives {
    crypto::Scalar scalar = crypto::Scalar::random();
    crypto::Scalar second = crypto::Scalar::random();
    std::array<std::uint8_t, 64> wide{};
    crypto_generichash_state state{};
    std::array<std::uint8_t, hash_long> data{};
    std::array<std::uint8_t, random_long> random{};
    OtherPrimitives() {
        randombytes_buf(wide.data(), wide.size());
        randombytes_buf(data.data(), data.size());
        crypto_generichash_init(&state, nullptr, 0, 64);
    }
};
}  // namespace

std::map<std::string, double> measure_medians(const std::vector<TimedOp>& ops, int repetitions,
                                              double min_time_s) {
    std::string reps = "--benchmark_repetitions=" + std::to_string(repetitions);
    std::string min_time = "--benchmark_min_time=" + std::to_string(min_time_s);
    std::string interleave = "--benchmark_enable_random_interleaving=true";
    std::string program = "psephos-bench";
    std::vector<char*> argv = {program.data(), reps.data(), min_time.data(), interleave.data()};
    int argc = static_cast<int>(argv.size());
    benchmark::Initialize(&argc, argv.data());
    for (const auto& op : ops) {
        auto* registered =
            benchmark::RegisterBenchmark(op.name.c_str(), [run = op.run](benchmark::State& state) {
                for (auto _ : state) run();
            });
        registered->Unit(benchmark::kNanosecond);
        if (op.iterations > 0) registered->Iterations(op.iterations);
    }
    MedianCollector collector;
    benchmark::RunSpecifiedBenchmarks(&collector);
    benchmark::Shutdown();
    return collector.medians;
}

crypto::GroupOpCounts count_group_ops(const std::function<void()>& run) {
    const crypto::GroupOpCounts before = crypto::current_thread_group_op_counts();
    run();
    return crypto::current_thread_group_op_counts() - before;
}

std::vector<TimedOp> group_primitive_ops() {
    auto p = std::make_shared<Primitives>();
    return {
        {"scalarmult", [p] { benchmark::DoNotOptimize(p->scalar * p->point); }},
        {"scalarmult_base",
         [p] { benchmark::DoNotOptimize(crypto::Point::multiply_base(p->scalar)); }},
        {"point_add", [p] { benchmark::DoNotOptimize(p->point + p->other); }},
        {"point_sub", [p] { benchmark::DoNotOptimize(p->point - p->other); }},
        {"point_decode",
         [p] { benchmark::DoNotOptimize(crypto::Point::from_bytes(p->point.bytes())); }},
        // The public backend (docs/crypto.md §1.1), libdecaf on unencoded points.
        {"public_decode",
         [p] { benchmark::DoNotOptimize(crypto::PublicPoint::from_bytes(p->point.bytes())); }},
        {"public_encode", [p] { benchmark::DoNotOptimize(p->public_point.encode()); }},
        {"public_add", [p] { benchmark::DoNotOptimize(p->public_point + p->public_other); }},
        {"public_double", [p] { benchmark::DoNotOptimize(p->public_point.doubled()); }},
        {"public_negate", [p] { benchmark::DoNotOptimize(p->public_point.negated()); }},
        {"public_multiply_base_add",
         [p] {
             benchmark::DoNotOptimize(crypto::PublicPoint::multiply_base_add_vartime(
                 p->scalar, p->second, p->public_point));
         }},
        {"public_multiply_two",
         [p] {
             benchmark::DoNotOptimize(crypto::PublicPoint::multiply_two_vartime(
                 p->scalar, p->public_point, p->second, p->public_other));
         }},
    };
}

std::vector<TimedOp> other_primitive_ops() {
    auto p = std::make_shared<OtherPrimitives>();
    return {
        {"scalar_add", [p] { benchmark::DoNotOptimize(p->scalar + p->second); }},
        {"scalar_mul", [p] { benchmark::DoNotOptimize(p->scalar * p->second); }},
        {"scalar_decode",
         [p] { benchmark::DoNotOptimize(crypto::Scalar::from_bytes(p->scalar.bytes())); }},
        {"scalar_reduce", [p] { benchmark::DoNotOptimize(crypto::Scalar::reduce_wide(p->wide)); }},
        {"scalar_wipe",
         [] {
             crypto::Scalar s;
             benchmark::DoNotOptimize(s);
         }},
        {"hash_init",
         [] {
             crypto_generichash_state state;
             crypto_generichash_init(&state, nullptr, 0, 64);
             benchmark::DoNotOptimize(state);
         }},
        {"hash_update_short",
         [p] {
             crypto_generichash_update(&p->state, p->data.data(), hash_short);
             benchmark::ClobberMemory();
         }},
        {"hash_update_long",
         [p] {
             crypto_generichash_update(&p->state, p->data.data(), hash_long);
             benchmark::ClobberMemory();
         }},
        {"hash_final",
         [p] {
             crypto_generichash_state copy = p->state;
             std::array<std::uint8_t, 64> digest{};
             crypto_generichash_final(&copy, digest.data(), digest.size());
             benchmark::DoNotOptimize(digest);
         }},
        {"random_short",
         [p] {
             randombytes_buf(p->random.data(), random_short);
             benchmark::ClobberMemory();
         }},
        {"random_long",
         [p] {
             randombytes_buf(p->random.data(), random_long);
             benchmark::ClobberMemory();
         }},
    };
}

double price_other_ops(const crypto::GroupOpCounts& c, const std::map<std::string, double>& m) {
    const double hash_byte = m.at("hash_update_long") / static_cast<double>(hash_long);
    const double hash_call =
        std::max(0.0, m.at("hash_update_short") - static_cast<double>(hash_short) * hash_byte);
    const double random_byte = m.at("random_long") / static_cast<double>(random_long);
    const double random_call =
        std::max(0.0, m.at("random_short") - static_cast<double>(random_short) * random_byte);
    return static_cast<double>(c.scalar_add) * m.at("scalar_add") +
           static_cast<double>(c.scalar_mul) * m.at("scalar_mul") +
           static_cast<double>(c.scalar_decode) * m.at("scalar_decode") +
           static_cast<double>(c.scalar_reduce) * m.at("scalar_reduce") +
           static_cast<double>(c.scalar_wipe) * m.at("scalar_wipe") +
           static_cast<double>(c.hash_init) * m.at("hash_init") +
           static_cast<double>(c.hash_update) * hash_call +
           static_cast<double>(c.hash_bytes) * hash_byte +
           static_cast<double>(c.hash_final) * m.at("hash_final") +
           static_cast<double>(c.random_calls) * random_call +
           static_cast<double>(c.random_bytes) * random_byte;
}

double price_group_ops(const crypto::GroupOpCounts& c, const std::map<std::string, double>& m) {
    return static_cast<double>(c.scalarmult) * m.at("scalarmult") +
           static_cast<double>(c.scalarmult_base) * m.at("scalarmult_base") +
           static_cast<double>(c.point_add) * m.at("point_add") +
           static_cast<double>(c.point_sub) * m.at("point_sub") +
           static_cast<double>(c.point_decode) * m.at("point_decode") +
           static_cast<double>(c.public_decode) * m.at("public_decode") +
           static_cast<double>(c.public_encode) * m.at("public_encode") +
           static_cast<double>(c.public_add) * m.at("public_add") +
           static_cast<double>(c.public_double) * m.at("public_double") +
           static_cast<double>(c.public_negate) * m.at("public_negate") +
           static_cast<double>(c.public_multiply_base_add) * m.at("public_multiply_base_add") +
           // Straus over n terms, priced per term at half the two-term multiplication.
           static_cast<double>(c.public_multiply_terms) * m.at("public_multiply_two") / 2;
}

}  // namespace psephos::bench
