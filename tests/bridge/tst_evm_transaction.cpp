// EVM addresses and transactions (bridge/evm_transaction.hpp): EIP-55's published addresses,
// EIP-155's published example reproduced byte for byte, EIP-1559 and more EIP-155 transactions
// signed identically by ethers.js (vectors/evm_transactions.txt), and a decoder that refuses
// every malformed or non-canonical transaction and every single-byte change of a signed one
// (or recovers another sender from it).
#include <QTest>

#include "vector_file.hpp"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/keccak.hpp"
#include "psephos/bridge/rlp.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

QList<QList<QByteArray>> vector_lines(const char* kind) {
    return test::read_vector_lines_of_kind(
        QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/evm_transactions.txt"), kind, 2, 15);
}
using test::hex_text;
using test::vector_u64;
Bytes hex(const QByteArray& text) { return test::vector_hex(text); }

U256 u256(const QByteArray& text) { return u256_from_big_endian(hex(text)).value(); }

std::optional<EvmAddress> to_of(const QByteArray& text) {
    if (text == "-") return std::nullopt;
    return EvmAddress::from_text(("0x" + text).toStdString()).value();
}

Secp256k1SigningKey key_of(const QByteArray& secret) {
    return Secp256k1SigningKey::from_secret(hex(secret)).value();
}

// One signed transaction of the vector file, either kind.
struct Vector {
    QByteArray name;
    QByteArray secret;
    std::variant<Eip1559Transaction, LegacyTransaction> transaction;
    QByteArray signing_hash, raw, hash, sender;
};

QList<Vector> vectors() {
    QList<Vector> out;
    for (const auto& f : vector_lines("eip155")) {
        LegacyTransaction tx;
        tx.nonce = vector_u64(f[3]);
        tx.gas_price = u256(f[4]);
        tx.gas_limit = vector_u64(f[5]);
        tx.to = to_of(f[6]);
        tx.value = u256(f[7]);
        tx.data = hex(f[8]);
        tx.chain_id = vector_u64(f[9]);
        out.push_back({f[1], f[2], tx, f[10], f[11], f[12], f[13]});
    }
    for (const auto& f : vector_lines("eip1559")) {
        Eip1559Transaction tx;
        tx.chain_id = vector_u64(f[3]);
        tx.nonce = vector_u64(f[4]);
        tx.max_priority_fee_per_gas = u256(f[5]);
        tx.max_fee_per_gas = u256(f[6]);
        tx.gas_limit = vector_u64(f[7]);
        tx.to = to_of(f[8]);
        tx.value = u256(f[9]);
        tx.data = hex(f[10]);
        out.push_back({f[1], f[2], tx, f[11], f[12], f[13], f[14]});
    }
    return out;
}

const Vector& vector_named(const char* name) {
    static const QList<Vector> all = vectors();
    for (const Vector& v : all) {
        if (v.name == name) return v;
    }
    qFatal("no vector %s", name);
}

Hash32 signing_hash_of(const Vector& v) {
    return std::visit([](const auto& tx) { return tx.signing_hash(); }, v.transaction);
}
SignedEvmTransaction sign(const Vector& v) {
    const Secp256k1SigningKey key = key_of(v.secret);
    return std::visit([&](const auto& tx) { return tx.sign(key); }, v.transaction);
}

void add_vector_rows() {
    QTest::addColumn<QByteArray>("name");
    for (const Vector& v : vectors()) QTest::newRow(v.name.constData()) << v.name;
}

// The raw transaction with its RLP list taken apart, changed by `edit`, and put back together.
Bytes with_fields_edited(const Bytes& raw, const std::function<void(std::vector<RlpItem>&)>& edit) {
    const bool typed = raw.at(0) == 0x02;
    RlpItem list = rlp_decode(ByteSpan(raw).subspan(typed ? 1 : 0)).value();
    edit(list.items);
    Bytes out = rlp_encode(list);
    if (typed) out.insert(out.begin(), 0x02);
    return out;
}

// "ok" or the error message, so failed comparisons show what came back.
std::string outcome(const Result<DecodedEvmTransaction>& decoded) {
    return decoded.ok() ? "ok" : decoded.error().message;
}

void require_refused(const Bytes& raw, const std::string& fragment) {
    auto decoded = decode_signed_transaction(raw);
    QVERIFY2(!decoded.ok(), ("accepted, expected: " + fragment).c_str());
    QCOMPARE(decoded.error().code, ErrorCode::invalid_encoding);
    QVERIFY2(decoded.error().message.find(fragment) != std::string::npos,
             (decoded.error().message + "  (expected: " + fragment + ")").c_str());
}

const char* const half_order_hex =
    "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";
const char* const order_hex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// n − s for a 32-byte big-endian s < n.
Bytes negate_mod_order(const Bytes& s) {
    const Bytes n = hex(order_hex);
    Bytes padded(32 - s.size(), 0);
    padded.insert(padded.end(), s.begin(), s.end());
    Bytes out(32);
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int d = n[static_cast<std::size_t>(i)] - padded[static_cast<std::size_t>(i)] - borrow;
        borrow = d < 0 ? 1 : 0;
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d + 256 * borrow);
    }
    return out;
}

}  // namespace

