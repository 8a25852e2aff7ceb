// No-replace, crash-safe writes and careful reads of key and record files (secure_file.hpp), on
// POSIX file calls so that the mode is right from the first byte.
#include "psephos/crypto/secure_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

namespace psephos::crypto {
namespace {

namespace fs = std::filesystem;

class UniqueFd {
public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

std::string describe_errno(int error) { return std::generic_category().message(error); }

Error file_error(ErrorCode code, const fs::path& path, const std::string& message) {
    return make_error(code, path.string() + ": " + message);
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

// Opens for reading and checks the kind (and, for a secret, the mode) of what was opened.
Result<int> open_for_reading(const fs::path& path, bool require_private, struct stat& status) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, before fstat
    // can refuse it. It changes nothing for the regular files read below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int error = errno;
        const ErrorCode code = error == ENOENT   ? ErrorCode::not_found
                               : error == EACCES ? ErrorCode::permission_denied
                                                 : ErrorCode::io_error;
        return file_error(code, path, "cannot open: " + describe_errno(error));
    }
    auto fail = [&](ErrorCode code, const std::string& message) -> Result<int> {
        ::close(fd);
        return file_error(code, path, message);
    };
    if (::fstat(fd, &status) != 0)
        return fail(ErrorCode::io_error, "cannot stat: " + describe_errno(errno));
    if (!S_ISREG(status.st_mode)) return fail(ErrorCode::invalid_argument, "not a regular file");
    if (require_private && (status.st_mode & 077) != 0) {
        return fail(
            ErrorCode::permission_denied,
            "mode " + octal_mode(status.st_mode) +
                " gives group or others access to a secret key file; expected 0600 (chmod 600 " +
                path.string() + ")");
    }
    return fd;
}

}  // namespace

SecretText::~SecretText() { sodium_memzero(storage_.data(), storage_.size()); }

void SecretText::append(std::string_view text) {
    if (text.size() > storage_.size() - size_)
        throw std::logic_error("SecretText capacity exceeded");
    std::copy(text.begin(), text.end(), storage_.begin() + static_cast<std::ptrdiff_t>(size_));
    size_ += text.size();
}

WipeOnExit::~WipeOnExit() {
    if (data_ != nullptr && size_ > 0) sodium_memzero(data_, size_);
}

Status write_new_file(const fs::path& path, ByteSpan content, mode_t mode) {
    return write_new_file(
        path, std::string_view(reinterpret_cast<const char*>(content.data()), content.size()),
        mode);
}

namespace {

// A temporary file beside `path` holding `content`, with `mode` from the first byte, synced.
Result<fs::path> write_temporary_beside(const fs::path& path, std::string_view content,
                                        mode_t mode) {
    const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::array<std::uint8_t, 8> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    std::string temporary_name(".");  // appended: GCC 12 gives a false -Wrestrict for "." + string
    temporary_name += path.filename().string();
    temporary_name += ".tmp-";
    temporary_name += to_hex(nonce);
    fs::path temporary = directory / temporary_name;

    UniqueFd fd(::open(temporary.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        const int error = errno;
        return file_error(error == EACCES ? ErrorCode::permission_denied : ErrorCode::io_error,
                          path,
                          "cannot create " + temporary.string() + ": " + describe_errno(error));
    }
    auto fail = [&](const std::string& what, int error) -> Result<fs::path> {
        ::unlink(temporary.c_str());
        return file_error(ErrorCode::io_error, path, what + ": " + describe_errno(error));
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write " + temporary.string(), errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("cannot fsync " + temporary.string(), errno);
    if (fd.close() != 0) return fail("cannot close " + temporary.string(), errno);
    return temporary;
}

Status sync_directory_of(const fs::path& path) {
    const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
    UniqueFd dir_fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
        return file_error(ErrorCode::io_error, path,
                          "written, but cannot fsync directory " + directory.string() + ": " +
                              describe_errno(errno));
    }
    return {};
}

}  // namespace

Status write_new_file(const fs::path& path, std::string_view content, mode_t mode) {
    if (!path.has_filename())
        return file_error(ErrorCode::invalid_argument, path, "path does not name a file");
    // An early refusal with a clear message; the no-replace move below is what guarantees it.
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0) {
        return file_error(ErrorCode::io_error, path, "already exists; refusing to overwrite it");
    }
    auto written = write_temporary_beside(path, content, mode);
    if (!written) return written.error();
    const fs::path& temporary = written.value();
    auto fail = [&](const std::string& what, int error) -> Status {
        ::unlink(temporary.c_str());
        return file_error(ErrorCode::io_error, path, what + ": " + describe_errno(error));
    };

    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
        const int error = errno;
        if (error == EEXIST) {
            ::unlink(temporary.c_str());
            return file_error(ErrorCode::io_error, path,
                              "already exists; refusing to overwrite it");
        }
        if (error != EINVAL && error != ENOSYS) return fail("cannot rename into place", error);
        // The file system lacks RENAME_NOREPLACE; link(2) is the other atomic no-replace move.
        if (::link(temporary.c_str(), path.c_str()) != 0) {
            const int link_error = errno;
            if (link_error == EEXIST) {
                ::unlink(temporary.c_str());
                return file_error(ErrorCode::io_error, path,
                                  "already exists; refusing to overwrite it");
            }
            return fail("cannot link into place", link_error);
        }
        ::unlink(temporary.c_str());
    }
    return sync_directory_of(path);
}

