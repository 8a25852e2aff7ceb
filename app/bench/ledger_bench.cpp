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

#include "psephos/ledger/encrypted_ballot.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/ledger_records.hpp"
#include "psephos/ledger/local_key_ceremony.hpp"

namespace psephos::bench {

namespace {

// Times written into the records: registration, opening, ballots (in that order, as on the day;
// the casting module does not compare them with its clock).
constexpr std::uint64_t registration_time = 1'793'000'000;
constexpr std::uint64_t opening_time = 1'793'000'100;
constexpr std::uint64_t ballot_time = 1'793'000'200;

struct Kiosk {
    std::string device_id;
    std::string district_id;
    crypto::Ed25519SigningKey key;
    crypto::Ed25519PublicKey public_key;
    std::vector<std::size_t> ballots;  // positions in Workload::ballots, in chain order
};

struct Workload {
    std::size_t districts = 0;
    std::vector<Kiosk> kiosks;
    std::vector<Bytes> opening;         // every device registration, then polls opened everywhere
    std::vector<Bytes> ballots;         // in casting order
    std::vector<std::size_t> kiosk_of;  // by ballot
};

// Runs fn(0) … fn(count − 1) on `threads` joined threads; rethrows the first exception a call
// threw once all threads have stopped.
void run_in_parallel(unsigned threads, std::size_t count,
                     const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < count && !failed; i = next++) {
                    try {
                        fn(i);
                    } catch (...) {
                        std::lock_guard lock(error_mutex);
                        if (!first_error) first_error = std::current_exception();
                        failed = true;
                    }
                }
            });
        }
    }
    if (first_error) std::rethrow_exception(first_error);
}

// A full vote that varies with the ballot: vote_for consecutive options of every contest, from an
// offset that moves with the ballot and the contest.
ledger::BallotMarks varied_full_vote(const ledger::ElectionManifest& m,
                                     const ledger::BallotStyle& style, std::size_t ballot) {
    ledger::BallotMarks marks;
    for (std::size_t c = 0; c < style.contests.size(); ++c) {
        const ledger::Contest* contest = m.find_contest(style.contests[c]);
        const std::size_t n = contest->options.size();
        for (std::uint32_t k = 0; k < contest->vote_for; ++k) {
            marks[contest->id].push_back(contest->options[(ballot + c + k) % n].id);
        }
    }
    return marks;
}

// Ballot i goes to district i mod D and, within its district, to the district's kiosks in turn;
// the manifest's first, third, … districts have two kiosks, the others one. Device ids are
// "kiosk-<n>", short whatever the district ids. Encrypting is parallel over kiosks, since each
// kiosk's ballots chain to the one before.
Workload prepare_workload(const ledger::ElectionContext& election, std::size_t ballots,
                          unsigned threads) {
    const ledger::ElectionManifest& m = election.manifest;
    Workload w;
    w.districts = m.districts.size();
    std::vector<std::vector<std::size_t>> kiosks_of_district(w.districts);
    for (std::size_t d = 0; d < w.districts; ++d) {
        const std::size_t count = d % 2 == 0 ? 2 : 1;
        for (std::size_t k = 0; k < count; ++k) {
            const std::string device = "kiosk-" + std::to_string(w.kiosks.size() + 1);
            auto key = crypto::Ed25519SigningKey::generate();
            const auto public_key = key.public_key();
            kiosks_of_district[d].push_back(w.kiosks.size());
            w.kiosks.push_back({device, m.districts[d].id, std::move(key), public_key, {}});
        }
    }
    for (const Kiosk& k : w.kiosks) {
        w.opening.push_back(ledger::encode_device_registration(
            {k.district_id, k.device_id, k.public_key, registration_time}));
    }
    for (const auto& d : m.districts) {
        w.opening.push_back(ledger::encode_polls_record(
            {ledger::PollsAction::opened, d.id, opening_time, 0, 0, "psephos-bench"}));
    }
    w.ballots.resize(ballots);
    w.kiosk_of.resize(ballots);
    for (std::size_t i = 0; i < ballots; ++i) {
        const auto& kiosks = kiosks_of_district[i % w.districts];
        const std::size_t kiosk = kiosks[(i / w.districts) % kiosks.size()];
        w.kiosk_of[i] = kiosk;
        w.kiosks[kiosk].ballots.push_back(i);
    }
    run_in_parallel(threads, w.kiosks.size(), [&](std::size_t k) {
        Kiosk& kiosk = w.kiosks[k];
        const ledger::BallotStyle* style = m.ballot_style_of_district(kiosk.district_id);
        if (style == nullptr) {
            throw std::runtime_error("district '" + kiosk.district_id + "' has no ballot style");
        }
        Hash32 chain_head = ledger::initial_tracking_code(election.base_hash, kiosk.device_id);
        for (std::size_t n = 0; n < kiosk.ballots.size(); ++n) {
            const std::size_t i = kiosk.ballots[n];
            const ledger::BallotRequest request{kiosk.device_id + "-b" + std::to_string(n),
                                                kiosk.device_id, kiosk.district_id, ballot_time,
                                                chain_head};
            auto prepared = ledger::encrypt_ballot(election, request,
                                                   varied_full_vote(m, *style, i), kiosk.key);
            if (!prepared) {
                throw std::runtime_error("encrypting ballot " + std::to_string(i) + ": " +
                                         prepared.error().message);
            }
            chain_head = prepared.value().tracking_code;
            w.ballots[i] = ledger::encode_ballot(prepared.value().ballot);
        }
    });
    return w;
}

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "psephos-bench-ledger-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory from " + pattern);
        }
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

