// Disjunctive Chaum–Pedersen range proof (docs/crypto.md §4.2).
#include "psephos/crypto/range_proof.hpp"

#include "range_prover.hpp"
#include "range_transcript.hpp"

namespace psephos::crypto {

namespace {
using detail::range_transcript;

// One branch's commitments from its challenge and response: a = v·G + c·α, b = v·K + c·β_j.
void append_branch(Transcript& t, const Scalar& c, const Scalar& v, const Ciphertext& ciphertext,
                   const Point& public_key, const Point& beta_j) {
    t.append("a", Point::multiply_base(v) + c * ciphertext.alpha);
    t.append("b", v * public_key + c * beta_j);
}

}  // namespace

Bytes RangeProof::to_bytes() const {
    Bytes out;
    out.reserve((challenges.size() + responses.size()) * Scalar::size);
    for (const auto& c : challenges) out.insert(out.end(), c.bytes().begin(), c.bytes().end());
    for (const auto& v : responses) out.insert(out.end(), v.bytes().begin(), v.bytes().end());
    return out;
}

Result<RangeProof> RangeProof::from_bytes(ByteSpan data, std::uint32_t limit) {
    if (auto ok = check_range_limit(limit); !ok) return ok.error();
    const std::size_t branches = std::size_t{limit} + 1;
    if (data.size() != 2 * branches * Scalar::size) {
        return make_error(ErrorCode::invalid_encoding,
                          "range proof for limit " + std::to_string(limit) + " must be " +
                              std::to_string(2 * branches * Scalar::size) + " bytes, got " +
                              std::to_string(data.size()));
    }
    RangeProof proof;
    proof.challenges.reserve(branches);
    proof.responses.reserve(branches);
    for (std::size_t i = 0; i < 2 * branches; ++i) {
        auto s = Scalar::from_bytes(data.subspan(i * Scalar::size, Scalar::size));
        if (!s) {
            const bool is_challenge = i < branches;
            return s.error().within(std::string(is_challenge ? "challenge " : "response ") +
                                    std::to_string(is_challenge ? i : i - branches));
        }
        (i < branches ? proof.challenges : proof.responses).push_back(std::move(s).value());
    }
    return proof;
}

Result<RangeProof> prove_range(const Hash32& base_hash, ByteSpan context,
                               const Ciphertext& ciphertext, const Point& public_key,
                               std::uint64_t message, const Scalar& nonce, std::uint32_t limit) {
    return detail::prove_range_recording(base_hash, context, ciphertext, public_key, message, nonce,
                                         limit, nullptr);
}

Result<RangeProof> detail::prove_range_recording(const Hash32& base_hash, ByteSpan context,
                                                 const Ciphertext& ciphertext,
                                                 const Point& public_key, std::uint64_t message,
                                                 const Scalar& nonce, std::uint32_t limit,
                                                 std::vector<Point>* commitments) {
    if (auto ok = check_range_limit(limit); !ok) return ok.error();
    if (message > limit) {
        // Never name the plaintext: this message may end up in a log.
        return make_error(ErrorCode::invalid_argument,
                          "cannot prove a range statement that is false (message above limit " +
                              std::to_string(limit) + ")");
    }
    const std::size_t branches = std::size_t{limit} + 1;
    RangeProof proof;
    proof.challenges.resize(branches);
    proof.responses.resize(branches);

    Transcript t = range_transcript(base_hash, context, ciphertext, public_key, limit);
    const Scalar u = Scalar::random();
    Scalar simulated_sum;
    Point beta_j = ciphertext.beta;  // β − j·G
    for (std::size_t j = 0; j < branches; ++j) {
        Point a;
        Point b;
        if (j == message) {
            a = Point::multiply_base(u);
            b = u * public_key;
        } else {
            proof.challenges[j] = Scalar::random();
            proof.responses[j] = Scalar::random();
            a = Point::multiply_base(proof.responses[j]) + proof.challenges[j] * ciphertext.alpha;
            b = proof.responses[j] * public_key + proof.challenges[j] * beta_j;
            simulated_sum = simulated_sum + proof.challenges[j];
        }
        t.append("a", a);
        t.append("b", b);
        if (commitments != nullptr) {
            commitments->push_back(a);
            commitments->push_back(b);
        }
        if (j + 1 < branches) beta_j = beta_j - Point::generator();
    }
    proof.challenges[message] = t.challenge("c") - simulated_sum;
    proof.responses[message] = u - proof.challenges[message] * nonce;
    return proof;
}

Status verify_range(const Hash32& base_hash, ByteSpan context, const Ciphertext& ciphertext,
                    const Point& public_key, std::uint32_t limit, const RangeProof& proof) {
    if (auto ok = check_range_limit(limit); !ok) return ok.error();
    const std::size_t branches = std::size_t{limit} + 1;
    if (proof.challenges.size() != branches || proof.responses.size() != branches) {
        return make_error(ErrorCode::verification_failed,
                          "range proof has " + std::to_string(proof.challenges.size()) +
                              " branches, the statement needs " + std::to_string(branches));
    }
    Transcript t = range_transcript(base_hash, context, ciphertext, public_key, limit);
    Scalar challenge_sum;
    Point beta_j = ciphertext.beta;
    for (std::size_t j = 0; j < branches; ++j) {
        append_branch(t, proof.challenges[j], proof.responses[j], ciphertext, public_key, beta_j);
        challenge_sum = challenge_sum + proof.challenges[j];
        if (j + 1 < branches) beta_j = beta_j - Point::generator();
    }
    if (!(t.challenge("c") == challenge_sum)) {
        return make_error(ErrorCode::verification_failed,
                          "range proof [0, " + std::to_string(limit) +
                              "]: challenges do not sum to the transcript challenge");
    }
    return {};
}

Status check_range_limit(std::uint32_t limit) {
    if (limit == 0 || limit > max_range_limit) {
        return make_error(ErrorCode::invalid_argument, "range limit " + std::to_string(limit) +
                                                           " is outside [1, " +
                                                           std::to_string(max_range_limit) + "]");
    }
    return {};
}

}  // namespace psephos::crypto
