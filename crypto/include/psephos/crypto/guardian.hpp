// One guardian's side of the key ceremony (docs/crypto.md §5): it announces its identity key,
// its sealing key and its coefficient commitments (signed); sends each other guardian a share
// sealed to that guardian and signed, so a bad share is attributable to its sender; checks the
// shares it receives against the senders' commitments; and finally holds its secret share.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "psephos/crypto/box_key_pair.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/election_polynomial.hpp"
#include "psephos/crypto/locked_scalar.hpp"

namespace psephos::crypto {

struct GuardianAnnouncement {
    std::uint32_t index = 0;
    Ed25519PublicKey identity_key;
    BoxPublicKey box_key;
    CoefficientCommitments commitments;
    Ed25519Signature signature;  // by identity_key over signed_bytes()

    Bytes signed_bytes(const Hash32& ceremony_hash) const;
};

// Checks the signature, the index, and every commitment's Schnorr proof.
Status verify_announcement(const Hash32& ceremony_hash, const GuardianAnnouncement& announcement,
                           std::uint32_t threshold);

struct SealedShare {
    std::uint32_t sender = 0;
    std::uint32_t recipient = 0;
    Bytes sealed;                // crypto_box_seal(P_sender(recipient)) to the recipient
    Ed25519Signature signature;  // by the sender over signed_bytes()

    Bytes signed_bytes(const Hash32& ceremony_hash) const;
};

// Evidence of a bad share: the signed sealed share. The accused answers by revealing the share
// in the clear; resolve_complaint then decides publicly (docs/crypto.md §5.3).
struct ShareComplaint {
    std::uint32_t accuser = 0;
    std::uint32_t accused = 0;
    SealedShare evidence;
};

// Checks that the evidence really is the accused's signed share for the accuser, then: OK if the
// revealed share matches the accused's commitments (the accuser then uses it); share_mismatch
// if not, and the accused is disqualified.
Status resolve_complaint(const Hash32& ceremony_hash, const GuardianAnnouncement& accused,
                         const ShareComplaint& complaint, const Scalar& revealed_share);

// A guardian's result of the ceremony: s_ℓ = Σ_i P_i(ℓ). Secret: held in locked memory and wiped
// when destroyed (LockedScalar), so move-only.
struct GuardianSecretShare {
    std::uint32_t index = 0;
    LockedScalar secret;
};

class Guardian {
public:
    static Guardian create(const Hash32& ceremony_hash, std::uint32_t index,
                           std::uint32_t guardian_count, std::uint32_t threshold);
    // A guardian of a distributed ceremony, rebuilt in each step from its own sealed state and
    // the announcement it published at the start (whose Schnorr proofs are randomised, so it is
    // kept, never made again). verification_failed if the announcement is not this guardian's:
    // another identity or box key, or commitments other than a_j·G of `polynomial`.
    static Result<Guardian> restore(const Hash32& ceremony_hash, std::uint32_t guardian_count,
                                    ElectionPolynomial polynomial, Ed25519SigningKey identity,
                                    BoxKeyPair box, const GuardianAnnouncement& announcement);

    std::uint32_t index() const { return index_; }
    const GuardianAnnouncement& announcement() const { return announcement_; }
    const Ed25519SigningKey& identity() const { return identity_; }
    // Secrets, only for sealing them into the guardian's own state file.
    const ElectionPolynomial& polynomial() const { return polynomial_; }
    const BoxKeyPair& box_keys() const { return box_; }

    // P_self(recipient), sealed to the recipient's box key and signed.
    SealedShare share_for(const GuardianAnnouncement& recipient) const;

    // Verifies the sender's signature, opens the share and checks it against the sender's
    // commitments. Errors (share_mismatch for a bad share) name the sender; nothing is kept then.
    Status receive_share(const GuardianAnnouncement& sender, const SealedShare& share);
    // Accepts a share revealed in the clear after a complaint, once resolve_complaint said OK.
    Status accept_revealed_share(const GuardianAnnouncement& sender, const Scalar& share);

    // s_self = Σ_i P_i(self); fails until a share from every other guardian has been accepted.
    Result<GuardianSecretShare> finish() const;

private:
    Guardian(const Hash32& ceremony_hash, std::uint32_t index, std::uint32_t guardian_count,
             ElectionPolynomial polynomial, Ed25519SigningKey identity, BoxKeyPair box);
    Guardian(const Hash32& ceremony_hash, std::uint32_t guardian_count,
             ElectionPolynomial polynomial, Ed25519SigningKey identity, BoxKeyPair box,
             GuardianAnnouncement announcement);

    Hash32 ceremony_hash_;
    std::uint32_t index_;
    std::uint32_t guardian_count_;
    ElectionPolynomial polynomial_;
    Ed25519SigningKey identity_;
    BoxKeyPair box_;
    GuardianAnnouncement announcement_;
    // sender → P_sender(self), each in locked memory until finish() sums them.
    std::map<std::uint32_t, LockedScalar> received_;
};

}  // namespace psephos::crypto
