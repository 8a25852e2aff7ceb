// Ceremony records (docs/encoding.md §8–§10): real guardian announcements, sealed shares and
// decryption shares round-trip byte for byte; every truncation, a trailing byte, another record
// type or version fail with the record's name and byte offset; and every single changed byte
// either fails decoding or makes the record fail its verifier.
#include <QTest>

#include <functional>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/ceremony_records.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
constexpr std::uint32_t guardian_count = 3;
constexpr std::uint32_t threshold = 2;

// Three guardians after an honest ceremony, a ciphertext under their joint key and guardian 2's
// decryption share of it.
struct Ceremony {
    Hash32 ceremony_hash =
        crypto::sha256(as_bytes(std::string_view("tst_ceremony_records ceremony")));
    Hash32 base_hash = crypto::sha256(as_bytes(std::string_view("tst_ceremony_records base")));
    std::vector<crypto::Guardian> guardians;
    std::vector<crypto::CoefficientCommitments> commitments;
    crypto::SealedShare share_1_to_2;
    crypto::Ciphertext ciphertext;
    crypto::Point public_share_2;
    crypto::DecryptionShare decryption_share_2;

    Ceremony() {
        for (std::uint32_t i = 1; i <= guardian_count; ++i) {
            guardians.push_back(
                crypto::Guardian::create(ceremony_hash, i, guardian_count, threshold));
            commitments.push_back(guardians.back().announcement().commitments);
        }
        share_1_to_2 = guardians[0].share_for(guardians[1].announcement());
        for (auto& recipient : guardians) {
            for (const auto& sender : guardians) {
                if (sender.index() == recipient.index()) continue;
                auto ok = recipient.receive_share(sender.announcement(),
                                                  sender.share_for(recipient.announcement()));
                if (!ok) qFatal("honest share rejected: %s", ok.error().message.c_str());
            }
        }
        const crypto::GuardianSecretShare secret = guardians[1].finish().value();
        ciphertext = crypto::encrypt_message(1, crypto::Scalar::random(),
                                             crypto::compute_joint_public_key(commitments));
        public_share_2 = crypto::compute_public_share(commitments, 2);
        decryption_share_2 = crypto::compute_decryption_share(base_hash, 2, secret.secret,
                                                              public_share_2, ciphertext);
    }
};

Ceremony& ceremony() {
    static Ceremony c;
    return c;
}

const crypto::GuardianAnnouncement& announcement() {
    return ceremony().guardians[0].announcement();
}

// Decodes and re-encodes; empty if decoding failed.
using Codec = std::function<Result<Bytes>(ByteSpan)>;

template <typename T>
Codec codec(Result<T> (*decode)(ByteSpan), Bytes (*encode)(const T&)) {
    return [=](ByteSpan data) -> Result<Bytes> {
        auto decoded = decode(data);
        if (!decoded) return decoded.error();
        return encode(decoded.value());
    };
}

struct RecordCase {
    const char* name;
    RecordType type;
    Bytes encoding;
    Codec round_trip;
};

std::vector<RecordCase> record_cases() {
    return {
        {"guardian announcement", RecordType::guardian_announcement,
         encode_guardian_announcement(announcement()),
         codec(&decode_guardian_announcement, &encode_guardian_announcement)},
        {"sealed share", RecordType::sealed_share, encode_sealed_share(ceremony().share_1_to_2),
         codec(&decode_sealed_share, &encode_sealed_share)},
        {"decryption share", RecordType::decryption_share,
         encode_decryption_share(ceremony().decryption_share_2),
         codec(&decode_decryption_share, &encode_decryption_share)},
    };
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}
}  // namespace

