// The psephos command-line tool, run as a real process on temporary directories: manifests
// validate (and broken ones list every problem); the key ceremony writes a finalized manifest and
// private guardian key files, sealed under a passphrase when one is given (never from the
// environment), and refuses bad counts and
// non-empty output directories; guardian key files round-trip and refuse a wrong passphrase or a
// readable mode; ballots encrypt for every district and verify, while a flipped byte, an overvote
// and a tampered challenge are refused with the place named.
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "psephos_process.hpp"

#include "psephos/crypto/scalar.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/guardian_key_file.hpp"

using namespace psephos;

namespace {

using test::describe;
using test::read_all;
using test::run;
using test::Run;

const QString samples_dir = QStringLiteral(PSEPHOS_SAMPLES_DIR);
const QString small_sample = samples_dir + "/small-election.json";
const QString county_sample = samples_dir + "/county-general-2026.json";
const char* const passphrase = "correct horse battery staple";

void write_all(const QString& path, const QByteArray& data) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(data);
}

unsigned mode_of(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return 0xffff;
    return static_cast<unsigned>(st.st_mode & 07777);
}

// The value of "<key>: <value>" on a line of `text`.
QString field(const QString& text, const QString& key) {
    const QRegularExpression re("^" + QRegularExpression::escape(key) + ": (.*)$",
                                QRegularExpression::MultilineOption);
    return re.match(text).captured(1);
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString clear_dir_, sealed_dir_, election_;
    Run clear_ceremony_, sealed_ceremony_;
    int counter_ = 0;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QString fresh(const QString& stem) { return path(stem + "-" + QString::number(++counter_)); }

    // Encrypts into a new file; returns the run and sets `out` to the ballot's path.
    Run encrypt(const QString& district, const QString& selections, QString& out,
                const QStringList& extra = {}) {
        out = fresh("ballot");
        return run(QStringList{"encrypt", "--election", election_, "--district", district,
                               "--selections", selections, "--out", out} +
                   extra);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        clear_dir_ = path("clear");
        sealed_dir_ = path("sealed");
        const QStringList ceremony{"ceremony", "--election",  small_sample, "--guardians",
                                   "5",        "--threshold", "3"};
        clear_ceremony_ = run(ceremony + QStringList{"--out", clear_dir_});
        QVERIFY2(clear_ceremony_.exit_code == 0, qPrintable(describe(clear_ceremony_)));
        sealed_ceremony_ = run(ceremony + QStringList{"--out", sealed_dir_}, passphrase);
        QVERIFY2(sealed_ceremony_.exit_code == 0, qPrintable(describe(sealed_ceremony_)));
        election_ = clear_dir_ + "/election.json";
    }

    void help_lists_every_command() {
        for (const QString& word : {QString("help"), QString("--help")}) {
            const Run r = run({word});
            QCOMPARE(r.exit_code, 0);
            for (const char* command : {"election validate", "ceremony", "guardian-key verify",
                                        "encrypt", "ballot verify", "challenge-check", "demo"}) {
                QVERIFY2(r.out.contains(QStringLiteral("psephos ") + command), command);
            }
        }
    }

    void bad_command_lines_exit_2_with_a_reason_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no command") << QStringList{} << "usage: psephos COMMAND";
        QTest::newRow("unknown command")
            << QStringList{"frobnicate"} << "unknown command 'frobnicate'";
        QTest::newRow("unknown flag")
            << QStringList{"ballot", "verify", "x", "--election", "e", "--devic-pub", "p"}
            << "unknown option '--devic-pub'";
        QTest::newRow("missing flag")
            << QStringList{"ballot", "verify", "x", "--election", "e"} << "missing --device-pub";
        QTest::newRow("flag without value")
            << QStringList{"ceremony", "--election"} << "--election needs a value";
        QTest::newRow("bad number")
            << QStringList{"ceremony", "--election", "e", "--guardians", "5x", "--threshold",
                           "3",        "--out",      "d"}
            << "--guardians needs a whole number from 1 to 255, got '5x'";
        QTest::newRow("repeated flag")
            << QStringList{"demo", "--seed", "1", "--seed", "2"} << "--seed is given twice";
        QTest::newRow("missing file") << QStringList{"election", "validate"} << "missing argument";
        QTest::newRow("bad funding output")
            << QStringList{"proof", "ABCD", "--data",    "d",
                           "--out", "o",    "--funding", QString(64, QLatin1Char('a')) + ":0:12x"}
            << "is not TXID:VOUT:AMOUNT";
        QTest::newRow("fee cap of zero")
            << QStringList{"anchor", "--data", "d", "--config", "c", "--max-anchor-fee-sat", "0"}
            << "--max-anchor-fee-sat";
    }
    void bad_command_lines_exit_2_with_a_reason() {
        QFETCH(QStringList, args);
        QFETCH(QString, reason);
        const Run r = run(args);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(reason), qPrintable(describe(r)));
    }

    void validates_both_samples_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("summary");
        QTest::newRow("small") << small_sample
                               << "valid (2 districts, 3 contests, 2 ballot styles)";
        QTest::newRow("county") << county_sample
                                << "valid (10 districts, 17 contests, 5 ballot styles)";
    }
    void validates_both_samples() {
        QFETCH(QString, file);
        QFETCH(QString, summary);
        const Run r = run({"election", "validate", file});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(r.out, file + ": " + summary + "\n");
        QVERIFY(r.err.isEmpty());
    }

    void broken_manifest_lists_every_problem_on_stderr() {
        QByteArray text = read_all(small_sample);
        QVERIFY(text.contains("\"name\": \"Maplewood Municipal Election 2026\""));
        text.replace("\"name\": \"Maplewood Municipal Election 2026\"", "\"nmae\": \"Maplewood\"");
        QVERIFY(text.contains("\"vote_for\": 2"));
        text.replace("\"vote_for\": 2", "\"vote_for\": 9");
        const QString broken = path("broken.json");
        write_all(broken, text);
        const Run r = run({"election", "validate", broken});
        QCOMPARE(r.exit_code, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(broken + ": manifest: unknown field \"nmae\"\n"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(broken + ": name: required field is missing\n"), qPrintable(r.err));
        QVERIFY2(r.err.contains(broken + ": contests[1].vote_for: 9 is more than the 4 options\n"),
                 qPrintable(r.err));
    }

    void ceremony_writes_a_finalized_manifest_and_private_key_files() {
        const QString joint_key = field(clear_ceremony_.out, "joint key");
        QCOMPARE(joint_key.size(), 64);
        QCOMPARE(field(clear_ceremony_.out, "ceremony hash").size(), 64);
        QVERIFY2(clear_ceremony_.err.contains("NOT passphrase-sealed"),
                 qPrintable(clear_ceremony_.err));
        QVERIFY2(!sealed_ceremony_.err.contains("warning"), qPrintable(sealed_ceremony_.err));
        const Run r = run({"election", "validate", election_});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("finalized: joint key " + joint_key + ")"), qPrintable(r.out));
        // Both ceremonies start from the same manifest, so the same ceremony hash; fresh keys.
        QCOMPARE(field(sealed_ceremony_.out, "ceremony hash"),
                 field(clear_ceremony_.out, "ceremony hash"));
        QVERIFY(field(sealed_ceremony_.out, "joint key") != joint_key);
        QVERIFY2(clear_ceremony_.out.contains("wrote " + clear_dir_ + "/guardian-5.key\n"),
                 qPrintable(clear_ceremony_.out));
        for (const QString& d : {clear_dir_, sealed_dir_}) {
            QCOMPARE(QDir(d).entryList(QDir::Files | QDir::Hidden).size(), 6);
            for (int i = 1; i <= 5; ++i) {
                const QString key = d + "/guardian-" + QString::number(i) + ".key";
                QCOMPARE(mode_of(key), 0600u);
                const Run check =
                    run({"guardian-key", "verify", key, "--election", d + "/election.json"},
                        d == sealed_dir_ ? QString(passphrase) : QString());
                QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));
            }
        }
        // The written manifest is the loader's canonical JSON form of itself.
        auto loaded = election::load_manifest_file(election_.toStdString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        QCOMPARE(QByteArray::fromStdString(election::manifest_to_json(loaded.value())),
                 read_all(election_));
    }

    void ceremony_refuses_a_non_empty_output_directory() {
        const Run r = run({"ceremony", "--election", small_sample, "--guardians", "5",
                           "--threshold", "3", "--out", clear_dir_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("not empty"), qPrintable(describe(r)));
    }

    void ceremony_refuses_counts_other_than_the_manifests_data() {
        QTest::addColumn<QString>("guardians");
        QTest::addColumn<QString>("threshold");
        QTest::newRow("threshold 2") << "5"
                                     << "2";
        QTest::newRow("4 guardians") << "4"
                                     << "3";
    }
    void ceremony_refuses_counts_other_than_the_manifests() {
        QFETCH(QString, guardians);
        QFETCH(QString, threshold);
        const QString out = fresh("mismatch");
        const Run r = run({"ceremony", "--election", small_sample, "--guardians", guardians,
                           "--threshold", threshold, "--out", out});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("names 5 guardians with threshold 3"), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(out));
    }

    void clear_guardian_key_file_round_trips() {
        const std::string file = (clear_dir_ + "/guardian-2.key").toStdString();
        auto key = election::read_guardian_key_file(file, std::nullopt);
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        QCOMPARE(key.value().index, 2u);
        QCOMPARE(key.value().election_id, std::string("maplewood-municipal-2026"));
        const QString text = QString::fromLatin1(read_all(QString::fromStdString(file)));
        QVERIFY(text.startsWith("psephos-guardian-key-v1\n"));
        QCOMPARE(field(text, "share"),
                 QString::fromStdString(to_base64(key.value().secret_share->bytes())));
        auto manifest = election::load_manifest_file(election_.toStdString());
        QVERIFY(manifest.ok());
        QVERIFY(election::check_guardian_key(key.value(), manifest.value()).ok());
        // Another guardian's file does not pass as this index's key, nor another election's.
        auto other = election::load_manifest_file((sealed_dir_ + "/election.json").toStdString());
        QVERIFY(other.ok());
        const auto mismatch = election::check_guardian_key(key.value(), other.value());
        QVERIFY(!mismatch.ok());
        QCOMPARE(mismatch.error().code, ErrorCode::verification_failed);
    }

    void written_guardian_key_file_reads_back_the_same_secrets_data() {
        QTest::addColumn<bool>("sealed");
        QTest::newRow("clear") << false;
        QTest::newRow("sealed") << true;
    }
    void written_guardian_key_file_reads_back_the_same_secrets() {
        QFETCH(bool, sealed);
        const std::optional<std::string> secret =
            sealed ? std::optional<std::string>("pw") : std::nullopt;
        const crypto::Scalar share = crypto::Scalar::random();
        const auto identity = crypto::Ed25519SigningKey::generate();
        const std::string file = fresh("written.key").toStdString();
        QVERIFY(election::write_guardian_key_file(file, "e-1", 7, share, identity, secret).ok());
        QCOMPARE(mode_of(QString::fromStdString(file)), 0600u);
        auto back = election::read_guardian_key_file(file, secret);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QCOMPARE(back.value().election_id, std::string("e-1"));
        QCOMPARE(back.value().index, 7u);
        QVERIFY(back.value().secret_share == share);
        QVERIFY(back.value().identity.public_key() == identity.public_key());
        // Never replaces a file.
        const auto again =
            election::write_guardian_key_file(file, "e-1", 7, share, identity, secret);
        QVERIFY(!again.ok());
        QVERIFY(again.error().message.find("already exists") != std::string::npos);
    }

    void sealed_guardian_key_file_holds_no_plaintext_and_needs_the_passphrase() {
        const QString file = sealed_dir_ + "/guardian-3.key";
        auto key = election::read_guardian_key_file(file.toStdString(), std::string(passphrase));
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        const QByteArray text = read_all(file);
        QVERIFY(text.contains("protection: argon2id13-xsalsa20poly1305\n"));
        QVERIFY(!text.contains(
            QByteArray::fromStdString(to_base64(key.value().secret_share->bytes()))));
        QVERIFY(!text.contains(QByteArray::fromStdString(to_base64(key.value().identity.seed()))));
        QVERIFY(!text.contains("share: "));

        auto wrong =
            election::read_guardian_key_file(file.toStdString(), std::string("incorrect horse"));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::verification_failed);
        QVERIFY2(wrong.error().message.find("wrong passphrase") != std::string::npos,
                 wrong.error().message.c_str());
        auto none = election::read_guardian_key_file(file.toStdString(), std::nullopt);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::invalid_argument);
        QVERIFY2(none.error().message.find("passphrase-sealed: give its passphrase") !=
                     std::string::npos,
                 none.error().message.c_str());

        const QStringList verify{"guardian-key", "verify", file, "--election",
                                 sealed_dir_ + "/election.json"};
        const Run bad = run(verify, "incorrect horse");
        QCOMPARE(bad.exit_code, 1);
        QVERIFY2(bad.err.contains("wrong passphrase"), qPrintable(describe(bad)));
        // No descriptor and no terminal to ask at (the test runs it in a session of its own).
        const Run no_terminal = run(verify);
        QCOMPARE(no_terminal.exit_code, 1);
        QVERIFY2(no_terminal.err.contains("no terminal to ask for the guardian passphrase; give "
                                          "--passphrase-fd N"),
                 qPrintable(describe(no_terminal)));
        QCOMPARE(run(verify, passphrase).exit_code, 0);
    }

    // The passphrase never comes from the environment (other processes of the user can read
    // it): with the old variable set, the ceremony, decrypt and guardian-key verify refuse to run
    // and write nothing, even beside --passphrase-fd.
    void passphrase_in_the_environment_is_refused() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PSEPHOS_GUARDIAN_PASSPHRASE", passphrase);
        const QString out = fresh("ceremony-from-environment");
        const Run ceremony =
            test::run_executable(QStringLiteral(PSEPHOS_EXE),
                                 {"ceremony", "--election", small_sample, "--guardians", "5",
                                  "--threshold", "3", "--out", out},
                                 env);
        QCOMPARE(ceremony.exit_code, 1);
        QVERIFY2(ceremony.err.contains("PSEPHOS_GUARDIAN_PASSPHRASE is set: 'psephos ceremony' "
                                       "never takes a passphrase from the environment"),
                 qPrintable(describe(ceremony)));
        QVERIFY(!QFile::exists(out + "/guardian-1.key"));
        const Run verify = test::run_executable(
            QStringLiteral(PSEPHOS_EXE),
            {"guardian-key", "verify", sealed_dir_ + "/guardian-1.key", "--election",
             sealed_dir_ + "/election.json", "--passphrase-fd", "0"},
            env, QByteArray(passphrase) + "\n");
        QCOMPARE(verify.exit_code, 1);
        QVERIFY2(verify.err.contains("never takes a passphrase from the environment"),
                 qPrintable(describe(verify)));
        const Run decrypt = test::run_executable(
            QStringLiteral(PSEPHOS_EXE),
            {"decrypt", "--data", fresh("no-ledger"), "--guardian", clear_dir_ + "/guardian-1.key"},
            env);
        QCOMPARE(decrypt.exit_code, 1);
        QVERIFY2(decrypt.err.contains("never takes a passphrase from the environment"),
                 qPrintable(describe(decrypt)));
    }

    void sealed_guardian_key_file_refuses_a_changed_header() {
        // Lines 2–4 are public but bound to the sealed part: moving it under another index fails.
        QByteArray text = read_all(sealed_dir_ + "/guardian-4.key");
        text.replace("guardian: 4\n", "guardian: 5\n");
        const QString file = fresh("moved.key");
        write_all(file, text);
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        auto key = election::read_guardian_key_file(file.toStdString(), std::string(passphrase));
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, ErrorCode::verification_failed);
    }

    void guardian_key_file_readable_by_others_is_refused() {
        const QString file = fresh("open.key");
        QVERIFY(QFile::copy(clear_dir_ + "/guardian-1.key", file));
        QVERIFY(::chmod(QFile::encodeName(file).constData(), 0640) == 0);
        auto key = election::read_guardian_key_file(file.toStdString(), std::nullopt);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, ErrorCode::permission_denied);
        QVERIFY2(key.error().message.find("0640") != std::string::npos,
                 key.error().message.c_str());
        const Run r = run({"guardian-key", "verify", file, "--election", election_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("chmod 600"), qPrintable(describe(r)));
    }

    void ballot_encrypts_and_verifies_in_every_district_data() {
        QTest::addColumn<QString>("district");
        QTest::addColumn<QString>("selections");
        QTest::newRow("ward-1, full")
            << "ward-1"
            << "{\"mayor\": [\"helen-park\"], \"city-council\": [\"amir-haddad\", "
               "\"nora-lindqvist\"], \"measure-1\": [\"yes\"]}";
        QTest::newRow("ward-2, undervote") << "ward-2"
                                           << "{\"city-council\": [\"samuel-reyes\"]}";
        QTest::newRow("ward-2, blank") << "ward-2"
                                       << "{}";
    }
    void ballot_encrypts_and_verifies_in_every_district() {
        QFETCH(QString, district);
        QFETCH(QString, selections);
        QString out;
        const Run e = encrypt(district, selections, out,
                              {"--ballot-id", "b-" + QString::number(counter_ + 1)});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        QCOMPARE(mode_of(out + ".device.key"), 0600u);
        const Run v = run({"ballot", "verify", out, "--election", election_, "--device-pub",
                           out + ".device.pub"});
        QVERIFY2(v.exit_code == 0, qPrintable(describe(v)));
        QVERIFY2(v.out.contains("verified (district " + district), qPrintable(v.out));
        QCOMPARE(field(v.out, "tracking code"), field(e.out, "tracking code"));
        QCOMPARE(field(v.out, "ballot hash"), field(e.out, "ballot hash"));
        QVERIFY(QRegularExpression("^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$")
                    .match(field(e.out, "tracking code"))
                    .hasMatch());
    }

    void selections_from_a_file_and_an_existing_device_key() {
        QString first;
        QVERIFY(encrypt("ward-1", "{}", first).exit_code == 0);
        const QString selections = fresh("selections.json");
        write_all(selections, "{\n  \"mayor\": [\"rosa-delgado\"]\n}\n");
        QString out;
        const Run e = encrypt("ward-1", selections, out,
                              {"--device-key", first + ".device.key", "--device-id", "k-2"});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        QVERIFY(!QFile::exists(out + ".device.key"));
        const Run v = run({"ballot", "verify", out, "--election", election_, "--device-pub",
                           first + ".device.pub"});
        QVERIFY2(v.exit_code == 0, qPrintable(describe(v)));
        QVERIFY(v.out.contains("device k-2"));
    }

    void flipped_byte_in_ballot_is_refused_naming_the_offset() {
        QString out;
        const Run e = encrypt("ward-1", "{\"mayor\": [\"rosa-delgado\"]}", out,
                              {"--ballot-id", "flip", "--device-id", "kiosk-9"});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const QByteArray good = read_all(out);
        // Offset of contest 0 selection 0 alpha (docs/encoding.md §4): type, version, base hash,
        // ballot, device, district and style ids, timestamp, previous code, contest count,
        // contest id, selection count, option id.
        const int alpha =
            2 + 32 + (4 + 4) + (4 + 7) + (4 + 6) + (4 + 6) + 8 + 32 + 4 + (4 + 5) + 4 + (4 + 12);
        QByteArray bad = good;
        bad[alpha + 31] = static_cast<char>(bad[alpha + 31] ^ 0x80);  // top bit: never canonical
        const QString flipped = fresh("flipped");
        write_all(flipped, bad);
        const QStringList verify_args{"--election", election_, "--device-pub", out + ".device.pub"};
        Run r = run(QStringList{"ballot", "verify", flipped} + verify_args);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("encrypted ballot at byte " + QString::number(alpha) + ": "),
                 qPrintable(describe(r)));
        QVERIFY2(r.err.contains("alpha"), qPrintable(describe(r)));

        // A flipped byte that still decodes (in the signature) fails verification instead.
        bad = good;
        bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 0x01);
        write_all(flipped, bad);
        r = run(QStringList{"ballot", "verify", flipped} + verify_args);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("does NOT verify"), qPrintable(describe(r)));
    }

    void overvote_and_unknown_ids_are_refused_data() {
        QTest::addColumn<QString>("selections");
        QTest::addColumn<QString>("reason");
        QTest::newRow("overvote") << "{\"mayor\": [\"helen-park\", \"rosa-delgado\"]}"
                                  << "overvote";
        QTest::newRow("unknown option") << "{\"mayor\": [\"nobody\"]}"
                                        << "unknown option 'nobody'";
        QTest::newRow("unknown contest") << "{\"dogcatcher\": []}"
                                         << "contest 'dogcatcher' is not on ballot style";
        QTest::newRow("contest twice") << "{\"mayor\": [], \"mayor\": [\"helen-park\"]}"
                                       << "named more than once";
        QTest::newRow("malformed") << "{\"mayor\": [\"helen-park\""
                                   << "invalid JSON";
    }
    void overvote_and_unknown_ids_are_refused() {
        QFETCH(QString, selections);
        QFETCH(QString, reason);
        QString out;
        const Run r = encrypt("ward-1", selections, out);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains(reason), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(out));
        QVERIFY(!QFile::exists(out + ".device.key"));
    }

    void challenged_ballot_verifies_and_shows_the_marked_labels() {
        QString out;
        const Run e =
            encrypt("ward-1",
                    "{\"mayor\": [\"martin-okafor\"], \"city-council\": [\"claire-dubois\", "
                    "\"nora-lindqvist\"]}",
                    out, {"--challenge"});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        QVERIFY(e.out.contains("record: challenged ballot"));
        const QStringList check_args{"--election", election_, "--device-pub", out + ".device.pub"};
        const Run c = run(QStringList{"challenge-check", out} + check_args);
        QVERIFY2(c.exit_code == 0, qPrintable(describe(c)));
        QVERIFY2(c.out.contains("  Mayor: Martin Okafor\n"), qPrintable(c.out));
        QVERIFY2(c.out.contains(": Claire Dubois, Nora Lindqvist\n"), qPrintable(c.out));
        QVERIFY2(c.out.contains("(no selection)"), qPrintable(c.out));
        QVERIFY(
            c.out.endsWith("challenge verified: the ballot encrypts exactly these selections\n"));

        // The voter's check: the code shown before the choice (encrypt prints it) and the marks.
        const qsizetype at = e.out.indexOf("tracking code: ");
        QVERIFY2(at >= 0, qPrintable(e.out));
        const QString code = e.out.mid(at + 15, 39);
        const QString marks =
            "{\"mayor\": [\"martin-okafor\"], \"city-council\": [\"nora-lindqvist\", "
            "\"claire-dubois\"]}";
        const Run v = run(QStringList{"challenge-check", out} + check_args +
                          QStringList{"--code", code.toLower(), "--selections", marks});
        QVERIFY2(v.exit_code == 0, qPrintable(describe(v)));
        QVERIFY2(v.out.contains("voter's check passed"), qPrintable(v.out));
        const Run other =
            run(QStringList{"challenge-check", out} + check_args +
                QStringList{"--code", code, "--selections", "{\"mayor\": [\"helen-park\"]}"});
        QCOMPARE(other.exit_code, 1);
        QVERIFY2(other.err.contains("the voter's check FAILS") &&
                     other.err.contains("contest 'mayor': the ballot encrypts 'martin-okafor', "
                                        "the voter marked 'helen-park'"),
                 qPrintable(describe(other)));
        QString wrong = code;
        wrong[0] = wrong[0] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        const Run switched = run(QStringList{"challenge-check", out} + check_args +
                                 QStringList{"--code", wrong, "--selections", marks});
        QCOMPARE(switched.exit_code, 1);
        QVERIFY2(switched.err.contains("not the code shown before the choice"),
                 qPrintable(describe(switched)));
        const Run half =
            run(QStringList{"challenge-check", out} + check_args + QStringList{"--code", code});
        QCOMPARE(half.exit_code, 2);

        // The last 32 bytes are the last selection's nonce; changing its low byte keeps it a
        // canonical scalar, so it decodes and the reveal no longer opens the ciphertext.
        QByteArray bad = read_all(out);
        bad[bad.size() - 32] = static_cast<char>(bad[bad.size() - 32] ^ 0x01);
        const QString tampered = fresh("tampered");
        write_all(tampered, bad);
        const Run t = run(QStringList{"challenge-check", tampered} + check_args);
        QCOMPARE(t.exit_code, 1);
        QVERIFY2(t.err.contains("challenge does NOT verify"), qPrintable(describe(t)));
        QVERIFY(!t.out.contains("challenge verified"));
        // A challenged ballot is not a cast ballot, and the other way round.
        const Run as_ballot = run(QStringList{"ballot", "verify", out} + check_args);
        QCOMPARE(as_ballot.exit_code, 1);
        QVERIFY2(as_ballot.err.contains("at byte 0: record type"), qPrintable(describe(as_ballot)));
    }

    void encrypt_needs_a_finalized_manifest() {
        QString out = fresh("unfinalized");
        const Run r = run({"encrypt", "--election", small_sample, "--district", "ward-1",
                           "--selections", "{}", "--out", out});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("not finalized"), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
