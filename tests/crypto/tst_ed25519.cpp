// Ed25519 identities: RFC 8032 known answers, tampered signatures, key import checks, and the
// secret and public key files (mode, atomic no-replace writes, strict reads).
#include <sodium.h>
#include <sys/stat.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "file_text.hpp"
#include "vector_file.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"

using psephos::Bytes;
using psephos::ErrorCode;
using psephos::from_hex;
using psephos::crypto::Ed25519PublicKey;
using psephos::crypto::Ed25519Signature;
using psephos::crypto::Ed25519SigningKey;
using psephos::crypto::read_public_key_file;
using psephos::crypto::read_signing_key_file;
using psephos::crypto::replace_file;
using psephos::crypto::verify_signature;
using psephos::crypto::write_public_key_file;
using psephos::crypto::write_signing_key_file;
using psephos::test::read_text;

namespace fs = std::filesystem;

namespace {
struct Vector {
    QByteArray name, secret_key, public_key, message, signature;
};

QList<Vector> read_vectors() {
    QList<Vector> out;
    for (const auto& p : psephos::test::read_vector_lines(
             QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/rfc8032_ed25519.txt"), 5)) {
        out.push_back({p[0], p[1], p[2], p[3] == "-" ? QByteArray() : p[3], p[4]});
    }
    return out;
}

Bytes hex(const QByteArray& h) {
    return from_hex(h.toStdString()).value();
}  // TEST 1's message is empty

Ed25519SigningKey rfc8032_key(int index) {
    return Ed25519SigningKey::from_seed(hex(read_vectors().at(index).secret_key)).value();
}

// Writes a file as a user or another program might have left it, with the given mode.
void write_text(const fs::path& path, const std::string& text, mode_t mode = 0600) {
    fs::remove(path);
    {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    QCOMPARE(::chmod(path.c_str(), mode), 0);
}

mode_t file_mode(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// TEST 1 of RFC 8032 §7.1 as a secret key file named "guardian-3", byte for byte.
const std::string rfc8032_test1_key_file =
    "psephos-ed25519-secret-key-v1\n"
    "name: guardian-3\n"
    "public: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "seed: nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n";
}  // namespace

class TestEd25519 : public QObject {
    Q_OBJECT
private slots:
    void signs_rfc8032_vectors_exactly_data() {
        QTest::addColumn<QByteArray>("secret_key");
        QTest::addColumn<QByteArray>("public_key");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("signature");
        int n = 0;
        for (const auto& v : read_vectors()) {
            QTest::newRow(("rfc8032 test " + v.name).constData())
                << v.secret_key << v.public_key << v.message << v.signature;
            ++n;
        }
        QCOMPARE(n, 3);
    }
    void signs_rfc8032_vectors_exactly() {
        QFETCH(QByteArray, secret_key);
        QFETCH(QByteArray, public_key);
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, signature);
        const auto key = Ed25519SigningKey::from_seed(hex(secret_key));
        QVERIFY(key.ok());
        // The seed must derive exactly the published public key ...
        const Ed25519PublicKey derived = key.value().public_key();
        QCOMPARE(Bytes(derived.bytes.begin(), derived.bytes.end()), hex(public_key));
        const auto seed = key.value().seed();
        QCOMPARE(Bytes(seed.begin(), seed.end()), hex(secret_key));
        // ... and, Ed25519 being deterministic, signing must give exactly the published signature.
        const Bytes msg = hex(message);
        const Ed25519Signature produced = key.value().sign(msg);
        QCOMPARE(Bytes(produced.bytes.begin(), produced.bytes.end()), hex(signature));
        // Imported from bytes, the published key and signature verify.
        const auto imported_key = Ed25519PublicKey::from_bytes(hex(public_key));
        QVERIFY(imported_key.ok());
        QCOMPARE(imported_key.value(), derived);
        const auto imported_signature = Ed25519Signature::from_bytes(hex(signature));
        QVERIFY(imported_signature.ok());
        QCOMPARE(imported_signature.value(), produced);
        QVERIFY(verify_signature(imported_key.value(), msg, imported_signature.value()).ok());
    }

    void rejects_signature_with_any_byte_flipped_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < 3; ++i) {
            QTest::newRow(("rfc8032 test " + std::to_string(i + 1)).c_str()) << i;
        }
    }
    void rejects_signature_with_any_byte_flipped() {
        QFETCH(int, index);
        const Vector v = read_vectors().at(index);
        const Ed25519PublicKey key = Ed25519PublicKey::from_bytes(hex(v.public_key)).value();
        const Ed25519Signature good = Ed25519Signature::from_bytes(hex(v.signature)).value();
        const Bytes msg = hex(v.message);
        for (std::size_t position = 0; position < Ed25519Signature::size; ++position) {
            for (const std::uint8_t mask :
                 {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
                Ed25519Signature bad = good;
                bad.bytes[position] ^= mask;
                const auto result = verify_signature(key, msg, bad);
                QVERIFY2(!result.ok(), ("byte " + std::to_string(position)).c_str());
                QCOMPARE(result.error().code, ErrorCode::verification_failed);
                QCOMPARE(result.error().message, std::string("Ed25519 signature does not verify"));
            }
        }
    }

    void rejects_tampered_message_data() { rejects_signature_with_any_byte_flipped_data(); }
    void rejects_tampered_message() {
        QFETCH(int, index);
        const Vector v = read_vectors().at(index);
        const Ed25519PublicKey key = Ed25519PublicKey::from_bytes(hex(v.public_key)).value();
        const Ed25519Signature signature = Ed25519Signature::from_bytes(hex(v.signature)).value();
        const Bytes msg = hex(v.message);
        for (std::size_t position = 0; position < msg.size(); ++position) {
            Bytes bad = msg;
            bad[position] ^= 0x01;
            QVERIFY(!verify_signature(key, bad, signature).ok());
        }
        Bytes longer = msg;
        longer.push_back(0);
        QVERIFY(!verify_signature(key, longer, signature).ok());
        if (!msg.empty()) {
            const Bytes shorter(msg.begin(), msg.end() - 1);
            QVERIFY(!verify_signature(key, shorter, signature).ok());
        }
    }

    void rejects_wrong_public_key() {
        const auto vectors = read_vectors();
        for (int signer = 0; signer < 3; ++signer) {
            const Ed25519Signature signature =
                Ed25519Signature::from_bytes(hex(vectors[signer].signature)).value();
            for (int other = 0; other < 3; ++other) {
                if (other == signer) continue;
                const auto key = Ed25519PublicKey::from_bytes(hex(vectors[other].public_key));
                const auto result =
                    verify_signature(key.value(), hex(vectors[signer].message), signature);
                QVERIFY(!result.ok());
                QCOMPARE(result.error().code, ErrorCode::verification_failed);
            }
        }
        const Ed25519SigningKey fresh = Ed25519SigningKey::generate();
        const Bytes msg = hex(vectors[2].message);
        QVERIFY(!verify_signature(fresh.public_key(), msg, rfc8032_key(2).sign(msg)).ok());
    }

    void from_bytes_rejects_wrong_lengths() {
        for (const std::size_t length : {0, 1, 31, 33, 64}) {
            const auto key = Ed25519PublicKey::from_bytes(Bytes(length, 0x42));
            QVERIFY(!key.ok());
            QCOMPARE(key.error().code, ErrorCode::invalid_encoding);
            QVERIFY(contains(key.error().message, "got " + std::to_string(length)));
        }
        for (const std::size_t length : {0, 32, 63, 65, 128}) {
            const auto signature = Ed25519Signature::from_bytes(Bytes(length));
            QVERIFY(!signature.ok());
            QCOMPARE(signature.error().code, ErrorCode::invalid_encoding);
        }
        for (const std::size_t length : {0, 31, 33, 64}) {
            QVERIFY(!Ed25519SigningKey::from_seed(Bytes(length, 7)).ok());
        }
    }

    void public_key_import_rejects_small_order_and_non_canonical_points_data() {
        QTest::addColumn<QByteArray>("encoding");
        QTest::newRow("all zero (order 4)")
            << QByteArray("0000000000000000000000000000000000000000000000000000000000000000");
        QTest::newRow("identity") << QByteArray(
            "0100000000000000000000000000000000000000000000000000000000000000");
        QTest::newRow("order 2, y = -1")
            << QByteArray("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        QTest::newRow("non-canonical y = p")
            << QByteArray("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        QTest::newRow("non-canonical y = p + 1")
            << QByteArray("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        QTest::newRow("all ones") << QByteArray(
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    }
    void public_key_import_rejects_small_order_and_non_canonical_points() {
        QFETCH(QByteArray, encoding);
        const auto key = Ed25519PublicKey::from_bytes(hex(encoding));
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, ErrorCode::invalid_encoding);
    }

    void public_key_import_rejects_torsion_component() {
        // A genuine key plus the point of order 2 is on the curve but outside the prime-order
        // subgroup; libsodium's verifier would never accept it, so import must not either.
        const Bytes genuine = hex(read_vectors().at(0).public_key);
        const Bytes order_two =
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        Bytes mixed(32);
        QCOMPARE(crypto_core_ed25519_add(mixed.data(), genuine.data(), order_two.data()), 0);
        QVERIFY(mixed != genuine);
        QVERIFY(Ed25519PublicKey::from_bytes(genuine).ok());
        QVERIFY(!Ed25519PublicKey::from_bytes(mixed).ok());
    }

    void generated_keys_sign_and_verify() {
        const Ed25519SigningKey a = Ed25519SigningKey::generate();
        const Ed25519SigningKey b = Ed25519SigningKey::generate();
        QVERIFY(a.public_key() != b.public_key());
        const Bytes msg = {1, 2, 3};
        const Ed25519Signature signature = a.sign(msg);
        QVERIFY(verify_signature(a.public_key(), msg, signature).ok());
        QVERIFY(!verify_signature(b.public_key(), msg, signature).ok());
        QCOMPARE(a.sign(msg), signature);  // deterministic
        QVERIFY(Ed25519PublicKey::from_bytes(a.public_key().span()).ok());
    }

    void moved_from_signing_key_is_wiped() {
        Ed25519SigningKey key = rfc8032_key(0);
        const Ed25519PublicKey expected = key.public_key();
        Ed25519SigningKey taken = std::move(key);
        QVERIFY(key.is_empty());  // NOLINT(bugprone-use-after-move): checking the wipe
        QVERIFY(!taken.is_empty());
        QCOMPARE(taken.public_key(), expected);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, key.sign(Bytes{}));  // NOLINT
        Ed25519SigningKey assigned = Ed25519SigningKey::generate();
        assigned = std::move(taken);
        QVERIFY(taken.is_empty());  // NOLINT(bugprone-use-after-move): checking the wipe
        QCOMPARE(assigned.public_key(), expected);
    }

    // ---- key files ----

    void secret_key_file_round_trips() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian-3.key";
        const Ed25519SigningKey key = rfc8032_key(0);
        QVERIFY(write_signing_key_file(path, key, "guardian-3").ok());
        QCOMPARE(read_text(path), rfc8032_test1_key_file);
        const auto read = read_signing_key_file(path);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QCOMPARE(read.value().public_key(), key.public_key());
        const Bytes msg = {'b', 'a', 'l', 'l', 'o', 't'};
        QCOMPARE(read.value().sign(msg), key.sign(msg));

        const Ed25519SigningKey fresh = Ed25519SigningKey::generate();
        const fs::path fresh_path = fs::path(dir.path().toStdString()) / "kiosk 7.key";
        QVERIFY(write_signing_key_file(fresh_path, fresh, "kiosk 7 (polling station 12)").ok());
        QCOMPARE(read_signing_key_file(fresh_path).value().public_key(), fresh.public_key());
    }

    void secret_key_file_is_created_with_mode_0600_and_no_leftovers() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "device.key";
        const mode_t old_umask = ::umask(0);  // the mode must not depend on a strict umask
        const auto written = write_signing_key_file(path, Ed25519SigningKey::generate(), "device");
        ::umask(old_umask);
        QVERIFY(written.ok());
        QCOMPARE(file_mode(path), mode_t(0600));
        int entries = 0;
        for ([[maybe_unused]] const auto& entry : fs::directory_iterator(path.parent_path())) {
            ++entries;
        }
        QCOMPARE(entries, 1);  // the temporary file is gone
    }

