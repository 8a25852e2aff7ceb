// Threshold key ceremony (5 guardians, threshold 3) and threshold decryption: all five, every
// subset of three, and two (must fail); bad shares are caught and attributed to their sender.
#include <QTest>

#include <vector>

#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/guardian.hpp"
#include "psephos/crypto/threshold_decryption.hpp"

using namespace psephos;
using namespace psephos::crypto;

namespace {
constexpr std::uint32_t n = 5;
constexpr std::uint32_t k = 3;

Hash32 hash_of(std::uint8_t fill) {
    Hash32 h;
    h.bytes.fill(fill);
    return h;
}

struct Ceremony {
    Hash32 ceremony_hash = hash_of(0xc3);
    std::vector<Guardian> guardians;
    std::vector<GuardianAnnouncement> announcements;
    std::vector<CoefficientCommitments> commitments;
    std::vector<GuardianSecretShare> secrets;
    Point joint_key;

    Ceremony() {
        for (std::uint32_t i = 1; i <= n; ++i)
            guardians.push_back(Guardian::create(ceremony_hash, i, n, k));
        for (const auto& g : guardians) {
            announcements.push_back(g.announcement());
            commitments.push_back(g.announcement().commitments);
        }
        for (auto& recipient : guardians) {
            for (const auto& sender : guardians) {
                if (sender.index() == recipient.index()) continue;
                auto ok =
                    recipient.receive_share(announcements[sender.index() - 1],
                                            sender.share_for(announcements[recipient.index() - 1]));
                if (!ok) qFatal("honest share rejected: %s", ok.error().message.c_str());
            }
        }
        for (const auto& g : guardians) secrets.push_back(g.finish().value());
        joint_key = compute_joint_public_key(commitments);
    }

    Point public_share(std::uint32_t index) const {
        return compute_public_share(commitments, index);
    }
};

std::vector<std::vector<std::uint32_t>> subsets_of_size(std::uint32_t size) {
    std::vector<std::vector<std::uint32_t>> out;
    for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
        if (static_cast<std::uint32_t>(__builtin_popcount(mask)) != size) continue;
        std::vector<std::uint32_t> s;
        for (std::uint32_t i = 0; i < n; ++i)
            if (mask & (1u << i)) s.push_back(i + 1);
        out.push_back(s);
    }
    return out;
}
}  // namespace

