// Writing the public election record (docs/election-record.md): the layout of §2, the framings of
// §3, written file by file into a staging directory and moved into place with record.json last.
#include "psephos/record/election_record.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/tally_records.hpp"
#include "record_attestations.hpp"
#include "record_writer.hpp"

namespace psephos::record {

namespace {

namespace fs = std::filesystem;
using namespace detail;

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// ---- What a district log says (for the derived files) ---------------------------------------

struct DistrictOutcome {
    std::optional<std::uint64_t> tally_index;
    Hash32 tally_hash;
    std::uint64_t ballots_counted = 0;
    std::uint64_t ballots_challenged = 0;
    std::optional<std::uint64_t> result_index;
    std::optional<election::DistrictResult> result;
};

// The option ids a challenged ballot's revealed nonces open to 1, per contest; an error unless
// every ciphertext opens (α = r·G, β − r·K ∈ {0·G, 1·G}) to exactly its revealed mark.
Result<std::vector<std::vector<std::string>>> open_challenged_ballot(
    const election::ElectionContext& election, const election::ChallengedBallot& c) {
    const election::EncryptedBallot& b = c.ballot;
    std::vector<std::vector<std::string>> selected;
    for (std::size_t i = 0; i < b.contests.size(); ++i) {
        const election::EncryptedContest& contest = b.contests[i];
        selected.emplace_back();
        for (std::size_t j = 0; j < contest.selections.size(); ++j) {
            const election::EncryptedSelection& s = contest.selections[j];
            const std::string where =
                "contest " + in_quotes(contest.contest_id) + ": option " + in_quotes(s.option_id);
            const crypto::Scalar& nonce = c.nonces.at(i).at(j);
            if (!(crypto::Point::multiply_base(nonce) == s.ciphertext.alpha)) {
                return make_error(ErrorCode::verification_failed,
                                  where + ": the revealed nonce r does not give alpha = r·G");
            }
            const crypto::Point opened =
                crypto::decrypt_with_nonce(s.ciphertext, nonce, election.joint_key);
            int m = -1;
            if (opened.is_identity()) {
                m = 0;
            } else if (opened == crypto::Point::generator()) {
                m = 1;
            }
            if (m < 0) {
                return make_error(ErrorCode::verification_failed,
                                  where + ": beta − r·K is neither 0·G nor 1·G");
            }
            if (m != c.marks.at(i).at(j)) {
                return make_error(ErrorCode::verification_failed,
                                  where + ": the ciphertext opens to " + std::to_string(m) +
                                      ", the revealed mark is " +
                                      std::to_string(c.marks.at(i).at(j)));
            }
            if (m == 1) selected.back().push_back(s.option_id);
        }
    }
    return selected;
}

// ---- The exporter -----------------------------------------------------------------------------

class Exporter {
public:
    Exporter(const ledger::Ledger& ledger, fs::path staging, const ExportOptions& options)
        : ledger_(ledger),
          election_(ledger.election()),
          staging_(std::move(staging)),
          options_(options) {}

    Status run();
    const ExportSummary& summary() const { return summary_; }

private:
    struct Log {
        ledger::LogStatus status;
        std::string directory;
    };
    using Visitor = std::function<Status(std::uint64_t index, ByteSpan record)>;
    struct Exported {
        std::vector<Hash32> leaves;
        std::vector<std::pair<std::uint64_t, Hash32>> checkpoint_roots;  // size, root; ascending
        std::optional<Hash32> root_at(std::uint64_t size) const {
            const auto it = std::lower_bound(checkpoint_roots.begin(), checkpoint_roots.end(), size,
                                             [](const std::pair<std::uint64_t, Hash32>& c,
                                                std::uint64_t s) { return c.first < s; });
            if (it == checkpoint_roots.end() || it->first != size) return std::nullopt;
            return it->second;
        }
    };

