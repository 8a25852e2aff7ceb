// The election record's verifier (record_verifier.hpp; docs/election-record.md §5, §7).
//
// Phases: the record's index, manifest and ceremony (V1–V10), sequentially; then every log in
// parallel (a few reader threads, one log each), each read once, frame by frame, with only
// per-device chain heads, tally sums and per-checkpoint roots kept — the district logs' ballot
// proofs, signatures and openings (V19, V20, V22) go to a bounded work queue so one district
// uses every core too; then the election log against the districts (V13–V15) and the derived
// files (V26–V27), and the bridge log's anchors (V28). Nothing here calls the ledger's validation
// or decoders.
#include "psephos/verifier/record_verifier.hpp"

#include <sodium.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/schnorr_proof.hpp"
#include "record_verifier_decode.hpp"

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

namespace {

using namespace decode;
using crypto::Ciphertext;
using crypto::Point;
using crypto::Scalar;
namespace fs = std::filesystem;
namespace json = boost::json;

struct CheckDefinition {
    const char* name;
    const char* unit;
};

// docs/election-record.md §5, by number (index 0 is V1).
constexpr CheckDefinition check_definitions[] = {
    {"record-format", "index files"},
    {"file-list", "files"},
    {"file-hashes", "files"},
    {"manifest-encoding", "encodings"},
    {"base-hash", "hashes"},
    {"ceremony-hash", "hashes"},
    {"ceremony-guardians", "guardians"},
    {"ceremony-proofs", "commitments"},
    {"joint-key", "keys"},
    {"log-list", "logs"},
    {"log-records", "records"},
    {"log-checkpoints", "checkpoints"},
    {"election-log-leaves", "election records"},
    {"election-log-covers-districts", "districts"},
    {"log-consistency", "proofs"},
    {"event-chain", "events"},
    {"district-records", "records"},
    {"district-sequence", "records"},
    {"ballot-contents", "ballots"},
    {"ballot-signatures", "ballots"},
    {"tracking-chains", "ballots"},
    {"challenged-openings", "challenged ballots"},
    {"district-tally", "tallies"},
    {"tally-decryptions", "decryptions"},
    {"district-result", "results"},
    {"results-file", "files"},
    {"challenged-file", "files"},
    {"anchors", "bridge records"},
};

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

    CheckOutcome take(int number, std::string scope) {
        std::lock_guard lock(mutex_);
        CheckOutcome c;
        c.id = "V" + std::to_string(number);
        c.name = check_definitions[number - 1].name;
        c.scope = std::move(scope);
        c.items_checked = items_;
        c.failures = failures_;
        c.failure_count = failure_count_;
        if (failure_count_ > 0) {
            c.status = CheckStatus::failed;
        } else if (not_run_) {
            c.status = CheckStatus::not_run;
        } else {
            c.status = CheckStatus::passed;
        }
        c.note = not_run_ ? why_ : check_definitions[number - 1].unit;
        return c;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
    std::uint64_t failure_count_ = 0;
    std::atomic<std::uint64_t> items_{0};
    bool not_run_ = false;
    std::string why_;
};

// Frames u32be(n) ‖ n bytes of a file, read one at a time.
class FrameReader {
public:
    enum class Next { frame, end, error };
    explicit FrameReader(const fs::path& path) : in_(path, std::ios::binary) {}
    bool opened() const { return static_cast<bool>(in_); }
    Next next(Bytes& frame, std::string& error) {
        std::uint8_t len[4];
        in_.read(reinterpret_cast<char*>(len), 4);
        const auto got = in_.gcount();
        if (got == 0 && in_.eof()) return Next::end;
        if (got != 4) {
            error = "truncated frame length at byte " + std::to_string(offset_);
            return Next::error;
        }
        const std::uint32_t n = std::uint32_t{len[0]} << 24 | std::uint32_t{len[1]} << 16 |
                                std::uint32_t{len[2]} << 8 | len[3];
        if (n > 256U * 1024U * 1024U) {
            error = "frame at byte " + std::to_string(offset_) + " too long";
            return Next::error;
        }
        frame.resize(n);
        in_.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(n));
        if (static_cast<std::uint32_t>(in_.gcount()) != n) {
            error = "truncated frame at byte " + std::to_string(offset_);
            return Next::error;
        }
        offset_ += 4 + std::uint64_t{n};
        return Next::frame;
    }

private:
    std::ifstream in_;
    std::uint64_t offset_ = 0;
};

// A bounded queue of verification tasks run by its own workers; with no workers, push runs the
// task at once. A full queue makes the pusher wait, which bounds the memory of queued ballots.
class WorkQueue {
public:
    WorkQueue(unsigned workers, std::size_t capacity) : capacity_(capacity) {
        for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
    }
    ~WorkQueue() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        not_empty_.notify_all();
        workers_.clear();  // joins
    }
    void push(std::function<void()> task) {
        if (workers_.empty()) {
            task();
            return;
        }
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
        queue_.push_back(std::move(task));
        lock.unlock();
        not_empty_.notify_one();
    }

