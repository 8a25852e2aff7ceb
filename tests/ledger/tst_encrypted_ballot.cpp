// Encrypted ballots: every contest type verifies (full, under- and blank votes); overvotes cannot
// be encrypted and forged ones fail; another election, another district's style and any changed
// byte fail; the encoding round-trips and rejects truncation; tracking codes chain; Benaloh
// challenges open to exactly their marks and a tampered reveal fails.
#include <QTest>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "psephos/crypto/group_op_counter.hpp"
#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "test_election.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
const election::LocalKeyCeremony& ceremony() {
    static const election::LocalKeyCeremony e = test::finalize(test::small_manifest());
    return e;
}
const crypto::Ed25519SigningKey& device_key() {
    static const auto key = crypto::Ed25519SigningKey::generate();
    return key;
}

BallotRequest request(const std::string& id, const std::string& district = "d1") {
    return {id, "kiosk-1", district, 1'700'000'123,
            initial_tracking_code(ceremony().election.base_hash, "kiosk-1")};
}

PreparedBallot encrypt(const BallotMarks& marks, const std::string& id = "b1",
                       const std::string& district = "d1") {
    auto prepared = encrypt_ballot(ceremony().election, request(id, district), marks, device_key());
    if (!prepared) qFatal("encrypt_ballot: %s", prepared.error().message.c_str());
    return std::move(prepared).value();
}

Status verify(const EncryptedBallot& b) {
    return verify_ballot(ceremony().election, device_key().public_key(), b);
}

// Decodes then verifies: what a verifier does with bytes it was given.
bool accepts_bytes(const Bytes& bytes) {
    auto decoded = decode_ballot(bytes);
    return decoded.ok() && verify(decoded.value()).ok();
}
}  // namespace

class TestEncryptedBallot : public QObject {
    Q_OBJECT
private slots:
    void valid_ballots_verify_for_every_contest_type_data() {
        QTest::addColumn<QString>("district");
        QTest::addColumn<QStringList>("mayor");
        QTest::addColumn<QStringList>("council");
        QTest::addColumn<QStringList>("measure");
        QTest::newRow("full votes")
            << "d1" << QStringList{"grace"} << QStringList{"emmy", "rozsa"} << QStringList{"yes"};
        QTest::newRow("undervote in vote-for-2")
            << "d1" << QStringList{"ada"} << QStringList{"kurt"} << QStringList{"no"};
        QTest::newRow("blank ballot") << "d1" << QStringList{} << QStringList{} << QStringList{};
        QTest::newRow("other district's style")
            << "d2" << QStringList{"alan"} << QStringList{} << QStringList{"yes"};
    }
    void valid_ballots_verify_for_every_contest_type() {
        QFETCH(QString, district);
        QFETCH(QStringList, mayor);
        QFETCH(QStringList, council);
        QFETCH(QStringList, measure);
        auto to_ids = [](const QStringList& l) {
            std::vector<std::string> out;
            for (const auto& s : l) out.push_back(s.toStdString());
            return out;
        };
        BallotMarks marks{{"mayor", to_ids(mayor)}, {"measure-a", to_ids(measure)}};
        if (district == "d1") marks["council"] = to_ids(council);
        const PreparedBallot p =
            encrypt(marks, "b-" + district.toStdString(), district.toStdString());
        auto ok = verify(p.ballot);
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        QCOMPARE(p.ballot.contests.size(), district == "d1" ? std::size_t{3} : std::size_t{2});
        // The ciphertexts hold exactly the marks (decrypted here with the guardians' shares' sum
        // is overkill: the nonces open them).
        for (std::size_t c = 0; c < p.ballot.contests.size(); ++c)
            for (std::size_t o = 0; o < p.ballot.contests[c].selections.size(); ++o)
                QCOMPARE(crypto::decrypt_with_nonce(p.ballot.contests[c].selections[o].ciphertext,
                                                    p.nonces[c][o], ceremony().election.joint_key),
                         p.marks[c][o] ? crypto::Point::generator() : crypto::Point::identity());
    }

