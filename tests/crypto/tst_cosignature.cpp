// C2SP tlog-cosignature v1 (Ed25519): known answers from an independent transcription
// (vectors/make_cosignature_vectors.py), a vkey published by transparency-dev/formats, the
// spec's example message, and refusals: one byte changed anywhere in a cosigned note, a wrong key
// id, type byte or length, a timestamp out of range or in the future.
#include <QTest>

#include "vector_file.hpp"

#include <string>

#include "psephos/crypto/cosignature.hpp"

using psephos::Bytes;
using psephos::ByteSpan;
using psephos::ErrorCode;
using psephos::from_base64;
using psephos::from_hex;
using psephos::crypto::check_witness_policy;
using psephos::crypto::cosign_checkpoint;
using psephos::crypto::cosignature_v1_message;
using psephos::crypto::cosigner_key_id;
using psephos::crypto::CosignerKey;
using psephos::crypto::Ed25519SigningKey;
using psephos::crypto::max_cosignature_timestamp;
using psephos::crypto::open_cosigned_note;
using psephos::crypto::verify_cosignature_blob;
using psephos::crypto::WitnessPolicy;

namespace {
const std::string body =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

std::string text_of(const QByteArray& base64) {
    const Bytes b = from_base64(base64.toStdString()).value();
    return {b.begin(), b.end()};
}

Ed25519SigningKey key_of(const char* seed_hex) {
    return Ed25519SigningKey::from_seed(from_hex(seed_hex).value()).value();
}

const char* seed1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
}  // namespace

class TestCosignature : public QObject {
    Q_OBJECT
private slots:
    void matches_known_answers_data() {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("seed");
        QTest::addColumn<QByteArray>("vkey");
        QTest::addColumn<QByteArray>("timestamp");
        QTest::addColumn<QByteArray>("note_body");
        QTest::addColumn<QByteArray>("line");
        for (const auto& v : psephos::test::read_vector_lines(
                 QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/cosignature_v1.txt"), 6))
            QTest::newRow(v[0].constData()) << v[0] << v[1] << v[2] << v[3] << v[4] << v[5];
    }
    void matches_known_answers() {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, seed);
        QFETCH(QByteArray, vkey);
        QFETCH(QByteArray, timestamp);
        QFETCH(QByteArray, note_body);
        QFETCH(QByteArray, line);
        const auto key = Ed25519SigningKey::from_seed(from_hex(seed.toStdString()).value()).value();
        const std::string text = text_of(note_body);
        const std::uint64_t time = std::stoull(timestamp.toStdString());
        const auto signed_line = cosign_checkpoint(text, name.toStdString(), key, time);
        QVERIFY(signed_line);
        QCOMPARE(signed_line.value(), text_of(line));
        const auto parsed = CosignerKey::parse(vkey.toStdString());
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed.value().key, key.public_key());
        QCOMPARE(parsed.value().to_text(), vkey.toStdString());
        const auto opened = open_cosigned_note(text + "\n" + text_of(line), parsed.value());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        QCOMPARE(opened.value().timestamp, time);
        QCOMPARE(opened.value().text, text);
    }

    // The message of the spec's example (tlog-cosignature.md, "Ed25519 signed message").
    void builds_the_spec_example_message() {
        QCOMPARE(cosignature_v1_message(1679315147, body),
                 "cosignature/v1\ntime 1679315147\n" + body);
    }

    // transparency-dev/formats note/note_cosigv1_test.go, TestCoSigV1NewVerifier: a native
    // cosignature/v1 vkey (type 0x04) whose id its authors computed.
    void parses_a_published_vkey() {
        const std::string text =
            "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
        const auto key = CosignerKey::parse(text);
        QVERIFY2(key, key ? "" : key.error().message.c_str());
        QCOMPARE(key.value().key_id, std::uint32_t{0xda77ade7});
        QCOMPARE(key.value().name, std::string("remora.n621.de"));
        QCOMPARE(key.value().to_text(), text);
    }

