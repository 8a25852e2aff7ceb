// C2SP signed notes and checkpoints against the published vectors of golang.org/x/mod/sumdb/note
// (note_test.go: the PeterNeumann signer and verifier keys, text and signature; the EnochRoot
// verifier key and signature of the same text) and of the c2sp.org/signed-note specification
// (example.com/foo). Ed25519 is deterministic, so signing the text must give the published note
// byte for byte: then Go's tooling and the transparency-dev witnesses accept ours.
#include <QTest>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/signed_note.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
const std::string em = "\xE2\x80\x94";
const std::string go_signer =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const std::string peter_key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const std::string enoch_key = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string go_text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your "
    "problem is.\n";
const std::string peter_sig =
    em +
    " PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string enoch_sig = em +
                              " EnochRoot "
                              "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
                              "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const std::string spec_key =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const std::string spec_note = "This is an example message.\n\n" + em +
                              " example.com/foo "
                              "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3"
                              "mFXmRKuwHjG1Yu72IneyaQM=\n";

// "PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ seed)>" → the signing key (the base64 may hold '+').
crypto::Ed25519SigningKey go_signing_key() {
    std::string_view rest = go_signer;
    for (int i = 0; i < 4; ++i) rest.remove_prefix(rest.find('+') + 1);
    const Bytes material = from_base64(rest).value();
    if (material.size() != 33 || material[0] != 1) qFatal("bad signer key vector");
    return crypto::Ed25519SigningKey::from_seed(ByteSpan(material).subspan(1)).value();
}
}  // namespace

class TestSignedNote : public QObject {
    Q_OBJECT
private slots:
    void signer_key_derives_the_published_verifier_key() {
        const auto key = go_signing_key();
        QCOMPARE(NoteVerifierKey::of("PeterNeumann", key.public_key()).to_text(), peter_key);
        QCOMPARE(NoteVerifierKey::parse(peter_key).value().key_id, std::uint32_t{0xc74f20a3});
    }

    void signing_reproduces_the_published_note() {
        QCOMPARE(sign_note(go_text, "PeterNeumann", go_signing_key()).value(),
                 go_text + "\n" + peter_sig);
    }

    void published_notes_verify_data() {
        QTest::addColumn<QString>("verifier");
        QTest::addColumn<QString>("note");
        QTest::addColumn<QString>("text");
        QTest::newRow("go PeterNeumann") << QString::fromStdString(peter_key)
                                         << QString::fromStdString(go_text + "\n" + peter_sig)
                                         << QString::fromStdString(go_text);
        QTest::newRow("go EnochRoot, two signatures")
            << QString::fromStdString(enoch_key)
            << QString::fromStdString(go_text + "\n" + peter_sig + enoch_sig)
            << QString::fromStdString(go_text);
        QTest::newRow("go PeterNeumann, two signatures")
            << QString::fromStdString(peter_key)
            << QString::fromStdString(go_text + "\n" + peter_sig + enoch_sig)
            << QString::fromStdString(go_text);
        QTest::newRow("c2sp example.com/foo")
            << QString::fromStdString(spec_key) << QString::fromStdString(spec_note)
            << QStringLiteral("This is an example message.\n");
    }
    void published_notes_verify() {
        QFETCH(QString, verifier);
        QFETCH(QString, note);
        QFETCH(QString, text);
        auto v = NoteVerifierKey::parse(verifier.toStdString());
        QVERIFY(v.ok());
        QCOMPARE(v.value().to_text(), verifier.toStdString());
        auto opened = open_note(note.toStdString(), v.value());
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        QCOMPARE(opened.value(), text.toStdString());
    }

    void rejects_every_flipped_byte() {
        const std::string note = go_text + "\n" + peter_sig;
        const auto v = NoteVerifierKey::parse(peter_key).value();
        int accepted = 0;
        for (std::size_t i = 0; i < note.size(); ++i) {
            std::string mutated = note;
            mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
            if (open_note(mutated, v).ok()) ++accepted;
        }
        QCOMPARE(accepted, 0);
        QCOMPARE(open_note(go_text + "\n" + enoch_sig, v).error().message,
                 std::string("signed note: no signature by PeterNeumann"));
    }

    void rejects_bad_verifier_keys() {
        QVERIFY(!NoteVerifierKey::parse(
                     "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                     .ok());  // id
        QVERIFY(!NoteVerifierKey::parse(
                     "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                     .ok());  // alg
        // Upper-case ids would give one key a second text form (found by fuzz_signed_note).
        QVERIFY(!NoteVerifierKey::parse(
                     "PeterNeumann+C74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                     .ok());
        QVERIFY(!NoteVerifierKey::parse(
                     "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                     .ok());
        QVERIFY(!NoteVerifierKey::parse("PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                     .ok());
        QVERIFY(!sign_note("no newline", "k", go_signing_key()).ok());
        QVERIFY(!sign_note("text\n", "bad+name", go_signing_key()).ok());
    }

    void cosignature_adds_a_second_verifiable_signature() {
        const auto a = crypto::Ed25519SigningKey::generate(),
                   b = crypto::Ed25519SigningKey::generate();
        const std::string note =
            sign_note("psephos/test\n3\n" + to_base64(Hash32{}.span()) + "\n", "ledger", a).value();
        const std::string cosigned = add_note_signature(note, "witness", b).value();
        QVERIFY(open_note(cosigned, NoteVerifierKey::of("ledger", a.public_key())).ok());
        QVERIFY(open_note(cosigned, NoteVerifierKey::of("witness", b.public_key())).ok());
    }

    void checkpoints_round_trip_and_reject_bad_text() {
        Checkpoint c{
            "psephos/example/district/d1", 42, crypto::sha256(as_bytes("x")), {"extension"}};
        const std::string text = c.to_text();
        auto parsed = Checkpoint::parse(text);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().to_text(), text);
        QCOMPARE(parsed.value().size, std::uint64_t{42});
        const std::string root = to_base64(c.root.span());
        for (const std::string& bad :
             {"o\n042\n" + root + "\n", "o\n42\n" + root, "\n42\n" + root + "\n",
              "o\n-1\n" + root + "\n", std::string("o\n42\nAAAA\n"), "o\n42\n" + root + "\n\n",
              "o\n18446744073709551616\n" + root + "\n"}) {
            QVERIFY2(!Checkpoint::parse(bad).ok(), bad.c_str());
        }
        // The empty tree: size 0 and the root SHA-256(""), as RFC 9162 defines it.
        const Checkpoint empty{"o", 0, crypto::compute_merkle_root({}), {}};
        QCOMPARE(empty.to_text(), "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
    }
};

QTEST_APPLESS_MAIN(TestSignedNote)
#include "tst_signed_note.moc"
