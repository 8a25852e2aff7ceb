// A record's verification split over processes (partitioned_verification.hpp, docs/scale.md):
// the part a process makes of its districts, and the merge. A part is JSON: per district its
// checks' outcomes, what the election-wide phases read of it (checkpoints, summary) and the
// names it claims for V31; then V3's failures by file index. The merge replays V31's claims in
// the manifest's district order and V3's failures in record.json's file order, as the
// single-process verifier judges them.
#include "psephos/verifier/partitioned_verification.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "psephos/json/strict_json.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier {

namespace detail {

namespace {

// The checks whose scope is a district (docs/election-record.md §5).
constexpr int district_checks[] = {11, 12, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30};

json::value optional_u64(const std::optional<std::uint64_t>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

std::optional<std::uint64_t> read_optional_u64(const json::value& v) {
    if (v.is_null()) return std::nullopt;
    return v.to_number<std::uint64_t>();
}

Hash32 read_hash(const json::value& v) {
    auto h = Hash32::from_hex(v.as_string());
    if (!h) throw std::invalid_argument("a part's hash: " + h.error().message);
    return *h;
}

json::object summary_to_json(const DistrictSummary& s) {
    json::array counts;
    for (const auto& [contest, options] : s.counts) {
        json::array per_option;
        for (const auto& [option, n] : options) per_option.push_back(json::array{option, n});
        counts.push_back(json::array{contest, std::move(per_option)});
    }
    json::array guardians;
    for (const auto g : s.guardians) guardians.emplace_back(g);
    return {{"complete", s.complete},
            {"tally_index", optional_u64(s.tally_index)},
            {"tally_hash", hex(s.tally_hash)},
            {"counted", s.counted},
            {"challenged", s.challenged},
            {"result_index", optional_u64(s.result_index)},
            {"guardians", std::move(guardians)},
            {"counts", std::move(counts)},
            {"challenged_entries", s.challenged_entries}};
}

DistrictSummary summary_from_json(const json::object& o) {
    DistrictSummary s;
    s.complete = o.at("complete").as_bool();
    s.tally_index = read_optional_u64(o.at("tally_index"));
    s.tally_hash = read_hash(o.at("tally_hash"));
    s.counted = o.at("counted").to_number<std::uint64_t>();
    s.challenged = o.at("challenged").to_number<std::uint64_t>();
    s.result_index = read_optional_u64(o.at("result_index"));
    for (const auto& g : o.at("guardians").as_array())
        s.guardians.push_back(g.to_number<std::uint32_t>());
    for (const auto& c : o.at("counts").as_array()) {
        const auto& pair = c.as_array();
        auto& contest = s.counts.emplace_back(std::string(pair.at(0).as_string()),
                                              std::vector<std::pair<std::string, std::uint64_t>>{});
        for (const auto& option : pair.at(1).as_array())
            contest.second.emplace_back(std::string(option.as_array().at(0).as_string()),
                                        option.as_array().at(1).to_number<std::uint64_t>());
    }
    s.challenged_entries = o.at("challenged_entries").as_array();
    return s;
}

}  // namespace

std::string Verifier::export_part(const std::vector<std::size_t>& districts) {
    json::array entries;
    for (const std::size_t d : districts) {
        LogInfo& log = logs_[d];
        json::object outcomes;
        for (const int n : district_checks) {
            auto& slot = outcomes_[{n, log.name}];
            outcomes[std::to_string(n)] = slot->to_json();
            slot = std::make_unique<Outcome>();
        }
        // V32 exists only in a county's record.
        if (auto it = outcomes_.find({32, log.name}); it != outcomes_.end()) {
            outcomes["32"] = it->second->to_json();
            it->second = std::make_unique<Outcome>();
        }
        json::array checkpoints;
        for (const auto& [size, cp] : log.checkpoints)
            checkpoints.push_back(json::array{size, hex(cp.root), hex(cp.note_hash)});
        json::array claims;
        for (const auto& c : names_.take_recorded(log.name)) {
            Hash32 digest;
            std::copy(c.digest.begin(), c.digest.end(), digest.bytes.begin());
            claims.push_back(json::array{static_cast<int>(c.kind),
                                         hex(digest).substr(0, 2 * c.digest.size()), c.place});
        }
        entries.push_back(json::object{{"district", d},
                                       {"readable", log.readable},
                                       {"checkpoints", std::move(checkpoints)},
                                       {"summary", summary_to_json(districts_[d])},
                                       {"outcomes", std::move(outcomes)},
                                       {"claims", std::move(claims)}});
        log.checkpoints.clear();
        log.readable = false;
        districts_[d] = {};
    }
    auto& v31 = outcomes_[{31, ""}];
    json::array file_failures;
    for (const auto& [index, message] : file_failures_)
        file_failures.push_back(json::array{index, message});
    json::object part{{"districts", std::move(entries)},
                      {"v31", v31->to_json()},
                      {"files_hashed", files_hashed_},
                      {"file_failures", std::move(file_failures)}};
    v31 = std::make_unique<Outcome>();
    file_failures_.clear();
    files_hashed_ = 0;
    return json::serialize(part);
}

bool Verifier::absorb_part(const std::string& text, std::vector<bool>& covered,
                           std::map<std::size_t, std::vector<ElectionWideNames::Claim>>& claims,
                           std::string& error) {
    try {
        // The one strict parser: a part with a member twice is refused, not read by its last.
        auto parsed = psephos::json::parse_strict(text, "a part",
                                                  psephos::json::Limits::for_size(text.size()));
        if (!parsed) {
            error = parsed.error().message;
            return false;
        }
        const json::object part = parsed->as_object();
        for (const auto& entry : part.at("districts").as_array()) {
            const auto& e = entry.as_object();
            const auto d = e.at("district").to_number<std::size_t>();
            if (d >= districts_.size() || covered[d]) {
                error =
                    "a part covers district number " + std::to_string(d) + " twice or out of range";
                return false;
            }
            covered[d] = true;
            LogInfo& log = logs_[d];
            log.readable = e.at("readable").as_bool();
            for (const auto& cp : e.at("checkpoints").as_array()) {
                const auto& a = cp.as_array();
                log.checkpoints[a.at(0).to_number<std::uint64_t>()] = {read_hash(a.at(1)),
                                                                       read_hash(a.at(2))};
            }
            districts_[d] = summary_from_json(e.at("summary").as_object());
            for (const int n : district_checks)
                out(n, log.name).absorb(e.at("outcomes").at(std::to_string(n)).as_object());
            if (const auto* v32 = e.at("outcomes").as_object().if_contains("32"))
                out(32, log.name).absorb(v32->as_object());
            auto& mine = claims[d];
            for (const auto& c : e.at("claims").as_array()) {
                const auto& a = c.as_array();
                const int kind = a.at(0).to_number<int>();
                auto digest = psephos::from_hex(a.at(1).as_string());
                ElectionWideNames::Claim claim{static_cast<ElectionWideNames::Kind>(kind),
                                               {},
                                               std::string(a.at(2).as_string())};
                if (kind < 1 || kind > 4 || !digest || digest->size() != claim.digest.size())
                    throw std::invalid_argument("a claim of V31 does not decode");
                std::copy(digest->begin(), digest->end(), claim.digest.begin());
                mine.push_back(std::move(claim));
            }
        }
        out(31).absorb(part.at("v31").as_object());
        files_hashed_ += part.at("files_hashed").to_number<std::uint64_t>();
        for (const auto& f : part.at("file_failures").as_array())
            file_failures_.emplace_back(f.as_array().at(0).to_number<std::size_t>(),
                                        std::string(f.as_array().at(1).as_string()));
        return true;
    } catch (const std::exception& e) {
        error = std::string("a part does not decode: ") + e.what();
        return false;
    }
}

void Verifier::replay_claims(
    const std::map<std::size_t, std::vector<ElectionWideNames::Claim>>& claims) {
    Outcome& v31 = out(31);
    for (const auto& [d, list] : claims)
        for (const auto& c : list)
            if (auto failure = names_.claim_digest(c.kind, c.digest, logs_[d].name, c.place))
                v31.fail(std::move(*failure));
}

}  // namespace detail

std::vector<std::vector<std::size_t>> assign_by_size(const std::vector<DistrictLoad>& districts,
                                                     std::size_t processes) {
    std::vector<std::vector<std::size_t>> assigned(std::max<std::size_t>(1, processes));
    std::vector<std::size_t> order(districts.size());
    for (std::size_t d = 0; d < order.size(); ++d) order[d] = d;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return districts[a].records > districts[b].records;
    });
    // A district costs its records plus a fixed share for opening its files.
    std::vector<std::uint64_t> load(assigned.size(), 0);
    for (const std::size_t d : order) {
        const auto least =
            static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        assigned[least].push_back(d);
        load[least] += districts[d].records + 1;
    }
    return assigned;
}

