// Precomputed selection encryption and 0/1 proof for the kiosk (docs/crypto.md §4.4).
#include "psephos/crypto/precomputed_selection.hpp"

#include <sodium.h>

#include <stdexcept>

#include "locked_slab.hpp"
#include "psephos/crypto/transcript.hpp"
#include "range_transcript.hpp"

namespace psephos::crypto {

namespace {
// Point has no wipe of its own (most points are public); these are not until published. The
// objects are never const, so writing through bytes() is defined.
void wipe(Point& point) {
    sodium_memzero(const_cast<std::uint8_t*>(point.bytes().data()), Point::size);
}

Status check_mark(std::uint64_t mark) {
    if (mark > 1) {
        // Never name the mark: this message may end up in a log.
        return make_error(ErrorCode::invalid_argument, "a selection's mark must be 0 or 1");
    }
    return {};
}
}  // namespace

struct PrecomputedSelection::State {
    // The simulated branch j = 1 − m for one possible mark m.
    struct SimulatedBranch {
        Scalar challenge;    // c_j
        Scalar response;     // v_j = w_j − c_j·r
        Point commitment_a;  // a_j = w_j·G = v_j·G + c_j·α
        Point commitment_b;  // b_j = w_j·K + (m − j)·c_j·G = v_j·K + c_j·(β_m − j·G)

        ~SimulatedBranch() {
            wipe(commitment_a);
            wipe(commitment_b);
        }
    };

    Point public_key;              // K
    Scalar nonce;                  // r
    Point alpha;                   // r·G
    Point beta[2];                 // β_0 = r·K, β_1 = r·K + G
    Scalar real_secret;            // u
    Point real_a;                  // u·G
    Point real_b;                  // u·K
    SimulatedBranch simulated[2];  // [m]: the branch j = 1 − m when the mark is m

    ~State() {
        wipe(alpha);
        for (Point& b : beta) wipe(b);
        wipe(real_a);
        wipe(real_b);
    }

    // In locked memory (locked_slab.hpp): out of swap and core dumps while the pool holds it.
    static void* operator new(std::size_t size) { return slab().allocate(size); }
    static void operator delete(void* block) noexcept { slab().deallocate(block); }