    void refuses_to_encrypt_an_overvote() {
        auto over = encrypt_ballot(ceremony().election, request("b2"),
                                   {{"council", {"emmy", "kurt", "john"}}}, device_key());
        QVERIFY(!over.ok());
        QCOMPARE(over.error().code, ErrorCode::invalid_argument);
        QVERIFY(over.error().message.find("overvote") != std::string::npos);
        // The message names the contest but not the marks.
        QVERIFY(over.error().message.find("emmy") == std::string::npos);
        // A duplicate within the vote-for-2 limit: refused as a duplicate, not as an overvote.
        auto twice = encrypt_ballot(ceremony().election, request("b7"),
                                    {{"council", {"emmy", "emmy"}}}, device_key());
        QVERIFY(!twice.ok());
        QCOMPARE(twice.error().code, ErrorCode::invalid_argument);
        QVERIFY2(twice.error().message.find("an option is marked twice") != std::string::npos,
                 twice.error().message.c_str());
        QVERIFY(twice.error().message.find("emmy") == std::string::npos);
        QVERIFY(!encrypt_ballot(ceremony().election, request("b3"), {{"mayor", {"ada", "ada"}}},
                                device_key())
                     .ok());
        QVERIFY(!encrypt_ballot(ceremony().election, request("b4"), {{"mayor", {"nobody"}}},
                                device_key())
                     .ok());
        QVERIFY(!encrypt_ballot(ceremony().election, request("b5", "d2"), {{"council", {"emmy"}}},
                                device_key())
                     .ok());
        QVERIFY(!encrypt_ballot(ceremony().election, request("b6", "d9"), {}, device_key()).ok());
    }

    void rejects_forged_overvote() {
        // A dishonest kiosk marks two candidates in the vote-for-1 race: each 0/1 proof is honest,
        // but no count proof for a sum of 2 in [0, 1] exists. Try both forgeries: claiming 1, and
        // reusing the count proof of an honest ballot.
        PreparedBallot honest = encrypt({{"mayor", {"ada"}}}, "forged");
        PreparedBallot forged = encrypt({{"mayor", {"ada"}}}, "forged");
        auto& mayor = forged.ballot.contests[0];
        const auto& base = ceremony().election.base_hash;
        const auto& key = ceremony().election.joint_key;
        const crypto::Scalar r = crypto::Scalar::random();
        mayor.selections[1].ciphertext = crypto::encrypt_message(1, r, key);
        mayor.selections[1].proof = crypto::prove_zero_or_one_committed(
                                        base, ballot_proof_context(forged.ballot, "mayor", "grace"),
                                        mayor.selections[1].ciphertext, key, 1, r)
                                        .value();
        crypto::Ciphertext sum = crypto::zero_ciphertext();
        crypto::Scalar sum_nonce;
        for (std::size_t o = 0; o < mayor.selections.size(); ++o) {
            sum = crypto::add_ciphertexts(sum, mayor.selections[o].ciphertext);
            sum_nonce = sum_nonce + (o == 1 ? r : forged.nonces[0][o]);
        }
        mayor.selection_count_proof =
            crypto::prove_range_committed(base, ballot_proof_context(forged.ballot, "mayor", ""),
                                          sum, key, 1, sum_nonce, 1)
                .value();
        forged.ballot.device_signature = device_key().sign(encode_ballot_body(forged.ballot));
        auto claimed = verify(forged.ballot);
        QVERIFY(!claimed.ok());
        QVERIFY2(
            claimed.error().message.find("contest 'mayor': selection count") != std::string::npos,
            claimed.error().message.c_str());
        mayor.selection_count_proof = honest.ballot.contests[0].selection_count_proof;
        forged.ballot.device_signature = device_key().sign(encode_ballot_body(forged.ballot));
        QVERIFY(!verify(forged.ballot).ok());
    }