class TestEvmTransaction : public QObject {
    Q_OBJECT
private slots:
    // ---- addresses ----

    void accepts_eip55_published_addresses_data() {
        QTest::addColumn<QByteArray>("text");
        for (const auto& f : vector_lines("eip55")) QTest::newRow(f[1].constData()) << f[1];
        QCOMPARE(vector_lines("eip55").size(), 8);
    }
    void accepts_eip55_published_addresses() {
        QFETCH(QByteArray, text);
        const std::string s = text.toStdString();
        auto address = EvmAddress::from_text(s);
        QVERIFY2(address.ok(), address.ok() ? "" : address.error().message.c_str());
        const std::string checksummed = address.value().to_checksum_text();
        QCOMPARE(QByteArray::fromStdString(checksummed).toLower(), text.toLower());
        const std::string digits = s.substr(2);
        const bool single_case = QByteArray::fromStdString(digits).toLower() == text.mid(2) ||
                                 QByteArray::fromStdString(digits).toUpper() == text.mid(2);
        if (!single_case) QCOMPARE(checksummed, s);  // the published checksummed form
        QVERIFY(EvmAddress::from_text(checksummed).value() == address.value());
    }

    void refuses_a_mixed_case_address_off_its_checksum() {
        for (const auto& f : vector_lines("eip55")) {
            const std::string checksummed =
                EvmAddress::from_text(f[1].toStdString()).value().to_checksum_text();
            for (std::size_t i = 2; i < checksummed.size(); ++i) {
                std::string changed = checksummed;
                const char c = changed[i];
                if (c >= 'a' && c <= 'f')
                    changed[i] = static_cast<char>(c - 'a' + 'A');
                else if (c >= 'A' && c <= 'F')
                    changed[i] = static_cast<char>(c - 'A' + 'a');
                else
                    continue;
                auto refused = EvmAddress::from_text(changed);
                // Changing the only letter of one case to the other makes it single-case.
                const QByteArray digits = QByteArray::fromStdString(changed.substr(2));
                if (digits == digits.toLower() || digits == digits.toUpper()) continue;
                QVERIFY2(!refused.ok(), changed.c_str());
                QVERIFY(refused.error().message.find("EIP-55") != std::string::npos);
            }
        }
    }

