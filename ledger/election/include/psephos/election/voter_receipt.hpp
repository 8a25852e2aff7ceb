// The receipt file a voter keeps (docs/proof-bundle.md §4): the district's signed checkpoint that
// made the ballot durable and the inclusion proof of the ballot's leaf in that checkpoint's tree.
// It is evidence on its own: whoever later publishes a district log that does not extend the
// receipt's checkpoint, or that lacks the ballot at its index, has signed two histories with one
// key. The format is strict JSON in one canonical form (`psephos-receipt-v1`); a receipt reads
// only from exactly the bytes voter_receipt_to_json writes for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/signed_note.hpp"

namespace psephos::election {

inline constexpr std::string_view voter_receipt_format = "psephos-receipt-v1";
// Limits (docs/proof-bundle.md §4): the file, and the strings inside it.
inline constexpr std::size_t max_voter_receipt_bytes = 16 * 1024;
inline constexpr std::size_t max_receipt_id_bytes = 64;            // election and district ids
inline constexpr std::size_t max_receipt_key_bytes = 512;          // the note verifier key
inline constexpr std::size_t max_receipt_checkpoint_bytes = 4096;  // the signed note
inline constexpr std::size_t max_receipt_proof_hashes = 64;        // any tree below 2^64 leaves

struct VoterReceipt {
    std::string election_id;
    std::string district_id;
    Hash32 tracking_code;  // the kiosk's word: the signature covers (index, leaf_hash)
    std::uint64_t index = 0;
    Hash32 leaf_hash;               // SHA-256(0x00 ‖ the ballot's record)
    std::string verifier_key;       // the district log's note verifier key, as text
    std::string signed_checkpoint;  // the checkpoint of the batch that made the ballot durable
    std::vector<Hash32> inclusion;  // RFC 9162: the leaf at `index` in that checkpoint's tree
};

// The canonical form: one line of JSON, members in the documented order, then "\n".
std::string voter_receipt_to_json(const VoterReceipt& receipt);
// Strict: at most max_voter_receipt_bytes, every member present once with its type, no unknown
// member, hashes 64 lower-case hex digits, and the text exactly the canonical form. Errors are
// invalid_encoding (or invalid_argument for the size) and name the member ("receipt: inclusion[2]:
// …").
Result<VoterReceipt> voter_receipt_from_json(std::string_view text);

// The receipt's district checkpoint once its checks passed (docs/proof-bundle.md §4, R1–R3).
struct VerifiedReceipt {
    NoteVerifierKey key;
    Checkpoint checkpoint;
    bool key_trusted = false;  // among the trusted keys (false when none were given)
};

// R1: the verifier key is named `<election id>/district/<district>` and, if trusted_keys is not
// empty, is one of them; R2: the checkpoint carries that key's valid signature, its origin is the
// key's name and its tree holds `index`; R3: the inclusion proof puts leaf_hash at `index` in the
// checkpoint's root. verification_failed (or invalid_encoding) naming the check and the field.
Result<VerifiedReceipt> verify_voter_receipt(const VoterReceipt& receipt,
                                             std::span<const std::string> trusted_keys);

}  // namespace psephos::election