    // Never destroyed: a State freed by another static object's destructor at exit still finds
    // its slab.
    static LockedSlab& slab() {
        static LockedSlab* const instance =
            new LockedSlab(sizeof(State));  // NOLINT(*-owning-memory)
        return *instance;
    }
};

PrecomputedSelection::PrecomputedSelection(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
PrecomputedSelection::PrecomputedSelection(PrecomputedSelection&& other) noexcept = default;
PrecomputedSelection& PrecomputedSelection::operator=(PrecomputedSelection&& other) noexcept =
    default;
PrecomputedSelection::~PrecomputedSelection() = default;

const Point& PrecomputedSelection::public_key() const {
    if (!state_) throw std::logic_error("PrecomputedSelection::public_key() on an empty object");
    return state_->public_key;
}

const Scalar& PrecomputedSelection::nonce() const {
    if (!state_) throw std::logic_error("PrecomputedSelection::nonce() on an empty object");
    return state_->nonce;
}

PrecomputedSelection PrecomputedSelection::compute(const Point& public_key) {
    auto s = std::make_unique<State>();
    s->public_key = public_key;
    s->nonce = Scalar::random();
    s->alpha = Point::multiply_base(s->nonce);
    s->beta[0] = s->nonce * public_key;
    s->beta[1] = s->beta[0] + Point::generator();
    s->real_secret = Scalar::random();
    s->real_a = Point::multiply_base(s->real_secret);
    s->real_b = s->real_secret * public_key;
    // With α = r·G and β_m − j·G = r·K + (m − j)·G, the verifier's a_j = v_j·G + c_j·α and
    // b_j = v_j·K + c_j·(β_m − j·G) are w_j·G and w_j·K + (m − j)·c_j·G for w_j = v_j + c_j·r.
    // Drawing w_j uniformly and setting v_j = w_j − c_j·r gives v_j the same uniform distribution
    // as prove_range's, independent of c_j.
    for (std::uint64_t mark : {0u, 1u}) {
        State::SimulatedBranch& b = s->simulated[mark];
        b.challenge = Scalar::random();
        const Scalar w = Scalar::random();
        b.response = w - b.challenge * s->nonce;
        b.commitment_a = Point::multiply_base(w);
        Point w_k = w * public_key;
        Point c_g = Point::multiply_base(b.challenge);
        b.commitment_b = mark == 0 ? w_k - c_g : w_k + c_g;  // m − j = −1 for m = 0, +1 for m = 1
        wipe(w_k);
        wipe(c_g);
    }
    return PrecomputedSelection(std::move(s));
}

Result<EncryptedSelection> encrypt_selection(PrecomputedSelection precomputed,
                                             const Hash32& base_hash, ByteSpan context,
                                             const Point& public_key, std::uint64_t mark) {
    if (auto ok = check_mark(mark); !ok) return ok.error();
    if (precomputed.empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "precomputed selection is empty (already used or moved from)");
    }
    const PrecomputedSelection::State& s = *precomputed.state_;
    if (!(s.public_key == public_key)) {
        return make_error(ErrorCode::invalid_argument,
                          "precomputed selection was made for another public key");
    }
    const std::size_t m = static_cast<std::size_t>(mark);
    const PrecomputedSelection::State::SimulatedBranch& simulated = s.simulated[m];
    Ciphertext ciphertext{s.alpha, s.beta[m]};

    // Exactly prove_range's transcript for limit 1 (docs/crypto.md §4.2): the shared statement,
    // then (a_0, b_0), (a_1, b_1) in branch order.
    // The commitments are kept in that order: the proof's commitment form (§4.6).
    Transcript t = detail::range_transcript(base_hash, context, ciphertext, public_key, 1);
    CommittedRangeProof proof;
    proof.commitments.reserve(4);
    for (std::size_t j = 0; j < 2; ++j) {
        proof.commitments.push_back(j == m ? s.real_a : simulated.commitment_a);
        proof.commitments.push_back(j == m ? s.real_b : simulated.commitment_b);
        t.append("a", proof.commitments[2 * j]);
        t.append("b", proof.commitments[2 * j + 1]);
    }

    RangeProof& compact = proof.compact;
    compact.challenges.resize(2);
    compact.responses.resize(2);
    compact.challenges[1 - m] = simulated.challenge;
    compact.responses[1 - m] = simulated.response;
    compact.challenges[m] = t.challenge("c") - simulated.challenge;
    compact.responses[m] = s.real_secret - compact.challenges[m] * s.nonce;
    return EncryptedSelection{ciphertext, std::move(proof), s.nonce};
    // `precomputed` is destroyed here: every secret it held is wiped.
}

Result<EncryptedSelection> encrypt_selection_full(const Hash32& base_hash, ByteSpan context,
                                                  const Point& public_key, std::uint64_t mark) {
    if (auto ok = check_mark(mark); !ok) return ok.error();
    Scalar nonce = Scalar::random();
    Ciphertext ciphertext = encrypt_message(mark, nonce, public_key);
    auto proof =
        prove_zero_or_one_committed(base_hash, context, ciphertext, public_key, mark, nonce);
    if (!proof) return proof.error();
    return EncryptedSelection{ciphertext, std::move(proof).value(), std::move(nonce)};
}

PrecomputationPool::PrecomputationPool(const Point& public_key, std::size_t target_size,
                                       std::size_t thread_count)
    : public_key_(public_key),
      pool_([this] { return PrecomputedSelection::compute(public_key_); }, target_size,
            thread_count) {}

Result<EncryptedSelection> encrypt_selection_with(PrecomputationPool* pool, const Hash32& base_hash,
                                                  ByteSpan context, const Point& public_key,
                                                  std::uint64_t mark) {
    if (auto ok = check_mark(mark); !ok) return ok.error();
    if (pool != nullptr) {
        if (!(pool->public_key() == public_key)) {
            return make_error(ErrorCode::invalid_argument,
                              "precomputation pool was made for another public key");
        }
        if (auto precomputed = pool->take()) {
            return encrypt_selection(std::move(*precomputed), base_hash, context, public_key, mark);
        }
    }
    return encrypt_selection_full(base_hash, context, public_key, mark);
}

}  // namespace psephos::crypto
