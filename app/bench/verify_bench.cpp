// Verify benchmark (docs/benchmarks.md): a full polling day of N realistic ballots is built
// before anything is timed — the sample manifest finalized by a local key ceremony, a ledger with
// one or two kiosks per district, polls opened, the ballots (encrypted in parallel, as the ledger
// suite does) ingested, polls closed, the tally, the decryptions of a threshold of guardians, the
// results — and exported as a public election record. Then verify_election_record is timed on
// that directory with 1 thread and with T threads, each run in a fresh process (this program,
// started again as `psephos-bench verify-child`) so that the peak resident memory the kernel
// reports for it is the verification's own, not the record building's. The 1-thread run also
// counts the group operations of every thread of its process; each kind is priced at its median
// from this run, and their sum over the measured time is the bound ratio. A record that does not
// pass stops the run with the failing checks: a benchmark of failures reports nothing useful.
#include "verify_bench.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <istream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/election/tally_records.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "workload.hpp"

// The group operation counters are per thread, and the verifier reads its logs on threads of its
// own even when given one thread (one reader, with the proofs run inline on it). So that a
// verification's count is complete without touching the verifier, this program wraps
// pthread_create — the executable's definition comes before the C library's for every library
// that starts a thread — and, while counting is on, adds each thread's counts to a process-wide
// sum when its start routine returns (std::thread's always does: it never calls pthread_exit).
namespace {

std::atomic<bool> counting_threads{false};
std::mutex finished_threads_mutex;
psephos::crypto::GroupOpCounts finished_threads_counts;
std::uint64_t finished_threads = 0;

void add_counts(psephos::crypto::GroupOpCounts& sum, const psephos::crypto::GroupOpCounts& c) {
    sum.scalarmult += c.scalarmult;
    sum.scalarmult_base += c.scalarmult_base;
    sum.point_add += c.point_add;
    sum.point_sub += c.point_sub;
    sum.point_decode += c.point_decode;
    sum.public_decode += c.public_decode;
    sum.public_encode += c.public_encode;
    sum.public_add += c.public_add;
    sum.public_multiply_base_add += c.public_multiply_base_add;
    sum.public_multiply_terms += c.public_multiply_terms;
}

struct CountedStart {
    void* (*start)(void*);
    void* arg;
};

extern "C" void* run_counted_thread(void* p) {
    const std::unique_ptr<CountedStart> counted(static_cast<CountedStart*>(p));
    void* result = counted->start(counted->arg);
    const psephos::crypto::GroupOpCounts counts = psephos::crypto::current_thread_group_op_counts();
    std::lock_guard lock(finished_threads_mutex);
    add_counts(finished_threads_counts, counts);
    ++finished_threads;
    return result;
}

using PthreadCreate = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

PthreadCreate real_pthread_create() {
    static const PthreadCreate real =
        reinterpret_cast<PthreadCreate>(dlsym(RTLD_NEXT, "pthread_create"));
    return real;
}

}  // namespace

extern "C" int pthread_create(pthread_t* __restrict thread, const pthread_attr_t* __restrict attr,
                              void* (*start)(void*), void* __restrict arg) noexcept {
    const PthreadCreate real = real_pthread_create();
    if (real == nullptr) return EAGAIN;
    if (!counting_threads.load()) return real(thread, attr, start, arg);
    auto counted = std::make_unique<CountedStart>(CountedStart{start, arg});
    const int error = real(thread, attr, run_counted_thread, counted.get());
    if (error == 0) counted.release();  // the thread owns it now
    return error;
}

