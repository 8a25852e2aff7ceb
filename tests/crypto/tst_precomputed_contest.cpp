// Precomputed contests: for every pattern of marks within the limit, the online path's selections
// and count proof verify with the ordinary verifiers, and it performs no group operation;
// overvotes, bad marks, another key and reuse are refused; a changed count proof fails.
#include <QTest>

#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/crypto/precomputed_contest.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"

using namespace psephos;
using namespace psephos::crypto;

namespace {
const Hash32 base = [] {
    Hash32 h;
    h.bytes.fill(0x5e);
    return h;
}();

std::vector<Bytes> contexts(std::size_t n) {
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(Bytes{'o', static_cast<std::uint8_t>('0' + i)});
    return out;
}
const Bytes count_context{'c', 'o', 'u', 'n', 't'};

std::uint64_t group_ops() {
    const auto c = current_thread_group_op_counts();
    return c.scalarmult + c.scalarmult_base + c.point_add + c.point_sub + c.point_decode;
}

Status verify_contest(const EncryptedContestSelections& e, const Point& key, std::uint32_t limit) {
    const auto ctx = contexts(e.selections.size());
    Ciphertext sum = zero_ciphertext();
    for (std::size_t i = 0; i < e.selections.size(); ++i) {
        if (auto ok = verify_zero_or_one(base, ctx[i], e.selections[i].ciphertext, key,
                                         e.selections[i].proof.compact);
            !ok)
            return ok;
        sum = add_ciphertexts(sum, e.selections[i].ciphertext);
    }
    PSEPHOS_TRY(verify_range(base, count_context, sum, key, limit, e.count_proof.compact));
    // The commitment form of every proof (§4.6), checked as one batch by the public verifier.
    std::vector<DecodedCiphertext> ciphertexts;
    std::vector<DecodedCommittedRangeProof> proofs;
    for (const auto& s : e.selections) {
        ciphertexts.emplace_back(s.ciphertext);
        proofs.push_back(DecodedCommittedRangeProof::from_proof(s.proof));
    }
    ciphertexts.emplace_back(sum);
    proofs.push_back(DecodedCommittedRangeProof::from_proof(e.count_proof));
    std::vector<CommittedRangeStatement> statements;
    for (std::size_t i = 0; i < proofs.size(); ++i) {
        statements.push_back({i < e.selections.size() ? ByteSpan(ctx[i]) : ByteSpan(count_context),
                              &ciphertexts[i], i < e.selections.size() ? 1 : limit, &proofs[i]});
    }
    const BatchVerification batch =
        verify_range_committed_batch(base, DecodedPoint(key), statements);
    if (!batch.ok()) return batch.errors.front();
    return {};
}
}  // namespace

class TestPrecomputedContest : public QObject {
    Q_OBJECT
private slots:
    void every_mark_pattern_verifies_data() {
        QTest::addColumn<int>("options");
        QTest::addColumn<int>("limit");
        QTest::newRow("yes/no, vote for 1") << 2 << 1;
        QTest::newRow("3 options, vote for 1") << 3 << 1;
        QTest::newRow("4 options, vote for 2") << 4 << 2;
        QTest::newRow("5 options, vote for 3") << 5 << 3;
    }
    void every_mark_pattern_verifies() {
        QFETCH(int, options);
        QFETCH(int, limit);
        const Scalar secret = Scalar::random();
        const Point key = Point::multiply_base(secret);
        const auto n = static_cast<std::size_t>(options);
        const auto l = static_cast<std::uint32_t>(limit);
        for (std::uint32_t pattern = 0; pattern < (1u << n); ++pattern) {
            std::vector<std::uint8_t> marks(n);
            std::uint32_t count = 0;
            for (std::size_t i = 0; i < n; ++i) count += marks[i] = (pattern >> i) & 1u;
            PrecomputedContest pre = PrecomputedContest::compute(key, n, l);
            const auto ctx = contexts(n);
            const std::uint64_t before = group_ops();
            auto e = encrypt_contest(std::move(pre), base, ctx, count_context, key, marks);
            const std::uint64_t online = group_ops() - before;
            if (count > l) {
                QVERIFY(!e.ok());
                QVERIFY(e.error().message.find("overvote") != std::string::npos);
                continue;
            }
            QVERIFY(e.ok());
            QCOMPARE(online, std::uint64_t{0});
            auto ok = verify_contest(e.value(), key, l);
            QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
            for (std::size_t i = 0; i < n; ++i) {
                QCOMPARE(decrypt_to_group(e.value().selections[i].ciphertext, secret),
                         marks[i] ? Point::generator() : Point::identity());
                QCOMPARE(decrypt_with_nonce(e.value().selections[i].ciphertext,
                                            e.value().selections[i].nonce, key),
                         marks[i] ? Point::generator() : Point::identity());
            }
        }
    }