PartitionedVerification::PartitionedVerification(std::filesystem::path dir, VerifyOptions options)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      verifier_(std::make_unique<detail::Verifier>(dir_, options_)) {}

PartitionedVerification::~PartitionedVerification() = default;

const std::vector<DistrictLoad>& PartitionedVerification::prepare() {
    const auto prepared = verifier_->prepare(true);
    usable_ = prepared != detail::Verifier::Prepared::unusable;
    ready_ = prepared == detail::Verifier::Prepared::ready;
    districts_.clear();
    if (ready_) {
        verifier_->record_claims();
        for (std::size_t d = 0; d < verifier_->district_count(); ++d)
            districts_.push_back({verifier_->logs()[d].name, verifier_->logs()[d].size});
    }
    return districts_;
}

std::string PartitionedVerification::verify_districts(const std::vector<std::size_t>& districts) {
    if (!ready_) return verifier_->export_part({});  // the merging process checks it all
    std::vector<std::size_t> valid;
    for (const std::size_t d : districts)
        if (d < districts_.size()) valid.push_back(d);
    verifier_->read_logs(valid);
    const std::set<std::size_t> owners(valid.begin(), valid.end());
    verifier_->hash_files(&owners);
    return verifier_->export_part(valid);
}

Result<VerifyReport> PartitionedVerification::finish(const std::vector<std::string>& parts,
                                                     const std::string& missing_reason) {
    missing_.clear();
    if (!usable_) return verifier_->make_report();
    if (!ready_) {
        verifier_->hash_files(nullptr);
        verifier_->apply_file_hashes();
        return verifier_->make_report();
    }
    detail::Verifier& v = *verifier_;
    const std::size_t nd = v.district_count();
    const std::set<std::size_t> none = {v.logs().size()};
    v.hash_files(&none);
    std::vector<std::size_t> others;
    for (std::size_t l = nd; l < v.logs().size(); ++l) others.push_back(l);
    v.read_logs(others);
    std::vector<bool> covered(nd, false);
    std::map<std::size_t, std::vector<detail::ElectionWideNames::Claim>> claims;
    for (const auto& part : parts) {
        std::string error;
        if (!v.absorb_part(part, covered, claims, error))
            return Error{ErrorCode::invalid_argument, error};
    }
    std::vector<std::size_t> missing;
    for (std::size_t d = 0; d < nd; ++d)
        if (!covered[d]) {
            missing.push_back(d);
            missing_.push_back(v.logs()[d].name);
        }
    v.apply_file_hashes();
    v.replay_claims(claims);
    if (!missing.empty()) {
        v.outcome(3).skip(missing_reason);
        v.outcome(31).skip(missing_reason);
        for (const std::size_t d : missing)
            for (const int n : detail::district_checks)
                v.outcome(n, v.logs()[d].name).skip(missing_reason);
        for (const std::size_t d : missing)
            if (v.county_record()) v.outcome(32, v.logs()[d].name).skip(missing_reason);
    }
    v.finish_checks(missing, missing_reason);
    return v.make_report();
}

}  // namespace psephos::verifier
