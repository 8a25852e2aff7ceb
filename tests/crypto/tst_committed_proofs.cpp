// The range (0/1) proof in commitment form and its batch verification (committed_range_proof.hpp,
// public_committed_proofs.hpp, docs/crypto.md §4.6), and the multi-scalar multiplications the
// batch uses (Straus, Pippenger) against the plain sum of libsodium's products.
#include <QTest>

#include <random>

#include "psephos/crypto/committed_range_proof.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"
#include "psephos/crypto/public_proofs.hpp"
#include "psephos/crypto/transcript.hpp"

using namespace psephos;
using namespace psephos::crypto;

namespace {
Hash32 base_hash_of(std::string_view text) {
    Hash32 h;
    for (std::size_t i = 0; i < text.size() && i < 32; ++i)
        h.bytes[i] = static_cast<std::uint8_t>(text[i]);
    return h;
}

Bytes context_of(std::size_t i) {
    const std::string text = "ballot-" + std::to_string(i) + "/contest/option";
    return Bytes(text.begin(), text.end());
}

Bytes bytes_of(const PublicPoint& p) {
    const auto e = p.encode();
    return Bytes(e.begin(), e.end());
}

// A batch of honest proofs under one key: proof i encrypts i % (limit + 1) in context i.
struct Batch {
    Hash32 base = base_hash_of("election");
    Scalar secret = Scalar::random();
    Point key = Point::multiply_base(secret);
    DecodedPoint public_key{key};
    std::uint32_t limit;
    std::vector<Bytes> contexts;
    std::vector<Ciphertext> ciphertexts;
    std::vector<DecodedCiphertext> decoded_ciphertexts;
    std::vector<Bytes> proof_bytes;
    std::vector<DecodedCommittedRangeProof> proofs;

    Batch(std::size_t size, std::uint32_t limit_) : limit(limit_) {
        for (std::size_t i = 0; i < size; ++i) {
            const Scalar nonce = Scalar::random();
            const std::uint64_t m = i % (limit + 1);
            contexts.push_back(context_of(i));
            ciphertexts.push_back(encrypt_message(m, nonce, key));
            decoded_ciphertexts.emplace_back(ciphertexts.back());
            proof_bytes.push_back(prove_range_committed(base, contexts.back(), ciphertexts.back(),
                                                        key, m, nonce, limit)
                                      .value()
                                      .to_bytes());
            proofs.push_back(
                DecodedCommittedRangeProof::from_bytes(proof_bytes.back(), limit).value());
        }
    }
    std::vector<CommittedRangeStatement> statements() const {
        std::vector<CommittedRangeStatement> out;
        for (std::size_t i = 0; i < proofs.size(); ++i)
            out.push_back({contexts[i], &decoded_ciphertexts[i], limit, &proofs[i]});
        return out;
    }
    Status verify_one(std::size_t i) const {
        return verify_range_committed(base, contexts[i], decoded_ciphertexts[i], public_key, limit,
                                      proofs[i]);
    }
};

constexpr std::array<MultiScalarMethod, 3> methods = {
    MultiScalarMethod::by_size, MultiScalarMethod::straus, MultiScalarMethod::pippenger};

Point random_point() { return Point::multiply_base(Scalar::random()); }
}  // namespace

class TestCommittedProofs : public QObject {
    Q_OBJECT

private slots:
    void round_trip_accepts_honest_proofs() {
        for (std::uint32_t limit : {1u, 3u}) {
            Batch b(2 * (limit + 1), limit);
            for (std::size_t i = 0; i < b.proofs.size(); ++i) {
                auto ok = b.verify_one(i);
                QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
                QCOMPARE(b.proof_bytes[i].size(), CommittedRangeProof::size_for(limit));
                QCOMPARE(b.proofs[i].to_bytes(), b.proof_bytes[i]);
                // The challenges and responses are a compact proof of the same statement
                // (§4.6: the transcript is §4.2's), which today's verifiers accept.
                QVERIFY(verify_range(b.base, b.contexts[i], b.ciphertexts[i], b.key, limit,
                                     b.proofs[i].compact)
                            .ok());
                QVERIFY(verify_range_public(b.base, b.contexts[i], b.decoded_ciphertexts[i],
                                            b.public_key, limit, b.proofs[i].compact)
                            .ok());
            }
            for (auto method : methods) {
                const auto statements = b.statements();
                const BatchVerification v =
                    verify_range_committed_batch(b.base, b.public_key, statements, method);
                QVERIFY(v.ok());
                QVERIFY(!v.combined_check_failed);
            }
        }
        QCOMPARE(CommittedRangeProof::size_for(1), std::size_t{256});
    }

