// The distributed key ceremony's files (docs/key-ceremony.md): complaints (0x15) and resolutions
// (0x16) round-trip, and every one-byte change to either is refused by decoding or by its
// signature check; complaints are judged the same way by everyone (an honest reveal clears, a
// bad one disqualifies, a resolution or complaint signed by the wrong guardian is refused); a
// sealed share does not open for another recipient; a guardian's sealed state file reopens into
// the same guardian and refuses a wrong passphrase, a change on any line, another announcement
// and an Argon2id cost below MODERATE.
#include <QTemporaryDir>
#include <QTest>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/ceremony_exchange.hpp"
#include "psephos/election/ceremony_records.hpp"
#include "psephos/election/guardian_ceremony_state.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
constexpr std::uint32_t guardian_count = 3;
constexpr std::uint32_t threshold = 2;

struct Ceremony {
    Hash32 ceremony_hash =
        crypto::sha256(as_bytes(std::string_view("tst_ceremony_exchange ceremony")));
    std::vector<crypto::Guardian> guardians;

    Ceremony() {
        for (std::uint32_t i = 1; i <= guardian_count; ++i) {
            guardians.push_back(
                crypto::Guardian::create(ceremony_hash, i, guardian_count, threshold));
        }
    }
    const crypto::GuardianAnnouncement& announcement(std::uint32_t i) const {
        return guardians.at(i - 1).announcement();
    }
    // Guardian 1's share for guardian 2 of `value`, sealed and signed as guardian 1.
    crypto::SealedShare share_1_to_2(const crypto::Scalar& value) const {
        crypto::SealedShare s;
        s.sender = 1;
        s.recipient = 2;
        s.sealed = crypto::seal_to(announcement(2).box_key, value.bytes());
        s.signature = guardians[0].identity().sign(s.signed_bytes(ceremony_hash));
        return s;
    }
    crypto::Scalar honest_1_to_2() const { return guardians[0].polynomial().evaluate(2); }
    crypto::Scalar bad_1_to_2() const { return honest_1_to_2() + crypto::Scalar::from_uint64(1); }
    SignedComplaint complaint() const {
        return sign_share_complaint(ceremony_hash, share_1_to_2(bad_1_to_2()),
                                    guardians[1].identity());
    }
    ShareResolution resolution(const crypto::Scalar& revealed) const {
        return sign_share_resolution(ceremony_hash, 1, 2, revealed, guardians[0].identity());
    }
};

Ceremony& ceremony() {
    static Ceremony c;
    return c;
}

std::string read_text(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_text(const QString& path, const std::string& text) {
    std::ofstream(path.toStdString(), std::ios::binary | std::ios::trunc) << text;
}

const std::string passphrase = "correct horse battery";
}  // namespace

