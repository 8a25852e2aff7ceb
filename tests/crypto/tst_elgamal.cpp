// Exponential ElGamal: encryption, homomorphic addition (pairwise and as a CiphertextSum over
// encodings), decryption, bounded discrete log.
#include <QTest>

#include <algorithm>
#include <array>
#include <random>
#include <vector>

#include "psephos/crypto/ciphertext_sum.hpp"
#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/elgamal.hpp"

using namespace psephos::crypto;

namespace {
using Encoding = std::array<std::uint8_t, Ciphertext::size>;

Encoding encoding_of(const Ciphertext& c) {
    Encoding e;
    const psephos::Bytes bytes = c.to_bytes();
    std::copy(bytes.begin(), bytes.end(), e.begin());
    return e;
}

// Encryptions of random 0/1 messages under `key`, with their messages.
struct Votes {
    std::vector<Ciphertext> ciphertexts;
    std::vector<std::uint64_t> messages;
};

Votes random_votes(std::size_t count, const Point& key, std::mt19937_64& rng) {
    Votes v;
    for (std::size_t i = 0; i < count; ++i) {
        v.messages.push_back(rng() % 2);
        v.ciphertexts.push_back(encrypt_message(v.messages.back(), Scalar::random(), key));
    }
    return v;
}
}  // namespace

class TestElGamal : public QObject {
    Q_OBJECT
private slots:
    void random_messages_add_and_decrypt_to_their_sum() {
        const Scalar secret = Scalar::random();
        const Point key = Point::multiply_base(secret);
        const DiscreteLogTable dlog(100000);
        std::mt19937_64 rng(20261127);
        for (int round = 0; round < 20; ++round) {
            Ciphertext sum = zero_ciphertext();
            std::uint64_t expected = 0;
            const int count = 1 + static_cast<int>(rng() % 8);
            for (int i = 0; i < count; ++i) {
                const std::uint64_t m = rng() % 1000;
                expected += m;
                sum = add_ciphertexts(sum, encrypt_message(m, Scalar::random(), key));
            }
            auto m = dlog.solve(decrypt_to_group(sum, secret));
            QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
            QCOMPARE(m.value(), expected);
        }
    }

    void nonce_reveals_the_message() {
        const Point key = Point::multiply_base(Scalar::random());
        const Scalar nonce = Scalar::random();
        const Ciphertext c = encrypt_message(1, nonce, key);
        QCOMPARE(decrypt_with_nonce(c, nonce, key), Point::generator());
        QVERIFY(decrypt_with_nonce(c, Scalar::random(), key) != Point::generator());
    }

    void discrete_log_reaches_10_to_the_8() {
        const DiscreteLogTable dlog(100'000'000);
        for (std::uint64_t m :
             {0ull, 1ull, 9999ull, 10001ull, 12345678ull, 99'999'999ull, 100'000'000ull}) {
            auto got = dlog.solve(Point::multiply_base(Scalar::from_uint64(m)));
            QVERIFY(got.ok());
            QCOMPARE(got.value(), m);
        }
    }

    void discrete_log_reports_out_of_range() {
        const DiscreteLogTable dlog(1000);
        auto got = dlog.solve(Point::multiply_base(Scalar::from_uint64(1001)));
        QVERIFY(!got.ok());
        QCOMPARE(got.error().code, psephos::ErrorCode::not_found);
        QVERIFY(!dlog.solve(Point::multiply_base(Scalar::random())).ok());
    }

    void ciphertext_decoding_rejects_bad_bytes() {
        const Ciphertext c = encrypt_message(1, Scalar::random(), Point::generator());
        auto bytes = c.to_bytes();
        QCOMPARE(Ciphertext::from_bytes(bytes).value(), c);
        bytes[40] ^= 0x01;  // a flipped bit in β is (with overwhelming probability) not a point
        auto bad = Ciphertext::from_bytes(bytes);
        if (!bad.ok()) {
            QVERIFY(bad.error().message.rfind("ciphertext beta", 0) == 0);
        } else {
            QVERIFY(bad.value() != c);
        }
        QVERIFY(!Ciphertext::from_bytes(psephos::Bytes(63)).ok());
    }

