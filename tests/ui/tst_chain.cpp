// The auditor's live anchor check against a real EVM node: a local Hardhat node (tests/peers),
// `psephos demo --anchor-rpc` anchoring the election on it (and on Bitcoin regtest, written out),
// then the auditor asks the node about every EVM anchor of the exported record.
//
// Pinned certificates (docs/bridge.md §5): the demo reaches the node through an https relay on
// 127.0.0.1 whose self-signed certificate it is given with --anchor-rpc-certificates, and the
// auditor's check goes through it with that certificate pinned; without it (the system's CAs) or
// with another certificate pinned, the handshake fails and nothing reaches the node.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "auditor_controller.hpp"
#include "hardhat_node.hpp"
#include "model_rows.hpp"
#include "psephos_process.hpp"
#include "tls_test_node.hpp"

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
        m_https.emplace(m_identity, static_cast<std::uint16_t>(m_node->port()));
        std::ofstream(m_dir.filePath("node.pem").toStdString()) << m_identity.certificate_pem;
        std::ofstream(m_dir.filePath("other.pem").toStdString()) << m_other.certificate_pem;
        // The whole demo's bridge (funding, deployment, anchoring, the bundle's P12) over https,
        // through the pinned certificate.
        const test::Run demo =
            test::run({"demo", "--voters", "30", "--seed", "5", "--anchor-rpc",
                       QString::fromStdString(m_https->url()), "--anchor-rpc-certificates",
                       m_dir.filePath("node.pem"), "--data", m_dir.filePath("e")});
        QVERIFY2(demo.exit_code == 0, qPrintable(test::describe(demo)));
        QVERIFY2(demo.out.contains(QStringLiteral("evm-31337: confirmed")),
                 qPrintable(test::describe(demo)));
        QVERIFY(m_https->requests() > 0);
        m_record = m_dir.filePath("e/record");
    }

    // The demo given the https node without its certificate, or with another one pinned: the
    // handshake fails, nothing reaches the node, and the demo stops naming the failure.
    void demo_refuses_a_node_whose_certificate_is_not_pinned() {
        for (const QStringList& trust : {QStringList{}, QStringList{"--anchor-rpc-certificates",
                                                                    m_dir.filePath("other.pem")}}) {
            const int before = m_https->requests();
            const test::Run demo =
                test::run(QStringList{"demo", "--voters", "4", "--seed", "5", "--in-process",
                                      "--anchor-rpc", QString::fromStdString(m_https->url())} +
                          trust);
            QVERIFY2(demo.exit_code != 0, qPrintable(test::describe(demo)));
            QVERIFY2((demo.out + demo.err).contains(QStringLiteral("certificate verify failed")),
                     qPrintable(test::describe(demo)));
            QCOMPARE(m_https->requests(), before);
        }
    }

    // The auditor's check through the https node: on chain with its certificate pinned; refused
    // during the handshake with the system's CAs or another certificate.
    void auditor_check_takes_a_pinned_certificate() {
        ui::AuditorController a;
        QVERIFY(a.openRecord(m_record));
        auto check = [&](const QString& pem) {
            QSignalSpy checked(a.anchors(), &ui::AnchorList::checked);
            a.anchors()->checkOnChain(QString::fromStdString(m_https->url()), pem);
            if (!checked.wait(60000)) qFatal("no answer");
            return checked.first().at(0).toBool();
        };
        QVERIFY2(check(m_dir.filePath("node.pem")), qPrintable(a.message()));
        const int reached = m_https->requests();
        for (const QString& pem : {QString(), m_dir.filePath("other.pem")}) {
            QVERIFY(!check(pem));
            int evm = 0;
            for (const QVariant& v : test::model_rows(*a.anchors()->rows())) {
                const QVariantMap row = v.toMap();
                if (!row["chain"].toString().contains("(evm)")) continue;
                ++evm;
                QCOMPARE(row["live"].toString(), QStringLiteral("failed"));
                QVERIFY2(row["liveDetail"].toString().contains(
                             QStringLiteral("certificate verify failed")),
                         qPrintable(row["liveDetail"].toString()));
            }
            QCOMPARE(evm, 2);
            QCOMPARE(m_https->requests(), reached);
        }
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
    test::TestCertificate m_identity = test::make_test_certificate("IP:127.0.0.1");
    test::TestCertificate m_other = test::make_test_certificate("IP:127.0.0.1");
    std::optional<test::TlsNode> m_https;  // https in front of the Hardhat node
    QString m_record;
};

QTEST_GUILESS_MAIN(TestAuditorChain)
#include "tst_chain.moc"
