// The record verifier's private declarations, shared by its files (one per phase of
// docs/election-record.md §5): the Verifier, its per-check Outcome, the frame reader, the work
// queue of ballot proofs and what the phases hand to each other. Private to ledger/verifier/src.
#pragma once

#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "psephos/crypto/record_file.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/crypto/task_pool.hpp"
#include "psephos/json/field_reader.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_verifier_decode.hpp"

namespace psephos::verifier::detail {

using namespace decode;
using crypto::Ciphertext;
using crypto::Point;
using crypto::Scalar;
namespace fs = std::filesystem;
namespace json = boost::json;
// The one typed reader of JSON members (crypto/json/field_reader.hpp), for every JSON input.
using FieldReader = psephos::json::FieldReader;

struct CheckDefinition {
    const char* name;
    const char* unit;
};

// docs/election-record.md §5, by number (index 0 is V1).
extern const CheckDefinition check_definitions[34];

// One check in one scope, filled from any thread.
class Outcome {
public:
    void fail(std::string message) {
        std::lock_guard lock(mutex_);
        ++failure_count_;
        if (failures_.size() < max_failures_listed) failures_.push_back(std::move(message));
    }
    void skip(const std::string& why) {
        std::lock_guard lock(mutex_);
        if (!not_run_) {
            not_run_ = true;
            why_ = why;
        }
    }
    void count(std::uint64_t n = 1) { items_ += n; }
    bool failed() const {
        std::lock_guard lock(mutex_);
        return failure_count_ > 0;
    }

