// V1–V3 (docs/election-record.md §5): record.json's form, the list of files against the layout
// and the directory, and each file's size and SHA-256.
#include <sodium.h>
#include <algorithm>
#include <set>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

bool Verifier::check_record_format() {
    Outcome& v1 = out(1);
    std::string error;
    auto r = read_json(dir_, "record.json", max_record_json_bytes, error);
    if (!r) {
        v1.fail(error);
        return false;
    }
    record_ = std::move(*r);
    v1.count();
    // "county" and "witnesses" are optional (§3.9), between "logs" and "files".
    const bool has_county = record_.is_object() && record_.get_object().contains("county");
    const bool has_witnesses = record_.is_object() && record_.get_object().contains("witnesses");
    const bool members_ok =
        has_county
            ? (has_witnesses
                   ? has_members(record_, {"format", "election_id", "base_hash", "ceremony_hash",
                                           "joint_key", "guardian_count", "threshold", "logs",
                                           "county", "witnesses", "files"})
                   : has_members(record_, {"format", "election_id", "base_hash", "ceremony_hash",
                                           "joint_key", "guardian_count", "threshold", "logs",
                                           "county", "files"}))
        : has_witnesses
            ? has_members(record_,
                          {"format", "election_id", "base_hash", "ceremony_hash", "joint_key",
                           "guardian_count", "threshold", "logs", "witnesses", "files"})
            : has_members(record_, {"format", "election_id", "base_hash", "ceremony_hash",
                                    "joint_key", "guardian_count", "threshold", "logs", "files"});
    if (!members_ok) {
        v1.fail("record.json: not an object with exactly the members of §3.4, in order");
        if (!record_.is_object()) return false;
    }
    const json::object& o = record_.get_object();
    auto get = [&](std::string_view k) -> const json::value* { return o.if_contains(k); };
    if (!get("format") || as_string(*get("format")) != "psephos-election-record-v2")
        v1.fail("record.json: format is not \"psephos-election-record-v2\"");
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
    if (!read_attestation_members(v1)) usable = false;
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
    for (const auto& l : record_.at("logs").get_array()) {
        const std::string d = as_string(l.at("directory"));
        required.insert(d + "/records.bin");
        required.insert(d + "/checkpoints.bin");
        const std::string name = as_string(l.at("name"));
        if (name != "/events" && name != "/bridge") required.insert(d + "/consistency.bin");
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
    const auto& files = record_.at("files").get_array();
    for (std::size_t i = 0; i < files.size(); ++i)
        if (!owners || owners->count(owner_of_file(as_string(files[i].at("path")))))
            hash_file(i, files[i]);
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

void Verifier::hash_file(std::size_t index, const json::value& f) {
    const std::string path = as_string(f.at("path"));
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
    if (file.size() != as_u64(f.at("bytes")).value_or(~0ULL)) {
        fail(path + ": size " + std::to_string(file.size()) + ", record.json says " +
             json::serialize(f.at("bytes")));
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
    } else if (h.to_hex() != as_string(f.at("sha256"))) {
        fail(path + ": sha256 differs");
    }
}

}  // namespace psephos::verifier::detail
