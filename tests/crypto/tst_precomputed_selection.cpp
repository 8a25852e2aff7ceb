// Kiosk precomputation (docs/crypto.md §4.4): the online path's ciphertexts open to the mark and
// its proofs verify with the unchanged verifier and reject every one-byte change; the online call
// performs no group operation; a precomputation is used once and only with its own key; the pool
// hands out distinct precomputations, refills in the background, joins promptly and falls back
// to the full path when empty.
#include <QElapsedTimer>
#include <QTest>

#include <functional>
#include <set>
#include <thread>

#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/crypto/precomputed_selection.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"

using namespace psephos;
using namespace psephos::crypto;

namespace {
Hash32 base_hash_of(std::string_view text) {
    Hash32 h;
    for (std::size_t i = 0; i < text.size() && i < 32; ++i) {
        h.bytes[i] = static_cast<std::uint8_t>(text[i]);
    }
    return h;
}

const Bytes context = {'b', 'a', 'l', 'l', 'o', 't', '-', '7', '/', 'o', 'p', 't', '-', '2'};

// For every byte of `encoded`, flips one bit and expects `accepts` to say no. `accepts` decodes
// the bytes (a decoding failure also counts as a rejection) and verifies.
int count_accepted_mutations(const Bytes& encoded,
                             const std::function<bool(const Bytes&)>& accepts) {
    int accepted = 0;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
            Bytes mutated = encoded;
            mutated[i] ^= bit;
            if (accepts(mutated)) ++accepted;
        }
    }
    return accepted;
}

struct Keys {
    Scalar secret = Scalar::random();
    Point public_key = Point::multiply_base(secret);
};

Point mark_point(std::uint64_t mark) { return mark == 0 ? Point::identity() : Point::generator(); }

std::array<std::uint8_t, 32> nonce_bytes(const EncryptedSelection& e) { return e.nonce.bytes(); }

// Checks what every encrypted selection must satisfy, whichever path made it.
void check_opens_to_mark_and_verifies(const EncryptedSelection& e, const Keys& k,
                                      const Hash32& base, std::uint64_t mark) {
    QCOMPARE(decrypt_with_nonce(e.ciphertext, e.nonce, k.public_key), mark_point(mark));
    QCOMPARE(decrypt_to_group(e.ciphertext, k.secret), mark_point(mark));
    QCOMPARE(e.ciphertext.alpha, Point::multiply_base(e.nonce));
    QVERIFY(verify_zero_or_one(base, context, e.ciphertext, k.public_key, e.proof.compact).ok());
    // The commitment form (§4.6): the commitments it hashed, checked by the public verifier.
    QCOMPARE(e.proof.commitments.size(), std::size_t{4});
    auto committed = DecodedCommittedRangeProof::from_bytes(e.proof.to_bytes(), 1);
    QVERIFY(committed.ok());
    QVERIFY(verify_range_committed(base, context, DecodedCiphertext(e.ciphertext),
                                   DecodedPoint(k.public_key), 1, committed.value())
                .ok());
}

void add_mark_rows() {
    QTest::addColumn<int>("mark");
    QTest::newRow("m=0") << 0;
    QTest::newRow("m=1") << 1;
}
}  // namespace

