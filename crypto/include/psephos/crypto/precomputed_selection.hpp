// Precomputation for the polling-station kiosk (docs/crypto.md §4.4), after ElectionGuard's kiosk
// precompute buffers: everything in a selection's encryption and 0/1 proof (§3, §4.2) that does
// not depend on the voter's mark is computed while the kiosk is idle, so that encrypting and
// proving a marked selection online costs one transcript hash and a few scalar operations and no
// group operation at all.
//   precomputed (background, for key K): nonce r, α = r·G, β_0 = r·K, β_1 = r·K + G; the real
//     branch's u with u·G, u·K; and for each possible mark m the simulated branch j = 1 − m:
//     c_j, v_j and its commitments a_j = v_j·G + c_j·α, b_j = v_j·K + c_j·(β_m − j·G). They are
//     computed from the known r as a_j = w_j·G, b_j = w_j·K + (m − j)·c_j·G with w_j random and
//     v_j = w_j − c_j·r (the same points and the same distribution, for fewer multiplications).
//     Cost: 6 fixed-base + 4 variable-base multiplications, 2 additions, 1 subtraction.
//   online (mark m known): (α, β_m); the range transcript for L = 1 exactly as prove_range builds
//     it; c = H(…); c_m = c − c_j; v_m = u − c_m·r. The proof verifies with verify_zero_or_one.
// A precomputation is secret until used (it holds r·K, from which β − r·K reveals the mark), lives
// only in memory, is used at most once and is wiped when consumed or destroyed. It is bound to the
// key it was made for: encrypt_selection refuses it for any other key. A contest's range proof on
// the sum of its selections is precomputed with the contest (precomputed_contest.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "psephos/crypto/background_pool.hpp"

#include "psephos/crypto/committed_range_proof.hpp"
#include "psephos/crypto/elgamal.hpp"

namespace psephos::crypto {

// One encrypted selection with its 0/1 proof in commitment form (committed_range_proof.hpp: the
// commitments a_0, b_0, a_1, b_1 and the compact proof, which verify_zero_or_one checks alone),
// and the nonce that opens it on a Benaloh challenge (decrypt_with_nonce) and that the contest's
// range proof sums. The nonce is secret until revealed.
struct EncryptedSelection {
    Ciphertext ciphertext;
    CommittedRangeProof proof;
    Scalar nonce;
};

// Everything of one selection's encryption and 0/1 proof under one key that does not depend on
// the mark. Move-only; a moved-from or consumed object is empty. Every secret is wiped on
// destruction (scalars by Scalar, the points by this class).
class PrecomputedSelection {
public:
    // 6 fixed-base + 4 variable-base multiplications, 2 additions, 1 subtraction.
    static PrecomputedSelection compute(const Point& public_key);

    PrecomputedSelection(PrecomputedSelection&& other) noexcept;
    PrecomputedSelection& operator=(PrecomputedSelection&& other) noexcept;
    PrecomputedSelection(const PrecomputedSelection&) = delete;
    PrecomputedSelection& operator=(const PrecomputedSelection&) = delete;
    ~PrecomputedSelection();

    // True once moved from or consumed by encrypt_selection.
    bool empty() const { return state_ == nullptr; }
    // The key it was computed for. Requires !empty().
    const Point& public_key() const;

private:
    struct State;
    explicit PrecomputedSelection(std::unique_ptr<State> state);
    // r, for PrecomputedContest, which sums the nonces of its selections. Requires !empty().
    const Scalar& nonce() const;
    friend class PrecomputedContest;

    std::unique_ptr<State> state_;

    friend Result<EncryptedSelection> encrypt_selection(PrecomputedSelection precomputed,
                                                        const Hash32& base_hash, ByteSpan context,
                                                        const Point& public_key,
                                                        std::uint64_t mark);
};

// The online path: encrypts mark ∈ {0, 1} and proves it with the precomputed values; no group
// operation. The precomputation is taken by value, so it is consumed (and wiped) on every path,
// errors included. Fails (invalid_argument, never naming the mark) if the mark is above 1, if the
// precomputation is empty, or if it was made for another public key.
Result<EncryptedSelection> encrypt_selection(PrecomputedSelection precomputed,
                                             const Hash32& base_hash, ByteSpan context,
                                             const Point& public_key, std::uint64_t mark);

// The full path with a fresh nonce (encrypt_message + prove_zero_or_one): what the kiosk does when
// no precomputation is ready. Fails (invalid_argument) if the mark is above 1.
Result<EncryptedSelection> encrypt_selection_full(const Hash32& base_hash, ByteSpan context,
                                                  const Point& public_key, std::uint64_t mark);

// A pool of precomputed selections for one key, refilled by background workers (std::jthread)
// whenever it holds fewer than its target. Thread-safe. Each precomputation is handed out once.
// The destructor stops and joins the workers (each finishes at most the computation it is in)
// and wipes what is left. Keep the pool with its key: a new key needs a new pool.
class PrecomputationPool {
public:
    // thread_count = 0 gives a pool that is never filled (every take() falls back).
    PrecomputationPool(const Point& public_key, std::size_t target_size,
                       std::size_t thread_count = 1);

    const Point& public_key() const { return public_key_; }
    std::size_t target_size() const { return pool_.target_size(); }

    // One ready precomputation, or nothing if none is ready now (never blocks on computation).
    std::optional<PrecomputedSelection> take() { return pool_.take(); }
    std::size_t available() const { return pool_.available(); }
    // Blocks until at least n are ready (for tests and benchmarks). Throws std::invalid_argument
    // if n could never be reached (n above the target, or no workers).
    void wait_until_available(std::size_t n) { pool_.wait_until_available(n); }

private:
    const Point public_key_;
    BackgroundPool<PrecomputedSelection> pool_;  // last: its workers read public_key_
};

// Takes a precomputation from the pool if one is ready (online path), else computes in full.
// pool may be null. Fails (invalid_argument) if the pool was made for another key, without
// consuming anything, or for a mark above 1.
Result<EncryptedSelection> encrypt_selection_with(PrecomputationPool* pool, const Hash32& base_hash,
                                                  ByteSpan context, const Point& public_key,
                                                  std::uint64_t mark);

}  // namespace psephos::crypto
