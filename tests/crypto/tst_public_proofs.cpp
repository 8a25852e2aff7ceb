// Proof verification on the public backend (verify_range_public,
// verify_equal_discrete_logs_public) against the libsodium verifiers: honest proofs accepted by
// both; every one-bit change of the proof, the ciphertext, the key, the base hash or the context
// refused by both with the same message; zero challenges (libdecaf 1.0.2's
// base_double_scalarmul_non_secret ignores the other scalar then) judged alike.
#include <QTest>

#include <functional>

#include "psephos/crypto/public_proofs.hpp"

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

// Both verdicts on the same input must agree, message included; returns whether they accept.
bool same_verdict(const Status& by_sodium, const Status& by_decaf) {
    if (by_sodium.ok() != by_decaf.ok()) {
        QTest::qFail("the backends disagree", __FILE__, __LINE__);
        return false;
    }
    if (!by_sodium.ok() && by_sodium.error().message != by_decaf.error().message) {
        QTest::qFail("the backends refuse with different messages", __FILE__, __LINE__);
        return false;
    }
    return by_sodium.ok();
}

// Flips one bit in each byte of `encoded` (two bits each) and counts mutations accepted.
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

struct RangeCase {
    Hash32 base = base_hash_of("election");
    Scalar secret = Scalar::random();
    Point key = Point::multiply_base(secret);
    Scalar nonce = Scalar::random();
    Ciphertext ciphertext;
    RangeProof proof;

    RangeCase(std::uint64_t message, std::uint32_t limit) {
        ciphertext = encrypt_message(message, nonce, key);
        proof = prove_range(base, context, ciphertext, key, message, nonce, limit).value();
    }
    // Decodes every part (a decoding failure is a refusal) and verifies with both backends.
    bool accepts(const Bytes& ct, const Bytes& k, const Bytes& p, const Hash32& b, const Bytes& ctx,
                 std::uint32_t limit) const {
        auto c = Ciphertext::from_bytes(ct);
        auto dc = DecodedCiphertext::from_bytes(ct);
        auto key_point = Point::from_bytes(k);
        auto dk = DecodedPoint::from_bytes(k);
        auto pr = RangeProof::from_bytes(p, limit);
        if (c.ok() != dc.ok() || key_point.ok() != dk.ok()) {
            QTest::qFail("the backends decode differently", __FILE__, __LINE__);
            return false;
        }
        if (!c || !key_point || !pr) return false;
        return same_verdict(verify_range(b, ctx, c.value(), key_point.value(), limit, pr.value()),
                            verify_range_public(b, ctx, dc.value(), dk.value(), limit, pr.value()));
    }
};

Bytes bytes_of(const Point& p) { return Bytes(p.bytes().begin(), p.bytes().end()); }
}  // namespace

class TestPublicProofs : public QObject {
    Q_OBJECT
private slots:
    void range_proofs_verify_alike_data() {
        QTest::addColumn<int>("message");
        QTest::addColumn<int>("limit");
        QTest::newRow("0/1 proof, 0") << 0 << 1;
        QTest::newRow("0/1 proof, 1") << 1 << 1;
        QTest::newRow("[0, 3], 2") << 2 << 3;
        QTest::newRow("[0, 5], 0") << 0 << 5;
    }
    void range_proofs_verify_alike() {
        QFETCH(int, message);
        QFETCH(int, limit);
        const auto l = static_cast<std::uint32_t>(limit);
        const RangeCase rc(static_cast<std::uint64_t>(message), l);
        const Bytes ct = rc.ciphertext.to_bytes();
        const Bytes key = bytes_of(rc.key);
        const Bytes proof = rc.proof.to_bytes();
        QVERIFY(rc.accepts(ct, key, proof, rc.base, context, l));
        // Every one-bit change of proof, ciphertext, key, base hash, context: refused by both.
        QCOMPARE(
            count_accepted_mutations(
                proof, [&](const Bytes& m) { return rc.accepts(ct, key, m, rc.base, context, l); }),
            0);
        QCOMPARE(
            count_accepted_mutations(
                ct, [&](const Bytes& m) { return rc.accepts(m, key, proof, rc.base, context, l); }),
            0);
        QCOMPARE(
            count_accepted_mutations(
                key, [&](const Bytes& m) { return rc.accepts(ct, m, proof, rc.base, context, l); }),
            0);
        QCOMPARE(count_accepted_mutations(Bytes(rc.base.bytes.begin(), rc.base.bytes.end()),
                                          [&](const Bytes& m) {
                                              return rc.accepts(ct, key, proof,
                                                                Hash32::from_bytes(m).value(),
                                                                context, l);
                                          }),
                 0);
        QCOMPARE(
            count_accepted_mutations(
                context, [&](const Bytes& m) { return rc.accepts(ct, key, proof, rc.base, m, l); }),
            0);
        QVERIFY(!RangeProof::from_bytes(proof, l + 1).ok());  // the limit is the statement's
    }