    void ciphertext_sum_of_votes_decrypts_to_their_count() {
        const Scalar secret = Scalar::random();
        const Point key = Point::multiply_base(secret);
        const DiscreteLogTable dlog(1000);
        std::mt19937_64 rng(20261201);
        const Votes votes = random_votes(300, key, rng);
        CiphertextSum from_encodings;
        CiphertextSum from_ciphertexts;
        Ciphertext folded = zero_ciphertext();
        std::uint64_t expected = 0;
        for (std::size_t i = 0; i < votes.ciphertexts.size(); ++i) {
            const Encoding e = encoding_of(votes.ciphertexts[i]);
            QVERIFY(from_encodings.add(e).ok());
            from_ciphertexts.add(votes.ciphertexts[i]);
            folded = add_ciphertexts(folded, votes.ciphertexts[i]);
            expected += votes.messages[i];
        }
        QCOMPARE(from_encodings.count(), std::uint64_t{300});
        QCOMPARE(from_ciphertexts.count(), std::uint64_t{300});
        // Encodings are canonical: the same group elements give the same bytes.
        QCOMPARE(from_encodings.value(), folded);
        QCOMPARE(from_ciphertexts.value(), folded);
        auto m = dlog.solve(decrypt_to_group(from_encodings.value(), secret));
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
        QCOMPARE(m.value(), expected);
    }

    void ciphertext_sums_merge_into_the_whole_sum() {
        const Scalar secret = Scalar::random();
        const Point key = Point::multiply_base(secret);
        std::mt19937_64 rng(20261202);
        const Votes votes = random_votes(101, key, rng);
        CiphertextSum whole;
        CiphertextSum first;
        CiphertextSum second;
        for (std::size_t i = 0; i < votes.ciphertexts.size(); ++i) {
            whole.add(votes.ciphertexts[i]);
            (i < 37 ? first : second).add(votes.ciphertexts[i]);
        }
        CiphertextSum merged = second;
        merged.add(first);
        QCOMPARE(merged.count(), whole.count());
        QCOMPARE(merged.value(), whole.value());
        // An empty partial sum changes nothing.
        merged.add(CiphertextSum());
        QCOMPARE(merged.count(), whole.count());
        QCOMPARE(merged.value(), whole.value());
    }

    void empty_ciphertext_sum_is_the_zero_ciphertext() {
        const CiphertextSum empty;
        QCOMPARE(empty.count(), std::uint64_t{0});
        QCOMPARE(empty.value(), zero_ciphertext());
        const DiscreteLogTable dlog(10);
        auto m = dlog.solve(decrypt_to_group(empty.value(), Scalar::random()));
        QVERIFY(m.ok());
        QCOMPARE(m.value(), std::uint64_t{0});
    }

    void ciphertext_sum_refuses_an_invalid_half_data() {
        QTest::addColumn<int>("offset");  // where the 32 bytes of 0xFF go
        QTest::addColumn<QString>("half");
        QTest::newRow("alpha 0xFF...") << 0 << "alpha";
        QTest::newRow("beta 0xFF...") << 32 << "beta";
    }

    void ciphertext_sum_refuses_an_invalid_half() {
        QFETCH(int, offset);
        QFETCH(QString, half);
        const Point key = Point::multiply_base(Scalar::random());
        CiphertextSum sum;
        sum.add(encrypt_message(1, Scalar::random(), key));
        sum.add(encrypt_message(0, Scalar::random(), key));
        const Ciphertext before = sum.value();

        Encoding bad = encoding_of(encrypt_message(1, Scalar::random(), key));
        std::fill_n(bad.begin() + offset, 32, std::uint8_t{0xFF});
        QVERIFY(!Ciphertext::from_bytes(bad).ok());  // not a ciphertext, by the ordinary decoder
        const auto refused = sum.add(bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, psephos::ErrorCode::invalid_encoding);
        QVERIFY2(refused.error().message.find(half.toStdString()) != std::string::npos,
                 refused.error().message.c_str());
        QCOMPARE(sum.count(), std::uint64_t{2});
        QCOMPARE(sum.value(), before);
    }
};

QTEST_APPLESS_MAIN(TestElGamal)
#include "tst_elgamal.moc"