class TestCeremonyExchange : public QObject {
    Q_OBJECT

private slots:
    void complaint_and_resolution_round_trip() {
        auto& c = ceremony();
        // Guardian 2 refuses the bad share as a share_mismatch: the case that leads to a complaint.
        crypto::Guardian two =
            crypto::Guardian::restore(
                c.ceremony_hash, guardian_count,
                crypto::ElectionPolynomial::from_coefficients(
                    c.guardians[1].polynomial().coefficients())
                    .value(),
                crypto::Ed25519SigningKey::from_seed(c.guardians[1].identity().seed()).value(),
                crypto::BoxKeyPair::from_secret_key(c.guardians[1].box_keys().secret_key()).value(),
                c.announcement(2))
                .value();
        auto refused = two.receive_share(c.announcement(1), c.share_1_to_2(c.bad_1_to_2()));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::share_mismatch);
        QVERIFY(two.receive_share(c.announcement(1), c.share_1_to_2(c.honest_1_to_2())).ok());
        const SignedComplaint complaint = c.complaint();
        const Bytes encoded = encode_share_complaint(complaint);
        QCOMPARE(encoded[0], std::uint8_t{0x15});
        auto decoded = decode_share_complaint(encoded);
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
        QVERIFY(encode_share_complaint(decoded.value()) == encoded);
        QVERIFY(verify_share_complaint(c.ceremony_hash, decoded.value(), c.announcement(2),
                                       c.announcement(1))
                    .ok());
        const ShareResolution resolution = c.resolution(c.honest_1_to_2());
        const Bytes r = encode_share_resolution(resolution);
        QCOMPARE(r[0], std::uint8_t{0x16});
        QCOMPARE(r.size(), std::size_t{2 + 4 + 4 + 32 + 64});
        auto back = decode_share_resolution(r);
        QVERIFY(back.ok());
        QVERIFY(encode_share_resolution(back.value()) == r);
    }

    void every_changed_byte_of_a_complaint_is_refused() {
        auto& c = ceremony();
        const Bytes good = encode_share_complaint(c.complaint());
        for (std::size_t i = 0; i < good.size(); ++i) {
            Bytes bad = good;
            bad[i] ^= 0x01;
            auto decoded = decode_share_complaint(bad);
            if (!decoded) continue;
            const auto& k = decoded.value().complaint;
            if (k.accuser < 1 || k.accuser > 3 || k.accused < 1 || k.accused > 3) continue;
            QVERIFY2(!verify_share_complaint(c.ceremony_hash, decoded.value(),
                                             c.announcement(k.accuser), c.announcement(k.accused))
                          .ok(),
                     qPrintable(QString("byte %1 changed, complaint still verifies").arg(i)));
        }
    }

    void every_changed_byte_of_a_resolution_is_refused() {
        auto& c = ceremony();
        const SignedComplaint complaint = c.complaint();
        const Bytes good = encode_share_resolution(c.resolution(c.honest_1_to_2()));
        for (std::size_t i = 0; i < good.size(); ++i) {
            Bytes bad = good;
            bad[i] ^= 0x01;
            auto decoded = decode_share_resolution(bad);
            if (!decoded) continue;
            auto outcome = judge_complaint(c.ceremony_hash, complaint, decoded.value(),
                                           c.announcement(2), c.announcement(1));
            QVERIFY2(!outcome.ok(),
                     qPrintable(QString("byte %1 changed, resolution still judged").arg(i)));
        }
    }

    void honest_reveal_clears_and_bad_reveal_disqualifies() {
        auto& c = ceremony();
        const SignedComplaint complaint = c.complaint();
        auto cleared = judge_complaint(c.ceremony_hash, complaint, c.resolution(c.honest_1_to_2()),
                                       c.announcement(2), c.announcement(1));
        QVERIFY2(cleared.ok(), cleared.ok() ? "" : cleared.error().message.c_str());
        QVERIFY(cleared.value() == ComplaintOutcome::cleared);
        auto out = judge_complaint(c.ceremony_hash, complaint, c.resolution(c.bad_1_to_2()),
                                   c.announcement(2), c.announcement(1));
        QVERIFY(out.ok());
        QVERIFY(out.value() == ComplaintOutcome::disqualified);
    }

    void resolution_signed_by_another_guardian_is_refused() {
        auto& c = ceremony();
        ShareResolution forged = sign_share_resolution(c.ceremony_hash, 1, 2, c.honest_1_to_2(),
                                                       c.guardians[2].identity());
        auto out = judge_complaint(c.ceremony_hash, c.complaint(), forged, c.announcement(2),
                                   c.announcement(1));
        QVERIFY(!out.ok());
        QVERIFY2(out.error().message.find("signature") != std::string::npos,
                 out.error().message.c_str());
    }

    void complaint_signed_by_another_guardian_is_refused() {
        auto& c = ceremony();
        // Guardian 3 tries to force guardian 1 to reveal guardian 2's share.
        const SignedComplaint forged = sign_share_complaint(
            c.ceremony_hash, c.share_1_to_2(c.bad_1_to_2()), c.guardians[2].identity());
        auto ok =
            verify_share_complaint(c.ceremony_hash, forged, c.announcement(2), c.announcement(1));
        QVERIFY(!ok.ok());
        QVERIFY2(ok.error().message.find("accuser's signature") != std::string::npos,
                 ok.error().message.c_str());
    }

    void complaint_whose_evidence_the_accused_never_signed_is_refused() {
        auto& c = ceremony();
        crypto::SealedShare evidence = c.share_1_to_2(c.bad_1_to_2());
        evidence.signature = c.guardians[1].identity().sign(evidence.signed_bytes(c.ceremony_hash));
        const SignedComplaint complaint =
            sign_share_complaint(c.ceremony_hash, evidence, c.guardians[1].identity());
        auto ok = verify_share_complaint(c.ceremony_hash, complaint, c.announcement(2),
                                         c.announcement(1));
        QVERIFY(!ok.ok());
        QVERIFY2(ok.error().message.find("not signed by the accused") != std::string::npos,
                 ok.error().message.c_str());
    }

    void sealed_share_does_not_open_for_another_recipient() {
        auto& c = ceremony();
        const crypto::SealedShare share = c.guardians[0].share_for(c.announcement(2));
        QVERIFY(c.guardians[1].box_keys().open(share.sealed).ok());
        auto other = c.guardians[2].box_keys().open(share.sealed);
        QVERIFY(!other.ok());
        QCOMPARE(other.error().code, ErrorCode::verification_failed);
        // Relabelled for guardian 3, the sender's signature no longer holds.
        crypto::SealedShare relabelled = share;
        relabelled.recipient = 3;
        auto received = c.guardians[2].receive_share(c.announcement(1), relabelled);
        QVERIFY(!received.ok());
        QVERIFY2(received.error().message.find("signature") != std::string::npos,
                 received.error().message.c_str());
    }

    void state_file_reopens_the_same_guardian() {
        auto& c = ceremony();
        QTemporaryDir dir;
        const QString path = dir.filePath("guardian.state");
        const Bytes announcement = encode_guardian_announcement(c.announcement(2));
        const GuardianStateInfo info{"maplewood",     2,
                                     guardian_count,  threshold,
                                     c.ceremony_hash, crypto::sha256(announcement)};
        QVERIFY(
            write_guardian_state_file(path.toStdString(), info, c.guardians[1], passphrase).ok());
        auto public_info = read_guardian_state_info(path.toStdString());
        QVERIFY(public_info.ok());
        QCOMPARE(public_info.value().index, 2u);
        auto opened = open_guardian_state_file(path.toStdString(), passphrase, announcement);
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        QVERIFY(opened.value().identity().public_key() == c.announcement(2).identity_key);
        QVERIFY(opened.value().polynomial().evaluate(7) == c.guardians[1].polynomial().evaluate(7));
        // It still opens shares sent to guardian 2.
        QVERIFY(opened.value()
                    .receive_share(c.announcement(1), c.guardians[0].share_for(c.announcement(2)))
                    .ok());

        auto wrong =
            open_guardian_state_file(path.toStdString(), "not the passphrase", announcement);
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().message.find("wrong passphrase") != std::string::npos,
                 wrong.error().message.c_str());
        auto other = open_guardian_state_file(path.toStdString(), passphrase,
                                              encode_guardian_announcement(c.announcement(3)));
        QVERIFY(!other.ok());
        QVERIFY2(other.error().message.find("not the one this state names") != std::string::npos,
                 other.error().message.c_str());
    }

    void state_file_refuses_a_change_on_any_line() {
        auto& c = ceremony();
        QTemporaryDir dir;
        const QString path = dir.filePath("guardian.state");
        const Bytes announcement = encode_guardian_announcement(c.announcement(1));
        const GuardianStateInfo info{"maplewood",     1,
                                     guardian_count,  threshold,
                                     c.ceremony_hash, crypto::sha256(announcement)};
        QVERIFY(
            write_guardian_state_file(path.toStdString(), info, c.guardians[0], passphrase).ok());
        const std::string good = read_text(path);
        // One character changed in the value of each line after the header.
        std::size_t start = good.find('\n') + 1;
        int line = 2;
        while (start < good.size()) {
            const std::size_t end = good.find('\n', start);
            const std::size_t value = good.find(": ", start) + 2;
            const std::size_t at = value + (end - value) / 2;
            std::string bad = good;
            const char was = bad[at];
            bad[at] = std::isdigit(static_cast<unsigned char>(was))   ? (was == '1' ? '2' : '1')
                      : std::islower(static_cast<unsigned char>(was)) ? (was == 'a' ? 'b' : 'a')
                      : std::isupper(static_cast<unsigned char>(was)) ? (was == 'A' ? 'B' : 'A')
                                                                      : (was == '+' ? '/' : '+');
            const QString tampered = dir.filePath(QString("line-%1.state").arg(line));
            write_text(tampered, bad);
            QFile::setPermissions(tampered, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            auto opened =
                open_guardian_state_file(tampered.toStdString(), passphrase, announcement);
            QVERIFY2(!opened.ok(), qPrintable(QString("line %1 changed, state opens").arg(line)));
            QVERIFY2(opened.error().code == ErrorCode::invalid_encoding ||
                         opened.error().code == ErrorCode::verification_failed,
                     opened.error().message.c_str());
            qInfo("line %d: %s", line, opened.error().message.c_str());
            start = end + 1;
            ++line;
        }
        QCOMPARE(line, 13);
    }

    void state_below_moderate_argon2id_is_refused() {
        auto& c = ceremony();
        QTemporaryDir dir;
        const Bytes announcement = encode_guardian_announcement(c.announcement(1));
        const GuardianStateInfo info{"maplewood",     1,
                                     guardian_count,  threshold,
                                     c.ceremony_hash, crypto::sha256(announcement)};
        auto weak = write_guardian_state_file(dir.filePath("weak").toStdString(), info,
                                              c.guardians[0], passphrase, interactive_hardness);
        QVERIFY(!weak.ok());
        QVERIFY2(weak.error().message.find("below MODERATE") != std::string::npos,
                 weak.error().message.c_str());
        auto empty = write_guardian_state_file(dir.filePath("empty").toStdString(), info,
                                               c.guardians[0], "");
        QVERIFY(!empty.ok());
    }

    void restoring_refuses_an_announcement_of_other_keys_or_commitments() {
        auto& c = ceremony();
        const crypto::Guardian& one = c.guardians[0];
        const auto restore = [&](const crypto::GuardianAnnouncement& a) {
            return crypto::Guardian::restore(
                c.ceremony_hash, guardian_count,
                crypto::ElectionPolynomial::from_coefficients(one.polynomial().coefficients())
                    .value(),
                crypto::Ed25519SigningKey::from_seed(one.identity().seed()).value(),
                crypto::BoxKeyPair::from_secret_key(one.box_keys().secret_key()).value(), a);
        };
        QVERIFY(restore(c.announcement(1)).ok());
        crypto::GuardianAnnouncement other_box = c.announcement(1);
        other_box.box_key = c.announcement(2).box_key;
        auto box = restore(other_box);
        QVERIFY(!box.ok());
        QVERIFY2(box.error().message.find("box key") != std::string::npos,
                 box.error().message.c_str());
        crypto::GuardianAnnouncement other_commitment = c.announcement(1);
        other_commitment.commitments.commitments[1] = c.announcement(2).commitments.commitments[1];
        auto commitment = restore(other_commitment);
        QVERIFY(!commitment.ok());
        QVERIFY2(commitment.error().message.find("commitment 1") != std::string::npos,
                 commitment.error().message.c_str());
        crypto::GuardianAnnouncement outside = c.announcement(1);
        outside.index = guardian_count + 1;
        QVERIFY(!restore(outside).ok());
    }

    void secrets_of_the_wrong_shape_are_refused() {
        QVERIFY(!crypto::BoxKeyPair::from_secret_key(Bytes(31)).ok());
        QVERIFY(!crypto::ElectionPolynomial::from_coefficients({}).ok());
        auto& c = ceremony();
        QTemporaryDir dir;
        const Bytes announcement = encode_guardian_announcement(c.announcement(1));
        // The state's lines name guardian 2, the secrets are guardian 1's.
        const GuardianStateInfo info{"maplewood",     2,
                                     guardian_count,  threshold,
                                     c.ceremony_hash, crypto::sha256(announcement)};
        auto written = write_guardian_state_file(dir.filePath("s").toStdString(), info,
                                                 c.guardians[0], passphrase);
        QVERIFY(!written.ok());
        QVERIFY2(written.error().message.find("does not match") != std::string::npos,
                 written.error().message.c_str());
    }

    void resolution_answering_another_complaint_is_refused() {
        auto& c = ceremony();
        // Guardian 1 reveals its share for guardian 3, not the one guardian 2 complained about.
        const ShareResolution elsewhere =
            sign_share_resolution(c.ceremony_hash, 1, 3, c.guardians[0].polynomial().evaluate(3),
                                  c.guardians[0].identity());
        auto out = judge_complaint(c.ceremony_hash, c.complaint(), elsewhere, c.announcement(2),
                                   c.announcement(1));
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, ErrorCode::invalid_argument);
        // A complaint judged against the wrong accuser is refused too.
        auto wrong = verify_share_complaint(c.ceremony_hash, c.complaint(), c.announcement(3),
                                            c.announcement(1));
        QVERIFY(!wrong.ok());
    }

    void restoring_with_another_guardians_announcement_is_refused() {
        auto& c = ceremony();
        const crypto::Guardian& one = c.guardians[0];
        auto restored = crypto::Guardian::restore(
            c.ceremony_hash, guardian_count,
            crypto::ElectionPolynomial::from_coefficients(one.polynomial().coefficients()).value(),
            crypto::Ed25519SigningKey::from_seed(one.identity().seed()).value(),
            crypto::BoxKeyPair::from_secret_key(one.box_keys().secret_key()).value(),
            c.announcement(2));
        QVERIFY(!restored.ok());
        QVERIFY2(restored.error().message.find("identity key") != std::string::npos,
                 restored.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestCeremonyExchange)
#include "tst_ceremony_exchange.moc"