Status replace_file(const fs::path& path, std::string_view content, mode_t mode) {
    if (!path.has_filename())
        return file_error(ErrorCode::invalid_argument, path, "path does not name a file");
    auto written = write_temporary_beside(path, content, mode);
    if (!written) return written.error();
    const fs::path& temporary = written.value();
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return file_error(ErrorCode::io_error, path,
                          "cannot rename into place: " + describe_errno(error));
    }
    return sync_directory_of(path);
}

Status read_file_into(const fs::path& path, bool require_private, SecretText& out) {
    struct stat status {};
    auto opened = open_for_reading(path, require_private, status);
    if (!opened) return opened.error();
    UniqueFd fd(opened.value());
    while (out.free_size() > 0) {
        const ssize_t n = ::read(fd.get(), out.free_space(), out.free_size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return file_error(ErrorCode::io_error, path, "cannot read: " + describe_errno(errno));
        }
        if (n == 0) return {};
        out.commit(static_cast<std::size_t>(n));
    }
    char extra = 0;
    if (::read(fd.get(), &extra, 1) == 0) return {};
    return file_error(ErrorCode::invalid_argument, path,
                      "larger than expected for this kind of file");
}

Result<Bytes> read_public_file(const fs::path& path, std::size_t max_size) {
    struct stat status {};
    auto opened = open_for_reading(path, false, status);
    if (!opened) return opened.error();
    UniqueFd fd(opened.value());
    if (static_cast<std::uintmax_t>(status.st_size) > max_size) {
        return file_error(ErrorCode::invalid_argument, path,
                          "is " + std::to_string(status.st_size) +
                              " bytes, more than the limit of " + std::to_string(max_size));
    }
    // One byte more than the file should hold, to see that it did not grow while being read.
    Bytes out(std::min(static_cast<std::size_t>(status.st_size), max_size) + 1);
    std::size_t size = 0;
    for (;;) {
        if (size == out.size()) {
            if (out.size() > max_size) {
                return file_error(ErrorCode::invalid_argument, path,
                                  "more than the limit of " + std::to_string(max_size) + " bytes");
            }
            out.resize(std::min(max_size + 1, out.size() * 2));
        }
        const ssize_t n = ::read(fd.get(), out.data() + size, out.size() - size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return file_error(ErrorCode::io_error, path, "cannot read: " + describe_errno(errno));
        }
        if (n == 0) break;
        size += static_cast<std::size_t>(n);
    }
    out.resize(size);
    return out;
}

}  // namespace psephos::crypto
