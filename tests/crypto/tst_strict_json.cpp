// psephos::json::parse_strict: what Boost.JSON alone accepts and Psephos refuses (a member name
// twice, more values than the limit, a string over its limit, nesting, trailing text, comments,
// invalid UTF-8), each with the input's name, line and column; and what it accepts is the value
// Boost.JSON builds.
#include <QTest>

#include <boost/json.hpp>

#include <string>

#include "psephos/json/strict_json.hpp"

using namespace psephos;

namespace {

void expect_refused(std::string_view text, const std::string& message,
                    const json::Limits& limits = {}) {
    auto parsed = json::parse_strict(text, "doc.json", limits);
    QVERIFY2(!parsed, qPrintable(QString::fromStdString(std::string(text))));
    QCOMPARE(parsed.error().code, ErrorCode::invalid_encoding);
    QCOMPARE(QString::fromStdString(parsed.error().message), QString::fromStdString(message));
}

}  // namespace

class TestStrictJson : public QObject {
    Q_OBJECT
private slots:
    void accepts_what_boost_json_builds() {
        const std::string text =
            R"({"a": [1, -2, 3.5, true, false, null, "x\u00e9"], "b": {"c": {}}, "d": []})";
        auto parsed = json::parse_strict(text, "doc.json");
        QVERIFY(parsed);
        QCOMPARE(boost::json::serialize(*parsed), boost::json::serialize(boost::json::parse(text)));
        QVERIFY(parsed->at("a").as_array()[1].is_int64());
        // The same name in two different objects is not a duplicate.
        QVERIFY(json::parse_strict(R"({"a": {"x": 1}, "b": {"x": 2}, "x": 3})", "doc.json"));
        QVERIFY(json::parse_strict("  [1]\n\t ", "doc.json"));
    }

    void refuses_a_member_name_twice() {
        // Boost.JSON keeps the last: a reader could see 2 where another sees 1.
        QCOMPARE(boost::json::parse(R"({"a": 1, "a": 2})").at("a").as_int64(), 2);
        expect_refused(
            R"({"a": 1, "a": 2})",
            R"(doc.json: line 1, column 12: the member "a" appears twice in one object)");
        expect_refused(
            "{\"logs\": [\n  {\"x\": 1, \"y\": 2, \"x\": 3}]}",
            R"(doc.json: line 2, column 22: the member "x" appears twice in one object)");
        // The name as it decodes, not as it is written: "\u0061" is "a".
        expect_refused(
            R"({"a": 1, "\u0061": 2})",
            R"(doc.json: line 1, column 17: the member "a" appears twice in one object)");
        // A name with a quote or a control character is escaped in the message.
        expect_refused("{\"q\\\"\\n\": 1, \"q\\\"\\n\": 2}",
                       "doc.json: line 1, column 20: the member \"q\\x22\\x0a\" appears twice in "
                       "one object");
        // So is every byte above ASCII (a bidi override is one: U+202E, e2 80 ae), and a name
        // over 64 bytes is cut: the message stays one line of printable ASCII (found by
        // fuzz_json_rpc_response: a repeated non-ASCII name reached a JSON-RPC error).
        expect_refused(
            "{\"\xe2\x80\xae"
            "ab\": 1, \"\xe2\x80\xae"
            "ab\": 2}",
            "doc.json: line 1, column 16: the member \"\\xe2\\x80\\xaeab\" appears "
            "twice in one object");
        const std::string long_name(70, 'n');
        expect_refused("{\"" + long_name + "\": 1, \"" + long_name + "\": 2}",
                       "doc.json: line 1, column 150: the member \"" + std::string(64, 'n') +
                           "...\" appears twice in one object");
    }

    void refuses_more_values_than_the_limit() {
        json::Limits limits;
        limits.max_values = 4;
        QVERIFY(json::parse_strict("[1, 2, 3]", "doc.json", limits));
        expect_refused("[1, 2, 3, 4]", "doc.json: line 1, column 12: more than 4 JSON values",
                       limits);
    }

    void refuses_a_string_over_the_limit() {
        json::Limits limits;
        limits.max_string_bytes = 4;
        QVERIFY(json::parse_strict(R"({"abcd": "wxyz"})", "doc.json", limits));
        expect_refused(R"(["wxyz5"])",
                       "doc.json: line 1, column 8: a string or member name longer than 4 bytes",
                       limits);
        expect_refused(R"({"abcde": 1})",
                       "doc.json: line 1, column 8: a string or member name longer than 4 bytes",
                       limits);
    }

    void refuses_deep_nesting() {
        json::Limits limits;
        limits.max_depth = 3;
        QVERIFY(json::parse_strict("[[[1]]]", "doc.json", limits));
        expect_refused("[[[[1]]]]",
                       "doc.json: line 1, column 4: arrays and objects nested deeper than 3",
                       limits);
        // The default limit holds against a deeply nested file.
        expect_refused(std::string(100'000, '['),
                       "doc.json: line 1, column 33: arrays and objects nested deeper than 32");
    }

    void refuses_what_is_not_one_json_value() {
        expect_refused("[1] [2]", "doc.json: line 1, column 5: more text after the JSON value");
        expect_refused("[1, 2",
                       "doc.json: line 1, column 6: the text ends before the JSON value is "
                       "complete");
        expect_refused("",
                       "doc.json: line 1, column 1: the text ends before the JSON value is "
                       "complete");
        auto comment = json::parse_strict("[1 /* two */]", "doc.json");
        QVERIFY(!comment);
        QVERIFY(comment.error().message.starts_with("doc.json: line 1, column 4: not JSON"));
        auto trailing = json::parse_strict("[1,]", "doc.json");
        QVERIFY(!trailing);
        QVERIFY(trailing.error().message.starts_with("doc.json: line 1, column 4: not JSON"));
        auto utf8 = json::parse_strict("[\"\xC3\x28\"]", "doc.json");
        QVERIFY(!utf8);
        QVERIFY(utf8.error().message.starts_with("doc.json: line 1, column 3: not JSON"));
    }

    void refuses_a_text_over_the_size_limit_before_reading_it() {
        json::Limits limits;
        limits.max_bytes = 8;
        QVERIFY(json::parse_strict("[1,2,3]", "doc.json", limits));
        auto parsed = json::parse_strict("[1,2,3,4,5]", "doc.json", limits);
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, ErrorCode::invalid_argument);
        QCOMPARE(QString::fromStdString(parsed.error().message),
                 QStringLiteral("doc.json: larger than 8 bytes (11)"));
    }

    void position_counts_characters_not_bytes() {
        QCOMPARE(json::position_of("ab\ncé\nx", 6), std::string("line 2, column 3"));
        QCOMPARE(json::position_of("ab", 99), std::string("line 1, column 3"));
    }
};

QTEST_APPLESS_MAIN(TestStrictJson)
#include "tst_strict_json.moc"
