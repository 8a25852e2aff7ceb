// Transparency-log cosignatures, C2SP tlog-cosignature v1 with Ed25519 (c2sp.org/tlog-cosignature,
// docs/witness.md §2): the statement of a witness that, as of a time, the checkpoint it signs is
// the largest consistent tree head it has seen of that log.
//   key id:     the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte public key)
//   message:    "cosignature/v1\n" "time " decimal timestamp "\n" ‖ the checkpoint's note text
//               (every line of the body, extension lines included, no signature line)
//   signature:  key id (4 bytes, big-endian) ‖ timestamp (8 bytes, big-endian) ‖ Ed25519 (64 bytes)
//   note line:  "— " name " " base64(signature) "\n"
//   vkey:       "<name>+<key id, 8 lower-case hex digits>+<base64(0x04 ‖ public key)>"
// It lives in crypto/ so that both the witness (ledger/witness) and the independent verifier
// (ledger/verifier, which links psephos::crypto only) check cosignatures with one definition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/ed25519.hpp"

namespace psephos::crypto {

// The signature type byte of Ed25519 cosignature/v1 in a key id and a vkey.
inline constexpr std::uint8_t cosignature_v1_type = 0x04;
// Timestamps above this are refused on both sides (the spec's bound, 2^63 − 1).
inline constexpr std::uint64_t max_cosignature_timestamp = (std::uint64_t{1} << 63) - 1;

// A signed-note key name: non-empty, no '+', no space, no control character.
Status check_cosigner_name(std::string_view name);

// The 4-byte key id of a cosigner's Ed25519 key under its name (type byte 0x04).
std::uint32_t cosigner_key_id(std::string_view name, const Ed25519PublicKey& key);

struct CosignerKey {
    std::string name;
    std::uint32_t key_id = 0;
    Ed25519PublicKey key;

    static Result<CosignerKey> of(std::string_view name, const Ed25519PublicKey& key);
    // Parses a cosignature/v1 vkey; refuses a bad name, another type byte (an ordinary 0x01 note
    // key is not a cosigner key: its id would differ), a key libsodium refuses, and an id that
    // does not match the name and key.
    static Result<CosignerKey> parse(std::string_view text);
    std::string to_text() const;
};

// The exact bytes an Ed25519 cosignature/v1 signs.
std::string cosignature_v1_message(std::uint64_t timestamp, std::string_view checkpoint_text);

// The note signature line ("— name base64(...)\n") that cosigns `checkpoint_text` at
// `timestamp`. invalid_argument for a bad name, a timestamp of 0 or above 2^63 − 1, or a text
// that is empty, does not end in a newline or holds a control character other than newline.
Result<std::string> cosign_checkpoint(std::string_view checkpoint_text, std::string_view name,
                                      const Ed25519SigningKey& key, std::uint64_t timestamp);

// Checks one decoded signature blob (key id ‖ timestamp ‖ signature) of `key` over
// `checkpoint_text`; returns the timestamp. invalid_encoding for a blob of the wrong length or a
// timestamp above 2^63 − 1, verification_failed for another key id or a signature that does not
// verify.
Result<std::uint64_t> verify_cosignature_blob(const CosignerKey& key,
                                              std::string_view checkpoint_text, ByteSpan blob);

struct VerifiedCosignature {
    std::string text;  // the checkpoint's note text (what was cosigned)
    std::uint64_t timestamp = 0;
};

// Finds the cosignature of `key` among the signature lines of a signed note and verifies it.
// Lines of other keys are ignored (as signed-note requires), but every line must be well formed.
// invalid_encoding for a malformed note; verification_failed if `key` has no line, or its line
// (same name and key id) does not verify; with `not_after`, also if the timestamp is later.
Result<VerifiedCosignature> open_cosigned_note(std::string_view note, const CosignerKey& key,
                                               std::optional<std::uint64_t> not_after = {});

}  // namespace psephos::crypto

namespace psephos::crypto {

// A witness policy (DESIGN.md §7, docs/witness.md §2): k of n named witnesses must have cosigned
// a checkpoint. A trust anchor of the verifier.
struct WitnessPolicy {
    std::vector<CosignerKey> witnesses;
    std::size_t threshold = 0;

    // invalid_argument for a threshold of 0 or above the number of witnesses, and for one public
    // key listed twice (even under two names: cosignature/v1 does not sign the name, so one
    // signature could be shown under both and counted twice).
    static Result<WitnessPolicy> make(std::vector<CosignerKey> witnesses, std::size_t threshold);
};

// A witness policy file (docs/witness.md §9): "witness VKEY" lines (a cosigner vkey each) and
// one "quorum K" line (or "quorum all"); '#' comments and blank lines are skipped. Errors name
// `file` and the line.
Result<WitnessPolicy> parse_witness_policy(std::string_view text, std::string_view file);

// The names of the policy's witnesses whose cosignature of `note` verifies (with `not_after`, not
// dated later), if they are at least the threshold; verification_failed naming how many of the
// threshold cosigned and who is missing otherwise; invalid_encoding for a malformed note.
Result<std::vector<std::string>> check_witness_policy(std::string_view note,
                                                      const WitnessPolicy& policy,
                                                      std::optional<std::uint64_t> not_after = {});

}  // namespace psephos::crypto
