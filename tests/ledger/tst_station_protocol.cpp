// The station protocol's codec (docs/station-protocol.md): every message round-trips to the same
// bytes, the worked example of §5 is what the code writes, each rule of a decoder refuses a
// message that breaks it with the message, field and offset named, and the frame reader cuts a
// stream fed in any pieces without holding more than one frame.
#include <QtTest>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/station/station_protocol.hpp"

using namespace psephos;
using namespace psephos::station;

namespace {

Hash32 hash_of(std::string_view s) { return crypto::sha256(as_bytes(s)); }

std::string hex_of(const Bytes& b) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t v : b) {
        out += digits[v >> 4];
        out += digits[v & 15];
    }
    return out;
}

Inclusion an_inclusion() {
    return {41,
            hash_of("leaf"),
            "e/district/d1+1a2b3c4d+AQID",
            "e/district/d1\n42\nroot\n\n— e/district/d1 sig\n",
            {hash_of("a"), hash_of("b"), hash_of("c")}};
}

SignedHead a_head(std::string device) {
    SignedHead h{std::move(device), 12, hash_of("last"), {}};
    for (std::size_t i = 0; i < h.signature.bytes.size(); ++i)
        h.signature.bytes[i] = static_cast<std::uint8_t>(i);
    return h;
}

std::vector<Message> every_message() {
    return {Hello{1, hash_of("base"), "d1-kiosk-1"},
            Welcome{1, hash_of("base"), "station-7", "d1", 1'793'000'000, 262'144, 8},
            Submit{2, Bytes{0x02, 0x02, 0xAA, 0xBB}},
            Receipt{2, an_inclusion()},
            StatusRequest{3},
            StatusReport{3, PollsState::open, 10, 2, 14, 5, hash_of("code")},
            Lookup{4, hash_of("code")},
            LookupResult{4, std::uint8_t{0x02}, an_inclusion()},
            LookupResult{5, std::nullopt, {}},
            Ping{6, 0x0102030405060708},
            Pong{6, 0x0102030405060708},
            FinalHead{8, a_head("d1-kiosk-2")},
            HeadNoted{8, 1, 2},
            HeadsRequest{9},
            HeadList{9, {a_head("d1-kiosk-1"), a_head("d1-kiosk-2")}},
            HeadList{10, {}},
            CountyHello{11, hash_of("base"), "station-7"},
            CountyWelcome{11, hash_of("base"), "county", 16'777'216, 256},
            HeldRequest{12, "d1"},
            HeldSize{12, "d1", 42},
            Push{13,
                 "d1",
                 40,
                 {Bytes{0x02, 0x02, 0xAA}, Bytes{0x0B, 0x01}},
                 "e/district/d1\n42\nroot\n\n— e/district/d1 sig\n",
                 {hash_of("a"), hash_of("b")}},
            Push{14, "d2", 0, {Bytes{0x07, 0x01}}, "note", {}},
            Pushed{13, "d1", 42},
            ErrorReply{13, ReplyCode::equivocation, "two checkpoints of size 42"},
            ErrorReply{7, ReplyCode::refused, "ballot id repeats in district d1"}};
}

std::string error_of(const Bytes& data) {
    auto decoded = decode_message(data);
    return decoded ? std::string() : decoded.error().message;
}

}  // namespace

class TestStationProtocol : public QObject {
    Q_OBJECT

private slots:
    void every_message_round_trips() {
        for (const Message& m : every_message()) {
            const Bytes bytes = encode_message(m);
            QCOMPARE(bytes[0], static_cast<std::uint8_t>(type_of(m)));
            QCOMPARE(bytes[1], protocol_version);
            auto back = decode_message(bytes);
            QVERIFY2(back, back ? "" : back.error().message.c_str());
            QVERIFY(back.value() == m);
            QCOMPARE(request_id_of(back.value()), request_id_of(m));
        }
    }

