#include "psephos/kiosk/poll_worker_lock.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "poll_worker_hash.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::kiosk {
namespace {

constexpr std::string_view file_header = "psephos-poll-worker-passphrase-v1 ";
constexpr std::string_view lockout_header = "psephos-poll-worker-lockout-v1 ";
constexpr std::string_view lockout_header_v2 = "psephos-poll-worker-lockout-v2";
constexpr unsigned max_counted_failures = 1'000'000;

// The counts of a lockout file's content ("v1 <count>" or "v2 <count> …"), or nothing.
std::optional<std::vector<unsigned>> parse_lockout(std::string_view content) {
    if (!content.ends_with('\n')) return std::nullopt;
    content.remove_suffix(1);
    if (content.starts_with(lockout_header)) {
        content.remove_prefix(lockout_header.size());
    } else if (content.starts_with(lockout_header_v2) &&
               content.size() > lockout_header_v2.size() &&
               content[lockout_header_v2.size()] == ' ') {
        content.remove_prefix(lockout_header_v2.size() + 1);
    } else {
        return std::nullopt;
    }
    std::vector<unsigned> counts;
    while (true) {
        const std::size_t space = content.find(' ');
        const std::string_view item = content.substr(0, space);
        unsigned count = 0;
        const auto [end, parsed] = std::from_chars(item.data(), item.data() + item.size(), count);
        if (item.empty() || parsed != std::errc{} || end != item.data() + item.size() ||
            count > max_counted_failures || counts.size() == max_poll_worker_credentials)
            return std::nullopt;
        counts.push_back(count);
        if (space == std::string_view::npos) break;
        content.remove_prefix(space + 1);
    }
    return counts;
}

}  // namespace

Status write_poll_worker_passphrase_file(const std::filesystem::path& path,
                                         std::string_view passphrase) {
    PSEPHOS_TRY_ASSIGN(std::string hash, detail::hash_passphrase(passphrase));
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
    if (std::string problem = detail::hash_problem(hash); !problem.empty())
        return Error{ErrorCode::invalid_encoding, where + problem};
    return hash;
}

PollWorkerLock::PollWorkerLock(std::string stored_hash, Clock clock)
    : PollWorkerLock(std::vector<PollWorkerCredential>{unnamed_poll_worker(std::move(stored_hash))},
                     std::move(clock)) {}

PollWorkerLock::PollWorkerLock(std::vector<PollWorkerCredential> credentials, Clock clock)
    : credentials_(std::move(credentials)),
      clock_(std::move(clock)),
      failures_(credentials_.size(), 0),
      locked_until_(credentials_.size()) {}

std::chrono::steady_clock::time_point PollWorkerLock::now() const {
    return clock_ ? clock_() : std::chrono::steady_clock::now();
}

std::uint64_t PollWorkerLock::seconds_left(std::size_t i) const {
    const auto t = now();
    if (t >= locked_until_[i]) return 0;
    const auto left = std::chrono::ceil<std::chrono::seconds>(locked_until_[i] - t);
    return static_cast<std::uint64_t>(left.count());
}

std::uint64_t PollWorkerLock::seconds_locked_out() const {
    std::uint64_t shortest = 0;
    for (std::size_t i = 0; i < credentials_.size(); ++i) {
        const std::uint64_t left = seconds_left(i);
        if (left == 0) return 0;
        shortest = i == 0 ? left : std::min(shortest, left);
    }
    return shortest;
}

std::uint64_t PollWorkerLock::longest_wait() const {
    std::uint64_t longest = 0;
    for (std::size_t i = 0; i < credentials_.size(); ++i)
        longest = std::max(longest, seconds_left(i));
    return longest;
}

unsigned PollWorkerLock::consecutive_failures() const {
    unsigned most = 0;
    for (const unsigned f : failures_) most = std::max(most, f);
    return most;
}

Status PollWorkerLock::write_failures(const std::vector<unsigned>& counts) const {
    std::string line;
    if (counts.size() == 1) {
        line = std::string(lockout_header) + std::to_string(counts[0]);
    } else {
        line = std::string(lockout_header_v2);
        for (const unsigned c : counts) line += " " + std::to_string(c);
    }
    return crypto::replace_file(state_file_, line + "\n", 0600);
}

Status PollWorkerLock::keep_failures_in(const std::filesystem::path& state_file) {
    std::error_code ec;
    const auto found = std::filesystem::symlink_status(state_file, ec);
    if (found.type() != std::filesystem::file_type::not_found) {
        crypto::SecretText text(256);
        if (Status read = crypto::read_file_into(state_file, true, text); !read)
            return read.error();
        const auto counts = parse_lockout(text.view());
        if (!counts)
            return Error{ErrorCode::invalid_encoding,
                         state_file.string() +
                             ": not a poll-worker lockout file (expected one line '" +
                             std::string(lockout_header) + "<count of failures>' or '" +
                             std::string(lockout_header_v2) + " <count> …')"};
        if (counts->size() == failures_.size()) {
            failures_ = *counts;
        } else {
            unsigned most = 0;
            for (const unsigned c : *counts) most = std::max(most, c);
            failures_.assign(failures_.size(), most);
        }
    }
    state_file_ = state_file;
    for (std::size_t i = 0; i < failures_.size(); ++i)
        if (failures_[i] >= free_attempts) lock_for_failures(i);
    return {};
}

void PollWorkerLock::lock_for_failures(std::size_t i) {
    const unsigned doublings = std::min(failures_[i] - free_attempts, 10u);
    const auto delay = std::min<std::chrono::seconds>(first_delay * (1u << doublings), max_delay);
    locked_until_[i] = now() + delay;
}

PollWorkerLock::Attempt PollWorkerLock::try_unlock(std::string_view passphrase,
                                                   const Accept& accept) {
    // The credentials this attempt is checked against: those not locked.
    std::vector<bool> open(credentials_.size(), false);
    bool any = false;
    for (std::size_t i = 0; i < credentials_.size(); ++i) any |= open[i] = seconds_left(i) == 0;
    if (!any) return {false, longest_wait(), {}, std::nullopt};
    std::vector<unsigned> counted = failures_;
    for (std::size_t i = 0; i < counted.size(); ++i)
        if (open[i]) counted[i] = std::min(counted[i] + 1, max_counted_failures);
    if (!state_file_.empty()) {
        if (Status kept = write_failures(counted); !kept)
            return {false, 0, "cannot count the attempt: " + kept.error().message, std::nullopt};
    }
    std::optional<std::size_t> matched;
    if (sodium_init() >= 0) {
        for (std::size_t i = 0; i < credentials_.size() && !matched; ++i) {
            const std::string& hash = credentials_[i].hash;
            if (open[i] && !hash.empty() &&
                crypto_pwhash_str_verify(hash.c_str(), passphrase.data(), passphrase.size()) == 0)
                matched = i;
        }
    }
    if (matched && (!accept || accept(credentials_[*matched]))) {
        // A right passphrase is no guess at the others' passphrases: their counts stay as they
        // were, and its own is cleared. A write that fails leaves the attempt counted: the safe
        // side.
        failures_[*matched] = 0;
        if (!state_file_.empty()) (void)write_failures(failures_);
        return {true, 0, {}, matched};
    }
    failures_ = counted;
    for (std::size_t i = 0; i < failures_.size(); ++i)
        if (open[i] && failures_[i] >= free_attempts) lock_for_failures(i);
    return {false, longest_wait(), {}, matched};
}

}  // namespace psephos::kiosk
