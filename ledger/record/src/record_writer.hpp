// How the exporter writes the record's files (private to the record library): a JSON writer with
// the manifest's layout, record files created new, hashed as written and made durable together,
// and a move into place that never replaces anything.
#pragma once

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::record::detail {

namespace fs = std::filesystem;

Error system_error(const fs::path& path, const std::string& what, int error);
// Everything written under `path` (files and directory entries) onto the disk, with one call
// rather than an fsync per file and directory: a record of 10^5 districts has 4·10^5 of them.
Status sync_file_system(const fs::path& path);
Status fsync_directory(const fs::path& path);
// Moves `from` to `to` unless `to` exists (a file or directory), atomically where the file system
// supports RENAME_NOREPLACE.
Status move_no_replace(const fs::path& from, const fs::path& to);

inline constexpr std::size_t file_buffer_size = std::size_t{1} << 20;

// ---- JSON -------------------------------------------------------------------------------------

// A small JSON writer with the layout of manifest_to_json: two-space indentation, one member or
// element per line, members in the order written, "[]" and "{}" for empty containers.
class JsonWriter {
public:
    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view name) {
        element_prefix();
        append_string(name);
        text_ += ": ";
        after_key_ = true;
    }
    void string(std::string_view value) {
        value_prefix();
        append_string(value);
    }
    void number(std::uint64_t value) {
        value_prefix();
        text_ += std::to_string(value);
    }
    void boolean(bool value) {
        value_prefix();
        text_ += value ? "true" : "false";
    }
    void null() {
        value_prefix();
        text_ += "null";
    }
    void string_member(std::string_view name, std::string_view value) {
        key(name);
        string(value);
    }
    void number_member(std::string_view name, std::uint64_t value) {
        key(name);
        number(value);
    }
    // The text written so far, handed over (the writer keeps its nesting state).
    std::string take() { return std::exchange(text_, std::string()); }

private:
    void open(char c) {
        value_prefix();
        text_ += c;
        first_.push_back(true);
    }
    void close(char c) {
        const bool empty = first_.back();
        first_.pop_back();
        if (!empty) {
            text_ += '\n';
            text_.append(2 * first_.size(), ' ');
        }
        text_ += c;
        if (first_.empty()) text_ += '\n';
    }
    void value_prefix() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        element_prefix();
    }
    void element_prefix() {
        if (first_.empty()) return;
        if (!first_.back()) text_ += ',';
        first_.back() = false;
        text_ += '\n';
        text_.append(2 * first_.size(), ' ');
    }
    // RFC 8259 escaping; a byte that is not part of well-formed UTF-8 becomes U+FFFD, so the file
    // is always valid JSON (ids in the record are ASCII in practice; the log index is exact).
    void append_string(std::string_view s) {
        text_ += '"';
        for (std::size_t i = 0; i < s.size();) {
            const auto b = static_cast<unsigned char>(s[i]);
            if (b < 0x80) {
                switch (b) {
                    case '"':
                        text_ += "\\\"";
                        break;
                    case '\\':
                        text_ += "\\\\";
                        break;
                    case '\n':
                        text_ += "\\n";
                        break;
                    case '\r':
                        text_ += "\\r";
                        break;
                    case '\t':
                        text_ += "\\t";
                        break;
                    default:
                        if (b < 0x20) {
                            char escaped[8];
                            std::snprintf(escaped, sizeof escaped, "\\u%04x", b);
                            text_ += escaped;
                        } else {
                            text_ += static_cast<char>(b);
                        }
                }
                ++i;
                continue;
            }
            const std::size_t length = utf8_sequence_length(s.substr(i));
            if (length == 0) {
                text_ += "\xEF\xBF\xBD";
                ++i;
            } else {
                text_.append(s.substr(i, length));
                i += length;
            }
        }
        text_ += '"';
    }
    // The length of the well-formed UTF-8 sequence (RFC 3629) at the start of s, or 0.
    static std::size_t utf8_sequence_length(std::string_view s) {
        const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
        const unsigned char b0 = byte(0);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            if (b0 == 0xE0) low = 0xA0;
            if (b0 == 0xED) high = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            if (b0 == 0xF0) low = 0x90;
            if (b0 == 0xF4) high = 0x8F;
        } else {
            return 0;
        }
        if (s.size() < length) return 0;
        if (byte(1) < low || byte(1) > high) return 0;
        for (std::size_t i = 2; i < length; ++i)
            if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
        return length;
    }

    std::string text_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool after_key_ = false;
};

// ---- Files ------------------------------------------------------------------------------------

struct FileEntry {
    std::string path;  // relative to the record's directory, '/'-separated
    std::uint64_t bytes = 0;
    Hash32 sha256;
};

// One file of the record: created new (never replacing anything), written through a buffer,
// hashed with SHA-256 as it is written, and closed by finish() (made durable with the whole
// staging directory by one syncfs, see sync_file_system).
class RecordFileWriter {
public:
    static Result<std::unique_ptr<RecordFileWriter>> create(const fs::path& root,
                                                            std::string relative) {
        auto file =
            std::unique_ptr<RecordFileWriter>(new RecordFileWriter(root / relative, relative));
        file->fd_ = ::open(file->full_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (file->fd_ < 0) return system_error(file->full_, "cannot create", errno);
        return file;
    }
    RecordFileWriter(const RecordFileWriter&) = delete;
    RecordFileWriter& operator=(const RecordFileWriter&) = delete;
    ~RecordFileWriter() {
        if (fd_ >= 0) ::close(fd_);
    }

    Status write(ByteSpan data) {
        crypto_hash_sha256_update(&sha_, data.data(), data.size());
        bytes_ += data.size();
        buffer_.insert(buffer_.end(), data.begin(), data.end());
        if (buffer_.size() >= file_buffer_size) return flush();
        return {};
    }
    Status write(std::string_view text) { return write(as_bytes(text)); }
    // u32be length ‖ data (docs/election-record.md §3.1).
    Status write_framed(ByteSpan data) {
        if (data.size() > 0xFFFFFFFFu) {
            return make_error(ErrorCode::invalid_argument,
                              full_.string() + ": an entry of more than 2^32 − 1 bytes");
        }
        Bytes length;
        append_u32_be(length, static_cast<std::uint32_t>(data.size()));
        if (auto ok = write(length); !ok) return ok;
        return write(data);
    }

    Result<FileEntry> finish() {
        if (auto ok = flush(); !ok) return ok.error();
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0) return system_error(full_, "close", errno);
        FileEntry entry{relative_, bytes_, {}};
        crypto_hash_sha256_final(&sha_, entry.sha256.bytes.data());
        return entry;
    }

private:
    RecordFileWriter(fs::path full, std::string relative)
        : full_(std::move(full)), relative_(std::move(relative)) {
        crypto_hash_sha256_init(&sha_);
        buffer_.reserve(file_buffer_size);
    }

    Status flush() {
        std::size_t done = 0;
        while (done < buffer_.size()) {
            const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return system_error(full_, "write", errno);
            }
            done += static_cast<std::size_t>(n);
        }
        buffer_.clear();
        return {};
    }

    fs::path full_;
    std::string relative_;
    int fd_ = -1;
    Bytes buffer_;
    std::uint64_t bytes_ = 0;
    crypto_hash_sha256_state sha_{};
};

}  // namespace psephos::record::detail