    CheckOutcome take(int number, std::string scope);
    // For a partitioned run (partitioned_verification.hpp): the state as JSON, and adding such
    // a state to this one (items and failures added, failures listed up to the limit).
    json::object to_json() const;
    void absorb(const json::object& part);

private:
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
    std::uint64_t failure_count_ = 0;
    std::atomic<std::uint64_t> items_{0};
    bool not_run_ = false;
    std::string why_;
};

// The limits of docs/election-record.md §3.8 on the files read whole; the frame files are read a
// frame at a time (crypto::max_record_frame_bytes, and never past the file's end).
inline constexpr std::size_t max_record_json_bytes = std::size_t{64} << 20;
inline constexpr std::size_t max_manifest_file_bytes = std::size_t{4} << 20;
inline constexpr std::size_t max_authority_bytes = 4096;
inline constexpr std::size_t max_results_json_bytes = std::size_t{64} << 20;
inline constexpr std::size_t max_challenged_json_bytes = std::size_t{256} << 20;
// consistency.bin: per prescribed proof, two sizes, a count and at most 128 hashes (a
// consistency proof of a tree below 2^64 leaves has at most 2·64).
inline constexpr std::size_t max_consistency_entry_bytes = 8 + 8 + 4 + 128 * 32;

// Frames u32be(n) ‖ n bytes of a record's file (crypto::RecordFile), read one at a time; a
// frame's length is checked against the bytes left before it is allocated.
class FrameReader {
public:
    enum class Next { frame, end, error };
    FrameReader(const fs::path& root, const std::string& relative);
    bool opened() const { return file_.has_value(); }
    // Why the file could not be opened (names the file), if it could not.
    const std::string& open_error() const { return open_error_; }
    Next next(Bytes& frame, std::string& error);

private:
    std::optional<crypto::RecordFile> file_;
    std::string open_error_;
};

// The verification tasks' queue: the one task pool, bounded (a full queue makes the pusher wait,
// which bounds the memory of queued ballots); with no workers, push runs the task at once.
using WorkQueue = crypto::TaskPool;

// record.json (docs/election-record.md §3.4), as V1 read it: what a member of the wrong type
// left is empty (V1 failed on it; the later checks then fail on the empty value, not on JSON).
struct RecordIndexLog {
    std::string name, origin, verifier_key, directory, root_hex;
    std::uint64_t size = 0;
};
struct RecordIndexFile {
    std::string path, sha256_hex;
    std::uint64_t bytes = 0;
};
struct RecordIndex {
    std::string election_id, base_hash_hex, ceremony_hash_hex, joint_key_hex;
    std::uint64_t guardian_count = 0, threshold = 0;
    std::vector<RecordIndexLog> logs;
    std::vector<RecordIndexFile> files;
};

struct CheckpointInfo {
    Hash32 root;
    Hash32 note_hash;  // SHA-256 of the whole note, to compare with the election log's copy
};

struct LogInfo {
    std::string name, origin, directory, root_hex;
    std::uint64_t size = 0;
    bool is_district = false;
    std::optional<VerifierKey> key;
    std::map<std::uint64_t, CheckpointInfo> checkpoints;
    bool readable = false;  // records.bin parsed into frames to its end
    // A county record's district (V32): the station's checkpoints of it, by size.
    std::map<std::uint64_t, Hash32> station_roots;
};

// record.json's "county" and "witnesses" members (docs/election-record.md §3.9), once V1 read them.
struct StationDistrict {
    std::string station_id;
    std::string key_text;
    std::optional<VerifierKey> key;  // absent if key_text does not parse (V32 fails)
};
struct Attestations {
    bool county = false;
    std::map<std::string, StationDistrict> station_of;  // by district id
    bool witnesses = false;
    std::vector<crypto::CosignerKey> witness_keys;
};

struct DistrictSummary {
    bool complete = false;  // every record framed and decoded: V26/V27 can use this summary
    std::optional<std::uint64_t> tally_index;
    Hash32 tally_hash;
    std::uint64_t counted = 0, challenged = 0;
    std::optional<std::uint64_t> result_index;
    std::vector<std::uint32_t> guardians;
    PerOption<std::uint64_t> counts;
    json::array challenged_entries;
};

// What V4–V9 established about the election, read by every later phase.
struct ElectionFacts {
    Bytes manifest_bin;
    DecodedManifest manifest;
    Hash32 base_hash, ceremony_hash;
    std::map<std::uint32_t, Point> public_shares;  // K_ℓ of §4.10, for V24
    std::map<std::uint32_t, crypto::Ed25519PublicKey> guardian_keys;
    std::map<std::string, const ManifestStyle*> style_of;  // by district id
    std::map<std::string, const ManifestContest*> contest_of;
    // From authority.bin once V29 established it: the key every registration is signed by.
    std::optional<crypto::Ed25519PublicKey> authority_key;
};

std::string hex(const Hash32& h);
Bytes u32be(std::uint32_t v);
// A checkpoint note opened with its log's verifier key and parsed (docs/election-record.md §3.3).
Result<ParsedCheckpoint> open_checkpoint(std::string_view note, const VerifierKey& key);
// A whole file of the record in `root` (crypto::RecordFile: no links, a regular file, at most
// `max_size` bytes); on failure std::nullopt and `error` naming the file and what is wrong.
std::optional<Bytes> read_file(const fs::path& root, const std::string& relative,
                               std::size_t max_size, std::string& error);
// The file parsed by json::parse_strict (duplicates, size and depth refused, naming the file).
std::optional<json::value> read_json(const fs::path& root, const std::string& relative,
                                     std::size_t max_size, std::string& error);

// V31: names that must be unique across all districts (device ids and keys, ballot ids, each
// ballot's ciphertexts), claimed by the district readers, which run in parallel. 16-byte
// digests, so a 10^6-ballot record holds about 2·10^6 of them.
class ElectionWideNames {
public:
    enum class Kind : std::uint8_t { device_id = 1, device_key, ballot_id, ballot_ciphertexts };
    using Digest = std::array<std::uint8_t, 16>;
    // A claim kept for another process to judge (a partitioned run).
    struct Claim {
        Kind kind;
        Digest digest;
        std::string place;
    };
    // If another district claimed the name already: V31's failure, naming both claims
    // ("<district> <place>") in district order, so the report is the same whichever reader came
    // first. While recording, every claim is kept per district instead and nothing is judged.
    std::optional<std::string> claim(Kind kind, ByteSpan value, const std::string& district,
                                     const std::string& place);
    // The same for a claim recorded elsewhere.
    std::optional<std::string> claim_digest(Kind kind, const Digest& digest,
                                            const std::string& district, const std::string& place);
    void record_claims() { recording_ = true; }
    std::vector<Claim> take_recorded(const std::string& district);

private:
    struct DigestHash {
        std::size_t operator()(const Digest& d) const noexcept {
            std::size_t h = 0;
            for (std::size_t i = 0; i < sizeof h; ++i) h = h << 8 | d[i];
            return h;
        }
    };
    std::mutex mutex_;
    std::unordered_map<Digest, std::pair<std::string, std::string>, DigestHash> owner_;
    bool recording_ = false;
    std::map<std::string, std::vector<Claim>> recorded_;
};

class Verifier {
public:
    Verifier(fs::path dir, const VerifyOptions& options)
        : dir_(std::move(dir)), options_(options) {}

    VerifyReport run();