    void version_3_proofs_are_batched_and_a_bad_one_is_named() {
        PreparedBallot p = encrypt({{"mayor", {"ada"}}, {"council", {"emmy"}}}, "batched");
        QCOMPARE(p.ballot.version, encrypted_ballot_version);
        QCOMPARE(encode_ballot(p.ballot)[1], std::uint8_t{3});
        for (const auto& c : p.ballot.contests) {
            for (const auto& sel : c.selections) QCOMPARE(sel.proof.commitments.size(), 4u);
            QCOMPARE(c.selection_count_proof.commitments.size(),
                     2 * (std::size_t{c.selection_count_proof.limit()} + 1));
        }
        QVERIFY(verify(p.ballot).ok());
        // One option's proof swapped for its neighbour's: each is an honest proof of another
        // statement, so only the batch's fallback can say which option is wrong.
        auto contest_index = [&](const std::string& id) {
            for (std::size_t i = 0; i < p.ballot.contests.size(); ++i)
                if (p.ballot.contests[i].contest_id == id) return i;
            qFatal("no contest %s", id.c_str());
        };
        EncryptedBallot swapped = p.ballot;
        auto& council = swapped.contests[contest_index("council")];
        QVERIFY(council.selections.size() >= 2);
        std::swap(council.selections[0].proof, council.selections[1].proof);
        swapped.device_signature = device_key().sign(encode_ballot_body(swapped));
        auto refused = verify(swapped);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("contest 'council': option '" +
                                              council.selections[0].option_id + "'") !=
                     std::string::npos,
                 refused.error().message.c_str());
        // A commitment replaced by another valid point: the transcript no longer hashes to the
        // challenges.
        EncryptedBallot moved = p.ballot;
        auto& mayor = moved.contests[contest_index("mayor")];
        mayor.selections.back().proof.commitments[1] =
            crypto::Point::multiply_base(crypto::Scalar::random());
        moved.device_signature = device_key().sign(encode_ballot_body(moved));
        auto moved_refused = verify(moved);
        QVERIFY(!moved_refused.ok());
        QVERIFY2(moved_refused.error().message.find("contest 'mayor': option '" +
                                                    mayor.selections.back().option_id + "'") !=
                     std::string::npos,
                 moved_refused.error().message.c_str());
        // A version 3 ballot cannot be encoded without its commitments.
        EncryptedBallot bare = p.ballot;
        bare.contests[0].selection_count_proof.commitments.clear();
        QVERIFY_THROWS_EXCEPTION(std::logic_error, encode_ballot_body(bare));
    }

    void version_2_ballots_still_decode_and_verify_by_the_compact_path() {
        // A record made before version 3 carries compact proofs only: the same ballot without its
        // commitments, encoded as version 2, is 64 bytes a branch shorter and verifies.
        PreparedBallot p = encrypt({{"council", {"emmy", "john"}}}, "older");
        EncryptedBallot v2 = p.ballot;
        v2.version = 2;
        for (auto& c : v2.contests) {
            for (auto& sel : c.selections) sel.proof.commitments.clear();
            c.selection_count_proof.commitments.clear();
        }
        v2.device_signature = device_key().sign(encode_ballot_body(v2));
        const Bytes bytes = encode_ballot(v2);
        QCOMPARE(bytes[1], std::uint8_t{2});
        QVERIFY(bytes.size() < encode_ballot(p.ballot).size());
        auto decoded = decode_ballot(bytes);
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value() == v2);
        QVERIFY(verify(decoded.value()).ok());
        // Its proofs are still checked: a challenge changed is refused, naming the option.
        EncryptedBallot bad = v2;
        bad.contests[0].selections[0].proof.compact.challenges[0] = crypto::Scalar::random();
        bad.device_signature = device_key().sign(encode_ballot_body(bad));
        auto refused = verify(bad);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.find("option '" + bad.contests[0].selections[0].option_id +
                                              "'") != std::string::npos,
                 refused.error().message.c_str());
        // A version 2 header on version 3 bytes (or the reverse) does not decode.
        Bytes relabelled = encode_ballot(p.ballot);
        relabelled[1] = 2;
        QVERIFY(!decode_ballot(relabelled).ok());
        Bytes promoted = bytes;
        promoted[1] = 3;
        QVERIFY(!decode_ballot(promoted).ok());
    }

    void rejects_ballot_of_another_election_or_style() {
        PreparedBallot p = encrypt({{"mayor", {"ada"}}}, "moved");
        EncryptedBallot other_election = p.ballot;
        other_election.election_base_hash.bytes[0] ^= 1;
        other_election.device_signature = device_key().sign(encode_ballot_body(other_election));
        QVERIFY(verify(other_election).error().message.find("another election") !=
                std::string::npos);
        // The same ballot verified against another election (other key and base hash) fails.
        static const election::LocalKeyCeremony other = test::finalize(test::small_manifest());
        QVERIFY(!verify_ballot(other.election, device_key().public_key(), p.ballot).ok());
        EncryptedBallot other_district = p.ballot;
        other_district.district_id = "d2";
        other_district.device_signature = device_key().sign(encode_ballot_body(other_district));
        QVERIFY(verify(other_district).error().message.find("style") != std::string::npos);
        // Another device's signature.
        QVERIFY(!verify_ballot(ceremony().election,
                               crypto::Ed25519SigningKey::generate().public_key(), p.ballot)
                     .ok());
    }

    // Issue 27: the decoder reads a ballot id as text (up to 64 bytes of UTF-8); the ledger's
    // content check holds it to the id syntax, as the record verifier's V19 does. A ballot whose
    // proofs and signature are honest for an id "Ballot 1" (upper case, a space) is refused.
    void rejects_a_ballot_id_that_is_not_an_id() {
        for (const std::string& id :
             std::vector<std::string>{"Ballot 1", "b\xC3\xA9", std::string(65, 'b')}) {
            auto prepared = encrypt_ballot(ceremony().election, request(id), {{"mayor", {"ada"}}},
                                           device_key());
            QVERIFY(prepared.ok());
            const Status status = verify(prepared.value().ballot);
            QVERIFY(!status.ok());
            QVERIFY2(status.error().message.find("ballot id is not an id") != std::string::npos,
                     status.error().message.c_str());
        }
        QVERIFY(verify(encrypt({{"mayor", {"ada"}}}, "b-1-xyz").ballot).ok());
    }

    // Issue 19: a ballot's proofs copied into a ballot of another device, or of another district
    // with the same ballot style, and signed by that device, must not verify: the proof context
    // binds ballot id, device, district and style (docs/encoding.md §4.1). Only the id was bound
    // before, so such a copy verified.
    void proofs_bind_the_device_and_the_district() {
        election::ElectionManifest shared = test::small_manifest();
        shared.districts.push_back({"d3", "North-east"});
        for (auto& style : shared.ballot_styles)
            if (style.id == "north") style.districts.push_back("d3");
        const election::LocalKeyCeremony e = test::finalize(shared);
        const crypto::Ed25519SigningKey other_device = crypto::Ed25519SigningKey::generate();
        auto prepared = encrypt_ballot(e.election,
                                       {"copied", "kiosk-1", "d1", 1'700'000'123,
                                        initial_tracking_code(e.election.base_hash, "kiosk-1")},
                                       {{"mayor", {"ada"}}}, device_key());
        QVERIFY(prepared.ok());
        const EncryptedBallot& original = prepared.value().ballot;
        QVERIFY(verify_ballot(e.election, device_key().public_key(), original).ok());

        const auto refused_by_proofs = [&](EncryptedBallot copy) {
            copy.device_signature = other_device.sign(encode_ballot_body(copy));
            auto result = verify_ballot(e.election, other_device.public_key(), copy);
            QVERIFY(!result.ok());
            QVERIFY2(
                result.error().message.find("contest 'mayor': option 'ada'") != std::string::npos,
                result.error().message.c_str());
        };
        EncryptedBallot other_device_copy = original;
        other_device_copy.device_id = "kiosk-2";
        refused_by_proofs(other_device_copy);
        EncryptedBallot other_district_copy = original;
        other_district_copy.district_id = "d3";  // the same style "north"
        other_district_copy.device_id = "kiosk-3";
        refused_by_proofs(other_district_copy);
        // The context itself differs in each part it binds.
        const Bytes context = ballot_proof_context(original, "mayor", "ada");
        QVERIFY(context != ballot_proof_context(other_device_copy, "mayor", "ada"));
        QVERIFY(context != ballot_proof_context(other_district_copy, "mayor", "ada"));
        EncryptedBallot other_style = original;
        other_style.ballot_style_id = "south";
        QVERIFY(context != ballot_proof_context(other_style, "mayor", "ada"));
    }

    // A version 1 ballot (format v1: proofs bound to the id alone) is refused by its version.
    void refuses_a_version_1_ballot() {
        Bytes bytes = encode_ballot(encrypt({{"mayor", {"ada"}}}, "old").ballot);
        QCOMPARE(bytes[1], encrypted_ballot_version);
        bytes[1] = 1;
        auto decoded = decode_ballot(bytes);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error().message.find("version 1 is not one this build reads") !=
                     std::string::npos,
                 decoded.error().message.c_str());
    }

    // A zero nonce makes α the identity and β = m·G: the mark readable by anyone. A dishonest
    // kiosk could leak votes that way; the ballot is refused before its proofs are looked at.
    void rejects_a_ciphertext_whose_alpha_is_the_identity() {
        PreparedBallot p = encrypt({{"mayor", {"ada"}}}, "leaky");
        EncryptedBallot leaky = p.ballot;
        leaky.contests[0].selections[0].ciphertext.alpha = crypto::Point::identity();
        leaky.device_signature = device_key().sign(encode_ballot_body(leaky));
        auto refused = verify(leaky);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("option 'ada': alpha is the identity") !=
                     std::string::npos,
                 refused.error().message.c_str());
    }

    void rejects_every_flipped_byte() {
        // The smallest style (district d2: 2 contests, 5 options) keeps this exhaustive.
        const PreparedBallot p =
            encrypt({{"mayor", {"alan"}}, {"measure-a", {"no"}}}, "flip", "d2");
        const Bytes bytes = encode_ballot(p.ballot);
        QVERIFY(accepts_bytes(bytes));
        int accepted = 0;
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            Bytes mutated = bytes;
            mutated[i] ^= 0x01;
            if (accepts_bytes(mutated)) ++accepted;
        }
        QCOMPARE(accepted, 0);
    }

    // Without the signature's help: every byte of the contests (ids, ciphertexts, proofs) is
    // changed, the ballot re-signed, and the proofs alone must reject it.
    void proofs_reject_every_flipped_contest_byte_even_when_re_signed() {
        const PreparedBallot p =
            encrypt({{"mayor", {"alan"}}, {"measure-a", {"no"}}}, "resign", "d2");
        const Bytes bytes = encode_ballot(p.ballot);
        EncryptedBallot no_contests = p.ballot;
        no_contests.contests.clear();
        const std::size_t contests_start =
            encode_ballot_body(no_contests).size();  // then the contests
        const std::size_t body_end = bytes.size() - crypto::Ed25519Signature::size;
        int accepted = 0;
        for (std::size_t i = contests_start; i < body_end; ++i) {
            Bytes mutated = bytes;
            mutated[i] ^= 0x01;
            auto decoded = decode_ballot(mutated);
            if (!decoded) continue;
            decoded.value().device_signature =
                device_key().sign(encode_ballot_body(decoded.value()));
            if (verify(decoded.value()).ok()) ++accepted;
        }
        QCOMPARE(accepted, 0);
    }

    void encoding_round_trips_and_rejects_truncation_and_extension() {
        const PreparedBallot p = encrypt({{"council", {"emmy", "john"}}}, "codec");
        const Bytes bytes = encode_ballot(p.ballot);
        auto decoded = decode_ballot(bytes);
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value() == p.ballot);
        QCOMPARE(encode_ballot(decoded.value()), bytes);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            auto truncated = decode_ballot(ByteSpan(bytes).first(n));
            QVERIFY(!truncated.ok());
            QVERIFY(truncated.error().message.rfind("encrypted ballot at byte ", 0) == 0);
        }
        Bytes extended = bytes;
        extended.push_back(0);
        QVERIFY(decode_ballot(extended).error().message.find("trailing") != std::string::npos);
        Bytes wrong_type = bytes;
        wrong_type[0] = static_cast<std::uint8_t>(RecordType::challenged_ballot);
        QVERIFY(!decode_ballot(wrong_type).ok());
        Bytes future_version = bytes;
        future_version[1] = encrypted_ballot_version + 1;
        QVERIFY(decode_ballot(future_version).error().message.find("version") != std::string::npos);
    }

    void tracking_codes_chain_and_differ() {
        Hash32 previous = initial_tracking_code(ceremony().election.base_hash, "kiosk-1");
        QVERIFY(!(previous == initial_tracking_code(ceremony().election.base_hash, "kiosk-2")));
        std::set<std::string> seen;
        for (int i = 0; i < 5; ++i) {
            BallotRequest r = request("chain-" + std::to_string(i));
            r.previous_tracking_code = previous;
            auto p = encrypt_ballot(ceremony().election, r, {}, device_key()).value();
            QCOMPARE(p.tracking_code, next_tracking_code(previous, compute_ballot_hash(p.ballot)));
            const std::string shown = format_tracking_code(p.tracking_code);
            QCOMPARE(shown.size(), std::size_t{39});  // 8 groups of 4, 7 dashes
            QVERIFY(seen.insert(shown).second);
            previous = p.tracking_code;
        }
        Hash32 zero;
        QCOMPARE(format_tracking_code(zero),
                 std::string("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"));
    }

    void printed_tracking_codes_parse_back() {
        Hash32 code;
        for (std::size_t i = 0; i < code.bytes.size(); ++i)
            code.bytes[i] = static_cast<std::uint8_t>(37 * i + 11);
        const std::string shown = format_tracking_code(code);
        auto parsed = parse_tracking_code(shown);
        QVERIFY(parsed.ok());
        QVERIFY(std::equal(parsed.value().begin(), parsed.value().end(), code.bytes.begin()));
        // Lower case, no dashes, spaces: the same 20 bytes.
        std::string typed;
        for (const char c : shown) {
            if (c != '-') typed.push_back(static_cast<char>(std::tolower(c)));
            if (typed.size() % 9 == 8) typed.push_back(' ');
        }
        QVERIFY(parse_tracking_code(typed).value() == parsed.value());
        // A character outside base32 ('1', '8', '0' are not in RFC 4648's alphabet), too few or
        // too many characters: refused, naming the character or the count.
        std::string bad = shown;
        bad[5] = '1';
        QVERIFY(parse_tracking_code(bad).error().message.find("character 6") != std::string::npos);
        QVERIFY(parse_tracking_code(shown.substr(0, 38)).error().message.find("31") !=
                std::string::npos);
        QVERIFY(!parse_tracking_code(shown + "A"));
        QVERIFY(!parse_tracking_code(""));
    }

    void timestamp_is_coarse() {
        const PreparedBallot p = encrypt({}, "time");
        QCOMPARE(p.ballot.timestamp % 3600, std::uint64_t{0});
        QVERIFY(p.ballot.timestamp <= 1'700'000'123 && p.ballot.timestamp + 3600 > 1'700'000'123);
    }

    void challenged_ballot_opens_to_exactly_its_marks() {
        PreparedBallot p =
            encrypt({{"mayor", {"grace"}}, {"council", {"kurt", "rozsa"}}}, "spoiled");
        ChallengedBallot c = challenge_ballot(std::move(p));
        const auto pub = device_key().public_key();
        QVERIFY(verify_challenged_ballot(ceremony().election, pub, c).ok());
        const Bytes bytes = encode_challenged_ballot(c);
        auto decoded = decode_challenged_ballot(bytes);
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value() == c);
        QVERIFY(verify_challenged_ballot(ceremony().election, pub, decoded.value()).ok());

        ChallengedBallot flipped_mark = c;
        flipped_mark.marks[0][1] ^= 1;  // claim grace was not marked
        QVERIFY(!verify_challenged_ballot(ceremony().election, pub, flipped_mark).ok());
        ChallengedBallot other_nonce = c;
        other_nonce.nonces[1][0] = crypto::Scalar::random();
        QVERIFY(!verify_challenged_ballot(ceremony().election, pub, other_nonce).ok());
        ChallengedBallot swapped = c;
        std::swap(swapped.nonces[1][0], swapped.nonces[1][1]);
        QVERIFY(!verify_challenged_ballot(ceremony().election, pub, swapped).ok());
        for (std::size_t n = 0; n < bytes.size(); n += 7)
            QVERIFY(!decode_challenged_ballot(ByteSpan(bytes).first(n)).ok());
    }

    void ballot_from_precomputed_pool_verifies_with_no_online_group_operation() {
        BallotPrecomputationPool pool(ceremony().election, "d1", 2, 1);
        pool.wait_until_available(2);
        auto group_ops = [] {
            const auto c = crypto::current_thread_group_op_counts();
            return c.scalarmult + c.scalarmult_base + c.point_add + c.point_sub + c.point_decode;
        };
        for (const BallotMarks& marks :
             {BallotMarks{{"council", {"kurt", "john"}}, {"mayor", {"ada"}}}, BallotMarks{}}) {
            const auto before = group_ops();
            auto pooled =
                encrypt_ballot(ceremony().election, request("pooled"), marks, device_key(), &pool);
            QCOMPARE(group_ops() - before, std::uint64_t{0});
            QVERIFY(pooled.ok());
            auto ok = verify(pooled.value().ballot);
            QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
            QVERIFY(verify_challenged_ballot(ceremony().election, device_key().public_key(),
                                             challenge_ballot(std::move(pooled).value()))
                        .ok());
        }
        // Overvotes are refused on this path too, and an empty pool falls back to the full path.
        QVERIFY(!encrypt_ballot(ceremony().election, request("over"), {{"mayor", {"ada", "alan"}}},
                                device_key(), &pool)
                     .ok());
        BallotPrecomputationPool empty(ceremony().election, "d1", 0, 0);
        QVERIFY(encrypt_ballot(ceremony().election, request("fallback"), {}, device_key(), &empty)
                    .ok());
        // A pool for another style or another key is refused, not silently used.
        BallotPrecomputationPool other_style(ceremony().election, "d2", 0, 0);
        QVERIFY(!encrypt_ballot(ceremony().election, request("wrong-style"), {}, device_key(),
                                &other_style)
                     .ok());
        static const election::LocalKeyCeremony other = test::finalize(test::small_manifest());
        BallotPrecomputationPool other_key(other.election, "d1", 0, 0);
        QVERIFY(
            !encrypt_ballot(ceremony().election, request("wrong-key"), {}, device_key(), &other_key)
                 .ok());
    }

    void base_hash_binds_manifest_and_key() {
        auto m = ceremony().election.manifest;
        m.contests[0].title.text = "Mayor (changed)";
        // The ceremony no longer matches the changed definition: finalizing refuses it.
        QVERIFY(!make_election_context(m).ok());
        const election::LocalKeyCeremony other = test::finalize(test::small_manifest());
        QVERIFY(!(other.election.base_hash == ceremony().election.base_hash));  // another joint key
    }
};

QTEST_APPLESS_MAIN(TestEncryptedBallot)
#include "tst_encrypted_ballot.moc"