    void false_statement_cannot_be_proved() {
        Batch b(1, 1);
        const Scalar nonce = Scalar::random();
        const Ciphertext two = encrypt_message(2, nonce, b.key);
        QVERIFY(!prove_zero_or_one_committed(b.base, b.contexts[0], two, b.key, 2, nonce).ok());
    }

    // Every byte of a proof changed (two bits each): refused alone, and inside a batch of 8
    // honest proofs the batch names exactly that index (by every method).
    void every_changed_byte_is_refused_and_named() {
        Batch b(8, 1);
        const std::size_t target = 5;
        const Bytes original = b.proof_bytes[target];
        int refused_at_decoding = 0;
        int refused_by_transcript = 0;
        int refused_by_equations = 0;
        for (std::size_t i = 0; i < original.size(); ++i) {
            for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x40}}) {
                Bytes mutated = original;
                mutated[i] ^= bit;
                auto decoded = DecodedCommittedRangeProof::from_bytes(mutated, 1);
                if (!decoded) {
                    ++refused_at_decoding;
                    continue;
                }
                const DecodedCommittedRangeProof honest = b.proofs[target];
                b.proofs[target] = decoded.value();
                const Status alone = b.verify_one(target);
                QVERIFY2(!alone.ok(), ("byte " + std::to_string(i) + " accepted").c_str());
                const auto statements = b.statements();
                for (auto method : methods) {
                    const BatchVerification v =
                        verify_range_committed_batch(b.base, b.public_key, statements, method);
                    QCOMPARE(v.refused, std::vector<std::size_t>{target});
                    QCOMPARE(v.errors.size(), std::size_t{1});
                    QVERIFY(v.errors[0].message.starts_with("proof 5: "));
                    if (method == MultiScalarMethod::by_size)
                        (v.combined_check_failed ? refused_by_equations : refused_by_transcript) +=
                            1;
                }
                b.proofs[target] = honest;
            }
        }
        // Commitments and challenges are hashed, the responses only checked by the equations:
        // both refusal paths (and the batch's fallback) ran.
        QVERIFY(refused_by_transcript > 0);
        QVERIFY(refused_by_equations > 0);
        QVERIFY(refused_at_decoding > 0);
    }

    void proof_for_another_context_or_ciphertext_is_refused() {
        Batch b(4, 1);
        auto statements = b.statements();
        const Bytes other = context_of(99);
        statements[2].context = other;
        QVERIFY(!verify_range_committed(b.base, other, b.decoded_ciphertexts[2], b.public_key, 1,
                                        b.proofs[2])
                     .ok());
        for (auto method : methods) {
            const auto v = verify_range_committed_batch(b.base, b.public_key, statements, method);
            QCOMPARE(v.refused, std::vector<std::size_t>{2});
        }
        // Proof 1 presented for proof 3's ciphertext; another election's base hash.
        statements = b.statements();
        statements[3].proof = &b.proofs[1];
        QCOMPARE(verify_range_committed_batch(b.base, b.public_key, statements).refused,
                 std::vector<std::size_t>{3});
        QCOMPARE(verify_range_committed_batch(base_hash_of("other"), b.public_key, b.statements())
                     .refused.size(),
                 std::size_t{4});
    }

    // A proof whose transcript is consistent but whose equations are false (commitments chosen
    // freely, c_1 set so that Σ c_j is the challenge of §4.2's transcript over them, built here
    // from the document): only the group equations can catch it, singly and in the batch.
    void forged_commitments_fail_the_equations() {
        Batch b(6, 1);
        DecodedCommittedRangeProof& forged = b.proofs[4];
        for (auto& c : forged.commitments) c = DecodedPoint(random_point());
        Transcript t("psephos/v1/range");
        t.append("base_hash", b.base);
        t.append("context", b.contexts[4]);
        t.append("public_key", b.key);
        t.append("alpha", b.ciphertexts[4].alpha);
        t.append("beta", b.ciphertexts[4].beta);
        t.append_u64("limit", 1);
        for (std::size_t k = 0; k < forged.commitments.size(); ++k)
            t.append(k % 2 == 0 ? "a" : "b", forged.commitments[k].encoding);
        forged.compact.challenges[1] = t.challenge("c") - forged.compact.challenges[0];
        const Status alone = verify_range_committed(b.base, b.contexts[4], b.decoded_ciphertexts[4],
                                                    b.public_key, 1, forged);
        QVERIFY(!alone.ok());
        QVERIFY2(alone.error().message.find("commitment a is not") != std::string::npos,
                 alone.error().message.c_str());
        for (auto method : methods) {
            const auto v =
                verify_range_committed_batch(b.base, b.public_key, b.statements(), method);
            QCOMPARE(v.refused, std::vector<std::size_t>{4});
            QVERIFY(v.combined_check_failed);
        }
    }

    void several_bad_proofs_are_all_named() {
        Batch b(20, 1);
        // Responses changed (transcript still consistent) in 3 and 17, a challenge in 11.
        b.proofs[3].compact.responses[0] =
            b.proofs[3].compact.responses[0] + Scalar::from_uint64(1);
        b.proofs[17].compact.responses[1] = Scalar::random();
        b.proofs[11].compact.challenges[0] = Scalar::random();
        for (auto method : methods) {
            const auto v =
                verify_range_committed_batch(b.base, b.public_key, b.statements(), method);
            QCOMPARE(v.refused, (std::vector<std::size_t>{3, 11, 17}));
            QVERIFY(v.combined_check_failed);
        }
    }

    void batch_of_one_and_empty_batch() {
        Batch b(1, 1);
        for (auto method : methods) {
            QVERIFY(
                verify_range_committed_batch(b.base, b.public_key, b.statements(), method).ok());
            const std::vector<CommittedRangeStatement> none;
            const auto v = verify_range_committed_batch(b.base, b.public_key, none, method);
            QVERIFY(v.ok());
            QVERIFY(!v.combined_check_failed);
        }
        b.proofs[0].compact.responses[1] = b.proofs[0].compact.responses[0];
        for (auto method : methods) {
            QCOMPARE(
                verify_range_committed_batch(b.base, b.public_key, b.statements(), method).refused,
                std::vector<std::size_t>{0});
        }
    }

    void mixed_limits_in_one_batch() {
        Batch ones(5, 1);
        // Re-prove the limit-3 statements under the first batch's key.
        std::vector<Bytes> contexts;
        std::vector<DecodedCiphertext> ciphertexts;
        std::vector<DecodedCommittedRangeProof> proofs;
        contexts.reserve(4);
        ciphertexts.reserve(4);
        proofs.reserve(4);
        for (std::uint64_t m = 0; m < 4; ++m) {
            const Scalar nonce = Scalar::random();
            const Ciphertext c = encrypt_message(m, nonce, ones.key);
            contexts.push_back(context_of(100 + m));
            ciphertexts.emplace_back(c);
            proofs.push_back(
                DecodedCommittedRangeProof::from_bytes(
                    prove_range_committed(ones.base, contexts.back(), c, ones.key, m, nonce, 3)
                        .value()
                        .to_bytes(),
                    3)
                    .value());
        }
        auto statements = ones.statements();
        for (std::size_t i = 0; i < 4; ++i)
            statements.push_back({contexts[i], &ciphertexts[i], 3, &proofs[i]});
        for (auto method : methods)
            QVERIFY(
                verify_range_committed_batch(ones.base, ones.public_key, statements, method).ok());
        proofs[2].compact.responses[3] = Scalar::random();
        for (auto method : methods) {
            QCOMPARE(verify_range_committed_batch(ones.base, ones.public_key, statements, method)
                         .refused,
                     std::vector<std::size_t>{7});
        }
    }

    // Straus and Pippenger against Σ sᵢ·Pᵢ through libsodium's own multiplications and additions,
    // on random inputs with zero scalars, small and 128-bit scalars, L − 1, identity points and
    // repeated points; n from 0 to past the crossover.
    void multi_scalar_methods_match_the_plain_sum_data() {
        QTest::addColumn<int>("terms");
        for (int n : {0, 1, 2, 3, 7, 16, 33, 100, 191, 192, 300, 700})
            QTest::newRow(("n = " + std::to_string(n)).c_str()) << n;
    }
    void multi_scalar_methods_match_the_plain_sum() {
        QFETCH(int, terms);
        std::mt19937_64 rng(static_cast<std::uint64_t>(terms) * 7919 + 1);
        const Scalar minus_one = Scalar::from_uint64(1).negate();
        std::vector<Scalar> scalars;
        std::vector<PublicPoint> points;
        Point plain;
        const Point repeated = random_point();
        for (int i = 0; i < terms; ++i) {
            Scalar s;
            switch (rng() % 6) {
                case 0:
                    break;  // zero
                case 1:
                    s = Scalar::from_uint64(rng() % 40);
                    break;
                case 2: {
                    std::array<std::uint8_t, 32> b{};
                    for (int k = 0; k < 16; ++k) b[static_cast<std::size_t>(k)] = rng() & 0xff;
                    s = Scalar::from_bytes(b).value();
                    break;
                }
                case 3:
                    s = minus_one;
                    break;
                default:
                    s = Scalar::random();
            }
            Point p;
            switch (rng() % 5) {
                case 0:
                    break;  // identity
                case 1:
                    p = repeated;
                    break;
                default:
                    p = random_point();
            }
            plain = plain + s * p;
            scalars.push_back(s);
            points.emplace_back(p);
        }
        const Bytes expected(plain.bytes().begin(), plain.bytes().end());
        QCOMPARE(bytes_of(PublicPoint::multiply_sum_vartime(scalars, points)), expected);
        QCOMPARE(bytes_of(PublicPoint::multiply_sum_pippenger_vartime(scalars, points)), expected);
        QCOMPARE(bytes_of(PublicPoint::multiply_sum_batch_vartime(scalars, points)), expected);
        if (terms > 0) {
            // Every term counts: one scalar changed changes the sum (unless its point is the
            // identity, in which case nothing may change).
            const std::size_t at = static_cast<std::size_t>(terms) / 2;
            scalars[at] = scalars[at] + Scalar::from_uint64(1);
            const bool identity = points[at].is_identity();
            QCOMPARE(
                bytes_of(PublicPoint::multiply_sum_pippenger_vartime(scalars, points)) == expected,
                identity);
        }
    }

    void pippenger_handles_every_term_alike() {
        // All scalars L − 1 (the largest digits and carries) on the same point; and all zero.
        const Point p = random_point();
        std::vector<Scalar> scalars(300, Scalar::from_uint64(1).negate());
        std::vector<PublicPoint> points(300, PublicPoint(p));
        const Point expected = Scalar::from_uint64(300).negate() * p;
        QCOMPARE(bytes_of(PublicPoint::multiply_sum_pippenger_vartime(scalars, points)),
                 Bytes(expected.bytes().begin(), expected.bytes().end()));
        std::vector<Scalar> zeros(300);
        QVERIFY(PublicPoint::multiply_sum_pippenger_vartime(zeros, points).is_identity());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 PublicPoint::multiply_sum_pippenger_vartime(
                                     std::span<const Scalar>(zeros).first(2), points));
    }
};

QTEST_APPLESS_MAIN(TestCommittedProofs)
#include "tst_committed_proofs.moc"
