// Exponential ElGamal: encryption, homomorphic addition, decryption, bounded discrete log.
#include <QTest>

#include <random>

#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/elgamal.hpp"

using namespace psephos::crypto;

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
        for (std::uint64_t m : {0ull, 1ull, 9999ull, 10001ull, 12345678ull, 99'999'999ull,
                                100'000'000ull}) {
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
};

QTEST_APPLESS_MAIN(TestElGamal)
#include "tst_elgamal.moc"
