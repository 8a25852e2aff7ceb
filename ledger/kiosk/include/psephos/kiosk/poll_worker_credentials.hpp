// The poll workers of a kiosk: named credentials, each a name, a set of roles (what that person
// may do at the kiosk) and the Argon2id hash of their passphrase (docs/kiosk.md §2). The file is
// checked as hostile input: mode 0600, a bounded size and count, exactly the writer's Argon2id
// cost, no duplicate names, known roles only; each refusal names the file and the line.
// Today's one-passphrase file (poll_worker_lock.hpp) is read as one unnamed credential with every
// role, so deployments made before named credentials keep working.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::kiosk {

// What a poll worker may do at the kiosk, one role per kind of act. Unlocking needs no role: it
// only says who is at the kiosk; each act then checks the role.
enum class PollWorkerRole : std::uint8_t {
    open = 1,    // open the polls (the zero report)
    pause = 2,   // pause and resume the polls
    close = 4,   // close the polls, be the second person of a two-person close, finish the kiosk
    voters = 8,  // start a voter session
};
inline constexpr unsigned all_poll_worker_roles = 15;

struct PollWorkerCredential {
    std::string name;    // empty only for the legacy one-passphrase file
    unsigned roles = 0;  // PollWorkerRole bits
    std::string hash;    // crypto_pwhash_str, the writer's cost parameters

    bool may(PollWorkerRole role) const { return (roles & static_cast<unsigned>(role)) != 0; }
    bool named() const { return !name.empty(); }
};

// The header line of a named credentials file; each further line is
// "<roles> <hash> <name>", roles a comma-separated list of open, pause, close, voters.
inline constexpr std::string_view poll_worker_credentials_header =
    "psephos-poll-worker-credentials-v1";
// Each unlock attempt may check every hash: the count bounds its cost (docs/kiosk.md §2).
inline constexpr std::size_t max_poll_worker_credentials = 8;
// A name: 1 to 64 bytes of UTF-8 without control characters or commas (a polls record's actor
// lists two names separated by ", "), no leading, trailing or doubled spaces.
inline constexpr std::size_t max_poll_worker_name = 64;

// "open,pause,close,voters" (in that order); "" for none.
std::string roles_to_string(unsigned roles);
// A comma-separated list of known roles, each at most once, at least one.
Result<unsigned> parse_poll_worker_roles(std::string_view text);
// Empty when the name is acceptable, else why not.
std::string poll_worker_name_problem(std::string_view name);

// A named credentials file or a legacy passphrase file (one unnamed credential with every role).
// `where` is the file's path; messages start "<where>:<line>: " (or "<where>: " for the file as a
// whole).
Result<std::vector<PollWorkerCredential>> parse_poll_worker_credentials(std::string_view content,
                                                                        const std::string& where);
// The same on a file, refusing one readable by group or others and one larger than 16 KiB.
Result<std::vector<PollWorkerCredential>> read_poll_worker_credentials(
    const std::filesystem::path& path);

// Adds a named credential to the file at `path`, creating it (mode 0600, header line) if it does
// not exist, else replacing it atomically after reading it with every check above. Refuses a
// legacy passphrase file, a name already there, a full file, a passphrase outside 8 to 256
// bytes. Argon2id with the kiosk's cost (libsodium's INTERACTIVE limits).
Status add_poll_worker_credential(const std::filesystem::path& path, std::string_view name,
                                  unsigned roles, std::string_view passphrase);

// One credential from a legacy passphrase hash: no name, every role.
PollWorkerCredential unnamed_poll_worker(std::string hash);

}  // namespace psephos::kiosk
