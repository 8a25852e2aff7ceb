// V1–V3 (docs/election-record.md §5): record.json's form, the list of files against the layout
// and the directory, and each file's size and SHA-256.
#include <sodium.h>
#include <algorithm>
#include <set>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

constexpr std::size_t max_listed = max_record_json_bytes;  // the file's size bounds the lists

// One entry of "logs" or "files", with its own reader so that V1 names every entry that does not
// read, not only the first; false if it does not.
bool read_log_entry(const json::value& v, std::size_t i, RecordIndexLog& log, Outcome& v1) {
    FieldReader l(v, "record.json", psephos::json::element_path("$.logs", i));
    log.name = l.text("name");
    log.origin = l.text("origin");
    log.verifier_key = l.text("verifier_key");
    log.size = l.number("size");
    log.root_hex = l.hash("root").to_hex();
    log.directory = l.text("directory");
    const Status read = l.finish();
    if (!read) v1.fail(read.error().message);
    return read.ok();
}

bool read_file_entry(const json::value& v, std::size_t i, RecordIndexFile& file, Outcome& v1) {
    FieldReader f(v, "record.json", psephos::json::element_path("$.files", i));
    file.path = f.text("path");
    file.bytes = f.number("bytes");
    file.sha256_hex = f.hash("sha256").to_hex();
    const Status read = f.finish();
    if (!read) v1.fail(read.error().message);
    return read.ok();
}

}  // namespace

bool Verifier::check_record_format() {
    Outcome& v1 = out(1);
    std::string error;
    auto r = read_json(dir_, "record.json", max_record_json_bytes, error);
    if (!r) {
        v1.fail(error);
        return false;
    }
    const json::value& doc = *r;
    v1.count();
    // The members of §3.4 and, optionally, §3.9's "county" and "witnesses" (read below).
    FieldReader top(doc, "record.json");
    if (!top.ok()) {
        v1.fail(top.status().error().message);
        return false;
    }
    const std::string format = top.text("format");
    if (top.ok() && format != "psephos-election-record-v2")
        top.fail_at("format", "expected \"psephos-election-record-v2\"");
    record_.election_id = top.text("election_id");
    record_.base_hash_hex = top.hash("base_hash").to_hex();
    record_.ceremony_hash_hex = top.hash("ceremony_hash").to_hex();
    record_.joint_key_hex = top.hash("joint_key").to_hex();
    record_.guardian_count = top.number("guardian_count");
    record_.threshold = top.number("threshold");
    // A member of the wrong type left empty: V4–V7 compare it with the manifest and fail.
    const bool scalars_present =
        top.has("election_id") && top.has("guardian_count") && top.has("threshold");
    const json::array* logs = top.array("logs", max_listed);
    const json::array* files = top.array("files", max_listed);
    top.allow({"county", "witnesses"});
    const Status read = top.finish();
    if (!read) v1.fail(read.error().message);
    bool usable = logs != nullptr && files != nullptr;
    if (logs != nullptr) {
        record_.logs.resize(logs->size());
        for (std::size_t i = 0; i < logs->size(); ++i)
            usable = read_log_entry((*logs)[i], i, record_.logs[i], v1) && usable;
    }
    if (files != nullptr) {
        record_.files.resize(files->size());
        for (std::size_t i = 0; i < files->size(); ++i)
            usable = read_file_entry((*files)[i], i, record_.files[i], v1) && usable;
    }
    if (!read_attestation_members(doc, v1)) usable = false;
    return usable && scalars_present;
}

