// C2SP signed notes (c2sp.org/signed-note) and transparency-log checkpoints
// (c2sp.org/tlog-checkpoint), byte-compatible with Go's golang.org/x/mod/sumdb/note and the
// transparency-dev witnesses, so existing tooling can verify Psephos district and election logs.
//   note:      text (ending in "\n") ‖ "\n" ‖ one line per signature:
//              "— " name " " base64(key id (4 bytes, big-endian) ‖ Ed25519 signature of text) "\n"
//   key id:    the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)
//   verifier:  "<name>+<key id, 8 hex digits>+<base64(0x01 ‖ public key)>"
//   checkpoint text: origin "\n" decimal size "\n" base64(root) "\n" [extension lines]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/ed25519_signer.hpp"

namespace psephos::election {

// The 4-byte key id of an Ed25519 key under a name (algorithm byte 0x01).
std::uint32_t note_key_id(std::string_view name, const crypto::Ed25519PublicKey& key);

struct NoteVerifierKey {
    std::string name;
    std::uint32_t key_id = 0;
    crypto::Ed25519PublicKey key;

    static NoteVerifierKey of(std::string_view name, const crypto::Ed25519PublicKey& key);
    // Parses "<name>+<hex id>+<base64(0x01 ‖ key)>"; refuses a bad name, another algorithm, and
    // an id that does not match the name and key.
    static Result<NoteVerifierKey> parse(std::string_view text);
    std::string to_text() const;
};

// Key names: non-empty, no '+', no whitespace or control characters (the spec's rule).
Status check_note_key_name(std::string_view name);

// Signs `text` (non-empty, ending in "\n", no control characters but "\n") as `name`.
Result<std::string> sign_note(std::string_view text, std::string_view name,
                              const crypto::Ed25519SigningKey& key);
// The same with any signer (a key in a file or in a PKCS#11 token, docs/keys.md): the note is
// byte for byte the one the key itself gives (Ed25519 is deterministic); a token that fails to
// sign is an error naming it.
Result<std::string> sign_note(std::string_view text, std::string_view name,
                              const crypto::Ed25519Signer& signer);

// Adds a signature line to an already signed note (cosigning, or a second key).
Result<std::string> add_note_signature(std::string_view note, std::string_view name,
                                       const crypto::Ed25519SigningKey& key);

// The text of `note` if it carries a valid signature by `verifier` (same name and key id).
// Signatures by other keys are ignored; a malformed note or a signature line with the verifier's
// name and id that does not verify is an error (verification_failed).
Result<std::string> open_note(std::string_view note, const NoteVerifierKey& verifier);

struct Checkpoint {
    std::string origin;  // the log's unique name, e.g. "psephos/<election id>/district/<id>"
    std::uint64_t size = 0;
    Hash32 root;
    std::vector<std::string> extensions;  // optional lines after the root

    std::string to_text() const;
    // Strict: non-empty origin, decimal size without leading zeros, base64 of exactly 32 bytes,
    // non-empty extension lines, every line "\n"-terminated.
    static Result<Checkpoint> parse(std::string_view text);
};

}  // namespace psephos::election
