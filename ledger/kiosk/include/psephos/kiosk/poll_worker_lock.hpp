// The poll worker's unlock: a passphrase checked against libsodium password hashes (Argon2id,
// crypto_pwhash_str) kept in a file of mode 0600 (the legacy one-passphrase file here, named
// credentials in poll_worker_credentials.hpp), with wrong guesses rate-limited: after
// free_attempts consecutive failures each further failure locks the kiosk for a delay that doubles
// (5 s, 10 s, 20 s … at most 5 minutes); attempts during the lock are refused unchecked. With a
// state file (keep_failures_in) the count of failures survives a restart (docs/kiosk.md §2).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/kiosk/poll_worker_credentials.hpp"

namespace psephos::kiosk {

// The passphrase file: one line "psephos-poll-worker-passphrase-v1 <crypto_pwhash_str output>".
// The passphrase must be 8 to 256 bytes. Written new (never replacing a file), mode 0600.
Status write_poll_worker_passphrase_file(const std::filesystem::path& path,
                                         std::string_view passphrase);
// The stored hash string; refuses a file readable by group or others, a wrong header, a hash
// libsodium does not recognise, and one whose Argon2id cost parameters are not those the writer
// uses (a hostile file could otherwise make every unlock attempt allocate gigabytes).
Result<std::string> read_poll_worker_passphrase_file(const std::filesystem::path& path);
// The same checks on a file's content; `where` ("<path>: ") starts every message.
Result<std::string> parse_poll_worker_passphrase_file(std::string_view content,
                                                      const std::string& where);

// One lock for the kiosk over all its poll workers' credentials (poll_worker_credentials.hpp).
// An attempt is checked against each credential in order; the first whose hash matches says who
// unlocked. Failures are counted per credential: a wrong passphrase counts against every
// credential it was checked against, and a right one clears only its own count. So a poll worker
// who knows their own passphrase cannot, by unlocking between guesses, reset the count that
// limits guesses at a colleague's (docs/kiosk.md §2). While a credential is locked, attempts are
// not checked against it (its right passphrase is refused too); with one credential this is the
// kiosk-wide lock it always was.
class PollWorkerLock {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr unsigned free_attempts = 3;
    static constexpr std::chrono::seconds first_delay{5};
    static constexpr std::chrono::seconds max_delay{300};

    // One unnamed credential with every role (the legacy passphrase file).
    explicit PollWorkerLock(std::string stored_hash, Clock clock = {});
    explicit PollWorkerLock(std::vector<PollWorkerCredential> credentials, Clock clock = {});

    // Keeps the counts of consecutive failures in `state_file` (mode 0600, replaced atomically;
    // one line "psephos-poll-worker-lockout-v1 <count>" for one credential, or
    // "psephos-poll-worker-lockout-v2 <count> <count> …", one per credential in order), so that
    // restarting the kiosk gives no fresh attempts. Reads the counts kept there, if the file
    // exists (a v1 count, or v2 counts for another number of credentials, count for every
    // credential as their largest: the safe side); a count at or past free_attempts locks that
    // credential again at once for that count's delay, counted from now (a restart never
    // shortens a lock, and may lengthen it). A file that is not such a line is refused with its
    // path; the lock then stays as it was.
    Status keep_failures_in(const std::filesystem::path& state_file);

    struct Attempt {
        bool unlocked = false;
        // While any credential is locked (whether or not this attempt was checked): seconds until
        // every one can be tried again.
        std::uint64_t wait_seconds = 0;
        // Set when the attempt could not be counted in the state file: it was not checked.
        std::string error;
        // Whose passphrase it was (an index into credentials()): set when unlocked, and when
        // the passphrase matched a credential that `accept` refused.
        std::optional<std::size_t> worker;
    };
    // Which credentials may unlock this time (the second person of a two-person close: not the
    // first, and with the close role). A match on one it refuses counts as a failure.
    using Accept = std::function<bool(const PollWorkerCredential&)>;
    // With a state file, the attempt is counted there (as a failure) before the passphrase is
    // checked, so cutting the power during the check does not give a free guess.
    Attempt try_unlock(std::string_view passphrase, const Accept& accept = {});
    // Seconds until some credential can be tried (0 if one can now).
    std::uint64_t seconds_locked_out() const;
    // The largest count of consecutive failures among the credentials.
    unsigned consecutive_failures() const;
    const std::vector<PollWorkerCredential>& credentials() const { return credentials_; }

private:
    std::chrono::steady_clock::time_point now() const;
    std::uint64_t seconds_left(std::size_t i) const;
    std::uint64_t longest_wait() const;
    void lock_for_failures(std::size_t i);
    Status write_failures(const std::vector<unsigned>& counts) const;

    std::vector<PollWorkerCredential> credentials_;
    Clock clock_;
    std::filesystem::path state_file_;
    std::vector<unsigned> failures_;
    std::vector<std::chrono::steady_clock::time_point> locked_until_;
};

}  // namespace psephos::kiosk