class TestKeyCeremony : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { ceremony_ = std::make_unique<Ceremony>(); }

    void announcements_verify() {
        for (const auto& a : ceremony_->announcements) {
            auto ok = verify_announcement(ceremony_->ceremony_hash, a, k);
            QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        }
    }

    void public_shares_match_secret_shares() {
        for (const auto& s : ceremony_->secrets) {
            QCOMPARE(Point::multiply_base(s.secret), ceremony_->public_share(s.index));
        }
    }

    void decrypts_with_any_subset_of_three_or_more_data() {
        QTest::addColumn<std::vector<std::uint32_t>>("present");
        for (std::uint32_t size : {3u, 4u, 5u}) {
            for (const auto& s : subsets_of_size(size)) {
                std::string name = "guardians";
                for (auto i : s) name += " " + std::to_string(i);
                QTest::newRow(name.c_str()) << s;
            }
        }
    }
    void decrypts_with_any_subset_of_three_or_more() {
        QFETCH(std::vector<std::uint32_t>, present);
        const Hash32 base = hash_of(0xba);
        const Ciphertext tally =
            add_ciphertexts(encrypt_message(40, Scalar::random(), ceremony_->joint_key),
                            encrypt_message(2, Scalar::random(), ceremony_->joint_key));
        std::vector<DecryptionShare> shares;
        for (auto i : present) {
            const auto& s = ceremony_->secrets[i - 1];
            shares.push_back(
                compute_decryption_share(base, i, s.secret, ceremony_->public_share(i), tally));
            QVERIFY(verify_decryption_share(base, ceremony_->public_share(i), tally, shares.back())
                        .ok());
        }
        auto m_g = combine_decryption_shares(tally, shares, k);
        QVERIFY(m_g.ok());
        QCOMPARE(DiscreteLogTable(1000).solve(m_g.value()).value(), std::uint64_t{42});
    }

    void fails_with_two_guardians() {
        const Hash32 base = hash_of(0xba);
        const Ciphertext c = encrypt_message(7, Scalar::random(), ceremony_->joint_key);
        for (const auto& pair : subsets_of_size(2)) {
            std::vector<DecryptionShare> shares;
            for (auto i : pair) {
                shares.push_back(compute_decryption_share(base, i, ceremony_->secrets[i - 1].secret,
                                                          ceremony_->public_share(i), c));
            }
            auto refused = combine_decryption_shares(c, shares, k);
            QVERIFY(!refused.ok());
            // Interpolating two shares anyway (threshold ignored) gives garbage, not 7·G.
            auto garbage = combine_decryption_shares(c, shares, 2);
            QVERIFY(garbage.ok());
            QVERIFY(garbage.value() != Point::multiply_base(Scalar::from_uint64(7)));
        }
    }

    void rejects_and_attributes_bad_decryption_share() {
        const Hash32 base = hash_of(0xba);
        const Ciphertext c = encrypt_message(1, Scalar::random(), ceremony_->joint_key);
        auto share = compute_decryption_share(base, 4, ceremony_->secrets[3].secret,
                                              ceremony_->public_share(4), c);
        share.partial = share.partial + Point::generator();
        auto ok = verify_decryption_share(base, ceremony_->public_share(4), c, share);
        QVERIFY(!ok.ok());
        QVERIFY(ok.error().message.find("guardian 4") != std::string::npos);
        // Guardian 2's honest share does not verify as guardian 3's.
        auto honest = compute_decryption_share(base, 2, ceremony_->secrets[1].secret,
                                               ceremony_->public_share(2), c);
        QVERIFY(!verify_decryption_share(base, ceremony_->public_share(3), c, honest).ok());
    }

    void catches_and_attributes_a_bad_share() {
        const Hash32 h = hash_of(0x11);
        auto g1 = Guardian::create(h, 1, 3, 2), g2 = Guardian::create(h, 2, 3, 2);
        // Guardian 2 sends guardian 1 a share of a different polynomial, sealed and signed
        // properly.
        auto rogue = ElectionPolynomial::random(2).evaluate(1);
        SealedShare bad;
        bad.sender = 2;
        bad.recipient = 1;
        bad.sealed = seal_to(g1.announcement().box_key, rogue.bytes());
        bad.signature = g2.identity().sign(bad.signed_bytes(h));
        auto refused = g1.receive_share(g2.announcement(), bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::share_mismatch);
        QVERIFY(refused.error().message.find("guardian 2's share for guardian 1") !=
                std::string::npos);
        QVERIFY(!g1.finish().ok());  // nothing was kept

        // The complaint: revealing the bad share convicts guardian 2; the honest one clears it.
        const ShareComplaint complaint{1, 2, bad};
        QCOMPARE(resolve_complaint(h, g2.announcement(), complaint, rogue).error().code,
                 ErrorCode::share_mismatch);
        const SealedShare honest = g2.share_for(g1.announcement());
        auto honest_value = g1.receive_share(g2.announcement(), honest);
        QVERIFY(honest_value.ok());
        // A forged complaint (evidence not signed by the accused) is refused.
        SealedShare forged = bad;
        forged.signature = g1.identity().sign(forged.signed_bytes(h));
        QVERIFY(!resolve_complaint(h, g2.announcement(), ShareComplaint{1, 2, forged}, rogue).ok());
    }

    void rejects_share_with_bad_signature_or_address() {
        const Hash32 h = hash_of(0x22);
        auto g1 = Guardian::create(h, 1, 2, 2), g2 = Guardian::create(h, 2, 2, 2);
        SealedShare share = g2.share_for(g1.announcement());
        SealedShare flipped = share;
        flipped.sealed[5] ^= 0x01;
        QCOMPARE(g1.receive_share(g2.announcement(), flipped).error().code,
                 ErrorCode::verification_failed);
        SealedShare misaddressed = share;
        misaddressed.recipient = 2;
        QVERIFY(!g1.receive_share(g2.announcement(), misaddressed).ok());
        // Signed correctly but garbage inside: attributable to the sender.
        SealedShare garbage = share;
        garbage.sealed = seal_to(g1.announcement().box_key, Bytes(32, 0xff));
        garbage.signature = g2.identity().sign(garbage.signed_bytes(h));
        QCOMPARE(g1.receive_share(g2.announcement(), garbage).error().code,
                 ErrorCode::share_mismatch);
        QVERIFY(g1.receive_share(g2.announcement(), share).ok());
        QVERIFY(g1.finish().ok());
    }

    void rejects_tampered_announcement() {
        const Hash32 h = ceremony_->ceremony_hash;
        GuardianAnnouncement a = ceremony_->announcements[2];
        a.commitments.commitments[1] = a.commitments.commitments[1] + Point::generator();
        QVERIFY(!verify_announcement(h, a, k).ok());
        GuardianAnnouncement b = ceremony_->announcements[2];
        b.signature.bytes[0] ^= 1;
        QVERIFY(!verify_announcement(h, b, k).ok());
        // Guardian 3's commitments replayed as guardian 4's: the proofs bind the index.
        CoefficientCommitments replay = ceremony_->commitments[2];
        replay.guardian_index = 4;
        QVERIFY(!verify_coefficient_commitments(h, replay, k).ok());
        // Another ceremony.
        QVERIFY(!verify_coefficient_commitments(hash_of(0x01), ceremony_->commitments[2], k).ok());
        QVERIFY(!verify_coefficient_commitments(h, ceremony_->commitments[2], k + 1).ok());
    }

    void lagrange_rejects_bad_sets() {
        const std::vector<std::uint32_t> dup{1, 2, 2};
        QVERIFY(!lagrange_coefficient_at_zero(1, dup).ok());
        const std::vector<std::uint32_t> missing{2, 3};
        QVERIFY(!lagrange_coefficient_at_zero(1, missing).ok());
        const std::vector<std::uint32_t> zero{0, 1};
        QVERIFY(!lagrange_coefficient_at_zero(1, zero).ok());
    }

private:
    std::unique_ptr<Ceremony> ceremony_;
};

QTEST_APPLESS_MAIN(TestKeyCeremony)
#include "tst_key_ceremony.moc"