private:
    void work() {
        while (true) {
            std::unique_lock lock(mutex_);
            not_empty_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            auto task = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            not_full_.notify_one();
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable not_empty_, not_full_;
    std::deque<std::function<void()>> queue_;
    std::size_t capacity_;
    bool stopping_ = false;
    std::vector<std::jthread> workers_;
};

// Counts a district's tasks still queued or running.
class Pending {
public:
    void add() {
        std::lock_guard lock(mutex_);
        ++count_;
    }
    void done() {
        std::lock_guard lock(mutex_);
        if (--count_ == 0) zero_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        zero_.wait(lock, [&] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable zero_;
    std::size_t count_ = 0;
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

std::string hex(const Hash32& h) { return h.to_hex(); }

// A checkpoint note opened with its log's verifier key and parsed (docs/election-record.md §3.3).
Result<ParsedCheckpoint> open_checkpoint(std::string_view note, const VerifierKey& key) {
    PSEPHOS_TRY_ASSIGN(const std::string text, open_note(note, key));
    return parse_checkpoint(text);
}

// What a district's set of ballot ids seen so far keeps of each id: the first 16 bytes of its
// SHA-256, a fixed 16 bytes a ballot whatever the ids' length (the only state of the verifier that
// grows with the number of ballots). Two different ids with one digest (~2^-128 a pair) could
// only report a repeat that is not there, never hide one.
using IdDigest = std::array<std::uint8_t, 16>;
struct IdDigestHash {
    std::size_t operator()(const IdDigest& d) const noexcept {
        std::size_t h = 0;
        std::memcpy(&h, d.data(), sizeof h);
        return h;
    }
};
IdDigest id_digest(std::string_view id) {
    const Hash32 h = sha256_of(as_bytes(id));
    IdDigest d;
    std::copy_n(h.bytes.begin(), d.size(), d.begin());
    return d;
}

Bytes proof_context(std::string_view ballot, std::string_view contest, std::string_view option) {
    Bytes out = text_field(ballot);
    const Bytes c = text_field(contest), o = text_field(option);
    out.insert(out.end(), c.begin(), c.end());
    out.insert(out.end(), o.begin(), o.end());
    return out;
}

Bytes u32be(std::uint32_t v) {
    Bytes out;
    append_u32_be(out, v);
    return out;
}

template <class T>
bool same_shape(const PerOption<T>& a,
                const std::vector<std::pair<std::string, std::vector<std::string>>>& shape) {
    if (a.size() != shape.size()) return false;
    for (std::size_t c = 0; c < a.size(); ++c) {
        if (a[c].first != shape[c].first || a[c].second.size() != shape[c].second.size())
            return false;
        for (std::size_t o = 0; o < a[c].second.size(); ++o)
            if (a[c].second[o].first != shape[c].second[o]) return false;
    }
    return true;
}

std::optional<Bytes> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<json::value> read_json(const fs::path& path, std::string& error) {
    auto data = read_file(path);
    if (!data) {
        error = "cannot be read";
        return std::nullopt;
    }
    boost::system::error_code ec;
    json::value v = json::parse(
        std::string_view(reinterpret_cast<const char*>(data->data()), data->size()), ec);
    if (ec) {
        error = "not JSON: " + ec.message();
        return std::nullopt;
    }
    return v;
}

bool is_hex64(const json::value& v) {
    if (!v.is_string()) return false;
    const json::string& s = v.get_string();
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool has_members(const json::value& v, std::initializer_list<std::string_view> names) {
    if (!v.is_object()) return false;
    const json::object& o = v.get_object();
    if (o.size() != names.size()) return false;
    auto it = o.begin();
    for (const std::string_view n : names) {
        if (it->key() != n) return false;
        ++it;
    }
    return true;
}

std::optional<std::uint64_t> as_u64(const json::value& v) {
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
    if (v.is_uint64()) return v.get_uint64();
    return std::nullopt;
}

std::string as_string(const json::value& v) {
    return v.is_string() ? std::string(v.get_string()) : std::string();
}

class Verifier {
public:
    Verifier(fs::path dir, const VerifyOptions& options)
        : dir_(std::move(dir)), options_(options) {}

    VerifyReport run();

private:
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
    void check_file_hashes();    // V3
    bool check_manifest();       // V4–V6
    void check_ceremony();       // V7–V9
    bool check_log_list();       // V10
    void load_checkpoints(LogInfo& log);
    void read_log(std::size_t index);
    void read_district(std::size_t index, Outcome& v11, Outcome& v12);
    void finish_log_checks(LogInfo& log, const RootBuilder& tree, bool framed, Outcome& v11,
                           Outcome& v12);
    void check_election_log();     // V13–V14
    void check_consistency();      // V15
    void check_results_file();     // V26
    void check_challenged_file();  // V27
    void check_anchors();          // V28

    fs::path dir_;
    const VerifyOptions& options_;
    std::atomic<bool> stopped_{false};
    std::map<std::pair<int, std::string>, std::unique_ptr<Outcome>> outcomes_;
    json::value record_;
    Bytes manifest_bin_;
    DecodedManifest manifest_;
    Hash32 base_hash_, ceremony_hash_;
    std::map<std::uint32_t, Point> public_shares_;
    std::map<std::uint32_t, crypto::Ed25519PublicKey> guardian_keys_;
    std::map<std::string, const ManifestStyle*> style_of_;
    std::map<std::string, const ManifestContest*> contest_of_;
    // Districts in the manifest's order, /election, /events, and /bridge if the record has it.
    std::vector<LogInfo> logs_;
    std::vector<Bytes> election_records_;
    std::vector<Bytes> bridge_records_;
    std::vector<DistrictSummary> districts_;
    std::vector<std::vector<std::uint64_t>> published_;  // per district, from the election log
    std::unique_ptr<WorkQueue> queue_;
};

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

// ---- V1–V3 ---------------------------------------------------------------------------------

bool Verifier::check_record_format() {
    Outcome& v1 = out(1);
    std::string error;
    auto r = read_json(dir_ / "record.json", error);
    if (!r) {
        v1.fail("record.json: " + error);
        return false;
    }
    record_ = std::move(*r);
    v1.count();
    if (!has_members(record_, {"format", "election_id", "base_hash", "ceremony_hash", "joint_key",
                               "guardian_count", "threshold", "logs", "files"})) {
        v1.fail("record.json: not an object with exactly the members of §3.4, in order");
        if (!record_.is_object()) return false;
    }
    const json::object& o = record_.get_object();
    auto get = [&](std::string_view k) -> const json::value* { return o.if_contains(k); };
    if (!get("format") || as_string(*get("format")) != "psephos-election-record-v1")
        v1.fail("record.json: format is not \"psephos-election-record-v1\"");
    for (const char* k : {"base_hash", "ceremony_hash", "joint_key"})
        if (!get(k) || !is_hex64(*get(k)))
            v1.fail(std::string("record.json: ") + k + " is not 64 hex digits");
    if (!get("election_id") || !get("election_id")->is_string())
        v1.fail("record.json: election_id is not a string");
    for (const char* k : {"guardian_count", "threshold"})
        if (!get(k) || !as_u64(*get(k)))
            v1.fail(std::string("record.json: ") + k + " is not a number");
    bool usable = true;
    if (!get("logs") || !get("logs")->is_array()) {
        v1.fail("record.json: logs is not an array");
        usable = false;
    } else {
        std::size_t i = 0;
        for (const auto& l : get("logs")->get_array()) {
            if (!has_members(l, {"name", "origin", "verifier_key", "size", "root", "directory"}) ||
                !l.at("name").is_string() || !l.at("origin").is_string() ||
                !l.at("verifier_key").is_string() || !as_u64(l.at("size")) ||
                !is_hex64(l.at("root")) || !l.at("directory").is_string()) {
                v1.fail("record.json: logs[" + std::to_string(i) + "] is not a log entry");
                usable = false;
            }
            ++i;
        }
    }
    if (!get("files") || !get("files")->is_array()) {
        v1.fail("record.json: files is not an array");
        usable = false;
    } else {
        std::size_t i = 0;
        for (const auto& f : get("files")->get_array()) {
            if (!has_members(f, {"path", "bytes", "sha256"}) || !f.at("path").is_string() ||
                !as_u64(f.at("bytes")) || !is_hex64(f.at("sha256"))) {
                v1.fail("record.json: files[" + std::to_string(i) + "] is not a file entry");
                usable = false;
            }
            ++i;
        }
    }
    return usable && get("election_id") && get("guardian_count") && get("threshold");
}

void Verifier::check_file_list() {
    Outcome& v2 = out(2);
    std::vector<std::string> paths;
    for (const auto& f : record_.at("files").get_array()) paths.push_back(as_string(f.at("path")));
    for (const auto& p : paths) {
        bool bad = p.empty() || p[0] == '/' || p.find('\\') != std::string::npos;
        std::size_t at = 0;
        while (!bad) {
            const std::size_t slash = p.find('/', at);
            const std::string seg = p.substr(at, slash == std::string::npos ? slash : slash - at);
            if (seg.empty() || seg == "." || seg == "..") bad = true;
            if (slash == std::string::npos) break;
            at = slash + 1;
        }
        if (bad) v2.fail("files: '" + p + "' is not a relative path");
    }
    for (std::size_t i = 1; i < paths.size(); ++i)
        if (!(paths[i - 1] < paths[i]))
            v2.fail("files: '" + paths[i] + "' is not after '" + paths[i - 1] + "'");
    std::set<std::string> required = {"manifest.json", "manifest.bin", "results.json",
                                      "challenged-ballots.json"};
    for (const auto& l : record_.at("logs").get_array()) {
        const std::string d = as_string(l.at("directory"));
        required.insert(d + "/records.bin");
        required.insert(d + "/checkpoints.bin");
        const std::string name = as_string(l.at("name"));
        if (name != "/events" && name != "/bridge") required.insert(d + "/consistency.bin");
    }
    const std::set<std::string> listed(paths.begin(), paths.end());
    for (const auto& p : required)
        if (!listed.count(p)) v2.fail("files: '" + p + "' is required but not listed");
    for (const auto& p : listed)
        if (!required.count(p)) v2.fail("files: '" + p + "' is listed but not part of the layout");
    std::set<std::string> present;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string rel = fs::relative(it->path(), dir_, ec).generic_string();
        const std::string name = it->path().filename().string();
        if (it->is_symlink()) {
            v2.fail(rel + ": a symbolic link");
            continue;
        }
        if (name.rfind(".partial", 0) == 0) v2.fail(rel + ": a partial export");
        if (it->is_regular_file()) {
            present.insert(rel);
            v2.count();
        } else if (!it->is_directory()) {
            v2.fail(rel + ": not a regular file or directory");
        }
    }
    if (ec) v2.fail("the record's directory cannot be listed: " + ec.message());
    required.insert("record.json");
    for (const auto& p : present)
        if (!required.count(p)) v2.fail(p + ": a file the record does not have");
    for (const auto& p : required)
        if (!present.count(p)) v2.fail(p + ": missing");
}

void Verifier::check_file_hashes() {
    Outcome& v3 = out(3);
    for (const auto& f : record_.at("files").get_array()) {
        const std::string path = as_string(f.at("path"));
        std::ifstream in(dir_ / path, std::ios::binary);
        if (!in) {
            v3.fail(path + ": cannot be read");
            continue;
        }
        crypto_hash_sha256_state state;
        crypto_hash_sha256_init(&state);
        std::vector<char> buffer(1 << 16);
        std::uint64_t total = 0;
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const auto n = in.gcount();
            if (n <= 0) break;
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                                      static_cast<unsigned long long>(n));
            total += static_cast<std::uint64_t>(n);
        }
        Hash32 h;
        crypto_hash_sha256_final(&state, h.bytes.data());
        v3.count();
        if (total != as_u64(f.at("bytes")).value_or(~0ULL))
            v3.fail(path + ": size " + std::to_string(total) + ", record.json says " +
                    json::serialize(f.at("bytes")));
        if (h.to_hex() != as_string(f.at("sha256"))) v3.fail(path + ": sha256 differs");
    }
}

// ---- V4–V9 ---------------------------------------------------------------------------------

Bytes encode_localized(const json::object& o, std::string_view text_key,
                       std::string_view translations_key, std::string& error) {
    Bytes out;
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    const json::value* t = o.if_contains(text_key);
    if (!t || !t->is_string()) error = std::string(text_key) + " is not a string";
    append(text_field(t && t->is_string() ? std::string_view(t->get_string()) : ""));
    std::vector<std::pair<std::string, std::string>> tr;
    if (const json::value* x = o.if_contains(translations_key)) {
        if (!x->is_object()) {
            error = std::string(translations_key) + " is not an object";
        } else {
            for (const auto& kv : x->get_object())
                tr.emplace_back(std::string(kv.key()), as_string(kv.value()));
        }
    }
    std::sort(tr.begin(), tr.end());
    append_u32_be(out, static_cast<std::uint32_t>(tr.size()));
    for (const auto& [lang, text] : tr) {
        append(text_field(lang));
        append(text_field(text));
    }
    return out;
}

// docs/election-record.md §3.7: manifest.json field for field in the encoding of §3.
std::string encode_manifest_json(const json::value& j, Bytes& out) {
    std::string error;
    auto append = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    auto str = [&](const json::value& v, const char* k) {
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        if (!x || !x->is_string()) {
            if (error.empty()) error = std::string(k) + " is missing or not a string";
            return std::string();
        }
        return std::string(x->get_string());
    };
    auto arr = [&](const json::value& v, const char* k) -> const json::array& {
        static const json::array empty;
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        if (!x || !x->is_array()) {
            if (error.empty()) error = std::string(k) + " is missing or not an array";
            return empty;
        }
        return x->get_array();
    };
    auto num = [&](const json::value& v, const char* k) -> std::uint32_t {
        const json::value* x = v.is_object() ? v.get_object().if_contains(k) : nullptr;
        const auto n = x ? as_u64(*x) : std::nullopt;
        if (!n || *n > 0xFFFFFFFFULL) {
            if (error.empty()) error = std::string(k) + " is missing or not a number";
            return 0;
        }
        return static_cast<std::uint32_t>(*n);
    };
    auto b64 = [&](const json::value& v) {
        auto b = from_base64(v.is_string() ? std::string_view(v.get_string()) : "");
        if (!b) {
            if (error.empty()) error = "a key or proof is not base64";
            return Bytes();
        }
        return b.value();
    };
    if (!j.is_object()) return "not an object";
    if (str(j, "format") != "psephos-election-manifest-v1") return "format";
    out = {0x01, 0x01};
    append(text_field(str(j, "election_id")));
    append(text_field(str(j, "name")));
    append(text_field(str(j, "start_date")));
    append(text_field(str(j, "end_date")));
    const auto& districts = arr(j, "districts");
    append_u32_be(out, static_cast<std::uint32_t>(districts.size()));
    for (const auto& d : districts) {
        append(text_field(str(d, "id")));
        append(text_field(str(d, "name")));
    }
    const auto& contests = arr(j, "contests");
    append_u32_be(out, static_cast<std::uint32_t>(contests.size()));
    for (const auto& c : contests) {
        append(text_field(str(c, "id")));
        if (!c.is_object()) return "a contest is not an object";
        append(encode_localized(c.get_object(), "title", "title_translations", error));
        const std::string kind = str(c, "kind");
        out.push_back(kind == "candidate" ? 1 : kind == "ballot_measure" ? 2 : 0);
        append_u32_be(out, num(c, "vote_for"));
        const auto& options = arr(c, "options");
        append_u32_be(out, static_cast<std::uint32_t>(options.size()));
        for (const auto& o : options) {
            append(text_field(str(o, "id")));
            if (!o.is_object()) return "an option is not an object";
            append(encode_localized(o.get_object(), "label", "label_translations", error));
        }
    }
    const auto& styles = arr(j, "ballot_styles");
    append_u32_be(out, static_cast<std::uint32_t>(styles.size()));
    for (const auto& s : styles) {
        append(text_field(str(s, "id")));
        for (const char* k : {"districts", "contests"}) {
            const auto& list = arr(s, k);
            append_u32_be(out, static_cast<std::uint32_t>(list.size()));
            for (const auto& x : list) append(text_field(as_string(x)));
        }
    }
    const json::value* g = j.get_object().if_contains("guardians");
    if (!g) return "guardians missing";
    append_u32_be(out, num(*g, "count"));
    append_u32_be(out, num(*g, "threshold"));
    const json::value* ceremony = j.get_object().if_contains("ceremony");
    if (!ceremony || !ceremony->is_object()) return "ceremony missing";
    out.push_back(0x01);
    append(b64(ceremony->get_object().contains("joint_key") ? ceremony->at("joint_key")
                                                            : json::value()));
    const auto& guardians = arr(*ceremony, "guardians");
    append_u32_be(out, static_cast<std::uint32_t>(guardians.size()));
    for (const auto& gd : guardians) {
        append_u32_be(out, num(gd, "index"));
        append(b64(gd.is_object() && gd.get_object().contains("identity_key")
                       ? gd.at("identity_key")
                       : json::value()));
        const auto& commitments = arr(gd, "commitments");
        const auto& proofs = arr(gd, "proofs");
        if (commitments.size() != proofs.size()) return "commitments and proofs differ in number";
        append_u32_be(out, static_cast<std::uint32_t>(commitments.size()));
        for (std::size_t i = 0; i < commitments.size(); ++i) {
            append(b64(commitments[i]));
            append(b64(proofs[i]));
        }
    }
    return error;
}

// The structural rules of docs/election-manifest.md the checks depend on.
std::string check_manifest_rules(const DecodedManifest& m) {
    auto unique = [](std::vector<std::string> ids) {
        std::sort(ids.begin(), ids.end());
        return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
    };
    std::vector<std::string> ids;
    for (const auto& d : m.districts) ids.push_back(d.first);
    if (!unique(ids)) return "district ids repeat";
    ids.clear();
    for (const auto& c : m.contests) {
        ids.push_back(c.id);
        std::vector<std::string> options;
        for (const auto& o : c.options) options.push_back(o.first);
        if (!unique(options)) return "contest '" + c.id + "': option ids repeat";
        if (c.kind == 2) {
            std::sort(options.begin(), options.end());
            if (options != std::vector<std::string>{"no", "yes"} || c.vote_for != 1)
                return "contest '" + c.id + "': a ballot measure has options yes and no";
        }
    }
    if (!unique(ids)) return "contest ids repeat";
    ids.clear();
    std::vector<std::string> listed;
    std::set<std::string> used_contests;
    std::set<std::string> contests;
    for (const auto& c : m.contests) contests.insert(c.id);
    for (const auto& s : m.styles) {
        ids.push_back(s.id);
        listed.insert(listed.end(), s.districts.begin(), s.districts.end());
        for (const auto& c : s.contests) {
            if (!contests.count(c))
                return "ballot style '" + s.id + "': unknown contest '" + c + "'";
            used_contests.insert(c);
        }
    }
    if (!unique(ids)) return "ballot style ids repeat";
    std::vector<std::string> districts;
    for (const auto& d : m.districts) districts.push_back(d.first);
    std::sort(listed.begin(), listed.end());
    std::sort(districts.begin(), districts.end());
    if (listed != districts) return "each district must be in exactly one ballot style";
    if (used_contests != contests) return "every contest must be on a ballot style";
    if (m.threshold < 1 || m.threshold > m.guardian_count || m.guardian_count > 255)
        return "guardian count and threshold";
    return {};
}

bool Verifier::check_manifest() {
    Outcome &v4 = out(4), &v5 = out(5), &v6 = out(6);
    auto bin = read_file(dir_ / "manifest.bin");
    if (!bin) {
        v4.fail("manifest.bin: cannot be read");
        return false;
    }
    manifest_bin_ = std::move(*bin);
    v4.count();
    auto manifest = decode_manifest(manifest_bin_);
    if (!manifest) {
        v4.fail("manifest.bin: " + manifest.error().message);
        return false;
    }
    manifest_ = std::move(*manifest);
    if (const std::string rules = check_manifest_rules(manifest_); !rules.empty())
        v4.fail("manifest.bin: " + rules);
    std::string json_error;
    auto j = read_json(dir_ / "manifest.json", json_error);
    if (!j) {
        v4.fail("manifest.json: " + json_error);
    } else {
        Bytes encoded;
        const std::string e = encode_manifest_json(*j, encoded);
        if (!e.empty()) {
            v4.fail("manifest.json: " + e);
        } else if (encoded != manifest_bin_) {
            v4.fail("manifest.json does not encode to manifest.bin");
        }
    }
    const json::object& r = record_.get_object();
    if (as_string(r.at("election_id")) != manifest_.election_id)
        v4.fail("record.json: election_id is not the manifest's");
    if (as_u64(r.at("guardian_count")) != manifest_.guardian_count)
        v4.fail("record.json: guardian_count is not the manifest's");
    if (as_u64(r.at("threshold")) != manifest_.threshold)
        v4.fail("record.json: threshold is not the manifest's");
    for (const auto& s : manifest_.styles)
        for (const auto& d : s.districts) style_of_.emplace(d, &s);
    for (const auto& c : manifest_.contests) contest_of_.emplace(c.id, &c);

    base_hash_ = domain_hash("psephos/v1/election-base-hash", manifest_bin_);
    v5.count();
    if (hex(base_hash_) != as_string(r.at("base_hash")))
        v5.fail("record.json: base_hash is not manifest.bin's (" + hex(base_hash_) + ")");

    const std::size_t n = manifest_.guardian_count, k = manifest_.threshold;
    v6.count();
    if (manifest_.ceremony_offset + 37 + n * (40 + 96 * k) != manifest_bin_.size())
        v6.fail("manifest.bin: the ceremony is not the last 36 + n(40 + 96k) bytes");
    Bytes m0(manifest_bin_.begin(),
             manifest_bin_.begin() + static_cast<std::ptrdiff_t>(manifest_.ceremony_offset));
    m0.push_back(0x00);
    ceremony_hash_ = domain_hash("psephos/v1/ceremony-hash", m0);
    if (hex(ceremony_hash_) != as_string(r.at("ceremony_hash")))
        v6.fail("record.json: ceremony_hash is not manifest.bin's (" + hex(ceremony_hash_) + ")");
    return true;
}

void Verifier::check_ceremony() {
    Outcome &v7 = out(7), &v8 = out(8), &v9 = out(9);
    const std::uint32_t n = manifest_.guardian_count, k = manifest_.threshold;
    std::vector<std::uint32_t> indices;
    std::set<std::array<std::uint8_t, 32>> keys;
    for (const auto& g : manifest_.guardians) {
        v7.count();
        indices.push_back(g.index);
        if (!keys.insert(g.identity_key.bytes).second)
            v7.fail("guardian " + std::to_string(g.index) + ": identity key repeats");
        if (g.commitments.size() != k)
            v7.fail("guardian " + std::to_string(g.index) + ": " +
                    std::to_string(g.commitments.size()) + " commitments, threshold " +
                    std::to_string(k));
        guardian_keys_[g.index] = g.identity_key;
    }
    std::sort(indices.begin(), indices.end());
    std::vector<std::uint32_t> expected(n);
    for (std::uint32_t i = 0; i < n; ++i) expected[i] = i + 1;
    if (indices != expected) v7.fail("ceremony: guardian indices are not 1 … " + std::to_string(n));
    if (to_hex(manifest_.joint_key.bytes()) != as_string(record_.at("joint_key")))
        v7.fail("record.json: joint_key is not the manifest's");

    for (const auto& g : manifest_.guardians) {
        for (std::size_t j = 0; j < g.commitments.size(); ++j) {
            const auto& c = g.commitments[j];
            Bytes context = u32be(g.index);
            append_u32_be(context, static_cast<std::uint32_t>(j));
            v8.count();
            if (!crypto::verify_knowledge_of_secret(ceremony_hash_, context, c.key,
                                                    {c.challenge, c.response}))
                v8.fail("guardian " + std::to_string(g.index) + " coefficient " +
                        std::to_string(j) + ": Schnorr proof does not verify");
        }
    }

    Point total;
    for (const auto& g : manifest_.guardians)
        if (!g.commitments.empty()) total = total + g.commitments[0].key;
    v9.count();
    if (!(total == manifest_.joint_key)) v9.fail("joint key: not the sum of the K_{i,0}");
    if (total.is_identity()) v9.fail("joint key: the identity");

    // Public shares K_ℓ = Σ_i Σ_j ℓ^j·K_{i,j} (§4.10), for V24.
    for (std::uint32_t l = 1; l <= n; ++l) {
        Point share;
        for (const auto& g : manifest_.guardians) {
            Scalar power = Scalar::from_uint64(1);
            for (const auto& c : g.commitments) {
                share = share + power * c.key;
                power = power * Scalar::from_uint64(l);
            }
        }
        public_shares_[l] = share;
    }
}

// ---- V10–V12 -------------------------------------------------------------------------------

bool Verifier::check_log_list() {
    Outcome& v10 = out(10);
    const std::string& eid = manifest_.election_id;
    std::vector<std::array<std::string, 3>> expected;
    for (const auto& d : manifest_.districts)
        expected.push_back({d.first, eid + "/district/" + d.first, "districts/" + d.first});
    expected.push_back({"/election", eid + "/election", "election"});
    expected.push_back({"/events", eid + "/events", "events"});
    const json::array& logs = record_.at("logs").get_array();
    // The bridge log is there only if the ledger anchored something (§3.4).
    if (logs.size() == expected.size() + 1)
        expected.push_back({"/bridge", eid + "/bridge", "bridge"});
    if (logs.size() != expected.size()) {
        v10.fail("record.json: " + std::to_string(logs.size()) + " logs, expected " +
                 std::to_string(expected.size()));
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < logs.size(); ++i) {
        const json::value& l = logs[i];
        LogInfo info;
        info.name = as_string(l.at("name"));
        info.origin = as_string(l.at("origin"));
        info.directory = as_string(l.at("directory"));
        info.size = as_u64(l.at("size")).value_or(0);
        info.root_hex = as_string(l.at("root"));
        info.is_district = i < manifest_.districts.size();
        v10.count();
        if (info.name != expected[i][0] || info.origin != expected[i][1] ||
            info.directory != expected[i][2]) {
            v10.fail("logs[" + std::to_string(i) + "]: name, origin or directory is not '" +
                     expected[i][0] + "', '" + expected[i][1] + "', '" + expected[i][2] + "'");
            ok = false;
        }
        auto key = parse_verifier_key(as_string(l.at("verifier_key")));
        if (!key) {
            v10.fail("log " + info.name + ": " + key.error().message);
        } else if (key->name != info.origin) {
            v10.fail("log " + info.name + ": verifier key name is not the log's origin");
        } else {
            info.key = std::move(*key);
        }
        logs_.push_back(std::move(info));
    }
    for (const std::string& trusted : options_.trusted_verifier_keys) {
        const std::size_t plus = trusted.find('+');
        const std::string origin = trusted.substr(0, plus);
        const auto it = std::find_if(logs.begin(), logs.end(), [&](const json::value& l) {
            return as_string(l.at("origin")) == origin;
        });
        v10.count();
        if (it == logs.end()) {
            v10.fail("trusted verifier key '" + trusted + "': no log of that origin");
        } else if (as_string(it->at("verifier_key")) != trusted) {
            v10.fail("log " + as_string(it->at("name")) +
                     ": verifier_key is not the trusted verifier key");
        }
    }
    return ok;
}

void Verifier::load_checkpoints(LogInfo& log) {
    Outcome& v12 = out(12, log.name);
    FrameReader frames(dir_ / log.directory / "checkpoints.bin");
    if (!frames.opened()) {
        v12.fail(log.name + ": checkpoints.bin cannot be read");
        return;
    }
    Bytes frame;
    std::string error;
    std::uint64_t previous = 0, j = 0;
    const std::string& trusted = options_.trusted_election_checkpoint;
    bool trusted_found = false;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v12.fail(log.name + ": checkpoints.bin: " + error);
            break;
        }
        if (log.name == "/election" && !trusted.empty() && frame.size() == trusted.size() &&
            std::equal(frame.begin(), frame.end(), trusted.begin(),
                       [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }))
            trusted_found = true;
        const std::string at = log.name + ": checkpoint " + std::to_string(j++);
        v12.count();
        if (!log.key) {
            v12.fail(at + ": no valid verifier key (V10)");
            continue;
        }
        const std::string_view note(reinterpret_cast<const char*>(frame.data()), frame.size());
        auto opened = open_checkpoint(note, *log.key);
        if (!opened) {
            v12.fail(at + ": " + opened.error().message);
            continue;
        }
        const ParsedCheckpoint& cp = *opened;
        if (cp.origin != log.origin) v12.fail(at + ": origin '" + cp.origin + "'");
        if (cp.size <= previous || cp.size > log.size) {
            v12.fail(at + ": size " + std::to_string(cp.size) + " after " +
                     std::to_string(previous) + " (log size " + std::to_string(log.size) + ")");
            continue;
        }
        previous = cp.size;
        log.checkpoints[cp.size] = {cp.root, sha256_of(frame)};
    }
    if (log.size > 0 && previous != log.size)
        v12.fail(log.name + ": no checkpoint of the log's size " + std::to_string(log.size));
    if (log.size == 0 && j != 0) v12.fail(log.name + ": checkpoints of an empty log");
    if (log.name == "/election" && !trusted.empty()) {
        out(10).count();
        if (!trusted_found)
            out(10).fail("election/checkpoints.bin does not hold the trusted election checkpoint");
    }
}

