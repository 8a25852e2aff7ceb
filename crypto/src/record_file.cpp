// A record's files, opened without following links and read within their size
// (record_file.hpp; docs/election-record.md §3).
#include "psephos/crypto/record_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace psephos::crypto {
namespace {

constexpr std::size_t read_ahead_bytes = std::size_t{64} << 10;

std::string describe_errno(int error) { return std::generic_category().message(error); }

// Closes a descriptor on every path out of a scope unless released.
class FdGuard {
public:
    explicit FdGuard(int fd) : fd_(fd) {}
    ~FdGuard() {
        if (fd_ >= 0) ::close(fd_);
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

// The segments of a path inside the record, or an empty list if it is not one.
std::vector<std::string_view> split_relative(std::string_view relative) {
    std::vector<std::string_view> segments;
    if (relative.empty() || relative.front() == '/') return {};
    std::size_t at = 0;
    while (true) {
        const std::size_t slash = relative.find('/', at);
        const std::string_view segment =
            relative.substr(at, slash == std::string_view::npos ? slash : slash - at);
        if (segment.empty() || segment == "." || segment == ".." ||
            segment.find('\0') != std::string_view::npos)
            return {};
        segments.push_back(segment);
        if (slash == std::string_view::npos) return segments;
        at = slash + 1;
    }
}

// Why opening `segment` (`what`, from the record's root) under `directory` failed, as the
// record's rules see it. O_NOFOLLOW gives ELOOP for a link, O_DIRECTORY|O_NOFOLLOW ENOTDIR.
Error open_error(int error, int directory, std::string_view segment, const std::string& what) {
    struct stat status {};
    if (error == ENOTDIR &&
        ::fstatat(directory, std::string(segment).c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(status.st_mode))
        error = ELOOP;
    if (error == ELOOP)
        return make_error(ErrorCode::invalid_argument,
                          what + ": a symbolic link, which a record does not hold");
    if (error == ENOENT) return make_error(ErrorCode::not_found, what + ": missing");
    if (error == ENOTDIR)
        return make_error(ErrorCode::invalid_argument, what + ": not a directory");
    return make_error(error == EACCES ? ErrorCode::permission_denied : ErrorCode::io_error,
                      what + ": cannot open: " + describe_errno(error));
}

}  // namespace

Result<RecordFile> RecordFile::open(const std::filesystem::path& root, std::string_view relative) {
    const std::string name(relative);
    const std::vector<std::string_view> segments = split_relative(relative);
    if (segments.empty())
        return make_error(ErrorCode::invalid_argument,
                          "'" + name + "': not a relative path inside the record");
    // The root as the user named it may be a link; from here on, nothing is followed.
    FdGuard directory(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() < 0) {
        const int error = errno;
        return make_error(
            error == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
            root.string() + ": cannot open the record's directory: " + describe_errno(error));
    }
    std::string walked;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        walked += std::string(segments[i]);
        const int next = ::openat(directory.get(), std::string(segments[i]).c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) return open_error(errno, directory.get(), segments[i], walked);
        directory.reset(next);
        walked += '/';
    }
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    FdGuard file(::openat(directory.get(), std::string(segments.back()).c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (file.get() < 0) return open_error(errno, directory.get(), segments.back(), name);
    struct stat status {};
    if (::fstat(file.get(), &status) != 0)
        return make_error(ErrorCode::io_error, name + ": cannot stat: " + describe_errno(errno));
    if (!S_ISREG(status.st_mode))
        return make_error(ErrorCode::invalid_argument,
                          name + ": not a regular file (a record holds only regular files)");
    return RecordFile(file.release(), name, static_cast<std::uint64_t>(status.st_size));
}

RecordFile::RecordFile(int fd, std::string name, std::uint64_t size)
    : fd_(fd), name_(std::move(name)), size_(size) {}

RecordFile::RecordFile(RecordFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      size_(other.size_),
      position_(other.position_),
      buffer_(std::move(other.buffer_)),
      buffer_at_(other.buffer_at_),
      buffer_end_(other.buffer_end_) {}

RecordFile& RecordFile::operator=(RecordFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        name_ = std::move(other.name_);
        size_ = other.size_;
        position_ = other.position_;
        buffer_ = std::move(other.buffer_);
        buffer_at_ = other.buffer_at_;
        buffer_end_ = other.buffer_end_;
    }
    return *this;
}

RecordFile::~RecordFile() {
    if (fd_ >= 0) ::close(fd_);
}

Error RecordFile::error(ErrorCode code, const std::string& message) const {
    return make_error(code, name_ + ": " + message);
}

Result<std::size_t> RecordFile::read_some(std::span<std::uint8_t> out) {
    if (out.empty() || position_ >= size_) return std::size_t{0};
    if (buffer_at_ == buffer_end_) {
        const std::size_t left =
            static_cast<std::size_t>(std::min<std::uint64_t>(size_ - position_, SIZE_MAX));
        const bool direct = std::min(out.size(), left) >= read_ahead_bytes;
        if (!direct && buffer_.empty()) buffer_.resize(read_ahead_bytes);
        std::uint8_t* target = direct ? out.data() : buffer_.data();
        const std::size_t want = std::min(direct ? out.size() : buffer_.size(), left);
        ssize_t n = 0;
        do {
            n = ::pread(fd_, target, want, static_cast<off_t>(position_));
        } while (n < 0 && errno == EINTR);
        if (n < 0) return error(ErrorCode::io_error, "cannot read: " + describe_errno(errno));
        if (n == 0)
            return error(ErrorCode::io_error, "ends at byte " + std::to_string(position_) +
                                                  ", before its size at open (" +
                                                  std::to_string(size_) + " bytes)");
        const auto got = static_cast<std::size_t>(n);
        if (direct) {
            position_ += got;
            return got;
        }
        buffer_at_ = 0;
        buffer_end_ = got;
    }
    const std::size_t count = std::min(out.size(), buffer_end_ - buffer_at_);
    std::memcpy(out.data(), buffer_.data() + buffer_at_, count);
    buffer_at_ += count;
    position_ += count;
    return count;
}

Status RecordFile::read_exact(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        PSEPHOS_TRY_ASSIGN(const std::size_t n, read_some(out.subspan(done)));
        if (n == 0) return error(ErrorCode::invalid_encoding, "truncated");
        done += n;
    }
    return {};
}

Status RecordFile::seek(std::uint64_t offset) {
    if (offset > size_)
        return error(ErrorCode::invalid_argument, "offset " + std::to_string(offset) +
                                                      " is beyond its " + std::to_string(size_) +
                                                      " bytes");
    position_ = offset;
    buffer_at_ = buffer_end_ = 0;
    return {};
}

Result<Bytes> RecordFile::read_all(std::size_t max_size) {
    if (size_ > max_size)
        return error(ErrorCode::invalid_argument, "is " + std::to_string(size_) +
                                                      " bytes, more than the limit of " +
                                                      std::to_string(max_size));
    Bytes out(static_cast<std::size_t>(size_ - position_));
    PSEPHOS_TRY(read_exact(out));
    return out;
}

Result<std::optional<Bytes>> RecordFile::read_frame() {
    const std::uint64_t at = position_;
    if (remaining() == 0) return std::optional<Bytes>{};
    if (remaining() < 4)
        return error(ErrorCode::invalid_encoding,
                     "truncated frame length at byte " + std::to_string(at));
    std::array<std::uint8_t, 4> length{};
    PSEPHOS_TRY(read_exact(length));
    const std::uint32_t n = (std::uint32_t{length[0]} << 24) | (std::uint32_t{length[1]} << 16) |
                            (std::uint32_t{length[2]} << 8) | length[3];
    if (n > max_record_frame_bytes)
        return error(ErrorCode::invalid_encoding, "frame at byte " + std::to_string(at) +
                                                      " claims " + std::to_string(n) +
                                                      " bytes, more than the limit of " +
                                                      std::to_string(max_record_frame_bytes));
    if (n > remaining())
        return error(ErrorCode::invalid_encoding, "truncated frame at byte " + std::to_string(at) +
                                                      ": it claims " + std::to_string(n) +
                                                      " bytes, the file has " +
                                                      std::to_string(remaining()) + " left");
    Bytes frame(n);
    PSEPHOS_TRY(read_exact(frame));
    return std::optional<Bytes>{std::move(frame)};
}

Result<Bytes> read_record_file(const std::filesystem::path& root, std::string_view relative,
                               std::size_t max_size) {
    PSEPHOS_TRY_ASSIGN(RecordFile file, RecordFile::open(root, relative));
    return file.read_all(max_size);
}

}  // namespace psephos::crypto