    // docs/station-protocol.md §5: a hello and a ping as bytes.
    void worked_example_is_what_the_code_writes() {
        Hash32 base;
        for (std::size_t i = 0; i < 32; ++i) base.bytes[i] = static_cast<std::uint8_t>(i);
        QCOMPARE(hex_of(encode_frame(Hello{7, base, "d1-kiosk-1"})),
                 std::string("00000034"
                             "0101"
                             "00000007"
                             "000102030405060708090a0b0c0d0e0f"
                             "101112131415161718191a1b1c1d1e1f"
                             "0000000a") +
                     hex_of(Bytes{'d', '1', '-', 'k', 'i', 'o', 's', 'k', '-', '1'}));
        QCOMPARE(hex_of(encode_frame(Ping{8, 42})), std::string("0000000e"
                                                                "0501"
                                                                "00000008"
                                                                "000000000000002a"));
    }

    void refuses_what_breaks_a_rule_data() {
        QTest::addColumn<QByteArray>("hex");
        QTest::addColumn<QString>("reason");
        const QByteArray base = QByteArray(32, '\x11').toHex();
        const auto row = [](const char* name, const QByteArray& hex, const char* reason) {
            QTest::newRow(name) << hex << QString::fromUtf8(reason);
        };
        row("empty", "", "station message: empty");
        row("unknown type", "4001", "type 64 is not known");
        row("version 2", "050200000001000000000000002a", "version 2 is not one this build reads");
        row("version 0", "050000000001000000000000002a", "version 0");
        row("truncated ping", "0501000000010000", "station message ping at byte 6: nonce");
        row("trailing byte", "050100000001000000000000002a00", "trailing");
        row("empty device id",
            "0101"
            "00000001" +
                base + "00000000",
            "device id: is not 1 to 64 printable ASCII");
        row("device id with a space",
            "0101"
            "00000001" +
                base + "00000003" + QByteArray("a b").toHex(),
            "device id: is not 1 to 64 printable ASCII");
        row("device id over 64 bytes",
            "0101"
            "00000001" +
                base + "00000041" + QByteArray(65, 'a').toHex(),
            "device id");
        row("a registration submitted",
            "0201"
            "00000002"
            "00000002"
            "0701",
            "record type 7 is not one a kiosk submits");
        {
            // A head list whose heads are not in ascending order (d1-kiosk-2 before -1).
            Bytes list = encode_message(HeadList{9, {a_head("d1-kiosk-1"), a_head("d1-kiosk-2")}});
            const Bytes one = encode_message(FinalHead{0, a_head("d1-kiosk-1")});
            const Bytes two = encode_message(FinalHead{0, a_head("d1-kiosk-2")});
            Bytes swapped(list.begin(), list.begin() + 10);
            swapped.insert(swapped.end(), two.begin() + 6, two.end());
            swapped.insert(swapped.end(), one.begin() + 6, one.end());
            QTest::newRow("heads out of order")
                << QByteArray::fromStdString(to_hex(swapped))
                << QStringLiteral("heads: not in ascending device id order");
        }
        row("more heads held than devices",
            "8601"
            "00000008"
            "00000003"
            "00000002",
            "heads held: more than the devices registered");
        row("an empty record",
            "0201"
            "00000002"
            "00000000",
            "record: is empty");
        row("polls state 4",
            "8301"
            "00000003"
            "04" +
                QByteArray(32, '0') + base,
            "polls: state 4 is not 0–3");
        row("lookup result of type 4",
            "8401"
            "00000004"
            "04",
            "4 is not 0 (not found), 2 or 3");
        row("error code 0",
            "ff01"
            "00000001"
            "0000"
            "00000000",
            "code: 0 is not a known error");
        row("error code 10",
            "ff01"
            "00000001"
            "000a"
            "00000000",
            "code: 10 is not a known error");
        row("a push of no records",
            "0a01"
            "00000001"
            "00000002" +
                QByteArray("d1").toHex() + "0000000000000000" + "00000000",
            "station message push at byte 24: records: none");
        row("a push of an empty record",
            "0a01"
            "00000001"
            "00000002" +
                QByteArray("d1").toHex() + "0000000000000000" + "00000001" + "00000000",
            "record: is empty");
        row("a county welcome with max records 0",
            "8801"
            "00000001" +
                base + "00000001" + QByteArray("c").toHex() + "00000100" + "00000000",
            "max records: is not between 1 and 4096");
        row("welcome with max frame 0",
            "8101"
            "00000001" +
                base + "00000001" + QByteArray("s").toHex() + "00000002" +
                QByteArray("d1").toHex() +
                "0000000000000000"
                "00000000"
                "00000008",
            "max frame: is not between 1 and 262144");
        row("receipt with 65 proof hashes",
            "8201"
            "00000002"
            "0000000000000001" +
                base +
                "00000000"
                "00000000"
                "00000041",
            "inclusion proof");
    }
    void refuses_what_breaks_a_rule() {
        QFETCH(QByteArray, hex);
        QFETCH(QString, reason);
        const QByteArray raw = QByteArray::fromHex(hex);
        const Bytes data(raw.begin(), raw.end());
        const std::string error = error_of(data);
        QVERIFY2(!error.empty(), "accepted");
        QVERIFY2(error.find(reason.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.rfind("station message", 0) == 0, error.c_str());
    }

    // Each message's encoding changed in one byte either decodes to another message (whose own
    // encoding is the changed bytes) or is refused: one message, one encoding.
    void one_byte_changed_is_another_message_or_refused() {
        int refused = 0, other = 0;
        for (const Message& m : every_message()) {
            const Bytes good = encode_message(m);
            for (std::size_t at = 0; at < good.size(); ++at) {
                Bytes bad = good;
                bad[at] ^= 0x01;
                auto decoded = decode_message(bad);
                if (!decoded) {
                    ++refused;
                    continue;
                }
                ++other;
                QVERIFY(!(decoded.value() == m));
                QVERIFY(encode_message(decoded.value()) == bad);
            }
        }
        qInfo("one byte changed: %d refused, %d another message", refused, other);
        QVERIFY(refused > 0 && other > 0);
    }

    void frames_are_cut_from_any_pieces() {
        Bytes stream;
        const std::vector<Message> messages = every_message();
        for (const Message& m : messages) {
            const Bytes f = encode_frame(m);
            stream.insert(stream.end(), f.begin(), f.end());
        }
        for (const std::size_t piece :
             {std::size_t{1}, std::size_t{3}, std::size_t{64}, stream.size()}) {
            FrameReader reader;
            std::vector<Message> got;
            std::size_t at = 0;
            while (at < stream.size()) {
                const std::size_t n = std::min(piece, stream.size() - at);
                at += reader.feed(ByteSpan(stream).subspan(at, n));
                auto frame = reader.next();
                QVERIFY(frame);
                if (frame.value()) {
                    auto m = decode_message(*frame.value());
                    QVERIFY2(m, m ? "" : m.error().message.c_str());
                    got.push_back(m.value());
                }
            }
            QCOMPARE(got.size(), messages.size());
            for (std::size_t i = 0; i < got.size(); ++i) QVERIFY(got[i] == messages[i]);
            QCOMPARE(reader.buffered(), std::size_t{0});
        }
    }

    // A length of 0 or above the limit is refused after its 4 bytes, before any body is taken:
    // a peer announcing 4 GiB makes the reader hold 4 bytes.
    void bad_lengths_are_refused_before_the_body() {
        for (const std::uint32_t length : {0U, 65U, 0xFFFFFFFFU}) {
            FrameReader reader(64);
            Bytes data;
            append_u32_be(data, length);
            data.resize(data.size() + 100, 0xAB);
            QCOMPARE(reader.feed(data), std::size_t{4});
            QCOMPARE(reader.wanted(), std::size_t{0});
            QCOMPARE(reader.buffered(), std::size_t{4});
            auto frame = reader.next();
            QVERIFY(!frame);
            QVERIFY2(frame.error().message.find("length " + std::to_string(length) +
                                                " is not between 1 and 64") != std::string::npos,
                     frame.error().message.c_str());
        }
        FrameReader reader(64);
        Bytes exact;
        append_u32_be(exact, 64);
        exact.resize(4 + 64, 0x01);
        QCOMPARE(reader.feed(exact), exact.size());
        auto frame = reader.next();
        QVERIFY(frame && frame.value() && frame.value()->size() == 64);
    }
};

QTEST_GUILESS_MAIN(TestStationProtocol)
#include "tst_station_protocol.moc"