void Verifier::finish_log_checks(LogInfo& log, const RootBuilder& tree, bool framed, Outcome& v11,
                                 Outcome& v12) {
    log.readable = framed;
    if (!framed) return;
    if (tree.size() != log.size)
        v11.fail(log.name + ": " + std::to_string(tree.size()) + " records, record.json says " +
                 std::to_string(log.size));
    if (hex(tree.root()) != log.root_hex)
        v11.fail(log.name + ": the root of the records is not record.json's root");
    for (const auto& [size, cp] : log.checkpoints)
        if (size > tree.size())
            v12.fail(log.name + ": checkpoint of size " + std::to_string(size) +
                     " beyond the records");
    if (log.size == 0 && log.root_hex != hex(sha256_of(ByteSpan{})))
        v12.fail(log.name + ": an empty log's root is not H(\"\")");
}

// Runs V11, V12 (and V16 for the event log, V17–V25 for a district) over one log's records.
void Verifier::read_log(std::size_t index) {
    LogInfo& log = logs_[index];
    Outcome &v11 = out(11, log.name), &v12 = out(12, log.name);
    load_checkpoints(log);
    if (log.is_district) {
        read_district(index, v11, v12);
        return;
    }
    const bool events = log.name == "/events";
    Outcome& v16 = out(16);
    std::set<std::string> districts;
    for (const auto& d : manifest_.districts) districts.insert(d.first);
    FrameReader frames(dir_ / log.directory / "records.bin");
    if (!frames.opened()) {
        v11.fail(log.name + ": records.bin cannot be read");
        if (events) v16.skip("events/records.bin cannot be read");
        return;
    }
    RootBuilder tree;
    Bytes frame;
    std::string error;
    Hash32 previous;  // 32 zero bytes before event 0
    bool framed = true;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v11.fail(log.name + ": records.bin: " + error);
            framed = false;
            if (events) v16.skip("events/records.bin does not parse into frames");
            break;
        }
        const Hash32 leaf = leaf_hash(frame);
        const std::uint64_t i = tree.size();
        if (events) {
            const auto decoded = decode_event(frame);
            v16.count();
            if (!decoded) {
                v16.fail("event " + std::to_string(i) + ": " + decoded.error().message);
            } else {
                const DecodedEvent& e = *decoded;
                if (e.sequence != i)
                    v16.fail("event " + std::to_string(i) + ": sequence " +
                             std::to_string(e.sequence));
                if (!(e.previous == previous))
                    v16.fail("event " + std::to_string(i) +
                             ": previous_event_hash is not the leaf hash of the event before");
                if (!e.district_id.empty() && !districts.count(e.district_id))
                    v16.fail("event " + std::to_string(i) + ": district '" + e.district_id +
                             "' is not the manifest's");
            }
            previous = leaf;
        } else if (log.name == "/bridge") {
            bridge_records_.push_back(frame);
        } else {
            election_records_.push_back(frame);
        }
        tree.append(leaf);
        v11.count();
        if (auto it = log.checkpoints.find(tree.size()); it != log.checkpoints.end()) {
            if (!(it->second.root == tree.root()))
                v12.fail(log.name + ": checkpoint " + std::to_string(tree.size()) +
                         ": root is not the root of the first " + std::to_string(tree.size()) +
                         " records");
        }
        if (tree.size() % 1024 == 0) {
            if (options_.progress) options_.progress(log.name, tree.size(), log.size);
            if (stop_requested()) break;
        }
    }
    finish_log_checks(log, tree, framed, v11, v12);
    if (options_.progress) options_.progress(log.name, tree.size(), log.size);
}

