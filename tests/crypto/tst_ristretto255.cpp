// ristretto255 scalars and points: RFC 9496 known answers, canonical decoding, identity handling.
#include <QFile>
#include <QTest>

#include "vector_file.hpp"

#include "psephos/crypto/point.hpp"
#include "psephos/crypto/scalar.hpp"

using psephos::Bytes;
using psephos::from_hex;
using psephos::crypto::Point;
using psephos::crypto::Scalar;

namespace {
struct Vector {
    QByteArray kind, name, hex;
};

QList<Vector> read_vectors(const char* file) {
    QList<Vector> out;
    for (const auto& p : psephos::test::read_vector_lines(
             QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/") + QString::fromLatin1(file), 3)) {
        out.push_back({p[0], p[1], p[2]});
    }
    return out;
}

Bytes hex(const QByteArray& h) { return from_hex(h.toStdString()).value(); }
}  // namespace

class TestRistretto255 : public QObject {
    Q_OBJECT
private slots:
    void multiples_of_generator_match_rfc9496_data() {
        QTest::addColumn<int>("k");
        QTest::addColumn<QByteArray>("encoding");
        int k = 0;
        for (const auto& v : read_vectors("rfc9496_ristretto255.txt")) {
            if (v.kind != "multiple") continue;
            QTest::newRow(("rfc9496 " + v.name).constData()) << k++ << v.hex;
        }
        QCOMPARE(k, 16);
    }
    void multiples_of_generator_match_rfc9496() {
        QFETCH(int, k);
        QFETCH(QByteArray, encoding);
        const Bytes expected = hex(encoding);
        // Three independent routes to k·G: fixed-base, variable-base, repeated addition.
        const Point by_base = Point::multiply_base(Scalar::from_uint64(k));
        const Point by_var = Scalar::from_uint64(k) * Point::generator();
        Point by_add;
        for (int i = 0; i < k; ++i) by_add = by_add + Point::generator();
        QCOMPARE(Bytes(by_base.bytes().begin(), by_base.bytes().end()), expected);
        QCOMPARE(by_var, by_base);
        QCOMPARE(by_add, by_base);
        auto decoded = Point::from_bytes(expected);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value(), by_base);
        QCOMPARE(decoded.value().is_identity(), k == 0);
    }

    void rejects_rfc9496_invalid_encodings_data() {
        QTest::addColumn<QByteArray>("encoding");
        int n = 0;
        for (const auto& v : read_vectors("rfc9496_ristretto255.txt")) {
            if (v.kind != "invalid") continue;
            QTest::newRow(("rfc9496 " + v.name).constData()) << v.hex;
            ++n;
        }
        QCOMPARE(n, 29);
    }
    void rejects_rfc9496_invalid_encodings() {
        QFETCH(QByteArray, encoding);
        auto decoded = Point::from_bytes(hex(encoding));
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, psephos::ErrorCode::invalid_encoding);
        QVERIFY(decoded.error().message.find("not a canonical ristretto255 encoding") !=
                std::string::npos);
    }

    void rejects_top_bit_encodings_data() {
        QTest::addColumn<QByteArray>("encoding");
        for (const auto& v : read_vectors("rfc9496_ristretto255.txt")) {
            if (v.kind == "multiple")
                QTest::newRow(("bit 255 set on " + v.name).constData()) << v.hex;
        }
    }
    // Bit 255 set means s ≥ 2^255 > p, not canonical (RFC 9496 §4.3.1); libsodium 1.0.18's
    // is_valid_point ignores that bit, so without our check every point had two encodings.
    // Found by fuzz_point.
    void rejects_top_bit_encodings() {
        QFETCH(QByteArray, encoding);
        Bytes bytes = hex(encoding);
        bytes[31] |= 0x80;
        auto decoded = Point::from_bytes(bytes);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, psephos::ErrorCode::invalid_encoding);
    }

    void rejects_wrong_lengths() {
        QVERIFY(!Point::from_bytes(Bytes(31)).ok());
        QVERIFY(!Point::from_bytes(Bytes(33)).ok());
        QVERIFY(!Scalar::from_bytes(Bytes(31)).ok());
        QVERIFY(!Scalar::from_bytes(Bytes(64)).ok());
    }

    void identity_is_handled_explicitly() {
        const Point g = Point::generator();
        const Point zero_times = Scalar() * g;  // libsodium reports this product as a failure
        QVERIFY(zero_times.is_identity());
        QVERIFY(Point::multiply_base(Scalar()).is_identity());
        QCOMPARE(g - g, Point::identity());
        QCOMPARE(g + Point::identity(), g);
        QVERIFY((Scalar::from_uint64(5) * Point::identity()).is_identity());
    }

    void scalar_decoding_rejects_non_canonical_values() {
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        const Bytes order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        QVERIFY(!Scalar::from_bytes(order).ok());
        Bytes order_minus_one = order;
        order_minus_one[0] -= 1;
        auto max = Scalar::from_bytes(order_minus_one);
        QVERIFY(max.ok());
        QCOMPARE(max.value() + Scalar::from_uint64(1), Scalar());
        QVERIFY(!Scalar::from_bytes(Bytes(32, 0xff)).ok());
    }

    void scalar_arithmetic_is_consistent_with_the_group() {
        const Scalar a = Scalar::random(), b = Scalar::random();
        QCOMPARE(Point::multiply_base(a + b), Point::multiply_base(a) + Point::multiply_base(b));
        QCOMPARE(Point::multiply_base(a - b), Point::multiply_base(a) - Point::multiply_base(b));
        QCOMPARE(Point::multiply_base(a * b), a * Point::multiply_base(b));
        QCOMPARE(a * a.invert().value(), Scalar::from_uint64(1));
        QVERIFY(!Scalar().invert().ok());
        QCOMPARE(a + a.negate(), Scalar());
    }

    void moved_from_secret_scalar_is_wiped() {
        Scalar secret = Scalar::random();
        QVERIFY(!secret.is_zero());
        Scalar taken = std::move(secret);
        QVERIFY(secret.is_zero());  // NOLINT(bugprone-use-after-move): checking the wipe
        QVERIFY(!taken.is_zero());
    }
};

QTEST_APPLESS_MAIN(TestRistretto255)
#include "tst_ristretto255.moc"
