// The poll workers' passphrase hashes, shared by the legacy passphrase file and the named
// credentials file: one cost (Argon2id, libsodium's INTERACTIVE limits), written and accepted.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "psephos/crypto/result.hpp"

namespace psephos::kiosk::detail {

inline constexpr std::size_t min_passphrase = 8;
inline constexpr std::size_t max_passphrase = 256;
// The cost of the hash the writer makes, and the only one the reader accepts.
inline constexpr unsigned long long pwhash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
inline constexpr std::size_t pwhash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// crypto_pwhash_str of a passphrase of 8 to 256 bytes.
Result<std::string> hash_passphrase(std::string_view passphrase);
// Empty when `hash` is a crypto_pwhash_str string with exactly the writer's cost, else why not.
std::string hash_problem(std::string_view hash);

}  // namespace psephos::kiosk::detail