    void rejects_changed_count_proof() {
        const Point key = Point::multiply_base(Scalar::random());
        const std::vector<std::uint8_t> marks{1, 0, 1, 0};
        auto e = encrypt_contest(PrecomputedContest::compute(key, 4, 2), base, contexts(4),
                                 count_context, key, marks);
        QVERIFY(e.ok());
        const Bytes proof = e.value().count_proof.compact.to_bytes();
        const Bytes committed = e.value().count_proof.to_bytes();
        QCOMPARE(committed.size(), CommittedRangeProof::size_for(2));
        Ciphertext sum = zero_ciphertext();
        for (const auto& s : e.value().selections) sum = add_ciphertexts(sum, s.ciphertext);
        QVERIFY(RangeProof::from_bytes(proof, 2).ok());
        int accepted = 0;
        for (std::size_t i = 0; i < proof.size(); ++i) {
            Bytes mutated = proof;
            mutated[i] ^= 0x01;
            auto p = RangeProof::from_bytes(mutated, 2);
            if (p.ok() && verify_range(base, count_context, sum, key, 2, p.value()).ok())
                ++accepted;
        }
        QCOMPARE(accepted, 0);
        // The commitment form: honest bytes verify, every changed byte is refused.
        auto verify_committed = [&](const Bytes& bytes) {
            auto p = DecodedCommittedRangeProof::from_bytes(bytes, 2);
            return p.ok() && verify_range_committed(base, count_context, DecodedCiphertext(sum),
                                                    DecodedPoint(key), 2, p.value())
                                 .ok();
        };
        QVERIFY(verify_committed(committed));
        for (std::size_t i = 0; i < committed.size(); ++i) {
            Bytes mutated = committed;
            mutated[i] ^= 0x01;
            if (verify_committed(mutated)) ++accepted;
        }
        QCOMPARE(accepted, 0);
        // The proof is bound to its context.
        QVERIFY(!verify_range(base, Bytes{'x'}, sum, key, 2, e.value().count_proof.compact).ok());
    }

    void refuses_bad_input() {
        const Point key = Point::multiply_base(Scalar::random());
        const Point other = Point::multiply_base(Scalar::random());
        const std::vector<std::uint8_t> one{1, 0, 0};
        QVERIFY(!encrypt_contest(PrecomputedContest::compute(key, 3, 1), base, contexts(3),
                                 count_context, other, one)
                     .ok());
        QVERIFY(!encrypt_contest(PrecomputedContest::compute(key, 3, 1), base, contexts(2),
                                 count_context, key, one)
                     .ok());
        const std::vector<std::uint8_t> two{2, 0, 0};
        auto bad_mark = encrypt_contest(PrecomputedContest::compute(key, 3, 2), base, contexts(3),
                                        count_context, key, two);
        QVERIFY(!bad_mark.ok());
        PrecomputedContest pre = PrecomputedContest::compute(key, 3, 1);
        PrecomputedContest moved = std::move(pre);
        QVERIFY(pre.empty());  // NOLINT(bugprone-use-after-move): checking the move
        QVERIFY(!encrypt_contest(std::move(pre), base, contexts(3), count_context, key, one).ok());
        QVERIFY(encrypt_contest(std::move(moved), base, contexts(3), count_context, key, one).ok());
    }
};

QTEST_APPLESS_MAIN(TestPrecomputedContest)
#include "tst_precomputed_contest.moc"