    Result<std::unique_ptr<RecordFileWriter>> create(const std::string& relative) {
        return RecordFileWriter::create(staging_, relative);
    }
    Status finish(RecordFileWriter& file) {
        auto entry = file.finish();
        if (!entry) return entry.error();
        summary_.files += 1;
        summary_.bytes += entry.value().bytes;
        files_.push_back(std::move(entry).value());
        return {};
    }
    Status write_whole(const std::string& relative, ByteSpan content) {
        auto file = create(relative);
        if (!file) return file.error();
        if (auto ok = file.value()->write(content); !ok) return ok;
        return finish(*file.value());
    }
    Status make_directory(const std::string& relative) {
        const fs::path path = staging_ / relative;
        if (::mkdir(path.c_str(), 0755) != 0) return system_error(path, "mkdir", errno);
        return {};
    }

    Result<Exported> export_log(const Log& log, const Visitor& visit);
    Status write_consistency(const Log& log, const Exported& exported,
                             const std::vector<std::uint64_t>& sizes);
    Status export_election_log(const Log& log);
    Status export_district(std::size_t d, const Log& log);
    Status write_results();
    Status write_record_json(const std::vector<Log>& logs);
    Status check_stations() const;
    Status write_station_checkpoints(const Log& log, std::span<const Hash32> leaves);
    Status write_attestations(const Log& election_log);

    const ledger::Ledger& ledger_;
    const election::ElectionContext& election_;
    fs::path staging_;
    const ExportOptions& options_;
    // Each district a station pushed: the station's district log key.
    std::map<std::string, election::NoteVerifierKey> station_keys_;
    ExportSummary summary_;
    std::vector<FileEntry> files_;

