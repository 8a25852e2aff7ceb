// Zero-knowledge proofs: completeness, and soundness against every one-byte change of the proof,
// the statement (ciphertext, keys), the base hash and the context; swapped statements fail.
#include <QTest>

#include <functional>

#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/crypto/schnorr_proof.hpp"

using namespace psephos;
using namespace psephos::crypto;

namespace {
Hash32 base_hash_of(std::string_view text) {
    Hash32 h;
    for (std::size_t i = 0; i < text.size() && i < 32; ++i)
        h.bytes[i] = static_cast<std::uint8_t>(text[i]);
    return h;
}

const Bytes context = {'c', 'o', 'n', 't', 'e', 's', 't', '-', '1'};

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
}  // namespace

class TestProofs : public QObject {
    Q_OBJECT
private slots:
    // ---- Schnorr proof of knowledge ------------------------------------------------------
    void schnorr_proof_verifies() {
        const Keys k;
        const auto proof =
            prove_knowledge_of_secret(base_hash_of("base"), context, k.secret, k.public_key);
        QVERIFY(
            verify_knowledge_of_secret(base_hash_of("base"), context, k.public_key, proof).ok());
    }
    void rejects_schnorr_proof_with_any_flipped_byte() {
        const Keys k;
        const Hash32 base = base_hash_of("base");
        const auto proof = prove_knowledge_of_secret(base, context, k.secret, k.public_key);
        QCOMPARE(
            count_accepted_mutations(
                proof.to_bytes(),
                [&](const Bytes& b) {
                    auto p = SchnorrProof::from_bytes(b);
                    return p.ok() &&
                           verify_knowledge_of_secret(base, context, k.public_key, p.value()).ok();
                }),
            0);
        QCOMPARE(count_accepted_mutations(
                     Bytes(k.public_key.bytes().begin(), k.public_key.bytes().end()),
                     [&](const Bytes& b) {
                         auto key = Point::from_bytes(b);
                         return key.ok() &&
                                verify_knowledge_of_secret(base, context, key.value(), proof).ok();
                     }),
                 0);
        QCOMPARE(count_accepted_mutations(Bytes(base.bytes.begin(), base.bytes.end()),
                                          [&](const Bytes& b) {
                                              return verify_knowledge_of_secret(
                                                         Hash32::from_bytes(b).value(), context,
                                                         k.public_key, proof)
                                                  .ok();
                                          }),
                 0);
        QCOMPARE(count_accepted_mutations(
                     context,
                     [&](const Bytes& b) {
                         return verify_knowledge_of_secret(base, b, k.public_key, proof).ok();
                     }),
                 0);
    }
    void rejects_schnorr_proof_for_another_key() {
        const Keys k, other;
        const auto proof =
            prove_knowledge_of_secret(base_hash_of("base"), context, k.secret, k.public_key);
        const auto result =
            verify_knowledge_of_secret(base_hash_of("base"), context, other.public_key, proof);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::verification_failed);
    }

    // ---- 0/1 and range proofs ------------------------------------------------------------
    void range_proofs_verify_for_every_value_data() {
        QTest::addColumn<int>("limit");
        for (int limit : {1, 2, 3, 5, 10, 32})
            QTest::newRow(("L=" + std::to_string(limit)).c_str()) << limit;
    }
    void range_proofs_verify_for_every_value() {
        QFETCH(int, limit);
        const Keys k;
        const Hash32 base = base_hash_of("election");
        for (int m = 0; m <= limit; ++m) {
            const Scalar r = Scalar::random();
            const Ciphertext c = encrypt_message(static_cast<std::uint64_t>(m), r, k.public_key);
            auto proof = prove_range(base, context, c, k.public_key, static_cast<std::uint64_t>(m),
                                     r, static_cast<std::uint32_t>(limit));
            QVERIFY(proof.ok());
            QVERIFY(verify_range(base, context, c, k.public_key, static_cast<std::uint32_t>(limit),
                                 proof.value())
                        .ok());
            auto decoded =
                RangeProof::from_bytes(proof.value().to_bytes(), static_cast<std::uint32_t>(limit));
            QVERIFY(decoded.ok());
            QCOMPARE(decoded.value(), proof.value());
            // The same proof does not verify for another limit (the limit is in the statement).
            if (limit > 1) {
                QVERIFY(!verify_range(base, context, c, k.public_key,
                                      static_cast<std::uint32_t>(limit - 1), proof.value())
                             .ok());
            }
        }
    }
    void cannot_prove_a_value_above_the_limit() {
        const Keys k;
        const Scalar r = Scalar::random();
        const Ciphertext c = encrypt_message(2, r, k.public_key);
        auto proof = prove_zero_or_one(base_hash_of("e"), context, c, k.public_key, 2, r);
        QVERIFY(!proof.ok());
        QCOMPARE(proof.error().code, ErrorCode::invalid_argument);
        // A dishonest prover who claims 1 for an encryption of 2 produces a proof that fails.
        auto forged = prove_zero_or_one(base_hash_of("e"), context, c, k.public_key, 1, r);
        QVERIFY(forged.ok());
        QVERIFY(
            !verify_zero_or_one(base_hash_of("e"), context, c, k.public_key, forged.value()).ok());
    }
    void rejects_zero_or_one_proof_with_any_flipped_byte() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const Scalar r = Scalar::random();
        const Ciphertext c = encrypt_message(1, r, k.public_key);
        const RangeProof proof = prove_zero_or_one(base, context, c, k.public_key, 1, r).value();
        QVERIFY(verify_zero_or_one(base, context, c, k.public_key, proof).ok());
        // proof bytes: every challenge and response
        QCOMPARE(count_accepted_mutations(
                     proof.to_bytes(),
                     [&](const Bytes& b) {
                         auto p = RangeProof::from_bytes(b, 1);
                         return p.ok() &&
                                verify_zero_or_one(base, context, c, k.public_key, p.value()).ok();
                     }),
                 0);
        // the ciphertext (statement)
        QCOMPARE(
            count_accepted_mutations(
                c.to_bytes(),
                [&](const Bytes& b) {
                    auto ct = Ciphertext::from_bytes(b);
                    return ct.ok() &&
                           verify_zero_or_one(base, context, ct.value(), k.public_key, proof).ok();
                }),
            0);
        // the election key (statement)
        QCOMPARE(count_accepted_mutations(
                     Bytes(k.public_key.bytes().begin(), k.public_key.bytes().end()),
                     [&](const Bytes& b) {
                         auto key = Point::from_bytes(b);
                         return key.ok() &&
                                verify_zero_or_one(base, context, c, key.value(), proof).ok();
                     }),
                 0);
        // the election base hash and the context
        QCOMPARE(count_accepted_mutations(Bytes(base.bytes.begin(), base.bytes.end()),
                                          [&](const Bytes& b) {
                                              return verify_zero_or_one(
                                                         Hash32::from_bytes(b).value(), context, c,
                                                         k.public_key, proof)
                                                  .ok();
                                          }),
                 0);
        QCOMPARE(count_accepted_mutations(
                     context,
                     [&](const Bytes& b) {
                         return verify_zero_or_one(base, b, c, k.public_key, proof).ok();
                     }),
                 0);
    }
    void rejects_range_proof_with_any_flipped_byte() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const Scalar r = Scalar::random();
        const Ciphertext c = encrypt_message(2, r, k.public_key);
        const RangeProof proof = prove_range(base, context, c, k.public_key, 2, r, 3).value();
        QCOMPARE(count_accepted_mutations(
                     proof.to_bytes(),
                     [&](const Bytes& b) {
                         auto p = RangeProof::from_bytes(b, 3);
                         return p.ok() &&
                                verify_range(base, context, c, k.public_key, 3, p.value()).ok();
                     }),
                 0);
        QCOMPARE(
            count_accepted_mutations(
                c.to_bytes(),
                [&](const Bytes& b) {
                    auto ct = Ciphertext::from_bytes(b);
                    return ct.ok() &&
                           verify_range(base, context, ct.value(), k.public_key, 3, proof).ok();
                }),
            0);
    }
    void rejects_swapped_statements() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const Scalar r0 = Scalar::random(), r1 = Scalar::random();
        const Ciphertext c0 = encrypt_message(0, r0, k.public_key);
        const Ciphertext c1 = encrypt_message(1, r1, k.public_key);
        const RangeProof p0 = prove_zero_or_one(base, context, c0, k.public_key, 0, r0).value();
        const RangeProof p1 = prove_zero_or_one(base, context, c1, k.public_key, 1, r1).value();
        QVERIFY(!verify_zero_or_one(base, context, c1, k.public_key, p0).ok());
        QVERIFY(!verify_zero_or_one(base, context, c0, k.public_key, p1).ok());
        // α and β swapped
        QVERIFY(!verify_zero_or_one(base, context, Ciphertext{c1.beta, c1.alpha}, k.public_key, p1)
                     .ok());
        // another key
        QVERIFY(!verify_zero_or_one(base, context, c1, Keys().public_key, p1).ok());
    }
    void range_proof_decoder_rejects_bad_lengths_and_limits() {
        QVERIFY(!RangeProof::from_bytes(Bytes(128), 2).ok());
        QVERIFY(!RangeProof::from_bytes(Bytes(127), 1).ok());
        QVERIFY(RangeProof::from_bytes(Bytes(128), 1).ok());
        QVERIFY(!RangeProof::from_bytes(Bytes(0), 0).ok());
        QVERIFY(!RangeProof::from_bytes(Bytes(2 * 257 * 32), max_range_limit + 1).ok());
        Bytes non_canonical(128, 0);
        std::fill(non_canonical.begin() + 64, non_canonical.begin() + 96, 0xff);
        auto bad = RangeProof::from_bytes(non_canonical, 1);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.rfind("response 0", 0) == 0);
    }

    // ---- equal discrete logs (decryption shares) -----------------------------------------
    void equal_discrete_logs_proof_verifies_and_rejects_flips() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const Point alpha = Point::multiply_base(Scalar::random());
        const Point partial = k.secret * alpha;
        const auto proof =
            prove_equal_discrete_logs(base, context, k.secret, k.public_key, alpha, partial);
        QVERIFY(
            verify_equal_discrete_logs(base, context, k.public_key, alpha, partial, proof).ok());
        QCOMPARE(count_accepted_mutations(proof.to_bytes(),
                                          [&](const Bytes& b) {
                                              auto p = EqualDiscreteLogsProof::from_bytes(b);
                                              return p.ok() && verify_equal_discrete_logs(
                                                                   base, context, k.public_key,
                                                                   alpha, partial, p.value())
                                                                   .ok();
                                          }),
                 0);
        QCOMPARE(count_accepted_mutations(Bytes(partial.bytes().begin(), partial.bytes().end()),
                                          [&](const Bytes& b) {
                                              auto m = Point::from_bytes(b);
                                              return m.ok() && verify_equal_discrete_logs(
                                                                   base, context, k.public_key,
                                                                   alpha, m.value(), proof)
                                                                   .ok();
                                          }),
                 0);
        QCOMPARE(count_accepted_mutations(Bytes(alpha.bytes().begin(), alpha.bytes().end()),
                                          [&](const Bytes& b) {
                                              auto a = Point::from_bytes(b);
                                              return a.ok() && verify_equal_discrete_logs(
                                                                   base, context, k.public_key,
                                                                   a.value(), partial, proof)
                                                                   .ok();
                                          }),
                 0);
        QVERIFY(!verify_equal_discrete_logs(base_hash_of("other"), context, k.public_key, alpha,
                                            partial, proof)
                     .ok());
    }
    void rejects_wrong_partial_decryption() {
        const Keys k;
        const Hash32 base = base_hash_of("election");
        const Point alpha = Point::multiply_base(Scalar::random());
        const Point wrong = Scalar::random() * alpha;
        // A cheating guardian proves with its real secret but publishes a wrong partial.
        const auto proof =
            prove_equal_discrete_logs(base, context, k.secret, k.public_key, alpha, wrong);
        QVERIFY(!verify_equal_discrete_logs(base, context, k.public_key, alpha, wrong, proof).ok());
    }
};

QTEST_APPLESS_MAIN(TestProofs)
#include "tst_proofs.moc"
