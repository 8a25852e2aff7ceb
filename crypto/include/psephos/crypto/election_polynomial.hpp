// Feldman verifiable secret sharing for the election key (docs/crypto.md §5).
// Guardian i draws P_i(x) = a_{i,0} + a_{i,1}·x + … + a_{i,k−1}·x^{k−1} and publishes the
// commitments K_{i,j} = a_{i,j}·G with a Schnorr proof for each. Guardian ℓ's share from i is
// P_i(ℓ), checked by P_i(ℓ)·G = Σ_j ℓ^j·K_{i,j}. The joint key is K = Σ_i K_{i,0}; guardian ℓ's
// secret share is s_ℓ = Σ_i P_i(ℓ), whose public counterpart anyone computes from commitments.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/schnorr_proof.hpp"

namespace psephos::crypto {

struct CoefficientCommitments {
    std::uint32_t guardian_index = 0;  // 1 … n
    std::vector<Point> commitments;    // K_{i,0} … K_{i,k−1}
    std::vector<SchnorrProof> proofs;  // one per commitment
};

class ElectionPolynomial {
public:
    // Coefficients drawn from libsodium's CSPRNG, kept in locked memory (memory_protection.hpp)
    // and wiped on destruction.
    static ElectionPolynomial random(std::uint32_t threshold);
    // A polynomial kept between the steps of a distributed ceremony (a guardian's sealed state
    // file); invalid_argument for no coefficient.
    static Result<ElectionPolynomial> from_coefficients(std::span<const Scalar> coefficients);

    std::uint32_t threshold() const { return static_cast<std::uint32_t>(coefficients_.size()); }
    Scalar evaluate(std::uint32_t x) const;  // P(x), Horner's rule modulo L
    // The commitments with their proofs, bound to the ceremony hash and the guardian's index.
    CoefficientCommitments commit(const Hash32& ceremony_hash, std::uint32_t guardian_index) const;
    // a_0 … a_{k−1}, secret: only for sealing into a guardian's own state file.
    std::span<const Scalar> coefficients() const { return coefficients_; }

private:
    LockedVector<Scalar> coefficients_;
};

// The Schnorr proof context of coefficient j of guardian i: u32be(i) ‖ u32be(j).
Bytes coefficient_proof_context(std::uint32_t guardian_index, std::uint32_t coefficient_index);

// Every commitment present (exactly `threshold`), a valid group element, and proved.
Status verify_coefficient_commitments(const Hash32& ceremony_hash,
                                      const CoefficientCommitments& commitments,
                                      std::uint32_t threshold);

// share·G = Σ_j x^j·K_{i,j}: the check a recipient x runs on the share guardian i sent it.
Status verify_share_against_commitments(const CoefficientCommitments& sender,
                                        std::uint32_t recipient_index, const Scalar& share);

// Σ_i Σ_j x^j·K_{i,j}: guardian x's public share key, the key its decryption shares prove against.
Point compute_public_share(std::span<const CoefficientCommitments> all, std::uint32_t index);

// K = Σ_i K_{i,0}.
Point compute_joint_public_key(std::span<const CoefficientCommitments> all);

}  // namespace psephos::crypto
