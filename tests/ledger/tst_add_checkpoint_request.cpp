// The tlog-witness add-checkpoint request body and the 409 size body: the spec's example parses,
// requests round-trip, and every malformed form is refused naming its line.
#include <QTest>

#include <string>

#include "psephos/witness/add_checkpoint_request.hpp"

using psephos::ErrorCode;
using psephos::witness::AddCheckpointRequest;
using psephos::witness::parse_tlog_size;

namespace {
// tlog-witness.md, "add-checkpoint", the example request body.
const std::string note =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
const std::string spec_example =
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n" +
    note;
const std::string hash_line = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
}  // namespace

class TestAddCheckpointRequest : public QObject {
    Q_OBJECT
private slots:
    void parses_the_spec_example() {
        const auto r = AddCheckpointRequest::parse(spec_example);
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r.value().old_size, std::uint64_t{20852014});
        QCOMPARE(r.value().proof.size(), std::size_t{4});
        QCOMPARE(r.value().proof[0].to_hex(),
                 std::string("3e544d0abc07a6a846aeea6e7b42fb8316e36cc88a03db5e9afb996430e991ac"));
        QCOMPARE(r.value().checkpoint_note, note);
        QCOMPARE(r.value().to_text(), spec_example);
    }

    void parses_old_zero_without_proof() {
        const auto r = AddCheckpointRequest::parse("old 0\n\n" + note);
        QVERIFY(r);
        QCOMPARE(r.value().old_size, std::uint64_t{0});
        QVERIFY(r.value().proof.empty());
    }

    void accepts_63_proof_lines_and_refuses_64() {
        std::string lines;
        for (int i = 0; i < 63; ++i) lines += hash_line;
        QVERIFY(AddCheckpointRequest::parse("old 5\n" + lines + "\n" + note));
        const auto over = AddCheckpointRequest::parse("old 5\n" + lines + hash_line + "\n" + note);
        QVERIFY(!over);
        QVERIFY(over.error().message.find("63") != std::string::npos);
    }

    void refuses_malformed_bodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("names");
        const auto row = [](const char* name, const std::string& body, const char* names) {
            QTest::newRow(name) << QByteArray::fromStdString(body) << QByteArray(names);
        };
        row("empty", "", "line 1");
        row("no old line", "\n" + note, "line 1");
        row("leading zero", "old 012\n\n" + note, "line 1");
        row("negative", "old -1\n\n" + note, "line 1");
        row("plus sign", "old +1\n\n" + note, "line 1");
        row("two spaces", "old  1\n\n" + note, "line 1");
        row("capital", "Old 1\n\n" + note, "line 1");
        row("over 64 bits", "old 18446744073709551616\n\n" + note, "line 1");
        row("trailing space", "old 1 \n\n" + note, "line 1");
        row("no blank line", "old 1\n" + hash_line, "blank line");
        row("short hash", "old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpka==\n\n" + note,
            "line 2");
        row("not base64", "old 1\n" + hash_line + "not base64!\n\n" + note, "line 3");
        row("non-canonical base64",
            "old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkax=\n\n" + note, "line 2");
        row("no checkpoint", "old 1\n" + hash_line + "\n", "no checkpoint");
    }
    void refuses_malformed_bodies() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, names);
        const auto r = AddCheckpointRequest::parse(body.toStdString());
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::invalid_encoding);
        QVERIFY2(r.error().message.find(names.toStdString()) != std::string::npos,
                 r.error().message.c_str());
    }

    void parses_the_size_body() {
        QCOMPARE(parse_tlog_size("20852014\n").value(), std::uint64_t{20852014});
        QCOMPARE(parse_tlog_size("0\n").value(), std::uint64_t{0});
        for (const char* bad : {"", "\n", "12", "012\n", "1 \n", "-1\n", "1\n\n", "x\n"})
            QVERIFY2(!parse_tlog_size(bad), bad);
    }
};

QTEST_APPLESS_MAIN(TestAddCheckpointRequest)
#include "tst_add_checkpoint_request.moc"
