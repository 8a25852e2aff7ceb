// Fuzzes the record reader behind proof bundles (record::RecordReader, record_reader.hpp) on a
// record directory made from the input: the input is split at each "\n\x00psephos-file\x00\n"
// into up to five files, written in that order as record.json, manifest.json,
// districts/d1/records.bin, districts/d1/checkpoints.bin and authority.bin (a part left out is a
// file left out). The seed is the tiny record's district d1 (tests/ledger/vectors/tiny-record);
// record.json's other logs have no files, which the reader must refuse cleanly too. Every query
// a proof bundle makes is asked of every log record.json names.
// Invariants: open and every query return a value or an error with a message, never crash, hang
// or allocate more than the files hold (crypto::RecordFile bounds each frame by the bytes left);
// a log whose records are read has exactly record.json's size, and each record read again by
// index is the one the stream gave.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "psephos/record/record_reader.hpp"

using namespace psephos;
using psephos::fuzz::require;
using psephos::fuzz::require_message;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view separator("\n\0psephos-file\0\n", 16);
const char* const file_names[] = {"record.json", "manifest.json", "districts/d1/records.bin",
                                  "districts/d1/checkpoints.bin", "authority.bin"};

// A fresh directory for one input, removed after it (libFuzzer's exit skips atexit handlers, so
// a directory per process would be left behind).
fs::path write_record(std::string_view input) {
    std::string path = (fs::temp_directory_path() / "psephos-fuzz-record-XXXXXX").string();
    if (::mkdtemp(path.data()) == nullptr) std::abort();
    const fs::path dir(path);
    fs::create_directories(dir / "districts/d1");
    std::size_t at = 0;
    for (const char* name : file_names) {
        const std::size_t end = input.find(separator, at);
        const std::string_view part =
            input.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        std::ofstream(dir / name, std::ios::binary)
            .write(part.data(), static_cast<std::streamsize>(part.size()));
        if (end == std::string_view::npos) break;
        at = end + separator.size();
    }
    return dir;
}

void check_log(const record::RecordReader& reader, const std::string& name) {
    auto status = reader.status(name);
    require(status.ok(), "status of a log record.json names");
    auto checkpoints = reader.checkpoints(name);
    if (!checkpoints) require_message(checkpoints.error(), "checkpoints refusal says why");
    std::vector<Bytes> records;  // the first few, to read again by index
    std::uint64_t visited = 0;
    auto streamed = reader.for_each_record(name, [&](std::uint64_t index, const Bytes& record) {
        require(index == visited++, "records are visited in order");
        if (records.size() < 4) records.push_back(record);
    });
    if (!streamed) {
        require_message(streamed.error(), "a log that does not read says why");
        return;
    }
    const std::uint64_t size = status->size;
    require(visited == size, "a log that reads has record.json's size");
    for (std::uint64_t i = 0; i < records.size(); ++i) {
        auto again = reader.record(name, i);
        require(again.ok() && *again == records[i], "a record read by index is the streamed one");
    }
    require(!reader.record(name, size).ok(), "no record past the log's size");
    if (size > 0) {
        require(reader.prove_inclusion(name, 0, size).ok(), "inclusion proof in a read log");
        require(reader.prove_consistency(name, 1, size).ok(), "consistency proof in a read log");
    }
    require(!reader.prove_inclusion(name, 0, size + 1).ok(), "no proof beyond the log");
}

void check_record(const fs::path& dir, const std::uint8_t* data, std::size_t size) {
    auto reader = record::RecordReader::open(dir);
    if (!reader) {
        require_message(reader.error(), "a record that does not open says why");
        return;
    }
    auto approval = reader->approval();
    if (!approval) require_message(approval.error(), "authority.bin refusal says why");
    // The logs record.json names: the election's districts, then the other logs.
    std::vector<std::string> names;
    for (const auto& d : reader->election().manifest.districts) names.push_back(d.id);
    for (const char* other : {"/election", "/events", "/bridge"}) names.emplace_back(other);
    for (const std::string& name : names)
        if (reader->status(name).ok()) check_log(*reader, name);
    (void)reader->anchors();
    if (size > 0) {
        auto found = reader->find_tracking_code(ByteSpan(data, 1));
        if (!found) require_message(found.error(), "a tracking code not found says why");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path dir = write_record(std::string_view(reinterpret_cast<const char*>(data), size));
    check_record(dir, data, size);
    fs::remove_all(dir);
    return 0;
}
