// `psephos verify RECORD_DIR [--threads N] [--json]`: re-checks an exported election record from
// its files alone (ledger::verify_election_record, docs/election-record.md §5, §7) and prints
// one line per check and scope, or the same as JSON. Exit 0 only if every check ran and passed.
// With --mpi the work is spread over the ranks of an MPI job (verify_mpi.cpp).
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "commands.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "verify_mpi.hpp"

namespace psephos::app {

namespace {

namespace json = boost::json;

std::string scope_text(const verifier::CheckOutcome& c) {
    if (c.scope.empty()) return "";
    if (c.scope[0] == '/') return " log " + c.scope;
    return " district " + c.scope;
}

// One status line on stderr, rewritten in place; only used when stderr is a terminal.
class ProgressLine {
public:
    void update(std::string_view log, std::uint64_t done, std::uint64_t total) {
        std::lock_guard lock(mutex_);
        progress_[std::string(log)] = {done, total};
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200) && done != total) return;
        last_ = now;
        std::uint64_t all_done = 0, all_total = 0, logs_done = 0;
        for (const auto& [name, p] : progress_) {
            all_done += p.first;
            all_total += p.second;
            if (p.first >= p.second) ++logs_done;
        }
        std::fprintf(stderr, "\r\033[Kverifying: %llu/%llu records, %llu logs finished",
                     static_cast<unsigned long long>(all_done),
                     static_cast<unsigned long long>(all_total),
                     static_cast<unsigned long long>(logs_done));
        std::fflush(stderr);
        shown_ = true;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        if (shown_) std::fprintf(stderr, "\r\033[K");
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> progress_;
    std::chrono::steady_clock::time_point last_{};
    bool shown_ = false;
};

}  // namespace

int run_verify_command(Words words) {
    const CommandSpec spec{
        "psephos verify RECORD_DIR [--threads N] [--json] [--trusted-keys FILE]\n"
        "                      [--trusted-checkpoint FILE] [--authority PUBFILE]\n"
        "                      [--witness-policy FILE]\n"
        "       mpirun -np N psephos verify --mpi RECORD_DIR [same options]",
        {"--threads", "--trusted-keys", "--trusted-checkpoint", "--authority", "--witness-policy"},
        {"--json", "--mpi"},
        1,
        1};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    auto threads = args->number("--threads", 1, 1024, 0);
    if (!threads) return usage_error(spec, threads.error().message);
    const std::string dir = args->positional()[0];
    if (!path_exists(dir + "/record.json"))
        return failure(dir + ": not an election record (no record.json)");

    verifier::VerifyOptions options;
    options.threads = static_cast<unsigned>(threads.value());
    if (const auto keys = args->value("--trusted-keys")) {
        std::ifstream in(*keys);
        if (!in) return failure(*keys + ": cannot be read");
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) options.trusted_verifier_keys.push_back(line);
        if (options.trusted_verifier_keys.empty()) return failure(*keys + ": no verifier key");
    }
    if (const auto authority = args->value("--authority")) {
        auto key = crypto::read_public_key_file(*authority);
        if (!key) return failure(key.error().message);
        options.trusted_authority_key = election::authority_key_text(key.value());
    }
    if (const auto note = args->value("--trusted-checkpoint")) {
        std::ifstream in(*note, std::ios::binary);
        if (!in) return failure(*note + ": cannot be read");
        options.trusted_election_checkpoint.assign(std::istreambuf_iterator<char>(in),
                                                   std::istreambuf_iterator<char>());
    }
    if (const auto file = args->value("--witness-policy")) {
        // A witness policy (docs/witness.md §9): k of n witnesses must have cosigned the
        // election log's last checkpoint (V34).
        auto text = crypto::read_public_file(*file, 64 * 1024);
        if (!text) return failure(text.error().message);
        auto policy = crypto::parse_witness_policy(
            std::string_view(reinterpret_cast<const char*>(text.value().data()),
                             text.value().size()),
            *file);
        if (!policy) return failure(policy.error().message);
        options.witness_policy = std::move(policy).value();
    }
    if (args->has_switch("--mpi"))
        return run_verify_mpi(dir, std::move(options), args->has_switch("--json"));
    ProgressLine progress;
    if (isatty(STDERR_FILENO)) {
        options.progress = [&](std::string_view log, std::uint64_t done, std::uint64_t total) {
            progress.update(log, done, total);
        };
    }
    const auto started = std::chrono::steady_clock::now();
    const verifier::VerifyReport report = verifier::verify_election_record(dir, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.clear();

    return print_verify_report(dir, report, args->has_switch("--json"), options, seconds);
}

