// psephos publish (docs/web.md): the generator's own proofs against the crypto library's, the
// shard sizing, the site written from the committed tiny record (every shard entry's proof
// verifying against the district checkpoint), and its refusals, which write nothing.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos_process.hpp"
#include "site_model.hpp"
#include "site_pages.hpp"

using psephos::Hash32;
using psephos::test::describe;
using psephos::test::read_all;
using psephos::test::Run;
using psephos::test::run;

namespace {

const QString tiny_record = QStringLiteral(PSEPHOS_TINY_RECORD_DIR);

QJsonObject json_file(const QString& path) {
    return QJsonDocument::fromJson(read_all(path)).object();
}

Hash32 hash_of(const QString& hex) { return psephos::Hash32::from_hex(hex.toStdString()).value(); }

}  // namespace

class TestPublish : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { psephos::crypto::initialize(); }

    void inclusion_proofs_equal_the_crypto_librarys() {
        std::vector<Hash32> leaves;
        for (std::uint8_t i = 0; i < 70; ++i) {
            const std::uint8_t byte[1] = {i};
            leaves.push_back(psephos::crypto::hash_merkle_leaf(byte));
            const psephos::app::InclusionProofs proofs(leaves);
            QCOMPARE(proofs.root().to_hex(), psephos::crypto::compute_merkle_root(leaves).to_hex());
            for (std::uint64_t index = 0; index < leaves.size(); ++index) {
                const auto expected = psephos::crypto::prove_inclusion(leaves, index);
                QVERIFY(expected.ok());
                QVERIFY2(proofs.prove(index) == expected.value(),
                         qPrintable(QString("size %1 index %2").arg(leaves.size()).arg(index)));
            }
        }
    }

    void shard_prefix_digits_keep_shards_at_the_target() {
        QCOMPARE(psephos::app::shard_prefix_digits(0, 64), 0U);
        QCOMPARE(psephos::app::shard_prefix_digits(64, 64), 0U);
        QCOMPARE(psephos::app::shard_prefix_digits(65, 64), 1U);
        QCOMPARE(psephos::app::shard_prefix_digits(1024, 64), 1U);
        QCOMPARE(psephos::app::shard_prefix_digits(1'000'000, 64), 4U);  // 65536 shards, ~15 each
        QCOMPARE(psephos::app::shard_prefix_digits(1'000'000, 15), 5U);
    }

    void escapes_html() {
        QCOMPARE(psephos::app::escape_html("<a href=\"x\">Tom & Jerry's</a>"),
                 std::string("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"));
    }

    void publishes_the_tiny_record() {
        QTemporaryDir tmp;
        const QString site = tmp.filePath("site");
        const Run r = run({"publish", tiny_record, "--out", site, "--shard-size", "1"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("2 districts, 4 ballots"));
        for (const char* file : {"index.html", "receipt.html", "es/index.html", "es/receipt.html",
                                 "assets/verify.js", "assets/receipt.js", "assets/style.css"})
            QVERIFY2(QFile::exists(site + "/" + file), file);
        QVERIFY(read_all(site + "/es/index.html").contains("lang=\"es\""));
        QVERIFY(read_all(site + "/assets/verify.js") ==
                read_all(QStringLiteral(PSEPHOS_WEB_SOURCE_DIR) + "/verify.js"));

        const QJsonObject site_json = json_file(site + "/data/site.json");
        const QJsonObject record_json = json_file(tiny_record + "/record.json");
        QCOMPARE(site_json["base_hash"].toString(), record_json["base_hash"].toString());
        int entries = 0;
        for (const auto d : site_json["districts"].toArray()) {
            const QJsonObject district = d.toObject();
            const QString id = district["id"].toString();
            // The published checkpoint's size and root: the note's second and third lines.
            const QStringList note =
                district["checkpoint"].toObject()["signed_checkpoint"].toString().split('\n');
            const auto size = note[1].toULongLong();
            const Hash32 root =
                psephos::Hash32::from_bytes(psephos::from_base64(note[2].toStdString()).value())
                    .value();
            const unsigned digits = district["shard_prefix_digits"].toInt();
            QCOMPARE(digits, id == "d1" ? 1U : 0U);  // d1 has 3 ballots, d2 one
            const QDir dir(site + "/data/districts/" + id);
            for (const QString& name : dir.entryList({"*.json"}, QDir::Files)) {
                const QJsonObject shard = json_file(dir.filePath(name));
                QCOMPARE(shard["district"].toString(), id);
                for (const auto b : shard["ballots"].toArray()) {
                    const QJsonObject ballot = b.toObject();
                    QVERIFY(
                        ballot["tracking_code"].toString().startsWith(shard["prefix"].toString()));
                    const auto record =
                        psephos::from_base64(ballot["record"].toString().toStdString());
                    QVERIFY(record.ok());
                    std::vector<Hash32> proof;
                    for (const auto h : ballot["inclusion"].toArray())
                        proof.push_back(hash_of(h.toString()));
                    QVERIFY(psephos::crypto::verify_inclusion(
                                psephos::crypto::hash_merkle_leaf(record.value()),
                                static_cast<std::uint64_t>(ballot["index"].toInteger()), size,
                                proof, root)
                                .ok());
                    ++entries;
                }
            }
        }
        QCOMPARE(entries, 4);
    }

    void refuses_a_non_empty_output_and_a_bad_shard_size() {
        QTemporaryDir tmp;
        QFile(tmp.filePath("keep")).open(QIODevice::WriteOnly);
        Run r = run({"publish", tiny_record, "--out", tmp.path()});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("is not an empty directory"), qPrintable(describe(r)));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size(), 1);
        for (const char* size : {"0", "-1", "12x", "1000001"}) {
            r = run({"publish", tiny_record, "--out", tmp.filePath("site"), "--shard-size", size});
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(r.err.contains("--shard-size"), qPrintable(describe(r)));
        }
        r = run({"publish", tiny_record});
        QCOMPARE(r.exit_code, 2);
    }

    void refuses_a_damaged_record_and_leaves_nothing() {
        QTemporaryDir tmp;
        const QString copy = tmp.filePath("record");
        QVERIFY(QDir().mkpath(copy + "/districts/d1"));
        QVERIFY(QDir().mkpath(copy + "/districts/d2"));
        QVERIFY(QDir().mkpath(copy + "/election"));
        QVERIFY(QDir().mkpath(copy + "/events"));
        const QStringList files = {"record.json",   "manifest.json", "manifest.bin",
                                   "authority.bin", "results.json",  "challenged-ballots.json"};
        QStringList logs;
        for (const char* dir : {"districts/d1", "districts/d2", "election", "events"})
            for (const char* f : {"records.bin", "checkpoints.bin", "consistency.bin"})
                if (QFile::exists(tiny_record + "/" + dir + "/" + f))
                    logs << QString(dir) + "/" + f;
        for (const QString& f : files + logs)
            QVERIFY(QFile::copy(tiny_record + "/" + f, copy + "/" + f));
        // One byte of d1's third record (a ballot's ciphertext): the log no longer has its root.
        QFile records(copy + "/districts/d1/records.bin");
        QVERIFY(records.open(QIODevice::ReadWrite));
        QByteArray bytes = records.readAll();
        bytes[1500] = static_cast<char>(bytes[1500] ^ 1);
        records.seek(0);
        records.write(bytes);
        records.close();
        const Run r = run({"publish", copy, "--out", tmp.filePath("site")});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("d1"), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(tmp.filePath("site")));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden),
                 QStringList{"record"});
    }
};

QTEST_APPLESS_MAIN(TestPublish)
#include "tst_publish.moc"