// ---- One district's log: V17–V25 -----------------------------------------------------------

enum class Polls { not_opened, open, paused, closed };

const char* polls_name(Polls p) {
    switch (p) {
        case Polls::not_opened:
            return "not opened";
        case Polls::open:
            return "open";
        case Polls::paused:
            return "paused";
        case Polls::closed:
            return "closed";
    }
    return "?";
}

struct Device {
    crypto::Ed25519PublicKey key;
    Hash32 last_code;
};

// The expensive part of one ballot (V19's proofs, V20, V22), run on the work queue.
struct BallotWork {
    Bytes record;
    DecodedBallot ballot;
    std::vector<std::vector<Opening>> openings;
    bool challenged = false;
    bool check_proofs = false;
    std::vector<std::uint32_t> vote_for;  // per contest, when check_proofs
    std::optional<crypto::Ed25519PublicKey> key;
    std::string at;  // "record 12 (ballot 'v3')"
};

void verify_ballot_work(const BallotWork& w, const Hash32& base_hash, const Point& joint_key,
                        Outcome& v19, Outcome& v20, Outcome& v22) {
    const DecodedBallot& b = w.ballot;
    if (w.check_proofs) {
        for (std::size_t c = 0; c < b.contests.size(); ++c) {
            const DecodedContest& contest = b.contests[c];
            Ciphertext sum;
            for (const DecodedSelection& s : contest.selections) {
                sum = crypto::add_ciphertexts(sum, s.ciphertext);
                if (!crypto::verify_range(base_hash, proof_context(b.ballot_id, contest.id, s.id),
                                          s.ciphertext, joint_key, 1, s.proof))
                    v19.fail(w.at + ": contest '" + contest.id + "' option '" + s.id +
                             "': 0/1 proof does not verify");
            }
            if (contest.count_proof.challenges.size() != std::size_t{w.vote_for[c]} + 1) {
                v19.fail(w.at + ": contest '" + contest.id + "': count proof limit " +
                         std::to_string(contest.count_proof.challenges.size() - 1) + ", vote_for " +
                         std::to_string(w.vote_for[c]));
            } else if (!crypto::verify_range(base_hash, proof_context(b.ballot_id, contest.id, ""),
                                             sum, joint_key, w.vote_for[c], contest.count_proof)) {
                v19.fail(w.at + ": contest '" + contest.id + "': count proof does not verify");
            }
        }
    }
    if (w.key) {
        const ByteSpan body = ByteSpan(w.record).subspan(b.body_offset, b.body_size);
        if (!crypto::verify_signature(*w.key, body, b.signature))
            v20.fail(w.at + ": device signature does not verify");
    }
    if (w.challenged) {
        for (std::size_t c = 0; c < b.contests.size() && c < w.openings.size(); ++c) {
            for (std::size_t s = 0; s < b.contests[c].selections.size() && s < w.openings[c].size();
                 ++s) {
                const DecodedSelection& sel = b.contests[c].selections[s];
                const Opening& o = w.openings[c][s];
                const std::string where =
                    w.at + ": contest '" + b.contests[c].id + "' option '" + sel.id + "'";
                if (!(Point::multiply_base(o.nonce) == sel.ciphertext.alpha)) {
                    v22.fail(where + ": alpha is not nonce·G");
                    continue;
                }
                const Point m = sel.ciphertext.beta - o.nonce * joint_key;
                if (!(m == (o.mark ? Point::generator() : Point::identity())))
                    v22.fail(where + ": does not open to its revealed mark");
            }
        }
    }
}