int print_verify_report(const std::string& dir, const verifier::VerifyReport& report, bool as_json,
                        const verifier::VerifyOptions& options, double seconds) {
    std::size_t failed = 0, not_run = 0;
    for (const auto& c : report.checks) {
        if (c.status == verifier::CheckStatus::failed) ++failed;
        if (c.status == verifier::CheckStatus::not_run) ++not_run;
    }
    const bool passed = report.passed();
    if (as_json) {
        json::array notices;
        for (const auto& n : report.notices) notices.emplace_back(n);
        json::array checks;
        for (const auto& c : report.checks) {
            json::array failures;
            for (const auto& f : c.failures) failures.emplace_back(f);
            checks.push_back(json::object{{"id", c.id},
                                          {"name", c.name},
                                          {"scope", c.scope},
                                          {"status", verifier::to_string(c.status)},
                                          {"passed", c.passed()},
                                          {"checked", c.items_checked},
                                          {"failure_count", c.failure_count},
                                          {"failures", std::move(failures)},
                                          {"note", c.note}});
        }
        std::cout << json::serialize(json::object{{"record", dir},
                                                  {"passed", passed},
                                                  {"anchored", report.anchored},
                                                  {"verdict", passed   ? "PASS"
                                                              : failed ? "FAIL"
                                                                       : "INCOMPLETE"},
                                                  {"checks", std::move(checks)},
                                                  {"notices", std::move(notices)}})
                  << '\n';
    } else {
        for (const auto& c : report.checks) {
            const std::string what = c.id + " " + c.name + scope_text(c);
            switch (c.status) {
                case verifier::CheckStatus::passed:
                    std::cout << "PASS " << what << " (" << c.items_checked << ' ' << c.note
                              << ")\n";
                    break;
                case verifier::CheckStatus::not_run:
                    std::cout << "NOT CHECKED " << what << ": " << c.note << '\n';
                    break;
                case verifier::CheckStatus::failed:
                    for (const auto& f : c.failures)
                        std::cout << "FAIL " << what << ": " << f << '\n';
                    if (c.failure_count > c.failures.size())
                        std::cout << "FAIL " << what << ": … and "
                                  << c.failure_count - c.failures.size() << " more failures\n";
                    break;
            }
        }
        for (const auto& n : report.notices) std::cout << "NOTICE: " << n << '\n';
        if (!options.witness_policy &&
            std::any_of(report.checks.begin(), report.checks.end(),
                        [](const verifier::CheckOutcome& c) { return c.id == "V34"; }))
            std::cout << "NOTE: no witness policy given (--witness-policy FILE): the witnesses' "
                         "cosignatures were checked against the keys the record names, and none "
                         "was required\n";
        if (!report.anchored)
            std::cout << "NOTE: no trusted verifier keys or election checkpoint given "
                         "(--trusted-keys, --trusted-checkpoint): the record was checked against "
                         "itself only, so its signatures show consistency, not who signed it\n";
        if (options.trusted_authority_key.empty())
            std::cout << "NOTE: no election authority key given (--authority PUBFILE): the "
                         "devices were checked against the approval's own key (V29, V30), not "
                         "against the key the authority published\n";
        char elapsed[32];
        std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
        if (passed) {
            std::cout << "PASS: every check of " << report.checks.size() << " passed (" << elapsed
                      << " s)\n";
        } else if (failed) {
            std::cout << "FAIL: " << failed << " of " << report.checks.size() << " checks failed"
                      << (not_run ? ", " + std::to_string(not_run) + " not run" : "") << " ("
                      << elapsed << " s)\n";
        } else {
            std::cout << "INCOMPLETE: " << not_run << " of " << report.checks.size()
                      << " checks not run (" << elapsed << " s)\n";
        }
    }
    return passed ? exit_ok : exit_failure;
}

}  // namespace psephos::app
