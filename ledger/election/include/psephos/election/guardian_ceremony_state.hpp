// A guardian's own state between the steps of a distributed key ceremony (`psephos guardian`,
// docs/key-ceremony.md §3): its identity seed, box secret key and polynomial, sealed under the
// guardian's passphrase (Argon2id at MODERATE or stronger + XSalsa20-Poly1305), beside public
// lines naming the election, the guardian, the ceremony hash and the digest of the announcement
// the guardian published at init. Line-oriented text, mode 0600.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "psephos/crypto/guardian.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::election {

inline constexpr std::string_view guardian_state_header = "psephos-guardian-ceremony-state-v1";

// The state's public lines, readable without the passphrase.
struct GuardianStateInfo {
    std::string election_id;
    std::uint32_t index = 0;
    std::uint32_t guardian_count = 0;
    std::uint32_t threshold = 0;
    Hash32 ceremony_hash;
    Hash32 announcement_digest;  // SHA-256 of the announcement record the guardian published
};

// Writes a new file (never replacing one), mode 0600, the secrets sealed with `passphrase`
// (non-empty) at `hardness` (at least moderate_hardness: invalid_argument otherwise).
Status write_guardian_state_file(const std::filesystem::path& path, const GuardianStateInfo& info,
                                 const crypto::Guardian& guardian, const std::string& passphrase,
                                 PassphraseHardness hardness = moderate_hardness);

// The public lines only. Errors name the file and line: not_found, permission_denied (group or
// others have access), invalid_encoding.
Result<GuardianStateInfo> read_guardian_state_info(const std::filesystem::path& path);

// Opens the sealed part and rebuilds the guardian with `announcement` (the record whose SHA-256
// the state names). verification_failed for a wrong passphrase or damaged file, sealed secrets
// moved under other public lines, an Argon2id cost below moderate_hardness, or an announcement
// that is not the one named or not this guardian's.
Result<crypto::Guardian> open_guardian_state_file(const std::filesystem::path& path,
                                                  const std::string& passphrase,
                                                  ByteSpan announcement);

}  // namespace psephos::election
