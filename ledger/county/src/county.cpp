// The county's replay and checks of the stations' pushes (county.hpp, docs/county.md §2–§3).
#include "psephos/county/county.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::county {
namespace {

constexpr std::size_t max_note_file = 64 * 1024;
constexpr std::size_t max_evidence_file = 3 * 64 * 1024;

std::string size_name(std::uint64_t size) {
    char name[32];
    std::snprintf(name, sizeof name, "%020llu.note", static_cast<unsigned long long>(size));
    return name;
}

PushAnswer refused(std::uint64_t held, Error error) {
    PushAnswer answer;
    answer.held = held;
    answer.refusal = std::move(error);
    return answer;
}

}  // namespace

// One district the county holds: its leaf hashes (so the root at any size it holds can be
// computed), its tree, and the station checkpoints it accepted, by size. Guarded by `mutex`.
struct County::District {
    std::string id;
    std::string station_id;
    election::NoteVerifierKey station_key;
    std::filesystem::path notes_directory;
    mutable std::mutex mutex;
    std::vector<Hash32> leaves;
    crypto::MerkleTreeBuilder tree;
    std::map<std::uint64_t, std::string> notes;

    Hash32 root_at(std::uint64_t size) const {
        if (size == tree.size()) return tree.root();
        return crypto::compute_merkle_root(
            std::span<const Hash32>(leaves.data(), static_cast<std::size_t>(size)));
    }
};

County::County(ledger::Ledger& ledger, CountyOptions options)
    : ledger_(ledger), options_(std::move(options)) {}
County::~County() = default;

Result<std::unique_ptr<County>> County::open(ledger::Ledger& ledger, CountyOptions options) {
    if (ledger.read_only())
        return make_error(ErrorCode::invalid_argument, "county: the ledger is read-only");
    if (options.state_directory.empty())
        return make_error(ErrorCode::invalid_argument, "county: no state directory");
    std::set<std::string> station_ids;
    std::vector<crypto::Ed25519PublicKey> tls_keys;
    auto county = std::unique_ptr<County>(new County(ledger, std::move(options)));
    for (const StationTrust& station : county->options_.stations) {
        const std::string where = "county: station '" + station.station_id + "'";
        if (!station_ids.insert(station.station_id).second)
            return make_error(ErrorCode::invalid_argument, where + ": configured twice");
        if (std::find(tls_keys.begin(), tls_keys.end(), station.tls_key) != tls_keys.end())
            return make_error(ErrorCode::invalid_argument,
                              where + ": its TLS key is another station's too");
        tls_keys.push_back(station.tls_key);
        if (station.district_keys.empty())
            return make_error(ErrorCode::invalid_argument, where + ": no district");
        for (const auto& [district_id, key] : station.district_keys) {
            auto status = ledger.status(district_id);
            if (!status || district_id.empty() || district_id[0] == '/')
                return make_error(
                    ErrorCode::invalid_argument,
                    where + ": district '" + district_id + "' is not one of the election's");
            if (key.name != status.value().origin)
                return make_error(ErrorCode::invalid_argument,
                                  where + ": district '" + district_id + "': the key is of '" +
                                      key.name + "', not of the district's log '" +
                                      status.value().origin + "'");
            if (county->districts_.count(district_id) != 0)
                return make_error(
                    ErrorCode::invalid_argument,
                    where + ": district '" + district_id + "' is pushed by another station too");
            auto district = std::make_unique<District>();
            district->id = district_id;
            district->station_id = station.station_id;
            district->station_key = key;
            district->notes_directory = county->options_.state_directory / "notes" / district_id;
            // The county's own log, leaf by leaf: the roots it will compare.
            for (std::uint64_t i = 0; i < status.value().size; ++i) {
                auto record = ledger.record(district_id, i);
                if (!record) return record.error().within("county: district " + district_id);
                district->leaves.push_back(crypto::hash_merkle_leaf(record.value()));
                district->tree.append_leaf_hash(district->leaves.back());
            }
            std::error_code ec;
            for (const auto& entry :
                 std::filesystem::directory_iterator(district->notes_directory, ec)) {
                auto bytes = crypto::read_public_file(entry.path(), max_note_file);
                if (!bytes) return bytes.error().within("county: kept note");
                const std::string note(bytes.value().begin(), bytes.value().end());
                auto text = election::open_note(note, key);
                auto checkpoint = text ? election::Checkpoint::parse(text.value())
                                       : Result<election::Checkpoint>(text.error());
                if (!checkpoint)
                    return checkpoint.error().within("county: kept note " + entry.path().string());
                const std::uint64_t size = checkpoint.value().size;
                // Written before its records went in: beyond the log, that push did not land.
                if (size > district->tree.size()) continue;
                if (district->root_at(size) != checkpoint.value().root)
                    return make_error(ErrorCode::corrupted,
                                      "county: kept note " + entry.path().string() +
                                          ": its root is not the county's district root at size " +
                                          std::to_string(size));
                district->notes[size] = note;
            }
            county->districts_.emplace(district_id, std::move(district));
        }
    }
    return county;
}

