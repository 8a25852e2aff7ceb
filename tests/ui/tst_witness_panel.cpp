// A county's record at the auditor desktop (ui/auditor/witness_trust.hpp): the witness policy the
// auditor gives (a policy file; one that cannot be read or parsed is refused and changes
// nothing), V32–V34 after verification, and the verifier's notice of a station's proven
// equivocation; a 2-of-2 policy against a record with one of two cosignatures fails naming the
// missing witness, and forgetting the policy lets the record pass.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "auditor_controller.hpp"
#include "auditor_wait.hpp"
#include "county_record_fixture.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using test::wait_for_verification;

namespace {}  // namespace

class TestWitnessPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void a_county_record_shows_stations_evidence_and_witnesses() {
        test::CountyRecord c;
        c.fork_d1();  // the station equivocates once; the county keeps the evidence
        const auto w1 = test::witness_key(0xA1, "witness.example/one");
        const auto w2 = test::witness_key(0xA2, "witness.example/two");
        auto o = c.options();
        o.witnesses = std::vector{w1, w2};
        o.election_cosignatures = {test::cosigned(*c.f.county_ledger, 0xA1, w1.name)};
        const auto record = c.export_record(o);
        const auto policy = c.f.root() / "policy";
        test::write_text(policy, "# both must cosign\nwitness " + w1.to_text() + "\nwitness " +
                                     w2.to_text() + "\nquorum 2\n");
        test::write_text(c.f.root() / "bad-policy", "witness " + w1.to_text() + "\n");

        ui::AuditorController a;
        QVERIFY2(a.openRecord(QString::fromStdString(record.string())),
                 qPrintable(a.record()->loadError()));
        ui::WitnessTrust& w = *a.witnesses();
        QCOMPARE(w.stationsStatus(), ui::AuditStatus::NotVerified);
        QVERIFY(w.policyText().isEmpty());

        QVERIFY(!w.setPolicyFile(QString::fromStdString((c.f.root() / "no-such").string())));
        QVERIFY(!w.policyError().isEmpty());
        QVERIFY(!w.setPolicyFile(QString::fromStdString((c.f.root() / "bad-policy").string())));
        QVERIFY2(w.policyError().contains(QStringLiteral("no quorum line")),
                 qPrintable(w.policyError()));
        QVERIFY(w.policyText().isEmpty());
        QVERIFY2(w.setPolicyFile(QString::fromStdString(policy.string())),
                 qPrintable(w.policyError()));
        QVERIFY2(w.policyText().startsWith(QStringLiteral("2 of 2: witness.example/one")),
                 qPrintable(w.policyText()));

        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Failed);
        QCOMPARE(w.cosignaturesStatus(), ui::AuditStatus::Failed);
        QVERIFY2(w.cosignaturesText().contains(QStringLiteral("witness.example/two")),
                 qPrintable(w.cosignaturesText()));
        QCOMPARE(w.stationsStatus(), ui::AuditStatus::Passed);
        QCOMPARE(w.evidenceStatus(), ui::AuditStatus::Passed);
        QCOMPARE(w.notices().size(), 1);
        QVERIFY2(w.notices()[0].contains(QStringLiteral("equivocation (proven)")),
                 qPrintable(w.notices()[0]));

        w.clearPolicy();
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        QCOMPARE(w.cosignaturesStatus(), ui::AuditStatus::Passed);
        QVERIFY2(w.cosignaturesText().contains(QStringLiteral("none was required")),
                 qPrintable(w.cosignaturesText()));
    }

    void a_record_that_is_not_a_countys_says_so() {
        test::CountyRecord c;
        const auto record = c.export_record({});
        ui::AuditorController a;
        QVERIFY2(a.openRecord(QString::fromStdString(record.string())),
                 qPrintable(a.record()->loadError()));
        a.verify();
        QVERIFY(wait_for_verification(a));
        QCOMPARE(a.verification()->verdict(), ui::Verification::Passed);
        ui::WitnessTrust& w = *a.witnesses();
        QCOMPARE(w.stationsStatus(), ui::AuditStatus::NotRun);
        QVERIFY(w.stationsText().contains(QStringLiteral("not a county's record")));
        QVERIFY(w.cosignaturesText().contains(QStringLiteral("no witness cosignatures")));
        QVERIFY(w.notices().isEmpty());
    }
};

QTEST_MAIN(TestWitnessPanel)
#include "tst_witness_panel.moc"