// A cast ballot as a challenged one without openings, so that both take one path.
Result<DecodedChallenged> decode_any_ballot(bool challenged, ByteSpan frame) {
    if (challenged) return decode_challenged(frame);
    PSEPHOS_TRY_ASSIGN(DecodedBallot ballot, decode_ballot(frame));
    return DecodedChallenged{std::move(ballot), {}};
}

void Verifier::read_district(std::size_t index, Outcome& v11, Outcome& v12) {
    LogInfo& log = logs_[index];
    const std::string& id = log.name;
    DistrictSummary& summary = districts_[index];
    Outcome &v17 = out(17, id), &v18 = out(18, id), &v19 = out(19, id), &v20 = out(20, id),
            &v21 = out(21, id), &v22 = out(22, id), &v23 = out(23, id), &v24 = out(24, id),
            &v25 = out(25, id);
    auto skip_dependents = [&](const std::string& why) {
        for (Outcome* o : {&v18, &v19, &v20, &v21, &v22, &v23, &v24, &v25}) o->skip(why);
    };
    FrameReader frames(dir_ / log.directory / "records.bin");
    if (!frames.opened()) {
        v11.fail(id + ": records.bin cannot be read");
        v17.skip("records.bin cannot be read");
        skip_dependents("records.bin cannot be read");
        return;
    }
    const auto style_it = style_of_.find(id);
    const ManifestStyle* style = style_it == style_of_.end() ? nullptr : style_it->second;
    // The shape of the district's tallies: its style's contests with the manifest's options.
    std::vector<std::pair<std::string, std::vector<std::string>>> shape;
    std::vector<std::uint32_t> vote_for;
    if (style) {
        for (const auto& c : style->contests) {
            const auto found = contest_of_.find(c);
            if (found == contest_of_.end()) continue;
            const ManifestContest* contest = found->second;
            std::vector<std::string> options;
            for (const auto& o : contest->options) options.push_back(o.first);
            shape.emplace_back(c, std::move(options));
            vote_for.push_back(contest->vote_for);
        }
    }
    std::vector<std::vector<Ciphertext>> sums(shape.size());
    for (std::size_t c = 0; c < shape.size(); ++c) sums[c].resize(shape[c].second.size());

    Polls polls = Polls::not_opened;
    bool tallied = false, has_result = false, decoded_all = true;
    std::map<std::string, Device> devices;
    std::unordered_set<IdDigest, IdDigestHash> ballot_ids;
    std::uint64_t cast = 0, challenged = 0;
    std::optional<DecodedTally> tally;
    std::map<std::uint32_t, PerOption<DecodedShare>> decryptions;
    Pending pending;
    RootBuilder tree;
    Bytes frame;
    std::string error;
    bool framed = true;

    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v11.fail(id + ": records.bin: " + error);
            framed = false;
            break;
        }
        const std::uint64_t i = tree.size();
        const Hash32 leaf = leaf_hash(frame);
        const std::uint8_t type = frame.empty() ? 0 : frame[0];
        std::string at = "record " + std::to_string(i);
        v17.count();
        auto undecodable = [&](const std::string& e) {
            v17.fail(at + ": " + e);
            decoded_all = false;
        };
        auto names_district = [&](const std::string& d) {
            if (d != id) v17.fail(at + ": names district '" + d + "'");
        };
        if (type == 0x02 || type == 0x03) {
            auto work = std::make_shared<BallotWork>();
            work->challenged = type == 0x03;
            auto decoded = decode_any_ballot(type == 0x03, frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                work->ballot = std::move(decoded->ballot);
                work->openings = std::move(decoded->openings);
                const DecodedBallot& b = work->ballot;
                at += " (ballot '" + b.ballot_id + "')";
                work->at = at;
                names_district(b.district_id);
                v18.count();
                if (polls != Polls::open)
                    v18.fail(at + ": a ballot while polls are " + polls_name(polls));
                const auto device = devices.find(b.device_id);
                if (device == devices.end())
                    v18.fail(at + ": device '" + b.device_id + "' is not registered");
                if (!ballot_ids.insert(id_digest(b.ballot_id)).second)
                    v18.fail(at + ": ballot id repeats");
                (type == 0x02 ? cast : challenged) += 1;
                // V19's structure here; its proofs on the queue.
                v19.count();
                bool structure = true;
                if (!(b.base_hash == base_hash_)) {
                    v19.fail(at + ": election_base_hash is not the base hash");
                    structure = false;
                }
                if (!style || b.style_id != style->id) {
                    v19.fail(at + ": ballot style '" + b.style_id + "' is not the district's");
                    structure = false;
                }
                if (structure && b.contests.size() != shape.size()) structure = false;
                for (std::size_t c = 0; structure && c < shape.size(); ++c) {
                    if (b.contests[c].id != shape[c].first ||
                        b.contests[c].selections.size() != shape[c].second.size()) {
                        structure = false;
                        break;
                    }
                    for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                        if (b.contests[c].selections[o].id != shape[c].second[o]) structure = false;
                }
                if (!structure && style && b.base_hash == base_hash_ && b.style_id == style->id)
                    v19.fail(at + ": contests or options are not the style's, in order");
                work->check_proofs = structure;
                work->vote_for = vote_for;
                if (structure && type == 0x02) {
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                            sums[c][o] = crypto::add_ciphertexts(
                                sums[c][o], b.contests[c].selections[o].ciphertext);
                }
                // V20: the key of the device's registration; V21: its chain.
                v20.count();
                v21.count();
                const Hash32 ballot_hash =
                    sha256_of(ByteSpan(frame).subspan(b.body_offset, b.body_size));
                const Hash32 code = next_tracking_code(b.previous, ballot_hash);
                if (device == devices.end()) {
                    v20.fail(at + ": no registration of device '" + b.device_id + "' before it");
                    v21.fail(at + ": no registration of device '" + b.device_id + "' before it");
                } else {
                    work->key = device->second.key;
                    if (!(b.previous == device->second.last_code))
                        v21.fail(at + ": does not chain to its device's last tracking code");
                    device->second.last_code = code;
                }
                if (type == 0x03) {
                    v22.count();
                    json::array contests;
                    for (std::size_t c = 0; c < b.contests.size(); ++c) {
                        json::array chosen;
                        for (std::size_t s = 0; s < b.contests[c].selections.size(); ++s)
                            if (c < work->openings.size() && s < work->openings[c].size() &&
                                work->openings[c][s].mark == 1)
                                chosen.emplace_back(b.contests[c].selections[s].id);
                        contests.push_back(json::object{{"contest_id", b.contests[c].id},
                                                        {"selections", std::move(chosen)}});
                    }
                    summary.challenged_entries.push_back(
                        json::object{{"district_id", id},
                                     {"log_index", static_cast<std::int64_t>(i)},
                                     {"ballot_id", b.ballot_id},
                                     {"device_id", b.device_id},
                                     {"ballot_style_id", b.style_id},
                                     {"timestamp", static_cast<std::int64_t>(b.timestamp)},
                                     {"ballot_hash", hex(ballot_hash)},
                                     {"tracking_code", display_tracking_code(code)},
                                     {"tracking_code_hex", hex(code)},
                                     {"contests", std::move(contests)}});
                }
                work->record = std::move(frame);
                frame = Bytes();
                pending.add();
                queue_->push([work, this, &pending, &v19, &v20, &v22] {
                    verify_ballot_work(*work, base_hash_, manifest_.joint_key, v19, v20, v22);
                    pending.done();
                });
            }
        } else if (type == 0x07) {
            const auto decoded = decode_registration(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                const DecodedRegistration& reg = *decoded;
                names_district(reg.district_id);
                v18.count();
                if (polls == Polls::closed) v18.fail(at + ": device registration after the close");
                if (devices.count(reg.device_id)) {
                    v18.fail(at + ": device '" + reg.device_id + "' registered again");
                } else {
                    devices[reg.device_id] = {reg.key,
                                              tracking_code_seed(base_hash_, reg.device_id)};
                }
            }
        } else if (type >= 0x08 && type <= 0x0B) {
            const auto decoded = decode_polls(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                const DecodedPolls& p = *decoded;
                names_district(p.district_id);
                v18.count();
                static constexpr const char* names[] = {"polls opened", "polls paused",
                                                        "polls resumed", "polls closed"};
                const char* what = names[type - 0x08];
                const bool allowed =
                    (type == 0x08 && polls == Polls::not_opened) ||
                    (type == 0x09 && polls == Polls::open) ||
                    (type == 0x0A && polls == Polls::paused) ||
                    (type == 0x0B && (polls == Polls::open || polls == Polls::paused));
                if (!allowed) v18.fail(at + ": " + what + " while polls are " + polls_name(polls));
                if (type != 0x08 && (p.cast != cast || p.challenged != challenged))
                    v18.fail(at + ": " + what + " with counts " + std::to_string(p.cast) + "/" +
                             std::to_string(p.challenged) + ", the log has " +
                             std::to_string(cast) + "/" + std::to_string(challenged));
                polls = type == 0x08 || type == 0x0A ? Polls::open
                        : type == 0x09               ? Polls::paused
                                                     : Polls::closed;
            }
        } else if (type == 0x0E) {
            auto decoded = decode_tally(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedTally& t = *decoded;
                at = "tally (record " + std::to_string(i) + ")";
                names_district(t.district_id);
                v18.count();
                if (polls != Polls::closed || tallied)
                    v18.fail(at + ": a tally while polls are " + polls_name(polls) +
                             (tallied ? ", already tallied" : ""));
                tallied = true;
                v23.count();
                if (t.log_size != i) v23.fail(at + ": log_size " + std::to_string(t.log_size));
                if (!(t.log_root == tree.root()))
                    v23.fail(at + ": log_root is not the root of the records before it");
                if (!log.checkpoints.count(i))
                    v23.fail(at + ": no checkpoint of size " + std::to_string(i));
                if (!style || t.style_id != style->id)
                    v23.fail(at + ": ballot style '" + t.style_id + "' is not the district's");
                if (t.counted != cast || t.challenged != challenged)
                    v23.fail(at + ": counts " + std::to_string(t.counted) + "/" +
                             std::to_string(t.challenged) + ", the log has " +
                             std::to_string(cast) + "/" + std::to_string(challenged));
                if (!same_shape(t.sums, shape)) {
                    v23.fail(at + ": contests or options are not the style's, in order");
                } else {
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o)
                            if (!(t.sums[c].second[o].second == sums[c][o]))
                                v23.fail(at + ": contest '" + shape[c].first + "' option '" +
                                         shape[c].second[o] +
                                         "': sum is not the sum of the cast ballots");
                }
                summary.tally_index = i;
                summary.tally_hash = leaf;
                summary.counted = t.counted;
                summary.challenged = t.challenged;
                tally = std::move(t);
            }
        } else if (type == 0x0F) {
            auto decoded = decode_decryption(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedDecryption& dec = *decoded;
                at += " (guardian " + std::to_string(dec.guardian) + ")";
                names_district(dec.district_id);
                v18.count();
                if (!tallied || has_result || decryptions.count(dec.guardian))
                    v18.fail(at + ": a tally decryption " +
                             (!tallied     ? "before the tally"
                              : has_result ? "after the result"
                                           : "by a guardian that decrypted already"));
                v24.count();
                const auto key = guardian_keys_.find(dec.guardian);
                if (key == guardian_keys_.end()) {
                    v24.fail(at + ": no such guardian");
                } else if (!crypto::verify_signature(
                               key->second, ByteSpan(frame).first(dec.body_size), dec.signature)) {
                    v24.fail(at + ": signature does not verify");
                }
                if (!tally) {
                    v24.fail(at + ": no tally before it");
                } else {
                    if (!(dec.tally_hash == summary.tally_hash))
                        v24.fail(at + ": tally_hash is not the tally's leaf hash");
                    if (!same_shape(dec.shares, shape) || !same_shape(tally->sums, shape)) {
                        v24.fail(at + ": contests or options are not the tally's, in order");
                    } else if (key != guardian_keys_.end()) {
                        const Point& share = public_shares_.at(dec.guardian);
                        for (std::size_t c = 0; c < shape.size(); ++c)
                            for (std::size_t o = 0; o < shape[c].second.size(); ++o) {
                                const DecodedShare& s = dec.shares[c].second[o].second;
                                if (!crypto::verify_equal_discrete_logs(
                                        base_hash_, u32be(dec.guardian), share,
                                        tally->sums[c].second[o].second.alpha, s.partial,
                                        {s.challenge, s.response}))
                                    v24.fail(at + ": contest '" + shape[c].first + "' option '" +
                                             shape[c].second[o] +
                                             "': decryption proof does not verify");
                            }
                    }
                }
                if (!decryptions.count(dec.guardian))
                    decryptions.emplace(dec.guardian, std::move(dec.shares));
            }
        } else if (type == 0x10) {
            auto decoded = decode_result(frame);
            if (!decoded) {
                undecodable(decoded.error().message);
            } else {
                DecodedResult& res = *decoded;
                at = "result (record " + std::to_string(i) + ")";
                names_district(res.district_id);
                v18.count();
                if (!tallied || has_result)
                    v18.fail(at + (!tallied ? ": a result before the tally" : ": a second result"));
                has_result = true;
                v25.count();
                bool usable = static_cast<bool>(tally);
                if (!tally) v25.fail(at + ": no tally before it");
                if (tally && !(res.tally_hash == summary.tally_hash))
                    v25.fail(at + ": tally_hash is not the tally's leaf hash");
                if (res.guardians.size() < manifest_.threshold)
                    v25.fail(at + ": " + std::to_string(res.guardians.size()) +
                             " guardians, fewer than the threshold");
                for (const std::uint32_t g : res.guardians)
                    if (!decryptions.count(g) || !same_shape(decryptions.at(g), shape)) {
                        v25.fail(at + ": guardian " + std::to_string(g) +
                                 " has no usable decryption before it");
                        usable = false;
                    }
                if (!same_shape(res.counts, shape) || (tally && !same_shape(tally->sums, shape))) {
                    v25.fail(at + ": contests or options are not the tally's, in order");
                    usable = false;
                }
                if (usable) {
                    // w_ℓ = Π_{j≠ℓ} j·(j − ℓ)⁻¹ (§4.10).
                    std::vector<Scalar> w;
                    for (const std::uint32_t l : res.guardians) {
                        Scalar num = Scalar::from_uint64(1), den = Scalar::from_uint64(1);
                        for (const std::uint32_t j : res.guardians) {
                            if (j == l) continue;
                            num = num * Scalar::from_uint64(j);
                            den = den * (Scalar::from_uint64(j) - Scalar::from_uint64(l));
                        }
                        w.push_back(num * den.invert().value());
                    }
                    for (std::size_t c = 0; c < shape.size(); ++c)
                        for (std::size_t o = 0; o < shape[c].second.size(); ++o) {
                            Point combined;
                            for (std::size_t q = 0; q < res.guardians.size(); ++q)
                                combined = combined + w[q] * decryptions.at(res.guardians[q])[c]
                                                                 .second[o]
                                                                 .second.partial;
                            const std::uint64_t count = res.counts[c].second[o].second;
                            const Point decrypted = tally->sums[c].second[o].second.beta - combined;
                            if (!(decrypted == Point::multiply_base(Scalar::from_uint64(count))))
                                v25.fail(at + ": contest '" + shape[c].first + "' option '" +
                                         shape[c].second[o] + "': count " + std::to_string(count) +
                                         " is not the decryption of the tally");
                        }
                }
                summary.result_index = i;
                summary.guardians = res.guardians;
                summary.counts = std::move(res.counts);
            }
        } else {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "0x%02x", type);
            undecodable(std::string("record type ") + buffer +
                        " does not belong in a district log");
        }
        tree.append(leaf);
        v11.count();
        if (auto it = log.checkpoints.find(tree.size()); it != log.checkpoints.end()) {
            if (!(it->second.root == tree.root()))
                v12.fail(id + ": checkpoint " + std::to_string(tree.size()) +
                         ": root is not the root of the first " + std::to_string(tree.size()) +
                         " records");
        }
        if (tree.size() % 256 == 0) {
            if (options_.progress) options_.progress(id, tree.size(), log.size);
            if (stop_requested()) break;
        }
    }
    pending.wait();
    finish_log_checks(log, tree, framed, v11, v12);
    if (options_.progress) options_.progress(id, tree.size(), log.size);
    if (!framed) {
        v17.skip("records.bin does not parse into frames (V11)");
        skip_dependents("records.bin does not parse into frames (V11)");
    } else if (!decoded_all) {
        skip_dependents("a record of the district does not decode (V17)");
    }
    summary.complete = framed && decoded_all;
}

