// record::RecordReader's view of record.json (record_reader.hpp), as the auditor desktop reads it:
// the format the record claims and its logs in record.json's order with their sizes, on the
// committed tiny record; a record.json without "format" or with a log entry of the wrong type is
// refused, naming the file and the member's JSON path.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "psephos/crypto/scalar.hpp"
#include "psephos/record/record_reader.hpp"

using namespace psephos;
namespace fs = std::filesystem;

namespace {

const fs::path tiny_record = fs::path(PSEPHOS_TEST_VECTORS_DIR) / "tiny-record";

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// A copy of the tiny record whose record.json has `from` replaced by `to` (once).
fs::path changed_copy(const QTemporaryDir& dir, const std::string& from, const std::string& to) {
    const fs::path copy = fs::path(dir.path().toStdString()) / "record";
    fs::copy(tiny_record, copy, fs::copy_options::recursive);
    std::string text = read_text(copy / "record.json");
    const std::size_t at = text.find(from);
    if (at == std::string::npos) return {};
    text.replace(at, from.size(), to);
    std::ofstream(copy / "record.json", std::ios::binary | std::ios::trunc) << text;
    return copy;
}

}  // namespace

class TestRecordReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void reads_format_and_logs_of_record_json() {
        auto reader = record::RecordReader::open(tiny_record);
        QVERIFY2(reader.ok(), reader.ok() ? "" : reader.error().message.c_str());
        QCOMPARE(reader->format(), std::string("psephos-election-record-v2"));
        // record.json's logs: the districts in the manifest's order, then the election and
        // event logs (the tiny record has no bridge log), with the sizes record.json gives.
        const auto& logs = reader->logs();
        QCOMPARE(logs.size(), std::size_t{4});
        QCOMPARE(logs[0].name, std::string("d1"));
        QCOMPARE(logs[0].size, std::uint64_t{10});
        QCOMPARE(logs[0].directory, std::string("districts/d1"));
        QCOMPARE(logs[1].name, std::string("d2"));
        QCOMPARE(logs[1].size, std::uint64_t{8});
        QCOMPARE(logs[2].name, std::string("/election"));
        QCOMPARE(logs[3].name, std::string("/events"));
        for (const auto& log : logs) {
            auto status = reader->status(log.name);
            QVERIFY(status.ok());
            QCOMPARE(status->size, log.size);
            QVERIFY(status->root == log.root);
        }
        QCOMPARE(reader->election().manifest.districts.size(), std::size_t{2});
    }

    void refuses_record_json_without_a_format() {
        QTemporaryDir dir;
        const fs::path copy = changed_copy(dir, "\"format\": \"psephos-election-record-v2\",", "");
        QVERIFY(!copy.empty());
        auto reader = record::RecordReader::open(copy);
        QVERIFY(!reader.ok());
        QVERIFY2(
            reader.error().message.find("record.json: $.format: is missing") != std::string::npos,
            reader.error().message.c_str());
    }

    void refuses_a_log_size_of_the_wrong_type() {
        QTemporaryDir dir;
        const fs::path copy = changed_copy(dir, "\"size\": 8,", "\"size\": \"8\",");
        QVERIFY(!copy.empty());
        auto reader = record::RecordReader::open(copy);
        QVERIFY(!reader.ok());
        QVERIFY2(reader.error().message.find(
                     "record.json: $.logs[1].size: expected a whole number from 0, got a string") !=
                     std::string::npos,
                 reader.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRecordReader)
#include "tst_record_reader.moc"