namespace psephos::bench {

namespace {

template <class T>
T checked(Result<T> result, const std::string& what) {
    if (!result) throw std::runtime_error(what + ": " + result.error().message);
    return std::move(result).value();
}

}  // namespace

// The whole day into a ledger in `ledger_dir`, exported to `record_dir`; the ledger is closed on
// return.
BuiltRecord build_record(const std::string& manifest_path, std::size_t ballot_count,
                         unsigned threads, const std::filesystem::path& ledger_dir,
                         const std::filesystem::path& record_dir, bool one_kiosk_each) {
    auto manifest = checked(election::load_manifest_file(manifest_path), "manifest");
    const auto ceremony =
        checked(election::run_local_key_ceremony(std::move(manifest)), "ceremony");
    const election::ElectionContext& election = ceremony.election;
    Workload w = prepare_workload(election, ballot_count, threads, one_kiosk_each);

    ledger::LedgerOptions ledger_options;
    ledger_options.directory = ledger_dir;
    ledger_options.threads = threads;
    auto ledger = checked(
        ledger::Ledger::create(ledger_options, election, w.approval, ledger::LedgerKey::generate()),
        "creating a ledger in " + ledger_dir.string());
    require_all_accepted(
        ledger->ingest(std::move(w.opening), election::ActorRole::election_official),
        "registrations and polls opened");
    // In slices of casting order, so that a 10^6-ballot soak does not hold a receipt per ballot.
    constexpr std::size_t slice = 20'000;
    for (std::size_t first = 0; first < w.ballots.size(); first += slice) {
        const std::size_t end = std::min(w.ballots.size(), first + slice);
        std::vector<Bytes> ballots(std::make_move_iterator(w.ballots.begin() + first),
                                   std::make_move_iterator(w.ballots.begin() + end));
        require_all_accepted(ledger->ingest(std::move(ballots)),
                             "ballots " + std::to_string(first) + " to " + std::to_string(end - 1));
    }
    w.ballots.clear();
    w.ballots.shrink_to_fit();
    std::vector<Bytes> closings;
    std::map<std::string, std::vector<std::size_t>, std::less<>> kiosks_of;
    for (std::size_t k = 0; k < w.kiosks.size(); ++k)
        kiosks_of[w.kiosks[k].district_id].push_back(k);
    for (std::size_t d = 0; d < w.districts; ++d) {
        const std::string& district_id = ledger->election().manifest.districts[d].id;
        ledger::DeviceKeys keys;
        std::string signer;
        for (const std::size_t k : kiosks_of[district_id]) {
            Kiosk& kiosk = w.kiosks[k];
            if (!kiosk.key) kiosk.key = kiosk_key(k + 1);  // released after the ballots
            keys.emplace(kiosk.device_id, &*kiosk.key);
            if (signer.empty()) signer = kiosk.device_id;
        }
        closings.push_back(checked(
            ledger::make_polls_record(*ledger, d, election::PollsAction::closed,
                                      opening_time + 12 * 3600, "psephos-bench", signer, keys),
            "a closing record"));
        if (one_kiosk_each)
            for (const std::size_t k : kiosks_of[district_id]) w.kiosks[k].key.reset();
    }
    checked(ledger->close_all_polls(std::move(closings)), "closing the polls");
    checked(ledger->tally(), "tally");

    BuiltRecord built;
    built.districts = w.districts;
    built.kiosks = w.kiosks.size();
    built.guardians_decrypting = election.manifest.threshold;
    std::vector<Bytes> decryptions;
    for (std::size_t d = 0; d < election.manifest.districts.size(); ++d) {
        const auto tally = ledger->tallying().tally(d);
        if (!tally) {
            throw std::runtime_error("district '" + election.manifest.districts[d].id +
                                     "' was not tallied");
        }
        for (std::uint32_t g = 1; g <= built.guardians_decrypting; ++g) {
            decryptions.push_back(
                election::encode_tally_decryption(election::decrypt_district_tally(
                    election, tally->tally, tally->hash, g, ceremony.secret_shares.at(g - 1).secret,
                    ceremony.identities.at(g - 1))));
        }
    }
    require_all_accepted(ledger->ingest(std::move(decryptions), election::ActorRole::guardian),
                         "decryptions");
    checked(ledger->record_results(), "results");
    built.summary = checked(record::export_election_record(*ledger, record_dir), "export");
    return built;
}

namespace {

struct VerifyRun {
    double seconds = 0;
    crypto::GroupOpCounts counts;  // every thread of the child
    std::uint64_t threads_counted = 0;
    double peak_rss_mb = 0;       // the child's own VmHWM
    double rusage_maxrss_mb = 0;  // wait4's ru_maxrss
    double cpu_seconds = 0;       // the child's, user and system, on all its threads
    double cores() const { return cpu_seconds / seconds; }
};

// Runs `psephos-bench verify-child` on the record and reads its line; a failed record or a child
// that did not exit cleanly throws with what it said.
VerifyRun run_verification(const std::filesystem::path& record, unsigned threads) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    // The resolved path, so that the child is named psephos-bench in ps and top, not "exe".
    const std::string program = std::filesystem::read_symlink("/proc/self/exe").string();
    const std::string record_arg = record.string();
    const std::string threads_arg = std::to_string(threads);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(127);
        close(fds[1]);
        char name[] = "psephos-bench";
        char mode[] = "verify-child";
        std::vector<char*> argv = {name, mode, const_cast<char*>(record_arg.c_str()),
                                   const_cast<char*>(threads_arg.c_str()), nullptr};
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    close(fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        output.append(buffer, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) throw std::runtime_error("wait4: " + std::string(std::strerror(errno)));
    }
    const std::string what =
        "verification with " + threads_arg + (threads == 1 ? " thread" : " threads");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error(what + " did not pass (its failing checks are above): " + output);
    }
    std::istringstream line(output);
    std::string verdict;
    VerifyRun run;
    std::uint64_t peak_kb = 0;
    line >> verdict >> run.seconds >> run.counts.scalarmult >> run.counts.scalarmult_base >>
        run.counts.point_add >> run.counts.point_sub >> run.counts.point_decode >>
        run.counts.public_decode >> run.counts.public_encode >> run.counts.public_add >>
        run.counts.public_multiply_base_add >> run.counts.public_multiply_terms >>
        run.threads_counted >> peak_kb;
    if (!line || verdict != "passed") {
        throw std::runtime_error(what + ": unexpected output '" + output + "'");
    }
    run.peak_rss_mb = static_cast<double>(peak_kb) / 1024.0;
    run.rusage_maxrss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
    auto seconds_of = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    run.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    return run;
}

