// The files of a distributed key ceremony besides announcements (0x04) and sealed shares (0x05):
// a recipient's signed complaint against a share that does not verify (0x15), and the accused
// sender's signed public resolution revealing that share (0x16). Everyone judges a complaint with
// its resolution the same way (judge_complaint), so the outcome is the same in every guardian's
// process. Formats and signature contexts: docs/key-ceremony.md §4.
#pragma once

#include <cstdint>

#include "psephos/crypto/guardian.hpp"

namespace psephos::election {

// Evidence (the accused's signed share) and the accuser's signature over
// "psephos/v1/share-complaint" ‖ 0x00 ‖ ceremony hash ‖ the record without its signature.
struct SignedComplaint {
    crypto::ShareComplaint complaint;
    crypto::Ed25519Signature signature;
};

// The accused's answer: P_accused(accuser) in the clear, signed over
// "psephos/v1/share-resolution" ‖ 0x00 ‖ ceremony hash ‖ the record without its signature.
struct ShareResolution {
    std::uint32_t accused = 0;
    std::uint32_t accuser = 0;
    crypto::Scalar revealed_share;
    crypto::Ed25519Signature signature;
};

// What every guardian concludes from a complaint and its resolution.
enum class ComplaintOutcome {
    cleared,       // the revealed share matches the accused's commitments; the accuser uses it
    disqualified,  // it does not: the accused cheated, the ceremony cannot finish with it
};

// std::invalid_argument for indices outside 1..255 (a programming error).
Bytes encode_share_complaint(const SignedComplaint& complaint);
Result<SignedComplaint> decode_share_complaint(ByteSpan data);
Bytes encode_share_resolution(const ShareResolution& resolution);
Result<ShareResolution> decode_share_resolution(ByteSpan data);

SignedComplaint sign_share_complaint(const Hash32& ceremony_hash,
                                     const crypto::SealedShare& evidence,
                                     const crypto::Ed25519SigningKey& accuser);
ShareResolution sign_share_resolution(const Hash32& ceremony_hash, std::uint32_t accused,
                                      std::uint32_t accuser, const crypto::Scalar& share,
                                      const crypto::Ed25519SigningKey& accused_key);

// The complaint is the accuser's (its signature) and its evidence is really the accused's signed
// share to the accuser. verification_failed / invalid_argument name what is wrong.
Status verify_share_complaint(const Hash32& ceremony_hash, const SignedComplaint& complaint,
                              const crypto::GuardianAnnouncement& accuser,
                              const crypto::GuardianAnnouncement& accused);

// Checks the complaint, that the resolution answers it and is signed by the accused, then decides
// with crypto::resolve_complaint. An error means the files themselves are not valid (neither
// outcome can be drawn from them).
Result<ComplaintOutcome> judge_complaint(const Hash32& ceremony_hash,
                                         const SignedComplaint& complaint,
                                         const ShareResolution& resolution,
                                         const crypto::GuardianAnnouncement& accuser,
                                         const crypto::GuardianAnnouncement& accused);

}  // namespace psephos::election
