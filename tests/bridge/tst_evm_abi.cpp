// The Solidity ABI of the ElectionAnchor calls (bridge/evm_abi.hpp): selectors from the ABI
// specification, calldata byte-equal to ethers.js's Interface.encodeFunctionData
// (vectors/evm_abi.txt), and strict decoding of return words.
#include <QTest>

#include "vector_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "psephos/bridge/evm_abi.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

QList<QList<QByteArray>> vector_lines(const char* kind) {
    return test::read_vector_lines_of_kind(QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/evm_abi.txt"),
                                           kind, 3, 7);
}
using test::hex_text;
using test::vector_u64;
Bytes hex(const QByteArray& text) { return test::vector_hex(text); }

Hash32 hash(const QByteArray& text) { return Hash32::from_hex(text.toStdString()).value(); }

}  // namespace

class TestEvmAbi : public QObject {
    Q_OBJECT
private slots:
    void computes_function_selectors_data() {
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QByteArray>("selector");
        for (const auto& f : vector_lines("selector"))
            QTest::newRow(f[1].constData()) << f[1] << f[2];
    }
    void computes_function_selectors() {
        QFETCH(QByteArray, signature);
        QFETCH(QByteArray, selector);
        QCOMPARE(hex_text(function_selector(signature.toStdString())), selector);
    }

    void encodes_anchor_like_ethers_data() {
        QTest::addColumn<QByteArray>("election_id");
        QTest::addColumn<QByteArray>("log_size");
        QTest::addColumn<QByteArray>("root");
        QTest::addColumn<QByteArray>("calldata");
        for (const auto& f : vector_lines("anchor")) {
            QTest::newRow(("anchor size " + f[2]).constData()) << f[1] << f[2] << f[3] << f[4];
        }
        QCOMPARE(vector_lines("anchor").size(), 3);
    }
    void encodes_anchor_like_ethers() {
        QFETCH(QByteArray, election_id);
        QFETCH(QByteArray, log_size);
        QFETCH(QByteArray, root);
        QFETCH(QByteArray, calldata);
        const Bytes encoded =
            encode_anchor_call(hash(election_id), vector_u64(log_size), hash(root));
        QCOMPARE(encoded.size(), std::size_t{4 + 3 * 32});
        QCOMPARE(hex_text(encoded), calldata);
    }

    void encodes_verify_inclusion_like_ethers_data() {
        QTest::addColumn<QByteArray>("election_id");
        QTest::addColumn<QByteArray>("leaf");
        QTest::addColumn<QByteArray>("index");
        QTest::addColumn<QByteArray>("size");
        QTest::addColumn<QByteArray>("proof");
        QTest::addColumn<QByteArray>("calldata");
        for (const auto& f : vector_lines("verify_inclusion")) {
            QTest::newRow(("verifyInclusion " + f[3] + " of " + f[4]).constData())
                << f[1] << f[2] << f[3] << f[4] << f[5] << f[6];
        }
        QCOMPARE(vector_lines("verify_inclusion").size(), 4);
    }
    void encodes_verify_inclusion_like_ethers() {
        QFETCH(QByteArray, election_id);
        QFETCH(QByteArray, leaf);
        QFETCH(QByteArray, index);
        QFETCH(QByteArray, size);
        QFETCH(QByteArray, proof);
        QFETCH(QByteArray, calldata);
        std::vector<Hash32> path;
        if (proof != "-") {
            for (const QByteArray& h : proof.split(',')) path.push_back(hash(h));
        }
        const Bytes encoded = encode_verify_inclusion_call(
            hash(election_id), hash(leaf), vector_u64(index), vector_u64(size), path);
        QCOMPARE(encoded.size(), 4 + (6 + path.size()) * 32);
        QCOMPARE(hex_text(encoded), calldata);
    }

    void encodes_the_views_like_ethers() {
        const auto root_of = vector_lines("root_of").at(0);
        QCOMPARE(hex_text(encode_root_of_call(hash(root_of[1]), vector_u64(root_of[2]))),
                 root_of[3]);
        const auto latest = vector_lines("latest_size").at(0);
        QCOMPARE(hex_text(encode_latest_size_call(hash(latest[1]))), latest[2]);
    }

    void appends_the_constructor_argument() {
        const EvmAddress bridge =
            EvmAddress::from_text("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value();
        const Bytes deployment = encode_election_anchor_deployment(hex("6080604052"), bridge);
        QCOMPARE(hex_text(deployment), QByteArray("6080604052") + QByteArray(24, '0') +
                                           "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    }

    void decodes_return_words_like_ethers() {
        for (const auto& f : vector_lines("bool")) {
            QCOMPARE(decode_abi_bool(hex(f[1])).value(), f[2] == "1");
        }
        for (const auto& f : vector_lines("uint64")) {
            QCOMPARE(decode_abi_uint64(hex(f[1])).value(), vector_u64(f[2]));
        }
        const Bytes word = hex(vector_lines("anchor").at(0).at(3));
        QVERIFY(decode_abi_bytes32(word).value().bytes ==
                hash(vector_lines("anchor").at(0).at(3)).bytes);
    }

    void refuses_malformed_return_data_data() {
        QTest::addColumn<QByteArray>("kind");
        QTest::addColumn<QByteArray>("word");
        const QByteArray zeros(64, '0');
        QTest::newRow("bool 2") << QByteArray("bool") << zeros.left(62) + "02";
        QTest::newRow("bool high byte") << QByteArray("bool") << "01" + zeros.left(60) + "01";
        QTest::newRow("bool 31 bytes") << QByteArray("bool") << zeros.left(60) + "01";
        QTest::newRow("bool 33 bytes") << QByteArray("bool") << zeros + "01";
        QTest::newRow("bool empty") << QByteArray("bool") << QByteArray();
        QTest::newRow("uint 2^64") << QByteArray("uint") << zeros.left(46) + "010000000000000000";
        QTest::newRow("uint max") << QByteArray("uint") << QByteArray(64, 'f');
        QTest::newRow("uint two words") << QByteArray("uint") << zeros + zeros;
        QTest::newRow("bytes32 short") << QByteArray("bytes32") << zeros.left(62);
    }
    void refuses_malformed_return_data() {
        QFETCH(QByteArray, kind);
        QFETCH(QByteArray, word);
        const Bytes data = hex(word);
        const Error error = kind == "bool"   ? decode_abi_bool(data).error()
                            : kind == "uint" ? decode_abi_uint64(data).error()
                                             : decode_abi_bytes32(data).error();
        QCOMPARE(error.code, ErrorCode::invalid_encoding);
        QVERIFY(!error.message.empty());
    }
};

QTEST_APPLESS_MAIN(TestEvmAbi)
#include "tst_evm_abi.moc"
