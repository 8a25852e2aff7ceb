// `psephos ledger`, run as a real process (QProcess) on a temporary data directory: a whole polling
// day through the CLI — init, a device key, registration, polls opened, a ballot from `psephos
// encrypt` cast and its replay rejected, a challenged ballot, status, inclusion and consistency
// proofs verified against signed checkpoints, polls paused, resumed and closed everywhere, the
// event log (which never holds a selection), and a full check — then the refusals: an unfinalized
// manifest, an existing ledger, a wrong or missing key, a locked database, an unknown district and
// bad command lines. The slots run in order; each builds on the ledger the previous ones left.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "psephos_process.hpp"

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/scalar.hpp"

using namespace psephos;

namespace {

using test::describe;
using test::json_of;
using test::read_all;
using test::run;
using test::Run;

const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";
const QString election_id = "maplewood-municipal-2026";
const QString ward1_origin = election_id + "/district/ward-1";

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

// A checkpoint note's text: origin, size and base64 root lines.
QString checkpoint_head(const QString& origin, int size) {
    return origin + "\n" + QString::number(size) + "\n";
}

bool is_hex64(const QString& s) { return QRegularExpression("^[0-9a-f]{64}$").match(s).hasMatch(); }

}  // namespace

class TestLedgerCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, data_, kiosk_key_, ballot_, ballot_id_, tracking_code_;
    QString authority_key_, approval_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    // The election authority's authorisation of a device (psephos authority authorise-device).
    QString authorise(const QString& district, const QString& device, const QString& pub) const {
        const QString out = path("authorised-" + district + "-" + device);
        const Run r =
            run({"authority", "authorise-device", "--key", authority_key_, "--election", election_,
                 "--district", district, "--device", device, "--public-key", pub, "--out", out});
        if (r.exit_code != 0) qWarning("%s", qPrintable(describe(r)));
        return out;
    }
    QStringList with_data(const QString& sub, const QStringList& rest = {}) const {
        // Polls records are signed by a device: its key file `kiosk-1.key` is in this directory.
        const QStringList keys =
            sub.endsWith("-polls") ? QStringList{"--device-keys", dir_.path()} : QStringList{};
        return QStringList{"ledger", sub, "--data", data_} + keys + rest;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        const Run ceremony = run({"ceremony", "--election", small_sample, "--guardians", "5",
                                  "--threshold", "3", "--out", path("ceremony")});
        QVERIFY2(ceremony.exit_code == 0, qPrintable(describe(ceremony)));
        election_ = path("ceremony/election.json");
        data_ = path("data");
        kiosk_key_ = path("kiosk-1.key");
        authority_key_ = path("authority.key");
        approval_ = path("approval.bin");
        const Run keygen = run({"authority", "keygen", "--out", authority_key_});
        QVERIFY2(keygen.exit_code == 0, qPrintable(describe(keygen)));
        QVERIFY(keygen.out.startsWith("authority key: ed25519:"));
        const Run approve = run({"authority", "approve", "--key", authority_key_, "--election",
                                 election_, "--out", approval_});
        QVERIFY2(approve.exit_code == 0, qPrintable(describe(approve)));
        QVERIFY2(approve.out.contains("approved by: ed25519:"), qPrintable(approve.out));
    }

    void help_lists_every_ledger_subcommand() {
        const Run top = run({"help"});
        QCOMPARE(top.exit_code, 0);
        QVERIFY2(top.out.contains("psephos ledger SUBCOMMAND"), qPrintable(top.out));
        const Run r = run({"ledger", "--help"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        for (const char* sub :
             {"init --election FILE --approval FILE --data DIR", "device-key --out FILE",
              "register-device --data DIR --authorisation FILE",
              "deauthorise-device --data DIR --deauthorisation FILE", "open-polls", "pause-polls",
              "resume-polls", "close-polls", "cast", "status", "publish", "inclusion",
              "consistency", "events", "check --data DIR"}) {
            QVERIFY2(r.out.contains(QStringLiteral("psephos ledger ") + sub), sub);
        }
        const Run one = run({"ledger", "cast", "--help"});
        QCOMPARE(one.exit_code, 0);
        QCOMPARE(one.out,
                 QString("usage: psephos ledger cast --data DIR [--key FILE | (--pkcs11 MODULE "
                         "--token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)] "
                         "BALLOT...\n"));
    }

    void init_refuses_an_unfinalized_manifest() {
        const Run r = run({"ledger", "init", "--election", small_sample, "--approval", approval_,
                           "--data", data_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("not finalized (no ceremony record)"), qPrintable(describe(r)));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(data_ + "/ledger"));
        QVERIFY(!QFile::exists(data_ + "/ledger.key"));
    }

    // No ledger for an election the authority did not approve: another key's approval, or one
    // byte of the approval changed, is refused before anything is written.
    void init_refuses_an_approval_not_the_authoritys() {
        const QString other = path("other-authority.key");
        QCOMPARE(run({"authority", "keygen", "--out", other}).exit_code, 0);
        QByteArray bad = read_all(approval_);
        bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 0x01);
        const QString tampered = path("approval-tampered.bin");
        QFile f(tampered);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bad);
        f.close();
        const Run r = run(
            {"ledger", "init", "--election", election_, "--approval", tampered, "--data", data_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("approval-tampered.bin: election approval by ed25519:"),
                 qPrintable(describe(r)));
        QVERIFY(!QFile::exists(data_ + "/ledger"));
        QVERIFY(!QFile::exists(data_ + "/ledger.key"));
    }

    void init_creates_the_ledger_and_a_private_key() {
        const Run r = run(
            {"ledger", "init", "--election", election_, "--approval", approval_, "--data", data_});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(field(r.out, "election"), election_id);
        QVERIFY2(r.out.contains("created " + data_ + "/ledger\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains("wrote " + data_ + "/ledger.key"), qPrintable(r.out));
        QVERIFY(field(r.out, "verifier ward-1").startsWith(ward1_origin + "+"));
        QVERIFY(field(r.out, "verifier ward-2").startsWith(election_id + "/district/ward-2+"));
        QVERIFY(field(r.out, "verifier /election").startsWith(election_id + "/election+"));
        QVERIFY(field(r.out, "verifier /events").startsWith(election_id + "/events+"));
        QCOMPARE(mode_of(data_ + "/ledger.key"), 0600u);
        QCOMPARE(mode_of(data_), 0700u);
        QVERIFY(read_all(data_ + "/ledger.key")
                    .startsWith("psephos-ed25519-secret-key-v1\nname: ledger\n"));
    }

    void device_key_writes_a_private_key_and_a_public_file() {
        const Run r = run({"ledger", "device-key", "--out", kiosk_key_, "--device", "kiosk-1"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY(is_hex64(field(r.out, "device key")));
        QCOMPARE(mode_of(kiosk_key_), 0600u);
        QVERIFY(read_all(kiosk_key_ + ".pub")
                    .startsWith("psephos-ed25519-public-key-v1\nname: kiosk-1\n"));
        const Run again = run({"ledger", "device-key", "--out", kiosk_key_});
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("already exists; refusing to overwrite it"),
                 qPrintable(describe(again)));
    }

    void register_device_signs_the_first_checkpoint() {
        const Run r = run(
            with_data("register-device",
                      {"--authorisation", authorise("ward-1", "kiosk-1", kiosk_key_ + ".pub")}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(field(r.out, "device"), QString("kiosk-1"));
        QCOMPARE(field(r.out, "record"), QString("ward-1#0"));
        QVERIFY2(r.out.contains("signed checkpoint:\n" + checkpoint_head(ward1_origin, 1)),
                 qPrintable(r.out));
        QVERIFY(
            r.out.contains("\n\xe2\x80\x94 " + ward1_origin + " "));  // the note's signature line
    }

    void register_device_refuses_an_unknown_district() {
        const Run r = run({"authority", "authorise-device", "--key", authority_key_, "--election",
                           election_, "--district", "ward-9", "--device", "kiosk-9", "--public-key",
                           kiosk_key_ + ".pub", "--out", path("ward-9")});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("no district 'ward-9' with a ballot style in election '" +
                                election_id + "'"),
                 qPrintable(describe(r)));
        QVERIFY(!QFile::exists(path("ward-9")));
    }

    // A registration the authority did not sign (another key, or one byte of its key changed)
    // is refused, and the refusal says whose signature was expected.
    void register_device_refuses_what_the_authority_did_not_authorise() {
        const QString other = path("other-authority.key");  // from init_refuses_…
        const QString forged = path("forged-registration");
        QCOMPARE(run({"authority", "authorise-device", "--key", other, "--election", election_,
                      "--district", "ward-1", "--device", "kiosk-7", "--public-key",
                      kiosk_key_ + ".pub", "--out", forged})
                     .exit_code,
                 0);
        const Run r = run(with_data("register-device", {"--authorisation", forged}));
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("rejected: device 'kiosk-7' of district 'ward-1': the election "
                                "authority (ed25519:"),
                 qPrintable(describe(r)));
        QByteArray bad = read_all(authorise("ward-1", "kiosk-8", kiosk_key_ + ".pub"));
        bad[bad.size() - 64 - 1] = static_cast<char>(bad[bad.size() - 64 - 1] ^ 0x01);  // time
        QFile f(path("flipped-registration"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bad);
        f.close();
        const Run flipped =
            run(with_data("register-device", {"--authorisation", path("flipped-registration")}));
        QCOMPARE(flipped.exit_code, 1);
        QVERIFY2(flipped.err.contains("did not authorise this registration"),
                 qPrintable(describe(flipped)));
    }

    void open_polls_records_the_zero_report() {
        const Run r = run(with_data("open-polls", {"--district", "ward-1", "--actor", "Ann Lee"}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(field(r.out, "polls"), QString("open"));
        QCOMPARE(field(r.out, "ballots cast"), QString("0"));
        QCOMPARE(field(r.out, "ballots challenged"), QString("0"));
        QCOMPARE(field(r.out, "actor"), QString("Ann Lee"));
        QCOMPARE(field(r.out, "record"), QString("ward-1#1"));
        QVERIFY2(r.out.contains(checkpoint_head(ward1_origin, 2)), qPrintable(r.out));
    }

    void cast_records_a_ballot_from_psephos_encrypt() {
        ballot_ = path("ballot-1");
        const Run e =
            run({"encrypt", "--election", election_, "--district", "ward-1", "--selections",
                 "{\"mayor\": [\"rosa-delgado\"], \"city-council\": [\"amir-haddad\"]}",
                 "--device-key", kiosk_key_, "--device-id", "kiosk-1", "--out", ballot_});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        ballot_id_ = field(e.out, "ballot id");
        tracking_code_ = field(e.out, "tracking code");
        QVERIFY(!tracking_code_.isEmpty());
        const Run r = run(with_data("cast", {ballot_}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith(ballot_ + ": cast at ward-1#2, tracking code " + tracking_code_ +
                                  "\n"),
                 qPrintable(r.out));
        QVERIFY2(
            r.out.contains("signed checkpoint of ward-1:\n" + checkpoint_head(ward1_origin, 3)),
            qPrintable(r.out));
    }

    void replayed_cast_is_rejected_with_the_reason() {
        const Run r = run(with_data("cast", {ballot_}));
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(
            r.out.contains(
                ballot_ + ": rejected: ballot '" + ballot_id_ +
                "': ballot id already recorded in district 'ward-1' (duplicate or replayed)\n"),
            qPrintable(describe(r)));
        // A file that is not a ballot is refused without reaching a district log.
        const Run not_ballot = run(with_data("cast", {kiosk_key_ + ".pub"}));
        QCOMPARE(not_ballot.exit_code, 1);
        QVERIFY2(not_ballot.out.contains(
                     ": rejected: not an encrypted or challenged ballot (record type 112)"),
                 qPrintable(describe(not_ballot)));
        const Run missing = run(with_data("cast", {path("no-such-ballot")}));
        QCOMPARE(missing.exit_code, 1);
        QVERIFY2(missing.err.contains(
                     "no-such-ballot: cannot open: No such file or directory (nothing was cast)"),
                 qPrintable(describe(missing)));
    }

    void status_json_shows_one_ballot_cast() {
        const QJsonObject s = json_of(run(with_data("status", {"--json"})));
        QCOMPARE(s["election"].toString(), election_id);
        const QJsonArray districts = s["districts"].toArray();
        QCOMPARE(districts.size(), 2);
        const QJsonObject w1 = districts[0].toObject();
        QCOMPARE(w1["name"].toString(), QString("ward-1"));
        QCOMPARE(w1["polls"].toString(), QString("open"));
        QCOMPARE(w1["ballots_cast"].toInt(), 1);
        QCOMPARE(w1["ballots_challenged"].toInt(), 0);
        QCOMPARE(w1["devices"].toInt(), 1);
        QCOMPARE(w1["size"].toInt(), 3);
        QVERIFY(is_hex64(w1["root"].toString()));
        QVERIFY(w1["signed_checkpoint"].toString().startsWith(checkpoint_head(ward1_origin, 3)));
        const QJsonObject w2 = districts[1].toObject();
        QCOMPARE(w2["polls"].toString(), QString("not opened"));
        QCOMPARE(w2["size"].toInt(), 0);
        QVERIFY(w2["signed_checkpoint"].isNull());
        QCOMPARE(s["election_log"].toObject()["size"].toInt(), 0);
        QVERIFY(s["event_log"].toObject()["size"].toInt() > 5);

        const Run text = run(with_data("status"));
        QVERIFY2(text.exit_code == 0, qPrintable(describe(text)));
        QVERIFY2(
            text.out.contains(
                "district ward-1: polls open, 1 cast, 0 challenged, 1 device, log size 3, root " +
                w1["root"].toString() + "\n"),
            qPrintable(text.out));
    }

    void inclusion_proof_verifies_against_the_signed_checkpoint() {
        const QByteArray record = read_all(ballot_);
        const Hash32 leaf = crypto::hash_merkle_leaf(
            ByteSpan(reinterpret_cast<const std::uint8_t*>(record.constData()), record.size()));
        const Run r = run(with_data("inclusion", {"--log", "ward-1", "--index", "2"}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(field(r.out, "leaf hash"), QString::fromStdString(leaf.to_hex()));
        QCOMPARE(field(r.out, "tree size"), QString("3"));
        QVERIFY(is_hex64(field(r.out, "proof[0]")));
        QVERIFY2(r.out.contains("signed checkpoint:\n" + checkpoint_head(ward1_origin, 3)),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(
                     "verified: record 2 is in the tree of the signed checkpoint (size 3, root "),
                 qPrintable(r.out));

        const QJsonObject j = json_of(run(
            with_data("inclusion", {"--log", "ward-1", "--index", "0", "--size", "2", "--json"})));
        QCOMPARE(j["verified"].toBool(), true);
        QCOMPARE(j["tree_size"].toInt(), 2);
        QCOMPARE(j["proof"].toArray().size(), 1);
        QVERIFY(j["signed_checkpoint"].toString().startsWith(checkpoint_head(ward1_origin, 2)));

        const Run outside = run(with_data("inclusion", {"--log", "ward-1", "--index", "3"}));
        QCOMPARE(outside.exit_code, 1);
        QVERIFY2(outside.err.contains("no record 3 in the tree of size 3"),
                 qPrintable(describe(outside)));
        const Run no_log = run(with_data("inclusion", {"--log", "ward-7", "--index", "0"}));
        QCOMPARE(no_log.exit_code, 1);
        QVERIFY2(no_log.err.contains("no log 'ward-7'"), qPrintable(describe(no_log)));
    }

    void consistency_proof_verifies_between_signed_checkpoints() {
        const Run r =
            run(with_data("consistency", {"--log", "ward-1", "--from", "1", "--to", "3"}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY(is_hex64(field(r.out, "proof[0]")));
        QVERIFY(is_hex64(field(r.out, "proof[1]")));
        QVERIFY(
            r.out.contains("signed checkpoint of size 1:\n" + checkpoint_head(ward1_origin, 1)));
        QVERIFY(
            r.out.contains("signed checkpoint of size 3:\n" + checkpoint_head(ward1_origin, 3)));
        QVERIFY2(
            r.out.contains(
                "verified: the signed tree of size 1 is a prefix of the signed tree of size 3\n"),
            qPrintable(r.out));
        const QJsonObject j = json_of(run(
            with_data("consistency", {"--log", "ward-1", "--from", "2", "--to", "3", "--json"})));
        QCOMPARE(j["verified"].toBool(), true);
        QCOMPARE(j["from"].toObject()["size"].toInt(), 2);
        QVERIFY(is_hex64(j["to"].toObject()["root"].toString()));

        const Run backwards =
            run(with_data("consistency", {"--log", "ward-1", "--from", "3", "--to", "2"}));
        QCOMPARE(backwards.exit_code, 2);
        QVERIFY2(backwards.err.contains("--from must not be more than --to"),
                 qPrintable(describe(backwards)));
    }

    void write_command_with_a_wrong_or_missing_key_fails() {
        const QString other = path("other.key");
        QCOMPARE(run({"ledger", "device-key", "--out", other}).exit_code, 0);
        const Run wrong = run(with_data("publish", {"--key", other}));
        QCOMPARE(wrong.exit_code, 1);
        QVERIFY2(wrong.err.contains("the ledger key given is not this ledger's key"),
                 qPrintable(describe(wrong)));
        QVERIFY(wrong.out.isEmpty());
        const Run missing =
            run(with_data("open-polls", {"--district", "ward-2", "--key", path("nothing.key")}));
        QCOMPARE(missing.exit_code, 1);
        QVERIFY2(missing.err.contains(
                     "nothing.key: cannot open: No such file or directory (the ledger key"),
                 qPrintable(describe(missing)));
        // Neither changed the ledger.
        QCOMPARE(json_of(run(with_data("status", {"--json"})))["districts"]
                     .toArray()[1]
                     .toObject()["polls"]
                     .toString(),
                 QString("not opened"));
    }

    void write_command_on_a_locked_ledger_names_the_lock() {
        // RocksDB locks DIR/ledger/LOCK with fcntl; holding that lock here stands for another
        // psephos process writing.
        const int fd = ::open(QFile::encodeName(data_ + "/ledger/LOCK").constData(), O_RDWR);
        QVERIFY(fd >= 0);
        QCOMPARE(::lockf(fd, F_TLOCK, 0), 0);
        const Run r = run(with_data("publish"));
        const Run read_only = run(with_data("status"));
        ::close(fd);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(
            r.err.contains("the ledger is locked: another psephos process has it open for writing"),
            qPrintable(describe(r)));
        QVERIFY2(read_only.exit_code == 0,
                 qPrintable(describe(read_only)));  // queries need no lock
    }

    // Registrations close when the polls open (a device added during the day could stuff
    // ballots); the challenged ballot then comes from kiosk-1, chained through the ledger.
    void late_registration_is_refused_and_a_challenged_ballot_is_never_counted() {
        const QString late_key = path("kiosk-2.key");
        QCOMPARE(run({"ledger", "device-key", "--out", late_key, "--device", "kiosk-2"}).exit_code,
                 0);
        const Run reg =
            run(with_data("register-device",
                          {"--authorisation", authorise("ward-1", "kiosk-2", late_key + ".pub")}));
        QCOMPARE(reg.exit_code, 1);
        QVERIFY2(reg.err.contains("registrations in district 'ward-1' closed when its polls "
                                  "opened (polls are open)"),
                 qPrintable(describe(reg)));
        const QString challenged = path("challenged-1");
        const Run e =
            run({"encrypt", "--election", election_, "--district", "ward-1", "--selections",
                 "{\"mayor\": [\"helen-park\"]}", "--device-key", kiosk_key_, "--device-id",
                 "kiosk-1", "--data", data_, "--challenge", "--out", challenged});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const Run r = run(with_data("cast", {challenged}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith(challenged + ": challenged at ward-1#3, tracking code " +
                                  field(e.out, "tracking code") +
                                  " (challenged ballot: never counted)\n"),
                 qPrintable(r.out));
    }

    void pause_and_resume_report_the_counts() {
        const Run paused = run(with_data("pause-polls", {"--district", "ward-1"}));
        QVERIFY2(paused.exit_code == 0, qPrintable(describe(paused)));
        QCOMPARE(field(paused.out, "polls"), QString("paused"));
        QCOMPARE(field(paused.out, "ballots cast"), QString("1"));
        QCOMPARE(field(paused.out, "ballots challenged"), QString("1"));
        QCOMPARE(field(paused.out, "record"), QString("ward-1#4"));
        const Run again = run(with_data("pause-polls", {"--district", "ward-1"}));
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(
            again.err.contains("rejected: polls paused in district 'ward-1': polls are paused"),
            qPrintable(describe(again)));
        const Run resumed = run(with_data("resume-polls", {"--district", "ward-1"}));
        QVERIFY2(resumed.exit_code == 0, qPrintable(describe(resumed)));
        QCOMPARE(field(resumed.out, "polls"), QString("open"));
        QCOMPARE(field(resumed.out, "record"), QString("ward-1#5"));
    }

    void close_polls_all_closes_and_publishes_the_election_checkpoint() {
        const Run r = run(with_data("close-polls", {"--all", "--actor", "County Clerk"}));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith("closed: ward-1 (1 cast, 1 challenged; record ward-1#6)\n"),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains("closed: ward-2"));  // never opened
        QVERIFY(r.out.contains("election log: size 1, root "));
        QVERIFY2(
            r.out.contains("signed checkpoint:\n" + checkpoint_head(election_id + "/election", 1)),
            qPrintable(r.out));
        QCOMPARE(json_of(run(with_data("status", {"--json"})))["districts"]
                     .toArray()[0]
                     .toObject()["polls"]
                     .toString(),
                 QString("closed"));
        const Run publish = run(with_data("publish"));
        QVERIFY2(publish.exit_code == 0, qPrintable(describe(publish)));
        QVERIFY2(
            publish.out.contains("(unchanged: no district log grew since the last publication)"),
            qPrintable(publish.out));
        const Run late = run(with_data("cast", {ballot_}));
        QCOMPARE(late.exit_code, 1);
        QVERIFY2(late.out.contains(": rejected: ballot '" + ballot_id_ +
                                   "': polls are closed in district 'ward-1'"),
                 qPrintable(describe(late)));
    }

    void events_list_the_day_and_never_a_selection() {
        const Run r = run(with_data("events"));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        const QRegularExpression line_format(
            "^\\d+ \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ [a-z-]+ [a-z-]+ (success|failure) "
            "\\S+( .*)?$");
        for (int i = 0; i < lines.size(); ++i) {
            QVERIFY2(line_format.match(lines[i]).hasMatch(), qPrintable(lines[i]));
            QVERIFY2(lines[i].startsWith(QString::number(i) + " "), qPrintable(lines[i]));
        }
        QVERIFY(lines.first().contains(
            " configuration-changed election-official success - ledger created for election"));
        QVERIFY2(r.out.contains(
                     " device-registered election-official success ward-1 device 'kiosk-1' key "),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(
            " polls-opened poll-worker success ward-1 zero report: 0 cast, 0 challenged\n"));
        QVERIFY2(r.out.contains(" ballot-cast system success ward-1 tracking code " +
                                tracking_code_ + " from device 'kiosk-1'\n"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(" ballot-challenged system success ward-1 tracking code "));
        QVERIFY2(
            r.out.contains(
                " record-rejected system failure ward-1 ballot '" + ballot_id_ +
                "': ballot id already recorded in district 'ward-1' (duplicate or replayed)\n"),
            qPrintable(r.out));
        QVERIFY(r.out.contains(
            " polls-closed election-official success ward-1 1 cast, 1 challenged\n"));
        QVERIFY(r.out.contains(" election-checkpoint-published system success - size 1 root "));
        // The ballots' selections (option ids and labels) appear nowhere in the event log.
        for (const char* secret : {"rosa-delgado", "Rosa Delgado", "amir-haddad", "Amir Haddad",
                                   "helen-park", "Helen Park"}) {
            QVERIFY2(!r.out.contains(secret, Qt::CaseInsensitive), secret);
        }

        const QJsonObject j = json_of(run(with_data("events", {"--json"})));
        const QJsonArray events = j["events"].toArray();
        QCOMPARE(events.size(), lines.size());
        QCOMPARE(j["size"].toInt(), lines.size());
        const QJsonObject first = events[0].toObject();
        QCOMPARE(first["type"].toString(), QString("configuration-changed"));
        QCOMPARE(first["previous_event_hash"].toString(), QString(64, '0'));
        QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                    .match(first["time"].toString())
                    .hasMatch());
    }

    void check_passes_and_reports_the_sizes() {
        const Run r = run(with_data("check"));
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(
            r.out.startsWith(
                "ledger OK: election " + election_id +
                ", 2 districts, 7 district records (1 cast, 1 challenged), election log size 1, "
                "event log size "),
            qPrintable(r.out));
        const Run nowhere = run({"ledger", "check", "--data", path("nowhere")});
        QCOMPARE(nowhere.exit_code, 1);
        QVERIFY2(nowhere.err.contains("nowhere: no such directory"), qPrintable(describe(nowhere)));
    }

    void init_refuses_an_existing_ledger() {
        const QByteArray key_before = read_all(data_ + "/ledger.key");
        const Run r = run(
            {"ledger", "init", "--election", election_, "--approval", approval_, "--data", data_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains(
                     data_ +
                     "/ledger: a ledger already exists here; refusing to create another over it"),
                 qPrintable(describe(r)));
        QVERIFY(r.out.isEmpty());
        QCOMPARE(read_all(data_ + "/ledger.key"), key_before);
        const Run other_key =
            run({"ledger", "init", "--election", election_, "--approval", approval_, "--data",
                 path("data-2"), "--key", data_ + "/ledger.key"});
        QCOMPARE(other_key.exit_code, 1);
        QVERIFY2(other_key.err.contains("ledger.key: already exists; refusing to overwrite it"),
                 qPrintable(describe(other_key)));
        QVERIFY(!QFile::exists(path("data-2")));
        QVERIFY(run(with_data("check")).out.startsWith("ledger OK: "));
    }

    void encrypt_with_data_chains_a_devices_ballots_through_the_ledger() {
        // A fresh ledger of its own, so the day above keeps its counts.
        const QString data = path("chain-data");
        QCOMPARE(run({"ledger", "init", "--election", election_, "--approval", approval_, "--data",
                      data})
                     .exit_code,
                 0);
        const QString key = path("kiosk-9.key");
        QCOMPARE(run({"ledger", "device-key", "--out", key, "--device", "kiosk-9"}).exit_code, 0);
        QCOMPARE(run({"ledger", "register-device", "--data", data, "--authorisation",
                      authorise("ward-2", "kiosk-9", key + ".pub")})
                     .exit_code,
                 0);
        QCOMPARE(run({"ledger", "open-polls", "--data", data, "--district", "ward-2",
                      "--device-keys", dir_.path()})
                     .exit_code,
                 0);
        auto encrypt = [&](const QString& out, bool chained) {
            QStringList args{"encrypt", "--election",   election_, "--district",
                             "ward-2",  "--selections", "{}",      "--device-key",
                             key,       "--device-id",  "kiosk-9", "--out",
                             out};
            if (chained) args << "--data" << data;
            return run(args);
        };
        for (int i = 0; i < 3; ++i) {
            const QString ballot = path(QString("chained-%1").arg(i));
            const Run e = encrypt(ballot, true);
            QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
            const Run c = run({"ledger", "cast", "--data", data, ballot});
            QVERIFY2(c.exit_code == 0, qPrintable(describe(c)));
            QVERIFY2(c.out.contains(": cast at ward-2#" + QString::number(2 + i) +
                                    ", tracking code " + field(e.out, "tracking code")),
                     qPrintable(c.out));
        }
        // Without --data the ballot starts the chain again, and the ledger refuses it.
        const Run e = encrypt(path("unchained"), false);
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const Run c = run({"ledger", "cast", "--data", data, path("unchained")});
        QCOMPARE(c.exit_code, 1);
        QVERIFY2(c.out.contains("does not chain to device 'kiosk-9'"), qPrintable(c.out));
        // A device the ledger does not know is named.
        const Run unknown =
            run({"encrypt", "--election", election_, "--district", "ward-2", "--selections", "{}",
                 "--device-id", "kiosk-0", "--out", path("unknown"), "--data", data});
        QCOMPARE(unknown.exit_code, 1);
        QVERIFY2(unknown.err.contains("device 'kiosk-0' is not registered in district 'ward-2'"),
                 qPrintable(describe(unknown)));
    }

    void bad_command_lines_exit_2_with_a_reason_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no subcommand") << QStringList{"ledger"} << "missing subcommand";
        QTest::newRow("unknown subcommand")
            << QStringList{"ledger", "frobnicate"} << "unknown subcommand 'ledger frobnicate'";
        QTest::newRow("missing --data") << QStringList{"ledger", "status"} << "missing --data";
        QTest::newRow("close without district or --all")
            << QStringList{"ledger", "close-polls", "--data", "d"}
            << "give either --district D or --all";
        QTest::newRow("close with both")
            << QStringList{"ledger", "close-polls", "--data", "d", "--district", "ward-1", "--all"}
            << "give either --district D or --all";
        QTest::newRow("cast without files")
            << QStringList{"ledger", "cast", "--data", "d"} << "missing argument";
        QTest::newRow("bad index")
            << QStringList{"ledger", "inclusion", "--data", "d", "--log", "ward-1", "--index", "x"}
            << "--index needs a whole number";
        QTest::newRow("bad device id") << QStringList{"authority",    "authorise-device",
                                                      "--key",        "k",
                                                      "--election",   "e",
                                                      "--district",   "ward-1",
                                                      "--device",     "Kiosk 1",
                                                      "--public-key", "p",
                                                      "--out",        "o"}
                                       << "--device must be 1 to 64 characters";
        QTest::newRow("register without authorisation")
            << QStringList{"ledger", "register-device", "--data", "d"} << "missing --authorisation";
        QTest::newRow("deauthorise without a reason")
            << QStringList{"authority", "deauthorise-device", "--key", "k",     "--election",
                           "e",         "--registration",     "r",     "--out", "o"}
            << "missing --reason";
    }

    // A lost kiosk withdrawn by the authority, on a ledger of its own (the day above is closed):
    // the authority signs only a device it authorised itself, the ledger records the withdrawal
    // once, names it in its events, and then refuses the device's polls records.
    void deauthorise_device_withdraws_a_registered_kiosk() {
        const QString data = path("data-deauthorise");
        QVERIFY(run({"ledger", "init", "--election", election_, "--approval", approval_, "--data",
                     data})
                    .exit_code == 0);
        const QString key = path("kiosk-lost.key");
        QCOMPARE(run({"ledger", "device-key", "--out", key, "--device", "kiosk-lost"}).exit_code,
                 0);
        const QString registration = authorise("ward-2", "kiosk-lost", key + ".pub");
        QCOMPARE(run({"ledger", "register-device", "--data", data, "--authorisation", registration})
                     .exit_code,
                 0);
        // Another authority's key cannot withdraw what this authority authorised.
        const Run other =
            run({"authority", "deauthorise-device", "--key", path("other-authority.key"),
                 "--election", election_, "--registration", registration, "--reason", "lost",
                 "--out", path("deauthorised-by-other")});
        QCOMPARE(other.exit_code, 1);
        QVERIFY2(other.err.contains("did not authorise this registration"),
                 qPrintable(describe(other)));
        QVERIFY(!QFile::exists(path("deauthorised-by-other")));

        const QString withdrawal = path("deauthorised-kiosk-lost");
        const Run signed_ = run({"authority", "deauthorise-device", "--key", authority_key_,
                                 "--election", election_, "--registration", registration,
                                 "--reason", "stolen from the school gym", "--out", withdrawal});
        QVERIFY2(signed_.exit_code == 0, qPrintable(describe(signed_)));
        QCOMPARE(field(signed_.out, "device"), QString("kiosk-lost"));
        const QStringList submit{"ledger", "deauthorise-device", "--data",
                                 data,     "--deauthorisation",  withdrawal};
        const Run r = run(submit);
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(field(r.out, "record"), QString("ward-2#1"));
        QCOMPARE(field(r.out, "reason"), QString("stolen from the school gym"));
        const Run again = run(submit);
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("already deauthorised (record 1)"),
                 qPrintable(describe(again)));
        const Run events = run({"ledger", "events", "--data", data});
        QVERIFY2(events.out.contains("device-deauthorised") &&
                     events.out.contains("stolen from the school gym"),
                 qPrintable(describe(events)));
        // Its polls records are refused; ward-2 has no other device to sign them.
        const Run open = run({"ledger", "open-polls", "--data", data, "--district", "ward-2",
                              "--device-keys", dir_.path(), "--device", "kiosk-lost"});
        QCOMPARE(open.exit_code, 1);
        QVERIFY2(open.err.contains("no registered (and still authorised) device"),
                 qPrintable(describe(open)));
    }
    void bad_command_lines_exit_2_with_a_reason() {
        QFETCH(QStringList, args);
        QFETCH(QString, reason);
        const Run r = run(args);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(reason), qPrintable(describe(r)));
        QVERIFY2(r.err.contains("usage: "), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestLedgerCli)
#include "tst_ledger_cli.moc"