    // A proof for another limit, and limits outside [1, 255]: refused by both, same messages.
    void wrong_limits_and_branch_counts_are_refused_alike() {
        const RangeCase rc(1, 1);
        const DecodedCiphertext dc(rc.ciphertext);
        const DecodedPoint dk(rc.key);
        for (const std::uint32_t limit : {0u, 2u, 256u}) {
            const Status by_sodium =
                verify_range(rc.base, context, rc.ciphertext, rc.key, limit, rc.proof);
            const Status by_decaf = verify_range_public(rc.base, context, dc, dk, limit, rc.proof);
            QVERIFY(!by_decaf.ok());
            QCOMPARE(by_decaf.error().code, by_sodium.error().code);
            QCOMPARE(by_decaf.error().message, by_sodium.error().message);
        }
        QVERIFY(verify_range_public(rc.base, context, dc, dk, 1, rc.proof).ok());
    }

    // A forged proof with zero challenges and responses: both backends must compute the
    // commitments v·G + 0·α correctly (libdecaf's shortcut would give the identity) and refuse.
    void zero_challenges_are_judged_alike() {
        const RangeCase rc(1, 1);
        RangeProof forged = rc.proof;
        forged.challenges[0] = Scalar();
        QVERIFY(!rc.accepts(rc.ciphertext.to_bytes(), bytes_of(rc.key), forged.to_bytes(), rc.base,
                            context, 1));
        for (auto& c : forged.challenges) c = Scalar();
        for (auto& v : forged.responses) v = Scalar::random();
        QVERIFY(!rc.accepts(rc.ciphertext.to_bytes(), bytes_of(rc.key), forged.to_bytes(), rc.base,
                            context, 1));
    }

    void equal_discrete_logs_proofs_verify_alike() {
        const Hash32 base = base_hash_of("decryption");
        const Scalar s = Scalar::random();
        const Point key = Point::multiply_base(s);
        const Point a = Point::multiply_base(Scalar::random());
        const Point m = s * a;
        const EqualDiscreteLogsProof proof = prove_equal_discrete_logs(base, context, s, key, a, m);
        auto accepts = [&](const Bytes& k, const Bytes& b, const Bytes& p, const Bytes& pr) {
            auto k1 = Point::from_bytes(k), b1 = Point::from_bytes(b), p1 = Point::from_bytes(p);
            auto k2 = DecodedPoint::from_bytes(k), b2 = DecodedPoint::from_bytes(b),
                 p2 = DecodedPoint::from_bytes(p);
            auto decoded = ChallengeResponse::from_bytes(pr);
            if (k1.ok() != k2.ok() || b1.ok() != b2.ok() || p1.ok() != p2.ok()) {
                QTest::qFail("the backends decode differently", __FILE__, __LINE__);
                return false;
            }
            if (!k1 || !b1 || !p1 || !decoded) return false;
            return same_verdict(
                verify_equal_discrete_logs(base, context, k1.value(), b1.value(), p1.value(),
                                           decoded.value()),
                verify_equal_discrete_logs_public(base, context, k2.value(), b2.value(), p2.value(),
                                                  decoded.value()));
        };
        const Bytes k = bytes_of(key), b = bytes_of(a), p = bytes_of(m), pr = proof.to_bytes();
        QVERIFY(accepts(k, b, p, pr));
        QCOMPARE(count_accepted_mutations(pr, [&](const Bytes& x) { return accepts(k, b, p, x); }),
                 0);
        QCOMPARE(count_accepted_mutations(k, [&](const Bytes& x) { return accepts(x, b, p, pr); }),
                 0);
        QCOMPARE(count_accepted_mutations(b, [&](const Bytes& x) { return accepts(k, x, p, pr); }),
                 0);
        QCOMPARE(count_accepted_mutations(p, [&](const Bytes& x) { return accepts(k, b, x, pr); }),
                 0);
        // A zero challenge (the libdecaf shortcut's case) with any response: refused by both.
        const Bytes zero_challenge = EqualDiscreteLogsProof{Scalar(), Scalar::random()}.to_bytes();
        QVERIFY(!accepts(k, b, p, zero_challenge));
    }
};

QTEST_APPLESS_MAIN(TestPublicProofs)
#include "tst_public_proofs.moc"
