// A guardian's key file: what one guardian keeps after the key ceremony, on its own disk, to take
// part in the decryption later (`psephos decrypt --guardian KEYFILE`): its secret share s_i and its
// Ed25519 identity. Line-oriented text, mode 0600, optionally sealed under a passphrase
// (Argon2id + XSalsa20-Poly1305) so that the file at rest holds no plaintext secret.
// The format is specified in docs/cli.md ("Guardian key files").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/locked_scalar.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/election/election_manifest.hpp"

namespace psephos::election {

inline constexpr std::string_view guardian_key_header = "psephos-guardian-key-v1";
// No command takes a guardian's passphrase from the environment (other processes of the same
// user can read it): each refuses to run while this variable is set, so that a script that
// still sets it is told rather than silently writing unsealed files.
inline constexpr const char* guardian_passphrase_variable = "PSEPHOS_GUARDIAN_PASSPHRASE";

// Argon2id's cost for a passphrase-sealed file (libsodium's limits).
struct PassphraseHardness {
    std::uint64_t opslimit = 0;
    std::size_t memlimit = 0;
};
// crypto_pwhash_*_INTERACTIVE (2 passes, 64 MiB; ~0.06 s here): `psephos ceremony`'s, for tests
// and demos only.
inline constexpr PassphraseHardness interactive_hardness{2, 64ULL << 20};
// crypto_pwhash_*_MODERATE (3 passes, 256 MiB; ~0.4 s here, docs/key-ceremony.md §6): every
// file the distributed ceremony (`psephos guardian`) seals.
inline constexpr PassphraseHardness moderate_hardness{3, 256ULL << 20};

// Everything secret a guardian holds after the ceremony. The share is in locked memory
// (LockedScalar, so the key is move-only); both it and the Ed25519SigningKey wipe themselves.
struct GuardianKey {
    std::string election_id;
    std::uint32_t index = 0;
    crypto::LockedScalar secret_share;  // s_i = Σ_j P_j(i)
    crypto::Ed25519SigningKey identity;
};

// Writes a new file (never replacing one) with mode 0600 from its creation, fsynced. With a
// passphrase the share and seed are sealed: key = crypto_pwhash(Argon2id, `hardness`,
// random salt), crypto_secretbox_easy with a random nonce. Without one they are written in the
// clear. Errors: invalid_argument for an election id that is not a manifest id or an index of 0;
// io_error if the file exists or cannot be written.
Status write_guardian_key_file(const std::filesystem::path& path, std::string_view election_id,
                               std::uint32_t index, const crypto::Scalar& secret_share,
                               const crypto::Ed25519SigningKey& identity,
                               const std::optional<std::string>& passphrase,
                               PassphraseHardness hardness = interactive_hardness);

// Reads and checks a guardian key file. Errors name the file (and the line for format faults):
// not_found; permission_denied if the group or others have any access (chmod 600); invalid_encoding
// for a malformed file; invalid_argument for a sealed file and no passphrase;
// verification_failed for a wrong passphrase or a damaged sealed part, or an identity seed that
// does not give the identity key stated in the file.
Result<GuardianKey> read_guardian_key_file(const std::filesystem::path& path,
                                           const std::optional<std::string>& passphrase);

// Checks the key against the finalized manifest of its election: the election id, the guardian's
// index, its identity key, and s_i·G = Σ_j Σ_l i^l·K_{j,l} (its public share from the published
// commitments, docs/crypto.md §5). verification_failed names what differs.
Status check_guardian_key(const GuardianKey& key, const election::ElectionManifest& manifest);

}  // namespace psephos::election
