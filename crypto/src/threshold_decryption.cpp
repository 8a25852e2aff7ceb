// Decryption shares, their proofs and Lagrange combination (docs/crypto.md §6).
#include "psephos/crypto/threshold_decryption.hpp"

#include <algorithm>
#include <set>

namespace psephos::crypto {

Bytes decryption_share_context(std::uint32_t guardian_index) {
    Bytes context;
    append_u32_be(context, guardian_index);
    return context;
}

DecryptionShare compute_decryption_share(const Hash32& base_hash, std::uint32_t guardian_index,
                                         const Scalar& secret_share, const Point& public_share,
                                         const Ciphertext& ciphertext) {
    DecryptionShare share;
    share.guardian_index = guardian_index;
    share.partial = secret_share * ciphertext.alpha;
    share.proof =
        prove_equal_discrete_logs(base_hash, decryption_share_context(guardian_index), secret_share,
                                  public_share, ciphertext.alpha, share.partial);
    return share;
}

Status verify_decryption_share(const Hash32& base_hash, const Point& public_share,
                               const Ciphertext& ciphertext, const DecryptionShare& share) {
    auto ok =
        verify_equal_discrete_logs(base_hash, decryption_share_context(share.guardian_index),
                                   public_share, ciphertext.alpha, share.partial, share.proof);
    if (!ok)
        return ok.error().within("decryption share of guardian " +
                                 std::to_string(share.guardian_index));
    return {};
}

Result<Scalar> lagrange_coefficient_at_zero(std::uint32_t index,
                                            std::span<const std::uint32_t> indices) {
    if (std::set<std::uint32_t>(indices.begin(), indices.end()).size() != indices.size()) {
        return make_error(ErrorCode::invalid_argument, "guardian indices repeat");
    }
    Scalar numerator = Scalar::from_uint64(1);
    Scalar denominator = Scalar::from_uint64(1);
    bool present = false;
    for (std::uint32_t j : indices) {
        if (j == 0) return make_error(ErrorCode::invalid_argument, "guardian index 0 is reserved");
        if (j == index) {
            present = true;
            continue;
        }
        const Scalar sj = Scalar::from_uint64(j);
        numerator = numerator * sj;
        denominator = denominator * (sj - Scalar::from_uint64(index));
    }
    if (!present) {
        return make_error(ErrorCode::invalid_argument,
                          "guardian " + std::to_string(index) + " is not in the decrypting set");
    }
    // Distinct non-zero indices below L make every factor (j − ℓ) non-zero.
    return numerator * denominator.invert().value();
}

Result<Point> combine_decryption_shares(const Ciphertext& ciphertext,
                                        std::span<const DecryptionShare> shares,
                                        std::uint32_t threshold) {
    std::vector<std::uint32_t> indices;
    for (const auto& s : shares) indices.push_back(s.guardian_index);
    if (indices.size() < threshold) {
        return make_error(ErrorCode::invalid_argument,
                          "need decryption shares from " + std::to_string(threshold) +
                              " guardians, have " + std::to_string(indices.size()));
    }
    Point combined;
    for (const auto& s : shares) {
        auto w = lagrange_coefficient_at_zero(s.guardian_index, indices);
        if (!w) return w.error();
        combined = combined + w.value() * s.partial;
    }
    return ciphertext.beta - combined;
}

}  // namespace psephos::crypto
