// The election manifest's JSON form (docs/election-manifest.md): reading it with every problem
// reported by JSON path (manifest_reader.hpp over the strict document of manifest_json.hpp), and
// writing it back.
#include "psephos/election/election_manifest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <span>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "manifest_reader.hpp"

namespace psephos::election {

using namespace manifest_detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Writing

// A JSON value to be written: the writer builds one of these, then prints it. Members are a
// separate struct because a vector may hold an incomplete type but std::pair may not.
struct OutMember;
struct OutValue {
    enum class Type { string, integer, array, object } type = Type::string;
    std::string text;                // the string, or the integer's digits
    std::vector<OutMember> members;  // object members or array items
};
struct OutMember {
    std::string key;  // empty for array items
    OutValue value;
};

OutValue out_string(std::string s) { return {OutValue::Type::string, std::move(s), {}}; }
OutValue out_integer(std::uint64_t n) { return {OutValue::Type::integer, std::to_string(n), {}}; }
OutValue out_array() { return {OutValue::Type::array, {}, {}}; }
OutValue out_object() { return {OutValue::Type::object, {}, {}}; }
void add(OutValue& container, std::string key, OutValue value) {
    container.members.push_back(OutMember{std::move(key), std::move(value)});
}

// JSON string escaping as Python's json.dumps(ensure_ascii=False) does it, so that files
// written by either tool are byte for byte the same.
void write_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void write_value(std::string& out, const OutValue& v, std::size_t depth) {
    switch (v.type) {
        case OutValue::Type::string:
            write_string(out, v.text);
            return;
        case OutValue::Type::integer:
            out += v.text;
            return;
        case OutValue::Type::array:
        case OutValue::Type::object:
            break;
    }
    const bool object = v.type == OutValue::Type::object;
    if (v.members.empty()) {
        out += object ? "{}" : "[]";
        return;
    }
    out += object ? '{' : '[';
    const std::string indent(2 * (depth + 1), ' ');
    for (std::size_t i = 0; i < v.members.size(); ++i) {
        out += i == 0 ? "\n" : ",\n";
        out += indent;
        if (object) {
            write_string(out, v.members[i].key);
            out += ": ";
        }
        write_value(out, v.members[i].value, depth + 1);
    }
    out += '\n';
    out += std::string(2 * depth, ' ');
    out += object ? '}' : ']';
}

void add_localized(OutValue& object, const std::string& field, const LocalizedText& text) {
    add(object, field, out_string(text.text));
    if (text.translations.empty()) return;
    OutValue translations = out_object();
    for (const auto& [tag, t] : text.translations) add(translations, tag, out_string(t));
    add(object, field + "_translations", std::move(translations));
}

OutValue out_strings(const std::vector<std::string>& items) {
    OutValue a = out_array();
    for (const auto& s : items) add(a, {}, out_string(s));
    return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const District* ElectionManifest::find_district(std::string_view id) const {
    for (const auto& d : districts) {
        if (d.id == id) return &d;
    }
    return nullptr;
}

const Contest* ElectionManifest::find_contest(std::string_view id) const {
    for (const auto& c : contests) {
        if (c.id == id) return &c;
    }
    return nullptr;
}

const BallotStyle* ElectionManifest::ballot_style_of_district(std::string_view district_id) const {
    for (const auto& s : ballot_styles) {
        if (std::find(s.districts.begin(), s.districts.end(), district_id) != s.districts.end()) {
            return &s;
        }
    }
    return nullptr;
}

std::vector<ManifestProblem> parse_manifest_problems(std::string_view json_text) {
    return parse(json_text).problems;
}

Result<ElectionManifest> parse_manifest(std::string_view json_text) {
    Outcome outcome = parse(json_text);
    if (!outcome.problems.empty() || !outcome.manifest) {
        return make_error(outcome.code, join_problems(outcome.problems, ""));
    }
    return std::move(*outcome.manifest);
}

Result<ElectionManifest> load_manifest_file(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        return make_error(ErrorCode::io_error, path + ": " + ec.message());
    }
    if (!std::filesystem::exists(status)) {
        return make_error(ErrorCode::not_found, path + ": no such file");
    }
    if (std::filesystem::is_directory(status)) {
        return make_error(ErrorCode::io_error, path + ": is a directory, not a manifest file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::io_error, path + ": cannot open for reading");
    // Read at most one byte past the limit, whatever the file claims its size to be (a pipe or
    // a growing file has none that can be trusted).
    std::string text;
    std::array<char, 65536> buffer{};
    while (text.size() <= max_manifest_bytes) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        text.append(buffer.data(), std::min(got, max_manifest_bytes + 1 - text.size()));
        if (!in) break;
    }
    if (in.bad()) return make_error(ErrorCode::io_error, path + ": read error");
    if (text.size() > max_manifest_bytes) {
        return make_error(ErrorCode::invalid_argument, path + ": more than the limit of " +
                                                           std::to_string(max_manifest_bytes) +
                                                           " bytes (4 MiB) for a manifest");
    }
    Outcome outcome = parse(text);
    if (!outcome.problems.empty() || !outcome.manifest) {
        return make_error(outcome.code, join_problems(outcome.problems, path + ": "));
    }
    return std::move(*outcome.manifest);
}

std::string manifest_to_json(const ElectionManifest& m) {
    OutValue root = out_object();
    add(root, "format", out_string(std::string(manifest_format)));
    add(root, "election_id", out_string(m.election_id));
    add(root, "name", out_string(m.name));
    add(root, "start_date", out_string(m.start_date));
    add(root, "end_date", out_string(m.end_date));

    OutValue districts = out_array();
    for (const auto& d : m.districts) {
        OutValue o = out_object();
        add(o, "id", out_string(d.id));
        add(o, "name", out_string(d.name));
        add(districts, {}, std::move(o));
    }
    add(root, "districts", std::move(districts));

    OutValue contests = out_array();
    for (const auto& c : m.contests) {
        OutValue o = out_object();
        add(o, "id", out_string(c.id));
        add_localized(o, "title", c.title);
        add(o, "kind",
            out_string(c.kind == ContestKind::ballot_measure ? "ballot_measure" : "candidate"));
        add(o, "vote_for", out_integer(c.vote_for));
        OutValue options = out_array();
        for (const auto& opt : c.options) {
            OutValue oo = out_object();
            add(oo, "id", out_string(opt.id));
            add_localized(oo, "label", opt.label);
            add(options, {}, std::move(oo));
        }
        add(o, "options", std::move(options));
        add(contests, {}, std::move(o));
    }
    add(root, "contests", std::move(contests));

    OutValue styles = out_array();
    for (const auto& s : m.ballot_styles) {
        OutValue o = out_object();
        add(o, "id", out_string(s.id));
        add(o, "districts", out_strings(s.districts));
        add(o, "contests", out_strings(s.contests));
        add(styles, {}, std::move(o));
    }
    add(root, "ballot_styles", std::move(styles));

    OutValue guardians = out_object();
    add(guardians, "count", out_integer(m.guardian_count));
    add(guardians, "threshold", out_integer(m.threshold));
    add(root, "guardians", std::move(guardians));

    if (m.polls) {
        OutValue polls = out_object();
        add(polls, "close_requires", out_integer(m.polls->close_requires));
        add(root, "polls", std::move(polls));
    }

    if (m.ceremony) {
        OutValue ceremony = out_object();
        add(ceremony, "joint_key", out_string(to_base64(m.ceremony->joint_key.bytes())));
        OutValue records = out_array();
        for (const auto& g : m.ceremony->guardians) {
            OutValue o = out_object();
            add(o, "index", out_integer(g.index));
            add(o, "identity_key", out_string(to_base64(g.identity_key.span())));
            OutValue commitments = out_array();
            for (const auto& k : g.commitments.commitments) {
                add(commitments, {}, out_string(to_base64(k.bytes())));
            }
            add(o, "commitments", std::move(commitments));
            OutValue proofs = out_array();
            for (const auto& p : g.commitments.proofs) {
                add(proofs, {}, out_string(to_base64(p.to_bytes())));
            }
            add(o, "proofs", std::move(proofs));
            add(records, {}, std::move(o));
        }
        add(ceremony, "guardians", std::move(records));
        add(root, "ceremony", std::move(ceremony));
    }

    std::string out;
    write_value(out, root, 0);
    out += '\n';
    return out;
}

}  // namespace psephos::election
