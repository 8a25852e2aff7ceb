// `psephos ledger` with the ledger's log keys in a PKCS#11 token (docs/keys.md §4), run as real
// processes against SoftHSM2 tokens made at test time: `ledger init --pkcs11` makes one key per
// log in the token and writes no key file; write commands sign with the token (PIN from a file
// or a descriptor); the export passes `psephos verify`. Then the refusals: a token of another
// ledger (same labels, other keys), a wrong PIN, a second init on the same token, a write
// command without the token, and command lines that mix a key file with a token.
#include <QFile>
#include <QProcess>
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
const QString pin = QStringLiteral("1618-pin");

}  // namespace

class TestLedgerTokenCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, approval_, data_, pin_file_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QStringList token(const QString& label = "ledger") const {
        return {"--pkcs11", test::softhsm_module, "--token", label, "--pin-file", pin_file_};
    }
    static bool write_file(const QString& file, const QByteArray& content) {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size()) return false;
        f.close();
        return f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const QString setup = test::use_softhsm_dir(path("softhsm"));
        QVERIFY2(setup.isEmpty(), qPrintable(setup));
        for (const char* label : {"ledger", "other"}) {
            const QString init = test::init_softhsm_token(label, pin);
            QVERIFY2(init.isEmpty(), qPrintable(init));
        }
        pin_file_ = path("pin");
        QVERIFY(write_file(pin_file_, pin.toUtf8() + "\n"));
        const Run ceremony = run({"ceremony", "--election", small_sample, "--guardians", "5",
                                  "--threshold", "3", "--out", path("ceremony")});
        QVERIFY2(ceremony.exit_code == 0, qPrintable(describe(ceremony)));
        election_ = path("ceremony/election.json");
        QCOMPARE(run({"authority", "keygen", "--out", path("authority.key")}).exit_code, 0);
        approval_ = path("approval.bin");
        const Run approve = run({"authority", "approve", "--key", path("authority.key"),
                                 "--election", election_, "--out", approval_});
        QVERIFY2(approve.exit_code == 0, qPrintable(describe(approve)));
        data_ = path("data");
    }

    void init_makes_the_log_keys_in_the_token_and_no_key_file() {
        const Run init = run(QStringList{"ledger", "init", "--election", election_, "--approval",
                                         approval_, "--data", data_} +
                             token());
        QVERIFY2(init.exit_code == 0, qPrintable(describe(init)));
        QVERIFY2(init.out.contains("log keys in token 'ledger'"), qPrintable(init.out));
        QVERIFY2(init.out.contains("verifier /election: "), qPrintable(init.out));
        QVERIFY(!QFile::exists(data_ + "/ledger.key"));
        // The labels are taken now: a second ledger on the same token is refused.
        const Run again = run(QStringList{"ledger", "init", "--election", election_, "--approval",
                                          approval_, "--data", path("again")} +
                              token());
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("already holds this log's key"), qPrintable(describe(again)));
    }

    void write_commands_sign_with_the_token_and_verify_passes() {
        const QString key = path("kiosk-1.key");
        QCOMPARE(run({"ledger", "device-key", "--out", key, "--device", "kiosk-1"}).exit_code, 0);
        const Run authorise =
            run({"authority", "authorise-device", "--key", path("authority.key"), "--election",
                 election_, "--district", "ward-1", "--device", "kiosk-1", "--public-key",
                 key + ".pub", "--out", path("kiosk-1.authorised")});
        QVERIFY2(authorise.exit_code == 0, qPrintable(describe(authorise)));
        const Run reg = run(QStringList{"ledger", "register-device", "--data", data_,
                                        "--authorisation", path("kiosk-1.authorised")} +
                            token());
        QVERIFY2(reg.exit_code == 0, qPrintable(describe(reg)));
        // The PIN from a descriptor this time (fd 0: the test's stdin is not used otherwise).
        QProcess p;
        p.start(
            QStringLiteral(PSEPHOS_EXE),
            {"ledger", "open-polls", "--data", data_, "--district", "ward-1", "--device-keys",
             dir_.path(), "--pkcs11", test::softhsm_module, "--token", "ledger", "--pin-fd", "0"});
        QVERIFY(p.waitForStarted());
        p.write(pin.toUtf8() + "\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60'000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const Run e =
            run(QStringList{"export", "--data", data_, "--out", path("record")} + token());
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const Run ok = run({"verify", path("record")});
        QVERIFY2(ok.exit_code == 0, qPrintable(describe(ok)));
        const Run check = run({"ledger", "check", "--data", data_});
        QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));
    }

    // The same token named by one RFC 7512 URI, its PIN from the URI's pin-source or --pin-fd;
    // a URI that names an object (the ledger's labels are its logs' origins), one with a PIN in
    // it, and one with the PIN given twice are refused.
    void a_pkcs11_uri_names_the_token() {
        const QString uri = "pkcs11:token=ledger?module-path=" + test::softhsm_module;
        const Run ok = run({"ledger", "publish", "--data", data_, "--pkcs11-uri",
                            uri + "&pin-source=file:" + pin_file_});
        QVERIFY2(ok.exit_code == 0, qPrintable(describe(ok)));
        QProcess p;
        p.start(QStringLiteral(PSEPHOS_EXE),
                {"ledger", "publish", "--data", data_, "--pkcs11-uri", uri, "--pin-fd", "0"});
        QVERIFY(p.waitForStarted());
        p.write(pin.toUtf8() + "\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60'000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QList<QPair<QStringList, QString>> refused{
            {{"--pkcs11-uri", "pkcs11:token=ledger;object=k?module-path=" + test::softhsm_module,
              "--pin-file", pin_file_},
             "object= is not for the ledger"},
            {{"--pkcs11-uri", uri + "&pin-value=" + pin}, "pin-value is refused"},
            {{"--pkcs11-uri", uri + "&pin-source=file:" + pin_file_, "--pin-file", pin_file_},
             "exactly one of the URI's pin-source, --pin-fd N and --pin-file FILE"},
            {{"--pkcs11-uri", uri, "--token", "ledger", "--pin-file", pin_file_},
             "give it without --token"},
        };
        for (const auto& [flags, error] : refused) {
            const Run r = run(QStringList{"ledger", "publish", "--data", data_} + flags);
            QCOMPARE(r.exit_code, 1);
            QVERIFY2(r.err.contains(error), qPrintable(describe(r)));
        }
    }

    // A token whose keys carry this ledger's labels but belong to another ledger.
    void refuses_a_token_of_another_ledger() {
        const Run other = run(QStringList{"ledger", "init", "--election", election_, "--approval",
                                          approval_, "--data", path("other")} +
                              token("other"));
        QVERIFY2(other.exit_code == 0, qPrintable(describe(other)));
        const Run r = run(QStringList{"ledger", "publish", "--data", data_} + token("other"));
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("pkcs11:token=other;object=psephos-log:") &&
                     r.err.contains("is not the key this ledger has on record"),
                 qPrintable(describe(r)));
    }

    void refuses_a_wrong_pin_and_a_write_without_the_token() {
        const QString bad_pin = path("bad-pin");
        QVERIFY(write_file(bad_pin, "0000\n"));
        QStringList wrong = token();
        wrong.last() = bad_pin;
        const Run r = run(QStringList{"ledger", "publish", "--data", data_} + wrong);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("PKCS#11 token 'ledger': the PIN is wrong"),
                 qPrintable(describe(r)));
        const Run none = run({"ledger", "publish", "--data", data_});
        QCOMPARE(none.exit_code, 1);
        QVERIFY2(none.err.contains("ledger.key"), qPrintable(describe(none)));
    }

    void refuses_command_lines_that_mix_a_key_file_and_a_token() {
        const QStringList init{"ledger",     "init",    "--election", election_,
                               "--approval", approval_, "--data",     path("mixed")};
        const QList<QPair<QStringList, QString>> cases{
            {init + QStringList{"--key", path("mixed.key")} + token(),
             "--key FILE and --pkcs11 MODULE exclude each other"},
            {init + QStringList{"--token", "ledger"}, "--token needs --pkcs11 MODULE"},
            {init + QStringList{"--pkcs11", test::softhsm_module, "--pin-file", pin_file_},
             "missing --token"},
            {init + token() + QStringList{"--pin-fd", "0"},
             "exactly one of --pin-fd N and --pin-file FILE"},
        };
        for (const auto& [args, error] : cases) {
            const Run r = run(args);
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(r.err.contains(error), qPrintable(describe(r)));
        }
        QVERIFY(!QFile::exists(path("mixed")));
        // The key-label flag is the authority's: the ledger's labels are its logs' origins.
        const Run label =
            run(QStringList{"ledger", "publish", "--data", data_, "--key-label", "x"} + token());
        QCOMPARE(label.exit_code, 2);
    }
};

QTEST_GUILESS_MAIN(TestLedgerTokenCli)
#include "tst_ledger_token_cli.moc"
