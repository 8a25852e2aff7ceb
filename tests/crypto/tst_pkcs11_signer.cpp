// crypto::Pkcs11Signer against real SoftHSM2 tokens made at test time (softhsm_tokens.hpp): a key
// generated in the token signs, and libsodium verifies the signature; the secret cannot be read
// out (C_GetAttributeValue of CKA_VALUE fails); a wrong PIN, an unknown key label, a token
// without the key, an unknown token and a module that does not load fail with errors naming them;
// an extractable key and a private key that does not match its public key are refused. The
// attacker's moves (reading the secret, planting keys) use the token's C API directly (Raw).
#include <p11-kit/pkcs11.h>
#include <sodium.h>

#include <QTemporaryDir>
#include <QTest>
#include <array>
#include <string>
#include <vector>

#include "softhsm_raw_token.hpp"
#include "softhsm_tokens.hpp"

#include "psephos/crypto/pkcs11_signer.hpp"

using namespace psephos;

namespace {

const std::string pin = "4711-pin";

crypto::Pkcs11KeySpec spec_of(const std::string& token, const std::string& key) {
    return {psephos::test::softhsm_module.toStdString(), token, key};
}

ByteSpan bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The token's C API, as an attacker would use it (softhsm_raw_token.hpp), logged in with `pin`.
class Raw : public test::RawToken {
public:
    explicit Raw(const std::string& token) : RawToken(token, pin) {}
};

}  // namespace