// VmHWM of /proc/self/status: the peak resident memory of this process's address space since
// its exec. Not getrusage's ru_maxrss alone, which Linux may carry over an exec from the forked
// copy of the parent — the record building's memory, which this figure must leave out (both are
// in the readable table).
std::uint64_t peak_resident_kb() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
    }
    return 0;
}

}  // namespace

int run_verify_child(const std::string& record_dir, unsigned threads, std::ostream& out,
                     std::ostream& err) {
    verifier::VerifyOptions options;
    options.threads = threads;
    const crypto::GroupOpCounts before = crypto::current_thread_group_op_counts();
    counting_threads = true;
    const auto start = std::chrono::steady_clock::now();
    const verifier::VerifyReport report = verifier::verify_election_record(record_dir, options);
    const double seconds = seconds_since(start);
    counting_threads = false;
    crypto::GroupOpCounts counts = crypto::current_thread_group_op_counts() - before;
    std::uint64_t threads_counted = 0;
    {
        std::lock_guard lock(finished_threads_mutex);
        add_counts(counts, finished_threads_counts);
        threads_counted = finished_threads;
    }
    for (const auto& check : report.checks) {
        if (check.passed()) continue;
        err << check.id << ' ' << check.name << (check.scope.empty() ? "" : " " + check.scope)
            << ": " << verifier::to_string(check.status)
            << (check.note.empty() ? "" : " (" + check.note + ")") << '\n';
        for (const auto& failure : check.failures) err << "  " << failure << '\n';
    }
    out << (report.passed() ? "passed " : "failed ") << std::setprecision(9) << seconds << ' '
        << counts.scalarmult << ' ' << counts.scalarmult_base << ' ' << counts.point_add << ' '
        << counts.point_sub << ' ' << counts.point_decode << ' ' << counts.public_decode << ' '
        << counts.public_encode << ' ' << counts.public_add << ' '
        << counts.public_multiply_base_add << ' ' << counts.public_multiply_terms << ' '
        << threads_counted << ' ' << peak_resident_kb() << '\n';
    return report.passed() ? 0 : 1;
}