// ---- V13–V15 -------------------------------------------------------------------------------

void Verifier::check_election_log() {
    Outcome &v13 = out(13), &v14 = out(14);
    const std::size_t nd = manifest_.districts.size();
    published_.assign(nd, {});
    std::map<std::string, std::size_t> index_of;
    for (std::size_t d = 0; d < nd; ++d) index_of[manifest_.districts[d].first] = d;
    bool complete = logs_[nd].readable;
    if (!complete) v13.skip("election/records.bin does not parse into frames (V11)");
    for (std::size_t i = 0; i < election_records_.size(); ++i) {
        const std::string at = "election record " + std::to_string(i);
        v13.count();
        const auto decoded = decode_district_checkpoint(election_records_[i]);
        if (!decoded) {
            v13.fail(at + ": " + decoded.error().message);
            complete = false;
            continue;
        }
        const DecodedDistrictCheckpoint& e = *decoded;
        const auto d = index_of.find(e.district_id);
        if (d == index_of.end()) {
            v13.fail(at + ": unknown district '" + e.district_id + "'");
            complete = false;
            continue;
        }
        const LogInfo& district = logs_[d->second];
        if (!district.key) {
            v13.fail(at + ": district " + e.district_id + " has no valid verifier key");
            continue;
        }
        auto opened = open_checkpoint(e.note, *district.key);
        if (!opened) {
            v13.fail(at + " (" + e.district_id + "): " + opened.error().message);
            continue;
        }
        const ParsedCheckpoint& cp = *opened;
        if (cp.origin != district.origin) v13.fail(at + ": origin '" + cp.origin + "'");
        const auto it = district.checkpoints.find(cp.size);
        if (it == district.checkpoints.end() ||
            !(it->second.note_hash == sha256_of(as_bytes(e.note))))
            v13.fail(at + ": not the note of size " + std::to_string(cp.size) + " in districts/" +
                     e.district_id + "/checkpoints.bin");
        auto& sizes = published_[d->second];
        if (!sizes.empty() && cp.size <= sizes.back())
            v13.fail(at + ": " + e.district_id + " size " + std::to_string(cp.size) +
                     " does not increase");
        else
            sizes.push_back(cp.size);
    }
    if (!complete) {
        v14.skip("the election log's records do not all decode (V13)");
        return;
    }
    for (std::size_t d = 0; d < nd; ++d) {
        v14.count();
        const std::uint64_t last = published_[d].empty() ? 0 : published_[d].back();
        if (last != logs_[d].size)
            v14.fail(logs_[d].name + " not covered: last published size " + std::to_string(last) +
                     ", log size " + std::to_string(logs_[d].size));
    }
}

