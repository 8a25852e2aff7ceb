// The manifest reader (private to the election library): reads the strict JSON document into an
// ElectionManifest, reporting every problem by JSON path (docs/election-manifest.md).
#pragma once

#include <initializer_list>
#include <map>
#include <stdexcept>
#include <utility>

#include "manifest_json.hpp"

namespace psephos::election::manifest_detail {

bool is_id(std::string_view s);
// A BCP 47 tag in the simple form kiosks use ("es", "fr-CA", "zh-Hant", "es-419").
bool is_language_tag(std::string_view s);
bool is_date(std::string_view s);  // YYYY-MM-DD, a real date

struct FieldSpec {
    std::string_view name;
    bool required;
};

// The members of one object that matched the allowed fields, by name.
class Members {
public:
    explicit Members(std::initializer_list<FieldSpec> fields) {
        for (const auto& f : fields) found_.emplace_back(f.name, nullptr);
    }
    const Node* operator[](std::string_view name) const {
        for (const auto& [n, node] : found_) {
            if (n == name) return node;
        }
        throw std::logic_error("Members: field not declared: " + std::string(name));
    }
    bool set(std::string_view name, const Node* node) {
        for (auto& [n, slot] : found_) {
            if (n == name) {
                slot = node;
                return true;
            }
        }
        return false;
    }

private:
    std::vector<std::pair<std::string_view, const Node*>> found_;
};

inline std::string member_path(const std::string& parent, std::string_view field) {
    return parent.empty() ? std::string(field) : parent + "." + std::string(field);
}

inline std::string element_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// What the reader knows of each district, contest and ballot style, valid or not, so that the
// cross-references are checked without repeating problems already reported.
struct Seen {
    std::optional<std::string> id;  // present when "id" was a string within the size limit
    std::string path;
};

class ManifestReader {
public:
    explicit ManifestReader(const Document& document) : doc_(document) {}

    std::optional<ElectionManifest> read();

    std::vector<ManifestProblem> problems() const {
        std::vector<ManifestProblem> out = problems_;
        if (problem_count_ > problems_.size()) {
            out.push_back({"manifest", "and " + std::to_string(problem_count_ - problems_.size()) +
                                           " more problems not listed"});
        }
        return out;
    }

private:
    void report(const std::string& path, std::string reason) {
        ++problem_count_;
        if (problems_.size() < max_problems_listed) {
            problems_.push_back({path.empty() ? std::string("manifest") : path, std::move(reason)});
        }
    }
    void wrong_type(const Node& node, const std::string& path, std::string_view expected) {
        report(path, "expected " + std::string(expected) + ", got " + describe(node.kind));
    }

    std::optional<Members> read_object(const Node& node, const std::string& path,
                                       std::initializer_list<FieldSpec> fields);
    std::optional<std::span<const Node>> read_array(const Node& node, const std::string& path,
                                                    std::size_t max_entries, bool allow_empty);
    std::optional<std::string> read_string(const Node& node, const std::string& path);
    std::optional<std::string> read_text(const Node& node, const std::string& path);
    std::optional<std::string> read_id(const Node& node, const std::string& path);
    std::optional<std::string> read_date(const Node& node, const std::string& path);
    std::optional<std::int64_t> read_integer(const Node& node, const std::string& path,
                                             std::int64_t min, std::int64_t max,
                                             const std::string& max_description);
    std::optional<Bytes> read_base64(const Node& node, const std::string& path, std::size_t size);
    std::optional<LocalizedText> read_localized(const Node* text, const Node* translations,
                                                const std::string& text_path,
                                                const std::string& translations_path);

    void read_districts(const Node& node, ElectionManifest& out);
    void read_contests(const Node& node, ElectionManifest& out);
    std::optional<Contest> read_contest(const Node& node, const std::string& path, Seen& seen);
    void read_ballot_styles(const Node& node, ElectionManifest& out);
    void check_coverage();
    void read_guardians(const Node& node, ElectionManifest& out);
    std::optional<PollsRules> read_polls(const Node& node);
    std::optional<CeremonyRecord> read_ceremony(const Node& node, const ElectionManifest& out);
    // What read_ceremony_guardian checks across the entries of ceremony.guardians.
    struct CeremonyEntries {
        std::string path;  // "ceremony.guardians"
        std::int64_t max_index = 0;
        std::string max_index_description;
        std::map<std::int64_t, std::size_t> index_at;
        std::vector<std::pair<crypto::Ed25519PublicKey, std::size_t>> identity_keys;
    };
    // Entry i of ceremony.guardians; nullopt, its problems reported, unless it is complete.
    std::optional<GuardianRecord> read_ceremony_guardian(const Node& entry, std::size_t i,
                                                         const ElectionManifest& out,
                                                         CeremonyEntries& entries);

    const Document& doc_;
    std::vector<ManifestProblem> problems_;
    std::size_t problem_count_ = 0;

    std::vector<Seen> districts_, contests_;
    bool districts_read_ = false, contests_read_ = false;
    // For each ballot style: its name for messages, and the district and contest ids it lists.
    struct StyleSeen {
        std::string name;
        std::vector<std::string> districts, contests;
    };
    std::vector<StyleSeen> styles_;
    bool style_districts_complete_ = false, style_contests_complete_ = false;
    bool guardians_valid_ = false;
};

// Both parse_manifest and parse_manifest_problems: the manifest, or the problems and the code.
struct Outcome {
    std::optional<ElectionManifest> manifest;
    std::vector<ManifestProblem> problems;
    ErrorCode code = ErrorCode::invalid_argument;
};

// The manifest, or every problem found, from its JSON text.
Outcome parse(std::string_view json_text);
std::string join_problems(const std::vector<ManifestProblem>& problems, const std::string& prefix);

}  // namespace psephos::election::manifest_detail
