// `psephos tally --recompute RECORD_DIR [--threads N] [--json] [--mpi]` (docs/cli.md §10.5,
// docs/scale.md): every district's tally recomputed from its log in a published record — each
// cast ballot's proofs and device signature checked, challenged ballots left out
// (election::TallyRecomputation, BallotChecks::full, as a guardian does before decrypting) — and
// compared with the district tally the log records; then the election-wide encrypted totals, the
// homomorphic sum of every district's recomputed sums per contest and option. With --mpi the
// districts are dealt to the ranks by size (verifier::assign_by_size), each rank sums its own
// districts into partial totals, and rank 0 adds the partial totals: the same output as one
// process, line for line.
#include <atomic>
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "command_line.hpp"
#include "commands.hpp"
#include "mpi_job.hpp"
#include "psephos/crypto/ciphertext_sum.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "psephos/record/record_reader.hpp"
#include "psephos/verifier/partitioned_verification.hpp"

namespace psephos::app {

namespace {

namespace json = boost::json;

// One district's recount: its output line and its recomputed sums.
struct Recount {
    bool matches = false;     // a recorded tally, equal to the recomputation
    bool recomputed = false;  // the log read and every record fed: `sums` are its sums
    std::string line;         // "district <id>: …"
    std::uint64_t counted = 0;
    election::PerOption<crypto::Ciphertext> sums;
};

Recount recount_district(const record::RecordReader& reader, const std::string& id) {
    Recount out;
    const std::string at = "district " + id + ": ";
    auto recomputation =
        election::TallyRecomputation::create(reader.election(), id, election::BallotChecks::full);
    if (!recomputation) {
        out.line = at + "not recomputed: " + recomputation.error().message;
        return out;
    }
    std::optional<std::string> mismatch;
    std::optional<election::DistrictTally> recorded;
    std::uint64_t tally_index = 0;
    const Status read = reader.for_each_record(id, [&](std::uint64_t index, const Bytes& record) {
        if (recorded || mismatch) return;
        if (!record.empty() &&
            static_cast<election::RecordType>(record[0]) == election::RecordType::district_tally) {
            auto tally = election::decode_district_tally(record);
            if (!tally) {
                mismatch = "record " + std::to_string(index) + ": " + tally.error().message;
                return;
            }
            recorded = std::move(tally).value();
            tally_index = index;
            return;
        }
        if (auto ok = recomputation.value().add_record(record); !ok) mismatch = ok.error().message;
    });
    const election::DistrictTally recomputed = recomputation.value().finish();
    out.counted = recomputed.ballots_counted;
    out.recomputed = read && !mismatch;
    if (out.recomputed) out.sums = recomputed.sums;
    if (!read) {
        out.line = at + "not recomputed: " + read.error().message;
    } else if (mismatch) {
        out.line = at + "not recomputed: " + *mismatch;
    } else if (!recorded) {
        out.line = at + "no tally recorded; " + std::to_string(recomputed.ballots_counted) +
                   " ballots counted in the log's " + std::to_string(recomputed.log_size) +
                   " records";
    } else if (auto same = election::check_tally_matches(*recorded, recomputed); !same) {
        out.line = at + "the tally (record " + std::to_string(tally_index) +
                   ") differs from its recomputation: " + same.error().message;
    } else {
        out.matches = true;
        out.line = at + "the tally (record " + std::to_string(tally_index) +
                   ") matches: " + std::to_string(recomputed.ballots_counted) +
                   " ballots counted, " + std::to_string(recomputed.ballots_challenged) +
                   " challenged";
    }
    return out;
}

// The districts given, on `threads` threads, each with its own reader; by index.
std::map<std::size_t, Recount> recount(const std::string& dir, const std::vector<std::string>& ids,
                                       const std::vector<std::size_t>& districts,
                                       unsigned threads) {
    std::map<std::size_t, Recount> out;
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    {
        std::vector<std::jthread> workers;
        const std::size_t n = std::min<std::size_t>(std::max(1U, threads), districts.size());
        for (std::size_t t = 0; t < n; ++t)
            workers.emplace_back([&] {
                auto reader = record::RecordReader::open(dir);
                for (std::size_t i = next++; i < districts.size(); i = next++) {
                    const std::size_t d = districts[i];
                    Recount r;
                    if (reader) {
                        r = recount_district(reader.value(), ids[d]);
                    } else {
                        r.line =
                            "district " + ids[d] + ": not recomputed: " + reader.error().message;
                    }
                    std::lock_guard lock(mutex);
                    out.emplace(d, std::move(r));
                }
            });
    }
    return out;
}

// A rank's part: its lines, and its districts' sums added per contest and option.
json::object make_part(const std::map<std::size_t, Recount>& recounts) {
    std::map<std::pair<std::string, std::string>, crypto::CiphertextSum> totals;
    json::array lines;
    for (const auto& [d, r] : recounts) {
        lines.push_back(json::array{d, r.matches, r.line, r.counted, r.recomputed});
        for (const auto& contest : r.sums)
            for (const auto& option : contest.options)
                totals[{contest.contest_id, option.option_id}].add(option.value);
    }
    json::array sums;
    for (const auto& [key, sum] : totals)
        sums.push_back(json::array{key.first, key.second, to_hex(sum.value().to_bytes())});
    return {{"lines", std::move(lines)}, {"sums", std::move(sums)}};
}

}  // namespace

int run_tally_recompute(const std::string& dir, unsigned threads, bool as_json, bool mpi) {
    auto opened = record::RecordReader::open(dir);
    if (!opened) return failure(opened.error().message);
    const election::ElectionManifest& manifest = opened.value().election().manifest;
    std::vector<std::string> ids;
    std::vector<verifier::DistrictLoad> loads;
    for (const auto& d : manifest.districts) {
        ids.push_back(d.id);
        const auto status = opened.value().status(d.id);
        loads.push_back({d.id, status ? status.value().size : 0});
    }
    std::unique_ptr<MpiJob> job;
    if (mpi) {
        auto started = MpiJob::start(threads);
        if (!started) return failure("tally " + started.error().message);
        job = std::move(started).value();
        threads = job->threads();
        job->set_plan(verifier::assign_by_size(loads, static_cast<std::size_t>(job->ranks())), ids,
                      "recomputed");
    }
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    std::vector<std::size_t> mine;
    if (job) {
        mine = job->own();
    } else {
        for (std::size_t d = 0; d < ids.size(); ++d) mine.push_back(d);
    }
    std::string own;
    try {
        own = json::serialize(make_part(recount(dir, ids, mine, threads)));
    } catch (const std::exception& e) {
        own = mpi_failure_mark +
              (job ? "rank " + std::to_string(job->rank()) + " failed: " : "failed: ") + e.what();
    }
    if (job && job->injected_failure())
        own = mpi_failure_mark +
              ("rank " + std::to_string(job->rank()) + " failed (PSEPHOS_MPI_FAULT)");
    const std::vector<std::string> parts = job ? job->gather(own) : std::vector{own};
    if (job && job->rank() != 0) return exit_ok;

    // Rank 0 (or the one process): lines in the manifest's order, totals added.
    std::vector<std::optional<json::array>> lines(ids.size());
    std::map<std::pair<std::string, std::string>, crypto::CiphertextSum> totals;
    bool complete = true;
    for (std::size_t r = 0; r < parts.size(); ++r) {
        if (!parts[r].empty() && parts[r][0] == mpi_failure_mark) {
            complete = false;
            std::cerr << "psephos: tally --recompute: " << parts[r].substr(1)
                      << "; districts not recomputed: "
                      << (job ? job->district_list(static_cast<int>(r)) : "all") << '\n';
            continue;
        }
        const json::object part = json::parse(parts[r]).as_object();
        for (const auto& l : part.at("lines").as_array())
            lines.at(l.as_array().at(0).to_number<std::size_t>()) = l.as_array();
        for (const auto& s : part.at("sums").as_array()) {
            const auto& a = s.as_array();
            auto bytes = from_hex(a.at(2).as_string());
            auto ciphertext = bytes ? crypto::Ciphertext::from_bytes(bytes.value())
                                    : Result<crypto::Ciphertext>(bytes.error());
            if (!ciphertext)
                return failure("tally --recompute: a rank's partial sum does not decode");
            totals[{std::string(a.at(0).as_string()), std::string(a.at(1).as_string())}].add(
                ciphertext.value());
        }
    }
    bool all_match = complete;
    bool all_recomputed = complete;
    std::uint64_t counted = 0;
    json::array districts_json;
    for (std::size_t d = 0; d < ids.size(); ++d) {
        if (!lines[d]) {
            all_match = false;
            continue;
        }
        const auto& l = *lines[d];
        all_match = all_match && l.at(1).as_bool();
        all_recomputed = all_recomputed && l.at(4).as_bool();
        counted += l.at(3).to_number<std::uint64_t>();
        if (as_json) {
            districts_json.push_back(json::object{{"district", ids[d]},
                                                  {"matches", l.at(1).as_bool()},
                                                  {"line", l.at(2)},
                                                  {"counted", l.at(3)}});
        } else {
            std::cout << std::string_view(l.at(2).as_string()) << '\n';
        }
    }
    // The totals in the manifest's contest and option order; none unless every district's log
    // was recomputed.
    json::array totals_json;
    if (all_recomputed)
        for (const auto& contest : manifest.contests)
            for (const auto& option : contest.options) {
                const auto it = totals.find({contest.id, option.id});
                if (it == totals.end()) continue;
                const std::string hex = to_hex(it->second.value().to_bytes());
                if (as_json) {
                    totals_json.push_back(
                        json::object{{"contest", contest.id}, {"option", option.id}, {"sum", hex}});
                } else {
                    std::cout << "contest " << contest.id << " option " << option.id
                              << ": election-wide encrypted total " << hex << '\n';
                }
            }
    const char* verdict = !complete ? "INCOMPLETE" : all_match ? "MATCH" : "DIFFER";
    if (as_json) {
        std::cout << json::serialize(json::object{{"record", dir},
                                                  {"verdict", verdict},
                                                  {"ballots_counted", counted},
                                                  {"districts", std::move(districts_json)},
                                                  {"totals", std::move(totals_json)}})
                  << '\n';
    } else {
        std::cout << verdict << ": " << counted << " ballots counted in " << ids.size()
                  << " districts" << (all_recomputed ? "" : "; no election-wide totals") << '\n';
    }
    return all_match ? exit_ok : exit_failure;
}

}  // namespace psephos::app
