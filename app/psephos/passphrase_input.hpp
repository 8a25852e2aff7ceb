// A guardian's passphrase for `psephos guardian` (docs/key-ceremony.md §2): typed at the
// terminal with echo off, or read from a file descriptor the caller opened (--passphrase-fd N),
// never from the environment, which other processes of the same user can read.
#pragma once

#include <optional>
#include <string>

#include "command_line.hpp"

namespace psephos::app {

inline constexpr std::size_t min_guardian_passphrase_size = 8;
inline constexpr std::size_t max_guardian_passphrase_size = 1024;

// The first line of --passphrase-fd N (to its end of file), or one line typed at /dev/tty
// (twice when `confirm`, for a new passphrase). invalid_argument when PSEPHOS_GUARDIAN_PASSPHRASE
// is set, when there is no terminal and no --passphrase-fd, for an empty, too short (under
// min_guardian_passphrase_size, checked only when `confirm`) or too long passphrase, or
// confirmation that differs. The caller wipes the string.
Result<std::string> read_guardian_passphrase(const Arguments& args, bool confirm);

// A guardian key file's passphrase for `decrypt` and `guardian-key verify`: with --passphrase-fd N
// as read_guardian_passphrase reads it (refused while PSEPHOS_GUARDIAN_PASSPHRASE is set);
// without it, PSEPHOS_GUARDIAN_PASSPHRASE as before (nullopt when unset). The caller wipes it.
Result<std::optional<std::string>> read_key_file_passphrase(const Arguments& args);

}  // namespace psephos::app
