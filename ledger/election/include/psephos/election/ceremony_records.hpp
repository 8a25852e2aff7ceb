// Canonical encodings of the key ceremony's and threshold decryption's messages, so they can be
// stored in the ledger and published in the election record (docs/encoding.md §8–§10): guardian
// announcements (0x04), sealed shares (0x05) and decryption shares (0x06). Decoding checks the
// structure (sizes, limits, canonical group elements and scalars, valid identity keys); whether a
// record is true is the verifiers' business (crypto::verify_announcement, Guardian::receive_share,
// crypto::verify_decryption_share).
#pragma once

#include "psephos/crypto/guardian.hpp"
#include "psephos/crypto/threshold_decryption.hpp"

namespace psephos::election {

// Guardian indices in every record are 1 … max_guardians, as in the manifest.
inline constexpr std::uint32_t max_ceremony_guardians = 255;
// At most one commitment per polynomial coefficient, and the threshold is at most the guardians.
inline constexpr std::size_t max_announcement_commitments = 255;
// A sealed share is a sealed 32-byte scalar (80 bytes today); the limit leaves room, and opening
// is what rejects a wrong size.
inline constexpr std::size_t max_sealed_share_size = 1024;

// The announcement must be well formed: commitments labelled with its index, one proof per
// commitment, at most max_announcement_commitments; otherwise std::invalid_argument (a
// programming error: such an announcement could not round-trip).
Bytes encode_guardian_announcement(const crypto::GuardianAnnouncement& announcement);
// The decoded commitments are labelled with the announcement's index.
Result<crypto::GuardianAnnouncement> decode_guardian_announcement(ByteSpan data);

// std::invalid_argument for a sealed box over max_sealed_share_size.
Bytes encode_sealed_share(const crypto::SealedShare& share);
Result<crypto::SealedShare> decode_sealed_share(ByteSpan data);

// The share alone: the ciphertext it decrypts is the enclosing record's (docs/encoding.md §10).
Bytes encode_decryption_share(const crypto::DecryptionShare& share);
Result<crypto::DecryptionShare> decode_decryption_share(ByteSpan data);

}  // namespace psephos::election
