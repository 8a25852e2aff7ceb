// The election's two-person close (issue 20; docs/election-manifest.md "polls", docs/ledger.md,
// docs/election-record.md V18), played as the attacker: under a manifest with
// polls.close_requires 2, a closing record whose device-signed actor names one person (or the same
// person twice) is refused by the ledger; crafted into an exported record and signed again as the
// ledger's operator could, the verifier's V18 names it; an honest record of such an election
// (manifest version 2) passes every check.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "ledger_scenario.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_resign_support.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;
using namespace psephos::verifier;
namespace fs = std::filesystem;

namespace {

using namespace psephos::test;

ElectionManifest two_person_manifest() {
    ElectionManifest m = test::small_manifest();
    m.polls = PollsRules{2};
    return m;
}

// Every failure of check `id` in `scope`, one per line.
std::string failures_of(const VerifyReport& report, const std::string& id,
                        const std::string& scope) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.id == id && c.scope == scope)
            for (const auto& f : c.failures) out += f + "\n";
    return out;
}

// A closing record of district 0 with this actor, signed by its kiosk (counts and head as the
// ledger holds them).
Bytes closing_by(LedgerScenario& scenario, const Ledger& ledger, const std::string& actor) {
    const ScenarioKiosk& k = scenario.kiosk(0);
    return checked(make_polls_record(ledger, 0, PollsAction::closed, 1'793'040'000, actor,
                                     k.device_id, {{k.device_id, &k.key}}),
                   "closing");
}

}  // namespace

