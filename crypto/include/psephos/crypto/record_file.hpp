// Files inside a published election record, read so that a hostile record cannot lead its reader
// out of the record, make it wait forever or make it allocate more than the record holds
// (docs/election-record.md §3.8). The directory the user names may be a
// symbolic link; nothing inside it may be one: every component below it is opened with
// O_NOFOLLOW, and what is opened must be a regular file (fstat on the descriptor, so a FIFO, a
// device such as /dev/zero or a directory is refused before a byte is read). A file's size is
// taken once, at open; nothing past it is read, and a frame's length is checked against the
// bytes left before its buffer is allocated. Used by the independent verifier
// (psephos::verifier) and by the record reader behind proof bundles (psephos::record), which
// share no other code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

// The longest frame either reader accepts (docs/election-record.md §2), whatever the file's size.
inline constexpr std::uint32_t max_record_frame_bytes = std::uint32_t{256} << 20;

// One regular file of a record, open for reading from its start; moves, never copies.
class RecordFile {
public:
    // Opens `relative` (segments separated by '/', none empty, "." or "..") under `root`.
    // Errors name `relative` and say what is wrong: not_found, a symbolic link, not a regular
    // file, not a relative path inside the record (invalid_argument), or the system's reason.
    static Result<RecordFile> open(const std::filesystem::path& root, std::string_view relative);

    RecordFile(RecordFile&& other) noexcept;
    RecordFile& operator=(RecordFile&& other) noexcept;
    RecordFile(const RecordFile&) = delete;
    RecordFile& operator=(const RecordFile&) = delete;
    ~RecordFile();

    const std::string& name() const { return name_; }  // `relative` as given to open
    std::uint64_t size() const { return size_; }       // from fstat at open
    std::uint64_t position() const { return position_; }
    std::uint64_t remaining() const { return size_ - position_; }

    // Up to out.size() bytes from the position, never past size(); 0 at the end. A file that
    // shrank under the reader is an io_error.
    Result<std::size_t> read_some(std::span<std::uint8_t> out);
    // Moves the position (at most size()).
    Status seek(std::uint64_t offset);
    // The whole file, refused (invalid_argument, naming the size and the limit) before a byte
    // is read if it is larger than `max_size`.
    Result<Bytes> read_all(std::size_t max_size);
    // The next frame (u32be n ‖ n bytes), std::nullopt at a clean end. A length beyond the bytes
    // left in the file or beyond max_record_frame_bytes is refused before anything is allocated;
    // errors (invalid_encoding) name the file and the frame's byte offset.
    Result<std::optional<Bytes>> read_frame();

private:
    RecordFile(int fd, std::string name, std::uint64_t size);
    Status read_exact(std::span<std::uint8_t> out);
    Error error(ErrorCode code, const std::string& message) const;

    int fd_ = -1;
    std::string name_;
    std::uint64_t size_ = 0;
    std::uint64_t position_ = 0;  // of the next byte handed out
    // Read ahead: buffer_[buffer_at_, buffer_end_) are the bytes at position_ onward.
    std::vector<std::uint8_t> buffer_;
    std::size_t buffer_at_ = 0, buffer_end_ = 0;
};

// RecordFile::open(root, relative) then read_all(max_size).
Result<Bytes> read_record_file(const std::filesystem::path& root, std::string_view relative,
                               std::size_t max_size);

}  // namespace psephos::crypto