void Verifier::check_consistency() {
    const std::size_t nd = manifest_.districts.size();
    for (std::size_t l = 0; l <= nd; ++l) {
        const LogInfo& log = logs_[l];
        Outcome& v15 = out(15, log.name);
        std::vector<std::uint64_t> sizes;
        if (l < nd) {
            sizes = published_[l];
        } else {
            for (const auto& [size, cp] : log.checkpoints) sizes.push_back(size);
        }
        auto data = read_file(dir_ / log.directory / "consistency.bin");
        if (!data) {
            v15.fail(log.name + ": consistency.bin cannot be read");
            continue;
        }
        Reader r(*data, log.name + ": consistency.bin");
        std::size_t entry = 0;
        while (r.ok() && r.position() < data->size()) {
            const std::uint64_t old_size = r.u64(), new_size = r.u64();
            const std::uint32_t count = r.u32();
            std::vector<Hash32> proof;
            for (std::uint32_t k = 0; k < count && r.ok(); ++k) proof.push_back(r.hash());
            if (!r.ok()) break;
            v15.count();
            const std::string at = log.name + ": consistency " + std::to_string(old_size) + " -> " +
                                   std::to_string(new_size);
            if (entry + 1 >= sizes.size() || sizes[entry] != old_size ||
                sizes[entry + 1] != new_size) {
                v15.fail(at + ": entry " + std::to_string(entry) + " is not the prescribed pair");
            } else {
                const auto a = log.checkpoints.find(old_size), b = log.checkpoints.find(new_size);
                if (a == log.checkpoints.end() || b == log.checkpoints.end()) {
                    v15.fail(at + ": no checkpoint of one of the sizes");
                } else if (!crypto::verify_consistency(old_size, new_size, a->second.root,
                                                       b->second.root, proof) ||
                           proof.empty()) {
                    v15.fail(at + ": proof does not verify");
                }
            }
            ++entry;
        }
        if (!r.ok()) v15.fail(r.error());
        const std::size_t expected = sizes.size() < 2 ? 0 : sizes.size() - 1;
        if (r.ok() && entry != expected)
            v15.fail(log.name + ": " + std::to_string(entry) + " consistency proofs, expected " +
                     std::to_string(expected));
    }
}

// ---- V26–V27 -------------------------------------------------------------------------------

// Where a derived file first differs from what the records say: "districts[1] (d2): contests".
std::string first_difference(const json::value& actual, const json::value& expected,
                             const std::string& at) {
    if (expected.is_object() && actual.is_object()) {
        const json::object &e = expected.get_object(), &a = actual.get_object();
        for (const auto& kv : e) {
            const json::value* x = a.if_contains(kv.key());
            const std::string inner = at + (at.empty() ? "" : ".") + std::string(kv.key());
            if (!x) return inner + ": missing";
            if (!(*x == kv.value())) return first_difference(*x, kv.value(), inner);
        }
        for (const auto& kv : a)
            if (!e.contains(kv.key())) return at + "." + std::string(kv.key()) + ": not expected";
    }
    if (expected.is_array() && actual.is_array()) {
        const json::array &e = expected.get_array(), &a = actual.get_array();
        if (e.size() != a.size())
            return at + ": " + std::to_string(a.size()) + " entries, expected " +
                   std::to_string(e.size());
        for (std::size_t i = 0; i < e.size(); ++i)
            if (!(a[i] == e[i]))
                return first_difference(a[i], e[i], at + "[" + std::to_string(i) + "]");
    }
    std::string shown = json::serialize(expected);
    if (shown.size() > 200) shown = shown.substr(0, 200) + "…";
    return at + ": expected " + shown;
}

json::array counts_json(const PerOption<std::uint64_t>& counts) {
    json::array out;
    for (const auto& [c, options] : counts) {
        json::array opts;
        for (const auto& [o, n] : options)
            opts.push_back(json::object{{"option_id", o}, {"count", static_cast<std::int64_t>(n)}});
        out.push_back(json::object{{"contest_id", c}, {"options", std::move(opts)}});
    }
    return out;
}

