// RLP (bridge/rlp.hpp): the Ethereum RLP examples and ethers.js-made vectors encode and decode
// both ways (vectors/rlp.txt), integers are minimal big-endian strings, and the decoder refuses
// every non-canonical or malformed form with an error naming its offset.
#include <QTest>

#include "vector_file.hpp"

#include <cstdint>
#include <string>

#include "psephos/bridge/rlp.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

QList<QList<QByteArray>> vector_lines(const char* kind) {
    return test::read_vector_lines_of_kind(QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/rlp.txt"),
                                           kind, 3, 4);
}
using test::hex_text;
using test::vector_u64;
Bytes hex(const QByteArray& text) { return test::vector_hex(text); }

// The vector files' tree notation: 0x<hex> for a string, [a,b,...] for a list.
RlpItem parse_tree(const QByteArray& text, qsizetype& pos) {
    if (text.at(pos) == '[') {
        ++pos;
        std::vector<RlpItem> elements;
        while (text.at(pos) != ']') {
            elements.push_back(parse_tree(text, pos));
            if (text.at(pos) == ',') ++pos;
        }
        ++pos;
        return RlpItem::of_list(std::move(elements));
    }
    if (!text.mid(pos).startsWith("0x")) qFatal("bad tree at %lld", static_cast<long long>(pos));
    pos += 2;
    const qsizetype start = pos;
    while (pos < text.size() && text.at(pos) != ',' && text.at(pos) != ']') ++pos;
    return RlpItem::of_bytes(from_hex(text.mid(start, pos - start).toStdString()).value());
}

RlpItem parse_tree(const QByteArray& text) {
    qsizetype pos = 0;
    RlpItem item = parse_tree(text, pos);
    if (pos != text.size()) qFatal("trailing text in tree %s", text.constData());
    return item;
}

QByteArray hex_text(const Bytes& bytes) { return QByteArray::fromStdString(to_hex(bytes)); }

// What each kind of rejection row must say after "RLP: offset <n>: ".
const char* expected_fault(const QByteArray& kind) {
    if (kind == "empty_input") return "no item before the end of the input";
    if (kind == "wrapped_single_byte") return "wrapped as a string";
    if (kind == "long_form_short_string" || kind == "long_form_short_list")
        return "long-form length for a payload of";
    if (kind == "length_leading_zero") return "length has a leading zero byte";
    if (kind == "truncated_payload" || kind == "huge_length")
        return "runs past the end of the input";
    if (kind == "truncated_length") return "runs past the end of the input";
    if (kind == "child_overruns_list") return "runs past the end of its enclosing list";
    if (kind == "trailing_bytes") return "bytes after the end of the item";
    if (kind == "too_deep") return "more than 16 lists nested one inside another";
    qFatal("unknown rejection kind %s", kind.constData());
}

}  // namespace

class TestRlp : public QObject {
    Q_OBJECT
private slots:
    void encodes_and_decodes_vectors_data() {
        QTest::addColumn<QByteArray>("tree");
        QTest::addColumn<QByteArray>("encoding");
        for (const auto& f : vector_lines("valid")) {
            QTest::newRow(f[1].constData()) << f[2] << f[3];
        }
        QVERIFY(vector_lines("valid").size() >= 9);
    }
    void encodes_and_decodes_vectors() {
        QFETCH(QByteArray, tree);
        QFETCH(QByteArray, encoding);
        const RlpItem item = parse_tree(tree);
        QCOMPARE(hex_text(rlp_encode(item)), encoding);
        auto decoded = rlp_decode(hex(encoding));
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
        QVERIFY(decoded.value() == item);
        if (!item.is_list()) QCOMPARE(hex_text(rlp_encode_bytes(item.bytes)), encoding);
    }

    void every_strict_prefix_and_extension_of_a_vector_is_refused() {
        for (const auto& f : vector_lines("valid")) {
            const Bytes encoding = hex(f[3]);
            for (std::size_t n = 0; n < encoding.size(); ++n) {
                auto decoded = rlp_decode(ByteSpan(encoding).first(n));
                QVERIFY2(!decoded.ok(), f[1].constData());
                QCOMPARE(decoded.error().code, ErrorCode::invalid_encoding);
            }
            Bytes extended = encoding;
            extended.push_back(0x00);
            auto decoded = rlp_decode(extended);
            QVERIFY(!decoded.ok());
            QCOMPARE(decoded.error().message, "RLP: offset " + std::to_string(encoding.size()) +
                                                  ": 1 bytes after the end of the item");
        }
    }

