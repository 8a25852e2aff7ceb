// The worked examples of docs/encoding.md §7: a finalized manifest's canonical bytes and hashes,
// an encrypted ballot and a challenged ballot, all made by the real CLI. They must decode,
// re-encode to the same bytes, and verify; so the document cannot drift from the code.
#include <QFile>
#include <QTest>

#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/election/ceremony_records.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "vector_file.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
QString vector_path(const char* name) {
    return QStringLiteral(PSEPHOS_TEST_VECTORS_DIR "/") + QLatin1String(name);
}

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

Bytes record(const char* name) {
    for (const auto& row : test::read_vector_lines(vector_path("encoding-example-records.txt"), 2))
        if (row[0] == name) return from_hex(row[1].toStdString()).value();
    qFatal("no record %s", name);
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
        const auto device =
            crypto::read_public_key_file(vector_path("encoding-example-device.pub").toStdString());
        QVERIFY(device.ok());
        auto ok = verify_ballot(e, device.value(), ballot.value());
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        QCOMPARE(ballot.value().previous_tracking_code,
                 initial_tracking_code(e.base_hash, "kiosk-1"));
        QCOMPARE(ballot.value().ballot_id, std::string("example-ballot"));
    }

    // Version 3 (docs/encoding.md §4, §7): every range proof in commitment form, checked as one
    // batch; an independent check of the same bytes is the Python checker's --ballot-example.
    void version_3_ballot_decodes_reencodes_and_verifies() {
        const ElectionContext e = example_election();
        const Bytes bytes = hex_file("encoding-example-ballot-v3.hex");
        QCOMPARE(bytes.size(), std::size_t{1117});
        QCOMPARE(bytes[1], std::uint8_t{3});
        auto ballot = decode_ballot(bytes);
        QVERIFY2(ballot.ok(), ballot.ok() ? "" : ballot.error().message.c_str());
        QCOMPARE(encode_ballot(ballot.value()), bytes);
        const auto device = crypto::read_public_key_file(
            vector_path("encoding-example-device-v3.pub").toStdString());
        QVERIFY(device.ok());
        auto ok = verify_ballot(e, device.value(), ballot.value());
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        QCOMPARE(ballot.value().ballot_id, std::string("example-ballot-v3"));
        // The commitments are hashed: a byte of the count proof's a_0 (after its u32 limit, before
        // the 64-byte signature) changed is refused as a point that does not decode or a proof
        // that does not verify, the signature aside.
        const std::size_t count_a0 = bytes.size() - 64 - (4 + 256) + 4;
        QCOMPARE(ByteSpan(bytes).subspan(count_a0 - 4, 4)[3], std::uint8_t{1});
        QCOMPARE(
            Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(count_a0),
                  bytes.begin() + static_cast<std::ptrdiff_t>(count_a0) + 32),
            Bytes(ballot.value().contests[0].selection_count_proof.commitments[0].bytes().begin(),
                  ballot.value().contests[0].selection_count_proof.commitments[0].bytes().end()));
        for (const int bit : {0x02, 0x40}) {
            Bytes changed = bytes;
            changed[count_a0 + 1] ^= static_cast<std::uint8_t>(bit);
            auto decoded = decode_ballot(changed);
            QVERIFY(!decoded.ok() || !verify_ballot_contents(e, decoded.value()).ok());
        }
    }

    void challenged_ballot_reveals_no() {
        const ElectionContext e = example_election();
        const Bytes bytes = hex_file("encoding-example-challenged.hex");
        auto challenged = decode_challenged_ballot(bytes);
        QVERIFY(challenged.ok());
        QCOMPARE(encode_challenged_ballot(challenged.value()), bytes);
        const auto device =
            crypto::read_public_key_file(vector_path("encoding-example-device.pub").toStdString());
        QVERIFY(verify_challenged_ballot(e, device.value(), challenged.value()).ok());
        QCOMPARE(challenged.value().marks, (std::vector<ContestMarks>{{0, 1}}));  // yes: 0, no: 1
    }

    void ceremony_records_decode_reencode_and_verify() {
        const ElectionContext e = example_election();
        const Hash32 ceremony_hash = compute_ceremony_hash(e.manifest);
        const Bytes a1_bytes = record("announcement"), a2_bytes = record("announcement-2");
        auto a1 = decode_guardian_announcement(a1_bytes);
        auto a2 = decode_guardian_announcement(a2_bytes);
        QVERIFY(a1.ok() && a2.ok());
        QCOMPARE(encode_guardian_announcement(a1.value()), a1_bytes);
        QVERIFY(crypto::verify_announcement(ceremony_hash, a1.value(), 1).ok());
        QVERIFY(crypto::verify_announcement(ceremony_hash, a2.value(), 1).ok());

        const Bytes sealed_bytes = record("sealed-share");
        auto sealed = decode_sealed_share(sealed_bytes);
        QVERIFY(sealed.ok());
        QCOMPARE(encode_sealed_share(sealed.value()), sealed_bytes);
        QCOMPARE(sealed.value().sender, std::uint32_t{2});
        QCOMPARE(sealed.value().recipient, std::uint32_t{1});
        QVERIFY(crypto::verify_signature(a2.value().identity_key,
                                         sealed.value().signed_bytes(ceremony_hash),
                                         sealed.value().signature)
                    .ok());
    }

    void decryption_share_verifies_and_decrypts_its_ciphertext() {
        const ElectionContext e = example_election();
        const Bytes bytes = record("decryption-share");
        auto share = decode_decryption_share(bytes);
        QVERIFY(share.ok());
        QCOMPARE(encode_decryption_share(share.value()), bytes);
        std::vector<crypto::CoefficientCommitments> all;
        for (const auto& g : e.manifest.ceremony->guardians) all.push_back(g.commitments);
        const Bytes ciphertext = record("decryption-ciphertext");
        QCOMPARE(ciphertext.size(), std::size_t{64});
        const crypto::Ciphertext yes = crypto::Ciphertext::from_bytes(ciphertext).value();
        QVERIFY(crypto::verify_decryption_share(e.base_hash, crypto::compute_public_share(all, 1),
                                                yes, share.value())
                    .ok());
        // Another ciphertext: the share's proof does not hold for it.
        crypto::Ciphertext other = yes;
        other.alpha = other.alpha + crypto::Point::generator();
        QVERIFY(!crypto::verify_decryption_share(e.base_hash, crypto::compute_public_share(all, 1),
                                                 other, share.value())
                     .ok());
        const std::vector<crypto::DecryptionShare> shares{share.value()};
        QCOMPARE(crypto::DiscreteLogTable(10)
                     .solve(crypto::combine_decryption_shares(yes, shares, 1).value())
                     .value(),
                 std::uint64_t{1});  // an encryption of 1 ("yes")
    }
};

QTEST_APPLESS_MAIN(TestEncodingExamples)
#include "tst_encoding_examples.moc"
