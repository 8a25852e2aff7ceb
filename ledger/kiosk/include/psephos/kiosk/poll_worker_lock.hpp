// The poll worker's unlock: a passphrase checked against a libsodium password hash (Argon2id,
// crypto_pwhash_str) kept in a file of mode 0600, with wrong guesses rate-limited: after
// free_attempts consecutive failures each further failure locks the kiosk for a delay that doubles
// (5 s, 10 s, 20 s … at most 5 minutes); attempts during the lock are refused unchecked. With a
// state file (keep_failures_in) the count of failures survives a restart (docs/kiosk.md §2).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "psephos/crypto/result.hpp"

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

class PollWorkerLock {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr unsigned free_attempts = 3;
    static constexpr std::chrono::seconds first_delay{5};
    static constexpr std::chrono::seconds max_delay{300};

    explicit PollWorkerLock(std::string stored_hash, Clock clock = {});

    // Keeps the count of consecutive failures in `state_file` (one line
    // "psephos-poll-worker-lockout-v1 <count>", mode 0600, replaced atomically), so that
    // restarting the kiosk gives no fresh attempts. Reads the count kept there, if the file
    // exists; a count at or past free_attempts locks again at once for that count's delay,
    // counted from now (a restart never shortens a lock, and may lengthen it). A file that is
    // not such a line is refused with its path; the lock then stays as it was.
    Status keep_failures_in(const std::filesystem::path& state_file);

    struct Attempt {
        bool unlocked = false;
        // While locked out (whether or not this attempt was checked): seconds until the next try.
        std::uint64_t wait_seconds = 0;
        // Set when the attempt could not be counted in the state file: it was not checked.
        std::string error;
    };
    // With a state file, the attempt is counted there (as a failure) before the passphrase is
    // checked, so cutting the power during the check does not give a free guess.
    Attempt try_unlock(std::string_view passphrase);
    std::uint64_t seconds_locked_out() const;
    unsigned consecutive_failures() const { return failures_; }

private:
    std::chrono::steady_clock::time_point now() const;
    void lock_for_failures();
    Status write_failures(unsigned count) const;

    std::string hash_;
    Clock clock_;
    std::filesystem::path state_file_;
    unsigned failures_ = 0;
    std::chrono::steady_clock::time_point locked_until_{};
};

}  // namespace psephos::kiosk
