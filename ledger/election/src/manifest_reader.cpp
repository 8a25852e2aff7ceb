// The manifest reader (manifest_reader.hpp): validation of ids, tags and dates, the typed field
// readers, and the whole read; the manifest's sections are in manifest_sections.cpp.
#include "manifest_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>
#include <set>
#include <system_error>
#include <utility>

#include "psephos/crypto/bytes.hpp"

namespace psephos::election::manifest_detail {

bool is_id(std::string_view s) {
    if (s.empty() || s.size() > max_id_length) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// A BCP 47 tag in the simple form kiosks use: a 2–3 letter lowercase language, then subtags of
// 1–8 letters or digits ("es", "fr-CA", "zh-Hant", "es-419"); at most 35 characters.
bool is_language_tag(std::string_view s) {
    if (s.empty() || s.size() > 35) return false;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i < 2 || i > 3) return false;
    while (i < s.size()) {
        if (s[i] != '-') return false;
        const std::size_t start = ++i;
        while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
        if (i - start < 1 || i - start > 8) return false;
    }
    return true;
}

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    }
    auto number = [&](std::size_t at, std::size_t len) {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + ((month == 2 && leap) ? 1 : 0);
}

std::optional<Members> ManifestReader::read_object(const Node& node, const std::string& path,
                                                   std::initializer_list<FieldSpec> fields) {
    if (node.kind != Kind::object) {
        wrong_type(node, path, "an object");
        return std::nullopt;
    }
    Members members(fields);
    std::set<std::string_view> seen;
    for (const Node& child : doc_.children(node)) {
        const std::string_view key = doc_.key_of(child);
        if (!seen.insert(key).second) {
            report(path, "duplicate key " + quote(key));
            continue;
        }
        if (!members.set(key, &child)) report(path, "unknown field " + quote(key));
    }
    for (const auto& f : fields) {
        if (f.required && members[f.name] == nullptr) {
            report(member_path(path, f.name), "required field is missing");
        }
    }
    return members;
}

std::optional<std::span<const Node>> ManifestReader::read_array(const Node& node,
                                                                const std::string& path,
                                                                std::size_t max_entries,
                                                                bool allow_empty) {
    if (node.kind != Kind::array) {
        wrong_type(node, path, "an array");
        return std::nullopt;
    }
    if (node.child_count > max_entries) {
        report(path, plural(node.child_count, "entry", "entries") + " are more than the limit of " +
                         std::to_string(max_entries));
        return std::nullopt;
    }
    if (node.child_count == 0 && !allow_empty) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    return doc_.children(node);
}

std::optional<std::string> ManifestReader::read_string(const Node& node, const std::string& path) {
    if (node.kind != Kind::string) {
        wrong_type(node, path, "a string");
        return std::nullopt;
    }
    if (node.too_long) {
        report(path, "a string of " + std::to_string(node.text_size) +
                         " bytes is longer than the limit of " +
                         std::to_string(max_manifest_string_bytes) + " bytes");
        return std::nullopt;
    }
    return std::string(doc_.text_of(node));
}

namespace {

// The code point of the UTF-8 sequence at s[i], and its length. The JSON reader has already
// refused text that is not UTF-8, so a sequence is whole; a stray byte reads as itself.
std::pair<char32_t, std::size_t> code_point_at(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char lead = b(0);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x06 ? 2
                               : (lead >> 4) == 0x0E ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 1;
    if (length == 1 || i + length > s.size()) return {lead, 1};
    char32_t c = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (b(k) & 0x3F);
    return {c, length};
}

// Why a code point may not appear in text people read, or nullptr. Control characters (C0,
// DEL, C1) and the line and paragraph separators would break a line of a list or a receipt, or
// act on a terminal that prints them; the explicit bidi
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what follows them
// on screen, so a name could show its letters in another order than the bytes that were signed
// and counted (the "Trojan Source" trick, CVE-2021-42574).
const char* forbidden_in_text(char32_t c) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return "a control character";
    if (c == 0x2028 || c == 0x2029) return "a line or paragraph separator";
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
        return "a bidirectional formatting character";
    return nullptr;
}

}  // namespace

// Text people read: not empty, none of the characters forbidden_in_text names.
std::optional<std::string> ManifestReader::read_text(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (s->empty()) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    for (std::size_t i = 0; i < s->size();) {
        const auto [c, length] = code_point_at(*s, i);
        if (const char* what = forbidden_in_text(c)) {
            char code[16];
            std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
            report(path, std::string("contains ") + what + " (" + code + ") at byte " +
                             std::to_string(i));
            return std::nullopt;
        }
        i += length;
    }
    return s;
}

std::optional<std::string> ManifestReader::read_id(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (s->empty()) {
        report(path, "must not be empty");
        return std::nullopt;
    }
    if (!is_id(*s)) {
        report(path, quote(*s) + " is not an id (1 to 64 characters a-z, 0-9 and -)");
        return std::nullopt;
    }
    return s;
}

