// crypto::RecordFile (record_file.hpp; docs/election-record.md §3.8): each refusal on its own —
// paths that leave the record, links below the root, what is not a regular file, frame lengths
// beyond the file or the limit, files over their limit — and the honest reads they guard.
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "psephos/crypto/record_file.hpp"

using namespace psephos;
using crypto::RecordFile;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string frame(const std::string& content) {
    const auto n = static_cast<std::uint32_t>(content.size());
    std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                    static_cast<char>(n >> 8), static_cast<char>(n)};
    return out + content;
}

std::string error_of(const fs::path& root, const std::string& relative) {
    auto file = RecordFile::open(root, relative);
    return file ? std::string() : file.error().message;
}

}  // namespace

class TestRecordFile : public QObject {
    Q_OBJECT

private slots:
    void reads_frames_and_whole_files() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        write(root / "logs/a/records.bin", frame("one") + frame("") + frame("three"));
        auto file = RecordFile::open(root, "logs/a/records.bin");
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
        QCOMPARE(file->size(), std::uint64_t{4 + 3 + 4 + 4 + 5});
        std::vector<std::string> frames;
        while (true) {
            auto next = file->read_frame();
            QVERIFY(next.ok());
            if (!*next) break;
            frames.emplace_back((*next)->begin(), (*next)->end());
        }
        QCOMPARE(frames, (std::vector<std::string>{"one", "", "three"}));
        QVERIFY(file->seek(7).ok());
        auto again = file->read_frame();
        QVERIFY(again.ok() && *again && (*again)->empty());
        auto whole = crypto::read_record_file(root, "logs/a/records.bin", 100);
        QVERIFY(whole.ok());
        QCOMPARE(whole->size(), std::size_t{20});
    }

    void refuses_paths_that_leave_the_record() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/"})
            QVERIFY2(error_of(root, bad).find("not a relative path inside the record") !=
                         std::string::npos,
                     bad);
    }

    void refuses_links_below_the_root_but_not_the_root() {
        QTemporaryDir tmp;
        const fs::path base = tmp.path().toStdString();
        write(base / "real/d/file.json", "{}");
        write(base / "outside.json", "{}");
        fs::create_directory_symlink(base / "real", base / "root-link");
        QVERIFY2(error_of(base / "root-link", "d/file.json").empty(),
                 error_of(base / "root-link", "d/file.json").c_str());
        fs::create_symlink(base / "outside.json", base / "real/d/link.json");
        QCOMPARE(error_of(base / "real", "d/link.json"),
                 std::string("d/link.json: a symbolic link, which a record does not hold"));
        fs::create_directory_symlink(base / "real/d", base / "real/e");
        QCOMPARE(error_of(base / "real", "e/file.json"),
                 std::string("e: a symbolic link, which a record does not hold"));
        QCOMPARE(error_of(base / "real", "d/none.json"), std::string("d/none.json: missing"));
    }

    void refuses_what_is_not_a_regular_file() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        fs::create_directories(root / "dir");
        QCOMPARE(::mkfifo((root / "fifo").c_str(), 0600), 0);
        for (const char* name : {"dir", "fifo"})
            QCOMPARE(
                error_of(root, name),
                std::string(name) + ": not a regular file (a record holds only regular files)");
        QCOMPARE(error_of("/dev", "zero"),
                 std::string("zero: not a regular file (a record holds only regular files)"));
    }

    void refuses_a_frame_beyond_the_file_before_allocating() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        write(root / "crafted.bin", std::string("\x0f\xff\xff\xf0", 4) + "AAAAAAAAAAAA");
        write(root / "over-limit.bin", std::string("\x10\x00\x00\x01", 4));
        write(root / "short.bin", frame("ok") + std::string("\x00\x00", 2));
        const auto frame_error = [&](const char* name) {
            auto file = RecordFile::open(root, name);
            if (!file) return file.error().message;
            while (true) {
                auto next = file->read_frame();
                if (!next) return next.error().message;
                if (!*next) return std::string("read to the end");
            }
        };
        QCOMPARE(frame_error("crafted.bin"),
                 std::string("crafted.bin: truncated frame at byte 0: it claims 268435440 bytes, "
                             "the file has 12 left"));
        QCOMPARE(frame_error("over-limit.bin"),
                 std::string("over-limit.bin: frame at byte 0 claims 268435457 bytes, more than "
                             "the limit of 268435456"));
        QCOMPARE(frame_error("short.bin"),
                 std::string("short.bin: truncated frame length at byte 6"));
    }

    void refuses_a_file_over_its_limit_unread() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        write(root / "big.json", std::string(101, ' '));
        auto big = crypto::read_record_file(root, "big.json", 100);
        QVERIFY(!big.ok());
        QCOMPARE(big.error().message,
                 std::string("big.json: is 101 bytes, more than the limit of 100"));
        QVERIFY(crypto::read_record_file(root, "big.json", 101).ok());
    }

    void notices_a_file_that_shrank() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        write(root / "shrinks.bin", frame("0123456789"));
        auto file = RecordFile::open(root, "shrinks.bin");
        QVERIFY(file.ok());
        fs::resize_file(root / "shrinks.bin", 6);
        auto next = file->read_frame();
        QVERIFY(!next.ok());
        QVERIFY2(next.error().message.find("shrinks.bin: ends at byte 6, before its size at open "
                                           "(14 bytes)") != std::string::npos,
                 next.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestRecordFile)
#include "tst_record_file.moc"
