// Ed25519 key files: crash-safe, no-replace writes and strict reads, on POSIX file calls so that
// the mode is right from the first byte and every buffer that held a seed can be wiped.
#include "psephos/crypto/key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace psephos::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view secret_key_header = "psephos-ed25519-secret-key-v1";
constexpr std::string_view public_key_header = "psephos-ed25519-public-key-v1";
constexpr std::size_t max_name_size = 200;
// Far above any valid key file; a bigger file is refused before it is read.
constexpr std::size_t max_key_file_size = 4096;

// Fixed-capacity text buffer that never reallocates (so no stray copy of a seed is freed
// unwiped) and wipes all of its storage on destruction.
class SecretBuffer {
public:
    explicit SecretBuffer(std::size_t capacity) : storage_(capacity) {}
    ~SecretBuffer() { sodium_memzero(storage_.data(), storage_.size()); }
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;

    void append(std::string_view text) {
        if (text.size() > storage_.size() - size_) {
            throw std::logic_error("SecretBuffer capacity exceeded");
        }
        std::copy(text.begin(), text.end(), storage_.begin() + static_cast<std::ptrdiff_t>(size_));
        size_ += text.size();
    }
    char* free_space() { return storage_.data() + size_; }
    std::size_t free_size() const { return storage_.size() - size_; }
    void commit(std::size_t count) { size_ += count; }
    std::string_view view() const { return {storage_.data(), size_}; }

private:
    std::vector<char> storage_;
    std::size_t size_ = 0;
};

// Wipes a buffer on every path out of a scope.
class WipeOnExit {
public:
    WipeOnExit(void* data, std::size_t size) : data_(data), size_(size) {}
    ~WipeOnExit() { sodium_memzero(data_, size_); }
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;

private:
    void* data_;
    std::size_t size_;
};

// Closes a file descriptor on every path out of a function.
class UniqueFd {
public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    // Closes now, reporting the error that a destructor would have to swallow.
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

Error line_error(ErrorCode code, const fs::path& path, std::size_t line,
                 const std::string& message) {
    return make_error(code, path.string() + ": line " + std::to_string(line) + ": " + message);
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

// The label goes on a line of its own, so it must not be able to break the line structure.
Status check_name(std::string_view name) {
    if (name.empty()) return make_error(ErrorCode::invalid_argument, "name is empty");
    if (name.size() > max_name_size) {
        return make_error(ErrorCode::invalid_argument, "name is " + std::to_string(name.size()) +
                                                           " bytes, more than " +
                                                           std::to_string(max_name_size));
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return make_error(ErrorCode::invalid_argument, "name contains a control character");
        }
    }
    return {};
}

// Writes `content` as a new file at `path` with `mode`, all or nothing: temporary file in the same
// directory, fsync, a move that never replaces an existing file, fsync of the directory.
Status write_new_file_durably(const fs::path& path, std::string_view content, mode_t mode) {
    if (!path.has_filename()) {
        return file_error(ErrorCode::invalid_argument, path, "path does not name a file");
    }
    // An early refusal with a clear message; the no-replace move below is what guarantees it.
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0) {
        return file_error(ErrorCode::io_error, path,
                          "already exists; refusing to overwrite a key file");
    }
    const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::array<std::uint8_t, 8> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    // Built by appending: GCC 12 gives a false -Wrestrict for "." + std::string.
    std::string temporary_name(".");
    temporary_name += path.filename().string();
    temporary_name += ".tmp-";
    temporary_name += to_hex(nonce);
    const fs::path temporary = directory / temporary_name;

    UniqueFd fd(::open(temporary.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        const int error = errno;
        return file_error(
            error == EACCES ? ErrorCode::permission_denied : ErrorCode::io_error, path,
            "cannot create temporary file " + temporary.string() + ": " + describe_errno(error));
    }
    auto fail = [&](const std::string& what, int error) -> Status {
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

    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
        const int error = errno;
        if (error == EEXIST) {
            ::unlink(temporary.c_str());
            return file_error(ErrorCode::io_error, path,
                              "already exists; refusing to overwrite a key file");
        }
        if (error != EINVAL && error != ENOSYS) return fail("cannot rename into place", error);
        // The file system lacks RENAME_NOREPLACE; link(2) is the other atomic no-replace move.
        if (::link(temporary.c_str(), path.c_str()) != 0) {
            const int link_error = errno;
            if (link_error == EEXIST) {
                ::unlink(temporary.c_str());
                return file_error(ErrorCode::io_error, path,
                                  "already exists; refusing to overwrite a key file");
            }
            return fail("cannot link into place", link_error);
        }
        ::unlink(temporary.c_str());
    }

    UniqueFd dir_fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
        return file_error(ErrorCode::io_error, path,
                          "written, but cannot fsync directory " + directory.string() + ": " +
                              describe_errno(errno));
    }
    return {};
}

