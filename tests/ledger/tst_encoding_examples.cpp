// The worked examples of docs/encoding.md §7: a finalized manifest's canonical bytes and hashes,
// an encrypted ballot and a challenged ballot, all made by the real CLI. They must decode, re-encode
// to the same bytes, and verify; so the document cannot drift from the code.
#include <QFile>
#include <QTest>

#include "psephos/crypto/key_file.hpp"
#include "psephos/ledger/encrypted_ballot.hpp"
#include "vector_file.hpp"

using namespace psephos;
using namespace psephos::ledger;

namespace {
QString vector_path(const char* name) { return QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/") + QLatin1String(name); }

Bytes hex_file(const char* name) {
    QFile f(vector_path(name));
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", name);
    return from_hex(f.readAll().trimmed().toStdString()).value();
}

ElectionContext example_election() {
    auto manifest = load_manifest_file(vector_path("encoding-example-election.json").toStdString());
    if (!manifest) qFatal("%s", manifest.error().message.c_str());
    return make_election_context(std::move(manifest).value()).value();
}

std::string expected_hash(const char* name) {
    for (const auto& row : test::read_vector_lines(vector_path("encoding-example-hashes.txt"), 2))
        if (row[0] == name) return row[1].toStdString();
    qFatal("no hash %s", name);
}
}  // namespace

class TestEncodingExamples : public QObject {
    Q_OBJECT
private slots:
    void manifest_encoding_and_hashes_match() {
        const ElectionContext e = example_election();
        QCOMPARE(encode_manifest(e.manifest, true), hex_file("encoding-example-manifest.hex"));
        QCOMPARE(compute_ceremony_hash(e.manifest).to_hex(), expected_hash("ceremony-hash"));
        QCOMPARE(e.base_hash.to_hex(), expected_hash("election-base-hash"));
    }

    void ballot_decodes_reencodes_and_verifies() {
        const ElectionContext e = example_election();
        const Bytes bytes = hex_file("encoding-example-ballot.hex");
        auto ballot = decode_ballot(bytes);
        QVERIFY(ballot.ok());
        QCOMPARE(encode_ballot(ballot.value()), bytes);
        const auto device = crypto::read_public_key_file(vector_path("encoding-example-device.pub").toStdString());
        QVERIFY(device.ok());
        auto ok = verify_ballot(e, device.value(), ballot.value());
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        QCOMPARE(ballot.value().previous_tracking_code, initial_tracking_code(e.base_hash, "kiosk-1"));
        QCOMPARE(ballot.value().ballot_id, std::string("example-ballot"));
    }

    void challenged_ballot_reveals_no() {
        const ElectionContext e = example_election();
        const Bytes bytes = hex_file("encoding-example-challenged.hex");
        auto challenged = decode_challenged_ballot(bytes);
        QVERIFY(challenged.ok());
        QCOMPARE(encode_challenged_ballot(challenged.value()), bytes);
        const auto device = crypto::read_public_key_file(vector_path("encoding-example-device.pub").toStdString());
        QVERIFY(verify_challenged_ballot(e, device.value(), challenged.value()).ok());
        QCOMPARE(challenged.value().marks, (std::vector<std::vector<std::uint8_t>>{{0, 1}}));  // yes: 0, no: 1
    }
};

QTEST_APPLESS_MAIN(TestEncodingExamples)
#include "tst_encoding_examples.moc"
