// `psephos-bench national` (national_bench.hpp, docs/scale.md): a manifest of D districts and one
// measure, then the polling day of build_record (verify_bench.hpp) with D·B ballots — ballot i in
// district i mod D, so B a district — exported to the output directory.
#include "national_bench.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "verify_bench.hpp"
#include "workload.hpp"

namespace psephos::bench {

namespace {

namespace json = boost::json;

std::string district_id(std::size_t d, std::size_t count) {
    const std::size_t width = std::to_string(count).size();
    std::string number = std::to_string(d + 1);
    return "d-" + std::string(width - number.size(), '0') + number;
}

json::object national_manifest(std::size_t districts) {
    json::array list, ids;
    for (std::size_t d = 0; d < districts; ++d) {
        const std::string id = district_id(d, districts);
        list.push_back(json::object{{"id", id}, {"name", "District " + std::to_string(d + 1)}});
        ids.emplace_back(id);
    }
    return {
        {"format", "psephos-election-manifest-v1"},
        {"election_id", "national-bench-2026"},
        {"name", "National benchmark election 2026"},
        {"start_date", "2026-11-03"},
        {"end_date", "2026-11-03"},
        {"districts", std::move(list)},
        {"contests", json::array{json::object{
                         {"id", "measure-1"},
                         {"title", "Measure 1: Shall the benchmark pass?"},
                         {"kind", "ballot_measure"},
                         {"vote_for", 1},
                         {"options", json::array{json::object{{"id", "yes"}, {"label", "Yes"}},
                                                 json::object{{"id", "no"}, {"label", "No"}}}}}}},
        {"ballot_styles",
         json::array{json::object{
             {"id", "national"}, {"districts", std::move(ids)}, {"contests", {"measure-1"}}}}},
        {"guardians", json::object{{"count", 3}, {"threshold", 2}}}};
}

}  // namespace

int run_national_bench(const NationalBenchOptions& options, std::ostream& out) {
    if (options.out.empty()) throw std::invalid_argument("national: --out DIR is required");
    const std::filesystem::path record = options.out;
    if (std::filesystem::exists(record))
        throw std::invalid_argument("national: " + options.out + " exists already");
    const std::filesystem::path manifest_path = options.out + ".manifest.json";
    {
        std::ofstream file(manifest_path);
        file << json::serialize(national_manifest(options.districts)) << '\n';
        if (!file) throw std::runtime_error("cannot write " + manifest_path.string());
    }
    const unsigned threads =
        options.threads ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    const std::size_t ballots = options.districts * options.ballots_per_district;
    const TemporaryDirectory work("national");
    const auto started = std::chrono::steady_clock::now();
    const BuiltRecord built = build_record(manifest_path.string(), ballots, threads,
                                           work.path() / "ledger", record, true);
    const double seconds = seconds_since(started);
    std::uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(record))
        if (entry.is_regular_file()) bytes += entry.file_size();
    if (options.json) {
        out << json::serialize(json::object{{"suite", "national"},
                                            {"districts", built.districts},
                                            {"kiosks", built.kiosks},
                                            {"ballots", ballots},
                                            {"threads", threads},
                                            {"seconds", seconds},
                                            {"record_bytes", bytes},
                                            {"record", record.string()}})
            << '\n';
    } else {
        char line[256];
        std::snprintf(line, sizeof line,
                      "national: %zu districts, %zu kiosks, %zu ballots on %u threads in %.1f s "
                      "(%.2f ms a ballot); record %s, %.1f MB\n",
                      built.districts, built.kiosks, ballots, threads, seconds,
                      1000.0 * seconds / static_cast<double>(ballots), record.string().c_str(),
                      static_cast<double>(bytes) / 1e6);
        out << line;
    }
    return 0;
}

}  // namespace psephos::bench
