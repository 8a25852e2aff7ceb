// A guardian's passphrase for `psephos guardian` (docs/key-ceremony.md §2): typed at the
// terminal with echo off, or read from a file descriptor the caller opened (--passphrase-fd N),
// never from the environment, which other processes of the same user can read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "command_line.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::app {

inline constexpr std::size_t min_guardian_passphrase_size = 8;
inline constexpr std::size_t max_guardian_passphrase_size = 1024;

// The first line of --passphrase-fd N (to its end of file), or one line typed at /dev/tty
// (twice when `confirm`, for a new passphrase). invalid_argument when PSEPHOS_GUARDIAN_PASSPHRASE
// is set, when there is no terminal and no --passphrase-fd, for an empty, too short (under
// min_guardian_passphrase_size, checked only when `confirm`) or too long passphrase, or
// confirmation that differs. The caller wipes the string.
Result<std::string> read_guardian_passphrase(const Arguments& args, bool confirm);

// invalid_argument naming the variable when PSEPHOS_GUARDIAN_PASSPHRASE is set: no command takes
// a guardian's passphrase from the environment.
Status refuse_environment_passphrase(std::string_view command);

// A guardian key file for `decrypt` and `guardian-key verify`: with --passphrase-fd N its
// passphrase is read as read_guardian_passphrase reads it; without it an unsealed file opens as
// it is and a sealed one asks at the terminal (refused without one). Refused while
// PSEPHOS_GUARDIAN_PASSPHRASE is set. The passphrase is wiped before this returns.
Result<election::GuardianKey> read_guardian_key(const Arguments& args,
                                                const std::filesystem::path& path);

// `psephos ceremony`'s one passphrase for every key file it writes: from --passphrase-fd N, or
// nullopt (the files are written unsealed) without it. Refused while the variable is set. The
// caller wipes it.
Result<std::optional<std::string>> read_ceremony_passphrase(const Arguments& args);

}  // namespace psephos::app