// Reads a whole key file into `out`. A secret key file must give no access to group or others;
// the check is on the descriptor actually read, so the file cannot be swapped in between.
Status read_key_file_text(const fs::path& path, bool is_secret, SecretBuffer& out) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        const int error = errno;
        const ErrorCode code = error == ENOENT   ? ErrorCode::not_found
                               : error == EACCES ? ErrorCode::permission_denied
                                                 : ErrorCode::io_error;
        return file_error(code, path, "cannot open: " + describe_errno(error));
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        return file_error(ErrorCode::io_error, path, "cannot stat: " + describe_errno(errno));
    }
    if (!S_ISREG(status.st_mode)) {
        return file_error(ErrorCode::invalid_argument, path, "not a regular file");
    }
    if (is_secret && (status.st_mode & 077) != 0) {
        return file_error(ErrorCode::permission_denied, path,
                          "mode " + octal_mode(status.st_mode) +
                              " gives group or others access to a secret key file; expected "
                              "0600 (chmod 600 " +
                              path.string() + ")");
    }
    while (out.free_size() > 0) {
        const ssize_t n = ::read(fd.get(), out.free_space(), out.free_size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return file_error(ErrorCode::io_error, path, "cannot read: " + describe_errno(errno));
        }
        if (n == 0) return {};
        out.commit(static_cast<std::size_t>(n));
    }
    return file_error(
        ErrorCode::invalid_encoding, path,
        "larger than " + std::to_string(max_key_file_size) + " bytes; not a key file");
}

// Splits `text` into exactly `count` newline-terminated lines, the first being `header`. The header
// is checked before the line count, so a file of another kind is reported as such.
Status split_lines(const fs::path& path, std::string_view text, std::string_view header,
                   std::size_t count, std::vector<std::string_view>& lines) {
    bool last_is_terminated = true;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) {
            last_is_terminated = false;
            break;
        }
        text.remove_prefix(end + 1);
    }
    if (lines.empty()) {
        return line_error(ErrorCode::invalid_encoding, path, 1, "missing (empty file)");
    }
    if (lines[0] != header) {
        return line_error(ErrorCode::invalid_encoding, path, 1,
                          "expected the header '" + std::string(header) + "'");
    }
    if (lines.size() > count) {
        return line_error(ErrorCode::invalid_encoding, path, count + 1,
                          "unexpected line after the last field");
    }
    if (!last_is_terminated) {
        return line_error(ErrorCode::invalid_encoding, path, lines.size(),
                          "not terminated by a newline (truncated file?)");
    }
    if (lines.size() < count) {
        return line_error(ErrorCode::invalid_encoding, path, lines.size() + 1,
                          "missing (truncated file?)");
    }
    return {};
}

// The value after "<key>: " on line `line`.
Result<std::string_view> field_value(const fs::path& path, std::size_t line, std::string_view text,
                                     std::string_view key) {
    const std::string prefix = std::string(key) + ": ";
    if (text.substr(0, prefix.size()) != prefix) {
        return line_error(ErrorCode::invalid_encoding, path, line,
                          "expected '" + prefix + "<" + std::string(key) + ">'");
    }
    return text.substr(prefix.size());
}

Status check_name_line(const fs::path& path, std::string_view line) {
    auto name = field_value(path, 2, line, "name");
    if (!name) return name.error();
    if (auto valid = check_name(name.value()); !valid) {
        // A label the writer would refuse is, in a file being read, a malformed line.
        return Error{ErrorCode::invalid_encoding, path.string() + ": line 2: " + valid.error().message};
    }
    return {};
}