int run_verify_bench(const VerifyBenchOptions& options, std::ostream& out) {
    if (options.ballots == 0) {
        throw std::invalid_argument("the verify benchmark needs at least one ballot");
    }
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const TemporaryDirectory directory("verify");
    const auto build_start = std::chrono::steady_clock::now();
    const BuiltRecord built =
        build_record(options.manifest_path, options.ballots, threads, directory.path() / "ledger",
                     directory.path() / "record");
    const double build_seconds = seconds_since(build_start);
    const std::filesystem::path record = directory.path() / "record";

    const VerifyRun one = run_verification(record, 1);
    const VerifyRun all = run_verification(record, threads);
    if (one.threads_counted == 0) {
        throw std::runtime_error(
            "no verifier thread was counted: the pthread_create wrapper is not in effect");
    }
    // Priced after both verifications, on the same machine in the same minute.
    const auto medians = measure_medians(group_primitive_ops(), 9, 0.05);
    const double bound_seconds = price_group_ops(one.counts, medians) * 1e-9;

    const double n = static_cast<double>(options.ballots);
    const double per_s_1 = n / one.seconds;
    const double per_s_all = n / all.seconds;
    const double bound_ratio = bound_seconds / one.seconds;
    const double peak_rss_mb = std::max(one.peak_rss_mb, all.peak_rss_mb);
    if (options.json) {
        out << "{\"suite\":\"verify\",\"ballots\":" << options.ballots
            << ",\"ballots_per_s_1\":" << fixed(per_s_1, 2)
            << ",\"ballots_per_s_all\":" << fixed(per_s_all, 2)
            << ",\"speedup\":" << fixed(per_s_all / per_s_1, 3)
            << ",\"peak_rss_mb\":" << fixed(peak_rss_mb, 1)
            << ",\"bound_ratio\":" << fixed(bound_ratio, 3) << ",\"threads\":" << threads << "}\n";
        return 0;
    }
    const auto& c = one.counts;
    out << options.ballots << " ballots over " << built.districts << " districts from "
        << built.kiosks << " kiosks, " << built.guardians_decrypting
        << " guardians decrypting; record of " << built.summary.files << " files, "
        << fixed(static_cast<double>(built.summary.bytes) / 1e6, 1) << " MB, "
        << built.summary.records << " records (built in " << fixed(build_seconds, 1)
        << " s, not timed)\n";
    auto row = [&](const std::string& what, double per_s, const VerifyRun& run) {
        out << "  " << std::left << std::setw(18) << what << std::right << std::setw(7)
            << fixed(per_s, 1) << " ballots/s " << std::setw(7) << fixed(run.seconds, 2)
            << " s  cores used " << fixed(run.cores(), 2) << "  peak RSS "
            << fixed(run.peak_rss_mb, 1) << " MB (ru_maxrss " << fixed(run.rusage_maxrss_mb, 1)
            << ")\n";
    };
    row("verify, 1 thread", per_s_1, one);
    row("verify, " + std::to_string(threads) + (threads == 1 ? " thread" : " threads"), per_s_all,
        all);
    out << "\n  group operations of the 1-thread verification (" << one.threads_counted
        << " threads besides the caller counted), at their medians:\n";
    auto op = [&](const char* name, std::uint64_t count) {
        out << "    " << std::left << std::setw(24) << name << std::right << std::setw(10) << count
            << " x " << std::setw(7) << fixed(medians.at(name) / 1000.0, 2)
            << " us = " << std::setw(7)
            << fixed(static_cast<double>(count) * medians.at(name) * 1e-9, 2) << " s\n";
    };
    op("scalarmult", c.scalarmult);
    op("scalarmult_base", c.scalarmult_base);
    op("point_add", c.point_add);
    op("point_sub", c.point_sub);
    op("point_decode", c.point_decode);
    op("public_decode", c.public_decode);
    op("public_encode", c.public_encode);
    op("public_add", c.public_add);
    op("public_multiply_base_add", c.public_multiply_base_add);
    out << "    " << std::left << std::setw(24) << "public_multiply" << std::right << std::setw(10)
        << c.public_multiply_terms << " terms x "
        << fixed(medians.at("public_multiply_two") / 2000.0, 2) << " us\n";
    out << "    bound " << fixed(bound_seconds, 2) << " s\n\n"
        << "  speed-up " << fixed(per_s_all / per_s_1, 2) << " (target >= 1.8 on 2 cores), "
        << "bound ratio " << fixed(bound_ratio, 3) << " (target >= 0.9)\n";
    return 0;
}

}  // namespace psephos::bench
