// Key files for Ed25519 identities: the secret key of a device, guardian or ledger on its own
// disk, and the public key that others import. Small line-oriented text files, POSIX only.
//
// Secret key file (mode 0600, exactly four lines, each ending in '\n'):
//
//     psephos-ed25519-secret-key-v1
//     name: <label>
//     public: <base64 of the 32-byte public key>
//     seed: <base64 of the 32-byte RFC 8032 secret key (libsodium's seed)>
//
// Public key file (mode 0644, exactly three lines, each ending in '\n'):
//
//     psephos-ed25519-public-key-v1
//     name: <label>
//     public: <base64 of the 32-byte public key>
//
// The label is a free name such as "guardian-3": non-empty, at most 200 bytes, no control
// characters. Base64 is RFC 4648's standard alphabet with padding. The public line of a secret
// key file is redundant on purpose: reading checks it against the key derived from the seed, so
// a damaged file is refused instead of silently becoming another identity.
//
// Writers never replace an existing file and never leave a partial one: they write a temporary
// file in the same directory (created with its final mode, never wider), fsync it, move it into
// place without replacing anything, and fsync the directory.
#pragma once

#include <filesystem>
#include <string_view>

#include "psephos/crypto/ed25519.hpp"

namespace psephos::crypto {

// Errors: invalid_argument for a bad label; io_error if `path` exists or the disk refuses.
Status write_signing_key_file(const std::filesystem::path& path, const Ed25519SigningKey& key,
                              std::string_view name);

// Errors, each naming the file (and the line, for format faults): not_found; permission_denied
// if the group or others have any access (st_mode & 077), with the mode found; invalid_encoding
// for a wrong header, a missing, extra or malformed line, or bad base64; verification_failed if
// the public line does not match the seed.
Result<Ed25519SigningKey> read_signing_key_file(const std::filesystem::path& path);

Status write_public_key_file(const std::filesystem::path& path, const Ed25519PublicKey& key,
                             std::string_view name);
Result<Ed25519PublicKey> read_public_key_file(const std::filesystem::path& path);

}  // namespace psephos::crypto
