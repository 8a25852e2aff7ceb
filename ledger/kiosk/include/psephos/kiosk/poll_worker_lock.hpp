// The poll worker's unlock: a passphrase checked against a libsodium password hash (Argon2id,
// crypto_pwhash_str) kept in a file of mode 0600, with wrong guesses rate-limited: after
// free_attempts consecutive failures each further failure locks the kiosk for a delay that doubles
// (5 s, 10 s, 20 s … at most 5 minutes); attempts during the lock are refused unchecked.
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

    struct Attempt {
        bool unlocked = false;
        // While locked out (whether or not this attempt was checked): seconds until the next try.
        std::uint64_t wait_seconds = 0;
    };
    Attempt try_unlock(std::string_view passphrase);
    std::uint64_t seconds_locked_out() const;
    unsigned consecutive_failures() const { return failures_; }

private:
    std::chrono::steady_clock::time_point now() const;

    std::string hash_;
    Clock clock_;
    unsigned failures_ = 0;
    std::chrono::steady_clock::time_point locked_until_{};
};

}  // namespace psephos::kiosk