class TestPollsCloseRule : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    void actor_names_are_counted_once_each() {
        QCOMPARE(polls_actor_names("Grace Hopper, Alan Turing"),
                 (std::vector<std::string>{"Grace Hopper", "Alan Turing"}));
        QCOMPARE(polls_actor_names("  Grace Hopper ,Grace Hopper,, "),
                 (std::vector<std::string>{"Grace Hopper"}));
        QCOMPARE(polls_actor_names(""), std::vector<std::string>{});
        QCOMPARE(polls_actor_names(" , "), std::vector<std::string>{});
        PollsRecord r;
        r.action = PollsAction::closed;
        r.district_id = "d1";
        r.actor = "Grace Hopper";
        QVERIFY(check_polls_close_actors(1, r).ok());
        const Status refused = check_polls_close_actors(2, r);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().message,
                 std::string("polls closed in district 'd1': the election requires 2 different "
                             "people to close the polls (manifest polls.close_requires), the "
                             "record's actor names 'Grace Hopper'"));
        r.action = PollsAction::paused;  // only the close needs two
        QVERIFY(check_polls_close_actors(2, r).ok());
    }

    // The ledger: under the rule, one name, one name twice, or none do not close the polls,
    // whichever device signed them; two different names do. Without the rule one name closes.
    void the_ledger_refuses_a_close_by_one_person() {
        QTemporaryDir tmp;
        LedgerScenario scenario(two_person_manifest());
        auto ledger =
            checked(Ledger::create(options_in(tmp.path().toStdString()), scenario.election(),
                                   scenario.approval(), LedgerScenario::ledger_key()),
                    "create");
        require_all_ok(ledger->ingest(scenario.opening()));
        for (const std::string actor :
             {"Grace Hopper", "Grace Hopper, Grace Hopper", " Grace Hopper , ", ""}) {
            const auto refused = ledger->submit(closing_by(scenario, *ledger, actor)).get();
            QVERIFY2(!refused.ok(), actor.c_str());
            QVERIFY2(refused.error().message.find("polls.close_requires") != std::string::npos,
                     refused.error().message.c_str());
            QCOMPARE(ledger->casting().status(0).polls, PollsStatus::open);
        }
        const auto closed =
            ledger->submit(closing_by(scenario, *ledger, "Grace Hopper, Alan Turing")).get();
        QVERIFY2(closed.ok(), closed.ok() ? "" : closed.error().message.c_str());
        QCOMPARE(ledger->casting().status(0).polls, PollsStatus::closed);

        QTemporaryDir tmp2;
        LedgerScenario plain;
        auto one = checked(Ledger::create(options_in(tmp2.path().toStdString()), plain.election(),
                                          plain.approval(), LedgerScenario::ledger_key()),
                           "create");
        require_all_ok(one->ingest(plain.opening()));
        const auto alone = one->submit(closing_by(plain, *one, "Grace Hopper")).get();
        QVERIFY2(alone.ok(), alone.ok() ? "" : alone.error().message.c_str());
    }

    // The independent Python checker (tests/ledger/vectors/check_tiny_record.py) reads a
    // version 2 manifest and applies the same rule to the closing record.
    void the_python_checker_reads_the_rule() {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const fs::path record = export_full_day(root / "a", two_person_manifest());
        const auto check = [&](const fs::path& dir, QString& output) {
            QProcess python;
            python.setProcessChannelMode(QProcess::MergedChannels);
            python.start(QStringLiteral("python3"),
                         {QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/check_tiny_record.py"),
                          QStringLiteral("--record"), QString::fromStdString(dir.string()),
                          QStringLiteral("--write-expected"),
                          QString::fromStdString((root / "values.txt").string())});
            if (!python.waitForFinished(50'000)) return -1;
            output = QString::fromUtf8(python.readAll());
            return python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1;
        };
        QString output;
        QCOMPARE(check(record, output), 0);
        Q_UNUSED(output);

        fs::create_directories(root / "forged");
        const fs::path copy = copy_record(record, root / "forged");
        const std::string file = "districts/d1/records.bin";
        std::vector<Bytes> frames = frames_of(read_bytes(copy / file));
        for (Bytes& frame : frames) {
            if (frame[0] != 0x0B) continue;
            PollsRecord closing = checked(decode_polls_record(frame), "closing");
            closing.actor = "poll worker 1";
            const ElectionContext election =
                checked(make_election_context(checked(
                            load_manifest_file((copy / "manifest.json").string()), "manifest")),
                        "election");
            sign_polls_record(election.base_hash, closing, test::seeded_key(1));
            frame = encode_polls_record(closing);
        }
        write_bytes(copy / file, file_of(frames));
        resign_district(copy, test::small_manifest().election_id, "d1");
        QCOMPARE(check(copy, output), 1);
        QVERIFY2(output.contains(QStringLiteral("polls.close_requires")), qPrintable(output));
    }

    // The verifier: an honest record of the election (manifest.bin version 2) passes; its
    // closing record replaced by one naming one person, signed by the kiosk's own key, with
    // everything the ledger's key signs redone, fails V18 in that district, naming the rule.
    void the_verifier_flags_a_close_by_one_person() {
        QTemporaryDir tmp;
        const fs::path record =
            export_full_day(fs::path(tmp.path().toStdString()) / "a", two_person_manifest());
        const VerifyReport honest = verify(record);
        QVERIFY2(honest.passed(), failed_checks(honest).c_str());
        const Bytes manifest_bin = read_bytes(record / "manifest.bin");
        QCOMPARE(int(manifest_bin.at(1)), 2);  // version 2: the rule is in the base hash

        for (const std::string actor : {"poll worker 1", "poll worker 1, poll worker 1"}) {
            QTemporaryDir copy_dir;
            const fs::path copy = copy_record(record, copy_dir.path().toStdString());
            const std::string file = "districts/d1/records.bin";
            std::vector<Bytes> frames = frames_of(read_bytes(copy / file));
            std::size_t closed = 0;
            for (std::size_t i = 0; i < frames.size(); ++i)
                if (frames[i][0] == 0x0B) closed = i;
            QVERIFY(closed > 0);
            PollsRecord closing = checked(decode_polls_record(frames[closed]), "closing");
            QCOMPARE(closing.actor, std::string("poll worker 1, poll worker 2"));
            closing.actor = actor;
            const ElectionContext election =
                checked(make_election_context(checked(
                            load_manifest_file((copy / "manifest.json").string()), "manifest")),
                        "election");
            sign_polls_record(election.base_hash, closing, test::seeded_key(1));  // d1's kiosk
            frames[closed] = encode_polls_record(closing);
            write_bytes(copy / file, file_of(frames));
            resign_district(copy, election.manifest.election_id, "d1");
            const VerifyReport report = verify(copy);
            QVERIFY(!report.passed());
            const std::string v18 = failures_of(report, "V18", "d1");
            QVERIFY2(v18.find("polls closed by 1 person (actor '" + actor +
                              "'), the manifest's polls.close_requires is 2") != std::string::npos,
                     failed_checks(report).c_str());
            // Only the rule objects: the signatures and the state machine still hold.
            QVERIFY2(v18.find("signature") == std::string::npos, v18.c_str());
        }
    }

    // A manifest.json and manifest.bin that drop the rule (version 1 again) are another
    // election: the base hash (V5) and the ceremony hash (V6) are no longer the record's, and the
    // guardians' proofs, made under the ceremony hash with the rule, fail (V8). The ledger's
    // operator cannot redo those: the ledger's approval and every ballot bind the base hash, the
    // proofs the guardians' secrets.
    void dropping_the_rule_from_the_manifest_changes_the_base_hash() {
        QTemporaryDir tmp;
        const fs::path record =
            export_full_day(fs::path(tmp.path().toStdString()) / "a", two_person_manifest());
        ElectionManifest m = checked(load_manifest_file((record / "manifest.json").string()), "m");
        QCOMPARE(m.close_requires(), 2u);
        QVERIFY(verify_ceremony_record(m).ok());
        m.polls.reset();
        QVERIFY(!verify_ceremony_record(m).ok());
        write_text(record / "manifest.json", manifest_to_json(m));
        write_bytes(record / "manifest.bin", encode_manifest(m, true));
        redo_file_hash(record, "manifest.json");
        redo_file_hash(record, "manifest.bin");
        const VerifyReport report = verify(record);
        QVERIFY(!report.passed());
        for (const char* check : {"V5", "V6", "V8"})
            QVERIFY2(!failures_of(report, check, "").empty(), failed_checks(report).c_str());
    }
};

QTEST_GUILESS_MAIN(TestPollsCloseRule)
#include "tst_polls_close_rule.moc"