class TestCeremonyRecords : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { crypto::initialize(); }

    void records_round_trip_byte_for_byte() {
        for (const auto& c : record_cases()) {
            QCOMPARE(c.encoding[0], static_cast<std::uint8_t>(c.type));
            QCOMPARE(c.encoding[1], std::uint8_t{1});
            auto again = c.round_trip(c.encoding);
            QVERIFY2(again.ok(), again.ok() ? c.name : again.error().message.c_str());
            QVERIFY2(again.value() == c.encoding, c.name);
        }
    }

    void decoded_records_keep_every_field() {
        const auto& a = announcement();
        const auto decoded = decode_guardian_announcement(encode_guardian_announcement(a)).value();
        QCOMPARE(decoded.index, a.index);
        QVERIFY(decoded.identity_key == a.identity_key);
        QVERIFY(decoded.box_key == a.box_key);
        QCOMPARE(decoded.commitments.guardian_index, a.index);
        QVERIFY(decoded.commitments.commitments == a.commitments.commitments);
        QVERIFY(decoded.commitments.proofs == a.commitments.proofs);
        QVERIFY(decoded.signature == a.signature);
        QCOMPARE(encode_guardian_announcement(a).size(),
                 std::size_t{2 + 4 + 32 + 32 + 4 + threshold * 96 + 64});
        QVERIFY(crypto::verify_announcement(ceremony().ceremony_hash, decoded, threshold).ok());

        const auto& s = ceremony().share_1_to_2;
        const auto share = decode_sealed_share(encode_sealed_share(s)).value();
        QCOMPARE(share.sender, s.sender);
        QCOMPARE(share.recipient, s.recipient);
        QVERIFY(share.sealed == s.sealed);
        QVERIFY(share.signature == s.signature);

        const auto& d = ceremony().decryption_share_2;
        const auto dshare = decode_decryption_share(encode_decryption_share(d)).value();
        QCOMPARE(dshare.guardian_index, d.guardian_index);
        QVERIFY(dshare.partial == d.partial);
        QVERIFY(dshare.proof == d.proof);
        QCOMPARE(encode_decryption_share(d).size(), std::size_t{2 + 4 + 32 + 64});
    }

    void rejects_every_truncation() {
        for (const auto& c : record_cases()) {
            for (std::size_t n = 0; n < c.encoding.size(); ++n) {
                auto r = c.round_trip(ByteSpan(c.encoding).first(n));
                QVERIFY2(!r.ok(), c.name);
                QCOMPARE(r.error().code, ErrorCode::invalid_encoding);
                QVERIFY2(starts_with(r.error().message, std::string(c.name) + " at byte "),
                         r.error().message.c_str());
            }
        }
    }

    void rejects_a_trailing_byte() {
        for (const auto& c : record_cases()) {
            Bytes longer = c.encoding;
            longer.push_back(0);
            auto r = c.round_trip(longer);
            QVERIFY2(!r.ok(), c.name);
            QVERIFY2(
                starts_with(r.error().message, std::string(c.name) + " at byte " +
                                                   std::to_string(c.encoding.size()) + ": end"),
                r.error().message.c_str());
            QVERIFY2(r.error().message.find("trailing") != std::string::npos,
                     r.error().message.c_str());
        }
    }

    void rejects_another_record_type_or_version() {
        for (const auto& c : record_cases()) {
            for (std::uint8_t type = 0; type < 8; ++type) {
                if (type == static_cast<std::uint8_t>(c.type)) continue;
                Bytes other = c.encoding;
                other[0] = type;
                auto r = c.round_trip(other);
                QVERIFY2(!r.ok(), c.name);
                QVERIFY2(
                    starts_with(r.error().message, std::string(c.name) + " at byte 0: record type"),
                    r.error().message.c_str());
            }
            for (const int version : {0, 2, 255}) {
                Bytes other = c.encoding;
                other[1] = static_cast<std::uint8_t>(version);
                auto r = c.round_trip(other);
                QVERIFY2(!r.ok(), c.name);
                QVERIFY2(
                    starts_with(r.error().message, std::string(c.name) + " at byte 1: version"),
                    r.error().message.c_str());
            }
        }
    }

    void rejects_out_of_range_guardian_indices_and_limits() {
        Bytes a = encode_guardian_announcement(announcement());
        a[2] = a[3] = a[4] = a[5] = 0;  // index 0
        auto r = decode_guardian_announcement(a);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message.rfind("guardian announcement at byte 2: guardian index", 0),
                 std::size_t{0});

        Bytes many = encode_guardian_announcement(announcement());
        many[2 + 4 + 64 + 2] = 1;  // commitment count 256 + 2
        r = decode_guardian_announcement(many);
        QVERIFY(!r.ok());
        QVERIFY2(
            r.error().message.find("at byte 70: commitments: count 258 is over the limit 255") !=
                std::string::npos,
            r.error().message.c_str());

        Bytes s = encode_sealed_share(ceremony().share_1_to_2);
        s[6] = 1;  // recipient 2^24 + 2
        auto rs = decode_sealed_share(s);
        QVERIFY(!rs.ok());
        QCOMPARE(rs.error().message.rfind("sealed share at byte 6: recipient", 0), std::size_t{0});

        crypto::SealedShare big = ceremony().share_1_to_2;
        big.sealed.resize(max_sealed_share_size);
        QVERIFY(decode_sealed_share(encode_sealed_share(big)).ok());
        big.sealed.push_back(0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_sealed_share(big));

        crypto::GuardianAnnouncement mislabelled = announcement();
        mislabelled.commitments.guardian_index = 2;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_guardian_announcement(mislabelled));
    }

    void rejects_non_canonical_scalars_with_their_offset() {
        Bytes d = encode_decryption_share(ceremony().decryption_share_2);
        std::fill(d.begin() + 2 + 4 + 32 + 32, d.end(), 0xff);  // response = 2^256 − 1
        auto r = decode_decryption_share(d);
        QVERIFY(!r.ok());
        QVERIFY2(starts_with(r.error().message, "decryption share at byte 70: proof response: "),
                 r.error().message.c_str());
    }

    void every_changed_announcement_byte_fails_decoding_or_verification() {
        const Bytes good = encode_guardian_announcement(announcement());
        int decode_failures = 0;
        for (std::size_t i = 0; i < good.size(); ++i) {
            for (const int mask : {0x01, 0x80}) {
                Bytes bad = good;
                bad[i] = static_cast<std::uint8_t>(bad[i] ^ mask);
                auto decoded = decode_guardian_announcement(bad);
                if (!decoded) {
                    ++decode_failures;
                    continue;
                }
                QVERIFY2(!crypto::verify_announcement(ceremony().ceremony_hash, decoded.value(),
                                                      threshold)
                              .ok(),
                         ("byte " + std::to_string(i)).c_str());
            }
        }
        QVERIFY(decode_failures > 0);
    }

    void every_changed_sealed_share_byte_fails_decoding_or_opening() {
        const Bytes good = encode_sealed_share(ceremony().share_1_to_2);
        const auto& sender = ceremony().guardians[0].announcement();
        auto& recipient = ceremony().guardians[1];
        for (std::size_t i = 0; i < good.size(); ++i) {
            for (const int mask : {0x01, 0x80}) {
                Bytes bad = good;
                bad[i] = static_cast<std::uint8_t>(bad[i] ^ mask);
                auto decoded = decode_sealed_share(bad);
                if (!decoded) continue;
                QVERIFY2(!recipient.receive_share(sender, decoded.value()).ok(),
                         ("byte " + std::to_string(i)).c_str());
            }
        }
        // The untouched record is still accepted.
        QVERIFY(recipient.receive_share(sender, decode_sealed_share(good).value()).ok());
    }

    void every_changed_decryption_share_byte_fails_decoding_or_verification() {
        const auto& c = ceremony();
        const Bytes good = encode_decryption_share(c.decryption_share_2);
        QVERIFY(crypto::verify_decryption_share(c.base_hash, c.public_share_2, c.ciphertext,
                                                decode_decryption_share(good).value())
                    .ok());
        for (std::size_t i = 0; i < good.size(); ++i) {
            for (const int mask : {0x01, 0x80}) {
                Bytes bad = good;
                bad[i] = static_cast<std::uint8_t>(bad[i] ^ mask);
                auto decoded = decode_decryption_share(bad);
                if (!decoded) continue;
                QVERIFY2(!crypto::verify_decryption_share(c.base_hash, c.public_share_2,
                                                          c.ciphertext, decoded.value())
                              .ok(),
                         ("byte " + std::to_string(i)).c_str());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCeremonyRecords)
#include "tst_ceremony_records.moc"
