// `psephos authority` with the authority key in a PKCS#11 token (docs/keys.md), run as real
// processes against a SoftHSM2 token made at test time: keygen in the token, an approval the
// ledger accepts, a device authorisation the ledger registers, and an exported record that
// `psephos verify --authority` accepts with the token key's public file and refuses with
// another key's; then the refusals: a wrong PIN, an unknown key label, a token without the key,
// a PIN file others can read, and command lines that mix a key file with a token.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "psephos_process.hpp"
#include "softhsm_tokens.hpp"

using namespace psephos;

namespace {

using test::describe;
using test::run;
using test::Run;

const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

}  // namespace

class TestAuthorityTokenCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, data_, pin_file_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QStringList token(const QString& token_label = "authority",
                      const QString& key_label = "election-authority") const {
        return {"--pkcs11", test::softhsm_module, "--token", token_label, "--key-label",
                key_label,  "--pin-file",         pin_file_};
    }
    static bool write_file(const QString& file, const QByteArray& content,
                           QFileDevice::Permissions permissions) {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size()) return false;
        f.close();
        return f.setPermissions(permissions);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const QString setup = test::use_softhsm_dir(path("softhsm"));
        QVERIFY2(setup.isEmpty(), qPrintable(setup));
        for (const char* label : {"authority", "spare"}) {
            const QString init = test::init_softhsm_token(label, "2718-pin");
            QVERIFY2(init.isEmpty(), qPrintable(init));
        }
        pin_file_ = path("pin");
        QVERIFY(
            write_file(pin_file_, "2718-pin\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        const Run ceremony = run({"ceremony", "--election", small_sample, "--guardians", "5",
                                  "--threshold", "3", "--out", path("ceremony")});
        QVERIFY2(ceremony.exit_code == 0, qPrintable(describe(ceremony)));
        election_ = path("ceremony/election.json");
        data_ = path("data");
    }

    void keygen_makes_the_key_in_the_token_and_writes_only_its_public_key() {
        const Run r =
            run(QStringList{"authority", "keygen", "--out", path("authority.pub")} + token());
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith("authority key: ed25519:"), qPrintable(r.out));
        QVERIFY2(r.out.contains("generated in pkcs11:token=authority;object=election-authority"),
                 qPrintable(r.out));
        QVERIFY(QFile::exists(path("authority.pub")));
        QCOMPARE(QDir(dir_.path()).entryList({"authority*"}), QStringList{"authority.pub"});
        const Run again =
            run(QStringList{"authority", "keygen", "--out", path("again.pub")} + token());
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("the token already holds a key of this label"),
                 qPrintable(describe(again)));
        QVERIFY(!QFile::exists(path("again.pub")));
    }

    void the_ledger_accepts_an_approval_and_an_authorisation_signed_in_the_token() {
        const Run approve = run(QStringList{"authority", "approve", "--election", election_,
                                            "--out", path("approval.bin")} +
                                token());
        QVERIFY2(approve.exit_code == 0, qPrintable(describe(approve)));
        const Run init = run({"ledger", "init", "--election", election_, "--approval",
                              path("approval.bin"), "--data", data_});
        QVERIFY2(init.exit_code == 0, qPrintable(describe(init)));
        const QString key = path("kiosk-1.key");
        QCOMPARE(run({"ledger", "device-key", "--out", key, "--device", "kiosk-1"}).exit_code, 0);
        // The PIN from a descriptor this time (fd 0: the test's stdin is not used otherwise).
        QProcess p;
        p.start(QStringLiteral(PSEPHOS_EXE), {"authority",    "authorise-device",
                                              "--election",   election_,
                                              "--district",   "ward-1",
                                              "--device",     "kiosk-1",
                                              "--public-key", key + ".pub",
                                              "--out",        path("kiosk-1.authorised"),
                                              "--pkcs11",     test::softhsm_module,
                                              "--token",      "authority",
                                              "--key-label",  "election-authority",
                                              "--pin-fd",     "0"});
        QVERIFY(p.waitForStarted());
        p.write("2718-pin\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60'000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const Run reg = run({"ledger", "register-device", "--data", data_, "--authorisation",
                             path("kiosk-1.authorised")});
        QVERIFY2(reg.exit_code == 0, qPrintable(describe(reg)));
        const Run open = run({"ledger", "open-polls", "--data", data_, "--district", "ward-1",
                              "--device-keys", dir_.path()});
        QVERIFY2(open.exit_code == 0, qPrintable(describe(open)));
    }

    void verify_accepts_the_record_under_the_token_keys_public_file_only() {
        const Run e = run({"export", "--data", data_, "--out", path("record")});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const Run ok = run({"verify", path("record"), "--authority", path("authority.pub")});
        QVERIFY2(ok.exit_code == 0, qPrintable(describe(ok)));
        QVERIFY2(!ok.out.contains("not by the trusted authority"), qPrintable(describe(ok)));
        QCOMPARE(run({"authority", "keygen", "--out", path("other.key")}).exit_code, 0);
        const Run other = run({"verify", path("record"), "--authority", path("other.key.pub")});
        QCOMPARE(other.exit_code, 1);
        QVERIFY2(other.out.contains(", not by the trusted authority ed25519:") ||
                     other.err.contains(", not by the trusted authority ed25519:"),
                 qPrintable(describe(other)));
    }

    void refuses_a_wrong_pin_an_unknown_label_and_a_token_without_the_key() {
        const QString bad_pin = path("bad-pin");
        QVERIFY(write_file(bad_pin, "0000\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QStringList wrong = token();
        wrong.last() = bad_pin;
        struct Case {
            QStringList flags;
            QString error;
        };
        const QList<Case> cases{
            {wrong, "PKCS#11 token 'authority': the PIN is wrong (CKR_PIN_INCORRECT)"},
            {token("authority", "nobody"),
             "PKCS#11 token 'authority': no Ed25519 private key labelled 'nobody'"},
            {token("spare"),
             "PKCS#11 token 'spare': no Ed25519 private key labelled 'election-authority'"},
            {token("absent"), "no token labelled 'absent'"},
        };
        for (const Case& c : cases) {
            const Run r = run(QStringList{"authority", "approve", "--election", election_, "--out",
                                          path("refused.bin")} +
                              c.flags);
            QCOMPARE(r.exit_code, 1);
            QVERIFY2(r.err.contains(c.error), qPrintable(describe(r)));
            QVERIFY(!QFile::exists(path("refused.bin")));
        }
    }

    // The key named by one RFC 7512 URI instead of the three flags; a URI without object= (the
    // key's label) is refused.
    void a_pkcs11_uri_names_the_key() {
        const QString uri =
            "pkcs11:token=authority;object=election-authority?module-path=" + test::softhsm_module +
            "&pin-source=file:" + pin_file_;
        const Run ok = run({"authority", "approve", "--election", election_, "--out",
                            path("approval-uri.bin"), "--pkcs11-uri", uri});
        QVERIFY2(ok.exit_code == 0, qPrintable(describe(ok)));
        const Run r =
            run({"authority", "approve", "--election", election_, "--out", path("refused.bin"),
                 "--pkcs11-uri", "pkcs11:token=authority?module-path=" + test::softhsm_module,
                 "--pin-file", pin_file_});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains("--pkcs11-uri: no object="), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(path("refused.bin")));
    }

    void refuses_a_pin_file_others_can_read() {
        const QString open_pin = path("open-pin");
        QVERIFY(
            write_file(open_pin, "2718-pin\n",
                       QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        QStringList flags = token();
        flags.last() = open_pin;
        const Run r = run(QStringList{"authority", "approve", "--election", election_, "--out",
                                      path("refused.bin")} +
                          flags);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("--pin-file " + open_pin), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(path("refused.bin")));
    }

    void refuses_command_lines_that_mix_a_key_file_and_a_token() {
        const QStringList base{"authority", "approve", "--election",
                               election_,   "--out",   path("refused.bin")};
        const QList<QPair<QStringList, QString>> cases{
            {base + QStringList{"--key", path("other.key")} + token(),
             "--key FILE and --pkcs11 MODULE exclude each other"},
            {base + QStringList{"--token", "authority"}, "--token needs --pkcs11 MODULE"},
            {base + QStringList{"--pkcs11", test::softhsm_module, "--key-label", "k", "--pin-file",
                                pin_file_},
             "missing --token"},
            {base + token() + QStringList{"--pin-fd", "0"},
             "exactly one of --pin-fd N and --pin-file FILE"},
            {base, "missing --key"},
        };
        for (const auto& [args, error] : cases) {
            const Run r = run(args);
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(r.err.contains(error), qPrintable(describe(r)));
        }
        QVERIFY(!QFile::exists(path("refused.bin")));
    }
};

QTEST_GUILESS_MAIN(TestAuthorityTokenCli)
#include "tst_authority_token_cli.moc"
