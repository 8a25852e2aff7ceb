// The auditor's live anchor check against a real EVM node: a local Hardhat node (tests/peers),
// `psephos demo --anchor-rpc` anchoring the election on it (and on Bitcoin regtest, written out),
// then the auditor asks the node about every EVM anchor of the exported record.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "auditor_controller.hpp"
#include "hardhat_node.hpp"
#include "model_rows.hpp"
#include "psephos_process.hpp"

using namespace psephos;

class TestAuditorChain : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        std::string error;
        m_node = test::HardhatNode::start(error);
        if (!m_node) QFAIL(error.c_str());
        const test::Run demo =
            test::run({"demo", "--voters", "30", "--seed", "5", "--anchor-rpc",
                       QString::fromStdString(m_node->url()), "--data", m_dir.filePath("e")});
        QVERIFY2(demo.exit_code == 0, qPrintable(test::describe(demo)));
        m_record = m_dir.filePath("e/record");
    }

    void evm_anchors_are_confirmed_live() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_record));
        int evm = 0, bitcoin = 0;
        for (const QVariant& v : test::model_rows(*a.anchors()->rows())) {
            QCOMPARE(v.toMap()["live"].toString(), QString());  // not asked yet
            (v.toMap()["chain"].toString().contains("(evm)") ? evm : bitcoin) += 1;
        }
        QCOMPARE(evm, 2);  // after polls closed, after the results
        QCOMPARE(bitcoin, 2);
        QSignalSpy checked(a.anchors(), &ui::AnchorList::checked);
        a.anchors()->checkOnChain(QString::fromStdString(m_node->url()));
        QVERIFY(a.anchors()->checking());
        QVERIFY(checked.wait(60000));
        QVERIFY2(checked.first().at(0).toBool(), qPrintable(a.message()));
        for (const QVariant& v : test::model_rows(*a.anchors()->rows())) {
            const QVariantMap row = v.toMap();
            if (row["chain"].toString().contains("(evm)")) {
                QCOMPARE(row["live"].toString(), QStringLiteral("on chain"));
                QVERIFY2(row["liveDetail"].toString().contains(QStringLiteral("confirmation(s)")),
                         qPrintable(row["liveDetail"].toString()));
            } else {
                QCOMPARE(row["live"].toString(), QStringLiteral("not checked"));
            }
        }
    }

    void an_endpoint_that_does_not_answer_fails_every_evm_anchor() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_record));
        QSignalSpy checked(a.anchors(), &ui::AnchorList::checked);
        a.anchors()->checkOnChain(
            QStringLiteral("http://127.0.0.1:9"));  // discard port: nothing there
        QVERIFY(checked.wait(120000));
        QVERIFY(!checked.first().at(0).toBool());
        for (const QVariant& v : test::model_rows(*a.anchors()->rows()))
            if (v.toMap()["chain"].toString().contains("(evm)"))
                QCOMPARE(v.toMap()["live"].toString(), QStringLiteral("failed"));
    }

private:
    QTemporaryDir m_dir;
    std::optional<test::HardhatNode> m_node;
    QString m_record;
};

QTEST_GUILESS_MAIN(TestAuditorChain)
#include "tst_chain.moc"
