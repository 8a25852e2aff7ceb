// Commitment-form range proofs on the public backend: decoding, single and batch verification
// (public_committed_proofs.hpp, docs/crypto.md §4.6).
#include "psephos/crypto/public_committed_proofs.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "group_op_counter_internal.hpp"
#include "range_transcript.hpp"

namespace psephos::crypto {

namespace {

std::string proof_name(std::uint32_t limit) {
    return "range proof [0, " + std::to_string(limit) + "]";
}

// The cheap part, per proof: the shape, and Σ c_j = H(statement, a_0, b_0, …) over the
// commitments' bytes as received.
Status check_transcript(const Hash32& base_hash, ByteSpan context,
                        const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                        std::uint32_t limit, const DecodedCommittedRangeProof& proof) {
    PSEPHOS_TRY(check_range_limit(limit));
    const std::size_t branches = std::size_t{limit} + 1;
    if (proof.compact.challenges.size() != branches || proof.compact.responses.size() != branches ||
        proof.commitments.size() != 2 * branches) {
        return make_error(ErrorCode::verification_failed,
                          "range proof has " + std::to_string(proof.compact.challenges.size()) +
                              " branches, the statement needs " + std::to_string(branches));
    }
    Transcript t = detail::range_transcript(base_hash, context, ciphertext.alpha_bytes(),
                                            ciphertext.beta_bytes(), public_key.encoding, limit);
    Scalar challenge_sum;
    for (std::size_t j = 0; j < branches; ++j) {
        t.append("a", proof.commitments[2 * j].encoding);
        t.append("b", proof.commitments[2 * j + 1].encoding);
        challenge_sum = challenge_sum + proof.compact.challenges[j];
    }
    if (!(t.challenge("c") == challenge_sum)) {
        return make_error(
            ErrorCode::verification_failed,
            proof_name(limit) + ": challenges do not sum to the transcript challenge");
    }
    return {};
}

// The group equations one by one (after check_transcript accepted the shape).
Status check_equations(const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                       std::uint32_t limit, const DecodedCommittedRangeProof& proof) {
    PublicPoint beta_j = ciphertext.unencoded.beta;  // β − j·G
    for (std::size_t j = 0; j <= limit; ++j) {
        const Scalar& c = proof.compact.challenges[j];
        const Scalar& v = proof.compact.responses[j];
        if (!(PublicPoint::multiply_base_add_vartime(v, c, ciphertext.unencoded.alpha) ==
              proof.commitments[2 * j].point)) {
            return make_error(ErrorCode::verification_failed,
                              proof_name(limit) + ": branch " + std::to_string(j) +
                                  ": commitment a is not v·G + c·alpha");
        }
        if (!(PublicPoint::multiply_two_vartime(v, public_key.point, c, beta_j) ==
              proof.commitments[2 * j + 1].point)) {
            return make_error(ErrorCode::verification_failed,
                              proof_name(limit) + ": branch " + std::to_string(j) +
                                  ": commitment b is not v·K + c·(beta − j·G)");
        }
        if (j < limit) beta_j -= PublicPoint::generator();
    }
    return {};
}

// Independent 128-bit weights from libsodium's CSPRNG, two per branch of each proof.
class WeightSource {
public:
    explicit WeightSource(std::size_t count) : bytes_(count * weight_bytes) {
        randombytes_buf(bytes_.data(), bytes_.size());
        ++detail::thread_group_op_counts().random_calls;
        detail::thread_group_op_counts().random_bytes += bytes_.size();
    }
    Scalar next() {
        std::array<std::uint8_t, Scalar::size> wide{};  // < 2^128 < L: canonical
        std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(used_ * weight_bytes),
                    weight_bytes, wide.begin());
        ++used_;
        return Scalar::from_bytes(wide).value();
    }

private:
    static constexpr std::size_t weight_bytes = 16;
    Bytes bytes_;
    std::size_t used_ = 0;
};

// Σ over the proofs of Σ_j x_j·(v_j·G + c_j·α − a_j) + y_j·(v_j·K + c_j·β − j·c_j·G − b_j), as one
// multi-scalar multiplication: identity iff (but for probability 2^−128) every equation holds.
bool combined_equations_hold(const DecodedPoint& public_key,
                             std::span<const CommittedRangeStatement> statements,
                             const std::vector<std::size_t>& indices, MultiScalarMethod method) {
    std::size_t equations = 0;
    for (std::size_t i : indices) equations += 2 * (std::size_t{statements[i].limit} + 1);
    WeightSource weights(equations);
    std::vector<Scalar> scalars;
    std::vector<PublicPoint> points;
    scalars.reserve(2 + 2 * indices.size() + equations);
    points.reserve(scalars.capacity());
    scalars.resize(2);  // G and K, accumulated below
    points.push_back(PublicPoint::generator());
    points.push_back(public_key.point);
    for (std::size_t i : indices) {
        const CommittedRangeStatement& s = statements[i];
        Scalar alpha_coefficient;
        Scalar beta_coefficient;
        for (std::size_t j = 0; j <= s.limit; ++j) {
            const Scalar& c = s.proof->compact.challenges[j];
            const Scalar& v = s.proof->compact.responses[j];
            Scalar x = weights.next();
            Scalar y = weights.next();
            const Scalar yc = y * c;
            scalars[0] = scalars[0] + x * v;
            if (j == 1) {
                scalars[0] = scalars[0] - yc;
            } else if (j > 1) {
                scalars[0] = scalars[0] - Scalar::from_uint64(j) * yc;
            }
            scalars[1] = scalars[1] + y * v;
            alpha_coefficient = alpha_coefficient + x * c;
            beta_coefficient = beta_coefficient + yc;
            scalars.push_back(std::move(x));
            points.push_back(s.proof->commitments[2 * j].point.negated());
            scalars.push_back(std::move(y));
            points.push_back(s.proof->commitments[2 * j + 1].point.negated());
        }
        scalars.push_back(std::move(alpha_coefficient));
        points.push_back(s.ciphertext->unencoded.alpha);
        scalars.push_back(std::move(beta_coefficient));
        points.push_back(s.ciphertext->unencoded.beta);
    }
    switch (method) {
        case MultiScalarMethod::straus:
            return PublicPoint::multiply_sum_vartime(scalars, points).is_identity();
        case MultiScalarMethod::pippenger:
            return PublicPoint::multiply_sum_pippenger_vartime(scalars, points).is_identity();
        case MultiScalarMethod::by_size:
            break;
    }
    return PublicPoint::multiply_sum_batch_vartime(scalars, points).is_identity();
}

}  // namespace

