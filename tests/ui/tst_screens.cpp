// The auditor's real QML on the offscreen platform: open a record by its path, every tab, a
// verification started and followed from the window, a failure selected in the checks table and
// shown with its reason, a tracking code looked up by typing it.
#include <QGuiApplication>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "auditor_driver.hpp"
#include "auditor_fixture.hpp"

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
        QVERIFY2(d.auditor().loaded(), qPrintable(d.auditor().loadError()));
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        QCOMPARE(d.text(QStringLiteral("electionName")), d.auditor().electionName());
        QVERIFY(d.find(QStringLiteral("district-0")) != nullptr);
        QVERIFY(d.find(QStringLiteral("district-9")) != nullptr);

        d.click(QStringLiteral("tab-verify"));
        d.click(QStringLiteral("verifyButton"));
        QVERIFY(d.waitForVerdict());
        QCOMPARE(d.auditor().verdict(), QStringLiteral("passed"));
        QCOMPARE(d.text(QStringLiteral("verdictText")), d.auditor().verdictText());
        QVERIFY(d.find(QStringLiteral("check-0")) != nullptr);
        d.click(QStringLiteral("check-3"));
        QCOMPARE(d.auditor().selectedCheck(), 3);

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
        QVERIFY(d.waitUntil([&] { return !d.auditor().checkingChain(); }));
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("liveText-0")) != nullptr; }));
        QVERIFY(d.text(QStringLiteral("liveText-0")).contains(QStringLiteral("not checked")));

        d.click(QStringLiteral("tab-lookup"));
        const QString code = test::first_challenged_code(m_records->good);
        d.click(QStringLiteral("lookupField"));
        d.type(code);
        d.click(QStringLiteral("lookupButton"));
        QVERIFY(d.waitUntil([&] { return !d.auditor().lookupResult()["searching"].toBool(); }));
        QVERIFY(d.auditor().lookupResult()["found"].toBool());
        QCOMPARE(d.text(QStringLiteral("lookupText")),
                 d.auditor().lookupResult()["text"].toString());
        QVERIFY(d.text(QStringLiteral("lookupText")).contains(QStringLiteral("challenged")));
        QVERIFY(d.find(QStringLiteral("exportBundleButton")) != nullptr);
    }

    void failing_record_shows_the_failure() {
        test::AuditorDriver d;
        d.openByPath(m_records->tampered);
        QVERIFY(d.auditor().loaded());
        QVERIFY(d.waitUntil([&] { return d.find(QStringLiteral("tabs")) != nullptr; }));
        d.click(QStringLiteral("tab-verify"));
        d.click(QStringLiteral("verifyButton"));
        QVERIFY(d.waitForVerdict());
        QCOMPARE(d.auditor().verdict(), QStringLiteral("failed"));
        const int first = d.auditor().firstFailure();
        QVERIFY(first >= 0);
        d.click(QStringLiteral("firstFailureButton"));
        QCOMPARE(d.auditor().selectedCheck(), first);
        const QStringList failures = d.auditor().selectedDetail()["failures"].toStringList();
        QVERIFY(!failures.isEmpty());
        QCOMPARE(d.text(QStringLiteral("failureText-0")), failures.first());
        d.click(QStringLiteral("tab-results"));
        QVERIFY(d.text(QStringLiteral("optionTotal-0-0")).endsWith(QStringLiteral("✗")));
        QVERIFY(d.text(QStringLiteral("districtCounts-0-0")).contains(QStringLiteral("✗")));
        d.click(QStringLiteral("tab-overview"));
        for (int i = 0; i < d.auditor().districts().size(); ++i) {
            const QVariantMap row = d.auditor().districts()[i].toMap();
            if (row["id"].toString() == m_records->tampered_district)
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
            return !d.auditor().guardianBusy() && !d.auditor().guardianSummary().isEmpty();
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
        QVERIFY(!d.auditor().loaded());
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
