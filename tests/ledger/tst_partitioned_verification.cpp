// The record verifier split over processes (verifier/partitioned_verification.hpp, docs/scale.md),
// run here in one process: on the committed tiny record, however its districts are split, the
// merged report is the single-process report field for field — passing, with a byte changed in a
// district's log, with a file's hash wrong — and a district that no part covers leaves the run
// not passed, naming it. (The V31 merge is pinned in tst_record_tamper, on forged repeats.)
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "partitioned_support.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/verifier/record_verifier.hpp"

using namespace psephos;
using namespace psephos::verifier;
namespace fs = std::filesystem;

namespace {

const fs::path tiny_record = fs::path(PSEPHOS_TEST_VECTORS_DIR) / "tiny-record";

fs::path copy_of_tiny_record(const fs::path& dir) {
    const fs::path copy = dir / "record";
    fs::copy(tiny_record, copy, fs::copy_options::recursive);
    return copy;
}

void flip_byte(const fs::path& file, std::streamoff at) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x01));
}

// Every split of the tiny record's two districts over one, two and three ranks (one idle).
const std::vector<std::vector<std::vector<std::size_t>>> splits = {
    {{0, 1}}, {{0}, {1}}, {{1}, {0}}, {{}, {1, 0}}, {{1}, {}, {0}}};

}  // namespace

class TestPartitionedVerification : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void merged_report_is_the_single_process_report_data() {
        QTest::addColumn<QString>("change");
        QTest::newRow("untouched") << "";
        QTest::newRow("a ballot's byte in d2") << "districts/d2/records.bin";
        QTest::newRow("a byte of d1's checkpoints") << "districts/d1/checkpoints.bin";
        QTest::newRow("a byte of the election log") << "election/records.bin";
    }
    void merged_report_is_the_single_process_report() {
        QFETCH(QString, change);
        QTemporaryDir tmp;
        const fs::path record = copy_of_tiny_record(tmp.path().toStdString());
        if (!change.isEmpty()) {
            const fs::path file = record / change.toStdString();
            flip_byte(file, static_cast<std::streamoff>(fs::file_size(file) / 2));
        }
        const VerifyReport single = verify_election_record(record);
        QCOMPARE(single.passed(), change.isEmpty());
        for (const auto& split : splits) {
            std::vector<std::string> missing;
            const auto merged = test::partitioned_report(record, split, &missing);
            QVERIFY2(merged, merged ? "" : merged.error().message.c_str());
            QCOMPARE(test::whole_report(*merged), test::whole_report(single));
            QVERIFY(missing.empty());
        }
    }

    void a_district_no_part_covers_is_named_and_never_passes() {
        std::vector<std::string> missing;
        const auto merged = test::partitioned_report(tiny_record, {{0}, {}}, &missing);
        QVERIFY(merged);
        QVERIFY(!merged->passed());
        QCOMPARE(missing, std::vector<std::string>{"d2"});
        bool named = false;
        for (const auto& c : merged->checks) {
            QVERIFY2(c.scope != "d2" || c.status == CheckStatus::not_run, c.id.c_str());
            if (c.id == "V11" && c.scope == "d2")
                named = c.note == "not checked: its rank did not report";
            if (c.id == "V14" || c.id == "V26" || c.id == "V31" || c.id == "V3")
                QCOMPARE(c.status, CheckStatus::not_run);
        }
        QVERIFY(named);
    }

    void districts_go_largest_first_to_the_least_loaded() {
        const std::vector<DistrictLoad> loads = {{"a", 10}, {"b", 50}, {"c", 20},
                                                 {"d", 20}, {"e", 5},  {"f", 1}};
        using Plan = std::vector<std::vector<std::size_t>>;
        // Each district costs its records + 1: b 51 | c 21, d 42, a 53; then e to the first (57),
        // f to the second (55).
        QCOMPARE(assign_by_size(loads, 2), (Plan{{1, 4}, {2, 3, 0, 5}}));
        QCOMPARE(assign_by_size(loads, 3), (Plan{{1}, {2, 0}, {3, 4, 5}}));
        QCOMPARE(assign_by_size(loads, 1), (Plan{{1, 2, 3, 0, 4, 5}}));
        QCOMPARE(assign_by_size({}, 2), (Plan{{}, {}}));
    }

    void a_part_that_does_not_decode_is_refused() {
        PartitionedVerification merging(tiny_record, {});
        merging.prepare();
        const std::string own = merging.verify_districts({0, 1});
        QVERIFY(!merging.finish({own, "{\"districts\": 7}"}, "-"));
        PartitionedVerification twice(tiny_record, {});
        twice.prepare();
        const std::string part = twice.verify_districts({0});
        const auto doubled = twice.finish({part, part}, "-");
        QVERIFY(!doubled);
        QVERIFY2(doubled.error().message.find("twice") != std::string::npos,
                 doubled.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestPartitionedVerification)
#include "tst_partitioned_verification.moc"
