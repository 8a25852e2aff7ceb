// Files that hold keys and records: new files written all or nothing with their final mode from
// the first byte, never replacing an existing file (or, for small state files, replacing one
// atomically); bounded reads; and a refusal to read a secret
// file that the group or others can access. Buffers that may hold secrets wipe themselves. Used by
// the key files here and by the CLI's guardian key files and records.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"

namespace psephos::crypto {

// A fixed-capacity byte buffer that never reallocates (so no stray copy of a secret is freed
// unwiped) and wipes all of its storage on destruction.
class SecretText {
public:
    explicit SecretText(std::size_t capacity) : storage_(capacity) {}
    ~SecretText();
    SecretText(const SecretText&) = delete;
    SecretText& operator=(const SecretText&) = delete;

    void append(std::string_view text);  // logic_error past the capacity
    char* free_space() { return storage_.data() + size_; }
    std::size_t free_size() const { return storage_.size() - size_; }
    void commit(std::size_t count) { size_ += count; }
    std::string_view view() const { return {storage_.data(), size_}; }

private:
    std::vector<char> storage_;
    std::size_t size_ = 0;
};

// Wipes a buffer (sodium_memzero) on every path out of a scope.
class WipeOnExit {
public:
    WipeOnExit(void* data, std::size_t size) : data_(data), size_(size) {}
    ~WipeOnExit();
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

private:
    void* data_;
    std::size_t size_;
};

// Writes `content` as a new file at `path` with `mode`, all or nothing: a temporary file in the
// same directory created with O_CREAT|O_EXCL and `mode` (never wider), fsync, a move into place
// that never replaces an existing file, fsync of the directory. io_error names the path if it
// exists or the disk refuses.
Status write_new_file(const std::filesystem::path& path, std::string_view content, mode_t mode);
Status write_new_file(const std::filesystem::path& path, ByteSpan content, mode_t mode);

// Writes `content` at `path` with `mode`, replacing any file there, all or nothing: a temporary
// file in the same directory (O_CREAT|O_EXCL, `mode`), fsync, rename(2) over `path`, fsync of the
// directory. After a crash the path holds the old content or the new, never a mix.
Status replace_file(const std::filesystem::path& path, std::string_view content, mode_t mode);

// Reads the whole file into `out`, refusing a file that does not fit (invalid_argument) and
// anything but a regular file. With `require_private`, refuses (permission_denied, naming the
// mode found) a file that gives the group or others any access, checked on the descriptor read.
Status read_file_into(const std::filesystem::path& path, bool require_private, SecretText& out);

// A public file of at most `max_size` bytes.
Result<Bytes> read_public_file(const std::filesystem::path& path, std::size_t max_size);

}  // namespace psephos::crypto
