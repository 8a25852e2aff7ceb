#include "psephos/kiosk/poll_worker_lock.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::kiosk {
namespace {

constexpr std::string_view file_header = "psephos-poll-worker-passphrase-v1 ";
constexpr std::size_t min_passphrase = 8;
constexpr std::size_t max_passphrase = 256;
constexpr std::string_view lockout_header = "psephos-poll-worker-lockout-v1 ";
constexpr unsigned max_counted_failures = 1'000'000;
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

Status PollWorkerLock::write_failures(unsigned count) const {
    return crypto::replace_file(state_file_,
                                std::string(lockout_header) + std::to_string(count) + "\n", 0600);
}

Status PollWorkerLock::keep_failures_in(const std::filesystem::path& state_file) {
    std::error_code ec;
    const auto found = std::filesystem::symlink_status(state_file, ec);
    if (found.type() != std::filesystem::file_type::not_found) {
        crypto::SecretText text(128);
        if (Status read = crypto::read_file_into(state_file, true, text); !read)
            return read.error();
        std::string_view content = text.view();
        unsigned count = 0;
        bool valid = content.starts_with(lockout_header) && content.ends_with('\n');
        if (valid) {
            content.remove_prefix(lockout_header.size());
            content.remove_suffix(1);
            const auto [end, parsed] =
                std::from_chars(content.data(), content.data() + content.size(), count);
            valid = !content.empty() && parsed == std::errc{} &&
                    end == content.data() + content.size() && count <= max_counted_failures;
        }
        if (!valid)
            return Error{ErrorCode::invalid_encoding,
                         state_file.string() +
                             ": not a poll-worker lockout file (expected one line '" +
                             std::string(lockout_header) + "<count of failures>')"};
        failures_ = count;
    }
    state_file_ = state_file;
    if (failures_ >= free_attempts) lock_for_failures();
    return {};
}

void PollWorkerLock::lock_for_failures() {
    const unsigned doublings = std::min(failures_ - free_attempts, 10u);
    const auto delay = std::min<std::chrono::seconds>(first_delay * (1u << doublings), max_delay);
    locked_until_ = now() + delay;
}

PollWorkerLock::Attempt PollWorkerLock::try_unlock(std::string_view passphrase) {
    if (const std::uint64_t wait = seconds_locked_out(); wait > 0) return {false, wait, {}};
    const unsigned counted = std::min(failures_ + 1, max_counted_failures);
    if (!state_file_.empty()) {
        if (Status kept = write_failures(counted); !kept)
            return {false, 0, "cannot count the attempt: " + kept.error().message};
    }
    const bool ok =
        !hash_.empty() && sodium_init() >= 0 &&
        crypto_pwhash_str_verify(hash_.c_str(), passphrase.data(), passphrase.size()) == 0;
    if (ok) {
        failures_ = 0;
        // A reset that fails leaves one failure counted: the safe side.
        if (!state_file_.empty()) (void)write_failures(0);
        return {true, 0, {}};
    }
    failures_ = counted;
    if (failures_ >= free_attempts) lock_for_failures();
    return {false, seconds_locked_out(), {}};
}

}  // namespace psephos::kiosk
