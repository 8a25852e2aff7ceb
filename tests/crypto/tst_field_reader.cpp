// psephos::json::FieldReader: typed members read by name, each problem named by the input and
// the JSON path (wrong type, missing member, unknown member, bad hex, nested objects and list
// elements), the first problem kept, and a well-formed document read whole.
#include <QTest>

#include <boost/json.hpp>

#include <string>

#include "psephos/json/field_reader.hpp"
#include "psephos/json/strict_json.hpp"

using namespace psephos;

namespace {

const std::string zeros(64, '0');

boost::json::value parse(std::string_view text) {
    auto parsed = json::parse_strict(text, "bundle.json");
    if (!parsed) qFatal("%s", parsed.error().message.c_str());
    return std::move(parsed).value();
}

void expect_message(const Status& status, const std::string& message) {
    QVERIFY(!status.ok());
    QCOMPARE(QString::fromStdString(status.error().message), QString::fromStdString(message));
}

}  // namespace

class TestFieldReader : public QObject {
    Q_OBJECT
private slots:
    void reads_every_type_of_a_well_formed_object() {
        const auto doc = parse(R"({"name": "x", "n": 7, "on": true, "h": ")" + zeros +
                               R"(", "b": "AQI=", "x": "0a0b", "hs": [")" + zeros +
                               R"("], "inner": {"k": "v"}, "opt": 3})");
        json::FieldReader r(doc, "bundle.json");
        QCOMPARE(r.text("name"), std::string("x"));
        QCOMPARE(r.number("n"), std::uint64_t{7});
        QVERIFY(r.boolean("on"));
        QCOMPARE(r.hash("h").to_hex(), zeros);
        QCOMPARE(r.base64("b"), (Bytes{1, 2}));
        QCOMPARE(r.hex("x"), (Bytes{10, 11}));
        QCOMPARE(r.hashes("hs").size(), std::size_t{1});
        auto inner = r.object("inner");
        QCOMPARE(inner.text("k"), std::string("v"));
        QVERIFY(inner.finish().ok());
        QCOMPARE(r.optional_number("opt").value_or(0), std::uint64_t{3});
        QVERIFY(!r.optional_text("absent").has_value());
        QVERIFY(r.finish().ok());
    }

    void names_a_wrong_type_by_path() {
        const auto doc = parse(R"({"anchors": [{"tx": "0a"}, {"tx": "0b"}, {"tx": 5}]})");
        json::FieldReader r(doc, "bundle.json");
        const auto* anchors = r.array("anchors", 10);
        QVERIFY(anchors != nullptr);
        for (std::size_t i = 0; i < anchors->size(); ++i) {
            auto a = r.element((*anchors)[i], i, r.path_of("anchors"));
            a.hex("tx");
            (void)a.finish();
        }
        expect_message(
            r.finish(),
            "bundle.json: $.anchors[2].tx: expected a lower-case hex string, got a number");
    }

    void names_the_first_problem_only() {
        const auto doc = parse(R"({"a": 1, "b": "two"})");
        json::FieldReader r(doc, "bundle.json");
        (void)r.text("a");
        (void)r.number("b");
        expect_message(r.finish(), "bundle.json: $.a: expected a string, got a number");
    }

    void names_a_missing_member() {
        const auto doc = parse(R"({"election": {"id": "e"}})");
        json::FieldReader r(doc, "bundle.json");
        auto e = r.object("election");
        (void)e.text("id");
        (void)e.hash("base_hash");
        expect_message(e.finish(), "bundle.json: $.election.base_hash: is missing");
        expect_message(r.finish(), "bundle.json: $.election.base_hash: is missing");
    }

    void refuses_an_unknown_member() {
        const auto doc = parse(R"({"known": "k", "extra": 1})");
        json::FieldReader r(doc, "bundle.json");
        (void)r.text("known");
        QVERIFY(r.status().ok());  // status() does not look for unknown members
        expect_message(r.finish(), "bundle.json: $: unknown member \"extra\"");
        // A hostile name is written as printable ASCII (a control byte, a bidi override).
        const auto hostile = parse("{\"known\": \"k\", \"e\\u0007\\u202ex\": 1}");
        json::FieldReader h(hostile, "bundle.json");
        (void)h.text("known");
        expect_message(h.finish(), "bundle.json: $: unknown member \"e\\x07\\xe2\\x80\\xaex\"");
    }

    void an_optional_member_read_counts_as_known() {
        const auto doc = parse(R"({"opt": "o"})");
        json::FieldReader r(doc, "bundle.json");
        QCOMPARE(r.optional_text("opt").value_or(""), std::string("o"));
        QVERIFY(r.finish().ok());
    }

    void refuses_a_value_that_is_not_an_object() {
        const auto doc = parse(R"({"inner": [1]})");
        json::FieldReader r(doc, "config.json", "$", ErrorCode::invalid_argument);
        auto inner = r.object("inner");
        (void)inner.text("k");
        const Status s = r.finish();
        expect_message(s, "config.json: $.inner: expected an object, got a list");
        QCOMPARE(s.error().code, ErrorCode::invalid_argument);
    }

    void refuses_upper_case_and_short_hashes() {
        std::string upper = zeros;
        upper[0] = 'A';
        for (const std::string& bad : {upper, std::string(63, '0')}) {
            const auto doc = parse(R"({"h": ")" + bad + R"(", "hs": [")" + zeros + R"(", 1]})");
            json::FieldReader r(doc, "bundle.json");
            (void)r.hash("h");
            expect_message(r.finish(), "bundle.json: $.h: expected 64 lower-case hex digits");
            json::FieldReader list(doc, "bundle.json");
            (void)list.hashes("hs");
            expect_message(list.status(),
                           "bundle.json: $.hs[1]: expected 64 lower-case hex digits");
        }
    }

    void refuses_a_list_over_its_bound_and_a_negative_number() {
        const auto doc = parse(R"({"l": [1, 2, 3], "n": -1})");
        json::FieldReader r(doc, "bundle.json");
        QVERIFY(r.array("l", 2) == nullptr);
        expect_message(r.status(), "bundle.json: $.l: expected a list of at most 2, got 3 entries");
        json::FieldReader n(doc, "bundle.json");
        (void)n.number("n");
        expect_message(n.status(),
                       "bundle.json: $.n: expected a whole number from 0, got a number");
    }
};

QTEST_APPLESS_MAIN(TestFieldReader)
#include "tst_field_reader.moc"
