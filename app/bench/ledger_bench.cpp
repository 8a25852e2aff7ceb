// Ledger benchmark (docs/benchmarks.md): N realistic ballots, spread over every district of the
// manifest and cast from one or two kiosks per district (each with its own Ed25519 key and
// tracking-code chain), are encrypted before anything is timed. Then, wall clock: Ledger::ingest
// of the ballots into a fresh ledger (synced writes, as always) with 1 thread and with T threads,
// and decode_ballot + verify_ballot of the same ballots on T threads without a ledger — the work
// the casting module must do per ballot, so ingest over verification is what the ledger costs.
// Every ballot must be accepted and must verify: a rejection aborts the run, because a benchmark
// that timed rejections would report a throughput nobody gets.
#include "ledger_bench.hpp"

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/ledger/ledger.hpp"
#include "workload.hpp"

namespace psephos::bench {

namespace {

// CPU seconds this process has used on all its threads: over a phase's wall time, how many cores
// it really had. The machines are shared, so a speed-up below the thread count may be the
// neighbours' doing; the readable table says which.
double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Timing {
    double seconds = 0;      // wall clock
    double cpu_seconds = 0;  // on all threads of the process
    double cores() const { return cpu_seconds / seconds; }
};

// Times fn by the wall clock and the process's CPU clock.
Timing time_phase(const std::function<void()>& fn) {
    const double cpu_start = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    fn();
    return {seconds_since(start), process_cpu_seconds() - cpu_start};
}

// A fresh ledger with T threads in `directory` (removed with it), for the workload's approval.
std::unique_ptr<ledger::Ledger> create_ledger(const election::ElectionContext& election,
                                              const Workload& w, unsigned threads,
                                              const TemporaryDirectory& directory) {
    ledger::LedgerOptions options;
    options.directory = directory.path() / "ledger";
    options.threads = threads;
    auto created =
        ledger::Ledger::create(options, election, w.approval, ledger::LedgerKey::generate());
    if (!created) {
        throw std::runtime_error("creating a ledger in " + directory.path().string() + ": " +
                                 created.error().message);
    }
    return std::move(created).value();
}

struct IngestRun {
    Timing timing;
    std::uint64_t synced_writes = 0;
};

// A fresh ledger with registrations and open polls (untimed), then the timed ingest of every
// ballot.
IngestRun time_ingest(const election::ElectionContext& election, const Workload& w,
                      unsigned threads) {
    const TemporaryDirectory directory("ledger");
    std::unique_ptr<ledger::Ledger> ledger = create_ledger(election, w, threads, directory);
    const std::string run =
        "ingest with " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    require_all_accepted(ledger->ingest(w.opening, election::ActorRole::election_official),
                         run + ", registrations and polls opened");
    std::vector<Bytes> ballots = w.ballots;

    IngestRun result;
    const std::uint64_t writes_before = ledger->statistics().synced_writes;
    std::vector<Result<ledger::Receipt>> results;
    result.timing = time_phase([&] { results = ledger->ingest(std::move(ballots)); });
    result.synced_writes = ledger->statistics().synced_writes - writes_before;
    require_all_accepted(results, run + ", ballots");
    ledger.reset();  // closes the database before its directory goes
    return result;
}

struct LiveRun {
    std::size_t ingested = 0;           // ballots of the bulk ingest
    double ingest_seconds = 0;          // its wall clock
    std::vector<double> latencies;      // seconds, of each live submit acknowledged during it
    double first_latency = 0;           // seconds, of the first live submit, wherever it ended
    std::size_t bulk_before_first = 0;  // bulk ballots committed when the first was acknowledged
};

// A kiosk during a bulk load: a fresh ledger with T threads (opening untimed); the ballots of
// every district but the last are ingested on one thread while, from the ingest's first commit
// on, another submits the last district's ballots one at a time, each waiting for its receipt, as
// a kiosk does, until the ingest returns. Each submit's latency is timed; and how far the ingest
// had come when the first live receipt arrived says whether live validation waited behind the
// bulk's.
LiveRun time_live_during_ingest(const election::ElectionContext& election, const Workload& w,
                                unsigned threads) {
    const TemporaryDirectory directory("ledger-live");
    std::unique_ptr<ledger::Ledger> ledger = create_ledger(election, w, threads, directory);
    require_all_accepted(ledger->ingest(w.opening, election::ActorRole::election_official),
                         "live during ingest, registrations and polls opened");
    std::vector<Bytes> bulk, live;
    for (std::size_t i = 0; i < w.ballots.size(); ++i)
        (i % w.districts == w.districts - 1 ? live : bulk).push_back(w.ballots[i]);
    if (live.empty() || bulk.empty()) {
        throw std::invalid_argument(
            "live during ingest needs ballots in the last district and in another one");
    }
    LiveRun run;
    run.ingested = bulk.size();
    const std::uint64_t appended_before = ledger->statistics().records_appended;
    std::atomic<bool> ingest_done{false};
    std::vector<Result<ledger::Receipt>> results;
    const auto start = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    {
        std::jthread bulk_thread([&] {
            try {
                results = ledger->ingest(std::move(bulk));
            } catch (...) {
                failure = std::current_exception();
            }
            run.ingest_seconds = seconds_since(start);
            ingest_done = true;
        });
        // Once the ingest's first batch is committed its whole queue is in.
        while (!ingest_done && ledger->statistics().records_appended == appended_before)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (std::size_t i = 0; i < live.size() && !ingest_done; ++i) {
            const auto submitted = std::chrono::steady_clock::now();
            auto receipt = ledger->submit(live[i]).get();
            if (!receipt) {
                throw std::runtime_error("live ballot " + std::to_string(i) +
                                         " refused: " + receipt.error().message);
            }
            const double latency = seconds_since(submitted);
            if (i == 0) {
                run.first_latency = latency;
                run.bulk_before_first = std::min<std::size_t>(
                    run.ingested, static_cast<std::size_t>(ledger->statistics().records_appended -
                                                           appended_before - 1));
            }
            if (ingest_done) break;  // acknowledged after the ingest: not a figure of this phase
            run.latencies.push_back(latency);
        }
    }
    if (failure) std::rethrow_exception(failure);
    require_all_accepted(results, "live during ingest, the bulk ballots");
    ledger.reset();  // closes the database before its directory goes
    return run;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[k];
}

// decode_ballot + verify_ballot of every ballot on `threads` threads.
Timing time_verification(const election::ElectionContext& election, const Workload& w,
                         unsigned threads) {
    return time_phase([&] {
        run_in_parallel(threads, w.ballots.size(), [&](std::size_t i) {
            auto ballot = election::decode_ballot(w.ballots[i]);
            if (!ballot) {
                throw std::runtime_error("ballot " + std::to_string(i) +
                                         " does not decode: " + ballot.error().message);
            }
            if (auto ok = election::verify_ballot(election, w.kiosks[w.kiosk_of[i]].public_key,
                                                  ballot.value());
                !ok) {
                throw std::runtime_error("ballot " + std::to_string(i) +
                                         " does not verify: " + ok.error().message);
            }
        });
    });
}

}  // namespace

int run_ledger_bench(const LedgerBenchOptions& options, std::ostream& out) {
    if (options.ballots == 0) {
        throw std::invalid_argument("the ledger benchmark needs at least one ballot");
    }
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    auto manifest = election::load_manifest_file(options.manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    auto ceremony = election::run_local_key_ceremony(std::move(manifest).value());
    if (!ceremony) throw std::runtime_error(ceremony.error().message);
    const election::ElectionContext& election = ceremony.value().election;

    const auto prepare_start = std::chrono::steady_clock::now();
    const Workload w = prepare_workload(election, options.ballots, threads);
    const double prepare_seconds = seconds_since(prepare_start);

    const IngestRun one = time_ingest(election, w, 1);
    const IngestRun all = time_ingest(election, w, threads);
    const Timing verify = time_verification(election, w, threads);
    const LiveRun live = time_live_during_ingest(election, w, threads);
    const double live_p50_ms = percentile(live.latencies, 0.5) * 1000;
    const double live_max_ms = percentile(live.latencies, 1.0) * 1000;
    const double bulk_share_before_first =
        static_cast<double>(live.bulk_before_first) / static_cast<double>(live.ingested);

    const double n = static_cast<double>(w.ballots.size());
    const double per_s_1 = n / one.timing.seconds;
    const double per_s_all = n / all.timing.seconds;
    const double verify_per_s = n / verify.seconds;
    const double fsyncs_per_1000 = static_cast<double>(all.synced_writes) * 1000.0 / n;
    if (options.json) {
        out << "{\"suite\":\"ledger\",\"ballots\":" << w.ballots.size()
            << ",\"districts\":" << w.districts << ",\"threads\":" << threads
            << ",\"ballots_per_s_1\":" << fixed(per_s_1, 2)
            << ",\"ballots_per_s_all\":" << fixed(per_s_all, 2)
            << ",\"speedup\":" << fixed(per_s_all / per_s_1, 3)
            << ",\"fsyncs_per_1000\":" << fixed(fsyncs_per_1000, 2)
            << ",\"ingest_to_verify_ratio\":" << fixed(per_s_all / verify_per_s, 3)
            << ",\"live_acked_during_ingest\":" << live.latencies.size()
            << ",\"live_first_latency_ms\":" << fixed(live.first_latency * 1000, 1)
            << ",\"live_latency_p50_ms\":" << fixed(live_p50_ms, 1)
            << ",\"live_latency_max_ms\":" << fixed(live_max_ms, 1)
            << ",\"bulk_done_at_first_live\":" << fixed(bulk_share_before_first, 3)
            << ",\"live_ingest_s\":" << fixed(live.ingest_seconds, 2) << "}\n";
        return 0;
    }
    const std::string t = std::to_string(threads) + (threads == 1 ? " thread " : " threads");
    auto row = [&](const std::string& what, double per_s, const Timing& timing) {
        out << "  " << std::left << std::setw(26) << what << std::right << std::setw(8)
            << fixed(per_s, 1) << " ballots/s " << std::setw(8) << fixed(timing.seconds, 2)
            << " s   cores used " << fixed(timing.cores(), 2);
    };
    out << w.ballots.size() << " ballots over " << w.districts << " districts from "
        << w.kiosks.size() << " kiosks (encrypted in " << fixed(prepare_seconds, 1)
        << " s, not timed)\n";
    row("ledger ingest, 1 thread", per_s_1, one.timing);
    out << "   " << one.synced_writes << " synced writes\n";
    row("ledger ingest, " + t, per_s_all, all.timing);
    out << "   " << all.synced_writes << " synced writes (" << fixed(fsyncs_per_1000, 1)
        << " per 1000 ballots)\n";
    row("decode + verify, " + t, verify_per_s, verify);
    out << '\n'
        << "  speed-up " << fixed(per_s_all / per_s_1, 2)
        << " (target >= 1.8 on 2 cores), ingest/verify " << fixed(per_s_all / verify_per_s, 3)
        << " (target >= 0.85)\n";
    out << "\n  live submits during an ingest of " << live.ingested << " ballots ("
        << fixed(live.ingest_seconds, 2) << " s, " << t << "): " << live.latencies.size()
        << " acknowledged, latency p50 " << fixed(live_p50_ms, 1) << " ms, max "
        << fixed(live_max_ms, 1) << " ms\n"
        << "   the first one after " << fixed(live.first_latency * 1000, 1) << " ms, when "
        << live.bulk_before_first << " bulk ballots were committed ("
        << fixed(bulk_share_before_first * 100, 1) << "% of the ingest)\n";
    return 0;
}

}  // namespace psephos::bench
