// The bridge log (anchor_records.hpp, docs/bridge.md): the anchor payload's format, the records'
// round trips and refusals, and the ledger's state machine — an intent must name one of the
// ledger's own signed election checkpoints, is unique per chain and payload, and a transaction or
// confirmation must belong to a recorded intent; all of it survives reopening.
#include <QTemporaryDir>
#include <QTest>

#include "ledger_scenario.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/ledger/ledger.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;

namespace {

LedgerOptions options_for(const QTemporaryDir& dir) {
    LedgerOptions o;
    o.directory = std::filesystem::path(dir.path().toStdString()) / "ledger";
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'500}; };
    return o;
}

Hash32 filled(std::uint8_t byte) {
    Hash32 h;
    h.bytes.fill(byte);
    return h;
}

AnchorIntent intent_for(const LogStatus& election, const Hash32& digest,
                        std::string chain = "hardhat") {
    return {std::move(chain),
            ChainKind::evm,
            "31337",
            "polls-closed",
            encode_anchor_payload({digest, election.size, election.root}),
            1'793'000'600};
}

AnchorTransaction transaction_for(std::uint64_t intent, std::uint8_t tag, std::uint64_t nonce = 0) {
    return {intent,
            filled(tag),
            nonce,
            "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F",
            Bytes{0x02, tag, 0x03},
            1'793'000'700};
}

// A ledger with one district's polls open, two ballots and a published election checkpoint.
struct AnchoredDay {
    test::LedgerScenario scenario;
    QTemporaryDir dir;
    std::unique_ptr<Ledger> ledger;
    LogStatus election;

    AnchoredDay() {
        ledger = Ledger::create(options_for(dir), scenario.election(), scenario.approval(),
                                test::LedgerScenario::ledger_key())
                     .value();
        std::vector<Bytes> records{scenario.registration(0), scenario.polls(PollsAction::opened, 0),
                                   scenario.next_cast(0, 1), scenario.next_cast(0, 2)};
        for (auto& r : ledger->ingest(std::move(records))) {
            if (!r) throw std::runtime_error(r.error().message);
        }
        election = ledger->publish_election_checkpoint().value();
    }
};

}  // namespace

class TestAnchorRecords : public QObject {
    Q_OBJECT

private slots:
    void payload_is_77_bytes_and_round_trips() {
        const AnchorPayload p{filled(0xAB), 0x0102030405060708ULL, filled(0xCD)};
        const Bytes bytes = encode_anchor_payload(p);
        QCOMPARE(bytes.size(), anchor_payload_size);
        QVERIFY(bytes.size() <= 80);  // Bitcoin's OP_RETURN relay limit
        QCOMPARE(to_hex(ByteSpan(bytes).first(5)), std::string("5053504801"));  // "PSPH" v1
        QCOMPARE(to_hex(ByteSpan(bytes).subspan(37, 8)), std::string("0102030405060708"));
        QVERIFY(decode_anchor_payload(bytes).value() == p);
    }

    void payload_refuses_wrong_length_magic_version() {
        const Bytes good = encode_anchor_payload({filled(1), 7, filled(2)});
        Bytes longer = good;
        longer.push_back(0);
        QVERIFY(decode_anchor_payload(longer).error().message.find("78 bytes") !=
                std::string::npos);
        QVERIFY(!decode_anchor_payload(ByteSpan(good).first(76)));
        Bytes magic = good;
        magic[0] = 'X';
        QVERIFY(decode_anchor_payload(magic).error().message.find("PSPH") != std::string::npos);
        Bytes version = good;
        version[4] = 2;
        QVERIFY(decode_anchor_payload(version).error().message.find("version 2") !=
                std::string::npos);
    }

    void records_round_trip() {
        const AnchorIntent intent = intent_for({"", "", 3, filled(9), "", {}}, filled(8));
        QVERIFY(decode_anchor_intent(encode_anchor_intent(intent)).value() == intent);
        AnchorIntent bitcoin = intent;
        bitcoin.kind = ChainKind::bitcoin;
        bitcoin.network = "regtest";
        bitcoin.reason = "results";
        QVERIFY(decode_anchor_intent(encode_anchor_intent(bitcoin)).value() == bitcoin);
        const AnchorTransaction t = transaction_for(0, 5, 12);
        QVERIFY(decode_anchor_transaction(encode_anchor_transaction(t)).value() == t);
        const AnchorConfirmation c{0, filled(5), 42, filled(6), 3, 1'793'000'800};
        QVERIFY(decode_anchor_confirmation(encode_anchor_confirmation(c)).value() == c);
    }

    void records_refuse_bad_fields_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("chain name with capitals") << 0;
        QTest::newRow("evm chain id with leading zero") << 1;
        QTest::newRow("evm chain id not a number") << 2;
        QTest::newRow("unknown bitcoin network") << 3;
        QTest::newRow("unknown reason") << 4;
        QTest::newRow("payload of another format") << 5;
        QTest::newRow("unknown chain kind") << 6;
    }
    void records_refuse_bad_fields() {
        QFETCH(int, which);
        AnchorIntent i = intent_for({"", "", 3, filled(9), "", {}}, filled(8));
        Bytes bytes = encode_anchor_intent(i);
        // Re-encode by hand: the encoder throws for these, so patch a valid record's bytes.
        auto replace = [&](std::string_view from, std::string_view to) {
            auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
            QVERIFY(at != bytes.end());
            std::copy(to.begin(), to.end(), at);
        };
        switch (which) {
            case 0:
                replace("hardhat", "Hardhat");
                break;
            case 1:
                replace("31337", "01337");
                break;
            case 2:
                replace("31337", "3x337");
                break;
            case 3:
                bytes[2 + 4 + i.chain.size()] = 2;  // kind: bitcoin, network "31337"
                break;
            case 4:
                replace("polls-closed", "polls-opened");
                break;
            case 5:
                replace("PSPH", "PSPX");
                break;
            case 6:
                bytes[2 + 4 + i.chain.size()] = 9;
                break;
        }
        auto decoded = decode_anchor_intent(bytes);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, ErrorCode::invalid_encoding);
        QVERIFY(decoded.error().message.find("anchor intent") != std::string::npos);
    }

    void ledger_records_an_anchor_from_intent_to_confirmation() {
        AnchoredDay day;
        Ledger& l = *day.ledger;
        const Hash32 digest = day.scenario.election().base_hash;
        auto intent =
            l.append_bridge_record(encode_anchor_intent(intent_for(day.election, digest)));
        QVERIFY2(intent.ok(), intent ? "" : intent.error().message.c_str());
        QCOMPARE(intent.value().log, std::string(bridge_log_name));
        QCOMPARE(intent.value().index, std::uint64_t{0});
        QVERIFY(
            l.append_bridge_record(encode_anchor_transaction(transaction_for(0, 0x11, 4))).ok());
        // A second attempt (same nonce, higher fee) is another transaction of the same intent.
        QVERIFY(
            l.append_bridge_record(encode_anchor_transaction(transaction_for(0, 0x12, 4))).ok());
        QVERIFY(l.append_bridge_record(encode_anchor_confirmation(
                                           {0, filled(0x12), 9, filled(0x77), 2, 1'793'000'900}))
                    .ok());
        const std::vector<AnchorState> anchors = l.anchors();
        QCOMPARE(anchors.size(), std::size_t{1});
        QCOMPARE(anchors[0].transactions.size(), std::size_t{2});
        QVERIFY(anchors[0].confirmed());
        QCOMPARE(anchors[0].confirmation->second.block_number, std::uint64_t{9});
        QCOMPARE(anchors[0].payload.election_log_size, day.election.size);
        QVERIFY(anchors[0].payload.election_root == day.election.root);
        const LogStatus bridge = l.status(bridge_log_name).value();
        QCOMPARE(bridge.size, std::uint64_t{4});
        QVERIFY(!bridge.signed_checkpoint.empty());
        auto proof = l.prove_inclusion(bridge_log_name, 1, 4);
        QVERIFY(proof.ok());
    }

    void ledger_refuses_what_does_not_fit_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<int>("code");
        QTest::newRow("payload for another election") << 0 << int(ErrorCode::verification_failed);
        QTest::newRow("root not the election root") << 1 << int(ErrorCode::verification_failed);
        QTest::newRow("size with no election checkpoint") << 2 << int(ErrorCode::not_found);
        QTest::newRow("second intent for chain and payload") << 3 << int(ErrorCode::refused);
        QTest::newRow("same chain name as another network") << 4 << int(ErrorCode::refused);
        QTest::newRow("transaction for no intent") << 5 << int(ErrorCode::refused);
        QTest::newRow("transaction recorded twice") << 6 << int(ErrorCode::refused);
        QTest::newRow("confirmation of an unknown transaction") << 7 << int(ErrorCode::refused);
        QTest::newRow("transaction after confirmation") << 8 << int(ErrorCode::refused);
        QTest::newRow("second confirmation") << 9 << int(ErrorCode::refused);
        QTest::newRow("not a bridge record") << 10 << int(ErrorCode::invalid_encoding);
    }
    void ledger_refuses_what_does_not_fit() {
        QFETCH(int, which);
        QFETCH(int, code);
        AnchoredDay day;
        Ledger& l = *day.ledger;
        const Hash32 digest = day.scenario.election().base_hash;
        QVERIFY(
            l.append_bridge_record(encode_anchor_intent(intent_for(day.election, digest))).ok());
        QVERIFY(l.append_bridge_record(encode_anchor_transaction(transaction_for(0, 0x11))).ok());
        if (which >= 8) {
            QVERIFY(l.append_bridge_record(
                         encode_anchor_confirmation({0, filled(0x11), 9, filled(0x77), 1, 0}))
                        .ok());
        }
        LogStatus other = day.election;
        Bytes record;
        switch (which) {
            case 0:
                record = encode_anchor_intent(intent_for(day.election, filled(3), "other"));
                break;
            case 1:
                other.root = filled(4);
                record = encode_anchor_intent(intent_for(other, digest, "other"));
                break;
            case 2:
                other.size += 5;
                record = encode_anchor_intent(intent_for(other, digest, "other"));
                break;
            case 3:
                record = encode_anchor_intent(intent_for(day.election, digest));
                break;
            case 4: {
                AnchorIntent i = intent_for(day.election, digest);
                i.network = "1";
                i.reason = "manual";
                record = encode_anchor_intent(i);
                break;
            }
            case 5:
                record = encode_anchor_transaction(transaction_for(7, 0x13));
                break;
            case 6:
                record = encode_anchor_transaction(transaction_for(0, 0x11));
                break;
            case 7:
                record = encode_anchor_confirmation({0, filled(0x55), 9, filled(0x77), 1, 0});
                break;
            case 8:
                record = encode_anchor_transaction(transaction_for(0, 0x14));
                break;
            case 9:
                record = encode_anchor_confirmation({0, filled(0x11), 10, filled(0x78), 2, 0});
                break;
            case 10:
                record = day.scenario.polls(PollsAction::paused, 0);
                break;
        }
        const LogStatus before = l.status(bridge_log_name).value();
        auto refused = l.append_bridge_record(record);
        QVERIFY(!refused);
        QCOMPARE(int(refused.error().code), code);
        QVERIFY(refused.error().message.find("bridge log") == 0);
        const LogStatus after = l.status(bridge_log_name).value();
        QCOMPARE(after.size, before.size);
        QVERIFY(after.root == before.root);
    }

    void anchors_survive_reopening_and_read_only_is_refused() {
        AnchoredDay day;
        const Hash32 digest = day.scenario.election().base_hash;
        QVERIFY(
            day.ledger->append_bridge_record(encode_anchor_intent(intent_for(day.election, digest)))
                .ok());
        QVERIFY(
            day.ledger->append_bridge_record(encode_anchor_transaction(transaction_for(0, 0x21, 3)))
                .ok());
        const LogStatus before = day.ledger->status(bridge_log_name).value();
        day.ledger.reset();
        {
            auto reopened = Ledger::open(options_for(day.dir), test::LedgerScenario::ledger_key());
            QVERIFY2(reopened.ok(), reopened ? "" : reopened.error().message.c_str());
            const auto anchors = reopened.value()->anchors();
            QCOMPARE(anchors.size(), std::size_t{1});
            QCOMPARE(anchors[0].transactions.size(), std::size_t{1});
            QCOMPARE(anchors[0].transactions[0].second.nonce, std::uint64_t{3});
            QVERIFY(!anchors[0].confirmed());
            QVERIFY(reopened.value()->status(bridge_log_name).value().root == before.root);
            // The state machine still holds after the restart: no second intent.
            auto again = reopened.value()->append_bridge_record(
                encode_anchor_intent(intent_for(day.election, digest)));
            QCOMPARE(again.error().code, ErrorCode::refused);
        }
        auto read_only = Ledger::open(options_for(day.dir), std::nullopt);
        QVERIFY(read_only.ok());
        QCOMPARE(read_only.value()->anchors().size(), std::size_t{1});
        auto refused = read_only.value()->append_bridge_record(
            encode_anchor_confirmation({0, filled(0x21), 1, filled(1), 1, 0}));
        QCOMPARE(refused.error().code, ErrorCode::refused);
    }
};

QTEST_APPLESS_MAIN(TestAnchorRecords)
#include "tst_anchor_records.moc"