class TestPrecomputedSelection : public QObject {
    Q_OBJECT
private slots:
    // ---- the online path ---------------------------------------------------------------
    void precomputed_selection_opens_to_mark_and_proof_verifies_data() { add_mark_rows(); }
    void precomputed_selection_opens_to_mark_and_proof_verifies() {
        QFETCH(int, mark);
        const auto m = static_cast<std::uint64_t>(mark);
        const Keys k;
        const Hash32 base = base_hash_of("election");
        auto e = encrypt_selection(PrecomputedSelection::compute(k.public_key), base, context,
                                   k.public_key, m);
        QVERIFY(e.ok());
        check_opens_to_mark_and_verifies(e.value(), k, base, m);
        // The proof bytes decode to the same proof (the encoding of prove_zero_or_one's proofs).
        auto decoded = RangeProof::from_bytes(e.value().proof.compact.to_bytes(), 1);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value(), e.value().proof.compact);
        // It proves this mark only: it does not verify as a proof for the other mark's ciphertext.
        const Ciphertext other{e.value().ciphertext.alpha,
                               m == 0 ? e.value().ciphertext.beta + Point::generator()
                                      : e.value().ciphertext.beta - Point::generator()};
        QVERIFY(
            !verify_zero_or_one(base, context, other, k.public_key, e.value().proof.compact).ok());
    }

    void rejects_precomputed_proof_with_any_flipped_byte_data() { add_mark_rows(); }
    void rejects_precomputed_proof_with_any_flipped_byte() {
        QFETCH(int, mark);
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const EncryptedSelection e =
            encrypt_selection(PrecomputedSelection::compute(k.public_key), base, context,
                              k.public_key, static_cast<std::uint64_t>(mark))
                .value();
        QVERIFY(
            verify_zero_or_one(base, context, e.ciphertext, k.public_key, e.proof.compact).ok());
        QCOMPARE(count_accepted_mutations(e.proof.compact.to_bytes(),
                                          [&](const Bytes& b) {
                                              auto p = RangeProof::from_bytes(b, 1);
                                              return p.ok() &&
                                                     verify_zero_or_one(base, context, e.ciphertext,
                                                                        k.public_key, p.value())
                                                         .ok();
                                          }),
                 0);
        // Every byte of the commitment form too: a commitment changed no longer hashes to the
        // challenges (or is no point), a challenge or response changed breaks an equation.
        QCOMPARE(count_accepted_mutations(
                     e.proof.to_bytes(),
                     [&](const Bytes& b) {
                         auto p = DecodedCommittedRangeProof::from_bytes(b, 1);
                         return p.ok() && verify_range_committed(
                                              base, context, DecodedCiphertext(e.ciphertext),
                                              DecodedPoint(k.public_key), 1, p.value())
                                              .ok();
                     }),
                 0);
        QCOMPARE(count_accepted_mutations(e.ciphertext.to_bytes(),
                                          [&](const Bytes& b) {
                                              auto c = Ciphertext::from_bytes(b);
                                              return c.ok() && verify_zero_or_one(
                                                                   base, context, c.value(),
                                                                   k.public_key, e.proof.compact)
                                                                   .ok();
                                          }),
                 0);
        QCOMPARE(count_accepted_mutations(
                     Bytes(base.bytes.begin(), base.bytes.end()),
                     [&](const Bytes& b) {
                         return verify_zero_or_one(Hash32::from_bytes(b).value(), context,
                                                   e.ciphertext, k.public_key, e.proof.compact)
                             .ok();
                     }),
                 0);
        QCOMPARE(count_accepted_mutations(context,
                                          [&](const Bytes& b) {
                                              return verify_zero_or_one(base, b, e.ciphertext,
                                                                        k.public_key,
                                                                        e.proof.compact)
                                                  .ok();
                                          }),
                 0);
    }

    void online_encryption_performs_no_group_operation_data() { add_mark_rows(); }
    void online_encryption_performs_no_group_operation() {
        QFETCH(int, mark);
        const Keys k;
        PrecomputedSelection pre = PrecomputedSelection::compute(k.public_key);
        const GroupOpCounts before = current_thread_group_op_counts();
        auto e = encrypt_selection(std::move(pre), base_hash_of("election"), context, k.public_key,
                                   static_cast<std::uint64_t>(mark));
        const GroupOpCounts online = current_thread_group_op_counts() - before;
        QVERIFY(e.ok());
        QCOMPARE(online.scalarmult, std::uint64_t{0});
        QCOMPARE(online.scalarmult_base, std::uint64_t{0});
        QCOMPARE(online.point_add + online.point_sub + online.point_decode, std::uint64_t{0});
    }

    void precomputation_costs_what_the_header_says() {
        const Keys k;
        (void)Point::generator();  // its one-time initialisation is not the precomputation's
        const GroupOpCounts before = current_thread_group_op_counts();
        const PrecomputedSelection pre = PrecomputedSelection::compute(k.public_key);
        const GroupOpCounts cost = current_thread_group_op_counts() - before;
        QCOMPARE(cost.group_only(), (GroupOpCounts{4, 6, 2, 1, 0}));
    }

    void refuses_mark_above_one_without_naming_it() {
        const Keys k;
        for (std::uint64_t mark : {std::uint64_t{2}, std::uint64_t{77}}) {
            auto e = encrypt_selection(PrecomputedSelection::compute(k.public_key),
                                       base_hash_of("election"), context, k.public_key, mark);
            QVERIFY(!e.ok());
            QCOMPARE(e.error().code, ErrorCode::invalid_argument);
            QVERIFY(e.error().message.find(std::to_string(mark)) == std::string::npos);
            auto full =
                encrypt_selection_full(base_hash_of("election"), context, k.public_key, mark);
            QVERIFY(!full.ok());
            QCOMPARE(full.error().code, ErrorCode::invalid_argument);
        }
    }

    void refuses_precomputation_made_for_another_key() {
        const Keys k, other;
        auto e = encrypt_selection(PrecomputedSelection::compute(k.public_key),
                                   base_hash_of("election"), context, other.public_key, 1);
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, ErrorCode::invalid_argument);
        QVERIFY(e.error().message.find("another public key") != std::string::npos);
    }

    void precomputation_is_consumed_by_its_use() {
        const Keys k;
        PrecomputedSelection pre = PrecomputedSelection::compute(k.public_key);
        QVERIFY(!pre.empty());
        QCOMPARE(pre.public_key(), k.public_key);
        QVERIFY(
            encrypt_selection(std::move(pre), base_hash_of("e"), context, k.public_key, 0).ok());
        QVERIFY(pre.empty());  // NOLINT(bugprone-use-after-move): that is what is tested
        auto again = encrypt_selection(std::move(pre), base_hash_of("e"), context, k.public_key, 0);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::invalid_argument);
        // A refused call consumes it too, so no path leaves a precomputation for a second use.
        PrecomputedSelection refused = PrecomputedSelection::compute(k.public_key);
        QVERIFY(!encrypt_selection(std::move(refused), base_hash_of("e"), context, k.public_key, 2)
                     .ok());
        QVERIFY(refused.empty());  // NOLINT(bugprone-use-after-move)
    }

    void full_path_opens_to_mark_and_proof_verifies_data() { add_mark_rows(); }
    void full_path_opens_to_mark_and_proof_verifies() {
        QFETCH(int, mark);
        const Keys k;
        const Hash32 base = base_hash_of("election");
        auto e =
            encrypt_selection_full(base, context, k.public_key, static_cast<std::uint64_t>(mark));
        QVERIFY(e.ok());
        check_opens_to_mark_and_verifies(e.value(), k, base, static_cast<std::uint64_t>(mark));
    }

    // The contest's range proof is not precomputed; it runs on the sum with the summed nonce.
    void selection_nonces_sum_to_the_contest_nonce() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        auto a = encrypt_selection(PrecomputedSelection::compute(k.public_key), base, context,
                                   k.public_key, 1);
        auto b = encrypt_selection(PrecomputedSelection::compute(k.public_key), base, context,
                                   k.public_key, 0);
        QVERIFY(a.ok() && b.ok());
        const Ciphertext sum = add_ciphertexts(a.value().ciphertext, b.value().ciphertext);
        const Scalar nonce = a.value().nonce + b.value().nonce;
        auto proof = prove_range(base, context, sum, k.public_key, 1, nonce, 2);
        QVERIFY(proof.ok());
        QVERIFY(verify_range(base, context, sum, k.public_key, 2, proof.value()).ok());
    }

    // ---- the pool ------------------------------------------------------------------------
    void pool_hands_out_distinct_precomputations() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        PrecomputationPool pool(k.public_key, 50, 2);
        pool.wait_until_available(50);
        QCOMPARE(pool.available(), std::size_t{50});
        std::set<std::array<std::uint8_t, 32>> nonces;
        for (int i = 0; i < 50; ++i) {
            auto pre = pool.take();
            QVERIFY(pre.has_value());
            auto e = encrypt_selection(std::move(*pre), base, context, k.public_key,
                                       static_cast<std::uint64_t>(i % 2));
            QVERIFY(e.ok());
            QVERIFY(verify_zero_or_one(base, context, e.value().ciphertext, k.public_key,
                                       e.value().proof.compact)
                        .ok());
            nonces.insert(nonce_bytes(e.value()));
        }
        QCOMPARE(nonces.size(), std::size_t{50});
    }

    void pool_refills_in_the_background_up_to_its_target() {
        const Keys k;
        PrecomputationPool pool(k.public_key, 8);
        pool.wait_until_available(8);
        QCOMPARE(pool.available(), std::size_t{8});
        for (int i = 0; i < 8; ++i) QVERIFY(pool.take().has_value());
        pool.wait_until_available(8);
        QVERIFY(pool.available() <= pool.target_size());
        QCOMPARE(pool.available(), std::size_t{8});
    }

    void pool_shares_safely_between_threads() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        PrecomputationPool pool(k.public_key, 16, 2);
        pool.wait_until_available(4);
        std::mutex mutex;
        std::vector<std::array<std::uint8_t, 32>> nonces;
        int failures = 0;
        {
            std::vector<std::jthread> voters;
            for (int t = 0; t < 3; ++t) {
                voters.emplace_back([&, t] {
                    for (int i = 0; i < 20; ++i) {
                        const auto mark = static_cast<std::uint64_t>((t + i) % 2);
                        auto e = encrypt_selection_with(&pool, base, context, k.public_key, mark);
                        const bool ok =
                            e.ok() && verify_zero_or_one(base, context, e.value().ciphertext,
                                                         k.public_key, e.value().proof.compact)
                                          .ok();
                        std::lock_guard lock(mutex);
                        if (!ok) ++failures;
                        if (e.ok()) nonces.push_back(nonce_bytes(e.value()));
                    }
                });
            }
        }
        QCOMPARE(failures, 0);
        QCOMPARE(nonces.size(), std::size_t{60});
        QCOMPARE(std::set(nonces.begin(), nonces.end()).size(), std::size_t{60});
    }

    // The destructor waits for at most the computation each worker is in, not for the target.
    // Filling this target would take minutes; the bound only has to separate the two.
    void pool_destructor_joins_promptly_with_workers_busy() {
        const Keys k;
        QElapsedTimer timer;
        std::size_t made = 0;
        {
            PrecomputationPool pool(k.public_key, 1'000'000, 2);
            pool.wait_until_available(3);  // both workers are now running
            timer.start();
            made = pool.available();
        }
        QVERIFY2(timer.elapsed() < 5000, "destructor did not stop the workers promptly");
        QVERIFY(made < 1'000'000);
    }

    void falls_back_to_full_path_when_pool_is_empty() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        PrecomputationPool empty_pool(k.public_key, 0);
        for (PrecomputationPool* pool : {&empty_pool, static_cast<PrecomputationPool*>(nullptr)}) {
            for (std::uint64_t mark : {std::uint64_t{0}, std::uint64_t{1}}) {
                const GroupOpCounts before = current_thread_group_op_counts();
                auto e = encrypt_selection_with(pool, base, context, k.public_key, mark);
                const GroupOpCounts cost = current_thread_group_op_counts() - before;
                QVERIFY(e.ok());
                QVERIFY(cost.scalarmult > 0);  // computed here: the full path
                check_opens_to_mark_and_verifies(e.value(), k, base, mark);
            }
        }
        QCOMPARE(empty_pool.available(), std::size_t{0});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, empty_pool.wait_until_available(1));
    }

    void falls_back_to_full_path_when_pool_is_drained() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        PrecomputationPool pool(k.public_key, 2, 0);  // no workers: drained stays drained
        QCOMPARE(pool.available(), std::size_t{0});
        QVERIFY(!pool.take().has_value());
        auto e = encrypt_selection_with(&pool, base, context, k.public_key, 1);
        QVERIFY(e.ok());
        check_opens_to_mark_and_verifies(e.value(), k, base, 1);
    }

    void uses_the_pool_when_a_precomputation_is_ready() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        PrecomputationPool pool(k.public_key, 1);
        pool.wait_until_available(1);
        const GroupOpCounts before = current_thread_group_op_counts();
        auto e = encrypt_selection_with(&pool, base, context, k.public_key, 1);
        const GroupOpCounts cost = current_thread_group_op_counts() - before;
        QVERIFY(e.ok());
        QCOMPARE(cost.scalarmult + cost.scalarmult_base, std::uint64_t{0});
        check_opens_to_mark_and_verifies(e.value(), k, base, 1);
    }

    void refuses_pool_made_for_another_key_without_consuming() {
        const Keys k, other;
        PrecomputationPool pool(k.public_key, 2);
        pool.wait_until_available(2);
        auto e =
            encrypt_selection_with(&pool, base_hash_of("election"), context, other.public_key, 0);
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, ErrorCode::invalid_argument);
        QCOMPARE(pool.available(), std::size_t{2});
        // The same holds for a precomputation taken from it by hand.
        auto taken = pool.take();
        QVERIFY(taken.has_value());
        QVERIFY(!encrypt_selection(std::move(*taken), base_hash_of("election"), context,
                                   other.public_key, 0)
                     .ok());
    }

    void wait_refuses_a_count_above_the_target() {
        const Keys k;
        PrecomputationPool pool(k.public_key, 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pool.wait_until_available(3));
        pool.wait_until_available(0);  // always satisfied
    }
};

QTEST_APPLESS_MAIN(TestPrecomputedSelection)
#include "tst_precomputed_selection.moc"
