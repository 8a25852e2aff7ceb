// Feldman VSS polynomial, commitments and share checks (docs/crypto.md §5).
#include "psephos/crypto/election_polynomial.hpp"

#include <stdexcept>

namespace psephos::crypto {

ElectionPolynomial ElectionPolynomial::random(std::uint32_t threshold) {
    if (threshold == 0) throw std::invalid_argument("threshold must be at least 1");
    ElectionPolynomial p;
    p.coefficients_.reserve(threshold);
    for (std::uint32_t j = 0; j < threshold; ++j) p.coefficients_.push_back(Scalar::random());
    return p;
}

Result<ElectionPolynomial> ElectionPolynomial::from_coefficients(
    std::span<const Scalar> coefficients) {
    if (coefficients.empty())
        return make_error(ErrorCode::invalid_argument, "a polynomial needs a coefficient");
    ElectionPolynomial p;
    p.coefficients_.assign(coefficients.begin(), coefficients.end());
    return p;
}

Scalar ElectionPolynomial::evaluate(std::uint32_t x) const {
    const Scalar at = Scalar::from_uint64(x);
    Scalar value;
    for (auto it = coefficients_.rbegin(); it != coefficients_.rend(); ++it)
        value = value * at + *it;
    return value;
}

Bytes coefficient_proof_context(std::uint32_t guardian_index, std::uint32_t coefficient_index) {
    Bytes context;
    append_u32_be(context, guardian_index);
    append_u32_be(context, coefficient_index);
    return context;
}

CoefficientCommitments ElectionPolynomial::commit(const Hash32& ceremony_hash,
                                                  std::uint32_t guardian_index) const {
    CoefficientCommitments out;
    out.guardian_index = guardian_index;
    for (std::uint32_t j = 0; j < threshold(); ++j) {
        out.commitments.push_back(Point::multiply_base(coefficients_[j]));
        out.proofs.push_back(prove_knowledge_of_secret(ceremony_hash,
                                                       coefficient_proof_context(guardian_index, j),
                                                       coefficients_[j], out.commitments.back()));
    }
    return out;
}

Status verify_coefficient_commitments(const Hash32& ceremony_hash,
                                      const CoefficientCommitments& commitments,
                                      std::uint32_t threshold) {
    const std::string who = "guardian " + std::to_string(commitments.guardian_index);
    if (commitments.guardian_index == 0) {
        return make_error(ErrorCode::invalid_argument, "guardian index 0 is reserved");
    }
    if (commitments.commitments.size() != threshold || commitments.proofs.size() != threshold) {
        return make_error(ErrorCode::verification_failed,
                          who + ": expected " + std::to_string(threshold) +
                              " coefficient commitments with proofs, got " +
                              std::to_string(commitments.commitments.size()) + " and " +
                              std::to_string(commitments.proofs.size()));
    }
    for (std::uint32_t j = 0; j < threshold; ++j) {
        auto ok = verify_knowledge_of_secret(
            ceremony_hash, coefficient_proof_context(commitments.guardian_index, j),
            commitments.commitments[j], commitments.proofs[j]);
        if (!ok) return ok.error().within(who + ": coefficient " + std::to_string(j));
    }
    return {};
}

namespace {
// Σ_j x^j·K_j for one guardian's commitments.
Point evaluate_commitments(const CoefficientCommitments& c, std::uint32_t x) {
    const Scalar at = Scalar::from_uint64(x);
    Scalar power = Scalar::from_uint64(1);
    Point sum = c.commitments.empty() ? Point() : c.commitments[0];
    for (std::size_t j = 1; j < c.commitments.size(); ++j) {
        power = power * at;
        sum = sum + power * c.commitments[j];
    }
    return sum;
}
}  // namespace

Status verify_share_against_commitments(const CoefficientCommitments& sender,
                                        std::uint32_t recipient_index, const Scalar& share) {
    if (!(Point::multiply_base(share) == evaluate_commitments(sender, recipient_index))) {
        return make_error(ErrorCode::share_mismatch,
                          "guardian " + std::to_string(sender.guardian_index) +
                              "'s share for guardian " + std::to_string(recipient_index) +
                              " does not match its commitments");
    }
    return {};
}

Point compute_public_share(std::span<const CoefficientCommitments> all, std::uint32_t index) {
    Point sum;
    for (const auto& c : all) sum = sum + evaluate_commitments(c, index);
    return sum;
}

Point compute_joint_public_key(std::span<const CoefficientCommitments> all) {
    Point sum;
    for (const auto& c : all) sum = sum + c.commitments.at(0);
    return sum;
}

}  // namespace psephos::crypto
