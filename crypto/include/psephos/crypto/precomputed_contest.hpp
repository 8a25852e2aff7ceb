// Precomputation of a whole contest for the kiosk (docs/crypto.md §4.5): the precomputed
// selections of its options (§4.4) and the range proof that their marks sum to at most L, for
// every possible sum m ∈ [0, L]. Online, once the marks are known: each selection's online step,
// then the count proof from the values for m — a transcript hash and scalar arithmetic, no group
// operation. Secret until used, used once, wiped; bound to its key, option count and limit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "psephos/crypto/precomputed_selection.hpp"

namespace psephos::crypto {

struct EncryptedContestSelections {
    std::vector<EncryptedSelection> selections;  // in option order, each with its nonce
    CommittedRangeProof count_proof;             // Σ marks ∈ [0, L] on Σ ciphertexts
};

class PrecomputedContest {
public:
    // option_count precomputed selections, r_sum·G and r_sum·K with r_sum = Σ r_i, the real
    // branch, and for every m ∈ [0, L] the L simulated branches j ≠ m:
    // option_count × (6 fixed-base + 4 variable-base) + (L+1)·L × (2 fixed-base + 1 variable-base)
    // + 3 multiplications, and about (L+1)(L+2) additions.
    static PrecomputedContest compute(const Point& public_key, std::size_t option_count,
                                      std::uint32_t limit);

    PrecomputedContest(PrecomputedContest&&) noexcept;
    PrecomputedContest& operator=(PrecomputedContest&&) noexcept;
    PrecomputedContest(const PrecomputedContest&) = delete;
    PrecomputedContest& operator=(const PrecomputedContest&) = delete;
    ~PrecomputedContest();

    bool empty() const { return state_ == nullptr; }
    std::size_t option_count() const;
    std::uint32_t limit() const;

private:
    struct State;
    explicit PrecomputedContest(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
    friend Result<EncryptedContestSelections> encrypt_contest(
        PrecomputedContest precomputed, const Hash32& base_hash,
        std::span<const Bytes> selection_contexts, ByteSpan count_context, const Point& public_key,
        std::span<const std::uint8_t> marks);
};

// The online path for a whole contest: marks[i] ∈ {0, 1} for option i, Σ marks ≤ L. Consumes the
// precomputation on every path. Fails (invalid_argument, never naming marks or their number) on an
// overvote, a mark above 1, a count of marks or contexts other than the option count, an empty
// precomputation, or another key.
Result<EncryptedContestSelections> encrypt_contest(PrecomputedContest precomputed,
                                                   const Hash32& base_hash,
                                                   std::span<const Bytes> selection_contexts,
                                                   ByteSpan count_context, const Point& public_key,
                                                   std::span<const std::uint8_t> marks);

}  // namespace psephos::crypto
