// Keccak-256 (bridge/keccak.hpp): published digests, and agreement with ethers.js for every
// length 0..300 and around the multiples of the 136-byte rate (vectors/keccak256.txt, made by
// vectors/make_evm_vectors.cjs), so each padding case (0x01 and 0x80 in one byte, in two bytes,
// in a block of their own) is pinned.
#include <QTest>

#include "vector_file.hpp"

#include <cstdint>
#include <set>

#include "psephos/bridge/keccak.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

QList<QList<QByteArray>> vector_lines() {
    return psephos::test::read_vector_lines(
        QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/keccak256.txt"), 3);
}

// The message of a "pattern" row: byte i is i mod 256.
Bytes pattern_message(std::size_t length) {
    Bytes message(length);
    for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<std::uint8_t>(i % 256);
    return message;
}

}  // namespace

class TestKeccak : public QObject {
    Q_OBJECT
private slots:
    void matches_published_digests_data() {
        QTest::addColumn<QByteArray>("message_hex");
        QTest::addColumn<QByteArray>("digest");
        int rows = 0;
        for (const auto& f : vector_lines()) {
            if (f[0] != "text") continue;
            const QByteArray message = f[1] == "-" ? QByteArray() : f[1];
            QTest::newRow(("published \"" + QByteArray::fromHex(message) + "\"").constData())
                << message << f[2];
            ++rows;
        }
        QCOMPARE(rows, 3);
    }
    void matches_published_digests() {
        QFETCH(QByteArray, message_hex);
        QFETCH(QByteArray, digest);
        const Bytes message = from_hex(message_hex.toStdString()).value();
        QCOMPARE(QByteArray::fromStdString(keccak256(message).to_hex()), digest);
    }

    void required_known_answers() {
        QCOMPARE(keccak256({}).to_hex(),
                 "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        QCOMPARE(keccak256(as_bytes("abc")).to_hex(),
                 "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    }

    void matches_ethers_for_every_length_data() {
        QTest::addColumn<int>("length");
        QTest::addColumn<QByteArray>("digest");
        std::set<int> lengths;
        for (const auto& f : vector_lines()) {
            if (f[0] != "pattern") continue;
            const int length = f[1].toInt();
            lengths.insert(length);
            QTest::newRow(("ethers, " + f[1] + " bytes").constData()) << length << f[2];
        }
        for (int n = 0; n <= 300; ++n)
            QVERIFY2(lengths.count(n) == 1, "a length 0..300 is missing");
        for (int n : {135, 136, 137, 271, 272, 273, 407, 408, 409, 65536})
            QVERIFY(lengths.count(n));
    }
    void matches_ethers_for_every_length() {
        QFETCH(int, length);
        QFETCH(QByteArray, digest);
        const Bytes message = pattern_message(static_cast<std::size_t>(length));
        QCOMPARE(QByteArray::fromStdString(keccak256(message).to_hex()), digest);
    }

    void is_not_fips202_sha3_256() {
        // SHA3-256("") of FIPS 202 (padding 0x06): the variant Ethereum does not use.
        QVERIFY(keccak256({}).to_hex() !=
                "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    }

    void reads_only_the_given_span() {
        // The same bytes at any address and inside a larger buffer give the same digest.
        const Bytes message = pattern_message(300);
        Bytes padded(310, 0xaa);
        for (std::size_t shift = 0; shift < 8; ++shift) {
            std::copy(message.begin(), message.end(), padded.begin() + shift);
            QCOMPARE(keccak256(ByteSpan(padded).subspan(shift, 300)), keccak256(message));
        }
    }
};

QTEST_APPLESS_MAIN(TestKeccak)
#include "tst_keccak.moc"