    void refuses_bad_vkeys_data() {
        QTest::addColumn<QByteArray>("text");
        // The same published key with type 0x01 (an ordinary note key): Go converts it, we do not,
        // so one key text means one key id.
        QTest::newRow("ordinary note key")
            << QByteArray("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6");
        QTest::newRow("wrong id") << QByteArray(
            "remora.n621.de+da77ade8+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
        QTest::newRow("upper-case id")
            << QByteArray("remora.n621.de+DA77ADE7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
        QTest::newRow("other name")
            << QByteArray("remora.n621.dd+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
        QTest::newRow("two parts") << QByteArray("remora.n621.de+da77ade7");
        QTest::newRow("short key") << QByteArray("remora.n621.de+da77ade7+BOvN63jn");
        QTest::newRow("not base64") << QByteArray("remora.n621.de+da77ade7+!!!!");
        QTest::newRow("empty name")
            << QByteArray("+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
        // All-zero key: libsodium refuses a small-order point.
        QTest::newRow("small-order key")
            << QByteArray("w+00000000+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
    void refuses_bad_vkeys() {
        QFETCH(QByteArray, text);
        const auto key = CosignerKey::parse(text.toStdString());
        QVERIFY(!key);
        QVERIFY(!key.error().message.empty());
    }

    // Any single byte of a cosigned note changed (text or signature line): refused.
    void refuses_any_changed_byte() {
        const auto key = key_of(seed1);
        const auto cosigner = CosignerKey::of("witness.example/w1", key.public_key()).value();
        const std::string line = cosign_checkpoint(body, cosigner.name, key, 1700000000).value();
        const std::string note = body + "\n" + line;
        QVERIFY(open_cosigned_note(note, cosigner));
        for (std::size_t i = 0; i < note.size(); ++i) {
            for (const int flip : {0x01, 0x20, 0x80}) {
                std::string changed = note;
                changed[i] = static_cast<char>(static_cast<unsigned char>(changed[i]) ^
                                               static_cast<unsigned>(flip));
                if (open_cosigned_note(changed, cosigner))
                    QFAIL(qPrintable(
                        QStringLiteral("byte %1 ^ 0x%2 accepted").arg(i).arg(flip, 0, 16)));
            }
        }
    }

    // Every bit of the decoded signature (key id, timestamp, Ed25519 signature) counts.
    void refuses_any_changed_signature_bit() {
        const auto key = key_of(seed1);
        const auto cosigner = CosignerKey::of("w", key.public_key()).value();
        const std::string line = cosign_checkpoint(body, "w", key, 1700000000).value();
        const Bytes blob = from_base64(line.substr(line.rfind(' ') + 1, 104)).value();
        QCOMPARE(blob.size(), std::size_t{76});
        QCOMPARE(verify_cosignature_blob(cosigner, body, blob).value(), std::uint64_t{1700000000});
        for (std::size_t i = 0; i < blob.size() * 8; ++i) {
            Bytes changed = blob;
            changed[i / 8] = static_cast<std::uint8_t>(changed[i / 8] ^ (1u << (i % 8)));
            QVERIFY2(!verify_cosignature_blob(cosigner, body, changed),
                     qPrintable(QStringLiteral("bit %1 accepted").arg(i)));
        }
        QCOMPARE(verify_cosignature_blob(cosigner, body, ByteSpan(blob).first(75)).error().code,
                 ErrorCode::invalid_encoding);
    }

    // The log's own signature and other cosigners are ignored; the cosigner's absence is an error.
    void ignores_other_keys_and_needs_its_own() {
        const auto key = key_of(seed1);
        const auto other = Ed25519SigningKey::generate();
        const auto cosigner = CosignerKey::of("w1", key.public_key()).value();
        const std::string other_line = cosign_checkpoint(body, "w2", other, 5).value();
        const std::string line = cosign_checkpoint(body, "w1", key, 7).value();
        const auto both = open_cosigned_note(body + "\n" + other_line + line, cosigner);
        QVERIFY(both);
        QCOMPARE(both.value().timestamp, std::uint64_t{7});
        const auto missing = open_cosigned_note(body + "\n" + other_line, cosigner);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::verification_failed);
        // Another key under the cosigner's own name: its id differs, so it is another key's line.
        const std::string impostor = cosign_checkpoint(body, "w1", other, 7).value();
        QVERIFY(!open_cosigned_note(body + "\n" + impostor, cosigner));
    }

    void refuses_a_future_timestamp() {
        const auto key = key_of(seed1);
        const auto cosigner = CosignerKey::of("w", key.public_key()).value();
        const std::string note = body + "\n" + cosign_checkpoint(body, "w", key, 1000).value();
        QVERIFY(open_cosigned_note(note, cosigner, 1000));
        const auto late = open_cosigned_note(note, cosigner, 999);
        QVERIFY(!late);
        QVERIFY(late.error().message.find("future") != std::string::npos);
    }

    void refuses_to_sign_out_of_range() {
        const auto key = key_of(seed1);
        QVERIFY(!cosign_checkpoint(body, "w", key, 0));
        QVERIFY(!cosign_checkpoint(body, "w", key, max_cosignature_timestamp + 1));
        QVERIFY(cosign_checkpoint(body, "w", key, max_cosignature_timestamp));
        QVERIFY(!cosign_checkpoint(body, "w+1", key, 1));
        QVERIFY(!cosign_checkpoint(body, "w 1", key, 1));
        QVERIFY(!cosign_checkpoint("no newline", "w", key, 1));
        QVERIFY(!cosign_checkpoint("a\tb\n", "w", key, 1));
    }
    // A 2-of-2 policy: one cosignature is not enough, both are; 1 of 2 takes either.
    void checks_a_k_of_n_witness_policy() {
        const auto k1 = key_of(seed1);
        const auto k2 = Ed25519SigningKey::generate();
        const auto w1 = CosignerKey::of("w1", k1.public_key()).value();
        const auto w2 = CosignerKey::of("w2", k2.public_key()).value();
        const std::string one = body + "\n" + cosign_checkpoint(body, "w1", k1, 10).value();
        const std::string both = one + cosign_checkpoint(body, "w2", k2, 11).value();
        const auto two_of_two = WitnessPolicy::make({w1, w2}, 2).value();
        const auto refused = check_witness_policy(one, two_of_two);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::verification_failed);
        QVERIFY(refused.error().message.find("1 of the 2") != std::string::npos);
        QVERIFY(refused.error().message.find("w2") != std::string::npos);
        QCOMPARE(check_witness_policy(both, two_of_two).value().size(), std::size_t{2});
        QVERIFY(check_witness_policy(one, WitnessPolicy::make({w1, w2}, 1).value()));
        // A cosignature dated in the future does not count.
        QVERIFY(!check_witness_policy(both, two_of_two, 10));
        // A malformed note is refused as such.
        QCOMPARE(check_witness_policy(body, two_of_two).error().code, ErrorCode::invalid_encoding);
    }

    // cosignature/v1 does not sign the cosigner's name: one witness's signature can be shown under
    // a second name of the same key (public key id, same timestamp and signature). So a policy
    // must not list one key twice, or one witness would count as two.
    void refuses_a_policy_that_counts_one_key_twice() {
        const auto k1 = key_of(seed1);
        const auto w1 = CosignerKey::of("w1", k1.public_key()).value();
        const auto alias = CosignerKey::of("w1-again", k1.public_key()).value();
        const std::string line = cosign_checkpoint(body, "w1", k1, 10).value();
        Bytes blob = from_base64(line.substr(line.rfind(' ') + 1, 104)).value();
        const std::uint32_t id = cosigner_key_id("w1-again", k1.public_key());
        for (int i = 0; i < 4; ++i)
            blob[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
        const std::string shown =
            body + "\n" + line + "\xE2\x80\x94 w1-again " + psephos::to_base64(blob) + "\n";
        QVERIFY(open_cosigned_note(shown, alias));  // the replay verifies under the alias
        const auto policy = WitnessPolicy::make({w1, alias}, 2);
        QVERIFY(!policy);
        QVERIFY(policy.error().message.find("same key") != std::string::npos);
        QVERIFY(!WitnessPolicy::make({w1}, 0));
        QVERIFY(!WitnessPolicy::make({w1}, 2));
    }
};

QTEST_APPLESS_MAIN(TestCosignature)
#include "tst_cosignature.moc"