class TestPkcs11Signer : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    crypto::Ed25519PublicKey authority_;

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY(dir_.isValid());
        const QString setup = test::use_softhsm_dir(dir_.path());
        QVERIFY2(setup.isEmpty(), qPrintable(setup));
        for (const char* token : {"authority", "empty"}) {
            const QString init = test::init_softhsm_token(token, QString::fromStdString(pin));
            QVERIFY2(init.isEmpty(), qPrintable(init));
        }
    }

    void generates_a_key_in_the_token_and_signs_what_libsodium_verifies() {
        auto key = crypto::Pkcs11Signer::generate(spec_of("authority", "election-authority"), pin);
        QVERIFY2(key, key ? "" : key.error().message.c_str());
        authority_ = key.value();
        auto signer = crypto::Pkcs11Signer::open(spec_of("authority", "election-authority"), pin);
        QVERIFY2(signer, signer ? "" : signer.error().message.c_str());
        QVERIFY(signer.value()->public_key() == authority_);
        const std::string_view message = "approve election maplewood";
        auto signature = signer.value()->sign_message(bytes_of(message));
        QVERIFY2(signature, signature ? "" : signature.error().message.c_str());
        // libsodium itself, not the signer's own check, accepts it; and not for another message.
        QCOMPARE(crypto_sign_verify_detached(signature.value().bytes.data(),
                                             reinterpret_cast<const unsigned char*>(message.data()),
                                             message.size(), authority_.bytes.data()),
                 0);
        QVERIFY(crypto_sign_verify_detached(signature.value().bytes.data(),
                                            reinterpret_cast<const unsigned char*>("other"), 5,
                                            authority_.bytes.data()) != 0);
        // RFC 8032 signatures are deterministic: the token signs the same message the same way.
        auto again = signer.value()->sign_message(bytes_of(message));
        QVERIFY(again && again.value() == signature.value());
    }

    void the_secret_cannot_be_read_out_of_the_token() {
        Raw raw("authority");
        const CK_OBJECT_HANDLE secret = raw.find(CKO_PRIVATE_KEY, "election-authority");
        QVERIFY(secret != CK_INVALID_HANDLE);
        std::vector<CK_BYTE> value;
        QCOMPARE(raw.read(secret, CKA_VALUE, value), CKR_ATTRIBUTE_SENSITIVE);
        QVERIFY(value.empty());
        QCOMPARE(raw.read(secret, CKA_EXTRACTABLE, value), CKR_OK);
        QCOMPARE(value, std::vector<CK_BYTE>{CK_FALSE});
        // The public half reads as a DER OCTET STRING of the 32-byte key.
        QCOMPARE(raw.read(raw.find(CKO_PUBLIC_KEY, "election-authority"), CKA_EC_POINT, value),
                 CKR_OK);
        QCOMPARE(value.size(), std::size_t{34});
        QVERIFY(std::equal(authority_.bytes.begin(), authority_.bytes.end(), value.begin() + 2));
    }

    void refuses_a_wrong_pin() {
        auto r = crypto::Pkcs11Signer::open(spec_of("authority", "election-authority"), "0000");
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::permission_denied);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QString("PKCS#11 token 'authority': the PIN is wrong (CKR_PIN_INCORRECT)"));
    }

    void refuses_an_unknown_key_label() {
        auto r = crypto::Pkcs11Signer::open(spec_of("authority", "no-such-key"), pin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::not_found);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QString("PKCS#11 token 'authority': no Ed25519 private key labelled "
                         "'no-such-key'"));
    }

    void refuses_a_token_without_the_key() {
        auto r = crypto::Pkcs11Signer::open(spec_of("empty", "election-authority"), pin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::not_found);
        QVERIFY2(r.error().message.find("PKCS#11 token 'empty': no Ed25519 private key labelled "
                                        "'election-authority'") == 0,
                 r.error().message.c_str());
    }

    void refuses_an_unknown_token_and_a_module_that_does_not_load() {
        auto token = crypto::Pkcs11Signer::open(spec_of("missing", "election-authority"), pin);
        QVERIFY(!token);
        QCOMPARE(token.error().code, ErrorCode::not_found);
        const std::string& message = token.error().message;
        QVERIFY2(
            message.find("no token labelled 'missing' (tokens present: ") != std::string::npos &&
                message.find("'authority'") != std::string::npos &&
                message.find("'empty'") != std::string::npos,
            message.c_str());
        const std::string nowhere = dir_.filePath("no-module.so").toStdString();
        auto module = crypto::Pkcs11Signer::open({nowhere, "authority", "x"}, pin);
        QVERIFY(!module);
        QCOMPARE(module.error().code, ErrorCode::not_found);
        QVERIFY2(
            module.error().message.find("PKCS#11 module '" + nowhere + "': cannot load it") == 0,
            module.error().message.c_str());
    }

    void refuses_a_key_whose_secret_can_leave_the_token() {
        {
            Raw raw("authority");
            QCOMPARE(raw.generate_extractable("exportable"), CKR_OK);
        }
        auto r = crypto::Pkcs11Signer::open(spec_of("authority", "exportable"), pin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::refused);
        QVERIFY2(r.error().message.find("the private key can leave the token (CKA_EXTRACTABLE)") !=
                     std::string::npos,
                 r.error().message.c_str());
    }

    // Someone with the PIN labels another key's public half like the authority's: the probe
    // signature at open does not verify, so the pair is refused before it signs anything.
    void refuses_a_private_key_that_does_not_match_its_public_key() {
        QVERIFY(crypto::Pkcs11Signer::generate(spec_of("authority", "first"), pin));
        QVERIFY(crypto::Pkcs11Signer::generate(spec_of("authority", "second"), pin));
        {
            Raw raw("authority");
            QCOMPARE(raw.relabel(raw.find(CKO_PRIVATE_KEY, "first"), "mixed"), CKR_OK);
            QCOMPARE(raw.relabel(raw.find(CKO_PUBLIC_KEY, "second"), "mixed"), CKR_OK);
        }
        auto r = crypto::Pkcs11Signer::open(spec_of("authority", "mixed"), pin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::verification_failed);
        QVERIFY2(r.error().message.find("does not match the public key") != std::string::npos,
                 r.error().message.c_str());
    }

    // C_Initialize and C_Finalize are per process: closing one signer must not finalise the
    // module under another one that still signs.
    void two_signers_share_the_module_and_outlive_each_other() {
        QVERIFY(crypto::Pkcs11Signer::generate(spec_of("authority", "second-signer"), pin));
        auto first = crypto::Pkcs11Signer::open(spec_of("authority", "election-authority"), pin);
        auto second = crypto::Pkcs11Signer::open(spec_of("authority", "second-signer"), pin);
        QVERIFY(first && second);
        first.value().reset();
        auto signature = second.value()->sign_message(bytes_of("still here"));
        QVERIFY2(signature, signature ? "" : signature.error().message.c_str());
        QVERIFY(crypto::verify_signature(second.value()->public_key(), bytes_of("still here"),
                                         signature.value()));
    }

    // The key disappears from the token after the signer opened it (deleted, token swapped): a
    // signature is then an error naming the token and the step, never a crash or a bad signature.
    void a_token_that_cannot_sign_any_more_gives_an_error() {
        QVERIFY(crypto::Pkcs11Signer::generate(spec_of("authority", "doomed"), pin));
        auto signer = crypto::Pkcs11Signer::open(spec_of("authority", "doomed"), pin);
        QVERIFY(signer);
        {
            Raw raw("authority");
            QCOMPARE(raw.destroy(raw.find(CKO_PRIVATE_KEY, "doomed")), CKR_OK);
        }
        auto r = signer.value()->sign_message(bytes_of("after the key is gone"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::io_error);
        QVERIFY2(
            r.error().message.find("PKCS#11 token 'authority': C_SignInit(CKM_EDDSA) failed") == 0,
            r.error().message.c_str());
    }

    void generate_never_shadows_a_key_of_the_same_label() {
        auto r = crypto::Pkcs11Signer::generate(spec_of("authority", "election-authority"), pin);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::refused);
        QVERIFY2(r.error().message.find("already holds a key of this label") != std::string::npos,
                 r.error().message.c_str());
        auto signer = crypto::Pkcs11Signer::open(spec_of("authority", "election-authority"), pin);
        QVERIFY(signer && signer.value()->public_key() == authority_);
    }
};

QTEST_GUILESS_MAIN(TestPkcs11Signer)
#include "tst_pkcs11_signer.moc"