Result<DecodedCommittedRangeProof> DecodedCommittedRangeProof::from_bytes(ByteSpan data,
                                                                          std::uint32_t limit) {
    PSEPHOS_TRY(check_range_limit(limit));
    const std::size_t branches = std::size_t{limit} + 1;
    if (data.size() != CommittedRangeProof::size_for(limit)) {
        return make_error(ErrorCode::invalid_encoding,
                          "commitment-form range proof for limit " + std::to_string(limit) +
                              " must be " + std::to_string(CommittedRangeProof::size_for(limit)) +
                              " bytes, got " + std::to_string(data.size()));
    }
    DecodedCommittedRangeProof proof;
    proof.commitments.reserve(2 * branches);
    for (std::size_t k = 0; k < 2 * branches; ++k) {
        auto point = DecodedPoint::from_bytes(data.subspan(k * Point::size, Point::size));
        if (!point) {
            return point.error().within(std::string("commitment ") + (k % 2 == 0 ? "a" : "b") +
                                        std::to_string(k / 2));
        }
        proof.commitments.push_back(std::move(point).value());
    }
    PSEPHOS_TRY_ASSIGN(proof.compact,
                       RangeProof::from_bytes(data.subspan(2 * branches * Point::size), limit));
    return proof;
}

DecodedCommittedRangeProof DecodedCommittedRangeProof::from_proof(
    const CommittedRangeProof& proof) {
    DecodedCommittedRangeProof out;
    out.commitments.reserve(proof.commitments.size());
    for (const Point& p : proof.commitments) out.commitments.emplace_back(p);
    out.compact = proof.compact;
    return out;
}

Bytes DecodedCommittedRangeProof::to_bytes() const {
    Bytes out;
    for (const auto& p : commitments) out.insert(out.end(), p.encoding.begin(), p.encoding.end());
    const Bytes tail = compact.to_bytes();
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

Status verify_range_committed(const Hash32& base_hash, ByteSpan context,
                              const DecodedCiphertext& ciphertext, const DecodedPoint& public_key,
                              std::uint32_t limit, const DecodedCommittedRangeProof& proof) {
    PSEPHOS_TRY(check_transcript(base_hash, context, ciphertext, public_key, limit, proof));
    // The proof's own 2(L+1) equations combined: one Straus chain of doublings for all of them
    // instead of one per equation (measured at about half the time). Only a proof that fails
    // them pays for the equations one by one, which name the branch.
    const CommittedRangeStatement statement{context, &ciphertext, limit, &proof};
    const std::vector<std::size_t> only{0};
    if (combined_equations_hold(public_key, std::span(&statement, 1), only,
                                MultiScalarMethod::straus)) {
        return {};
    }
    PSEPHOS_TRY(check_equations(ciphertext, public_key, limit, proof));
    // Unreachable unless the combination and the equations disagree, which a prime-order group
    // rules out for equations that all hold.
    return make_error(ErrorCode::verification_failed,
                      proof_name(limit) + ": combined equations do not hold");
}

BatchVerification verify_range_committed_batch(const Hash32& base_hash,
                                               const DecodedPoint& public_key,
                                               std::span<const CommittedRangeStatement> statements,
                                               MultiScalarMethod method) {
    std::vector<std::optional<Error>> failures(statements.size());
    std::vector<std::size_t> pending;  // transcripts checked; equations still to check
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const CommittedRangeStatement& s = statements[i];
        if (auto ok = check_transcript(base_hash, s.context, *s.ciphertext, public_key, s.limit,
                                       *s.proof);
            !ok) {
            failures[i] = ok.error();
        } else {
            pending.push_back(i);
        }
    }
    BatchVerification result;
    if (!pending.empty() && !combined_equations_hold(public_key, statements, pending, method)) {
        // Some equation is false: find which proofs, so the report names them.
        result.combined_check_failed = true;
        for (std::size_t i : pending) {
            const CommittedRangeStatement& s = statements[i];
            if (auto ok = check_equations(*s.ciphertext, public_key, s.limit, *s.proof); !ok)
                failures[i] = ok.error();
        }
        // Equations that each hold cannot make a false combination in a prime-order group; if
        // they seem to, nothing in the batch is accepted.
        if (std::none_of(pending.begin(), pending.end(),
                         [&](std::size_t i) { return failures[i].has_value(); })) {
            for (std::size_t i : pending)
                failures[i] = make_error(ErrorCode::verification_failed,
                                         proof_name(statements[i].limit) +
                                             ": the batch's combined equations do not hold");
        }
    }
    for (std::size_t i = 0; i < failures.size(); ++i) {
        if (!failures[i]) continue;
        result.refused.push_back(i);
        result.errors.push_back(failures[i]->within("proof " + std::to_string(i)));
    }
    return result;
}

}  // namespace psephos::crypto
