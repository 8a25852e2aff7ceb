// Threshold decryption (docs/crypto.md §6). Guardian ℓ publishes M_ℓ = s_ℓ·α with a proof that
// log_G(K_ℓ) = log_α(M_ℓ), where K_ℓ = s_ℓ·G is its public share. Any k verified shares give
// m·G = β − Σ_ℓ w_ℓ·M_ℓ with the Lagrange coefficients w_ℓ = Π_{j≠ℓ} j/(j−ℓ) at 0, since
// Σ w_ℓ·s_ℓ = Σ_i P_i(0) = s: absent guardians are compensated by interpolation.
#pragma once

#include <cstdint>
#include <span>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/equal_discrete_logs_proof.hpp"

namespace psephos::crypto {

struct DecryptionShare {
    std::uint32_t guardian_index = 0;
    Point partial;                 // M_ℓ = s_ℓ·α
    EqualDiscreteLogsProof proof;  // log_G(K_ℓ) = log_α(M_ℓ)
};

// The proof context of guardian ℓ's shares: u32be(ℓ).
Bytes decryption_share_context(std::uint32_t guardian_index);

DecryptionShare compute_decryption_share(const Hash32& base_hash, std::uint32_t guardian_index,
                                         const Scalar& secret_share, const Point& public_share,
                                         const Ciphertext& ciphertext);

// Errors name the guardian, so a bad share is attributed.
Status verify_decryption_share(const Hash32& base_hash, const Point& public_share,
                               const Ciphertext& ciphertext, const DecryptionShare& share);

// w_ℓ for the set `indices` (distinct, non-zero, containing ℓ).
Result<Scalar> lagrange_coefficient_at_zero(std::uint32_t index,
                                            std::span<const std::uint32_t> indices);

// m·G from `shares` (already verified), which must come from at least `threshold` distinct
// guardians; exactly the given guardians are interpolated.
Result<Point> combine_decryption_shares(const Ciphertext& ciphertext,
                                        std::span<const DecryptionShare> shares,
                                        std::uint32_t threshold);

}  // namespace psephos::crypto
