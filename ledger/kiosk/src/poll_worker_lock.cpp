#include "psephos/kiosk/poll_worker_lock.hpp"

#include <sodium.h>

#include <algorithm>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::kiosk {
namespace {

constexpr std::string_view file_header = "psephos-poll-worker-passphrase-v1 ";
constexpr std::size_t min_passphrase = 8;
constexpr std::size_t max_passphrase = 256;
// The cost of the hash the writer makes, and the only one the reader accepts.
constexpr unsigned long long pwhash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t pwhash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

}  // namespace

Status write_poll_worker_passphrase_file(const std::filesystem::path& path,
                                         std::string_view passphrase) {
    if (passphrase.size() < min_passphrase || passphrase.size() > max_passphrase)
        return Error{ErrorCode::invalid_argument,
                     "the poll-worker passphrase must be 8 to 256 bytes (it has " +
                         std::to_string(passphrase.size()) + ")"};
    if (sodium_init() < 0) return Error{ErrorCode::io_error, "libsodium failed to initialize"};
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, passphrase.data(), passphrase.size(), pwhash_opslimit,
                          pwhash_memlimit) != 0)
        return Error{ErrorCode::io_error, "crypto_pwhash_str ran out of memory"};
    std::string line = std::string(file_header) + hash + "\n";
    return crypto::write_new_file(path, line, 0600);
}

Result<std::string> read_poll_worker_passphrase_file(const std::filesystem::path& path) {
    crypto::SecretText text(4096);
    if (Status read = crypto::read_file_into(path, true, text); !read) return read.error();
    return parse_poll_worker_passphrase_file(text.view(), path.string() + ": ");
}

Result<std::string> parse_poll_worker_passphrase_file(std::string_view content,
                                                      const std::string& where) {
    if (sodium_init() < 0) return Error{ErrorCode::io_error, "libsodium failed to initialize"};
    if (!content.starts_with(file_header))
        return Error{ErrorCode::invalid_encoding,
                     where + "not a poll-worker passphrase file (expected a line starting with '" +
                         std::string(file_header.substr(0, file_header.size() - 1)) + "')"};
    content.remove_prefix(file_header.size());
    if (content.ends_with('\n')) content.remove_suffix(1);
    if (content.empty() || content.size() >= crypto_pwhash_STRBYTES ||
        content.find('\n') != std::string_view::npos)
        return Error{ErrorCode::invalid_encoding, where + "malformed password hash line"};
    std::string hash(content);
    // A hash libsodium cannot parse would make every unlock fail: refuse it now. One with other
    // cost parameters than the writer's would make each attempt cost what the file says (up to
    // terabytes of memory): refuse that too.
    const int rehash =
        crypto_pwhash_str_needs_rehash(hash.c_str(), pwhash_opslimit, pwhash_memlimit);
    if (rehash == -1)
        return Error{ErrorCode::invalid_encoding,
                     where + "not an Argon2 password hash libsodium recognises"};
    if (rehash != 0)
        return Error{ErrorCode::invalid_encoding,
                     where +
                         "an Argon2 password hash with other cost parameters than the kiosk "
                         "writes (Argon2id, libsodium's INTERACTIVE limits)"};
    return hash;
}

PollWorkerLock::PollWorkerLock(std::string stored_hash, Clock clock)
    : hash_(std::move(stored_hash)), clock_(std::move(clock)) {}

std::chrono::steady_clock::time_point PollWorkerLock::now() const {
    return clock_ ? clock_() : std::chrono::steady_clock::now();
}

std::uint64_t PollWorkerLock::seconds_locked_out() const {
    const auto t = now();
    if (t >= locked_until_) return 0;
    const auto left = std::chrono::ceil<std::chrono::seconds>(locked_until_ - t);
    return static_cast<std::uint64_t>(left.count());
}

PollWorkerLock::Attempt PollWorkerLock::try_unlock(std::string_view passphrase) {
    if (const std::uint64_t wait = seconds_locked_out(); wait > 0) return {false, wait};
    const bool ok =
        !hash_.empty() && sodium_init() >= 0 &&
        crypto_pwhash_str_verify(hash_.c_str(), passphrase.data(), passphrase.size()) == 0;
    if (ok) {
        failures_ = 0;
        return {true, 0};
    }
    ++failures_;
    if (failures_ >= free_attempts) {
        const unsigned doublings = std::min(failures_ - free_attempts, 10u);
        const auto delay =
            std::min<std::chrono::seconds>(first_delay * (1u << doublings), max_delay);
        locked_until_ = now() + delay;
    }
    return {false, seconds_locked_out()};
}

}  // namespace psephos::kiosk