    // The phases, for run() and for a partitioned run (partitioned_verification.cpp).
    enum class Prepared { unusable, logs_unusable, ready };
    // V1–V10 and every outcome created; V3 too unless `defer_file_hashes`.
    Prepared prepare(bool defer_file_hashes);
    // Reads these logs (indices into logs_) on the options' threads.
    void read_logs(const std::vector<std::size_t>& indices);
    // V3 on the listed files whose owner (a district's index, or logs_.size() for the files of
    // no district) is in `owners`, all of them if `owners` is null; failures kept by file index.
    void hash_files(const std::set<std::size_t>* owners);
    // The kept V3 failures into V3, in the order of record.json's files.
    void apply_file_hashes();
    // V13–V15 and V26–V28 once the logs are read; with `missing` non-empty (districts no process
    // checked) only V28 runs and the others are marked not run with `why`.
    void finish_checks(const std::vector<std::size_t>& missing, const std::string& why);
    VerifyReport make_report();
    // A partitioned run's part for these districts, after read_logs and hash_files on them; the
    // districts' state is then cleared, so this process can take its own part back in absorb.
    std::string export_part(const std::vector<std::size_t>& districts);
    // Adds a part; false (and `error`) if it does not decode. covered[d] is set for its districts.
    bool absorb_part(const std::string& part, std::vector<bool>& covered,
                     std::map<std::size_t, std::vector<ElectionWideNames::Claim>>& claims,
                     std::string& error);
    std::size_t district_count() const { return districts_.size(); }
    bool county_record() const { return attestations_.county; }
    const std::vector<LogInfo>& logs() const { return logs_; }
    void record_claims() { names_.record_claims(); }
    void replay_claims(const std::map<std::size_t, std::vector<ElectionWideNames::Claim>>& claims);
    Outcome& outcome(int number, const std::string& scope = "") { return out(number, scope); }

private:
    // The index of the district whose log directory holds `path`, or logs_.size().
    std::size_t owner_of_file(const std::string& path) const;
    void hash_file(std::size_t index, const RecordIndexFile& entry);
    Outcome& out(int number, const std::string& scope = "") {
        auto it = outcomes_.find({number, scope});
        if (it == outcomes_.end())
            it = outcomes_.emplace(std::pair{number, scope}, std::make_unique<Outcome>()).first;
        return *it->second;
    }
    void skip_from(int first, const std::string& why);
    // VerifyOptions::cancelled, remembered once it said yes (the run then stops reading).
    bool stop_requested() {
        if (stopped_.load(std::memory_order_relaxed)) return true;
        if (options_.cancelled && options_.cancelled()) stopped_.store(true);
        return stopped_.load(std::memory_order_relaxed);
    }

    bool check_record_format();  // V1
    void check_file_list();      // V2
    // The file, or a directory above it, failed V2 and is not to be read.
    bool refused_by_file_list(const std::string& path) const;
    bool check_manifest();  // V4–V6
    void check_ceremony();  // V7–V9
    bool check_log_list();  // V10
    void load_checkpoints(LogInfo& log);
    void read_log(std::size_t index);
    void read_district(std::size_t index, Outcome& v11, Outcome& v12);
    // After one record of a log: its leaf into the tree, V11's count, V12's root at a
    // checkpoint, and progress every `every` records; true when the run is to stop.
    bool add_record(LogInfo& log, RootBuilder& tree, const Hash32& leaf, std::uint64_t every,
                    Outcome& v11, Outcome& v12);
    void finish_log_checks(LogInfo& log, const RootBuilder& tree, bool framed, Outcome& v11,
                           Outcome& v12);
    void check_election_log();     // V13–V14
    void check_consistency();      // V15
    void check_results_file();     // V26
    void check_challenged_file();  // V27
    void check_anchors();          // V28
    void check_authority();        // V29
    // V1's part for the optional members of the document `index`; false if they are not usable.
    bool read_attestation_members(const json::value& index, Outcome& v1);
    // One entry of "county"'s "stations"; false if it does not read.
    bool read_county_station(const json::value& station, std::size_t i, Outcome& v1);
    // The files the optional members add to the layout (V2).
    void attestation_files(std::set<std::string>& required) const;
    void load_station_checkpoints(LogInfo& log);     // V32, before the district is read
    void finish_station_checkpoints(std::size_t d);  // V32, after it
    void check_equivocations();                      // V33
    void check_cosignatures();                       // V34

    fs::path dir_;
    const VerifyOptions& options_;
    std::atomic<bool> stopped_{false};
    std::map<std::pair<int, std::string>, std::unique_ptr<Outcome>> outcomes_;
    RecordIndex record_;
    ElectionFacts election_;
    // Districts in the manifest's order, /election, /events, and /bridge if the record has it.
    std::vector<LogInfo> logs_;
    Attestations attestations_;
    std::vector<std::string> notices_;
    std::vector<Bytes> election_records_;
    std::vector<Bytes> bridge_records_;
    std::vector<DistrictSummary> districts_;
    std::vector<std::vector<std::uint64_t>> published_;  // per district, from the election log
    std::unique_ptr<WorkQueue> queue_;
    ElectionWideNames names_;
    // Listed files that failed V2 (a link, not a regular file, not a relative path): V3 and the
    // later phases do not read them.
    std::set<std::string> refused_files_;
    // V3's failures by the index of the file in record.json, until apply_file_hashes.
    std::vector<std::pair<std::size_t, std::string>> file_failures_;
    std::uint64_t files_hashed_ = 0;
    // District index by log directory, for owner_of_file (filled on first use, after V10).
    mutable std::unordered_map<std::string, std::size_t> directory_owner_;
};

}  // namespace psephos::verifier::detail
