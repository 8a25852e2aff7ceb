// The Bitcoin anchor transaction: BIP 143 and BIP 173 known answers, HASH160, build → decode →
// payload → input check, the OP_RETURN size boundary, fee and change arithmetic, single-byte
// tampering anywhere in a built transaction, and the strict decoder's rejections.
#include <QMap>
#include <QTest>

#include "vector_file.hpp"

#include <algorithm>
#include <string>

#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/secp256k1_key.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

Bytes hex(std::string_view h) {
    auto decoded = from_hex(h);
    if (!decoded) qFatal("bad hex in test: %s", std::string(h).c_str());
    return std::move(decoded).value();
}
Bytes hex(const QByteArray& h) { return hex(std::string_view(h.constData(), size_t(h.size()))); }
Bytes hex(const char* h) { return hex(std::string_view(h)); }

std::string text_of(const QByteArray& field) {
    if (field.startsWith("hex:")) {
        const Bytes b = hex(field.mid(4));
        return std::string(b.begin(), b.end());
    }
    return field.toStdString();
}

QMap<QByteArray, QByteArray> bip143_vector() {
    QMap<QByteArray, QByteArray> out;
    for (const auto& line : psephos::test::read_vector_lines(
             QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/bip143_native_p2wpkh.txt"), 2)) {
        out.insert(line[0], line[1]);
    }
    return out;
}

KeyHash160 key_hash_of(const QByteArray& h) {
    const Bytes b = hex(h);
    KeyHash160 out{};
    if (b.size() != out.size()) qFatal("key hash must be 20 bytes");
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

// A fixed key, so every run builds the same transactions.
Secp256k1SigningKey test_key() {
    return Secp256k1SigningKey::from_secret(
               hex("619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9"))
        .value();
}

Utxo test_utxo(std::uint64_t amount_sat, std::uint32_t vout = 1) {
    return Utxo{Hash32::from_hex("8ac60eb9575db5b2d987e29f301b5b819ea83a5c6579d282d189cc04b8e151ef")
                    .value(),
                vout, amount_sat};
}

Bytes payload_of_size(std::size_t size) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(0xa0 + i);
    return out;
}

OpReturnAnchorPlan plan_for(std::uint64_t amount_sat, Bytes payload,
                            std::variant<FeeRate, FixedFee> fee = FeeRate{2}) {
    OpReturnAnchorPlan plan;
    plan.input = test_utxo(amount_sat);
    plan.payload = std::move(payload);
    plan.fee = fee;
    plan.network = BitcoinNetwork::regtest;
    return plan;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The vsize counted by hand from the raw bytes of a one-input P2WPKH spend: the witness section
// and the marker and flag weigh 1, everything else 4 (BIP 141).
std::size_t vsize_by_hand(const Bytes& raw, const DecodedBitcoinTransaction& tx) {
    std::size_t witness_size = 1;  // item count
    for (const auto& item : tx.inputs.at(0).witness) witness_size += 1 + item.size();
    const std::size_t stripped = raw.size() - 2 - witness_size;
    return (3 * stripped + raw.size() + 3) / 4;
}

}  // namespace

class TestBitcoinTransaction : public QObject {
    Q_OBJECT
private slots:
    // ---- Known answers ----------------------------------------------------------------------

    void hash160_matches_known_keys_data() {
        QTest::addColumn<QByteArray>("public_key");
        QTest::addColumn<QByteArray>("expected");
        int n = 0;
        for (const auto& line : psephos::test::read_vector_lines(
                 QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/hash160.txt"), 3)) {
            QTest::newRow(line[0].constData()) << line[1] << line[2];
            ++n;
        }
        QCOMPARE(n, 2);
    }
    void hash160_matches_known_keys() {
        QFETCH(QByteArray, public_key);
        QFETCH(QByteArray, expected);
        const KeyHash160 h = hash160(hex(public_key));
        QCOMPARE(QByteArray::fromStdString(to_hex(h)), expected);
    }

    void bip143_native_p2wpkh_digests_match_data() {
        QTest::addColumn<QByteArray>("name");
        for (const char* name : {"hash_prevouts", "hash_sequence", "hash_outputs", "sighash"}) {
            QTest::newRow((std::string("bip143 native p2wpkh ") + name).c_str())
                << QByteArray(name);
        }
    }
    void bip143_native_p2wpkh_digests_match() {
        QFETCH(QByteArray, name);
        const auto v = bip143_vector();
        auto tx = decode_bitcoin_transaction(hex(v["unsigned_tx"]));
        QVERIFY2(tx.ok(), tx.ok() ? "" : tx.error().message.c_str());
        QCOMPARE(tx.value().inputs.size(), std::size_t{2});
        QCOMPARE(QByteArray::fromStdString(
                     to_hex(p2wpkh_script_code(key_hash_of(v["script_pubkey"].mid(4))))),
                 v["script_code"]);
        const auto shared = bip143_shared_hashes(tx.value());
        Hash32 got;
        if (name == "hash_prevouts") got = shared.hash_prevouts;
        if (name == "hash_sequence") got = shared.hash_sequence;
        if (name == "hash_outputs") got = shared.hash_outputs;
        if (name == "sighash") {
            got = bip143_sighash_all(tx.value(), v["input_index"].toULong(), hex(v["script_code"]),
                                     v["amount_sat"].toULongLong());
        }
        QCOMPARE(QByteArray::fromStdString(got.to_hex()), v[name]);
    }

    void bip143_signature_reproduces_published_transaction() {
        const auto v = bip143_vector();
        auto key = Secp256k1SigningKey::from_secret(hex(v["private_key"]));
        QVERIFY(key.ok());
        const CompressedPublicKey public_key = key.value().compressed_public_key();
        QCOMPARE(QByteArray::fromStdString(to_hex(public_key)), v["public_key"]);

        auto unsigned_tx = decode_bitcoin_transaction(hex(v["unsigned_tx"]));
        QVERIFY(unsigned_tx.ok());
        const Hash32 digest = Hash32::from_hex(v["sighash"].toStdString()).value();
        const Bytes signature = key.value().sign_der(digest);
        QVERIFY(verify_der_signature(public_key, digest, signature).ok());
        // Bitcoin Core signed with RFC 6979 nonces too, so the very bytes come out again.
        QCOMPARE(QByteArray::fromStdString(to_hex(signature)), v["signature"]);

        // Put the signature into the unsigned transaction as its witness; with input 0's
        // published scriptSig (a P2PK signature, outside this test) it is the published tx.
        auto published = decode_bitcoin_transaction(hex(v["signed_tx"]));
        QVERIFY2(published.ok(), published.ok() ? "" : published.error().message.c_str());
        DecodedBitcoinTransaction tx = unsigned_tx.value();
        tx.has_witness = true;
        tx.inputs[0].script_sig = published.value().inputs[0].script_sig;
        Bytes item = signature;
        item.push_back(0x01);
        tx.inputs[1].witness = {item, Bytes(public_key.begin(), public_key.end())};
        QCOMPARE(QByteArray::fromStdString(to_hex(serialize_bitcoin_transaction(tx))),
                 v["signed_tx"]);
    }

    void bip143_published_transaction_passes_input_check() {
        const auto v = bip143_vector();
        const Bytes raw = hex(v["signed_tx"]);
        auto tx = decode_bitcoin_transaction(raw);
        QVERIFY(tx.ok());
        QVERIFY(tx.value().has_witness);
        QCOMPARE(serialize_bitcoin_transaction(tx.value()), raw);
        QCOMPARE(tx.value().locktime, 0x11u);
        const KeyHash160 expected = key_hash_of(v["script_pubkey"].mid(4));
        const auto amount = v["amount_sat"].toULongLong();
        const Status ok = verify_p2wpkh_input(tx.value(), 1, amount, expected);
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        // The amount is signed (BIP 143's point): one satoshi off and the check fails.
        QVERIFY(!verify_p2wpkh_input(tx.value(), 1, amount - 1, expected).ok());
        // Input 0 is a P2PK spend: no witness, so it is no P2WPKH spend of anything.
        QVERIFY(!verify_p2wpkh_input(tx.value(), 0, amount, expected).ok());
        QCOMPARE(verify_p2wpkh_input(tx.value(), 2, amount, expected).error().code,
                 ErrorCode::invalid_argument);
        // txid = reversed double SHA-256 of the witness-free form, which is not the wtxid.
        Hash32 txid = double_sha256(serialize_bitcoin_transaction_without_witness(tx.value()));
        std::reverse(txid.bytes.begin(), txid.bytes.end());
        QCOMPARE(tx.value().txid, txid);
        QVERIFY(tx.value().txid != tx.value().wtxid);
    }

    void bip173_vectors_data() {
        QTest::addColumn<QByteArray>("kind");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("expected");
        int n = 0;
        for (const auto& line : psephos::test::read_vector_lines(
                 QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/bip173_bech32.txt"), 2, 20)) {
            QByteArray expected = line.mid(2).join(' ');
            QTest::newRow(("bip173 " + line[0] + " " + line[1]).constData())
                << line[0] << line[1] << expected;
            ++n;
        }
        QCOMPARE(n, 35);
    }
    void bip173_vectors() {
        QFETCH(QByteArray, kind);
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, expected);
        const std::string s = text_of(text);
        auto bech32 = decode_bech32(s);
        auto address = decode_p2wpkh_address(s);
        if (kind == "bech32-valid") {
            QVERIFY2(bech32.ok(), bech32.ok() ? "" : bech32.error().message.c_str());
            std::string lower = s;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
            QCOMPARE(encode_bech32(bech32.value().hrp, bech32.value().values), lower);
        } else if (kind == "bech32-invalid") {
            QVERIFY(!bech32.ok());
            QCOMPARE(bech32.error().code, ErrorCode::invalid_encoding);
            QVERIFY(!address.ok());
        } else if (kind == "p2wpkh") {
            QVERIFY2(address.ok(), address.ok() ? "" : address.error().message.c_str());
            QCOMPARE(address.value().network, BitcoinNetwork::mainnet);
            QCOMPARE(QByteArray::fromStdString(to_hex(address.value().script_pubkey())), expected);
            QCOMPARE(QString::fromStdString(address.value().to_string()),
                     QString::fromLatin1(text).toLower());
        } else if (kind == "not-p2wpkh") {
            QVERIFY(bech32.ok());  // valid Bech32, valid segwit, just not P2WPKH
            QVERIFY(!address.ok());
            QVERIFY2(contains(address.error().message, expected.toStdString()),
                     address.error().message.c_str());
        } else if (kind == "segwit-invalid") {
            QVERIFY2(!address.ok(), expected.constData());
            QCOMPARE(address.error().code, ErrorCode::invalid_encoding);
            QVERIFY(contains(address.error().message, s));
        } else {
            QFAIL(("unknown vector kind " + kind).constData());
        }
    }

    void p2wpkh_address_round_trips_on_every_network() {
        const auto key = test_key();
        for (auto network :
             {BitcoinNetwork::mainnet, BitcoinNetwork::testnet, BitcoinNetwork::regtest}) {
            const auto address = P2wpkhAddress::of_public_key(key.compressed_public_key(), network);
            const std::string text = address.to_string();
            QVERIFY(text.rfind(std::string(bech32_hrp(network)) + "1q", 0) == 0);
            auto back = decode_p2wpkh_address(text);
            QVERIFY(back.ok());
            QVERIFY(back.value() == address);
        }
        // The BIP 143 key's mainnet address (its scriptPubKey 00141d0f…71a1 in Bech32).
        QCOMPARE(QString::fromStdString(P2wpkhAddress::of_public_key(key.compressed_public_key(),
                                                                     BitcoinNetwork::mainnet)
                                            .to_string()),
                 QStringLiteral("bc1qr583w2swedy2acd7rung055k8t3n7udp7vyzyg"));
    }

    // ---- Building ---------------------------------------------------------------------------

    void builds_decodes_and_verifies_anchor_data() {
        QTest::addColumn<int>("payload_size");
        QTest::addColumn<int>("network");
        for (int size : {1, 32, 75, 76, 80}) {
            for (int network : {0, 1, 2}) {
                QTest::newRow(
                    ("payload " + std::to_string(size) + " network " + std::to_string(network))
                        .c_str())
                    << size << network;
            }
        }
    }
    void builds_decodes_and_verifies_anchor() {
        QFETCH(int, payload_size);
        QFETCH(int, network);
        const auto key = test_key();
        OpReturnAnchorPlan plan = plan_for(100'000, payload_of_size(std::size_t(payload_size)));
        plan.network = static_cast<BitcoinNetwork>(network);
        auto built = build_op_return_transaction(plan, key);
        QVERIFY2(built.ok(), built.ok() ? "" : built.error().message.c_str());
        const SignedBitcoinTransaction& signed_tx = built.value();

        auto tx = decode_bitcoin_transaction(signed_tx.raw);
        QVERIFY2(tx.ok(), tx.ok() ? "" : tx.error().message.c_str());
        const auto& d = tx.value();
        QCOMPARE(d.version, 2u);
        QCOMPARE(d.locktime, 0u);
        QVERIFY(d.has_witness);
        QCOMPARE(d.inputs.size(), std::size_t{1});
        QCOMPARE(d.inputs[0].prevout.txid, plan.input.txid);
        QCOMPARE(d.inputs[0].prevout.vout, plan.input.vout);
        QCOMPARE(d.inputs[0].sequence, anchor_input_sequence);
        QVERIFY(d.inputs[0].script_sig.empty());
        QCOMPARE(d.outputs.size(), std::size_t{2});
        QCOMPARE(d.outputs[0].value_sat, std::uint64_t{0});
        const auto own = P2wpkhAddress::of_public_key(key.compressed_public_key(), plan.network);
        QCOMPARE(d.outputs[1].script_pubkey, own.script_pubkey());
        QCOMPARE(d.outputs[1].value_sat + signed_tx.fee_sat, plan.input.amount_sat);
        QCOMPARE(d.txid, signed_tx.txid);
        QCOMPARE(d.wtxid, signed_tx.wtxid);
        QCOMPARE(serialize_bitcoin_transaction(d), signed_tx.raw);

        auto payload = op_return_payload(d);
        QVERIFY(payload.ok());
        QCOMPARE(payload.value(), plan.payload);
        const Status ok = verify_p2wpkh_input(d, 0, plan.input.amount_sat, own.key_hash);
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
    }

    void op_return_uses_the_shortest_push() {
        const auto key = test_key();
        auto direct = build_op_return_transaction(plan_for(100'000, payload_of_size(75)), key);
        auto pushdata1 = build_op_return_transaction(plan_for(100'000, payload_of_size(76)), key);
        auto largest = build_op_return_transaction(plan_for(100'000, payload_of_size(80)), key);
        QVERIFY(direct.ok() && pushdata1.ok() && largest.ok());
        const auto script = [](const SignedBitcoinTransaction& s) {
            return decode_bitcoin_transaction(s.raw).value().outputs[0].script_pubkey;
        };
        QCOMPARE(to_hex(ByteSpan(script(direct.value())).first(2)), std::string("6a4b"));
        QCOMPARE(to_hex(ByteSpan(script(pushdata1.value())).first(3)), std::string("6a4c4c"));
        QCOMPARE(to_hex(ByteSpan(script(largest.value())).first(3)), std::string("6a4c50"));
        QCOMPARE(script(largest.value()).size(), std::size_t{83});  // -datacarriersize
    }

    void refuses_payload_over_80_bytes() {
        const auto key = test_key();
        auto over = build_op_return_transaction(plan_for(100'000, payload_of_size(81)), key);
        QVERIFY(!over.ok());
        QCOMPARE(over.error().code, ErrorCode::invalid_argument);
        QVERIFY2(contains(over.error().message, "81 bytes exceeds the 80-byte"),
                 over.error().message.c_str());
        auto empty = build_op_return_transaction(plan_for(100'000, {}), key);
        QVERIFY(!empty.ok());
        QVERIFY(contains(empty.error().message, "payload is empty"));
    }

    void utxo_txid_is_taken_in_display_order() {
        const auto key = test_key();
        auto built = build_op_return_transaction(plan_for(100'000, payload_of_size(32)), key);
        QVERIFY(built.ok());
        // version (4) ‖ marker, flag (2) ‖ input count (1) ‖ prevout txid in wire order.
        const Bytes& raw = built.value().raw;
        const Bytes wire(raw.begin() + 7, raw.begin() + 39);
        Bytes display(wire.rbegin(), wire.rend());
        QCOMPARE(to_hex(display), test_utxo(0).txid.to_hex());
        // And the txid printed is the reversed double SHA-256 of the witness-free form.
        auto d = decode_bitcoin_transaction(raw).value();
        Hash32 id = double_sha256(serialize_bitcoin_transaction_without_witness(d));
        std::reverse(id.bytes.begin(), id.bytes.end());
        QCOMPARE(built.value().txid_hex(), id.to_hex());
        Hash32 wid = double_sha256(raw);
        std::reverse(wid.bytes.begin(), wid.bytes.end());
        QCOMPARE(built.value().wtxid_hex(), wid.to_hex());
    }

    void fee_is_rate_times_exact_vsize_data() {
        QTest::addColumn<quint64>("rate");
        for (quint64 rate : {1ULL, 2ULL, 7ULL, 55ULL, 1000ULL}) {
            QTest::newRow(("rate " + std::to_string(rate)).c_str()) << rate;
        }
    }
    void fee_is_rate_times_exact_vsize() {
        QFETCH(quint64, rate);
        const auto key = test_key();
        // Different outpoints give different digests; the grinding signer makes every signature
        // 70 bytes of DER, so the fee is rate × vsize exactly, whatever the digest.
        for (std::uint32_t vout = 0; vout < 40; ++vout) {
            OpReturnAnchorPlan plan = plan_for(5'000'000, payload_of_size(32), FeeRate{rate});
            plan.input.vout = vout;
            auto built = build_op_return_transaction(plan, key);
            QVERIFY(built.ok());
            const auto& s = built.value();
            auto d = decode_bitcoin_transaction(s.raw).value();
            QCOMPARE(s.vsize, vsize_by_hand(s.raw, d));
            QCOMPARE(s.vsize, transaction_vsize(d));
            QCOMPARE(s.fee_sat, rate * s.vsize);
            QCOMPARE(d.outputs.at(1).value_sat, plan.input.amount_sat - s.fee_sat);
            QCOMPARE(d.inputs[0].witness[0].size(), std::size_t{71});  // DER 70 + sighash byte
        }
    }

    void signing_is_deterministic() {
        const auto key = test_key();
        const OpReturnAnchorPlan plan = plan_for(100'000, payload_of_size(32));
        auto first = build_op_return_transaction(plan, key);
        auto second = build_op_return_transaction(plan, key);
        QVERIFY(first.ok() && second.ok());
        QCOMPARE(first.value().raw, second.value().raw);
        QCOMPARE(first.value().txid, second.value().txid);
    }

    void change_is_omitted_below_the_dust_limit() {
        const auto key = test_key();
        auto kept = build_op_return_transaction(
            plan_for(10'000 + p2wpkh_dust_limit_sat, payload_of_size(32), FixedFee{10'000}), key);
        QVERIFY(kept.ok());
        auto kept_tx = decode_bitcoin_transaction(kept.value().raw).value();
        QCOMPARE(kept_tx.outputs.size(), std::size_t{2});
        QCOMPARE(kept_tx.outputs[1].value_sat, p2wpkh_dust_limit_sat);
        QCOMPARE(kept.value().fee_sat, std::uint64_t{10'000});

        auto dropped = build_op_return_transaction(
            plan_for(10'000 + p2wpkh_dust_limit_sat - 1, payload_of_size(32), FixedFee{10'000}),
            key);
        QVERIFY(dropped.ok());
        auto dropped_tx = decode_bitcoin_transaction(dropped.value().raw).value();
        QCOMPARE(dropped_tx.outputs.size(), std::size_t{1});
        QCOMPARE(dropped.value().fee_sat, 10'000 + p2wpkh_dust_limit_sat - 1);
        QVERIFY(verify_p2wpkh_input(dropped_tx, 0, 10'000 + p2wpkh_dust_limit_sat - 1,
                                    hash160(key.compressed_public_key()))
                    .ok());
    }

    void change_below_dust_goes_to_the_fee_at_a_rate() {
        const auto key = test_key();
        const std::uint64_t rate = 10;
        auto rich = build_op_return_transaction(
            plan_for(1'000'000, payload_of_size(32), FeeRate{rate}), key);
        QVERIFY(rich.ok());
        // Just above the fee with change, but not by the dust limit: no change output, the whole
        // UTXO is the fee, and it still pays at least the rate.
        const std::uint64_t amount = rich.value().fee_sat + 100;
        auto poor =
            build_op_return_transaction(plan_for(amount, payload_of_size(32), FeeRate{rate}), key);
        QVERIFY(poor.ok());
        auto d = decode_bitcoin_transaction(poor.value().raw).value();
        QCOMPARE(d.outputs.size(), std::size_t{1});
        QCOMPARE(poor.value().fee_sat, amount);
        QVERIFY(poor.value().fee_sat >= rate * poor.value().vsize);
        QCOMPARE(poor.value().vsize, rich.value().vsize - 31);  // 8 + 1 + 22 bytes of change
    }

    void refuses_insufficient_funds() {
        const auto key = test_key();
        const std::uint64_t rate = 10;
        auto no_change = build_op_return_transaction(
            plan_for(rate * 140, payload_of_size(32), FeeRate{rate}), key);
        QVERIFY(no_change.ok());
        QCOMPARE(decode_bitcoin_transaction(no_change.value().raw).value().outputs.size(),
                 std::size_t{1});
        const std::size_t vsize = no_change.value().vsize;
        // Exactly enough is enough; one satoshi less is not.
        auto exact = build_op_return_transaction(
            plan_for(rate * vsize, payload_of_size(32), FeeRate{rate}), key);
        QVERIFY(exact.ok());
        QCOMPARE(exact.value().fee_sat, rate * vsize);
        auto poor = build_op_return_transaction(
            plan_for(rate * vsize - 1, payload_of_size(32), FeeRate{rate}), key);
        QVERIFY(!poor.ok());
        QCOMPARE(poor.error().code, ErrorCode::refused);
        QVERIFY2(contains(poor.error().message, "cannot pay"), poor.error().message.c_str());

        auto fixed = build_op_return_transaction(
            plan_for(9'999, payload_of_size(32), FixedFee{10'000}), key);
        QVERIFY(!fixed.ok());
        QCOMPARE(fixed.error().code, ErrorCode::refused);
        QVERIFY(contains(fixed.error().message, "cannot pay the fee of 10000 sat"));

        auto below_relay =
            build_op_return_transaction(plan_for(100'000, payload_of_size(32), FixedFee{50}), key);
        QVERIFY(!below_relay.ok());
        QVERIFY2(contains(below_relay.error().message, "below 1 sat/vB"),
                 below_relay.error().message.c_str());

        auto zero_rate =
            build_op_return_transaction(plan_for(100'000, payload_of_size(32), FeeRate{0}), key);
        QVERIFY(!zero_rate.ok());
        QCOMPARE(zero_rate.error().code, ErrorCode::invalid_argument);
    }

    void pays_change_to_the_given_address_of_the_same_network() {
        const auto key = test_key();
        OpReturnAnchorPlan plan = plan_for(100'000, payload_of_size(32));
        plan.network = BitcoinNetwork::mainnet;
        plan.change_address = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
        auto built = build_op_return_transaction(plan, key);
        QVERIFY(built.ok());
        auto d = decode_bitcoin_transaction(built.value().raw).value();
        QCOMPARE(to_hex(d.outputs.at(1).script_pubkey),
                 std::string("0014751e76e8199196d454941c45d1b3a323f1433bd6"));

        plan.network = BitcoinNetwork::testnet;
        auto wrong_network = build_op_return_transaction(plan, key);
        QVERIFY(!wrong_network.ok());
        QVERIFY2(contains(wrong_network.error().message, "is for mainnet"),
                 wrong_network.error().message.c_str());

        plan.change_address = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7";
        auto p2wsh = build_op_return_transaction(plan, key);
        QVERIFY(!p2wsh.ok());
        QVERIFY(contains(p2wsh.error().message, "P2WSH"));
    }

    // ---- Tampering --------------------------------------------------------------------------

    void every_single_byte_change_is_caught() {
        const auto key = test_key();
        const OpReturnAnchorPlan plan = plan_for(100'000, payload_of_size(32));
        const Bytes raw = build_op_return_transaction(plan, key).value().raw;
        const KeyHash160 own = hash160(key.compressed_public_key());
        int undecodable = 0;
        int payload_changed = 0;
        int signature_refused = 0;
        for (std::size_t pos = 0; pos < raw.size(); ++pos) {
            for (unsigned delta = 1; delta < 256; ++delta) {
                Bytes tampered = raw;
                tampered[pos] = static_cast<std::uint8_t>(tampered[pos] ^ delta);
                auto d = decode_bitcoin_transaction(tampered);
                if (!d) {
                    ++undecodable;
                    continue;
                }
                auto payload = op_return_payload(d.value());
                if (!payload || payload.value() != plan.payload) {
                    ++payload_changed;
                    continue;
                }
                if (!verify_p2wpkh_input(d.value(), 0, plan.input.amount_sat, own)) {
                    ++signature_refused;
                    continue;
                }
                QFAIL(("byte " + std::to_string(pos) + " ^ " + std::to_string(delta) +
                       " went unnoticed")
                          .c_str());
            }
        }
        QCOMPARE(undecodable + payload_changed + signature_refused, int(raw.size() * 255));
        QVERIFY(undecodable > 0 && payload_changed > 0 && signature_refused > 0);
    }

    void op_return_payload_needs_exactly_one_op_return() {
        const auto key = test_key();
        auto d = decode_bitcoin_transaction(
                     build_op_return_transaction(plan_for(100'000, payload_of_size(32)), key)
                         .value()
                         .raw)
                     .value();
        DecodedBitcoinTransaction two = d;
        two.outputs.push_back(d.outputs[0]);
        QCOMPARE(op_return_payload(two).error().code, ErrorCode::invalid_encoding);
        QVERIFY(contains(op_return_payload(two).error().message, "both OP_RETURN"));
        DecodedBitcoinTransaction none = d;
        none.outputs.erase(none.outputs.begin());
        QCOMPARE(op_return_payload(none).error().code, ErrorCode::not_found);
        DecodedBitcoinTransaction padded = d;
        padded.outputs[0].script_pubkey = hex("6a4c05");
        padded.outputs[0].script_pubkey.insert(padded.outputs[0].script_pubkey.end(), 5, 0x11);
        QVERIFY(contains(op_return_payload(padded).error().message, "not the shortest push"));
        DecodedBitcoinTransaction two_pushes = d;
        two_pushes.outputs[0].script_pubkey.push_back(0x00);
        QVERIFY(!op_return_payload(two_pushes).ok());
    }

    // ---- Decoder rejections -----------------------------------------------------------------

    void decoder_rejects_every_truncation() {
        const auto key = test_key();
        const Bytes raw =
            build_op_return_transaction(plan_for(100'000, payload_of_size(80)), key).value().raw;
        for (std::size_t size = 0; size < raw.size(); ++size) {
            auto d = decode_bitcoin_transaction(ByteSpan(raw).first(size));
            QVERIFY2(!d.ok(), std::to_string(size).c_str());
            QCOMPARE(d.error().code, ErrorCode::invalid_encoding);
            QVERIFY(d.error().message.rfind("bitcoin transaction at byte ", 0) == 0);
        }
        const Bytes legacy = hex(bip143_vector()["unsigned_tx"]);
        for (std::size_t size = 0; size < legacy.size(); ++size) {
            QVERIFY(!decode_bitcoin_transaction(ByteSpan(legacy).first(size)).ok());
        }
    }

    void decoder_rejects_trailing_bytes() {
        const auto key = test_key();
        Bytes raw =
            build_op_return_transaction(plan_for(100'000, payload_of_size(32)), key).value().raw;
        raw.push_back(0x00);
        auto d = decode_bitcoin_transaction(raw);
        QVERIFY(!d.ok());
        QVERIFY2(contains(d.error().message, "1 trailing bytes"), d.error().message.c_str());
    }

    void decoder_rejects_non_minimal_compact_size_data() {
        QTest::addColumn<int>("offset");
        QTest::addColumn<QByteArray>("replacement");
        // Offsets in a built one-input anchor: 6 input count; 6+1+36 scriptSig length;
        // 6+1+36+1+4 output count; after the outputs, the witness item count.
        QTest::newRow("input count fd") << 6 << QByteArray("fd0100");
        QTest::newRow("input count fe") << 6 << QByteArray("fe01000000");
        QTest::newRow("input count ff") << 6 << QByteArray("ff0100000000000000");
        QTest::newRow("scriptSig length fd") << 43 << QByteArray("fd0000");
        QTest::newRow("output count fd") << 48 << QByteArray("fd0200");
    }
    void decoder_rejects_non_minimal_compact_size() {
        QFETCH(int, offset);
        QFETCH(QByteArray, replacement);
        const auto key = test_key();
        Bytes raw =
            build_op_return_transaction(plan_for(100'000, payload_of_size(32)), key).value().raw;
        const Bytes with = hex(replacement);
        QVERIFY(raw[std::size_t(offset)] == with.back() || raw[std::size_t(offset)] == with[1]);
        raw.erase(raw.begin() + offset);
        raw.insert(raw.begin() + offset, with.begin(), with.end());
        auto d = decode_bitcoin_transaction(raw);
        QVERIFY(!d.ok());
        QVERIFY2(contains(d.error().message, "at byte " + std::to_string(offset) + ":") &&
                     contains(d.error().message, "non-minimal CompactSize"),
                 d.error().message.c_str());
    }

    void decoder_rejects_non_minimal_witness_item_count() {
        const auto key = test_key();
        const Bytes raw =
            build_op_return_transaction(plan_for(100'000, payload_of_size(32)), key).value().raw;
        const auto d = decode_bitcoin_transaction(raw).value();
        const std::size_t witness_at =
            serialize_bitcoin_transaction_without_witness(d).size() - 4 + 2;
        QCOMPARE(raw[witness_at], std::uint8_t{2});
        Bytes tampered = raw;
        tampered[witness_at] = 0xfd;
        tampered.insert(tampered.begin() + std::ptrdiff_t(witness_at) + 1, {0x02, 0x00});
        auto bad = decode_bitcoin_transaction(tampered);
        QVERIFY(!bad.ok());
        QVERIFY2(contains(bad.error().message, "non-minimal"), bad.error().message.c_str());
    }

    void decoder_rejects_malformed_structure_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("message");
        const QByteArray input = "01" + QByteArray(64, '1') + "00000000" + "00" + "ffffffff";
        const QByteArray output =
            "01"
            "0000000000000000"
            "00";
        QTest::newRow("empty") << QByteArray() << QByteArray("version: truncated");
        QTest::newRow("segwit flag 2") << QByteArray(
                                              "02000000"
                                              "0002") +
                                              input.mid(2) + output +
                                              "0100"
                                              "00000000"
                                       << QByteArray("segwit flag must be 0x01");
        QTest::newRow("segwit without witness data") << QByteArray(
                                                            "02000000"
                                                            "0001") +
                                                            input + output +
                                                            "00"
                                                            "00000000"
                                                     << QByteArray("without witness data");
        QTest::newRow("no outputs") << QByteArray("02000000") + input +
                                           "00"
                                           "00000000"
                                    << QByteArray("no outputs");
        QTest::newRow("value above 21 M BTC") << QByteArray("02000000") + input +
                                                     "01"
                                                     "0140075af0750700"
                                                     "00"
                                                     "00000000"
                                              << QByteArray("exceeds 21 000 000 BTC");
        QTest::newRow("huge input count") << QByteArray(
                                                 "02000000"
                                                 "fe40420f00") +
                                                 QByteArray(100, '0')
                                          << QByteArray("exceeds the limit");
        QTest::newRow("input count beyond the data") << QByteArray(
                                                            "02000000"
                                                            "fd0010") +
                                                            QByteArray(100, '0')
                                                     << QByteArray("do not fit");
        QTest::newRow("script longer than the data") << QByteArray("02000000") + input +
                                                            "01"
                                                            "0000000000000000"
                                                            "fd0001"
                                                            "00000000"
                                                     << QByteArray("bytes announced");
        QTest::newRow("compact size above MAX_SIZE") << QByteArray("02000000") + input +
                                                            "01"
                                                            "0000000000000000"
                                                            "fe01000002"
                                                     << QByteArray("too large");
    }
    void decoder_rejects_malformed_structure() {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, message);
        auto d = decode_bitcoin_transaction(hex(raw));
        QVERIFY(!d.ok());
        QCOMPARE(d.error().code, ErrorCode::invalid_encoding);
        QVERIFY2(contains(d.error().message, message.toStdString()), d.error().message.c_str());
    }

    void decoder_accepts_a_minimal_legacy_transaction() {
        const QByteArray raw =
            "02000000"
            "01" +
            QByteArray(64, '1') +
            "00000000"
            "00"
            "ffffffff" +
            "01"
            "0000000000000000"
            "026a00"
            "00000000";
        auto d = decode_bitcoin_transaction(hex(raw));
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().message.c_str());
        QVERIFY(!d.value().has_witness);
        QCOMPARE(d.value().txid, d.value().wtxid);
        QCOMPARE(to_hex(serialize_bitcoin_transaction(d.value())), raw.toStdString());
    }
};

QTEST_APPLESS_MAIN(TestBitcoinTransaction)
#include "tst_bitcoin_transaction.moc"
