// The election manifest loader (docs/election-manifest.md): the samples load and round-trip, and
// every kind of problem is reported at its JSON path, all of them at once, without echoing large
// input and without crashing on hostile JSON.
#include <QTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "psephos/crypto/election_polynomial.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/election_manifest.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {

// A small valid manifest; the rows below each change one piece of it.
const std::string base_manifest = R"({
  "format": "psephos-election-manifest-v1",
  "election_id": "test-2026",
  "name": "Test Election",
  "start_date": "2026-11-03",
  "end_date": "2026-11-03",
  "districts": [
    {"id": "d1", "name": "District 1"},
    {"id": "d2", "name": "District 2"}
  ],
  "contests": [
    {"id": "mayor", "title": "Mayor", "title_translations": {"es": "Alcalde"}, "kind": "candidate", "vote_for": 1,
     "options": [{"id": "o1", "label": "Ann"}, {"id": "o2", "label": "Bob"}, {"id": "o3", "label": "Cy"}]},
    {"id": "council", "title": "Council", "kind": "candidate", "vote_for": 2,
     "options": [{"id": "c1", "label": "Dee"}, {"id": "c2", "label": "Eve"}, {"id": "c3", "label": "Fay"}]},
    {"id": "measure", "title": "Measure 1", "kind": "ballot_measure", "vote_for": 1,
     "options": [{"id": "yes", "label": "Yes", "label_translations": {"es": "Sí"}}, {"id": "no", "label": "No"}]}
  ],
  "ballot_styles": [
    {"id": "s1", "districts": ["d1"], "contests": ["mayor", "council", "measure"]},
    {"id": "s2", "districts": ["d2"], "contests": ["mayor", "measure"]}
  ],
  "guardians": {"count": 5, "threshold": 3}
})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) qFatal("test input lacks \"%s\"", from.c_str());
    text.replace(at, from.size(), to);
    return text;
}

std::vector<std::string> lines_of(const std::vector<ManifestProblem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.path + ": " + p.reason);
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += "\n  " + l;
    return out;
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Checks that `json` is rejected with `expected` among its problems, by both entry points.
void verify_problem(const std::string& json, const std::string& expected) {
    const auto lines = lines_of(parse_manifest_problems(json));
    QVERIFY2(contains(lines, expected),
             ("expected \"" + expected + "\" among:" + joined(lines)).c_str());
    const auto result = parse_manifest(json);
    QVERIFY(!result.ok());
    QVERIFY(("\n" + result.error().message + "\n").find("\n" + expected + "\n") !=
            std::string::npos);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string sample_path(const char* name) { return std::string(PSEPHOS_SAMPLES_DIR) + "/" + name; }

// The base manifest with a ceremony of fresh polynomials and identity keys (proofs under a
// zero ceremony hash: the loader checks structure only).
ElectionManifest finalized_manifest() {
    ElectionManifest m = parse_manifest(base_manifest).value();
    CeremonyRecord record;
    std::vector<crypto::CoefficientCommitments> all;
    for (std::uint32_t i = 1; i <= m.guardian_count; ++i) {
        GuardianRecord g;
        g.index = i;
        g.identity_key = crypto::Ed25519SigningKey::generate().public_key();
        g.commitments = crypto::ElectionPolynomial::random(m.threshold).commit(Hash32{}, i);
        all.push_back(g.commitments);
        record.guardians.push_back(std::move(g));
    }
    record.joint_key = crypto::compute_joint_public_key(all);
    m.ceremony = std::move(record);
    return m;
}

}  // namespace

class TestElectionManifest : public QObject {
    Q_OBJECT
private slots:
    void base_manifest_is_valid() {
        const auto problems = lines_of(parse_manifest_problems(base_manifest));
        QVERIFY2(problems.empty(), joined(problems).c_str());
        const auto m = parse_manifest(base_manifest);
        QVERIFY(m.ok());
        QCOMPARE(m.value().districts.size(), std::size_t{2});
        QCOMPARE(m.value().contests.size(), std::size_t{3});
        QCOMPARE(m.value().contests[1].vote_for, 2u);
        QVERIFY(m.value().contests[2].kind == ContestKind::ballot_measure);
        QCOMPARE(m.value().contests[0].title.translations.at("es"), std::string("Alcalde"));
        QCOMPARE(m.value().guardian_count, 5u);
        QCOMPARE(m.value().threshold, 3u);
        QVERIFY(!m.value().ceremony.has_value());
    }