    std::map<std::string, std::size_t> district_index_;
    std::vector<Log> district_logs_;
    // The sizes of each district's checkpoints in the election log, in order (the published ones).
    std::vector<std::vector<std::uint64_t>> published_;
    std::vector<DistrictOutcome> outcomes_;
    std::unique_ptr<RecordFileWriter> challenged_file_;
    JsonWriter challenged_json_;
};

Result<Exporter::Exported> Exporter::export_log(const Log& log, const Visitor& visit) {
    const ledger::LogStatus& s = log.status;
    const std::string where = s.name == ledger::election_log_name ? std::string("election log")
                              : s.name == ledger::event_log_name  ? std::string("event log")
                              : s.name == ledger::bridge_log_name ? std::string("bridge log")
                                                                  : "district " + in_quotes(s.name);
    Exported out;
    {
        // Signed checkpoints up to the size exported: each must verify under the log's key, name
        // the log and its size, and (below) match the records' root at that size. They are
        // written first, so that only their sizes and roots stay in memory while the records
        // stream (a log has a checkpoint per batch, up to one per record).
        auto stored = ledger_.checkpoints(s.name);
        if (!stored) return stored.error().within(where);
        auto notes = create(log.directory + "/checkpoints.bin");
        if (!notes) return notes.error();
        for (const auto& [size, note] : stored.value()) {
            if (size > s.size) continue;
            const std::string at = where + ": checkpoint of size " + std::to_string(size);
            auto text = election::open_note(note, s.verifier);
            if (!text) return text.error().within(at);
            auto checkpoint = election::Checkpoint::parse(text.value());
            if (!checkpoint) return checkpoint.error().within(at);
            if (checkpoint.value().origin != s.origin || checkpoint.value().size != size) {
                return make_error(ErrorCode::corrupted,
                                  at + ": signed for origin " +
                                      in_quotes(checkpoint.value().origin) + " and size " +
                                      std::to_string(checkpoint.value().size));
            }
            if (!out.checkpoint_roots.empty() && size <= out.checkpoint_roots.back().first)
                return make_error(ErrorCode::corrupted, at + ": out of order");
            out.checkpoint_roots.emplace_back(size, checkpoint.value().root);
            if (auto ok = notes.value()->write_framed(as_bytes(note)); !ok) return ok.error();
        }
        if (auto ok = finish(*notes.value()); !ok) return ok.error();
    }
    if (s.size > 0 &&
        (out.checkpoint_roots.empty() || out.checkpoint_roots.back().first != s.size)) {
        return make_error(ErrorCode::corrupted,
                          where + ": no signed checkpoint for its size " + std::to_string(s.size));
    }

    auto records = create(log.directory + "/records.bin");
    if (!records) return records.error();
    crypto::MerkleTreeBuilder tree;
    out.leaves.reserve(static_cast<std::size_t>(s.size));
    std::size_t next_checkpoint = 0;
    for (std::uint64_t i = 0; i < s.size; ++i) {
        auto record = ledger_.record(s.name, i);
        if (!record) return record.error().within(where);
        const Hash32 leaf = crypto::hash_merkle_leaf(record.value());
        out.leaves.push_back(leaf);
        tree.append_leaf_hash(leaf);
        if (next_checkpoint < out.checkpoint_roots.size() &&
            out.checkpoint_roots[next_checkpoint].first == tree.size()) {
            if (!(out.checkpoint_roots[next_checkpoint].second == tree.root())) {
                return make_error(ErrorCode::corrupted, where + ": the signed checkpoint of size " +
                                                            std::to_string(tree.size()) +
                                                            " does not match the records");
            }
            ++next_checkpoint;
        }
        if (visit) {
            if (auto ok = visit(i, record.value()); !ok)
                return ok.error().within(where + ": record " + std::to_string(i));
        }
        if (auto ok = records.value()->write_framed(record.value()); !ok) return ok.error();
    }
    if (!(tree.root() == s.root)) {
        return make_error(ErrorCode::corrupted,
                          where + ": the records do not give the log's root " + s.root.to_hex());
    }
    if (auto ok = finish(*records.value()); !ok) return ok.error();
    summary_.records += s.size;
    return out;
}

// Consistency proofs between successive sizes of the list (each a checkpointed size), framed as
// u64be old ‖ u64be new ‖ u32be count ‖ count × 32 bytes; each is checked before it is written.
Status Exporter::write_consistency(const Log& log, const Exported& exported,
                                   const std::vector<std::uint64_t>& sizes) {
    auto file = create(log.directory + "/consistency.bin");
    if (!file) return file.error();
    const std::span<const Hash32> leaves(exported.leaves);
    for (std::size_t i = 1; i < sizes.size(); ++i) {
        const std::uint64_t old_size = sizes[i - 1], new_size = sizes[i];
        const std::string at = "log " + in_quotes(log.status.name) + ": consistency " +
                               std::to_string(old_size) + " → " + std::to_string(new_size);
        const auto old_root = exported.root_at(old_size);
        const auto new_root = exported.root_at(new_size);
        if (!old_root || !new_root || new_size > leaves.size()) {
            return make_error(ErrorCode::corrupted, at + ": no stored checkpoint of those sizes");
        }
        auto proof =
            crypto::prove_consistency(leaves.first(static_cast<std::size_t>(new_size)), old_size);
        if (!proof) return proof.error().within(at);
        if (auto ok =
                crypto::verify_consistency(old_size, new_size, *old_root, *new_root, proof.value());
            !ok)
            return ok.error().within(at);
        Bytes frame;
        append_u64_be(frame, old_size);
        append_u64_be(frame, new_size);
        append_u32_be(frame, static_cast<std::uint32_t>(proof.value().size()));
        for (const Hash32& h : proof.value())
            frame.insert(frame.end(), h.bytes.begin(), h.bytes.end());
        if (auto ok = file.value()->write(frame); !ok) return ok;
    }
    return finish(*file.value());
}

Status Exporter::export_election_log(const Log& log) {
    auto exported = export_log(log, [&](std::uint64_t, ByteSpan record) -> Status {
        auto entry = election::decode_district_checkpoint(record);
        if (!entry) return entry.error();
        auto d = district_index_.find(entry.value().district_id);
        if (d == district_index_.end()) {
            return make_error(ErrorCode::corrupted,
                              "unknown district " + in_quotes(entry.value().district_id));
        }
        const ledger::LogStatus& district = district_logs_[d->second].status;
        auto text = election::open_note(entry.value().signed_checkpoint, district.verifier);
        if (!text) return text.error().within("district " + in_quotes(district.name));
        auto checkpoint = election::Checkpoint::parse(text.value());
        if (!checkpoint) return checkpoint.error().within("district " + in_quotes(district.name));
        const std::uint64_t size = checkpoint.value().size;
        std::vector<std::uint64_t>& sizes = published_[d->second];
        if (checkpoint.value().origin != district.origin ||
            (!sizes.empty() && size <= sizes.back()) || size > district.size) {
            return make_error(ErrorCode::corrupted, "district " + in_quotes(district.name) +
                                                        ": checkpoint of size " +
                                                        std::to_string(size) + " out of place");
        }
        sizes.push_back(size);
        return {};
    });
    if (!exported) return exported.error();
    std::vector<std::uint64_t> sizes;
    for (const auto& [size, root] : exported.value().checkpoint_roots) sizes.push_back(size);
    return write_consistency(log, exported.value(), sizes);
}

Status Exporter::export_district(std::size_t d, const Log& log) {
    if (auto ok = make_directory(log.directory); !ok) return ok;
    const std::string& district_id = log.status.name;
    DistrictOutcome& outcome = outcomes_[d];
    auto exported = export_log(log, [&](std::uint64_t index, ByteSpan record) -> Status {
        switch (static_cast<election::RecordType>(record[0])) {
            case election::RecordType::challenged_ballot: {
                auto c = election::decode_challenged_ballot(record);
                if (!c) return c.error();
                const election::EncryptedBallot& b = c.value().ballot;
                auto selected = open_challenged_ballot(election_, c.value());
                if (!selected)
                    return selected.error().within("challenged ballot " + in_quotes(b.ballot_id));
                const Hash32 ballot_hash = election::compute_ballot_hash(b);
                const Hash32 code =
                    election::next_tracking_code(b.previous_tracking_code, ballot_hash);
                JsonWriter& j = challenged_json_;
                j.begin_object();
                j.string_member("district_id", district_id);
                j.number_member("log_index", index);
                j.string_member("ballot_id", b.ballot_id);
                j.string_member("device_id", b.device_id);
                j.string_member("ballot_style_id", b.ballot_style_id);
                j.number_member("timestamp", b.timestamp);
                j.string_member("ballot_hash", ballot_hash.to_hex());
                j.string_member("tracking_code", election::format_tracking_code(code));
                j.string_member("tracking_code_hex", code.to_hex());
                j.key("contests");
                j.begin_array();
                for (std::size_t i = 0; i < b.contests.size(); ++i) {
                    j.begin_object();
                    j.string_member("contest_id", b.contests[i].contest_id);
                    j.key("selections");
                    j.begin_array();
                    for (const auto& option : selected.value()[i]) j.string(option);
                    j.end_array();
                    j.end_object();
                }
                j.end_array();
                j.end_object();
                return challenged_file_->write(j.take());
            }
            case election::RecordType::district_tally: {
                auto t = election::decode_district_tally(record);
                if (!t) return t.error();
                outcome.tally_index = index;
                outcome.tally_hash = crypto::hash_merkle_leaf(record);
                outcome.ballots_counted = t.value().ballots_counted;
                outcome.ballots_challenged = t.value().ballots_challenged;
                return {};
            }
            case election::RecordType::district_result: {
                auto r = election::decode_district_result(record);
                if (!r) return r.error();
                outcome.result_index = index;
                outcome.result = std::move(r).value();
                return {};
            }
            default:
                return {};
        }
    });
    if (!exported) return exported.error();
    if (auto ok = write_station_checkpoints(log, exported.value().leaves); !ok) return ok;
    return write_consistency(log, exported.value(), published_[d]);
}

// Each station's districts are the manifest's, and no district is pushed by two stations; the
// evidence names a station and a district it pushed.
Status Exporter::check_stations() const {
    if (!options_.stations) {
        if (!options_.station_checkpoints.empty() || !options_.equivocations.empty())
            return make_error(ErrorCode::invalid_argument,
                              "station checkpoints or evidence without the county's stations");
        return {};
    }
    std::map<std::string, std::string> pushed_by;
    for (const auto& station : *options_.stations) {
        for (const auto& [district, key] : station.districts) {
            if (!district_index_.count(district))
                return make_error(ErrorCode::invalid_argument,
                                  "station " + in_quotes(station.station_id) + ": district " +
                                      in_quotes(district) + " is not the election's");
            if (!pushed_by.emplace(district, station.station_id).second)
                return make_error(ErrorCode::invalid_argument,
                                  "district " + in_quotes(district) + " is pushed by stations " +
                                      in_quotes(pushed_by[district]) + " and " +
                                      in_quotes(station.station_id));
        }
    }
    for (const auto& [district, notes] : options_.station_checkpoints)
        if (!pushed_by.count(district) && !notes.empty())
            return make_error(ErrorCode::invalid_argument, "station checkpoints of district " +
                                                               in_quotes(district) +
                                                               ", which no station pushes");
    for (const auto& e : options_.equivocations) {
        const auto it = pushed_by.find(e.district_id);
        if (it == pushed_by.end() || it->second != e.station_id)
            return make_error(ErrorCode::invalid_argument,
                              "equivocation evidence of station " + in_quotes(e.station_id) +
                                  " in district " + in_quotes(e.district_id) +
                                  ": not a station and district of the county's");
    }
    return {};
}

Status Exporter::write_station_checkpoints(const Log& log, std::span<const Hash32> leaves) {
    const auto key = station_keys_.find(log.status.name);
    if (key == station_keys_.end()) return {};
    static const std::vector<std::string> none;
    const auto notes = options_.station_checkpoints.find(log.status.name);
    auto content = station_checkpoints_file(
        log.status.name, notes == options_.station_checkpoints.end() ? none : notes->second,
        key->second, log.status.origin, leaves);
    if (!content) return content.error();
    return write_whole(log.directory + "/station-checkpoints.bin", content.value());
}

Status Exporter::write_attestations(const Log& election_log) {
    if (options_.stations) {
        if (auto ok = make_directory("county"); !ok) return ok;
        if (auto ok =
                write_whole("county/equivocations.bin", equivocations_file(options_.equivocations));
            !ok)
            return ok;
    }
    if (!options_.witnesses) return {};
    auto stored = ledger_.checkpoints(ledger::election_log_name);
    if (!stored) return stored.error().within("election log");
    std::map<std::uint64_t, std::string> notes;
    for (auto& [size, note] : stored.value())
        if (size <= election_log.status.size) notes.emplace(size, std::move(note));
    auto content = cosignatures_file(options_.election_cosignatures, *options_.witnesses, notes);
    if (!content) return content.error();
    return write_whole("election/cosignatures.bin", content.value());
}

Status Exporter::write_results() {
    const election::ElectionManifest& m = election_.manifest;
    JsonWriter j;
    j.begin_object();
    j.string_member("election_id", m.election_id);
    bool complete = true;
    std::vector<election::DistrictResult> results;
    for (const auto& o : outcomes_) {
        if (o.result) {
            results.push_back(*o.result);
        } else {
            complete = false;
        }
    }
    j.key("complete");
    j.boolean(complete);
    j.key("districts");
    j.begin_array();
    for (std::size_t d = 0; d < outcomes_.size(); ++d) {
        const DistrictOutcome& o = outcomes_[d];
        j.begin_object();
        j.string_member("district_id", m.districts[d].id);
        const auto optional_number = [&](std::string_view name, std::optional<std::uint64_t> v) {
            j.key(name);
            if (v) {
                j.number(*v);
            } else {
                j.null();
            }
        };
        optional_number("tally_index", o.tally_index);
        j.key("tally_hash");
        if (o.tally_index) {
            j.string(o.tally_hash.to_hex());
        } else {
            j.null();
        }
        optional_number("ballots_counted",
                        o.tally_index ? std::optional(o.ballots_counted) : std::nullopt);
        optional_number("ballots_challenged",
                        o.tally_index ? std::optional(o.ballots_challenged) : std::nullopt);
        optional_number("result_index", o.result_index);
        j.key("guardians");
        j.begin_array();
        if (o.result)
            for (const std::uint32_t g : o.result->guardians) j.number(g);
        j.end_array();
        j.key("contests");
        j.begin_array();
        if (o.result) {
            for (const auto& contest : o.result->counts) {
                j.begin_object();
                j.string_member("contest_id", contest.contest_id);
                j.key("options");
                j.begin_array();
                for (const auto& option : contest.options) {
                    j.begin_object();
                    j.string_member("option_id", option.option_id);
                    j.number_member("count", option.value);
                    j.end_object();
                }
                j.end_array();
                j.end_object();
            }
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    // Every contest of the manifest, in its order, summed over the districts with a result.
    const election::ElectionTotals totals = election::sum_district_results(results);
    j.key("totals");
    j.begin_array();
    for (const election::Contest& contest : m.contests) {
        const auto c = totals.find(contest.id);
        j.begin_object();
        j.string_member("contest_id", contest.id);
        j.key("options");
        j.begin_array();
        for (const election::ContestOption& option : contest.options) {
            std::uint64_t count = 0;
            if (c != totals.end())
                if (auto o = c->second.find(option.id); o != c->second.end()) count = o->second;
            j.begin_object();
            j.string_member("option_id", option.id);
            j.number_member("count", count);
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.end_object();
    return write_whole("results.json", as_bytes(j.take()));
}

Status Exporter::write_record_json(const std::vector<Log>& logs) {
    const election::ElectionManifest& m = election_.manifest;
    JsonWriter j;
    j.begin_object();
    j.string_member("format", election_record_format);
    j.string_member("election_id", m.election_id);
    j.string_member("base_hash", election_.base_hash.to_hex());
    j.string_member("ceremony_hash", election::compute_ceremony_hash(m).to_hex());
    j.string_member("joint_key", to_hex(election_.joint_key.bytes()));
    j.number_member("guardian_count", m.guardian_count);
    j.number_member("threshold", m.threshold);
    j.key("logs");
    j.begin_array();
    for (const Log& log : logs) {
        j.begin_object();
        j.string_member("name", log.status.name);
        j.string_member("origin", log.status.origin);
        j.string_member("verifier_key", log.status.verifier.to_text());
        j.number_member("size", log.status.size);
        j.string_member("root", log.status.root.to_hex());
        j.string_member("directory", log.directory);
        j.end_object();
    }
    j.end_array();
    write_attestation_members(j, options_);
    std::vector<FileEntry> sorted = files_;
    std::sort(sorted.begin(), sorted.end(),
              [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
    j.key("files");
    j.begin_array();
    for (const FileEntry& f : sorted) {
        j.begin_object();
        j.string_member("path", f.path);
        j.number_member("bytes", f.bytes);
        j.string_member("sha256", f.sha256.to_hex());
        j.end_object();
    }
    j.end_array();
    j.end_object();
    return write_whole("record.json", as_bytes(j.take()));
}

Status Exporter::run() {
    const election::ElectionManifest& m = election_.manifest;
    // The snapshot: the bridge log first, then the election log, the districts, the events. Logs
    // only grow, so every election checkpoint an anchor names is within the election log's
    // exported size, and every district checkpoint the election log holds within its district's.
    auto bridge_status = ledger_.status(ledger::bridge_log_name);
    if (!bridge_status) return bridge_status.error();
    std::optional<Log> bridge_log;  // exported only if the ledger anchored something
    if (bridge_status.value().size > 0)
        bridge_log = Log{std::move(bridge_status).value(), "bridge"};
    auto election_status = ledger_.status(ledger::election_log_name);
    if (!election_status) return election_status.error();
    const Log election_log{std::move(election_status).value(), "election"};
    for (auto& status : ledger_.district_statuses()) {
        district_index_.emplace(status.name, district_logs_.size());
        std::string directory = "districts/" + status.name;
        district_logs_.push_back({std::move(status), std::move(directory)});
    }
    if (district_logs_.size() != m.districts.size()) {
        return make_error(ErrorCode::corrupted,
                          "the ledger has " + std::to_string(district_logs_.size()) +
                              " district logs, the manifest " + std::to_string(m.districts.size()));
    }
    auto event_status = ledger_.status(ledger::event_log_name);
    if (!event_status) return event_status.error();
    const Log event_log{std::move(event_status).value(), "events"};
    published_.assign(m.districts.size(), {});
    outcomes_.assign(m.districts.size(), {});

    if (auto ok = write_whole("manifest.json", as_bytes(election::manifest_to_json(m))); !ok)
        return ok;
    if (auto ok = write_whole("manifest.bin", election::encode_manifest(m, true)); !ok) return ok;
    // The election authority's approval: its key is the one every device registration is signed
    // by (V29, V30), and what an auditor compares with the key the authority published.
    if (auto ok =
            write_whole("authority.bin", election::encode_election_approval(ledger_.approval()));
        !ok)
        return ok;

    if (auto ok = check_stations(); !ok) return ok;
    if (options_.stations)
        for (const auto& station : *options_.stations)
            for (const auto& [district, key] : station.districts)
                station_keys_.emplace(district, key);

    if (auto ok = make_directory("election"); !ok) return ok;
    if (auto ok = export_election_log(election_log); !ok) return ok;

    if (auto ok = make_directory("districts"); !ok) return ok;
    auto challenged = create("challenged-ballots.json");
    if (!challenged) return challenged.error();
    challenged_file_ = std::move(challenged).value();
    challenged_json_.begin_object();
    challenged_json_.string_member("election_id", m.election_id);
    challenged_json_.key("challenged_ballots");
    challenged_json_.begin_array();
    for (std::size_t d = 0; d < district_logs_.size(); ++d) {
        if (auto ok = export_district(d, district_logs_[d]); !ok) return ok;
    }
    challenged_json_.end_array();
    challenged_json_.end_object();
    if (auto ok = challenged_file_->write(challenged_json_.take()); !ok) return ok;
    if (auto ok = finish(*challenged_file_); !ok) return ok;
    challenged_file_.reset();

    if (auto ok = make_directory("events"); !ok) return ok;
    if (auto ok = export_log(event_log, {}); !ok) return ok.error();
    if (bridge_log) {
        if (auto ok = make_directory("bridge"); !ok) return ok;
        if (auto ok = export_log(*bridge_log, {}); !ok) return ok.error();
    }

    if (auto ok = write_results(); !ok) return ok;
    if (auto ok = write_attestations(election_log); !ok) return ok;

    std::vector<Log> logs = district_logs_;
    logs.push_back(election_log);
    logs.push_back(event_log);
    if (bridge_log) logs.push_back(*bridge_log);
    if (auto ok = write_record_json(logs); !ok) return ok;
    return sync_file_system(staging_);
}

}  // namespace

Result<ExportSummary> export_election_record(const ledger::Ledger& ledger, const fs::path& out,
                                             const ExportOptions& options) {
    std::error_code ec;
    const fs::file_status status = fs::status(out, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        return make_error(ErrorCode::io_error, out.string() + ": " + ec.message());
    bool created = false;
    if (fs::exists(status)) {
        if (!fs::is_directory(status))
            return make_error(ErrorCode::refused, out.string() + ": exists and is not a directory");
        auto entries = fs::directory_iterator(out, ec);
        if (ec) return make_error(ErrorCode::io_error, out.string() + ": " + ec.message());
        if (entries != fs::directory_iterator()) {
            return make_error(ErrorCode::refused,
                              out.string() +
                                  ": exists and is not empty; an election record is "
                                  "written only into a new or empty directory");
        }
    } else {
        if (::mkdir(out.c_str(), 0755) != 0) return system_error(out, "cannot create", errno);
        created = true;
    }

    std::string staging_template = (out / ".partial-XXXXXX").string();
    if (::mkdtemp(staging_template.data()) == nullptr) {
        const int error = errno;
        if (created) fs::remove(out, ec);
        return system_error(staging_template, "cannot create the staging directory", error);
    }
    const fs::path staging = staging_template;

    std::vector<fs::path> moved;
    const auto fail = [&](const Error& error) -> Error {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
        for (const fs::path& p : moved) fs::remove_all(p, ignored);
        if (created) fs::remove(out, ignored);
        return error.within("election record " + out.string());
    };

    Exporter exporter(ledger, staging, options);
    if (auto ok = exporter.run(); !ok) return fail(ok.error());
    // Into place, record.json last: until it is there the directory is not a record.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(staging, ec)) {
        const std::string name = entry.path().filename().string();
        if (name != "record.json") names.push_back(name);
    }
    if (ec) return fail(make_error(ErrorCode::io_error, staging.string() + ": " + ec.message()));
    std::sort(names.begin(), names.end());
    names.push_back("record.json");
    for (const std::string& name : names) {
        if (name == "record.json") {
            if (auto ok = fsync_directory(out); !ok) return fail(ok.error());
        }
        if (auto ok = move_no_replace(staging / name, out / name); !ok) return fail(ok.error());
        moved.push_back(out / name);
    }
    if (::rmdir(staging.c_str()) != 0) return fail(system_error(staging, "rmdir", errno));
    if (auto ok = fsync_directory(out); !ok) return fail(ok.error());
    return exporter.summary();
}

}  // namespace psephos::record