void Verifier::check_results_file() {
    Outcome& v26 = out(26);
    json::array districts;
    std::map<std::pair<std::string, std::string>, std::uint64_t> totals;
    bool complete = true;
    for (std::size_t d = 0; d < manifest_.districts.size(); ++d) {
        const DistrictSummary& s = districts_[d];
        json::object o;
        o["district_id"] = manifest_.districts[d].first;
        if (s.tally_index) {
            o["tally_index"] = static_cast<std::int64_t>(*s.tally_index);
            o["tally_hash"] = hex(s.tally_hash);
            o["ballots_counted"] = static_cast<std::int64_t>(s.counted);
            o["ballots_challenged"] = static_cast<std::int64_t>(s.challenged);
        } else {
            o["tally_index"] = nullptr;
            o["tally_hash"] = nullptr;
            o["ballots_counted"] = nullptr;
            o["ballots_challenged"] = nullptr;
        }
        if (s.result_index) {
            o["result_index"] = static_cast<std::int64_t>(*s.result_index);
        } else {
            o["result_index"] = nullptr;
            complete = false;
        }
        json::array guardians;
        for (const std::uint32_t g : s.guardians) guardians.push_back(std::int64_t{g});
        o["guardians"] = std::move(guardians);
        o["contests"] = counts_json(s.counts);
        for (const auto& [c, options] : s.counts)
            for (const auto& [op, n] : options) totals[{c, op}] += n;
        districts.push_back(std::move(o));
    }
    json::array total_list;
    for (const auto& c : manifest_.contests) {
        json::array opts;
        for (const auto& o : c.options) {
            const auto it = totals.find({c.id, o.first});
            opts.push_back(json::object{
                {"option_id", o.first},
                {"count", static_cast<std::int64_t>(it == totals.end() ? 0 : it->second)}});
        }
        total_list.push_back(json::object{{"contest_id", c.id}, {"options", std::move(opts)}});
    }
    const json::value expected = json::object{{"election_id", manifest_.election_id},
                                              {"complete", complete},
                                              {"districts", std::move(districts)},
                                              {"totals", std::move(total_list)}};
    std::string error;
    auto actual = read_json(dir_ / "results.json", error);
    v26.count();
    if (!actual) {
        v26.fail("results.json: " + error);
    } else if (!(*actual == expected)) {
        v26.fail("results.json differs from the records: " +
                 first_difference(*actual, expected, ""));
    }
}

void Verifier::check_challenged_file() {
    Outcome& v27 = out(27);
    json::array entries;
    for (const auto& s : districts_)
        for (const auto& e : s.challenged_entries) entries.push_back(e);
    const json::value expected =
        json::object{{"election_id", manifest_.election_id}, {"challenged_ballots", entries}};
    std::string error;
    auto actual = read_json(dir_ / "challenged-ballots.json", error);
    v27.count();
    if (!actual) {
        v27.fail("challenged-ballots.json: " + error);
    } else if (!(*actual == expected)) {
        v27.fail("challenged-ballots.json differs from the records: " +
                 first_difference(*actual, expected, ""));
    }
}

// ---- The bridge log: V28 --------------------------------------------------------------------

// What an anchor transaction (0x12) or confirmation (0x13) says of its intent.
struct AnchorReference {
    std::uint64_t intent = 0;
    Hash32 transaction_id;
};

Result<AnchorReference> decode_anchor_reference(std::uint8_t type, ByteSpan frame) {
    if (type == 0x12) {
        PSEPHOS_TRY_ASSIGN(const DecodedAnchorTransaction t, decode_anchor_transaction(frame));
        return AnchorReference{t.intent, t.transaction_id};
    }
    PSEPHOS_TRY_ASSIGN(const DecodedAnchorConfirmation c, decode_anchor_confirmation(frame));
    return AnchorReference{c.intent, c.transaction_id};
}

// Every record of the bridge log is an anchor intent, transaction or confirmation that the
// ledger's state machine admits (docs/encoding.md §20–§22): an intent names this election and one
// of the election checkpoints the record holds, once per chain and payload, with one kind and
// network per chain; a transaction or confirmation belongs to an earlier intent that is not yet
// confirmed, and a confirmation to one of its transactions.
void Verifier::check_anchors() {
    Outcome& v28 = out(28);
    const auto bridge = std::find_if(logs_.begin(), logs_.end(),
                                     [](const LogInfo& l) { return l.name == "/bridge"; });
    if (bridge == logs_.end()) return;  // nothing was anchored when the record was exported
    if (!bridge->readable) {
        v28.skip("bridge/records.bin does not parse into frames (V11)");
        return;
    }
    const LogInfo& election = logs_[manifest_.districts.size()];
    struct Intent {
        std::string chain, network;
        std::uint8_t kind = 0;
        Bytes payload;
        std::set<Hash32> transactions;
        bool confirmed = false;
    };
    std::map<std::uint64_t, Intent> intents;
    std::map<std::string, std::pair<std::uint8_t, std::string>> chains;
    for (std::uint64_t i = 0; i < bridge_records_.size(); ++i) {
        const Bytes& frame = bridge_records_[i];
        const std::string at = "bridge record " + std::to_string(i);
        v28.count();
        const std::uint8_t type = frame.empty() ? 0 : frame[0];
        if (type == 0x11) {
            const auto decoded = decode_anchor_intent(frame);
            if (!decoded) {
                v28.fail(at + ": " + decoded.error().message);
                continue;
            }
            const DecodedAnchorIntent& a = *decoded;
            if (!(a.anchored.digest == base_hash_))
                v28.fail(at + ": the payload's election digest is not the base hash");
            const auto cp = election.checkpoints.find(a.anchored.size);
            if (cp == election.checkpoints.end())
                v28.fail(at + ": the record has no election checkpoint of size " +
                         std::to_string(a.anchored.size));
            else if (!(cp->second.root == a.anchored.root))
                v28.fail(at + ": the payload's root is not the election checkpoint's of size " +
                         std::to_string(a.anchored.size));
            for (const auto& [index, earlier] : intents)
                if (earlier.chain == a.chain && earlier.payload == a.payload)
                    v28.fail(at + ": a second intent for chain '" + a.chain +
                             "' and this payload (first: record " + std::to_string(index) + ")");
            const auto known = chains.emplace(a.chain, std::make_pair(a.kind, a.network));
            if (!known.second && known.first->second != std::make_pair(a.kind, a.network))
                v28.fail(at + ": chain '" + a.chain +
                         "' was recorded with another kind or network");
            intents[i] = {a.chain, a.network, a.kind, a.payload, {}, false};
        } else if (type == 0x12 || type == 0x13) {
            const auto reference = decode_anchor_reference(type, frame);
            if (!reference) {
                v28.fail(at + ": " + reference.error().message);
                continue;
            }
            const std::uint64_t intent = reference->intent;
            const auto it = intents.find(intent);
            if (it == intents.end()) {
                v28.fail(at + ": bridge record " + std::to_string(intent) +
                         " is not an earlier anchor intent");
                continue;
            }
            if (it->second.confirmed) {
                v28.fail(at + ": intent " + std::to_string(intent) + " is already confirmed");
                continue;
            }
            if (type == 0x12) {
                if (!it->second.transactions.insert(reference->transaction_id).second)
                    v28.fail(at + ": transaction " + hex(reference->transaction_id) +
                             " recorded twice");
            } else if (!it->second.transactions.count(reference->transaction_id)) {
                v28.fail(at + ": confirms " + hex(reference->transaction_id) +
                         ", not a recorded transaction of intent " + std::to_string(intent));
            } else {
                it->second.confirmed = true;
            }
        } else {
            v28.fail(at + ": record type " + std::to_string(type) + " is not a bridge record");
        }
    }
}

// ---- The run -------------------------------------------------------------------------------

VerifyReport Verifier::run() {
    crypto::initialize();
    for (int n = 1; n <= 10; ++n) out(n);
    if (!check_record_format()) {
        skip_from(2, "record.json is not usable (V1)");
    } else {
        check_file_list();
        check_file_hashes();
        if (!check_manifest()) {
            skip_from(5, "manifest.bin does not decode (V4)");
        } else {
            check_ceremony();
            if (!check_log_list()) {
                skip_from(11, "record.json's logs are not the manifest's (V10)");
            } else {
                const std::size_t nd = manifest_.districts.size();
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
                districts_.resize(nd);

                unsigned threads = options_.threads
                                       ? options_.threads
                                       : std::max(1U, std::thread::hardware_concurrency());
                queue_ = std::make_unique<WorkQueue>(threads > 1 ? threads : 0, 64U * threads);
                // Readers: the districts' heavy work is on the queue, so a few suffice; the
                // largest logs first would be better, but sizes are not known to be honest.
                const unsigned readers = static_cast<unsigned>(
                    std::min<std::size_t>(std::max(1U, threads), logs_.size()));
                std::atomic<std::size_t> next{0};
                {
                    std::vector<std::jthread> workers;
                    for (unsigned t = 0; t < readers; ++t)
                        workers.emplace_back([&] {
                            for (std::size_t i = next++; i < logs_.size() && !stop_requested();
                                 i = next++)
                                read_log(i);
                        });
                }
                queue_.reset();
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
        }
    }
    std::vector<std::string> scope_order = {""};
    for (const auto& log : logs_) scope_order.push_back(log.name);
    VerifyReport report;
    report.cancelled = stop_requested();
    report.anchored =
        !options_.trusted_verifier_keys.empty() || !options_.trusted_election_checkpoint.empty();
    for (auto& [key, outcome] : outcomes_)
        report.checks.push_back(outcome->take(key.first, key.second));
    std::stable_sort(report.checks.begin(), report.checks.end(),
                     [&](const CheckOutcome& a, const CheckOutcome& b) {
                         const int na = std::stoi(a.id.substr(1)), nb = std::stoi(b.id.substr(1));
                         if (na != nb) return na < nb;
                         const auto pa = std::find(scope_order.begin(), scope_order.end(), a.scope);
                         const auto pb = std::find(scope_order.begin(), scope_order.end(), b.scope);
                         return pa < pb;
                     });
    return report;
}

}  // namespace

VerifyReport verify_election_record(const std::filesystem::path& dir,
                                    const VerifyOptions& options) {
    Verifier verifier(dir, options);
    return verifier.run();
}

}  // namespace psephos::verifier