Result<Ed25519PublicKey> parse_public_line(const fs::path& path, std::string_view line) {
    auto text = field_value(path, 3, line, "public");
    if (!text) return text.error();
    auto raw = from_base64(text.value());
    if (!raw) return line_error(ErrorCode::invalid_encoding, path, 3, "public key is not base64");
    auto key = Ed25519PublicKey::from_bytes(raw.value());
    if (!key) return key.error().within(path.string() + ": line 3");
    return key;
}

// Decodes the seed straight into a wiped array: from_base64 would free a partly decoded seed
// without wiping it when the text turns out to be bad.
Result<Ed25519SigningKey> parse_seed_line(const fs::path& path, std::string_view line) {
    auto text = field_value(path, 4, line, "seed");
    if (!text) return text.error();
    const std::string_view base64 = text.value();
    std::array<std::uint8_t, Ed25519SigningKey::seed_size + 3> seed{};
    const WipeOnExit wipe_seed(seed.data(), seed.size());
    std::size_t seed_length = 0;
    const char* end = nullptr;
    if (!is_canonical_base64(base64) ||
        sodium_base642bin(seed.data(), seed.size(), base64.data(), base64.size(), nullptr,
                          &seed_length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != base64.data() + base64.size()) {
        return line_error(ErrorCode::invalid_encoding, path, 4, "seed is not base64 of 32 bytes");
    }
    if (seed_length != Ed25519SigningKey::seed_size) {
        return line_error(ErrorCode::invalid_encoding, path, 4,
                          "seed must be 32 bytes, got " + std::to_string(seed_length));
    }
    return Ed25519SigningKey::from_seed(ByteSpan(seed.data(), seed_length));
}

}  // namespace

Status write_signing_key_file(const fs::path& path, const Ed25519SigningKey& key,
                              std::string_view name) {
    if (auto valid = check_name(name); !valid) return valid.error().within(path.string());
    std::string seed_text = to_base64(key.seed());
    const WipeOnExit wipe_seed_text(seed_text.data(), seed_text.size());
    SecretBuffer content(256 + name.size());
    content.append(secret_key_header);
    content.append("\nname: ");
    content.append(name);
    content.append("\npublic: ");
    content.append(to_base64(key.public_key().span()));
    content.append("\nseed: ");
    content.append(seed_text);
    content.append("\n");
    return write_new_file_durably(path, content.view(), 0600);
}

Result<Ed25519SigningKey> read_signing_key_file(const fs::path& path) {
    SecretBuffer text(max_key_file_size);
    if (auto read = read_key_file_text(path, true, text); !read) return read.error();
    std::vector<std::string_view> lines;
    if (auto split = split_lines(path, text.view(), secret_key_header, 4, lines); !split) {
        return split.error();
    }
    if (auto name = check_name_line(path, lines[1]); !name) return name.error();
    auto stored_public = parse_public_line(path, lines[2]);
    if (!stored_public) return stored_public.error();
    auto key = parse_seed_line(path, lines[3]);
    if (!key) return key.error();
    if (key.value().public_key() != stored_public.value()) {
        return line_error(ErrorCode::verification_failed, path, 3,
                          "public key does not match the key derived from the seed on line 4");
    }
    return key;
}

Status write_public_key_file(const fs::path& path, const Ed25519PublicKey& key,
                             std::string_view name) {
    if (auto valid = check_name(name); !valid) return valid.error().within(path.string());
    std::string content;
    content.append(public_key_header);
    content.append("\nname: ");
    content.append(name);
    content.append("\npublic: ");
    content.append(to_base64(key.span()));
    content.append("\n");
    return write_new_file_durably(path, content, 0644);
}

Result<Ed25519PublicKey> read_public_key_file(const fs::path& path) {
    SecretBuffer text(max_key_file_size);  // not secret, but the same reader
    if (auto read = read_key_file_text(path, false, text); !read) return read.error();
    std::vector<std::string_view> lines;
    if (auto split = split_lines(path, text.view(), public_key_header, 3, lines); !split) {
        return split.error();
    }
    if (auto name = check_name_line(path, lines[1]); !name) return name.error();
    return parse_public_line(path, lines[2]);
}

}  // namespace psephos::crypto