    void refuses_secret_key_file_readable_by_others_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("shown");
        QTest::newRow("0644") << 0644 << "0644";
        QTest::newRow("0640") << 0640 << "0640";
        QTest::newRow("0604") << 0604 << "0604";
        QTest::newRow("0620") << 0620 << "0620";
        QTest::newRow("0601") << 0601 << "0601";
        QTest::newRow("0666") << 0666 << "0666";
    }
    void refuses_secret_key_file_readable_by_others() {
        QFETCH(int, mode);
        QFETCH(QString, shown);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian.key";
        write_text(path, rfc8032_test1_key_file, static_cast<mode_t>(mode));
        const auto read = read_signing_key_file(path);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::permission_denied);
        QVERIFY(contains(read.error().message, path.string()));
        QVERIFY(contains(read.error().message, "mode " + shown.toStdString()));
        // The same file with mode 0600 (or 0400) is accepted.
        QCOMPARE(::chmod(path.c_str(), 0400), 0);
        QVERIFY(read_signing_key_file(path).ok());
    }

    // A FIFO named as a key or public file is refused at once (opening it for reading would
    // wait for a writer), and so are a directory and a device.
    void refuses_what_is_not_a_regular_file_without_waiting() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        QCOMPARE(::mkfifo((root / "fifo").c_str(), 0600), 0);
        for (const fs::path& path : {root / "fifo", root, fs::path("/dev/zero")}) {
            const auto key = read_signing_key_file(path);
            QVERIFY(!key.ok());
            QVERIFY2(contains(key.error().message, "not a regular file"),
                     key.error().message.c_str());
            const auto data = psephos::crypto::read_public_file(path, 1024);
            QVERIFY(!data.ok());
            QVERIFY2(contains(data.error().message, path.string() + ": not a regular file"),
                     data.error().message.c_str());
        }
    }

    void refuses_to_overwrite_an_existing_file() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian-3.key";
        QVERIFY(write_signing_key_file(path, rfc8032_key(0), "guardian-3").ok());
        const auto again = write_signing_key_file(path, rfc8032_key(1), "guardian-3");
        QVERIFY(!again.ok());
        QVERIFY(contains(again.error().message, path.string()));
        QVERIFY(contains(again.error().message, "already exists"));
        QCOMPARE(read_text(path), rfc8032_test1_key_file);  // untouched

        const fs::path other = fs::path(dir.path().toStdString()) / "notes.txt";
        write_text(other, "not a key\n", 0644);
        QVERIFY(!write_signing_key_file(other, rfc8032_key(1), "x").ok());
        QVERIFY(!write_public_key_file(other, rfc8032_key(1).public_key(), "x").ok());
        QCOMPARE(read_text(other), std::string("not a key\n"));
    }

    // replace_file (small state files): the new content in place of the old, the mode given,
    // no temporary file left behind, and a clear error naming the path when it cannot write.
    void replace_file_swaps_the_whole_content() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "state";
        QVERIFY(replace_file(path, "first\n", 0600).ok());  // no file yet
        QVERIFY(replace_file(path, "second, longer\n", 0600).ok());
        QCOMPARE(read_text(path), std::string("second, longer\n"));
        QVERIFY(replace_file(path, "3\n", 0600).ok());
        QCOMPARE(read_text(path), std::string("3\n"));
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        std::size_t entries = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path())) ++entries;
        QCOMPARE(entries, std::size_t{1});
        const fs::path nowhere = path.parent_path() / "missing" / "state";
        const auto failed = replace_file(nowhere, "x", 0600);
        QVERIFY(!failed.ok());
        QVERIFY(contains(failed.error().message, nowhere.string()));
    }

    void refuses_bad_key_names() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "bad.key";
        for (const std::string& name :
             {std::string(), std::string("two\nlines"), std::string("tab\there"),
              std::string("nul\0byte", 8), std::string(201, 'a')}) {
            const auto written = write_signing_key_file(path, rfc8032_key(0), name);
            QVERIFY(!written.ok());
            QCOMPARE(written.error().code, ErrorCode::invalid_argument);
            QVERIFY(!fs::exists(path));
        }
        QVERIFY(write_signing_key_file(path, rfc8032_key(0), std::string(200, 'a')).ok());
    }

    void refuses_corrupted_secret_key_files_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fault");
        const QByteArray good = QByteArray::fromStdString(rfc8032_test1_key_file);
        QByteArray mismatch = good;
        // Public line of RFC 8032 TEST 2 with the seed of TEST 1.
        mismatch.replace("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
                         "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=");
        QTest::newRow("public does not match seed") << mismatch << 3 << "does not match";
        QByteArray header = good;
        header.replace("psephos-ed25519-secret-key-v1", "psephos-ed25519-secret-key-v2");
        QTest::newRow("wrong header") << header << 1 << "header";
        QByteArray public_header = good;
        public_header.replace("secret-key", "public-key");
        QTest::newRow("public key header") << public_header << 1 << "header";
        QByteArray garbage_seed = good;
        garbage_seed.replace("nWGxne/9WmC6", "nWGxne*9WmC6");
        QTest::newRow("garbage base64 seed") << garbage_seed << 4 << "base64";
        QByteArray garbage_public = good;
        garbage_public.replace("11qYAYKxCrfVS", "11qYAYKxCr!VS");
        QTest::newRow("garbage base64 public") << garbage_public << 3 << "base64";
        // Found by fuzz_key_file: libsodium 1.0.18 alone reads a byte >= 0x80 as '/', which gave
        // the same key a second file form.
        QByteArray high_byte_seed = good;
        high_byte_seed.replace("nWGxne/9",
                               "nWGxne\xa0"
                               "9");
        QTest::newRow("non-ASCII byte in seed") << high_byte_seed << 4 << "base64";
        QByteArray high_byte_public = good;
        high_byte_public.replace("11qYAYKxCrfVS", "11qYAYKxCr\xffVS");
        QTest::newRow("non-ASCII byte in public") << high_byte_public << 3 << "base64";
        QByteArray short_seed = good;
        short_seed.replace("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
                           "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyu");  // 30 bytes
        QTest::newRow("seed of 30 bytes") << short_seed << 4 << "32 bytes";
        QByteArray unpadded = good;
        unpadded.replace("Axyuf2A=\n", "Axyuf2A\n");
        QTest::newRow("seed without padding") << unpadded << 4 << "base64";
        QByteArray swapped = good;
        swapped.replace("name: ", "nom: ");
        QTest::newRow("misspelt name field") << swapped << 2 << "name";
        QByteArray crlf = good;
        crlf.replace("\n", "\r\n");
        QTest::newRow("CRLF line ends") << crlf << 1 << "header";
        QTest::newRow("extra line") << good + "extra: 1\n" << 5 << "unexpected line";
        QTest::newRow("empty file") << QByteArray() << 1 << "missing";
        QByteArray small_order = good;
        small_order.replace("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        QTest::newRow("small-order public") << small_order << 3 << "prime order";
    }
    void refuses_corrupted_secret_key_files() {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, fault);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian-3.key";
        write_text(path, text.toStdString());
        const auto read = read_signing_key_file(path);
        QVERIFY(!read.ok());
        const std::string& message = read.error().message;
        QVERIFY2(contains(message, path.string() + ": line " + std::to_string(line) + ": "),
                 message.c_str());
        QVERIFY2(contains(message, fault.toStdString()), message.c_str());
    }

    void refuses_every_truncation_of_a_secret_key_file() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "truncated.key";
        for (std::size_t length = 0; length < rfc8032_test1_key_file.size(); ++length) {
            write_text(path, rfc8032_test1_key_file.substr(0, length));
            const auto read = read_signing_key_file(path);
            QVERIFY2(!read.ok(), ("accepted a file cut at " + std::to_string(length)).c_str());
            QVERIFY2(contains(read.error().message, path.string() + ": line "),
                     read.error().message.c_str());
        }
    }

    void missing_key_file_is_not_found() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "absent.key";
        const auto secret = read_signing_key_file(path);
        QVERIFY(!secret.ok());
        QCOMPARE(secret.error().code, ErrorCode::not_found);
        QVERIFY(contains(secret.error().message, path.string()));
        const auto pub = read_public_key_file(path);
        QVERIFY(!pub.ok());
        QCOMPARE(pub.error().code, ErrorCode::not_found);
    }

    void public_key_file_round_trips() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian-3.pub";
        const Ed25519PublicKey key = rfc8032_key(0).public_key();
        QVERIFY(write_public_key_file(path, key, "guardian-3").ok());
        QCOMPARE(read_text(path),
                 std::string("psephos-ed25519-public-key-v1\n"
                             "name: guardian-3\n"
                             "public: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"));
        QCOMPARE(file_mode(path) & ~mode_t(0022), mode_t(0644) & ~mode_t(0022));
        const auto read = read_public_key_file(path);
        QVERIFY(read.ok());
        QCOMPARE(read.value(), key);
        QVERIFY(!write_public_key_file(path, key, "guardian-3").ok());  // no overwrite
    }

    void refuses_corrupted_public_key_files() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "guardian-3.pub";
        const std::string good =
            "psephos-ed25519-public-key-v1\n"
            "name: guardian-3\n"
            "public: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n";
        const struct {
            std::string text;
            int line;
        } cases[] = {
            {rfc8032_test1_key_file, 1},  // a secret key file is not a public key file
            {"psephos-ed25519-public-key-v0\n" + good.substr(30), 1},
            {good.substr(0, good.size() - 1), 3},
            {good.substr(0, 47), 3},
            {good + "seed: x\n", 4},
            {"psephos-ed25519-public-key-v1\nname: g\npublic: not*base64\n", 3},
            {"psephos-ed25519-public-key-v1\nname: g\npublic: AAAA\n", 3},
        };
        for (const auto& c : cases) {
            write_text(path, c.text, 0644);
            const auto read = read_public_key_file(path);
            QVERIFY2(!read.ok(), c.text.c_str());
            QVERIFY2(contains(read.error().message,
                              path.string() + ": line " + std::to_string(c.line) + ": "),
                     read.error().message.c_str());
        }
        // A public key file may be world-readable.
        write_text(path, good, 0644);
        QVERIFY(read_public_key_file(path).ok());
    }
};

QTEST_APPLESS_MAIN(TestEd25519)
#include "tst_ed25519.moc"
