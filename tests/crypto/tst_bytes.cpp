// Hex and base64 codecs: round trips, and only canonical text accepted (RFC 4648), so that a
// byte string, e.g. a key in a key file, has exactly one text form.
#include <QTest>

#include "psephos/crypto/bytes.hpp"

using namespace psephos;

class TestBytes : public QObject {
    Q_OBJECT
private slots:
    void base64_round_trips_rfc4648_vectors_data() {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QByteArray>("encoded");
        // RFC 4648 §10 test vectors.
        QTest::newRow("rfc4648 empty") << QByteArray() << QByteArray();
        QTest::newRow("rfc4648 f") << QByteArray("f") << QByteArray("Zg==");
        QTest::newRow("rfc4648 fo") << QByteArray("fo") << QByteArray("Zm8=");
        QTest::newRow("rfc4648 foo") << QByteArray("foo") << QByteArray("Zm9v");
        QTest::newRow("rfc4648 foob") << QByteArray("foob") << QByteArray("Zm9vYg==");
        QTest::newRow("rfc4648 fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=");
        QTest::newRow("rfc4648 foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    }
    void base64_round_trips_rfc4648_vectors() {
        QFETCH(QByteArray, plain);
        QFETCH(QByteArray, encoded);
        const Bytes bytes(plain.begin(), plain.end());
        QCOMPARE(QByteArray::fromStdString(to_base64(bytes)), encoded);
        auto decoded = from_base64(encoded.toStdString());
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value(), bytes);
    }

    void rejects_non_canonical_base64_data() {
        QTest::addColumn<QByteArray>("text");
        // Found by fuzz_base64: libsodium 1.0.18 alone reads bytes ≥ 0x80 as '/'.
        QTest::newRow("byte 0xff") << QByteArray::fromHex("51ff2bff");
        QTest::newRow("byte 0xa0")
            << QByteArray("Zm9v") + QByteArray(1, '\xa0') + QByteArray("mFy");
        QTest::newRow("missing padding") << QByteArray("Zg");
        QTest::newRow("padding inside") << QByteArray("Zg==Zm8=");
        QTest::newRow("three pads") << QByteArray("Z===");
        QTest::newRow("non-zero tail bits, one pad") << QByteArray("Zm9=");
        QTest::newRow("non-zero tail bits, two pads") << QByteArray("Zh==");
        QTest::newRow("url-safe alphabet") << QByteArray("-_-_");
        QTest::newRow("whitespace") << QByteArray("Zm9v Zm9v");
        QTest::newRow("newline") << QByteArray("Zm9v\n");
    }
    void rejects_non_canonical_base64() {
        QFETCH(QByteArray, text);
        QVERIFY(!is_canonical_base64(text.toStdString()));
        auto decoded = from_base64(text.toStdString());
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::invalid_encoding);
    }

    void hex_round_trips_and_rejects_bad_digits() {
        const Bytes bytes = {0x00, 0x7f, 0x80, 0xff};
        QCOMPARE(to_hex(bytes), std::string("007f80ff"));
        QCOMPARE(from_hex("007f80ff").value(), bytes);
        QCOMPARE(from_hex("007F80FF").value(), bytes);
        QVERIFY(from_hex("").value().empty());
        QVERIFY(!from_hex("abc").ok());
        QVERIFY(!from_hex("zz").ok());
        QVERIFY(!from_hex("0 ").ok());
        QVERIFY(from_hex("0g").error().message.find("offset") != std::string::npos);
    }

    void compares_in_constant_time_and_by_length() {
        QVERIFY(equal_constant_time(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
        QVERIFY(!equal_constant_time(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
        QVERIFY(!equal_constant_time(Bytes{1, 2}, Bytes{1, 2, 3}));
    }
};

QTEST_APPLESS_MAIN(TestBytes)
#include "tst_bytes.moc"