void require_all_accepted(const std::vector<Result<ledger::Receipt>>& results,
                          const std::string& what) {
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) {
            throw std::runtime_error(what + ": record " + std::to_string(i) + " of " +
                                     std::to_string(results.size()) + " was rejected (" +
                                     results[i].error().message +
                                     "); the benchmark times accepted ballots only");
        }
    }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

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

struct IngestRun {
    Timing timing;
    std::uint64_t synced_writes = 0;
};

// A fresh ledger with registrations and open polls (untimed), then the timed ingest of every
// ballot.
IngestRun time_ingest(const ledger::ElectionContext& election, const Workload& w,
                      unsigned threads) {
    const TemporaryDirectory directory;
    ledger::LedgerOptions options;
    options.directory = directory.path() / "ledger";
    options.threads = threads;
    auto created = ledger::Ledger::create(options, election, ledger::LedgerKey::generate());
    if (!created) {
        throw std::runtime_error("creating a ledger in " + directory.path().string() + ": " +
                                 created.error().message);
    }
    std::unique_ptr<ledger::Ledger> ledger = std::move(created).value();
    const std::string run =
        "ingest with " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    require_all_accepted(ledger->ingest(w.opening, ledger::ActorRole::election_official),
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

// decode_ballot + verify_ballot of every ballot on `threads` threads.
Timing time_verification(const ledger::ElectionContext& election, const Workload& w,
                         unsigned threads) {
    return time_phase([&] {
        run_in_parallel(threads, w.ballots.size(), [&](std::size_t i) {
            auto ballot = ledger::decode_ballot(w.ballots[i]);
            if (!ballot) {
                throw std::runtime_error("ballot " + std::to_string(i) +
                                         " does not decode: " + ballot.error().message);
            }
            if (auto ok = ledger::verify_ballot(election, w.kiosks[w.kiosk_of[i]].public_key,
                                                ballot.value());
                !ok) {
                throw std::runtime_error("ballot " + std::to_string(i) +
                                         " does not verify: " + ok.error().message);
            }
        });
    });
}

std::string fixed(double value, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << value;
    return s.str();
}

}  // namespace

int run_ledger_bench(const LedgerBenchOptions& options, std::ostream& out) {
    if (options.ballots == 0) {
        throw std::invalid_argument("the ledger benchmark needs at least one ballot");
    }
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    auto manifest = ledger::load_manifest_file(options.manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    auto ceremony = ledger::run_local_key_ceremony(std::move(manifest).value());
    if (!ceremony) throw std::runtime_error(ceremony.error().message);
    const ledger::ElectionContext& election = ceremony.value().election;

    const auto prepare_start = std::chrono::steady_clock::now();
    const Workload w = prepare_workload(election, options.ballots, threads);
    const double prepare_seconds = seconds_since(prepare_start);

    const IngestRun one = time_ingest(election, w, 1);
    const IngestRun all = time_ingest(election, w, threads);
    const Timing verify = time_verification(election, w, threads);

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
            << ",\"ingest_to_verify_ratio\":" << fixed(per_s_all / verify_per_s, 3) << "}\n";
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
    return 0;
}

}  // namespace psephos::bench
