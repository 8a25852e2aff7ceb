// Precomputed contests: selections plus the count proof for every possible sum (docs/crypto.md
// §4.5).
#include "psephos/crypto/precomputed_contest.hpp"

#include <sodium.h>

#include <stdexcept>

#include "range_transcript.hpp"

namespace psephos::crypto {

namespace {
void wipe(Point& point) {
    sodium_memzero(const_cast<std::uint8_t*>(point.bytes().data()), Point::size);
}
}  // namespace

struct PrecomputedContest::State {
    struct Branch {        // a simulated branch j of the count proof, for one sum m
        Scalar challenge;  // c_j
        Scalar response;   // v_j = w_j − c_j·r_sum
        Point a;           // w_j·G = v_j·G + c_j·α_sum
        Point b;           // w_j·K + (m − j)·c_j·G = v_j·K + c_j·(β_sum(m) − j·G)
        ~Branch() {
            wipe(a);
            wipe(b);
        }
    };

    Point public_key;
    std::uint32_t limit = 0;
    std::vector<PrecomputedSelection> selections;
    Scalar nonce_sum;             // r_sum = Σ r_i
    Point alpha_sum;              // r_sum·G = Σ α_i
    std::vector<Point> beta_sum;  // [m] = r_sum·K + m·G = Σ β_i when the marks sum to m
    Scalar real_secret;           // u
    Point real_a, real_b;         // u·G, u·K
    std::vector<std::vector<Branch>> simulated;  // [m][j], j ≠ m (the entry j = m is unused)

    ~State() {
        wipe(alpha_sum);
        for (Point& p : beta_sum) wipe(p);
        wipe(real_a);
        wipe(real_b);
    }
};

PrecomputedContest::PrecomputedContest(std::unique_ptr<State> state) : state_(std::move(state)) {}
PrecomputedContest::PrecomputedContest(PrecomputedContest&&) noexcept = default;
PrecomputedContest& PrecomputedContest::operator=(PrecomputedContest&&) noexcept = default;
PrecomputedContest::~PrecomputedContest() = default;

std::size_t PrecomputedContest::option_count() const {
    if (!state_) throw std::logic_error("PrecomputedContest::option_count() on an empty object");
    return state_->selections.size();
}

std::uint32_t PrecomputedContest::limit() const {
    if (!state_) throw std::logic_error("PrecomputedContest::limit() on an empty object");
    return state_->limit;
}

PrecomputedContest PrecomputedContest::compute(const Point& public_key, std::size_t option_count,
                                               std::uint32_t limit) {
    if (limit == 0 || limit > max_range_limit || option_count == 0) {
        throw std::invalid_argument(
            "PrecomputedContest: limit must be in 1..255 and options at least 1");
    }
    auto s = std::make_unique<State>();
    s->public_key = public_key;
    s->limit = limit;
    for (std::size_t i = 0; i < option_count; ++i) {
        s->selections.push_back(PrecomputedSelection::compute(public_key));
        s->nonce_sum = s->nonce_sum + s->selections.back().nonce();
    }
    s->alpha_sum = Point::multiply_base(s->nonce_sum);
    Point masked = s->nonce_sum * public_key;
    for (std::uint32_t m = 0; m <= limit; ++m) {
        s->beta_sum.push_back(masked);
        masked = masked + Point::generator();
    }
    wipe(masked);
    s->real_secret = Scalar::random();
    s->real_a = Point::multiply_base(s->real_secret);
    s->real_b = s->real_secret * public_key;
    // As for a selection (§4.4): with α_sum = r_sum·G and β_sum(m) − j·G = r_sum·K + (m − j)·G,
    // the verifier's commitments are w·G and w·K + (m − j)·c·G for w = v + c·r_sum.
    s->simulated.resize(limit + 1);
    for (std::uint32_t m = 0; m <= limit; ++m) {
        s->simulated[m].resize(limit + 1);
        for (std::uint32_t j = 0; j <= limit; ++j) {
            if (j == m) continue;
            State::Branch& b = s->simulated[m][j];
            b.challenge = Scalar::random();
            const Scalar w = Scalar::random();
            b.response = w - b.challenge * s->nonce_sum;
            b.a = Point::multiply_base(w);
            const std::uint32_t distance = m > j ? m - j : j - m;
            Point shift = Point::multiply_base(b.challenge * Scalar::from_uint64(distance));
            Point w_k = w * public_key;
            b.b = m > j ? w_k + shift : w_k - shift;
            wipe(shift);
            wipe(w_k);
        }
    }
    return PrecomputedContest(std::move(s));
}

Result<EncryptedContestSelections> encrypt_contest(PrecomputedContest precomputed,
                                                   const Hash32& base_hash,
                                                   std::span<const Bytes> selection_contexts,
                                                   ByteSpan count_context, const Point& public_key,
                                                   std::span<const std::uint8_t> marks) {
    if (precomputed.empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "precomputed contest is empty (already used or moved from)");
    }
    PrecomputedContest::State& s = *precomputed.state_;
    if (!(s.public_key == public_key)) {
        return make_error(ErrorCode::invalid_argument,
                          "precomputed contest was made for another public key");
    }
    if (marks.size() != s.selections.size() || selection_contexts.size() != s.selections.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "precomputed contest has " + std::to_string(s.selections.size()) +
                              " options; marks or contexts differ in number");
    }
    std::uint32_t count = 0;
    for (const auto mark : marks) count += mark;  // each mark is checked ≤ 1 below
    if (count > s.limit) {
        return make_error(
            ErrorCode::invalid_argument,
            "more marks than vote for " + std::to_string(s.limit) + " allows (overvote)");
    }
    EncryptedContestSelections out;
    for (std::size_t i = 0; i < s.selections.size(); ++i) {
        auto selection = encrypt_selection(std::move(s.selections[i]), base_hash,
                                           selection_contexts[i], public_key, marks[i]);
        if (!selection) return selection.error();
        out.selections.push_back(std::move(selection).value());
    }
    // The count proof for m = count, exactly as prove_range builds it (§4.2).
    const std::uint32_t m = count;
    Transcript t = detail::range_transcript(
        base_hash, count_context, Ciphertext{s.alpha_sum, s.beta_sum[m]}, public_key, s.limit);
    Scalar simulated_sum;
    std::vector<Point>& commitments = out.count_proof.commitments;  // the commitment form (§4.6)
    commitments.reserve(2 * (std::size_t{s.limit} + 1));
    for (std::uint32_t j = 0; j <= s.limit; ++j) {
        if (j == m) {
            commitments.push_back(s.real_a);
            commitments.push_back(s.real_b);
        } else {
            commitments.push_back(s.simulated[m][j].a);
            commitments.push_back(s.simulated[m][j].b);
            simulated_sum = simulated_sum + s.simulated[m][j].challenge;
        }
        t.append("a", commitments[2 * j]);
        t.append("b", commitments[2 * j + 1]);
    }
    RangeProof& proof = out.count_proof.compact;
    proof.challenges.resize(s.limit + 1);
    proof.responses.resize(s.limit + 1);
    for (std::uint32_t j = 0; j <= s.limit; ++j) {
        if (j == m) continue;
        proof.challenges[j] = s.simulated[m][j].challenge;
        proof.responses[j] = s.simulated[m][j].response;
    }
    proof.challenges[m] = t.challenge("c") - simulated_sum;
    proof.responses[m] = s.real_secret - proof.challenges[m] * s.nonce_sum;
    return out;
}

}  // namespace psephos::crypto