    void encodes_integers_minimally_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("encoding");
        for (const auto& f : vector_lines("uint")) {
            QTest::newRow(("uint " + f[1]).constData()) << f[1] << f[2];
        }
    }
    void encodes_integers_minimally() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, encoding);
        bool ok = false;
        const std::uint64_t n = value.toULongLong(&ok);
        QVERIFY(ok);
        QCOMPARE(hex_text(rlp_encode_uint(n)), encoding);
        QCOMPARE(hex_text(rlp_encode(RlpItem::of_uint(n))), encoding);
        const RlpItem item = rlp_decode(hex(encoding)).value();
        QCOMPARE(rlp_to_uint64(item).value(), n);
        std::array<std::uint8_t, 32> wide{};
        for (std::size_t i = 0; i < 8; ++i) wide[31 - i] = static_cast<std::uint8_t>(n >> (8 * i));
        QVERIFY(rlp_to_uint256(item).value() == wide);
        QCOMPARE(hex_text(rlp_encode(RlpItem::of_uint_big_endian(wide))), encoding);
    }

    void encodes_256_bit_integers_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("encoding");
        for (const auto& f : vector_lines("uint256")) {
            QTest::newRow(("uint256 " + f[1]).constData()) << f[1] << f[2];
        }
    }
    void encodes_256_bit_integers() {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, encoding);
        const Bytes wide = hex(value);
        QCOMPARE(hex_text(rlp_encode(RlpItem::of_uint_big_endian(wide))), encoding);
        const RlpItem item = rlp_decode(hex(encoding)).value();
        const auto decoded = rlp_to_uint256(item).value();
        QVERIFY(Bytes(decoded.begin(), decoded.end()) == wide);
        // All these are 2^64 or more.
        auto narrow = rlp_to_uint64(item);
        QVERIFY(!narrow.ok());
        QVERIFY(narrow.error().message.find("does not fit 64 bits") != std::string::npos);
    }

    void refuses_non_canonical_and_malformed_input_data() {
        QTest::addColumn<QByteArray>("kind");
        QTest::addColumn<QByteArray>("encoding");
        QTest::addColumn<int>("offset");
        int row = 0;
        for (const auto& f : vector_lines("invalid")) {
            QTest::newRow((f[1] + " #" + QByteArray::number(++row)).constData())
                << f[1] << f[2] << f[3].toInt();
        }
        QVERIFY(row >= 20);
    }
    void refuses_non_canonical_and_malformed_input() {
        QFETCH(QByteArray, kind);
        QFETCH(QByteArray, encoding);
        QFETCH(int, offset);
        auto decoded = rlp_decode(hex(encoding));
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::invalid_encoding);
        const std::string& message = decoded.error().message;
        const std::string prefix = "RLP: offset " + std::to_string(offset) + ": ";
        QVERIFY2(message.rfind(prefix, 0) == 0, message.c_str());
        QVERIFY2(message.find(expected_fault(kind)) != std::string::npos, message.c_str());
    }

    void refuses_non_canonical_integers_data() {
        QTest::addColumn<QByteArray>("kind");
        QTest::addColumn<QByteArray>("encoding");
        int row = 0;
        for (const auto& f : vector_lines("bad_uint")) {
            QTest::newRow((f[1] + " #" + QByteArray::number(++row)).constData()) << f[1] << f[2];
        }
    }
    void refuses_non_canonical_integers() {
        QFETCH(QByteArray, kind);
        QFETCH(QByteArray, encoding);
        const RlpItem item = rlp_decode(hex(encoding)).value();
        auto narrow = rlp_to_uint64(item);
        QVERIFY(!narrow.ok());
        QCOMPARE(narrow.error().code, ErrorCode::invalid_encoding);
        QVERIFY2(narrow.error().message.rfind("RLP: offset 0: ", 0) == 0,
                 narrow.error().message.c_str());
        auto wide = rlp_to_uint256(item);
        QCOMPARE(wide.ok(), kind == "too_large");
    }

    void names_offsets_inside_a_larger_input() {
        // Items record where they start; offset_base shifts both items and messages.
        const Bytes encoding = hex("c88363617483646f67");
        const RlpItem list = rlp_decode(encoding, 1).value();
        QCOMPARE(list.offset, std::size_t{1});
        QCOMPARE(list.items.at(0).offset, std::size_t{2});
        QCOMPARE(list.items.at(1).offset, std::size_t{6});
        auto refused = rlp_decode(hex("c5824142817f"), 1);
        QCOMPARE(refused.error().message.substr(0, 15), std::string("RLP: offset 5: "));
        auto integer = rlp_to_uint64(rlp_decode(hex("c3820001"), 7).value().items.at(0));
        QCOMPARE(integer.error().message,
                 std::string("RLP: offset 8: integer has a leading zero byte"));
    }

    void accepts_exactly_16_nested_lists() {
        RlpItem item = RlpItem::of_list({});
        for (int depth = 1; depth < rlp_max_depth; ++depth) item = RlpItem::of_list({item});
        QVERIFY(rlp_decode(rlp_encode(item)).ok());
        item = RlpItem::of_list({item});
        auto refused = rlp_decode(rlp_encode(item));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().message,
                 std::string("RLP: offset 16: more than 16 lists nested one inside another"));
    }

    void list_shortcut_matches_the_tree_encoder() {
        const RlpItem tree = RlpItem::of_list(
            {RlpItem::of_uint(0), RlpItem::of_uint(1024), RlpItem::of_bytes(Bytes(60, 0x61)),
             RlpItem::of_list({RlpItem::of_bytes(as_bytes("dog"))})});
        std::vector<Bytes> encoded;
        for (const RlpItem& element : tree.items) encoded.push_back(rlp_encode(element));
        QVERIFY(rlp_encode_list(encoded) == rlp_encode(tree));
        QCOMPARE(hex_text(rlp_encode_list({})), QByteArray("c0"));
        // Leading zero bytes of a big-endian integer are dropped.
        QCOMPARE(hex_text(rlp_encode(RlpItem::of_uint_big_endian(hex("000000")))),
                 QByteArray("80"));
        QCOMPARE(hex_text(rlp_encode(RlpItem::of_uint_big_endian(hex("000400")))),
                 QByteArray("820400"));
    }
};

QTEST_APPLESS_MAIN(TestRlp)
#include "tst_rlp.moc"
