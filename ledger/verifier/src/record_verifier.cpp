// The election record's verifier (record_verifier.hpp; docs/election-record.md §5, §7): the
// report and the run; each phase is in its own file (verifier_impl.hpp).
//
// Phases: the record's index, manifest and ceremony (V1–V10), sequentially; then every log in
// parallel (a few reader threads, one log each), each read once, frame by frame, with only
// per-device chain heads, tally sums and per-checkpoint roots kept — the district logs' ballot
// proofs, signatures and openings (V19, V20, V22) go to a bounded work queue so one district
// uses every core too; then the election log against the districts (V13–V15) and the derived
// files (V26–V27), and the bridge log's anchors (V28). Nothing here calls the ledger's validation
// or decoders.
#include "psephos/verifier/record_verifier.hpp"

#include <algorithm>
#include <unordered_map>

#include "verifier_impl.hpp"

namespace psephos::verifier {

const char* to_string(CheckStatus status) {
    switch (status) {
        case CheckStatus::passed:
            return "passed";
        case CheckStatus::failed:
            return "failed";
        case CheckStatus::not_run:
            return "not run";
    }
    return "?";
}

bool VerifyReport::passed() const {
    return !cancelled && !checks.empty() &&
           std::all_of(checks.begin(), checks.end(),
                       [](const CheckOutcome& c) { return c.passed(); });
}

bool VerifyReport::any_failed() const {
    return std::any_of(checks.begin(), checks.end(),
                       [](const CheckOutcome& c) { return c.status == CheckStatus::failed; });
}

namespace detail {

void Verifier::skip_from(int first, const std::string& why) {
    std::vector<std::string> scopes = {""};
    for (const auto& log : logs_) scopes.push_back(log.name);
    for (int n = first; n <= static_cast<int>(std::size(check_definitions)); ++n) {
        bool any = false;
        for (auto& [key, outcome] : outcomes_)
            if (key.first == n) {
                outcome->skip(why);
                any = true;
            }
        if (!any) out(n).skip(why);
    }
}

Verifier::Prepared Verifier::prepare(bool defer_file_hashes) {
    crypto::initialize();
    for (int n = 1; n <= 10; ++n) out(n);
    out(29);
    out(31);
    if (!check_record_format()) {
        skip_from(2, "record.json is not usable (V1)");
        return Prepared::unusable;
    }
    check_file_list();
    if (!defer_file_hashes) {
        hash_files(nullptr);
        apply_file_hashes();
    }
    if (!check_manifest()) {
        skip_from(5, "manifest.bin does not decode (V4)");
        return Prepared::logs_unusable;
    }
    check_ceremony();
    check_authority();
    if (!check_log_list()) {
        skip_from(11, "record.json's logs are not the manifest's (V10)");
        return Prepared::logs_unusable;
    }
    const std::size_t nd = election_.manifest.districts.size();
    for (const auto& log : logs_) {
        out(11, log.name);
        out(12, log.name);
    }
    out(13);
    out(14);
    for (std::size_t l = 0; l <= nd; ++l) out(15, logs_[l].name);
    out(16);
    for (int n = 17; n <= 25; ++n)
        for (std::size_t d = 0; d < nd; ++d) out(n, logs_[d].name);
    out(26);
    out(27);
    out(28);
    for (std::size_t d = 0; d < nd; ++d) out(30, logs_[d].name);
    if (attestations_.county) {
        for (std::size_t d = 0; d < nd; ++d) out(32, logs_[d].name);
        out(33);
    }
    if (attestations_.witnesses || options_.witness_policy) out(34, "/election");
    districts_.resize(nd);
    return Prepared::ready;
}

void Verifier::read_logs(const std::vector<std::size_t>& indices) {
    if (indices.empty()) return;
    const unsigned threads =
        options_.threads ? options_.threads : std::max(1U, std::thread::hardware_concurrency());
    queue_ = std::make_unique<WorkQueue>(
        crypto::TaskPoolOptions{.threads = threads > 1 ? threads : 0, .capacity = 64U * threads});
    // Readers: the districts' heavy work is on the queue, so a few suffice; the largest logs
    // first would be better, but sizes are not known to be honest.
    const unsigned readers =
        static_cast<unsigned>(std::min<std::size_t>(std::max(1U, threads), indices.size()));
    std::atomic<std::size_t> next{0};
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 0; t < readers; ++t)
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < indices.size() && !stop_requested(); i = next++)
                    read_log(indices[i]);
            });
    }
    queue_.reset();
}

void Verifier::finish_checks(const std::vector<std::size_t>& missing, const std::string& why) {
    // Both read only small files and the election log, which this process has.
    check_equivocations();
    check_cosignatures();
    if (!missing.empty()) {
        for (const int n : {13, 14, 26, 27}) out(n).skip(why);
        for (std::size_t l = 0; l <= districts_.size(); ++l) out(15, logs_[l].name).skip(why);
        check_anchors();
        return;
    }
    check_election_log();
    check_consistency();
    check_anchors();
    bool complete = true;
    for (const auto& s : districts_) complete = complete && s.complete;
    if (!complete) {
        out(26).skip("a district log does not decode (V11, V17)");
        out(27).skip("a district log does not decode (V11, V17)");
    } else {
        check_results_file();
        check_challenged_file();
    }
}

VerifyReport Verifier::run() {
    if (prepare(false) == Prepared::ready) {
        std::vector<std::size_t> all(logs_.size());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
        read_logs(all);
        finish_checks({}, "");
    }
    return make_report();
}

VerifyReport Verifier::make_report() {
    // Scope positions by name: a search per comparison would be quadratic in the districts.
    std::unordered_map<std::string, std::size_t> scope_order = {{"", 0}};
    for (const auto& log : logs_) scope_order.emplace(log.name, scope_order.size());
    const auto position = [&](const std::string& scope) {
        const auto it = scope_order.find(scope);
        return it == scope_order.end() ? scope_order.size() : it->second;
    };
    VerifyReport report;
    report.cancelled = stop_requested();
    report.notices = notices_;
    report.anchored =
        !options_.trusted_verifier_keys.empty() || !options_.trusted_election_checkpoint.empty();
    for (auto& [key, outcome] : outcomes_)
        report.checks.push_back(outcome->take(key.first, key.second));
    std::stable_sort(report.checks.begin(), report.checks.end(),
                     [&](const CheckOutcome& a, const CheckOutcome& b) {
                         const int na = std::stoi(a.id.substr(1)), nb = std::stoi(b.id.substr(1));
                         if (na != nb) return na < nb;
                         return position(a.scope) < position(b.scope);
                     });
    return report;
}

}  // namespace detail

VerifyReport verify_election_record(const std::filesystem::path& dir,
                                    const VerifyOptions& options) {
    detail::Verifier verifier(dir, options);
    return verifier.run();
}

}  // namespace psephos::verifier