std::optional<std::string> ManifestReader::read_date(const Node& node, const std::string& path) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (!is_date(*s)) {
        report(path, quote(*s) + " is not a valid date (YYYY-MM-DD)");
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> ManifestReader::read_integer(const Node& node, const std::string& path,
                                                         std::int64_t min, std::int64_t max,
                                                         const std::string& max_description) {
    if (node.kind != Kind::number) {
        wrong_type(node, path, "an integer");
        return std::nullopt;
    }
    const std::string_view text = doc_.text_of(node);
    if (text.find_first_of(".eE") != std::string_view::npos) {
        report(path, "expected an integer, got " + excerpt(text));
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool negative = !text.empty() && text[0] == '-';
    if (ec == std::errc::result_out_of_range || end != text.data() + text.size()) {
        // Too large for 64 bits: out of every range we use, on one side or the other.
        value = negative ? std::numeric_limits<std::int64_t>::min()
                         : std::numeric_limits<std::int64_t>::max();
    }
    if (value < min) {
        report(path, "must be at least " + std::to_string(min) + ", got " + excerpt(text));
        return std::nullopt;
    }
    if (value > max) {
        report(path, excerpt(text) + " is more than " + max_description);
        return std::nullopt;
    }
    return value;
}

std::optional<Bytes> ManifestReader::read_base64(const Node& node, const std::string& path,
                                                 std::size_t size) {
    auto s = read_string(node, path);
    if (!s) return std::nullopt;
    if (!is_canonical_base64(*s)) {
        report(path, quote(*s) + " is not base64 (RFC 4648, standard alphabet, padded)");
        return std::nullopt;
    }
    auto bytes = from_base64(*s);
    if (!bytes.ok()) {
        report(path, bytes.error().message);
        return std::nullopt;
    }
    if (bytes.value().size() != size) {
        report(path, "decodes to " + plural(bytes.value().size(), "byte", "bytes") + ", expected " +
                         std::to_string(size));
        return std::nullopt;
    }
    return std::move(bytes).value();
}

std::optional<LocalizedText> ManifestReader::read_localized(const Node* text,
                                                            const Node* translations,
                                                            const std::string& text_path,
                                                            const std::string& translations_path) {
    LocalizedText out;
    bool ok = true;
    if (text != nullptr) {
        auto s = read_text(*text, text_path);
        if (s) out.text = std::move(*s);
        ok = ok && s.has_value();
    } else {
        ok = false;
    }
    if (translations != nullptr) {
        if (translations->kind != Kind::object) {
            wrong_type(*translations, translations_path, "an object");
            return std::nullopt;
        }
        if (translations->child_count > max_translations) {
            report(translations_path,
                   plural(translations->child_count, "translation", "translations") +
                       " are more than the limit of " + std::to_string(max_translations));
            return std::nullopt;
        }
        std::set<std::string_view> tags;
        for (const Node& child : doc_.children(*translations)) {
            const std::string tag(doc_.key_of(child));
            if (!tags.insert(doc_.key_of(child)).second) {
                report(translations_path, "duplicate key " + quote(tag));
                ok = false;
                continue;
            }
            if (!is_language_tag(tag)) {
                report(translations_path,
                       quote(tag) + " is not a language tag (such as \"es\" or \"fr-CA\")");
                ok = false;
                continue;
            }
            auto s = read_text(child, translations_path + "." + tag);
            if (s) {
                out.translations.emplace(tag, std::move(*s));
            } else {
                ok = false;
            }
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<ElectionManifest> ManifestReader::read() {
    auto m = read_object(doc_.root(), "",
                         {{"format", true},
                          {"election_id", true},
                          {"name", true},
                          {"start_date", true},
                          {"end_date", true},
                          {"districts", true},
                          {"contests", true},
                          {"ballot_styles", true},
                          {"guardians", true},
                          {"polls", false},
                          {"ceremony", false}});
    if (!m) return std::nullopt;
    ElectionManifest out;
    if (const Node* f = (*m)["format"]) {
        auto s = read_string(*f, "format");
        if (s && *s != manifest_format) {
            report("format", quote(*s) + " is not a supported format (expected \"" +
                                 std::string(manifest_format) + "\")");
        }
    }
    if (const Node* n = (*m)["election_id"]) {
        if (auto s = read_id(*n, "election_id")) out.election_id = std::move(*s);
    }
    if (const Node* n = (*m)["name"]) {
        if (auto s = read_text(*n, "name")) out.name = std::move(*s);
    }
    std::optional<std::string> start, end;
    if (const Node* n = (*m)["start_date"]) start = read_date(*n, "start_date");
    if (const Node* n = (*m)["end_date"]) end = read_date(*n, "end_date");
    if (start && end && *end < *start) {
        report("end_date", *end + " is before start_date " + *start);
    }
    if (start) out.start_date = *start;
    if (end) out.end_date = *end;

    if (const Node* n = (*m)["districts"]) read_districts(*n, out);
    if (const Node* n = (*m)["contests"]) read_contests(*n, out);
    if (const Node* n = (*m)["ballot_styles"]) {
        read_ballot_styles(*n, out);
        check_coverage();
    }
    if (const Node* n = (*m)["guardians"]) read_guardians(*n, out);
    if (const Node* n = (*m)["polls"]) out.polls = read_polls(*n);
    if (const Node* n = (*m)["ceremony"]) out.ceremony = read_ceremony(*n, out);

    if (problem_count_ > 0) return std::nullopt;
    return out;
}

Outcome parse(std::string_view json_text) {
    Outcome outcome;
    if (json_text.size() > max_manifest_bytes) {
        outcome.problems.push_back({"manifest", "the JSON is " + std::to_string(json_text.size()) +
                                                    " bytes, more than the limit of " +
                                                    std::to_string(max_manifest_bytes) +
                                                    " bytes (4 MiB)"});
        return outcome;
    }
    ManifestProblem problem;
    auto document = parse_document(json_text, problem);
    if (!document) {
        outcome.problems.push_back(std::move(problem));
        outcome.code = ErrorCode::invalid_encoding;
        return outcome;
    }
    ManifestReader reader(*document);
    outcome.manifest = reader.read();
    outcome.problems = reader.problems();
    return outcome;
}

std::string join_problems(const std::vector<ManifestProblem>& problems, const std::string& prefix) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += prefix + p.path + ": " + p.reason;
    }
    return out;
}

}  // namespace psephos::election::manifest_detail
