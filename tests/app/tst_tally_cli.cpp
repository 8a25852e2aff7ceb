// `psephos tally`, `decrypt`, `results` and `export`, run as real processes on a temporary data
// directory: a short polling day through the CLI (ceremony with 5 guardians, threshold 3; three
// ballots in ward-1, one in ward-2, a challenged one), then the end of the election: tally refused
// while polls are open; polls closed; tally; decryption by guardians 2 and 4 on the ledger and by
// guardian 5 from an exported record into a shares file the operator submits (a wrong key file
// and a repeated decryption refused); results before and after the threshold, compared with the
// marks the ballots were made with; the exported record. The slots run in order.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "psephos_process.hpp"

using namespace psephos;

namespace {

using test::describe;
using test::json_of;
using test::read_all;
using test::run;
using test::Run;

const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

struct Vote {
    QString district, device, selections;
    bool challenge = false;
};

// The ballots of the day: cast ones count, the challenged one never does.
const std::vector<Vote> votes = {
    {"ward-1", "kiosk-1",
     "{\"mayor\": [\"rosa-delgado\"], \"city-council\": [\"amir-haddad\", \"nora-lindqvist\"], "
     "\"measure-1\": [\"yes\"]}"},
    {"ward-1", "kiosk-1",
     "{\"mayor\": [\"helen-park\"], \"city-council\": [\"amir-haddad\"], \"measure-1\": [\"no\"]}"},
    {"ward-1", "kiosk-1", "{\"mayor\": [\"helen-park\"], \"measure-1\": [\"yes\"]}", true},
    {"ward-1", "kiosk-1", "{\"mayor\": [\"rosa-delgado\"]}"},
    {"ward-2", "kiosk-2",
     "{\"mayor\": [\"martin-okafor\"], \"city-council\": [\"claire-dubois\"], \"measure-1\": "
     "[\"no\"]}"},
};

}  // namespace

class TestTallyCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, data_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QString guardian_key(int g) const { return path(QString("ceremony/guardian-%1.key").arg(g)); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        qunsetenv("PSEPHOS_GUARDIAN_PASSPHRASE");
        const Run ceremony = run({"ceremony", "--election", small_sample, "--guardians", "5",
                                  "--threshold", "3", "--out", path("ceremony")});
        QVERIFY2(ceremony.exit_code == 0, qPrintable(describe(ceremony)));
        election_ = path("ceremony/election.json");
        data_ = path("data");
        // The election authority approves the election and authorises each kiosk.
        QCOMPARE(run({"authority", "keygen", "--out", path("authority.key")}).exit_code, 0);
        QCOMPARE(run({"authority", "approve", "--key", path("authority.key"), "--election",
                      election_, "--out", path("approval.bin")})
                     .exit_code,
                 0);
        QCOMPARE(run({"ledger", "init", "--election", election_, "--approval", path("approval.bin"),
                      "--data", data_})
                     .exit_code,
                 0);
        for (const QString& ward : {QString("ward-1"), QString("ward-2")}) {
            const QString device = ward == "ward-1" ? "kiosk-1" : "kiosk-2";
            const QString key = path(device + ".key");
            QCOMPARE(run({"ledger", "device-key", "--out", key, "--device", device}).exit_code, 0);
            QCOMPARE(run({"authority", "authorise-device", "--key", path("authority.key"),
                          "--election", election_, "--district", ward, "--device", device,
                          "--public-key", key + ".pub", "--out", path(device + ".authorised")})
                         .exit_code,
                     0);
            QCOMPARE(run({"ledger", "register-device", "--data", data_, "--authorisation",
                          path(device + ".authorised")})
                         .exit_code,
                     0);
            QCOMPARE(run({"ledger", "open-polls", "--data", data_, "--district", ward,
                          "--device-keys", path(".")})
                         .exit_code,
                     0);
        }
        int n = 0;
        for (const Vote& v : votes) {
            const QString ballot = path(QString("ballot-%1").arg(n++));
            QStringList args{"encrypt",     "--election",   election_,
                             "--district",  v.district,     "--selections",
                             v.selections,  "--device-key", path(v.device + ".key"),
                             "--device-id", v.device,       "--out",
                             ballot,        "--data",       data_};
            if (v.challenge) args << "--challenge";
            const Run e = run(args);
            QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
            const Run c = run({"ledger", "cast", "--data", data_, ballot});
            QVERIFY2(c.exit_code == 0, qPrintable(describe(c)));
        }
    }

    void tally_is_refused_while_polls_are_open() {
        const Run r = run({"tally", "--data", data_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("no district has closed polls yet"), qPrintable(describe(r)));
        QVERIFY2(r.out.contains("district ward-1: not tallied: polls open"), qPrintable(r.out));
    }

    void tally_sums_each_closed_district() {
        QCOMPARE(
            run({"ledger", "close-polls", "--data", data_, "--all", "--device-keys", path(".")})
                .exit_code,
            0);
        const Run r = run({"tally", "--data", data_});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QRegularExpression(
                     "district ward-1: tallied, 3 ballots counted, 1 challenged \\(not counted\\); "
                     "record \\d+, tally hash [0-9a-f]{64}\n")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains("district ward-2: tallied, 1 ballots counted, 0 challenged"),
                 qPrintable(r.out));
        const Run again = run({"tally", "--data", data_});
        QCOMPARE(again.exit_code, 0);
        QVERIFY2(again.out.contains("district ward-1: already tallied"), qPrintable(again.out));
    }

    void results_wait_for_the_threshold() {
        const Run d = run({"decrypt", "--data", data_, "--guardian", guardian_key(2)});
        QVERIFY2(d.exit_code == 0, qPrintable(describe(d)));
        QVERIFY2(d.out.contains("district ward-1: decrypted by guardian 2, record "),
                 qPrintable(d.out));
        QVERIFY2(d.out.contains("guardian 2: 2 of 2 district tallies decrypted and recorded (18 "
                                "partial decryptions, each with its proof)"),
                 qPrintable(d.out));
        const Run r = run({"results", "--data", data_, "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        const QJsonObject o = json_of(r);
        QCOMPARE(o["complete"].toBool(), false);
        QCOMPARE(o["districts"].toArray().size(), 0);
        QCOMPARE(o["pending"].toArray().at(0).toString(),
                 QString("ward-1: 1 of 3 guardians' decryptions"));
    }

    void a_guardian_decrypts_once_and_only_with_its_own_key() {
        const Run twice = run({"decrypt", "--data", data_, "--guardian", guardian_key(2)});
        QCOMPARE(twice.exit_code, 0);
        QVERIFY2(twice.out.contains("district ward-1: already decrypted by guardian 2"),
                 qPrintable(twice.out));
        // Guardian 4's file with guardian 3's secret share: check_guardian_key refuses it before
        // anything is submitted.
        const QString forged = path("forged.key");
        QString text = read_all(guardian_key(4));
        const QRegularExpression share("^share: (.*)$", QRegularExpression::MultilineOption);
        const QString other = share.match(read_all(guardian_key(3))).captured(1);
        QVERIFY2(!other.isEmpty(), qPrintable(read_all(guardian_key(3))));
        text.replace(share, "share: " + other);
        QFile f(forged);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text.toUtf8());
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        const Run r = run({"decrypt", "--data", data_, "--guardian", forged});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains(forged + ": ") && r.err.contains("secret share"),
                 qPrintable(describe(r)));
        const Run events = run({"ledger", "events", "--data", data_});
        QVERIFY(!events.out.contains("guardian 4"));
    }

    // Guardian 5 works from an exported record, without the ledger or its key, checking it against
    // the authority's published key: its decryptions go to a shares file, which the operator
    // submits to the ledger.
    void a_guardian_decrypts_from_the_exported_record_into_a_shares_file() {
        const QString record = path("record-tallied");
        const Run e = run({"export", "--data", data_, "--out", record});
        QVERIFY2(e.exit_code == 0, qPrintable(describe(e)));
        const QString shares = path("guardian-5.shares");
        // With another key as the authority's: the record's approval is refused, nothing written.
        QCOMPARE(run({"authority", "keygen", "--out", path("other-authority.key")}).exit_code, 0);
        const Run other = run({"decrypt", "--record", record, "--guardian", guardian_key(5),
                               "--out", shares, "--authority", path("other-authority.key.pub")});
        QCOMPARE(other.exit_code, 1);
        QVERIFY2(other.err.contains(", not by the trusted authority ed25519:"),
                 qPrintable(describe(other)));
        QVERIFY(!QFile::exists(shares));
        const Run on_ledger = run({"decrypt", "--data", data_, "--guardian", guardian_key(5),
                                   "--authority", path("authority.key.pub")});
        QCOMPARE(on_ledger.exit_code, 2);
        // With the authority's published key: the approval and every registration are its.
        const Run d = run({"decrypt", "--record", record, "--guardian", guardian_key(5), "--out",
                           shares, "--authority", path("authority.key.pub")});
        QVERIFY2(d.exit_code == 0, qPrintable(describe(d)));
        QVERIFY2(d.out.contains("district ward-1: tally checked, decrypted by guardian 5\n"),
                 qPrintable(d.out));
        QVERIFY2(d.out.contains("guardian 5: 2 district tallies decrypted (18 partial "
                                "decryptions, each with its proof), written to " +
                                shares),
                 qPrintable(d.out));
        QVERIFY(QFile::exists(shares));
        const Run twice =
            run({"decrypt", "--record", record, "--guardian", guardian_key(5), "--out", shares});
        QCOMPARE(twice.exit_code, 1);
        QVERIFY2(twice.err.contains("already exists"), qPrintable(describe(twice)));
        const Run both = run({"decrypt", "--record", record, "--data", data_, "--guardian",
                              guardian_key(5), "--out", shares});
        QCOMPARE(both.exit_code, 2);

        const Run s = run({"ledger", "submit-decryptions", "--data", data_, shares});
        QVERIFY2(s.exit_code == 0, qPrintable(describe(s)));
        QVERIFY2(s.out.contains("district ward-2: guardian 5's decryption recorded, record "),
                 qPrintable(s.out));
        QVERIFY2(
            s.out.contains("guardian 5: 2 of 2 tally decryptions from " + shares + " recorded"),
            qPrintable(s.out));
        const Run again = run({"ledger", "submit-decryptions", "--data", data_, shares});
        QCOMPARE(again.exit_code, 1);
        QVERIFY2(again.err.contains("guardian 5 has already decrypted the tally of district "
                                    "'ward-1'"),
                 qPrintable(describe(again)));
        // Not a shares file.
        const Run bad = run({"ledger", "submit-decryptions", "--data", data_, guardian_key(5)});
        QCOMPARE(bad.exit_code, 1);
        QVERIFY2(bad.err.contains("not a shares file"), qPrintable(describe(bad)));
    }

    void three_of_five_guardians_decrypt_the_results() {
        const Run d = run({"decrypt", "--data", data_, "--guardian", guardian_key(4)});
        QVERIFY2(d.exit_code == 0, qPrintable(describe(d)));
        const Run r = run({"results", "--data", data_, "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        const QJsonObject o = json_of(r);
        QCOMPARE(o["complete"].toBool(), true);
        const QJsonArray districts = o["districts"].toArray();
        QCOMPARE(districts.size(), 2);
        const QJsonObject ward1 = districts.at(0).toObject();
        QCOMPARE(ward1["district"].toString(), QString("ward-1"));
        QCOMPARE(ward1["guardians"].toArray(), (QJsonArray{2, 4, 5}));
        const QJsonObject counts = ward1["counts"].toObject();
        QCOMPARE(counts["mayor"].toObject()["rosa-delgado"].toInt(), 2);
        QCOMPARE(counts["mayor"].toObject()["helen-park"].toInt(), 1);  // not the challenged one
        QCOMPARE(counts["mayor"].toObject()["martin-okafor"].toInt(), 0);
        QCOMPARE(counts["city-council"].toObject()["amir-haddad"].toInt(), 2);
        QCOMPARE(counts["city-council"].toObject()["nora-lindqvist"].toInt(), 1);
        QCOMPARE(counts["measure-1"].toObject()["yes"].toInt(), 1);
        QCOMPARE(counts["measure-1"].toObject()["no"].toInt(), 1);
        const QJsonObject totals = o["totals"].toObject();
        QCOMPARE(totals["mayor"].toObject()["martin-okafor"].toInt(), 1);
        QCOMPARE(totals["mayor"].toObject()["rosa-delgado"].toInt(), 2);
        QCOMPARE(totals["measure-1"].toObject()["no"].toInt(), 2);
        QCOMPARE(totals["city-council"].toObject()["claire-dubois"].toInt(), 1);
        // The human form names the guardians and prints the totals.
        const Run text = run({"results", "--data", data_});
        QVERIFY2(text.out.contains("district ward-1 (guardians 2, 4, 5):"), qPrintable(text.out));
        QVERIFY2(text.out.contains("\ntotals:\n"), qPrintable(text.out));
        // The ledger re-checks everything, tally records included.
        const Run check = run({"ledger", "check", "--data", data_});
        QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));
        const Run events = run({"ledger", "events", "--data", data_});
        QVERIFY2(events.out.contains("tally-recorded") &&
                     events.out.contains("tally-decryption-recorded") &&
                     events.out.contains("result-recorded"),
                 qPrintable(events.out));
    }

    void export_writes_the_record() {
        const QString out = path("record");
        const Run r = run({"export", "--data", data_, "--out", out});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith("wrote the election record to " + out + ": "), qPrintable(r.out));
        QVERIFY(QFile::exists(out + "/record.json"));
        QVERIFY(QFile::exists(out + "/districts/ward-1/records.bin"));
        QVERIFY2(!r.out.contains("read-only"), qPrintable(r.out));
        const Run again = run({"export", "--data", data_, "--out", out});
        QCOMPARE(again.exit_code, 1);
        const Run events = run({"ledger", "events", "--data", data_});
        QVERIFY2(events.out.contains("record-exported election-official success - election record "
                                     "written to " +
                                     out),
                 qPrintable(events.out));
    }

    void commands_need_data() {
        for (const char* command : {"tally", "decrypt", "results", "export"}) {
            const Run r = run({command});
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(r.err.contains("missing --data"), qPrintable(describe(r)));
        }
        const Run nowhere = run({"tally", "--data", path("nowhere")});
        QCOMPARE(nowhere.exit_code, 1);
        QVERIFY2(nowhere.err.contains("no such directory"), qPrintable(describe(nowhere)));
    }
};

QTEST_GUILESS_MAIN(TestTallyCli)
#include "tst_tally_cli.moc"
