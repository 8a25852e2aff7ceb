// The auditor's real QML on the offscreen platform: open a record by its path, every tab, a
// verification started and followed from the window, a failure selected in the checks table and
// shown with its reason, a tracking code looked up by typing it; the election authority's key
// given as a trust anchor, and V29 passing with it and failing with another.
#include <QGuiApplication>
#include <QQmlComponent>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "auditor_driver.hpp"
#include "auditor_fixture.hpp"
#include "model_rows.hpp"

using namespace psephos;

class TestAuditorScreens : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_records = std::make_unique<test::AuditorRecords>(m_dir.path(), 40);
    }

    void passing_record_through_every_tab() {
        test::AuditorDriver d;
        QVERIFY(d.find(QStringLiteral("tabs")) == nullptr);  // nothing open yet
        d.openByPath(m_records->good);
        QVERIFY2(d.auditor().record()->loaded(), qPrintable(d.auditor().record()->loadError()));
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        QCOMPARE(d.text(QStringLiteral("electionName")), d.auditor().record()->electionName());
        QVERIFY(d.find(QStringLiteral("district-0")) != nullptr);
        QVERIFY(d.find(QStringLiteral("district-9")) != nullptr);

        d.click(QStringLiteral("tab-verify"));
        d.click(QStringLiteral("verifyButton"));
        QVERIFY(d.waitForVerdict());
        QCOMPARE(d.auditor().verification()->verdict(), ui::Verification::Passed);
        QCOMPARE(d.text(QStringLiteral("verdictText")), d.auditor().verification()->verdictText());
        QVERIFY(d.find(QStringLiteral("check-0")) != nullptr);
        d.click(QStringLiteral("check-3"));
        QCOMPARE(d.auditor().verification()->selectedCheck(), 3);
        // No trust anchor was given: the overview says what that means.
        d.click(QStringLiteral("tab-overview"));
        QCOMPARE(d.auditor().authority()->approvalStatus(), ui::AuditStatus::Passed);
        QCOMPARE(d.auditor().authority()->devicesStatus(), ui::AuditStatus::Passed);
        QVERIFY2(d.text(QStringLiteral("authorityAnchorText"))
                     .contains(QStringLiteral(
                         "devices were checked against the record's own approval key only")),
                 qPrintable(d.text(QStringLiteral("authorityAnchorText"))));

        d.click(QStringLiteral("tab-results"));
        QVERIFY(d.text(QStringLiteral("resultsStatus")).startsWith(QStringLiteral("passed")));
        QQuickItem* bar = d.require(QStringLiteral("bar-0-0"));
        QVERIFY(bar->width() >= 0);
        // Every figure shows the status of the checks behind it.
        QVERIFY2(d.text(QStringLiteral("optionTotal-0-0")).endsWith(QStringLiteral("✓")),
                 qPrintable(d.text(QStringLiteral("optionTotal-0-0"))));
        QVERIFY(d.text(QStringLiteral("districtCounts-0-0")).contains(QStringLiteral("✓")));
        QVERIFY(!d.text(QStringLiteral("districtCounts-0-0")).contains(QStringLiteral("✗")));

        d.click(QStringLiteral("tab-anchors"));
        QVERIFY(d.find(QStringLiteral("anchor-0")) != nullptr);
        QVERIFY(d.find(QStringLiteral("anchor-1")) != nullptr);
        // The record's anchors are on Bitcoin regtest only: asked, each says it is not checked
        // here.
        d.click(QStringLiteral("rpcField"));
        d.type(QStringLiteral("http://127.0.0.1:9"));
        d.click(QStringLiteral("checkChainButton"));
        QVERIFY(d.waitUntil([&] { return !d.auditor().anchors()->checking(); }));
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("liveText-0")) != nullptr; }));
        QVERIFY(d.text(QStringLiteral("liveText-0")).contains(QStringLiteral("not checked")));

        d.click(QStringLiteral("tab-lookup"));
        const QString code = test::first_challenged_code(m_records->good);
        d.click(QStringLiteral("lookupField"));
        d.type(code);
        d.click(QStringLiteral("lookupButton"));
        QVERIFY(d.waitUntil([&] { return !d.auditor().tracking()->searching(); }));
        QVERIFY(d.auditor().tracking()->found());
        QCOMPARE(d.text(QStringLiteral("lookupText")), d.auditor().tracking()->text());
        QVERIFY(d.text(QStringLiteral("lookupText")).contains(QStringLiteral("challenged")));
        QVERIFY(d.find(QStringLiteral("exportBundleButton")) != nullptr);
    }

    // The overview shows the key that approved the record; the auditor gives the authority's
    // published key file (typed as a path) and the record verifies, V29 and V30 passed; with
    // another key pasted as text, V29 fails naming it "not by the trusted authority".
    void authority_key_is_a_trust_anchor() {
        test::AuditorDriver d;
        d.openByPath(m_records->good);
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        ui::AuthorityTrust& authority = *d.auditor().authority();
        const QString record_key = authority.recordKey();
        QVERIFY2(record_key.startsWith(QStringLiteral("ed25519:")) && record_key.size() == 72,
                 qPrintable(record_key + authority.recordKeyError()));
        QCOMPARE(d.text(QStringLiteral("authorityRecordKey")), record_key);
        QVERIFY(d.text(QStringLiteral("authorityAnchorText"))
                    .contains(QStringLiteral("the record's own approval key only")));

        auto trust = [&](const QString& input) {
            d.click(QStringLiteral("authorityAnchorField"));
            d.type(input);
            d.click(QStringLiteral("authorityTrustButton"));
        };
        auto verify = [&] {
            d.click(QStringLiteral("tab-verify"));
            d.click(QStringLiteral("verifyButton"));
            QVERIFY(d.waitForVerdict());
            d.click(QStringLiteral("tab-overview"));
        };
        trust(QStringLiteral("ed25519:not-a-key"));
        QVERIFY(authority.trustedKey().isEmpty());
        QVERIFY(d.text(QStringLiteral("authorityTrustError")).contains(QStringLiteral("64 hex")));
        d.require(QStringLiteral("authorityAnchorField"))->setProperty("text", QString());
        trust(m_dir.path() + QStringLiteral("/election/authority.pub"));
        QCOMPARE(authority.trustedKey(), record_key);
        QCOMPARE(d.text(QStringLiteral("authorityTrustedKey")), record_key);
        verify();
        QCOMPARE(d.auditor().verification()->verdict(), ui::Verification::Passed);
        QCOMPARE(authority.approvalStatus(), ui::AuditStatus::Passed);
        QCOMPARE(authority.devicesStatus(), ui::AuditStatus::Passed);
        QCOMPARE(d.text(QStringLiteral("authorityAnchorText")),
                 QStringLiteral("Checked against the trusted authority key %1.").arg(record_key));

        const QString other = QStringLiteral("ed25519:") + QStringLiteral("ab").repeated(32);
        trust(other);
        QCOMPARE(authority.trustedKey(), other);
        QVERIFY(
            d.text(QStringLiteral("authorityAnchorText")).contains(QStringLiteral("verify again")));
        verify();
        QCOMPARE(d.auditor().verification()->verdict(), ui::Verification::Failed);
        QCOMPARE(authority.approvalStatus(), ui::AuditStatus::Failed);
        QCOMPARE(authority.devicesStatus(), ui::AuditStatus::NotRun);
        QVERIFY2(d.text(QStringLiteral("authorityApprovalText"))
                     .contains(QStringLiteral("not by the trusted authority ") + other),
                 qPrintable(d.text(QStringLiteral("authorityApprovalText"))));
        const QVariantMap v29 =
            d.auditor().verification()->checks()->get(d.auditor().verification()->firstFailure());
        QCOMPARE(v29["checkId"].toString(), QStringLiteral("V29"));
    }

    // StatusBadge and Theme.statusColor take the C++ enum (audit_status.hpp): each value gets its
    // word, its sign and its colour, the same enum QML names AuditStatus.Passed.
    void status_badge_maps_each_status_to_its_word() {
        test::AuditorDriver d;
        QQmlComponent component(d.engine.get());
        component.setData(
            "import QtQuick\nimport Psephos.Auditor\n"
            "Item { property alias badge: b; property alias theme: t;\n"
            "  property int passed: AuditStatus.Passed\n"
            "  StatusBadge { id: b }  Theme { id: t } }",
            QUrl(QStringLiteral("qrc:/status_badge_test.qml")));
        std::unique_ptr<QObject> root(component.create());
        QVERIFY2(root, qPrintable(component.errorString()));
        QCOMPARE(root->property("passed").toInt(), int(ui::AuditStatus::Passed));
        auto* badge = root->property("badge").value<QObject*>();
        auto* theme = root->property("theme").value<QObject*>();
        QVERIFY(badge && theme);
        struct Expected {
            ui::AuditStatus::Value status;
            const char* word;
            const char* sign;
            const char* colour;  // the Theme property
        };
        const Expected expected[] = {
            {ui::AuditStatus::NotVerified, "not verified", "", "notRun"},
            {ui::AuditStatus::Passed, "passed", "✓", "passed"},
            {ui::AuditStatus::Failed, "failed", "✗", "failed"},
            {ui::AuditStatus::NotRun, "not run", "", "notRun"},
        };
        // The default, before any status is given, is NotVerified.
        QCOMPARE(badge->property("status").toInt(), int(ui::AuditStatus::NotVerified));
        for (const Expected& e : expected) {
            QVERIFY(badge->setProperty("status", int(e.status)));
            QCOMPARE(badge->property("label").toString(), QString::fromUtf8(e.word));
            QCOMPARE(badge->property("sign").toString(), QString::fromUtf8(e.sign));
            QCOMPARE(badge->property("tint").value<QColor>(),
                     theme->property(e.colour).value<QColor>());
            // The C++ side writes the same word where no QML draws it (the PDF report).
            QCOMPARE(ui::AuditStatus::word(e.status), QString::fromUtf8(e.word));
        }
        QVERIFY(theme->property("passed").value<QColor>() !=
                theme->property("failed").value<QColor>());
        QCOMPARE(ui::AuditStatus::of(verifier::CheckStatus::passed), ui::AuditStatus::Passed);
        QCOMPARE(ui::AuditStatus::of(verifier::CheckStatus::failed), ui::AuditStatus::Failed);
        QCOMPARE(ui::AuditStatus::of(verifier::CheckStatus::not_run), ui::AuditStatus::NotRun);
    }

    void failing_record_shows_the_failure() {
        test::AuditorDriver d;
        d.openByPath(m_records->tampered);
        QVERIFY(d.auditor().record()->loaded());
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        d.click(QStringLiteral("tab-verify"));
        d.click(QStringLiteral("verifyButton"));
        QVERIFY(d.waitForVerdict());
        QCOMPARE(d.auditor().verification()->verdict(), ui::Verification::Failed);
        const int first = d.auditor().verification()->firstFailure();
        QVERIFY(first >= 0);
        d.click(QStringLiteral("firstFailureButton"));
        QCOMPARE(d.auditor().verification()->selectedCheck(), first);
        const QStringList failures = d.auditor().verification()->selectedDetail().failures;
        QVERIFY(!failures.isEmpty());
        QCOMPARE(d.text(QStringLiteral("failureText-0")), failures.first());
        d.click(QStringLiteral("tab-results"));
        QVERIFY(d.text(QStringLiteral("optionTotal-0-0")).endsWith(QStringLiteral("✗")));
        QVERIFY(d.text(QStringLiteral("districtCounts-0-0")).contains(QStringLiteral("✗")));
        d.click(QStringLiteral("tab-overview"));
        const QVariantList districts = test::model_rows(*d.auditor().record()->districts());
        for (int i = 0; i < districts.size(); ++i) {
            const QVariantMap row = districts[i].toMap();
            if (row["districtId"].toString() == m_records->tampered_district)
                QVERIFY(d.find(QStringLiteral("districtStatus-%1").arg(i)) != nullptr);
        }
    }

    // The guardian page's inputs reach the controller and its answer is shown (the decryption
    // itself is auditor_models' guardian_step_decrypts_the_tallies).
    void guardian_page_reports_what_went_wrong() {
        test::AuditorDriver d;
        d.openByPath(m_records->good);
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        d.click(QStringLiteral("tab-guardian"));
        QVERIFY(!d.require(QStringLiteral("guardianDecryptButton"))
                     ->isEnabled());  // nothing chosen yet
        d.click(QStringLiteral("guardianKeyField"));
        d.type(m_dir.path() + QStringLiteral("/no-such-guardian.key"));
        d.click(QStringLiteral("guardianPassphraseField"));
        d.type(QStringLiteral("secret words"));
        d.click(QStringLiteral("guardianDataField"));
        d.type(m_dir.path() + QStringLiteral("/election"));
        d.click(QStringLiteral("guardianDecryptButton"));
        QVERIFY(d.waitUntil([&] {
            return !d.auditor().guardian()->busy() && !d.auditor().guardian()->summary().isEmpty();
        }));
        QVERIFY2(d.text(QStringLiteral("guardianSummary"))
                     .contains(QStringLiteral("no-such-guardian.key")),
                 qPrintable(d.text(QStringLiteral("guardianSummary"))));
        QCOMPARE(d.require(QStringLiteral("guardianPassphraseField"))->property("text").toString(),
                 QString());
    }

    void refusal_is_shown() {
        test::AuditorDriver d;
        d.openByPath(m_dir.path());
        QVERIFY(!d.auditor().record()->loaded());
        QVERIFY(d.text(QStringLiteral("loadError")).contains(QStringLiteral("record.json")));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::AuditorRecords> m_records;
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestAuditorScreens test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_screens.moc"