void Verifier::check_file_list() {
    Outcome& v2 = out(2);
    std::vector<std::string> paths;
    for (const auto& f : record_.files) paths.push_back(f.path);
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
        if (bad) {
            v2.fail("files: '" + p + "' is not a relative path");
            refused_files_.insert(p);
        }
    }
    for (std::size_t i = 1; i < paths.size(); ++i)
        if (!(paths[i - 1] < paths[i]))
            v2.fail("files: '" + paths[i] + "' is not after '" + paths[i - 1] + "'");
    std::set<std::string> required = {"manifest.json", "manifest.bin", "authority.bin",
                                      "results.json", "challenged-ballots.json"};
    for (const auto& l : record_.logs) {
        const std::string& d = l.directory;
        required.insert(d + "/records.bin");
        required.insert(d + "/checkpoints.bin");
        if (l.name != "/events" && l.name != "/bridge") required.insert(d + "/consistency.bin");
    }
    attestation_files(required);
    const std::set<std::string> listed(paths.begin(), paths.end());
    for (const auto& p : required)
        if (!listed.count(p)) v2.fail("files: '" + p + "' is required but not listed");
    for (const auto& p : listed)
        if (!required.count(p)) v2.fail("files: '" + p + "' is listed but not part of the layout");
    std::set<std::string> present;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        // Lexically: fs::relative would resolve a link to where it points.
        const std::string rel = it->path().lexically_relative(dir_).generic_string();
        const std::string name = it->path().filename().string();
        if (it->is_symlink()) {
            v2.fail(rel + ": a symbolic link");
            refused_files_.insert(rel);
            continue;
        }
        if (name.rfind(".partial", 0) == 0) v2.fail(rel + ": a partial export");
        if (it->is_regular_file()) {
            present.insert(rel);
            v2.count();
        } else if (!it->is_directory()) {
            v2.fail(rel + ": not a regular file or directory");
            refused_files_.insert(rel);
        }
    }
    if (ec) v2.fail("the record's directory cannot be listed: " + ec.message());
    required.insert("record.json");
    for (const auto& p : present)
        if (!required.count(p)) v2.fail(p + ": a file the record does not have");
    for (const auto& p : required)
        if (!present.count(p) && !refused_by_file_list(p)) v2.fail(p + ": missing");
}

bool Verifier::refused_by_file_list(const std::string& path) const {
    for (const std::string& refused : refused_files_)
        if (path == refused || (path.size() > refused.size() && path.starts_with(refused) &&
                                path[refused.size()] == '/'))
            return true;
    return false;
}

std::size_t Verifier::owner_of_file(const std::string& path) const {
    if (directory_owner_.empty())
        for (std::size_t d = 0; d < districts_.size(); ++d)
            directory_owner_.emplace(logs_[d].directory, d);
    // The file's directory, then each one above it, against the districts' log directories.
    for (std::size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1)) {
        const auto it = directory_owner_.find(path.substr(0, slash));
        if (it != directory_owner_.end()) return it->second;
    }
    return logs_.size();
}

void Verifier::hash_files(const std::set<std::size_t>* owners) {
    const auto& files = record_.files;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (!owners || owners->count(owner_of_file(files[i].path))) hash_file(i, files[i]);
}

void Verifier::apply_file_hashes() {
    Outcome& v3 = out(3);
    v3.count(files_hashed_);
    std::stable_sort(file_failures_.begin(), file_failures_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [index, message] : file_failures_) v3.fail(std::move(message));
    file_failures_.clear();
    files_hashed_ = 0;
}

void Verifier::hash_file(std::size_t index, const RecordIndexFile& f) {
    const std::string& path = f.path;
    ++files_hashed_;
    const auto fail = [&](std::string message) {
        file_failures_.emplace_back(index, std::move(message));
    };
    if (refused_by_file_list(path)) {
        fail(path + ": not read, as it failed the listing check (V2)");
        return;
    }
    auto opened = crypto::RecordFile::open(dir_, path);
    if (!opened) {
        fail(opened.error().message);
        return;
    }
    crypto::RecordFile& file = *opened;
    // The size first, from fstat: a file of the wrong size is not read.
    if (file.size() != f.bytes) {
        fail(path + ": size " + std::to_string(file.size()) + ", record.json says " +
             std::to_string(f.bytes));
        return;
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<std::uint8_t> buffer(std::size_t{1} << 16);
    std::optional<std::string> error;
    while (true) {
        auto n = file.read_some(buffer);
        if (!n) {
            error = n.error().message;
            break;
        }
        if (*n == 0) break;
        crypto_hash_sha256_update(&state, buffer.data(), *n);
    }
    Hash32 h;
    crypto_hash_sha256_final(&state, h.bytes.data());
    if (error) {
        fail(*error);
    } else if (h.to_hex() != f.sha256_hex) {
        fail(path + ": sha256 differs");
    }
}

}  // namespace psephos::verifier::detail