    void samples_load_and_round_trip_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("districts");
        QTest::addColumn<int>("contests");
        QTest::newRow("small-election") << "small-election.json" << 2 << 3;
        QTest::newRow("county-general-2026") << "county-general-2026.json" << 10 << 17;
        QTest::newRow("referendum") << "referendum.json" << 4 << 1;
    }
    void samples_load_and_round_trip() {
        QFETCH(QString, file);
        QFETCH(int, districts);
        QFETCH(int, contests);
        const std::string path = sample_path(file.toUtf8().constData());
        const auto loaded = load_manifest_file(path);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const ElectionManifest& m = loaded.value();
        QCOMPARE(m.districts.size(), static_cast<std::size_t>(districts));
        QCOMPARE(m.contests.size(), static_cast<std::size_t>(contests));
        QCOMPARE(m.guardian_count, 5u);
        QCOMPARE(m.threshold, 3u);
        for (const auto& d : m.districts) QVERIFY(m.ballot_style_of_district(d.id) != nullptr);
        // The samples are written exactly as manifest_to_json writes them.
        const std::string json = manifest_to_json(m);
        QCOMPARE(json, read_file(path));
        const auto again = parse_manifest(json);
        QVERIFY(again.ok());
        QVERIFY(again.value() == m);
    }

    void small_sample_has_the_three_kinds_of_contest() {
        const auto m = load_manifest_file(sample_path("small-election.json")).value();
        std::vector<std::uint32_t> vote_for;
        for (const auto& c : m.contests) vote_for.push_back(c.vote_for);
        QCOMPARE(vote_for, (std::vector<std::uint32_t>{1, 2, 1}));
        QVERIFY(m.contests[2].kind == ContestKind::ballot_measure);
        QCOMPARE(m.contests[2].options[0].label.translations.at("es"), std::string("Sí"));
    }

    void county_sample_has_a_ballot_style_of_thirty_selections() {
        const auto m = load_manifest_file(sample_path("county-general-2026.json")).value();
        std::size_t largest = 0, measures = 0;
        std::set<std::uint32_t> vote_for;
        for (const auto& s : m.ballot_styles) {
            std::size_t selections = 0;
            for (const auto& id : s.contests) selections += m.find_contest(id)->options.size();
            largest = std::max(largest, selections);
        }
        for (const auto& c : m.contests) {
            vote_for.insert(c.vote_for);
            if (c.kind == ContestKind::ballot_measure) ++measures;
        }
        QVERIFY(largest >= 30);
        QVERIFY(measures >= 3);
        QCOMPARE(vote_for, (std::set<std::uint32_t>{1, 2, 3}));
        QVERIFY(m.ballot_styles.size() >= 3);
    }

    void finds_districts_contests_and_ballot_styles() {
        const auto m = parse_manifest(base_manifest).value();
        QCOMPARE(m.find_district("d2")->name, std::string("District 2"));
        QVERIFY(m.find_district("d3") == nullptr);
        QCOMPARE(m.find_contest("council")->title.text, std::string("Council"));
        QVERIFY(m.find_contest("Council") == nullptr);
        QCOMPARE(m.ballot_style_of_district("d1")->id, std::string("s1"));
        QCOMPARE(m.ballot_style_of_district("d2")->id, std::string("s2"));
        QVERIFY(m.ballot_style_of_district("mayor") == nullptr);
    }

    void writes_stable_pretty_json() {
        const auto m = parse_manifest(base_manifest).value();
        const std::string json = manifest_to_json(m);
        QCOMPARE(manifest_to_json(parse_manifest(json).value()), json);
        QVERIFY(json.rfind("{\n  \"format\": \"psephos-election-manifest-v1\",\n"
                           "  \"election_id\": \"test-2026\",\n",
                           0) == 0);
        QVERIFY(json.find("\"vote_for\": 2,\n") != std::string::npos);
        QVERIFY(json.find("\"title_translations\": {\n        \"es\": \"Alcalde\"\n") !=
                std::string::npos);
        QVERIFY(json.back() == '\n');
    }

    void round_trips_text_that_needs_escaping() {
        auto m = parse_manifest(base_manifest).value();
        m.name = "Quote \" backslash \\ é 中文 — dash";
        m.contests[0].title.translations["fr-CA"] = "Maire « ville »";
        m.contests[0].title.translations["zh-Hant"] = "市長";
        const auto again = parse_manifest(manifest_to_json(m));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again.value() == m);
    }

    // The characters next to the refused ranges, and the implicit direction marks that
    // right-to-left names need, are text: U+00A0 after the C1 controls, U+200F (RLM), U+061C
    // (ALM), U+202F after the overrides, U+2065 and U+206A around the isolates, Arabic, Hebrew.
    void accepts_text_next_to_the_refused_characters() {
        auto m = parse_manifest(base_manifest).value();
        m.name =
            "Elecci\xC3\xB3n\xC2\xA0"
            "2026 \xE2\x80\x8F\xD8\xB9\xD9\x84\xD9\x8A";
        m.districts[0].name =
            "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xD8\x9C \xE2\x80\xAF"
            "\xE2\x81\xA5\xE2\x81\xAA x";
        const auto again = parse_manifest(manifest_to_json(m));
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again.value() == m);
    }

    void reports_each_kind_of_problem_at_its_path_data() {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QByteArray>("expected");
        auto row = [](const char* name, const char* from, const char* to, const char* expected) {
            QTest::newRow(name) << QByteArray(from) << QByteArray(to) << QByteArray(expected);
        };
        // Identity and uniqueness.
        row("duplicate option id", R"({"id": "o2", "label": "Bob"})",
            R"({"id": "o1", "label": "Bob"})", R"(contests[0].options[1].id: duplicate id "o1")");
        row("duplicate contest id", R"({"id": "council", "title")", R"({"id": "mayor", "title")",
            R"(contests[1].id: duplicate id "mayor")");
        row("duplicate district id", R"({"id": "d2", "name")", R"({"id": "d1", "name")",
            R"(districts[1].id: duplicate id "d1")");
        row("duplicate ballot style id", R"({"id": "s2", "districts")",
            R"({"id": "s1", "districts")", R"(ballot_styles[1].id: duplicate id "s1")");
        row("id with capitals and a space", R"({"id": "d1", "name")", R"({"id": "D 1", "name")",
            R"(districts[0].id: "D 1" is not an id (1 to 64 characters a-z, 0-9 and -))");
        row("id of 65 characters", R"("election_id": "test-2026")",
            R"("election_id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")",
            R"(election_id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" is not an id (1 to 64 characters a-z, 0-9 and -))");
        // Cross-references.
        row("ballot style lists an unknown contest", R"("contests": ["mayor", "measure"])",
            R"("contests": ["mayor", "measure", "c9"])",
            R"(ballot_styles[1].contests: unknown contest "c9")");
        row("ballot style lists an unknown district", R"("districts": ["d2"])",
            R"("districts": ["d2", "d9"])", R"(ballot_styles[1].districts: unknown district "d9")");
        row("ballot style lists a contest twice", R"("contests": ["mayor", "measure"])",
            R"("contests": ["mayor", "measure", "mayor"])",
            R"(ballot_styles[1].contests: lists contest "mayor" twice)");
        row("district on no ballot style", R"({"id": "d2", "name": "District 2"})",
            R"({"id": "d2", "name": "District 2"}, {"id": "d3", "name": "District 3"})",
            R"(districts[2]: no ballot style lists this district)");
        row("district on two ballot styles", R"("districts": ["d2"])",
            R"("districts": ["d2", "d1"])",
            R"(districts[0].id: listed in ballot styles "s1" and "s2")");
        row("contest on no ballot style", R"("contests": ["mayor", "council", "measure"])",
            R"("contests": ["mayor", "measure"])",
            R"(contests[1]: no ballot style lists this contest)");
        row("ballot style with no contests", R"("contests": ["mayor", "measure"])",
            R"("contests": [])", R"(ballot_styles[1].contests: must not be empty)");
        row("no districts at all", R"("districts": [
    {"id": "d1", "name": "District 1"},
    {"id": "d2", "name": "District 2"}
  ])",
            R"("districts": [])", R"(districts: must not be empty)");
        // Missing, unknown, duplicate and mistyped fields.
        row("missing top-level field", R"("name": "Test Election",)", "",
            R"(name: required field is missing)");
        row("missing nested field", R"("kind": "candidate", "vote_for": 2,)", R"("vote_for": 2,)",
            R"(contests[1].kind: required field is missing)");
        row("unknown top-level field", R"("name": "Test Election",)",
            R"("name": "Test Election", "nmae": "x",)", R"(manifest: unknown field "nmae")");
        row("unknown nested field", R"("vote_for": 2,)", R"("vote_for": 2, "votes_for": 2,)",
            R"(contests[1]: unknown field "votes_for")");
        row("duplicate key at top level", R"("name": "Test Election",)",
            R"("name": "Test Election", "name": "Other",)", R"(manifest: duplicate key "name")");
        row("duplicate key in a district", R"({"id": "d1", "name": "District 1"})",
            R"({"id": "d1", "id": "d1", "name": "District 1"})",
            R"(districts[0]: duplicate key "id")");
        row("duplicate translation", R"({"es": "Alcalde"})", R"({"es": "Alcalde", "es": "Jefe"})",
            R"(contests[0].title_translations: duplicate key "es")");
        row("string expected, number given", R"("name": "Test Election")", R"("name": 42)",
            R"(name: expected a string, got a number)");
        row("integer expected, string given", R"("vote_for": 2,)", R"("vote_for": "2",)",
            R"(contests[1].vote_for: expected an integer, got a string)");
        row("array expected, object given", R"("contests": ["mayor", "measure"])",
            R"("contests": {"mayor": 1})",
            R"(ballot_styles[1].contests: expected an array, got an object)");
        row("object expected, null given", R"("guardians": {"count": 5, "threshold": 3})",
            R"("guardians": null)", R"(guardians: expected an object, got null)");
        row("manifest that is not an object", base_manifest.c_str(), "[1, 2]",
            R"(manifest: expected an object, got an array)");
        row("id that is a boolean", R"("districts": ["d2"])", R"("districts": [true])",
            R"(ballot_styles[1].districts[0]: expected a string, got a boolean)");
        // Strings.
        row("empty name", R"("name": "District 1")", R"("name": "")",
            R"(districts[0].name: must not be empty)");
        row("empty id", R"({"id": "o3", "label": "Cy"})", R"({"id": "", "label": "Cy"})",
            R"(contests[0].options[2].id: must not be empty)");
        row("control character in a name", R"("name": "District 1")", R"("name": "District\n1")",
            R"(districts[0].name: contains a control character (U+000A) at byte 8)");
        row("DEL in a name", R"("name": "District 1")", R"("name": "District\u007f1")",
            R"(districts[0].name: contains a control character (U+007F) at byte 8)");
        // C1 controls (U+0080–U+009F) and the bidi embeddings, overrides and isolates: each
        // edge of each range, in every kind of text field (name, title, label, translation).
        row("C1 control U+0080 in a name", R"("name": "District 1")",
            R"("name": "District\u00801")",
            R"(districts[0].name: contains a control character (U+0080) at byte 8)");
        row("C1 control U+009F in an option label", R"({"id": "o3", "label": "Cy"})",
            "{\"id\": \"o3\", \"label\": \"C\xC2\x9Fy\"}",
            R"(contests[0].options[2].label: contains a control character (U+009F) at byte 1)");
        row("right-to-left override U+202E in a label", R"({"id": "o3", "label": "Cy"})",
            R"({"id": "o3", "label": "Cy\u202e"})",
            R"(contests[0].options[2].label: contains a bidirectional formatting character (U+202E) at byte 2)");
        row("left-to-right embedding U+202A in a title", R"("title": "Mayor")",
            "\"title\": \"\xE2\x80\xAAMayor\"",
            R"(contests[0].title: contains a bidirectional formatting character (U+202A) at byte 0)");
        row("paragraph separator U+2029 in a name", R"("name": "District 1")",
            R"("name": "District\u20291")",
            R"(districts[0].name: contains a line or paragraph separator (U+2029) at byte 8)");
        row("left-to-right isolate U+2066 in the election's name", R"("name": "Test Election")",
            R"("name": "Test \u2066Election")",
            R"(name: contains a bidirectional formatting character (U+2066) at byte 5)");
        row("pop directional isolate U+2069 in a translation", R"({"es": "Alcalde"})",
            R"({"es": "Alcalde\u2069"})",
            R"(contests[0].title_translations.es: contains a bidirectional formatting character (U+2069) at byte 7)");
        row("language tag that is not one", R"({"es": "Alcalde"})", R"({"Spanish": "Alcalde"})",
            R"(contests[0].title_translations: "Spanish" is not a language tag (such as "es" or "fr-CA"))");
        row("empty translation", R"({"es": "Alcalde"})", R"({"es": ""})",
            R"(contests[0].title_translations.es: must not be empty)");
        row("wrong format", R"("psephos-election-manifest-v1")",
            R"("psephos-election-manifest-v2")",
            R"(format: "psephos-election-manifest-v2" is not a supported format (expected "psephos-election-manifest-v1"))");
        // Dates.
        row("february 30", R"("end_date": "2026-11-03")", R"("end_date": "2026-02-30")",
            R"(end_date: "2026-02-30" is not a valid date (YYYY-MM-DD))");
        row("february 29 of a common year", R"("start_date": "2026-11-03")",
            R"("start_date": "2100-02-29")",
            R"(start_date: "2100-02-29" is not a valid date (YYYY-MM-DD))");
        row("date in another format", R"("end_date": "2026-11-03")", R"("end_date": "11/03/2026")",
            R"(end_date: "11/03/2026" is not a valid date (YYYY-MM-DD))");
        row("end before start", R"("start_date": "2026-11-03")", R"("start_date": "2026-11-04")",
            R"(end_date: 2026-11-03 is before start_date 2026-11-04)");
        // Contest rules.
        row("vote_for more than the options", R"("vote_for": 2,)", R"("vote_for": 4,)",
            R"(contests[1].vote_for: 4 is more than the 3 options)");
        row("vote_for zero", R"("vote_for": 2,)", R"("vote_for": 0,)",
            R"(contests[1].vote_for: must be at least 1, got 0)");
        row("vote_for -1", R"("vote_for": 2,)", R"("vote_for": -1,)",
            R"(contests[1].vote_for: must be at least 1, got -1)");
        row("vote_for 2.5", R"("vote_for": 2,)", R"("vote_for": 2.5,)",
            R"(contests[1].vote_for: expected an integer, got 2.5)");
        row("vote_for 2.0", R"("vote_for": 2,)", R"("vote_for": 2.0,)",
            R"(contests[1].vote_for: expected an integer, got 2.0)");
        row("vote_for 1e400", R"("vote_for": 2,)", R"("vote_for": 1e400,)",
            R"(contests[1].vote_for: expected an integer, got 1e400)");
        row("vote_for 2^64", R"("vote_for": 2,)", R"("vote_for": 18446744073709551616,)",
            R"(contests[1].vote_for: 18446744073709551616 is more than the 3 options)");
        row("vote_for -2^64", R"("vote_for": 2,)", R"("vote_for": -18446744073709551616,)",
            R"(contests[1].vote_for: must be at least 1, got -18446744073709551616)");
        row("unknown contest kind", R"("kind": "candidate", "vote_for": 2)",
            R"("kind": "approval", "vote_for": 2)",
            R"(contests[1].kind: "approval" is not a contest kind ("candidate" or "ballot_measure"))");
        row("no options",
            R"([{"id": "c1", "label": "Dee"}, {"id": "c2", "label": "Eve"}, {"id": "c3", "label": "Fay"}])",
            "[]", R"(contests[1].options: must not be empty)");
        row("ballot measure without a no", R"({"id": "no", "label": "No"})",
            R"({"id": "maybe", "label": "Maybe"})",
            R"(contests[2].options: a ballot measure has exactly two options, "yes" and "no")");
        row("ballot measure with three options", R"({"id": "no", "label": "No"})",
            R"({"id": "no", "label": "No"}, {"id": "abstain", "label": "Abstain"})",
            R"(contests[2].options: a ballot measure has exactly two options, "yes" and "no")");
        row("ballot measure with vote_for 2", R"("kind": "ballot_measure", "vote_for": 1)",
            R"("kind": "ballot_measure", "vote_for": 2)",
            R"(contests[2].vote_for: a ballot measure has vote_for 1, got 2)");
        // Guardians.
        row("threshold above count", R"("threshold": 3)", R"("threshold": 6)",
            R"(guardians.threshold: 6 is more than the 5 guardians)");
        row("threshold zero", R"("threshold": 3)", R"("threshold": 0)",
            R"(guardians.threshold: must be at least 1, got 0)");
        row("count above 255", R"("count": 5)", R"("count": 256)",
            R"(guardians.count: 256 is more than the limit of 255)");
        row("count zero", R"("count": 5)", R"("count": 0)",
            R"(guardians.count: must be at least 1, got 0)");
        // The election's two-person close (docs/election-manifest.md "polls").
        row("close_requires three", R"("threshold": 3})",
            R"("threshold": 3}, "polls": {"close_requires": 3})",
            R"(polls.close_requires: 3 is more than the limit of 2 people)");
        row("close_requires zero", R"("threshold": 3})",
            R"("threshold": 3}, "polls": {"close_requires": 0})",
            R"(polls.close_requires: must be at least 1, got 0)");
        row("close_requires a string", R"("threshold": 3})",
            R"("threshold": 3}, "polls": {"close_requires": "2"})",
            R"(polls.close_requires: expected an integer, got a string)");
        row("close_requires a fraction", R"("threshold": 3})",
            R"("threshold": 3}, "polls": {"close_requires": 1.5})",
            R"(polls.close_requires: expected an integer, got 1.5)");
        row("polls without close_requires", R"("threshold": 3})", R"("threshold": 3}, "polls": {})",
            R"(polls.close_requires: required field is missing)");
        row("polls with an unknown member", R"("threshold": 3})",
            R"("threshold": 3}, "polls": {"close_requires": 2, "open_requires": 2})",
            R"(polls: unknown field "open_requires")");
        row("polls not an object", R"("threshold": 3})", R"("threshold": 3}, "polls": 2)",
            R"(polls: expected an object, got a number)");
    }
    void reports_each_kind_of_problem_at_its_path() {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QByteArray, expected);
        const std::string json = replaced(base_manifest, from.toStdString(), to.toStdString());
        verify_problem(json, expected.toStdString());
        if (QTest::currentTestFailed()) return;
        QCOMPARE(parse_manifest(json).error().code, ErrorCode::invalid_argument);
    }

    void reports_every_problem_at_once() {
        std::string json = base_manifest;
        json = replaced(json, R"({"id": "o2", "label": "Bob"})", R"({"id": "o1", "label": "Bob"})");
        json = replaced(json, R"("vote_for": 2,)", R"("vote_for": 4,)");
        json = replaced(json, R"("name": "Test Election",)", "");
        json = replaced(json, R"("threshold": 3)", R"("threshold": 6)");
        json =
            replaced(json, R"("contests": ["mayor", "measure"])", R"("contests": ["mayor", "c9"])");
        json = replaced(json, R"("name": "District 1")", R"("name": "", "extra": 1)");
        const std::vector<std::string> expected = {
            R"(name: required field is missing)",
            R"(districts[0]: unknown field "extra")",
            R"(districts[0].name: must not be empty)",
            R"(contests[0].options[1].id: duplicate id "o1")",
            R"(contests[1].vote_for: 4 is more than the 3 options)",
            R"(ballot_styles[1].contests: unknown contest "c9")",
            R"(guardians.threshold: 6 is more than the 5 guardians)",
        };
        const auto lines = lines_of(parse_manifest_problems(json));
        QCOMPARE(lines, expected);  // in document order, nothing else
        const auto result = parse_manifest(json);
        QVERIFY(!result.ok());
        std::string message;
        for (const auto& l : expected) message += (message.empty() ? "" : "\n") + l;
        QCOMPARE(result.error().message, message);
    }

    void stops_listing_after_a_thousand_problems() {
        std::string districts;
        for (int i = 0; i < 1500; ++i) {
            districts += std::string(i == 0 ? "" : ", ") + R"({"id": "BAD", "name": "x"})";
        }
        const std::string json =
            replaced(base_manifest, R"({"id": "d1", "name": "District 1"},)", districts + ",");
        const auto problems = parse_manifest_problems(json);
        QCOMPARE(problems.size(), std::size_t{1001});
        QCOMPARE(problems.back().path, std::string("manifest"));
        QVERIFY(problems.back().reason.find("more problems not listed") != std::string::npos);
    }

    void never_echoes_more_than_a_short_excerpt() {
        const std::string long_key(3000, 'k');
        const std::string json = replaced(base_manifest, R"("name": "Test Election",)",
                                          "\"name\": \"Test Election\", \"" + long_key + "\": 1,");
        const auto problems = parse_manifest_problems(json);
        QCOMPARE(problems.size(), std::size_t{1});
        QVERIFY(problems[0].reason.size() < 120);
        QVERIFY(problems[0].reason.find("…") != std::string::npos);

        const std::string bad_id(500, 'X');
        const auto id_problems = lines_of(
            parse_manifest_problems(replaced(base_manifest, R"("election_id": "test-2026")",
                                             "\"election_id\": \"" + bad_id + "\"")));
        QCOMPARE(id_problems.size(), std::size_t{1});
        QVERIFY(id_problems[0].size() < 200);
    }

    void rejects_overlong_strings_by_length_data() {
        QTest::addColumn<int>("length");
        QTest::newRow("4097 bytes") << 4097;
        QTest::newRow("3 MB") << 3'000'000;
    }
    void rejects_overlong_strings_by_length() {
        QFETCH(int, length);
        const std::string json = replaced(base_manifest, R"("name": "Test Election")",
                                          "\"name\": \"" + std::string(length, 'x') + "\"");
        verify_problem(json, "name: a string of " + std::to_string(length) +
                                 " bytes is longer than the limit of 4096 bytes");
        if (QTest::currentTestFailed()) return;
        QVERIFY(parse_manifest(json).error().message.size() < 300);
    }

    void accepts_a_string_of_exactly_the_limit() {
        const std::string json = replaced(base_manifest, R"("name": "Test Election")",
                                          "\"name\": \"" + std::string(4096, 'x') + "\"");
        QVERIFY(parse_manifest(json).ok());
    }

    void rejects_ten_megabyte_input_with_a_short_message() {
        const std::string json = replaced(base_manifest, R"("name": "Test Election")",
                                          "\"name\": \"" + std::string(10'000'000, 'x') + "\"");
        const auto result = parse_manifest(json);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::invalid_argument);
        QVERIFY(result.error().message.size() < 300);
        QCOMPARE(result.error().message,
                 "manifest: the JSON is " + std::to_string(json.size()) +
                     " bytes, more than the limit of 4194304 bytes (4 MiB)");
    }

    void accepts_input_of_exactly_four_mebibytes() {
        std::string json = base_manifest;
        json += std::string(max_manifest_bytes - json.size(), ' ');
        QVERIFY(parse_manifest(json).ok());
        json += ' ';
        QVERIFY(!parse_manifest(json).ok());
    }

    void rejects_more_than_the_limit_of_districts() {
        std::string districts, listed;
        for (int i = 0; i < 100'001; ++i) {
            districts += (i == 0 ? "" : ",") + std::string("{\"id\":\"d") + std::to_string(i) +
                         "\",\"name\":\"x\"}";
        }
        const std::string json = replaced(base_manifest, R"({"id": "d1", "name": "District 1"},
    {"id": "d2", "name": "District 2"})",
                                          districts);
        QVERIFY(json.size() < max_manifest_bytes);
        verify_problem(json, "districts: 100001 entries are more than the limit of 100000");
    }

    void rejects_vote_for_above_the_range_proof_limit() {
        std::string options;
        for (int i = 0; i < 300; ++i) {
            options += (i == 0 ? "" : ", ") + std::string("{\"id\": \"c") + std::to_string(i) +
                       "\", \"label\": \"x\"}";
        }
        std::string json = replaced(
            base_manifest,
            R"([{"id": "c1", "label": "Dee"}, {"id": "c2", "label": "Eve"}, {"id": "c3", "label": "Fay"}])",
            "[" + options + "]");
        QVERIFY(parse_manifest(replaced(json, R"("vote_for": 2,)", R"("vote_for": 255,)")).ok());
        verify_problem(replaced(json, R"("vote_for": 2,)", R"("vote_for": 256,)"),
                       "contests[1].vote_for: 256 is more than the limit of " +
                           std::to_string(crypto::max_range_limit));
    }

    void accepts_language_tags_with_regions_and_scripts_data() {
        QTest::addColumn<QByteArray>("tag");
        QTest::addColumn<bool>("valid");
        QTest::newRow("es") << QByteArray("es") << true;
        QTest::newRow("fr-CA") << QByteArray("fr-CA") << true;
        QTest::newRow("zh-Hant-TW") << QByteArray("zh-Hant-TW") << true;
        QTest::newRow("es-419") << QByteArray("es-419") << true;
        QTest::newRow("haw") << QByteArray("haw") << true;
        QTest::newRow("uppercase language") << QByteArray("ES") << false;
        QTest::newRow("one letter") << QByteArray("e") << false;
        QTest::newRow("underscore") << QByteArray("fr_CA") << false;
        QTest::newRow("trailing hyphen") << QByteArray("fr-") << false;
        QTest::newRow("empty") << QByteArray("") << false;
    }
    void accepts_language_tags_with_regions_and_scripts() {
        QFETCH(QByteArray, tag);
        QFETCH(bool, valid);
        const std::string json = replaced(base_manifest, R"({"es": "Alcalde"})",
                                          "{\"" + tag.toStdString() + "\": \"Alcalde\"}");
        const auto result = parse_manifest(json);
        QCOMPARE(result.ok(), valid);
        if (valid)
            QCOMPARE(result.value().contests[0].title.translations.begin()->first,
                     tag.toStdString());
    }

    void reports_malformed_json_with_line_and_column_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("syntax error on line 2")
            << QByteArray("{\"a\":\n  tru}")
            << QByteArray("line 2, column 3: invalid JSON: syntax error");
        QTest::newRow("trailing garbage")
            << QByteArray("{\"a\": 1}\n  x")
            << QByteArray("line 2, column 3: invalid JSON: more text after the JSON value");
        QTest::newRow("not JSON at all")
            << QByteArray("election: yes")
            << QByteArray("line 1, column 1: invalid JSON: syntax error");
        QTest::newRow("empty") << QByteArray("")
                               << QByteArray(
                                      "line 1, column 1: invalid JSON: the text ends before the "
                                      "JSON value is complete");
        QTest::newRow("only whitespace") << QByteArray("\n\n ")
                                         << QByteArray(
                                                "line 3, column 2: invalid JSON: the text ends "
                                                "before the JSON value is complete");
        QTest::newRow("trailing comma")
            << QByteArray("[1,]") << QByteArray("line 1, column 4: invalid JSON: syntax error");
        QTest::newRow("comment")
            << QByteArray("{} // x")
            << QByteArray("line 1, column 4: invalid JSON: more text after the JSON value");
        QTest::newRow("columns count characters, not bytes")
            << QByteArray("[\"é\", ]")
            << QByteArray("line 1, column 7: invalid JSON: syntax error");
        QTest::newRow("invalid UTF-8")
            << QByteArray("[\"\xff\"]")
            << QByteArray("line 1, column 3: invalid JSON: syntax error");
        QTest::newRow("17 levels deep") << QByteArray(17, '[') + QByteArray(17, ']')
                                        << QByteArray(
                                               "line 1, column 17: invalid JSON: arrays and "
                                               "objects nested deeper than the limit of 16");
    }
    void reports_malformed_json_with_line_and_column() {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, expected);
        const auto result = parse_manifest(json.toStdString());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::invalid_encoding);
        QCOMPARE(result.error().message, expected.toStdString());
        QCOMPARE(lines_of(parse_manifest_problems(json.toStdString())),
                 std::vector<std::string>{expected.toStdString()});
    }

    void reports_truncated_manifest_at_its_end() {
        const std::string json = base_manifest.substr(0, base_manifest.size() - 10);
        const auto result = parse_manifest(json);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::invalid_encoding);
        QCOMPARE(QString::fromStdString(result.error().message),
                 QString("line 23, column 36: invalid JSON: the text ends before the JSON "
                         "value is complete"));
    }

    void survives_a_nesting_bomb() {
        const std::string bomb = std::string(100'000, '[') + std::string(100'000, ']');
        const auto result = parse_manifest(bomb);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message,
                 std::string("line 1, column 17: invalid JSON: arrays and objects nested deeper "
                             "than the limit of 16"));
        const std::string objects =
            replaced(base_manifest, R"("guardians": {"count": 5, "threshold": 3})",
                     R"("guardians": )" + std::string(100'000, '{'));
        QCOMPARE(parse_manifest(objects).error().code, ErrorCode::invalid_encoding);
    }

    void rejects_a_flood_of_small_values() {
        std::string json = "[";
        while (json.size() < max_manifest_bytes - 4) json += "0,";
        json += "0]";
        const auto result = parse_manifest(json);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::invalid_encoding);
        QVERIFY(result.error().message.find("more than 1000000 JSON values") != std::string::npos);
    }

    void round_trips_a_finalized_manifest() {
        const ElectionManifest m = finalized_manifest();
        const std::string json = manifest_to_json(m);
        const auto again = parse_manifest(json);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again.value() == m);
        QVERIFY(again.value().ceremony->guardians[2].commitments.guardian_index == 3);
        // The comparison sees a change in any commitment.
        ElectionManifest changed = again.value();
        changed.ceremony->guardians[4].commitments.commitments[2] = crypto::Point::generator();
        QVERIFY(!(changed == m));
    }

    // The optional "polls" member (docs/election-manifest.md, docs/encoding.md §3): absent, the
    // encoding is version 1 exactly as before (the committed tiny record's manifest.bin and base
    // hash); present, version 2 with its byte, so the rule is bound by both hashes and cannot be
    // dropped or changed after the election is defined.
    void the_polls_rule_is_in_the_hashes_only_when_present() {
        const std::filesystem::path tiny =
            std::filesystem::path(PSEPHOS_TEST_VECTORS_DIR) / "tiny-record";
        auto m = load_manifest_file((tiny / "manifest.json").string());
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
        QVERIFY(!m.value().polls);
        QCOMPARE(m.value().close_requires(), 1u);
        std::ifstream bin(tiny / "manifest.bin", std::ios::binary);
        const Bytes committed((std::istreambuf_iterator<char>(bin)),
                              std::istreambuf_iterator<char>());
        QCOMPARE(encode_manifest(m.value(), true), committed);
        auto context = make_election_context(m.value());
        QVERIFY(context.ok());
        std::ifstream record(tiny / "record.json");
        const std::string record_text((std::istreambuf_iterator<char>(record)),
                                      std::istreambuf_iterator<char>());
        QVERIFY(record_text.find("\"base_hash\": \"" + context.value().base_hash.to_hex() + "\"") !=
                std::string::npos);

        ElectionManifest two = m.value();
        two.polls = PollsRules{2};
        const Bytes encoded = encode_manifest(two, true);
        QCOMPARE(encoded.size(), committed.size() + 1);
        QCOMPARE(int(encoded[1]), 2);  // version 2
        // The same bytes but the version and the one byte after the threshold.
        const std::size_t at = encode_manifest(m.value(), false).size() - 1;  // has_ceremony's
        QCOMPARE(int(encoded[at]), 2);
        Bytes without(encoded);
        without.erase(without.begin() + static_cast<std::ptrdiff_t>(at));
        without[1] = 1;
        QCOMPARE(without, committed);
        // In the ceremony hash too: the guardians' proofs, made without the rule, no longer hold
        // once it is added (or, for a manifest finalized with it, once it is dropped).
        QVERIFY(!(compute_ceremony_hash(two) == compute_ceremony_hash(m.value())));
        QVERIFY(verify_ceremony_record(m.value()).ok());
        QVERIFY(!verify_ceremony_record(two).ok());
        QVERIFY(!make_election_context(two).ok());
        ElectionManifest one = m.value();
        one.polls = PollsRules{1};  // said explicitly: another manifest, another hash
        QVERIFY(!(compute_ceremony_hash(one) == compute_ceremony_hash(m.value())));
        QVERIFY(!(encode_manifest(one, true) == committed));

        // JSON: written after "guardians", read back the same.
        const std::string json = manifest_to_json(two);
        QVERIFY(json.find("\"polls\": {\n    \"close_requires\": 2\n  }") != std::string::npos);
        auto again = parse_manifest(json);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again.value() == two);
        QCOMPARE(again.value().close_requires(), 2u);
        QCOMPARE(manifest_to_json(m.value()).find("polls"), std::string::npos);
    }

    void checks_the_ceremony_structure_data() {
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<QByteArrayList>("expected");
        const std::string zero_key_error =
            crypto::Ed25519PublicKey::from_bytes(Bytes(32, 0)).error().message;
        const std::string bad_point_error =
            crypto::Point::from_bytes(Bytes(32, 0xff)).error().message;
        QTest::newRow("joint key not base64")
            << "joint key not base64"
            << QByteArrayList{
                   R"(ceremony.joint_key: "not base64!" is not base64 (RFC 4648, standard alphabet, padded))"};
        QTest::newRow("joint key of 31 bytes")
            << "joint key of 31 bytes"
            << QByteArrayList{"ceremony.joint_key: decodes to 31 bytes, expected 32"};
        QTest::newRow("joint key mismatch") << "joint key mismatch"
                                            << QByteArrayList{
                                                   "ceremony.joint_key: is not the sum of the "
                                                   "guardians' first commitments (K = Σ K_i,0)"};
        QTest::newRow("joint key identity")
            << "joint key identity"
            << QByteArrayList{"ceremony.joint_key: is the identity element"};
        QTest::newRow("too few commitments") << "too few commitments"
                                             << QByteArrayList{
                                                    "ceremony.guardians[1].commitments: 2 "
                                                    "commitments, expected guardians.threshold 3"};
        QTest::newRow("too many proofs")
            << "too many proofs"
            << QByteArrayList{
                   "ceremony.guardians[3].proofs: 4 proofs, expected guardians.threshold 3"};
        QTest::newRow("duplicate index")
            << "duplicate index"
            << QByteArrayList{"ceremony.guardians[1].index: duplicate index 1",
                              "ceremony.guardians: no entry for guardian 2"};
        QTest::newRow("index out of range")
            << "index out of range"
            << QByteArrayList{"ceremony.guardians[4].index: 6 is more than guardians.count 5",
                              "ceremony.guardians: no entry for guardian 5"};
        QTest::newRow("missing guardian")
            << "missing guardian"
            << QByteArrayList{"ceremony.guardians: 4 entries, expected guardians.count 5",
                              "ceremony.guardians: no entry for guardian 5"};
        QTest::newRow("identity key not a point")
            << "identity key not a point"
            << QByteArrayList{QByteArray::fromStdString(
                   "ceremony.guardians[0].identity_key: not an Ed25519 public key: " +
                   zero_key_error)};
        QTest::newRow("identity key reused")
            << "identity key reused"
            << QByteArrayList{
                   "ceremony.guardians[2].identity_key: the same key as ceremony.guardians[0]"};
        QTest::newRow("commitment not a point")
            << "commitment not a point"
            << QByteArrayList{QByteArray::fromStdString(
                   "ceremony.guardians[0].commitments[1]: not a group element: " +
                   bad_point_error)};
        QTest::newRow("proof of 32 bytes")
            << "proof of 32 bytes"
            << QByteArrayList{"ceremony.guardians[0].proofs[0]: decodes to 32 bytes, expected 64"};
        QTest::newRow("unknown field in a guardian")
            << "unknown field in a guardian"
            << QByteArrayList{R"(ceremony.guardians[0]: unknown field "secret")"};
    }
    void checks_the_ceremony_structure() {
        QFETCH(QString, tamper);
        QFETCH(QByteArrayList, expected);
        ElectionManifest m = finalized_manifest();
        auto& c = *m.ceremony;
        const std::string joint_b64 = to_base64(c.joint_key.bytes());
        auto json_after = [&](const std::string& from, const std::string& to) {
            return replaced(manifest_to_json(m), from, to);
        };
        std::string json;
        if (tamper == "joint key not base64") {
            json = json_after(joint_b64, "not base64!");
        } else if (tamper == "joint key of 31 bytes") {
            json = json_after(joint_b64, to_base64(Bytes(31, 1)));
        } else if (tamper == "joint key mismatch") {
            c.joint_key = crypto::Point::generator();
        } else if (tamper == "joint key identity") {
            c.joint_key = crypto::Point::identity();
        } else if (tamper == "too few commitments") {
            c.guardians[1].commitments.commitments.pop_back();
        } else if (tamper == "too many proofs") {
            c.guardians[3].commitments.proofs.push_back(c.guardians[3].commitments.proofs[0]);
        } else if (tamper == "duplicate index") {
            c.guardians[1].index = 1;
        } else if (tamper == "index out of range") {
            c.guardians[4].index = 6;
        } else if (tamper == "missing guardian") {
            c.guardians.pop_back();
        } else if (tamper == "identity key not a point") {
            json =
                json_after(to_base64(c.guardians[0].identity_key.span()), to_base64(Bytes(32, 0)));
        } else if (tamper == "identity key reused") {
            c.guardians[2].identity_key = c.guardians[0].identity_key;
        } else if (tamper == "commitment not a point") {
            json = json_after(to_base64(c.guardians[0].commitments.commitments[1].bytes()),
                              to_base64(Bytes(32, 0xff)));
        } else if (tamper == "proof of 32 bytes") {
            json = json_after(to_base64(c.guardians[0].commitments.proofs[0].to_bytes()),
                              to_base64(Bytes(32, 0)));
        } else if (tamper == "unknown field in a guardian") {
            json = json_after(R"("index": 1,)", R"("index": 1, "secret": 7,)");
        } else {
            QFAIL("unknown tamper");
        }
        if (json.empty()) json = manifest_to_json(m);
        for (const QByteArray& line : expected) verify_problem(json, line.toStdString());
    }

    void refuses_files_that_are_missing_or_too_large() {
        const auto missing = load_manifest_file("/nonexistent/psephos/manifest.json");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::not_found);
        QVERIFY(missing.error().message.find("/nonexistent/psephos/manifest.json") !=
                std::string::npos);

        const auto dir = load_manifest_file(PSEPHOS_SAMPLES_DIR);
        QVERIFY(!dir.ok());
        QCOMPARE(dir.error().code, ErrorCode::io_error);

        const std::string big =
            (std::filesystem::temp_directory_path() /
             ("tst_election_manifest_big_" + std::to_string(::getpid()) + ".json"))
                .string();
        {
            std::ofstream out(big, std::ios::binary);
            out << base_manifest << std::string(max_manifest_bytes, ' ');
        }
        const auto too_large = load_manifest_file(big);
        std::filesystem::remove(big);
        QVERIFY(!too_large.ok());
        QCOMPARE(too_large.error().code, ErrorCode::invalid_argument);
        QVERIFY(too_large.error().message.rfind(big + ": more than the limit", 0) == 0);
    }

    void prefixes_file_problems_with_the_path() {
        const std::string path =
            (std::filesystem::temp_directory_path() /
             ("tst_election_manifest_bad_" + std::to_string(::getpid()) + ".json"))
                .string();
        {
            std::ofstream out(path, std::ios::binary);
            out << replaced(replaced(base_manifest, R"("vote_for": 2,)", R"("vote_for": 4,)"),
                            R"("threshold": 3)", R"("threshold": 6)");
        }
        const auto result = load_manifest_file(path);
        std::filesystem::remove(path);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().message,
                 path + ": contests[1].vote_for: 4 is more than the 3 options\n" + path +
                     ": guardians.threshold: 6 is more than the 5 guardians");
    }
};

QTEST_APPLESS_MAIN(TestElectionManifest)
#include "tst_election_manifest.moc"
