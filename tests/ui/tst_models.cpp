// The auditor's view model on real records made by `psephos demo`, and on a copy with one byte
// of a cast ballot changed: loading, verification with progress and cancellation, failure
// drill-down, results, anchors, tracking-code look-up and the exports.
#include <QGuiApplication>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "auditor_controller.hpp"
#include "auditor_fixture.hpp"
#include "auditor_wait.hpp"
#include "model_rows.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/election/encrypted_ballot.hpp"

using namespace psephos;
using test::wait_for_verification;

namespace {

ByteSpan span(const QByteArray& a) {
    return {reinterpret_cast<const std::uint8_t*>(a.constData()),
            static_cast<std::size_t>(a.size())};
}

}  // namespace

class TestAuditorModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // the recent-records list goes to a test place
        QVERIFY(m_dir.isValid());
        m_records = std::make_unique<test::AuditorRecords>(m_dir.path(), 60);
    }

    void opens_a_record_and_shows_the_election() {
        ui::AuditorController a;
        a.record()->clearRecentRecords();
        QVERIFY2(a.openRecord(m_records->good), qPrintable(a.record()->loadError()));
        QVERIFY(a.record()->loaded());
        QCOMPARE(a.record()->electionId(), QStringLiteral("harlow-county-general-2026"));
        QCOMPARE(a.record()->guardians(), QStringLiteral("threshold 3 of 5 guardians"));
        const QVariantList districts = test::model_rows(*a.record()->districts());
        const qsizetype district_count = QDir(m_records->good + "/districts")
                                             .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                                             .size();
        QCOMPARE(district_count, 10);  // the realistic sample
        QCOMPARE(districts.size(), district_count);
        // Ballot counts equal the cast/challenged records of each district log, read here on
        // their own; the shares add up to one.
        int cast = 0, challenged = 0;
        double shares = 0;
        for (const QVariant& v : districts) {
            const QVariantMap d = v.toMap();
            int c = 0, h = 0;
            for (const QByteArray& f :
                 test::read_frames(m_records->good + "/districts/" + d["districtId"].toString() +
                                   "/records.bin")) {
                c += quint8(f[0]) == 0x02;
                h += quint8(f[0]) == 0x03;
            }
            QCOMPARE(d["ballotsCast"].toInt(), c);
            QCOMPARE(d["ballotsChallenged"].toInt(), h);
            QCOMPARE(d["status"].toInt(), int(ui::AuditStatus::NotVerified));
            cast += c;
            challenged += h;
            shares += d["share"].toDouble();
        }
        QCOMPARE(a.record()->totalCast(), cast);
        QCOMPARE(a.record()->totalChallenged(), challenged);
        QCOMPARE(cast + challenged, 60 + 60 / 25);
        QVERIFY(qAbs(shares - 1.0) < 1e-9);
        QVERIFY(test::model_rows(*a.record()->contests()).size() >= 12);
        // Results: every option's total is the sum over districts; every contest counted every
        // ballot at most vote-for times.
        QVERIFY(a.record()->resultsComplete());
        const QVariantList results = test::model_rows(*a.record()->results());
        QCOMPARE(results.size(), test::model_rows(*a.record()->contests()).size());
        for (const QVariant& cv : results) {
            int max = 0;
            const QVariantList options = cv.toMap()["options"].toList();
            QVERIFY(!options.isEmpty());
            for (const QVariant& ov : options) {
                QVERIFY(ov.canConvert<ui::ResultOption>());
                const auto o = qvariant_cast<ui::ResultOption>(ov);
                QCOMPARE(o.byDistrict.size(), district_count);
                int sum = 0;
                for (const int n : o.byDistrict) sum += n;
                QCOMPARE(o.total, sum);
                max = std::max(max, sum);
            }
            QCOMPARE(cv.toMap()["max"].toInt(), max);
        }
        // The demo anchored twice (after polls closed, after the results), on Bitcoin regtest.
        const QVariantList anchors = test::model_rows(*a.anchors()->rows());
        QVERIFY(anchors.size() >= 2);
        for (const QVariant& v : anchors) {
            QVERIFY(v.toMap()["matchesRecord"].toBool());
            QCOMPARE(v.toMap()["txHash"].toString().size(), 64);
        }
        QCOMPARE(a.record()->recentRecords().value(0), QDir::cleanPath(m_records->good));
    }

    // A record without results.json (exported before the tallies): the counts come from the
    // district logs, read off the GUI thread.
    void counts_ballots_from_the_logs_without_results() {
        const QString copy = m_dir.filePath(QStringLiteral("no-results"));
        QVERIFY(test::copy_tree(m_records->good, copy));
        QVERIFY(QFile::remove(copy + "/results.json"));
        ui::AuditorController reference;
        QVERIFY(reference.openRecord(m_records->good));
        ui::AuditorController a;
        QSignalSpy counted(a.record(), &ui::AuditorRecord::ballotsCounted);
        QVERIFY(a.openRecord(copy));
        QVERIFY(a.record()->counting());
        QVERIFY(test::model_rows(*a.record()->districts())[0].toMap()["counting"].toBool());
        QVERIFY(counted.wait(60000));
        QVERIFY(!a.record()->counting());
        QVERIFY(!a.record()->resultsComplete());
        QCOMPARE(a.record()->totalCast(), reference.record()->totalCast());
        QCOMPARE(a.record()->totalChallenged(), reference.record()->totalChallenged());
        for (int i = 0; i < test::model_rows(*a.record()->districts()).size(); ++i) {
            QCOMPARE(test::model_rows(*a.record()->districts())[i].toMap()["ballotsCast"],
                     test::model_rows(*reference.record()->districts())[i].toMap()["ballotsCast"]);
            QCOMPARE(test::model_rows(*a.record()->districts())[i].toMap()["share"],
                     test::model_rows(*reference.record()->districts())[i].toMap()["share"]);
        }
    }

    // Hostile files (docs/election-record.md §3.8): record.json a link to an honest file outside
    // the record is refused, naming the link; results.json and the election log's checkpoints
    // links to /dev/zero are not read (before: readAll and the frame loop never ended), so the
    // record opens and counts its ballots from the district logs instead.
    void refuses_links_and_devices_in_a_record() {
        const QString linked = m_dir.filePath(QStringLiteral("linked-index"));
        QVERIFY(test::copy_tree(m_records->good, linked));
        const QString outside = m_dir.filePath(QStringLiteral("outside-record.json"));
        QVERIFY(QFile::rename(linked + "/record.json", outside));
        QVERIFY(QFile::link(outside, linked + "/record.json"));
        ui::AuditorController a;
        QVERIFY(!a.openRecord(linked));
        QVERIFY2(a.record()->loadError().contains(
                     QStringLiteral("record.json: a symbolic link, which a record does not hold")),
                 qPrintable(a.record()->loadError()));

        const QString zero = m_dir.filePath(QStringLiteral("dev-zero"));
        QVERIFY(test::copy_tree(m_records->good, zero));
        for (const char* name : {"/results.json", "/election/checkpoints.bin"}) {
            QVERIFY(QFile::remove(zero + name));
            QVERIFY(QFile::link(QStringLiteral("/dev/zero"), zero + name));
        }
        ui::AuditorController b;
        QSignalSpy counted(b.record(), &ui::AuditorRecord::ballotsCounted);
        QVERIFY2(b.openRecord(zero), qPrintable(b.record()->loadError()));
        QVERIFY(b.record()->counting());  // results.json refused: the counts come from the logs
        QVERIFY(counted.wait(60000));
        QVERIFY(!b.record()->resultsComplete());
    }

    // record.json with d1's root given twice: Qt alone would read one of them; the auditor
    // refuses the file as the verifier does (psephos::json::parse_strict), naming the member.
    void refuses_a_record_json_with_a_member_twice() {
        const QString twice = m_dir.filePath(QStringLiteral("member-twice"));
        QVERIFY(test::copy_tree(m_records->good, twice));
        QFile file(twice + "/record.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        const qsizetype at = text.indexOf("\"root\": \"");
        QVERIFY(at >= 0);
        text.insert(at, "\"root\": \"" + QByteArray(64, '0') + "\", ");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(text), text.size());
        file.close();
        ui::AuditorController a;
        QVERIFY(!a.openRecord(twice));
        QVERIFY2(a.record()->loadError().contains(QStringLiteral("record.json: line")) &&
                     a.record()->loadError().contains(
                         QStringLiteral("the member \"root\" appears twice in one object")),
                 qPrintable(a.record()->loadError()));
    }

    void refuses_what_is_not_a_record() {
        ui::AuditorController a;
        QVERIFY(!a.openRecord(m_dir.path()));
        QVERIFY(!a.record()->loaded());
        QVERIFY2(a.record()->loadError().contains(QStringLiteral("record.json")),
                 qPrintable(a.record()->loadError()));
        QVERIFY(!a.openRecord(m_dir.path() + "/nowhere"));
        QVERIFY(a.record()->loadError().contains(QStringLiteral("no such directory")));
        a.verify();  // nothing loaded: nothing happens
        QVERIFY(!a.verification()->verifying());
    }

    void verifies_with_progress_per_log() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->good));
        QSignalSpy progress(a.verification(), &ui::Verification::progressChanged);
        a.verify(2);
        QVERIFY(a.verification()->verifying());
        QCOMPARE(a.verification()->verdict(), ui::Verification::Verifying);
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        QVERIFY(progress.count() >= 2);
        QCOMPARE(a.verification()->progress(), 1.0);
        // One row per log of record.json, each read to its end.
        const QVariantList logs = test::model_rows(*a.verification()->logProgress());
        QCOMPARE(logs.size(), static_cast<qsizetype>(a.record()->logs().size()));
        QVERIFY(logs.size() > 10);  // the election log, the bridge log, ten districts
        for (qsizetype i = 0; i < logs.size(); ++i) {
            const QVariantMap log = logs[i].toMap();
            QCOMPARE(log["name"].toString(), a.record()->logs()[static_cast<std::size_t>(i)].name);
            QCOMPARE(log["fraction"].toDouble(), 1.0);
            QCOMPARE(log["done"].toDouble(), log["total"].toDouble());
        }
        QCOMPARE(a.verification()->failedCount(), 0);
        QCOMPARE(a.verification()->passedCount(), a.verification()->checks()->rowCount());
        QVERIFY(a.verification()->checks()->rowCount() > 100);
        QCOMPARE(a.verification()->firstFailure(), -1);
        for (const QVariant& v : test::model_rows(*a.record()->districts()))
            QCOMPARE(v.toMap()["status"].toInt(), int(ui::AuditStatus::Passed));
        QVERIFY2(a.verification()->resultsStatus().startsWith(QStringLiteral("passed")),
                 qPrintable(a.verification()->resultsStatus()));
        QCOMPARE(a.verification()->resultsState(), ui::AuditStatus::Passed);
        for (const QVariant& v : test::model_rows(*a.anchors()->rows()))
            QCOMPARE(v.toMap()["status"].toInt(), int(ui::AuditStatus::Passed));
        QVERIFY(a.verification()->verdictText().contains(QStringLiteral("all")));
    }

    void tampered_record_fails_with_the_object_and_reason() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->tampered));
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Failed);
        QVERIFY(a.verification()->failedCount() > 0);
        // The first failure is selected, with its object and reason.
        const int first = a.verification()->firstFailure();
        QVERIFY(first >= 0);
        QCOMPARE(a.verification()->selectedCheck(), first);
        QVERIFY(!a.verification()->selectedDetail().failures.isEmpty());
        // A check scoped to the changed district fails and names the ballot's record.
        bool district_failure = false;
        const QVariantList checks = test::model_rows(*a.verification()->checks());
        for (int row = 0; row < checks.size(); ++row) {
            const QVariantMap c = checks[row].toMap();
            if (c["scope"].toString() != m_records->tampered_district ||
                c["status"].toInt() != ui::AuditStatus::Failed)
                continue;
            a.verification()->selectCheck(row);  // a check's row is its index in the report
            const ui::CheckDetail detail = a.verification()->selectedDetail();
            QCOMPARE(detail.checkId, c["checkId"].toString());
            QCOMPARE(detail.scope, m_records->tampered_district);
            QCOMPARE(detail.status, ui::AuditStatus::Failed);
            QVERIFY(!detail.failures.isEmpty());
            district_failure = true;
        }
        QVERIFY(district_failure);
        for (const QVariant& v : test::model_rows(*a.record()->districts())) {
            const QVariantMap d = v.toMap();
            QCOMPARE(d["status"].toInt(), d["districtId"].toString() == m_records->tampered_district
                                              ? int(ui::AuditStatus::Failed)
                                              : int(ui::AuditStatus::Passed));
        }
        QVERIFY(a.verification()->verdictText().contains(QStringLiteral("NOT")));
    }

    void verification_can_be_cancelled() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->good));
        a.verify(1);
        a.cancelVerification();  // before the worker reads anything
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Cancelled);
        QCOMPARE(a.verification()->checks()->rowCount(), 0);  // a cancelled run concludes nothing
        QCOMPARE(a.verification()->firstFailure(), -1);
        QVERIFY(a.verification()->resultsStatus().startsWith(QStringLiteral("not verified")));
        QCOMPARE(a.verification()->resultsState(), ui::AuditStatus::NotVerified);
        // And a new run after it completes.
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        // No other record while one runs.
        a.verify();
        QVERIFY(!a.openRecord(m_records->tampered));
        QVERIFY(wait_for_verification(a));
    }

    void looks_tracking_codes_up() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->good));
        // A cast ballot's code, derived here from the record's bytes with the ledger's functions.
        QString code, district;
        quint64 index = 0;
        for (const QVariant& v : test::model_rows(*a.record()->districts())) {
            district = v.toMap()["districtId"].toString();
            index = 0;
            for (const QByteArray& f :
                 test::read_frames(m_records->good + "/districts/" + district + "/records.bin")) {
                if (quint8(f[0]) == 0x02) {
                    auto ballot = election::decode_ballot(span(f));
                    QVERIFY(ballot);
                    code = QString::fromStdString(
                        election::format_tracking_code(election::next_tracking_code(
                            ballot.value().previous_tracking_code,
                            election::compute_ballot_hash(ballot.value()))));
                    break;
                }
                ++index;
            }
            if (!code.isEmpty()) break;
        }
        QVERIFY(!code.isEmpty());
        // The look-up's answer as QML reads it: its properties by name.
        const ui::TrackingCodeLookup& tracking = *a.tracking();
        auto lookup = [&](const QString& text) -> QVariantMap {
            a.tracking()->lookup(text);
            QElapsedTimer t;
            t.start();
            while (tracking.searching() && t.elapsed() < 30000) QTest::qWait(10);
            QVariantMap answer;
            const QMetaObject& meta = *tracking.metaObject();
            for (int i = meta.propertyOffset(); i < meta.propertyCount(); ++i)
                answer[QString::fromLatin1(meta.property(i).name())] =
                    meta.property(i).read(&tracking);
            return answer;
        };
        QVariantMap r = lookup(code.toLower().remove('-'));  // as a voter may type it
        QVERIFY2(r["found"].toBool(), qPrintable(r["text"].toString()));
        QVERIFY(!r["challenged"].toBool());
        QCOMPARE(r["district"].toString(), district);
        QCOMPARE(r["index"].toULongLong(), index);
        // A challenged ballot's code from challenged-ballots.json.
        QFile file(m_records->good + "/challenged-ballots.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject challenged = QJsonDocument::fromJson(file.readAll())
                                           .object()["challenged_ballots"]
                                           .toArray()
                                           .first()
                                           .toObject();
        r = lookup(challenged["tracking_code"].toString());
        QVERIFY(r["found"].toBool());
        QVERIFY(r["challenged"].toBool());
        QCOMPARE(r["district"].toString(), challenged["district_id"].toString());
        QVERIFY(r["text"].toString().contains(QStringLiteral("never counted")));
        // A code of the right shape that is not there, and text that is not a code.
        QString absent = code;
        absent[0] = absent[0] == 'A' ? 'B' : 'A';
        r = lookup(absent);
        QVERIFY(!r["found"].toBool());
        QVERIFY(r["text"].toString().contains(QStringLiteral("not in this record")));
        r = lookup(QStringLiteral("NOT-A-CODE!"));
        QVERIFY(!r["found"].toBool());
        QVERIFY(r["text"].toString().startsWith(QStringLiteral("Not a tracking code")));
    }

    // The bundle made from the record alone equals, byte for byte, the one the demo made from the
    // ledger for the same receipt; it verifies; a code not in the record gives none.
    void exports_proof_bundles_from_the_record() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->good));
        QFile ledger_bundle(m_records->good + "/../anchors/receipt-proof.json");
        QVERIFY(ledger_bundle.open(QIODevice::ReadOnly));
        const QByteArray expected = ledger_bundle.readAll();
        auto parsed = bridge::proof_bundle_from_json(
            std::string_view(expected.constData(), static_cast<std::size_t>(expected.size())));
        QVERIFY(parsed);
        const QString code = QString::fromStdString(parsed.value().tracking_code);
        const QString out = m_dir.filePath(QStringLiteral("bundle.json"));
        QSignalSpy exported(a.tracking(), &ui::TrackingCodeLookup::proofBundleExported);
        a.tracking()->exportProofBundle(code, out);
        QVERIFY(exported.wait(60000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exported.first().at(1).toString()));
        QFile made(out);
        QVERIFY(made.open(QIODevice::ReadOnly));
        QCOMPARE(made.readAll(), expected);
        // A code of the right shape that no ballot has.
        exported.clear();
        a.tracking()->exportProofBundle(QString(64, QLatin1Char('0')),
                                        m_dir.filePath(QStringLiteral("none.json")));
        QVERIFY(exported.wait(60000));
        QVERIFY(!exported.first().at(0).toBool());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none.json"))));
        // From the tampered copy: the changed district log no longer gives record.json's root, so
        // no bundle comes out of it.
        QString tampered_code;
        for (const QByteArray& f : test::read_frames(
                 m_records->good + "/districts/" + m_records->tampered_district + "/records.bin")) {
            if (quint8(f[0]) != 0x02) continue;
            auto ballot = election::decode_ballot(span(f));
            QVERIFY(ballot);
            tampered_code = QString::fromStdString(election::format_tracking_code(
                election::next_tracking_code(ballot.value().previous_tracking_code,
                                             election::compute_ballot_hash(ballot.value()))));
            break;
        }
        ui::AuditorController t;
        QVERIFY(t.openRecord(m_records->tampered));
        QSignalSpy refused(t.tracking(), &ui::TrackingCodeLookup::proofBundleExported);
        t.tracking()->exportProofBundle(tampered_code,
                                        m_dir.filePath(QStringLiteral("tampered.json")));
        QVERIFY(refused.wait(60000));
        QVERIFY(!refused.first().at(0).toBool());
        QVERIFY2(
            refused.first().at(1).toString().contains(QStringLiteral("does not match record.json")),
            qPrintable(refused.first().at(1).toString()));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("tampered.json"))));
    }

    // The guardian step on a closed, tallied election run with the CLI: a sealed key file needs
    // its passphrase; another election's guardian is refused; the guardian decrypts every
    // district once (the ledger's results then combine), and a second run finds nothing to do.
    void guardian_step_decrypts_the_tallies() {
        QTemporaryDir dir;
        auto path = [&](const QString& name) { return dir.filePath(name); };
        const QString small = QStringLiteral(PSEPHOS_SAMPLES_DIR "/small-election.json");
        const QString passphrase = QStringLiteral("guardian passphrase 2026");
        const test::Run ceremony = test::run({"ceremony", "--election", small, "--guardians", "5",
                                              "--threshold", "3", "--out", path("ceremony")},
                                             passphrase);
        QVERIFY2(ceremony.exit_code == 0, qPrintable(test::describe(ceremony)));
        const QString election = path("ceremony/election.json"), data = path("data");
        QCOMPARE(test::run({"authority", "keygen", "--out", path("authority.key")}).exit_code, 0);
        QCOMPARE(test::run({"authority", "approve", "--key", path("authority.key"), "--election",
                            election, "--out", path("approval.bin")})
                     .exit_code,
                 0);
        QCOMPARE(test::run({"ledger", "init", "--election", election, "--approval",
                            path("approval.bin"), "--data", data})
                     .exit_code,
                 0);
        QCOMPARE(
            test::run({"ledger", "device-key", "--out", path("kiosk-1.key"), "--device", "kiosk-1"})
                .exit_code,
            0);
        QCOMPARE(test::run({"authority", "authorise-device", "--key", path("authority.key"),
                            "--election", election, "--district", "ward-1", "--device", "kiosk-1",
                            "--public-key", path("kiosk-1.key.pub"), "--out", path("k.authorised")})
                     .exit_code,
                 0);
        QCOMPARE(test::run({"ledger", "register-device", "--data", data, "--authorisation",
                            path("k.authorised")})
                     .exit_code,
                 0);
        QCOMPARE(test::run({"ledger", "open-polls", "--data", data, "--district", "ward-1",
                            "--device-keys", path(".")})
                     .exit_code,
                 0);
        const test::Run e =
            test::run({"encrypt", "--election", election, "--district", "ward-1", "--selections",
                       "{\"mayor\": [\"helen-park\"]}", "--device-key", path("kiosk-1.key"),
                       "--device-id", "kiosk-1", "--out", path("b1"), "--data", data});
        QVERIFY2(e.exit_code == 0, qPrintable(test::describe(e)));
        QCOMPARE(test::run({"ledger", "cast", "--data", data, path("b1")}).exit_code, 0);
        QCOMPARE(test::run(
                     {"ledger", "close-polls", "--data", data, "--all", "--device-keys", path(".")})
                     .exit_code,
                 0);
        QCOMPARE(test::run({"tally", "--data", data}).exit_code, 0);

        ui::AuditorController a;
        ui::GuardianStep& g = *a.guardian();
        QSignalSpy finished(&g, &ui::GuardianStep::finished);
        auto decrypt = [&](const QString& key, const QString& pass) {
            finished.clear();
            g.decrypt(key, pass, data);
            QVERIFY(g.busy());
            QVERIFY(finished.wait(60000));
            QVERIFY(!g.busy());
        };
        decrypt(path("ceremony/guardian-1.key"), QString());  // sealed: no passphrase
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(g.summary().contains(QStringLiteral("passphrase")), qPrintable(g.summary()));
        decrypt(path("ceremony/guardian-1.key"), QStringLiteral("not the passphrase"));
        QVERIFY(!finished.first().at(0).toBool());
        QCOMPARE(g.outcome()->rowCount(), 0);
        // Another election's guardian (the demo's ceremony ran on the county sample).
        const test::Run other = test::run({"ceremony", "--election", small, "--guardians", "5",
                                           "--threshold", "3", "--out", path("other")},
                                          passphrase);
        QCOMPARE(other.exit_code, 0);
        decrypt(path("other/guardian-1.key"), passphrase);
        QVERIFY(!finished.first().at(0).toBool());
        QCOMPARE(g.outcome()->rowCount(), 0);

        decrypt(path("ceremony/guardian-1.key"), passphrase);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(g.summary()));
        // ward-2 never opened its polls, so it has no tally. The rows as QML reads them: by the
        // roles' names, the state a GuardianStep::State.
        auto states = [&] {
            QStringList out;
            const ui::ListModel& m = *g.outcome();
            const int district = m.roleNames().key("district"), state = m.roleNames().key("state");
            const QMetaEnum names = QMetaEnum::fromType<ui::GuardianStep::State>();
            for (int row = 0; row < m.rowCount(); ++row)
                out << m.data(m.index(row), district).toString() + ": " +
                           names.valueToKey(m.data(m.index(row), state).toInt());
            return out;
        };
        QCOMPARE(states(), (QStringList{"ward-1: Decrypted", "ward-2: NoTally"}));
        QVERIFY2(g.summary().contains(QStringLiteral("Guardian 1: 1 district tallies decrypted")),
                 qPrintable(g.summary()));
        decrypt(path("ceremony/guardian-1.key"), passphrase);
        QCOMPARE(states(), (QStringList{"ward-1: AlreadyDecrypted", "ward-2: NoTally"}));
        // Two more guardians from the desktop, and the ledger combines the results.
        decrypt(path("ceremony/guardian-3.key"), passphrase);
        decrypt(path("ceremony/guardian-4.key"), passphrase);
        const test::Run results = test::run({"results", "--data", data, "--json"});
        QVERIFY2(results.exit_code == 0, qPrintable(test::describe(results)));
        QVERIFY2(results.out.contains("\"guardians\": [1, 3, 4]") ||
                     results.out.contains("\"guardians\":[1,3,4]"),
                 qPrintable(results.out));
        decrypt(path("ceremony/guardian-5.key"), passphrase);
        QCOMPARE(states(), (QStringList{"ward-1: HasResult", "ward-2: NoTally"}));
    }

    void exports_results_and_report() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_records->good));
        a.verify();
        QVERIFY(wait_for_verification(a));
        const QString csv = m_dir.filePath(QStringLiteral("results.csv"));
        QVERIFY(a.exportResultsCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        const QVariantList results = test::model_rows(*a.record()->results());
        qsizetype options = 0;
        for (const QVariant& cv : results) options += cv.toMap()["options"].toList().size();
        QCOMPARE(lines.size(), 1 + options * (a.record()->districts()->count() + 1));
        QCOMPARE(
            lines[0],
            QStringLiteral(
                "district_id,district_name,contest_id,contest_title,option_id,option_label,count"));
        // The TOTAL line of the first option equals the model's total.
        const auto first =
            qvariant_cast<ui::ResultOption>(results[0].toMap()["options"].toList()[0]);
        QVERIFY(!first.optionId.isEmpty());
        QVERIFY(lines.contains(QStringLiteral("TOTAL,All districts,%1,%2,%3,%4,%5")
                                   .arg(results[0].toMap()["contestId"].toString(),
                                        results[0].toMap()["title"].toString(), first.optionId,
                                        first.label)
                                   .arg(first.total)));
        const QString pdf = m_dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(a.exportReportPdf(pdf));
        QFile report(pdf);
        QVERIFY(report.open(QIODevice::ReadOnly));
        QVERIFY(report.read(5) == "%PDF-");
        QVERIFY(report.size() > 2000);
        QVERIFY(!a.exportResultsCsv(m_dir.filePath(QStringLiteral("no/such/dir/results.csv"))));
    }

    // The election authority at the controller (ui/auditor/authority_trust.hpp) and in the
    // printed report: the record's approval key, the trust anchor the auditor gives (refused when
    // it is not a key), V29/V30 with the anchor and with another key, and what the report says.
    void authority_is_checked_against_the_anchor_and_reported() {
        ui::AuditorController a;
        QVERIFY2(a.openRecord(m_records->good), qPrintable(a.record()->loadError()));
        ui::AuthorityTrust& authority = *a.authority();
        const QString record_key = authority.recordKey();
        QVERIFY2(record_key.startsWith(QStringLiteral("ed25519:")) && record_key.size() == 72,
                 qPrintable(authority.recordKeyError()));
        QCOMPARE(authority.approvalStatus(), ui::AuditStatus::NotVerified);
        QString text = a.report().text();
        QVERIFY2(text.contains(QStringLiteral("Approval key in the record: ") + record_key),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Trust anchor: none given")));

        QVERIFY(!authority.setTrustedKey(QStringLiteral("ed25519:") +
                                         QStringLiteral("zz").repeated(32)));
        QVERIFY(authority.trustError().contains(QStringLiteral("64 hex")));
        QVERIFY(!authority.setTrustedKey(QString()));
        QVERIFY(!authority.setTrustedKey(m_dir.filePath(QStringLiteral("no-such-key.pub"))));
        QVERIFY(!authority.trustError().isEmpty());
        QVERIFY(authority.trustedKey().isEmpty());

        QVERIFY2(authority.setTrustedKey(m_dir.filePath(QStringLiteral("election/authority.pub"))),
                 qPrintable(authority.trustError()));
        QCOMPARE(authority.trustedKey(), record_key);
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        QCOMPARE(authority.approvalStatus(), ui::AuditStatus::Passed);
        QCOMPARE(authority.devicesStatus(), ui::AuditStatus::Passed);
        text = a.report().text();
        QVERIFY2(text.contains(QStringLiteral("Trust anchor: ") + record_key), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("V29 authority approval: passed")));
        QVERIFY(text.contains(QStringLiteral("V30 device authorisations: passed")));
        QVERIFY(text.contains(QStringLiteral("Checked against the trusted authority key ") +
                              record_key));

        // Another authority's key: the record's approval is not by it, and the report says so.
        const QString other = QStringLiteral("ed25519:") + QStringLiteral("ab").repeated(32);
        QVERIFY(authority.setTrustedKey(other));
        QVERIFY(authority.anchorText().contains(QStringLiteral("changed since")));
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Failed);
        QCOMPARE(authority.approvalStatus(), ui::AuditStatus::Failed);
        text = a.report().text();
        QVERIFY2(text.contains(QStringLiteral("V29 authority approval: failed")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Trust anchor: ") + other));
        QVERIFY(a.exportReportPdf(m_dir.filePath(QStringLiteral("report-other-authority.pdf"))));

        authority.clearTrustedKey();
        QVERIFY(authority.trustedKey().isEmpty());
        // A record without its approval: no key, and the reason names authority.bin.
        QTemporaryDir empty;
        authority.readRecord(empty.path());
        QVERIFY(authority.recordKey().isEmpty());
        QVERIFY2(authority.recordKeyError().contains(QStringLiteral("authority.bin")),
                 qPrintable(authority.recordKeyError()));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::AuditorRecords> m_records;
};

QTEST_MAIN(TestAuditorModels)
#include "tst_models.moc"
