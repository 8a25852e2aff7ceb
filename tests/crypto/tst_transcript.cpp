// Fiat–Shamir transcript: known answers computed independently from docs/crypto.md §2, and the
// framing's injectivity (moving bytes between label and data changes the challenge).
#include <QFile>
#include <QTest>

#include "vector_file.hpp"

#include "psephos/crypto/transcript.hpp"

using namespace psephos;
using namespace psephos::crypto;

class TestTranscript : public QObject {
    Q_OBJECT
private slots:
    void challenges_match_independent_vectors_data() {
        QTest::addColumn<QByteArray>("protocol");
        QTest::addColumn<QByteArray>("appends");
        QTest::addColumn<QByteArray>("label");
        QTest::addColumn<QByteArray>("expected");
        const auto vectors = psephos::test::read_vector_lines(
            QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/transcript.txt"), 5);
        QCOMPARE(vectors.size(), 5);
        for (const auto& p : vectors)
            QTest::newRow(p[0].constData()) << p[1] << p[2] << p[3] << p[4];
    }
    void challenges_match_independent_vectors() {
        QFETCH(QByteArray, protocol);
        QFETCH(QByteArray, appends);
        QFETCH(QByteArray, label);
        QFETCH(QByteArray, expected);
        Transcript t(protocol.toStdString());
        if (appends != "-") {
            for (const auto& item : appends.split(';')) {
                const auto kv = item.split('=');
                t.append(kv[0].toStdString(), from_hex(kv[1].toStdString()).value());
            }
        }
        const Scalar c = t.challenge(label.toStdString());
        QCOMPARE(QByteArray::fromStdString(to_hex(c.bytes())), expected);
    }

    void framing_separates_label_and_data() {
        Transcript a("p"), b("p");
        a.append("ab", as_bytes("c"));
        b.append("a", as_bytes("bc"));
        QVERIFY(!(a.challenge("c") == b.challenge("c")));
    }

    void challenge_leaves_transcript_unchanged() {
        Transcript t("p");
        t.append("x", as_bytes("1"));
        const Scalar first = t.challenge("c");
        QVERIFY(first == t.challenge("c"));
        QVERIFY(!(first == t.challenge("d")));
        t.append_u64("n", 1);
        QVERIFY(!(first == t.challenge("c")));
    }

    void protocol_label_separates_domains() {
        QVERIFY(!(Transcript("psephos/v1/range").challenge("c") ==
                  Transcript("psephos/v1/schnorr").challenge("c")));
    }
};

QTEST_APPLESS_MAIN(TestTranscript)
#include "tst_transcript.moc"
