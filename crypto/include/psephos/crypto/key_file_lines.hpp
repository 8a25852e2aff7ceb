// The line format shared by Psephos's key files (Ed25519 here, secp256k1 in the bridge): a header
// line, then "<field>: <value>" lines, each ending in '\n', with errors that name the file and
// line.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

inline constexpr std::size_t max_key_name_size = 200;

// "<path>: line <n>: <message>" with `code`.
Error key_file_line_error(ErrorCode code, const std::filesystem::path& path, std::size_t line,
                          const std::string& message);

// A key's label goes on a line of its own: non-empty, at most max_key_name_size bytes, no control
// characters (invalid_argument otherwise).
Status check_key_name(std::string_view name);

// Splits `text` into exactly `count` newline-terminated lines, the first being `header`. The header
// is checked before the line count, so a file of another kind is reported as such.
Status split_key_file_lines(const std::filesystem::path& path, std::string_view text,
                            std::string_view header, std::size_t count,
                            std::vector<std::string_view>& lines);

// The value after "<key>: " on line `line` (1-based), or invalid_encoding naming the line.
Result<std::string_view> key_file_field(const std::filesystem::path& path, std::size_t line,
                                        std::string_view text, std::string_view key);

// Line 2, "name: <label>", with a label check_key_name accepts.
Status check_key_file_name_line(const std::filesystem::path& path, std::string_view line);

}  // namespace psephos::crypto