const StationTrust* County::station_with_key(const crypto::Ed25519PublicKey& key) const {
    for (const StationTrust& station : options_.stations)
        if (station.tls_key == key) return &station;
    return nullptr;
}

const StationTrust* County::station(std::string_view station_id) const {
    for (const StationTrust& station : options_.stations)
        if (station.station_id == station_id) return &station;
    return nullptr;
}

Result<County::District*> County::district_of(std::string_view station_id,
                                              std::string_view district_id) const {
    const auto it = districts_.find(district_id);
    if (it == districts_.end() || it->second->station_id != station_id)
        return make_error(ErrorCode::not_found, "district '" + std::string(district_id) +
                                                    "' is not one station '" +
                                                    std::string(station_id) + "' pushes");
    return it->second.get();
}

Result<std::uint64_t> County::held(std::string_view station_id,
                                   std::string_view district_id) const {
    PSEPHOS_TRY_ASSIGN(const District* district, district_of(station_id, district_id));
    const std::lock_guard lock(district->mutex);
    return district->tree.size();
}

Result<std::vector<std::string>> read_kept_checkpoints(const std::filesystem::path& state_directory,
                                                       std::string_view district_id) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    const auto directory = state_directory / "notes" / std::string(district_id);
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
        if (entry.path().extension() == ".note") files.push_back(entry.path());
    if (ec && ec != std::errc::no_such_file_or_directory)
        return make_error(ErrorCode::io_error, directory.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());  // zero-padded sizes: ascending
    std::vector<std::string> notes;
    for (const auto& file : files) {
        auto bytes = crypto::read_public_file(file, max_note_file);
        if (!bytes) return bytes.error().within("county: kept note");
        notes.emplace_back(bytes.value().begin(), bytes.value().end());
    }
    return notes;
}

Result<std::vector<election::EquivocationEvidence>> read_evidence(
    const std::filesystem::path& state_directory) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    const auto directory = state_directory / "evidence";
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
        if (entry.path().extension() == ".evidence") files.push_back(entry.path());
    if (ec && ec != std::errc::no_such_file_or_directory)
        return make_error(ErrorCode::io_error, directory.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<election::EquivocationEvidence> evidence;
    for (const auto& file : files) {
        auto bytes = crypto::read_public_file(file, max_evidence_file);
        if (!bytes) return bytes.error().within("county: evidence");
        auto decoded = election::decode_equivocation_evidence(bytes.value());
        if (!decoded) return decoded.error().within("county: evidence " + file.string());
        evidence.push_back(std::move(decoded).value());
    }
    return evidence;
}

std::vector<std::filesystem::path> County::evidence() const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(options_.state_directory / "evidence", ec))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// Both notes into one evidence file and the event log; the push is refused.
PushAnswer County::equivocation(District& district, const std::string& station_id,
                                std::string_view note, std::uint64_t size, const std::string& why) {
    const std::uint64_t held = district.tree.size();
    const auto same_size = district.notes.find(size);
    const bool two_of_one_size = same_size != district.notes.end();
    std::string kept;
    if (two_of_one_size) {
        kept = same_size->second;
    } else if (!district.notes.empty()) {
        kept = district.notes.rbegin()->second;
    }
    PushAnswer answer;
    answer.held = held;
    answer.equivocation = true;
    std::string message =
        "equivocation by station '" + station_id + "' in district '" + district.id + "': " + why;
    if (!kept.empty()) {
        // The evidence in its canonical encoding (docs/encoding.md §12.2), named by its hash:
        // the same evidence presented again is kept once.
        const Bytes content = election::encode_equivocation_evidence(
            {station_id, district.id, election::equivocation_reason(why), kept, std::string(note)});
        const auto directory = options_.state_directory / "evidence";
        std::error_code ec;
        std::filesystem::create_directories(directory, ec);
        const auto path =
            directory / (district.id + "-" + crypto::sha256(content).to_hex() + ".evidence");
        answer.evidence = path;
        if (auto written = crypto::write_new_file(path, ByteSpan(content), 0644);
            !written && !std::filesystem::exists(path, ec))
            message += " (the evidence could not be kept: " + written.error().message + ")";
        message += "; evidence " + path.filename().string();
    }
    (void)ledger_.record_event(election::EventType::error, election::ActorRole::system,
                               election::Disposition::failure, district.id, "county: " + message);
    answer.refusal = Error{ErrorCode::verification_failed, message};
    return answer;
}

