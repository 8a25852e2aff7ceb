// secp256k1 keys (bridge/secp256k1_key.hpp): known public keys, deterministic low-S signatures
// that verify and recover, refusal of every one-byte change, and strict key files.
#include <QTest>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/merkle_tree.hpp"

using namespace psephos;
using namespace psephos::bridge;

namespace {

Bytes hex(std::string_view text) { return from_hex(text).value(); }

Secp256k1SigningKey key_of(std::string_view secret_hex) {
    return Secp256k1SigningKey::from_secret(hex(secret_hex)).value();
}

const char* const group_order_hex =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

std::filesystem::path fresh_dir(const char* name) {
    auto dir = std::filesystem::temp_directory_path() /
               (std::string("psephos-secp256k1-") + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

class TestSecp256k1Key : public QObject {
    Q_OBJECT

private slots:
    void public_keys_match_known_points_data() {
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("compressed");
        // 1·G and 3·G (SEC 2 §2.4.1 generator; multiples as listed in the secp256k1 test data
        // of many libraries, e.g. bitcoin-core/secp256k1 and python-ecdsa).
        QTest::newRow("G") << "0000000000000000000000000000000000000000000000000000000000000001"
                           << "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
        QTest::newRow("3G") << "0000000000000000000000000000000000000000000000000000000000000003"
                            << "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
        // BIP 143's native P2WPKH example key and its published public key.
        QTest::newRow("bip143 p2wpkh")
            << "619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9"
            << "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
    }
    void public_keys_match_known_points() {
        QFETCH(QString, secret);
        QFETCH(QString, compressed);
        const Secp256k1SigningKey key = key_of(secret.toStdString());
        QCOMPARE(QString::fromStdString(to_hex(key.compressed_public_key())), compressed);
        const UncompressedPublicKey full = key.uncompressed_public_key();
        QCOMPARE(full[0], std::uint8_t{0x04});
        QVERIFY(std::equal(full.begin() + 1, full.begin() + 33,
                           key.compressed_public_key().begin() + 1));
    }

    void rejects_secrets_out_of_range() {
        QVERIFY(!Secp256k1SigningKey::from_secret(Bytes(32, 0)));
        QVERIFY(!Secp256k1SigningKey::from_secret(hex(group_order_hex)));
        QVERIFY(!Secp256k1SigningKey::from_secret(Bytes(31, 1)));
        // n − 1 is the largest valid secret.
        Bytes n_minus_1 = hex(group_order_hex);
        n_minus_1.back() = 0x40;
        QVERIFY(Secp256k1SigningKey::from_secret(n_minus_1).ok());
    }

    void signatures_are_deterministic_low_s_and_recover() {
        const Secp256k1SigningKey key = Secp256k1SigningKey::generate();
        const Hash32 digest = crypto::sha256(as_bytes("anchor payload"));
        const RecoverableSignature a = key.sign_recoverable(digest);
        const RecoverableSignature b = key.sign_recoverable(digest);
        QVERIFY(a.r == b.r && a.s == b.s && a.recovery_id == b.recovery_id);
        QVERIFY(a.s[0] < 0x80);  // low-S: s ≤ n/2 < 2^255
        auto recovered = recover_public_key(digest, a);
        QVERIFY(recovered.ok());
        QVERIFY(recovered.value() == key.uncompressed_public_key());

        const Bytes der = key.sign_der(digest);
        QVERIFY(verify_der_signature(key.compressed_public_key(), digest, der).ok());
        QVERIFY(verify_der_signature(key.uncompressed_public_key(), digest, der).ok());
    }

    void rejects_every_one_byte_change() {
        const Secp256k1SigningKey key = Secp256k1SigningKey::generate();
        const Hash32 digest = crypto::sha256(as_bytes("anchor payload"));
        const Bytes der = key.sign_der(digest);
        for (std::size_t i = 0; i < der.size(); ++i) {
            Bytes changed = der;
            changed[i] ^= 0x01;
            QVERIFY2(!verify_der_signature(key.compressed_public_key(), digest, changed),
                     qPrintable(QString("signature byte %1").arg(i)));
        }
        for (std::size_t i = 0; i < digest.bytes.size(); ++i) {
            Hash32 changed = digest;
            changed.bytes[i] ^= 0x80;
            QVERIFY(!verify_der_signature(key.compressed_public_key(), changed, der));
        }
        const RecoverableSignature signature = key.sign_recoverable(digest);
        for (std::size_t i = 0; i < 32; ++i) {
            RecoverableSignature changed = signature;
            changed.s[i] ^= 0x01;
            auto recovered = recover_public_key(digest, changed);
            QVERIFY(!recovered || recovered.value() != key.uncompressed_public_key());
        }
        const Secp256k1SigningKey other = Secp256k1SigningKey::generate();
        QCOMPARE(verify_der_signature(other.compressed_public_key(), digest, der).error().code,
                 ErrorCode::verification_failed);
    }

    void key_files_round_trip_and_refuse_damage() {
        const auto dir = fresh_dir("files");
        const Secp256k1SigningKey key = Secp256k1SigningKey::generate();
        const auto path = dir / "bridge-evm.key";
        QVERIFY(write_secp256k1_key_file(path, key, "bridge-evm").ok());
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        auto read = read_secp256k1_key_file(path);
        QVERIFY2(read.ok(), read ? "" : read.error().message.c_str());
        QVERIFY(read.value().compressed_public_key() == key.compressed_public_key());
        // Never replaces a file.
        QVERIFY(!write_secp256k1_key_file(path, key, "bridge-evm"));

        // A file others can read is refused, naming the mode.
        ::chmod(path.c_str(), 0644);
        auto open_file = read_secp256k1_key_file(path);
        QVERIFY(!open_file);
        QCOMPARE(open_file.error().code, ErrorCode::permission_denied);
        ::chmod(path.c_str(), 0600);

        std::string text;
        {
            std::ifstream in(path);
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        auto write_variant = [&](const std::string& name, const std::string& content) {
            const auto p = dir / name;
            std::ofstream(p) << content;
            ::chmod(p.c_str(), 0600);
            return read_secp256k1_key_file(p);
        };
        // The public line must match the secret: change one hex digit of the public key.
        std::string wrong_public = text;
        const std::size_t at = wrong_public.find("public: ") + 8 + 10;
        wrong_public[at] = wrong_public[at] == '0' ? '1' : '0';
        auto mismatch = write_variant("mismatch.key", wrong_public);
        QVERIFY(!mismatch);
        QVERIFY(mismatch.error().message.find("line 3") != std::string::npos);
        // Truncated, another header, a short secret.
        QVERIFY(!write_variant("truncated.key", text.substr(0, text.size() - 1)));
        QVERIFY(!write_variant("header.key",
                               "psephos-ed25519-secret-key-v1" + text.substr(text.find('\n'))));
        std::string short_secret = text;
        short_secret.erase(short_secret.size() - 3, 2);
        auto bad_secret = write_variant("short.key", short_secret);
        QVERIFY(!bad_secret);
        QVERIFY(bad_secret.error().message.find("line 4") != std::string::npos);
        std::filesystem::remove_all(dir);
    }
};

QTEST_APPLESS_MAIN(TestSecp256k1Key)
#include "tst_secp256k1_key.moc"