    void refuses_malformed_addresses_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("no 0x") << QByteArray("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        QTest::newRow("0X") << QByteArray("0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        QTest::newRow("39 digits") << QByteArray("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae");
        QTest::newRow("41 digits") << QByteArray("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0");
        QTest::newRow("not hex") << QByteArray("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg");
        QTest::newRow("space") << QByteArray("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae ");
        QTest::newRow("empty") << QByteArray("");
    }
    void refuses_malformed_addresses() {
        QFETCH(QByteArray, text);
        auto refused = EvmAddress::from_text(text.toStdString());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::invalid_encoding);
    }

    void derives_the_eip155_example_sender_from_its_key() {
        const Secp256k1SigningKey key = key_of(QByteArray("46").repeated(32));
        QCOMPARE(EvmAddress::of_public_key(key.uncompressed_public_key()).to_checksum_text(),
                 std::string("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"));
    }

    // ---- known answers ----

    void reproduces_the_eip155_example_byte_for_byte() {
        LegacyTransaction tx;
        tx.nonce = 9;
        tx.gas_price = u256_from_u64(20'000'000'000);
        tx.gas_limit = 21000;
        tx.to = EvmAddress::from_text("0x3535353535353535353535353535353535353535").value();
        tx.value = u256_from_u64(1'000'000'000'000'000'000);
        tx.chain_id = 1;
        QCOMPARE(tx.signing_hash().to_hex(),
                 "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
        const SignedEvmTransaction signed_tx = tx.sign(key_of(QByteArray("46").repeated(32)));
        QCOMPARE(to_hex(signed_tx.raw),
                 "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7"
                 "6400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a0"
                 "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
        QVERIFY(signed_tx.hash == keccak256(signed_tx.raw));
        auto decoded = decode_signed_transaction(signed_tx.raw);
        QVERIFY2(decoded.ok(), outcome(decoded).c_str());
        QCOMPARE(decoded.value().sender.to_checksum_text(),
                 std::string("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"));
        QVERIFY(std::get<LegacyTransaction>(decoded.value().transaction) == tx);
    }

    void signs_like_ethers_data() { add_vector_rows(); }
    void signs_like_ethers() {
        QFETCH(QByteArray, name);
        const Vector& v = vector_named(name.constData());
        QCOMPARE(hex_text(signing_hash_of(v).bytes), v.signing_hash);
        const SignedEvmTransaction signed_tx = sign(v);
        QCOMPARE(hex_text(signed_tx.raw), v.raw);
        QCOMPARE(hex_text(signed_tx.hash.bytes), v.hash);
        // Deterministic (RFC 6979): signing again gives the same bytes.
        QVERIFY(sign(v).raw == signed_tx.raw);
    }

    void decodes_what_ethers_signed_data() { add_vector_rows(); }
    void decodes_what_ethers_signed() {
        QFETCH(QByteArray, name);
        const Vector& v = vector_named(name.constData());
        const Bytes raw = hex(v.raw);
        auto decoded = decode_signed_transaction(raw);
        QVERIFY2(decoded.ok(), outcome(decoded).c_str());
        const DecodedEvmTransaction& d = decoded.value();
        QCOMPARE(d.sender.to_checksum_text(), v.sender.toStdString());
        QCOMPARE(hex_text(d.hash.bytes), v.hash);
        QCOMPARE(hex_text(d.signing_hash.bytes), v.signing_hash);
        QCOMPARE(d.transaction.index(), v.transaction.index());
        std::visit(
            [&](const auto& tx) {
                using T = std::decay_t<decltype(tx)>;
                QVERIFY(std::get<T>(d.transaction) == tx);
                QVERIFY(tx.encode_signed(d.signature) == raw);
                QCOMPARE(d.chain_id(), tx.chain_id);
                QCOMPARE(d.nonce(), tx.nonce);
                QCOMPARE(d.gas_limit(), tx.gas_limit);
                QVERIFY(d.to() == tx.to);
                QVERIFY(d.value() == tx.value);
                QVERIFY(d.data() == tx.data);
            },
            v.transaction);
        QVERIFY(d.sender == EvmAddress::of_public_key(key_of(v.secret).uncompressed_public_key()));
    }

    // ---- tampering ----

    void every_single_byte_change_is_refused_or_changes_the_sender_data() {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("all_values");
        for (const Vector& v : vectors()) {
            const bool all_values =
                v.name == "eip155_example" || v.name == "eip1559_simple_transfer";
            QTest::newRow(v.name.constData()) << v.name << all_values;
        }
    }
    void every_single_byte_change_is_refused_or_changes_the_sender() {
        QFETCH(QByteArray, name);
        QFETCH(bool, all_values);
        const Vector& v = vector_named(name.constData());
        const Bytes raw = hex(v.raw);
        const DecodedEvmTransaction original = decode_signed_transaction(raw).value();
        int refused = 0, other_sender = 0;
        for (std::size_t at = 0; at < raw.size(); ++at) {
            for (int change = 1; change < 256; ++change) {
                if (!all_values && change != 0x01 && change != 0x80 && change != 0xff) continue;
                Bytes tampered = raw;
                tampered[at] = static_cast<std::uint8_t>(tampered[at] ^ change);
                auto decoded = decode_signed_transaction(tampered);
                if (!decoded.ok()) {
                    QVERIFY(!decoded.error().message.empty());
                    ++refused;
                    continue;
                }
                QVERIFY(decoded.value().hash != original.hash);
                if (decoded.value().sender == original.sender) {
                    QFAIL(("byte " + std::to_string(at) + " ^ " + std::to_string(change) +
                           " keeps the sender")
                              .c_str());
                }
                ++other_sender;
            }
        }
        qInfo("%s: %d changes refused, %d recover another sender", name.constData(), refused,
              other_sender);
        QVERIFY(refused > 0);
    }

    // ---- strictness ----

    void refuses_malformed_envelopes() {
        require_refused({}, "no bytes");
        require_refused(hex("01c0"), "type 0x01 is not supported");
        require_refused(hex("8180"), "neither a typed transaction nor an RLP list");
        require_refused(hex("02"), "EIP-1559 transaction: RLP: offset 1: no item");
        require_refused(hex("02c0"), "fields: offset 1: expected 12, found 0");
        require_refused(hex("c0"), "legacy transaction: fields: offset 0: expected 9, found 0");
        Bytes trailing = hex(vector_named("eip1559_simple_transfer").raw);
        trailing.push_back(0x00);
        require_refused(trailing, "bytes after the end of the item");
    }

    void refuses_wrong_field_counts() {
        const Bytes raw1559 = hex(vector_named("eip1559_simple_transfer").raw);
        require_refused(with_fields_edited(raw1559, [](auto& f) { f.pop_back(); }),
                        "expected 12, found 11");
        require_refused(
            with_fields_edited(raw1559, [](auto& f) { f.push_back(RlpItem::of_uint(1)); }),
            "expected 12, found 13");
        const Bytes raw155 = hex(vector_named("eip155_example").raw);
        require_refused(with_fields_edited(raw155, [](auto& f) { f.pop_back(); }),
                        "expected 9, found 8");
    }

    void refuses_non_canonical_fields() {
        const Bytes raw = hex(vector_named("eip1559_simple_transfer").raw);
        require_refused(
            with_fields_edited(raw, [](auto& f) { f[1] = RlpItem::of_bytes(hex("0009")); }),
            "nonce: RLP: offset 4: integer has a leading zero byte");
        require_refused(
            with_fields_edited(raw, [](auto& f) { f[4] = RlpItem::of_bytes(Bytes(9, 1)); }),
            "gas limit: RLP: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[2] = RlpItem::of_list({}); }),
                        "max priority fee per gas: RLP: offset");
        require_refused(
            with_fields_edited(raw, [](auto& f) { f[6] = RlpItem::of_bytes(Bytes(33, 1)); }),
            "value: RLP: offset");
        require_refused(
            with_fields_edited(raw, [](auto& f) { f[5] = RlpItem::of_bytes(Bytes(19, 0x35)); }),
            "to: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[5] = RlpItem::of_list({}); }),
                        "to: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[7] = RlpItem::of_list({}); }),
                        "data: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[0] = RlpItem::of_uint(0); }),
                        "chain id: offset 3: must not be 0");
    }

    void refuses_access_lists() {
        const Bytes raw = hex(vector_named("eip1559_simple_transfer").raw);
        require_refused(
            with_fields_edited(raw,
                               [](auto& f) {
                                   f[8] = RlpItem::of_list({RlpItem::of_list(
                                       {RlpItem::of_bytes(Bytes(20, 1)), RlpItem::of_list({})})});
                               }),
            "access list: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[8] = RlpItem::of_bytes({}); }),
                        "access list: offset");
    }

    void refuses_bad_signature_values() {
        const Bytes raw = hex(vector_named("eip1559_simple_transfer").raw);
        require_refused(with_fields_edited(raw, [](auto& f) { f[9] = RlpItem::of_uint(2); }),
                        "y parity: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[9] = RlpItem::of_uint(27); }),
                        "y parity: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[10] = RlpItem::of_uint(0); }),
                        "r: offset");
        require_refused(
            with_fields_edited(raw, [](auto& f) { f[10] = RlpItem::of_bytes(hex(order_hex)); }),
            "r: offset");
        require_refused(with_fields_edited(raw, [](auto& f) { f[11] = RlpItem::of_uint(0); }),
                        "s: offset");
    }

    void refuses_high_s_signatures() {
        // (r, n − s) with the other y parity is the same signature's malleated twin (EIP-2);
        // it must be refused, not recover the same sender.
        for (const char* name : {"eip1559_simple_transfer", "eip155_example"}) {
            const Bytes raw = hex(vector_named(name).raw);
            const bool typed = raw[0] == 0x02;
            const Bytes edited = with_fields_edited(raw, [&](std::vector<RlpItem>& f) {
                RlpItem& s = f.back();
                s = RlpItem::of_uint_big_endian(negate_mod_order(s.bytes));
                // The other y parity: y_parity ^ 1, or for EIP-155 v = 35 + 2·chain_id + parity.
                RlpItem& v = f[f.size() - 3];
                const std::uint64_t old_v = rlp_to_uint64(v).value();
                const std::uint64_t new_v =
                    typed ? old_v ^ 1 : ((old_v - 35) % 2 == 0 ? old_v + 1 : old_v - 1);
                v = RlpItem::of_uint(new_v);
            });
            require_refused(edited, "high-S");
        }
        // The largest low s, n/2, is accepted by the range check (then recovers some key).
        const Bytes raw = hex(vector_named("eip1559_simple_transfer").raw);
        auto at_half = decode_signed_transaction(with_fields_edited(
            raw, [](auto& f) { f[11] = RlpItem::of_bytes(hex(half_order_hex)); }));
        if (!at_half.ok()) QVERIFY(at_half.error().message.find("high-S") == std::string::npos);
    }

    void refuses_legacy_signatures_without_a_chain_id() {
        const Bytes raw = hex(vector_named("eip155_example").raw);
        for (std::uint64_t v : {27, 28}) {
            require_refused(with_fields_edited(raw, [&](auto& f) { f[6] = RlpItem::of_uint(v); }),
                            "pre-EIP-155");
        }
        for (std::uint64_t v : {0, 1, 35, 36}) {
            require_refused(with_fields_edited(raw, [&](auto& f) { f[6] = RlpItem::of_uint(v); }),
                            "v: offset");
        }
    }

    void sign_refuses_chain_id_zero() {
        const Secp256k1SigningKey key = key_of(QByteArray("46").repeated(32));
        Eip1559Transaction tx;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tx.sign(key));
        LegacyTransaction legacy;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, legacy.sign(key));
        legacy.chain_id = UINT64_MAX / 2;  // v would not fit 64 bits
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, legacy.sign(key));
    }

    void signs_and_decodes_fresh_keys() {
        for (int i = 0; i < 8; ++i) {
            const Secp256k1SigningKey key = Secp256k1SigningKey::generate();
            Eip1559Transaction tx;
            tx.chain_id = 31337;
            tx.nonce = static_cast<std::uint64_t>(i);
            tx.max_fee_per_gas = u256_from_u64(3'000'000'000);
            tx.gas_limit = 100000;
            tx.data = Bytes(static_cast<std::size_t>(i * 17), 0x5a);
            const SignedEvmTransaction signed_tx = tx.sign(key);
            auto decoded = decode_signed_transaction(signed_tx.raw);
            QVERIFY2(decoded.ok(), outcome(decoded).c_str());
            QVERIFY(decoded.value().sender ==
                    EvmAddress::of_public_key(key.uncompressed_public_key()));
            QVERIFY(decoded.value().hash == signed_tx.hash);
            QVERIFY(std::get<Eip1559Transaction>(decoded.value().transaction) == tx);
        }
    }

    void u256_helpers() {
        QCOMPARE(to_hex(u256_from_u64(0x0102)), std::string(60, '0') + "0102");
        QVERIFY(u256_from_big_endian(hex("0102")).value() == u256_from_u64(0x0102));
        QVERIFY(u256_from_big_endian({}).value() == U256{});
        QCOMPARE(u256_from_big_endian(Bytes(33, 0)).error().code, ErrorCode::invalid_argument);
    }
};

QTEST_APPLESS_MAIN(TestEvmTransaction)
#include "tst_evm_transaction.moc"