PushAnswer County::push(std::string_view station_id, std::string_view district_id,
                        std::uint64_t first, std::vector<Bytes> records,
                        std::string_view signed_checkpoint,
                        std::span<const Hash32> consistency_proof) {
    auto found = district_of(station_id, district_id);
    if (!found) return refused(0, found.error());
    District& district = *found.value();
    const std::string station(station_id);
    const std::lock_guard lock(district.mutex);
    const std::uint64_t held = district.tree.size();

    auto text = election::open_note(signed_checkpoint, district.station_key);
    auto parsed = text ? election::Checkpoint::parse(text.value())
                       : Result<election::Checkpoint>(text.error());
    if (!parsed) return refused(held, parsed.error().within("checkpoint"));
    const election::Checkpoint& checkpoint = parsed.value();
    if (checkpoint.origin != district.station_key.name)
        return refused(held, make_error(ErrorCode::verification_failed,
                                        "checkpoint: origin '" + checkpoint.origin +
                                            "' is not the district's log"));
    const std::uint64_t size = checkpoint.size;
    if (records.empty() || first > size || size - first != records.size())
        return refused(held,
                       make_error(ErrorCode::invalid_argument,
                                  "checkpoint of size " + std::to_string(size) +
                                      " does not end the push (" + std::to_string(records.size()) +
                                      " records from " + std::to_string(first) + ")"));

    if (size <= held) {
        if (district.root_at(size) == checkpoint.root) {
            PushAnswer answer;
            answer.held = held;
            return answer;  // held already: nothing to do
        }
        return equivocation(
            district, station, signed_checkpoint, size,
            district.notes.count(size) != 0
                ? "two checkpoints of size " + std::to_string(size) + " with different roots"
                : "a checkpoint of size " + std::to_string(size) +
                      " whose root is not the county's root at that size (the "
                      "county holds " +
                      std::to_string(held) + ")");
    }
    if (first != held) {
        PushAnswer answer;  // the station resumes from what the county holds
        answer.held = held;
        return answer;
    }
    if (held > 0) {
        if (auto consistent = crypto::verify_consistency(held, size, district.tree.root(),
                                                         checkpoint.root, consistency_proof);
            !consistent)
            return equivocation(district, station, signed_checkpoint, size,
                                "the checkpoint of size " + std::to_string(size) +
                                    " is not consistent with the one of size " +
                                    std::to_string(held) + " the county holds (" +
                                    consistent.error().message + ")");
    }
    crypto::MerkleTreeBuilder tree = district.tree;
    std::vector<Hash32> leaves;
    leaves.reserve(records.size());
    for (const Bytes& record : records) {
        leaves.push_back(crypto::hash_merkle_leaf(record));
        tree.append_leaf_hash(leaves.back());
    }
    if (tree.root() != checkpoint.root)
        return refused(held, make_error(ErrorCode::verification_failed,
                                        "the records pushed do not make the checkpoint's root "
                                        "at size " +
                                            std::to_string(size)));

    // The note first: a county stopped after it and before the records finds the note beyond its
    // log and ignores it.
    const auto note_path = district.notes_directory / size_name(size);
    std::error_code ec;
    std::filesystem::create_directories(district.notes_directory, ec);
    ::chmod(options_.state_directory.c_str(), 0700);
    std::filesystem::remove(note_path, ec);  // one left by a push that did not land
    if (auto kept = crypto::write_new_file(note_path, signed_checkpoint, 0644); !kept)
        return refused(held, kept.error().within("county: keeping the checkpoint"));
    auto receipts = ledger_.ingest_all_or_nothing(std::move(records), election::ActorRole::system);
    if (!receipts) {
        std::filesystem::remove(note_path, ec);
        return refused(held, receipts.error().within("county ledger"));
    }
    // The county's own checkpoint of the batch is over the same leaves.
    auto status = ledger_.status(district.id);
    if (!status || status.value().size != size || status.value().root != checkpoint.root)
        return refused(held, make_error(ErrorCode::corrupted,
                                        "county ledger: the district's root after the push is "
                                        "not the station's (was the county's ledger written "
                                        "by something else?)"));
    district.leaves.insert(district.leaves.end(), leaves.begin(), leaves.end());
    district.tree = tree;
    district.notes[size] = std::string(signed_checkpoint);
    if (options_.publish_after_push && ledger_.publish_election_checkpoint() &&
        options_.on_published)
        options_.on_published();
    PushAnswer answer;
    answer.held = size;
    return answer;
}

}  // namespace psephos::county
