// The ledger's own records (docs/encoding.md §12–§15): each encodes to the documented example's
// bytes (computed from the layouts in the document, not by this code) and round-trips; every
// truncation, a trailing byte, another record type or version fail with the record's name and
// byte offset; bad ids, unknown enum values, a non-zero zero report, control characters in a name
// and over-long texts fail naming the field; and encoders refuse what would not round-trip.
#include <QTest>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"

using namespace psephos;
using namespace psephos::election;

namespace {
// The examples of docs/encoding.md §12–§15 and their expected encodings. The hex was computed
// with a few lines of Python that follow the layouts in the document (u64 big-endian, text as
// u32 length ‖ bytes, …); the keys are RFC 8032 §7.1's TEST 1 (device) and TEST 2 (district log).
const char* const device_key_hex =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const char* const district_log_verifier_key =
    "psephos/tiny-2026/district/d1+5077415e+AT1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM";

const char* const device_registration_hex =
    "0702000000026431000000076b696f736b2d31d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a"
    "68f707511a000000006b49d2008669f84084e14304cc5e43684fec3e43b417923916b7f17a5341fc3283906e6f79"
    "3d48777d38b21f24a591c2ec09faf1ea52a96c9df3359701b602aea5f86d04";
const char* const device_deauthorisation_hex =
    "1701000000026431000000076b696f736b2d31d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a"
    "68f707511a000000006b49f9100000000f7265706f727465642073746f6c656ef5379b76d413a97afdec5ea94f4d"
    "455c64df6e2db6b188a90cf5b767614c2e0730912b33a92ef468fdba094f56910b06f67b7740005248f1f33093c8"
    "5bcb8104";
const char* const election_approval_hex =
    "1401cb10eeefed92fcd0880b9e8d4441ec4ec49e88d2f39cc21a6e1a396c4aa6c4b7fc51cd8e6218a1a38da47ed0"
    "0230f0580816ed13ba3303ac5deb911548908025e01267b1919a54ec59690accfa6c7f38a7f34b183259e8503441"
    "9afca318d2137b0085edb7c514526d6b0e883552db4f4c9ee67e09380e73815c139914df2c09";
// The election authority of the examples: RFC 8032 §7.1 TEST 3's secret key; the election: the
// worked example of docs/encoding.md §7 (its base hash).
const char* const authority_seed_hex =
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";
const char* const example_base_hash_hex =
    "cb10eeefed92fcd0880b9e8d4441ec4ec49e88d2f39cc21a6e1a396c4aa6c4b7";
const char* const polls_opened_hex =
    "0802000000026431000000006b49c3f0000000000000000000000000000000000000000c477261636520486f7070"
    "6572000000076b696f736b2d310000000041c9a05d7bdc9718c22ef4ecae2b9d4630af2659b213e6c0e913e93c7f"
    "19e8e79dcf10802e808b08d85e23ee706e654dc7c38b988c6886e2eaa0e0be68b57f0e";
const char* const polls_closed_hex =
    "0b02000000026431000000006b4a5ea0000000000000000200000000000000010000000c477261636520486f7070"
    "6572000000076b696f736b2d3100000001000000076b696f736b2d31000000000000000300010203040506070809"
    "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1ffac902a240752e741c544eb4684ff48b03f8f98a251f0bc8"
    "212f22c4f034e2dd44f901f02e72ea29279b3a72721f695974dfa7987572fc193c5661bb9385ca086c93eaf4398b"
    "d2eadb2cafb7f1f09ae4c58ef81907c6c8eab87dff9ed9071e6d8341df09ab5d973105bce854ee0a151ab5f8ecb1"
    "60174c3c3c332fc6fd5f610c";
const char* const district_checkpoint_hex =
    "0c01000000026431000000cd70736570686f732f74696e792d323032362f64697374726963742f64310a310a3733"
    "7665305142776e724b447078396866486b59664134534346626d7a743248373870486d746f4a76706f3d0a0ae280"
    "942070736570686f732f74696e792d323032362f64697374726963742f6431205548644258764d786a6277465633"
    "38687a55675250574b466235706247693948375a6675613738697555726b4777364e7956524b617479684f52466a"
    "53696944685332442b685659487369346b4b47794c4450726366333959416b3d0a";
const char* const ledger_event_0_hex =
    "0d010000000000000000000000006b49b5e000010101000000000000000b70736570686f7320302e310000000000"
    "000000000000000000000000000000000000000000000000000000";
const char* const ledger_event_1_hex =
    "0d010000000000000001000000006b49c3f0000602010000000264310000000c477261636520486f7070657269ae"
    "b7cb03004d85976be1d7082f2596d53f17a11b238a58049ac5454a39cd9d";

Bytes bytes_of_hex(const char* hex) { return from_hex(hex).value(); }

crypto::Ed25519SigningKey example_authority() {
    return crypto::Ed25519SigningKey::from_seed(bytes_of_hex(authority_seed_hex)).value();
}
Hash32 example_base_hash() { return Hash32::from_hex(example_base_hash_hex).value(); }

DeviceRegistration example_registration() {
    DeviceRegistration d;
    d.district_id = "d1";
    d.device_id = "kiosk-1";
    d.device_key = crypto::Ed25519PublicKey::from_bytes(bytes_of_hex(device_key_hex)).value();
    d.time = 1'800'000'000;
    authorise_device(example_base_hash(), d, example_authority());
    return d;
}

DeviceDeauthorisation example_deauthorisation() {
    DeviceDeauthorisation d;
    d.district_id = "d1";
    d.device_id = "kiosk-1";
    d.device_key = crypto::Ed25519PublicKey::from_bytes(bytes_of_hex(device_key_hex)).value();
    d.time = 1'800'010'000;
    d.reason = "reported stolen";
    deauthorise_device(example_base_hash(), d, example_authority());
    return d;
}

// The device of the examples: RFC 8032 §7.1 TEST 1's key (its public key is device_key_hex).
crypto::Ed25519SigningKey example_device() {
    return crypto::Ed25519SigningKey::from_seed(
               bytes_of_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        .value();
}

PollsRecord example_polls_opened() {
    PollsRecord p{
        PollsAction::opened, "d1", 1'799'996'400, 0, 0, "Grace Hopper", "kiosk-1", {}, {}};
    sign_polls_record(example_base_hash(), p, example_device());
    return p;
}

PollsRecord example_polls_closed() {
    Hash32 last;  // the tracking code of kiosk-1's third ballot, say: bytes 00 01 … 1f
    for (std::size_t i = 0; i < last.bytes.size(); ++i)
        last.bytes[i] = static_cast<std::uint8_t>(i);
    PollsRecord p{
        PollsAction::closed,
        "d1",
        1'800'036'000,
        2,
        1,
        "Grace Hopper",
        "kiosk-1",
        {sign_device_head(example_base_hash(), "d1", "kiosk-1", 3, last, example_device())},
        {}};
    sign_polls_record(example_base_hash(), p, example_device());
    return p;
}

// A checkpoint of a one-record district log (the polls-opened example), signed by the district
// log's key as a C2SP note (docs/encoding.md §11).
const std::string example_note =
    "psephos/tiny-2026/district/d1\n1\n73ve0QBwnrKDpx9hfHkYfA4SCFbmzt2H78pHmtoJvpo=\n\n"
    "\xe2\x80\x94 psephos/tiny-2026/district/d1 "
    "UHdBXvMxjbwFV38hzUgRPWKFb5pbGi9H7Zfua78iuUrkGw6NyVRKatyhORFjSiiDhS2D+hVYHsi4kKGyLDPrcf39YAk="
    "\n";

DistrictCheckpointRecord example_checkpoint() { return {"d1", example_note}; }

LedgerEvent example_event_0() {
    return LedgerEvent{0,
                       1'799'992'800,
                       EventType::ledger_started,
                       ActorRole::system,
                       Disposition::success,
                       "",
                       "psephos 0.1",
                       Hash32{}};
}

LedgerEvent example_event_1() {
    return LedgerEvent{1,
                       1'799'996'400,
                       EventType::polls_opened,
                       ActorRole::poll_worker,
                       Disposition::success,
                       "d1",
                       "Grace Hopper",
                       crypto::hash_merkle_leaf(encode_ledger_event(example_event_0()))};
}

// Decodes and re-encodes; an error if decoding failed.
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
    // What a decoder calls the record before it knows the type: the polls decoder takes four
    // types, and a wrong one gets the family's name.
    const char* name_for_wrong_type;
    std::vector<RecordType> accepted_types;
    Bytes encoding;
    const char* expected_hex;
    Codec round_trip;
};

std::vector<RecordCase> record_cases() {
    const std::vector<RecordType> polls_types = {RecordType::polls_opened, RecordType::polls_paused,
                                                 RecordType::polls_resumed,
                                                 RecordType::polls_closed};
    const Codec polls = codec(&decode_polls_record, &encode_polls_record);
    const Codec events = codec(&decode_ledger_event, &encode_ledger_event);
    return {
        {"device registration",
         "device registration",
         {RecordType::device_registration},
         encode_device_registration(example_registration()),
         device_registration_hex,
         codec(&decode_device_registration, &encode_device_registration)},
        {"device deauthorisation",
         "device deauthorisation",
         {RecordType::device_deauthorisation},
         encode_device_deauthorisation(example_deauthorisation()),
         device_deauthorisation_hex,
         codec(&decode_device_deauthorisation, &encode_device_deauthorisation)},
        {"election approval",
         "election approval",
         {RecordType::election_approval},
         encode_election_approval(approve_election(example_base_hash(), example_authority())),
         election_approval_hex,
         codec(&decode_election_approval, &encode_election_approval)},
        {"polls opened", "polls record", polls_types, encode_polls_record(example_polls_opened()),
         polls_opened_hex, polls},
        {"polls closed", "polls record", polls_types, encode_polls_record(example_polls_closed()),
         polls_closed_hex, polls},
        {"district checkpoint",
         "district checkpoint",
         {RecordType::district_checkpoint},
         encode_district_checkpoint(example_checkpoint()),
         district_checkpoint_hex,
         codec(&decode_district_checkpoint, &encode_district_checkpoint)},
        {"ledger event",
         "ledger event",
         {RecordType::ledger_event},
         encode_ledger_event(example_event_0()),
         ledger_event_0_hex,
         events},
        {"ledger event",
         "ledger event",
         {RecordType::ledger_event},
         encode_ledger_event(example_event_1()),
         ledger_event_1_hex,
         events},
    };
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

// The error message if `result` failed, for QVERIFY2.
template <typename T>
std::string message_of(const Result<T>& result) {
    return result.ok() ? std::string("(decoded)") : result.error().message;
}

// Records written field by field, for values the encoders rightly refuse to write.
Bytes device_registration_bytes(std::string_view district, std::string_view device, ByteSpan key) {
    CanonicalWriter w(RecordType::device_registration, 2);
    w.text(district);
    w.text(device);
    w.fixed(key);
    w.u64(1'800'000'000);
    w.fixed(Bytes(64, 0));  // the authority's signature (not checked by the decoder)
    return w.take();
}

Bytes polls_bytes(RecordType type, std::string_view district, std::uint64_t cast,
                  std::uint64_t challenged, std::string_view actor) {
    CanonicalWriter w(type, polls_record_version);
    w.text(district);
    w.u64(1'800'000'000);
    w.u64(cast);
    w.u64(challenged);
    w.text(actor);
    w.text("kiosk-1");
    if (type == RecordType::polls_closed) {  // one head (its signature is not checked here)
        w.count(1);
        w.text("kiosk-1");
        w.u64(cast + challenged);
        w.fixed(Bytes(32, 0x11));
        w.fixed(Bytes(64, 0));
    } else {
        w.count(0);
    }
    w.fixed(Bytes(64, 0));  // the device's signature
    return w.take();
}

Bytes checkpoint_bytes(std::string_view district, std::string_view note) {
    CanonicalWriter w(RecordType::district_checkpoint, 1);
    w.text(district);
    w.text(note);
    return w.take();
}

Bytes event_bytes(std::uint16_t type, std::uint8_t actor, std::uint8_t disposition,
                  std::string_view district, std::string_view subject) {
    CanonicalWriter w(RecordType::ledger_event, 1);
    w.u64(7);
    w.u64(1'800'000'000);
    w.u8(static_cast<std::uint8_t>(type >> 8));
    w.u8(static_cast<std::uint8_t>(type & 0xFF));
    w.u8(actor);
    w.u8(disposition);
    w.text(district);
    w.text(subject);
    w.hash(Hash32{});
    return w.take();
}

}  // namespace

// Checks that `result` failed with a message starting with `prefix` (record, offset, field).
#define QVERIFY_REJECTED(result, prefix)                                               \
    do {                                                                               \
        const auto& r_ = (result);                                                     \
        QVERIFY2(!r_.ok(), prefix);                                                    \
        QCOMPARE(r_.error().code, ErrorCode::invalid_encoding);                        \
        QVERIFY2(starts_with(r_.error().message, prefix), r_.error().message.c_str()); \
    } while (false)

class TestLedgerRecords : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { crypto::initialize(); }

    void encodings_match_the_documented_examples() {
        for (const auto& c : record_cases()) {
            QVERIFY2(to_hex(c.encoding) == c.expected_hex,
                     (std::string(c.name) + ": " + to_hex(c.encoding)).c_str());
        }
    }

    void records_round_trip_byte_for_byte() {
        for (const auto& c : record_cases()) {
            // Version 2 of the device registration carries the authority's signature, of the
            // polls records the device's.
            const bool v2 = c.accepted_types[0] == RecordType::device_registration ||
                            c.accepted_types[0] == RecordType::polls_opened;
            QCOMPARE(c.encoding[1], std::uint8_t(v2 ? 2 : 1));
            auto again = c.round_trip(c.encoding);
            QVERIFY2(again.ok(), message_of(again).c_str());
            QVERIFY2(again.value() == c.encoding, c.name);
        }
    }

    void decoded_records_keep_every_field() {
        QVERIFY(decode_device_registration(encode_device_registration(example_registration()))
                    .value() == example_registration());
        for (const PollsAction action : {PollsAction::opened, PollsAction::paused,
                                         PollsAction::resumed, PollsAction::closed}) {
            PollsRecord p =
                action == PollsAction::closed ? example_polls_closed() : example_polls_opened();
            p.action = action;
            if (action != PollsAction::opened) p.ballots_cast = 2;
            p.actor = action == PollsAction::paused ? "" : p.actor;  // the actor may be empty
            const Bytes encoded = encode_polls_record(p);
            QCOMPARE(encoded[0], static_cast<std::uint8_t>(record_type_of(action)));
            QVERIFY(decode_polls_record(encoded).value() == p);
        }
        QVERIFY(
            decode_district_checkpoint(encode_district_checkpoint(example_checkpoint())).value() ==
            example_checkpoint());
        QVERIFY(decode_ledger_event(encode_ledger_event(example_event_1())).value() ==
                example_event_1());
    }

    // The examples in the document are meant to be genuine: the checkpoint verifies under the
    // district log's key and commits to the polls-opened record, and the events chain.
    void documented_examples_are_consistent() {
        const auto verifier = NoteVerifierKey::parse(district_log_verifier_key).value();
        const auto text = open_note(example_note, verifier);
        QVERIFY2(text.ok(), message_of(text).c_str());
        const auto checkpoint = Checkpoint::parse(text.value()).value();
        QCOMPARE(checkpoint.origin, std::string("psephos/tiny-2026/district/d1"));
        QCOMPARE(checkpoint.size, std::uint64_t{1});
        QVERIFY(checkpoint.root == crypto::hash_merkle_leaf(bytes_of_hex(polls_opened_hex)));

        QVERIFY(example_event_1().previous_event_hash ==
                crypto::hash_merkle_leaf(bytes_of_hex(ledger_event_0_hex)));
        QCOMPARE(example_event_1().previous_event_hash.to_hex(),
                 std::string("69aeb7cb03004d85976be1d7082f2596d53f17a11b238a58049ac5454a39cd9d"));
    }

    void rejects_every_truncation() {
        for (const auto& c : record_cases()) {
            for (std::size_t n = 0; n < c.encoding.size(); ++n) {
                auto r = c.round_trip(ByteSpan(c.encoding).first(n));
                QVERIFY2(!r.ok(), c.name);
                QCOMPARE(r.error().code, ErrorCode::invalid_encoding);
                // Without its type byte, a polls record cannot say which of the four it is.
                const std::string name = n == 0 ? c.name_for_wrong_type : c.name;
                QVERIFY2(starts_with(r.error().message, name + " at byte "),
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
            for (int type = 0; type < 256; ++type) {
                const bool accepted =
                    std::find(c.accepted_types.begin(), c.accepted_types.end(),
                              static_cast<RecordType>(type)) != c.accepted_types.end();
                if (accepted) continue;
                Bytes other = c.encoding;
                other[0] = static_cast<std::uint8_t>(type);
                auto r = c.round_trip(other);
                QVERIFY2(!r.ok(), c.name);
                QVERIFY2(starts_with(r.error().message, std::string(c.name_for_wrong_type) +
                                                            " at byte 0: record type"),
                         r.error().message.c_str());
            }
            for (const int version : {0, 1, 2, 3, 255}) {
                if (version == c.encoding[1]) continue;
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

    // Polls records share one layout and the type byte says what happened; only the closing
    // record carries device heads, and it must carry them.
    void polls_action_is_the_record_type() {
        Bytes paused = encode_polls_record(example_polls_opened());
        paused[0] = static_cast<std::uint8_t>(RecordType::polls_paused);
        const auto decoded = decode_polls_record(paused);
        QVERIFY2(decoded.ok(), message_of(decoded).c_str());
        QCOMPARE(decoded.value().action, PollsAction::paused);
        Bytes closed_without_heads = paused;
        closed_without_heads[0] = static_cast<std::uint8_t>(RecordType::polls_closed);
        QVERIFY_REJECTED(
            decode_polls_record(closed_without_heads),
            "polls closed at byte 63: device heads: none (every registered device's head "
            "is required)");
        Bytes paused_with_heads = encode_polls_record(example_polls_closed());
        paused_with_heads[0] = static_cast<std::uint8_t>(RecordType::polls_paused);
        QVERIFY_REJECTED(
            decode_polls_record(paused_with_heads),
            "polls paused at byte 63: device heads: only the closing record carries them");
    }

    void rejects_ids_that_are_not_manifest_ids() {
        const Bytes key = bytes_of_hex(device_key_hex);
        QVERIFY(decode_device_registration(device_registration_bytes("d-1", "k0", key)).ok());
        QVERIFY_REJECTED(
            decode_device_registration(device_registration_bytes("D1", "kiosk-1", key)),
            "device registration at byte 2: district id: 'D1' is not an id");
        QVERIFY_REJECTED(decode_device_registration(device_registration_bytes("", "kiosk-1", key)),
                         "device registration at byte 2: district id: '' is not an id");
        QVERIFY_REJECTED(
            decode_device_registration(device_registration_bytes("d1", "kiosk 1", key)),
            "device registration at byte 8: device id: 'kiosk 1' is not an id");
        QVERIFY_REJECTED(
            decode_device_registration(device_registration_bytes("d1", "ki\xc3\xb6sk\n", key)),
            "device registration at byte 8: device id: 'ki\\xc3\\xb6sk\\x0a' is not an id");
        const std::string longest(max_record_id_size, 'a');
        QVERIFY(decode_device_registration(device_registration_bytes(longest, "k", key)).ok());
        QVERIFY_REJECTED(
            decode_device_registration(device_registration_bytes(longest + "a", "k", key)),
            "device registration at byte 2: district id: count 65 is over the limit 64");

        QVERIFY_REJECTED(
            decode_polls_record(polls_bytes(RecordType::polls_closed, "d_1", 0, 0, "")),
            "polls closed at byte 2: district id: 'd_1' is not an id");
        QVERIFY_REJECTED(decode_district_checkpoint(checkpoint_bytes("", example_note)),
                         "district checkpoint at byte 2: district id: '' is not an id");
        // An event's district may be empty (election-wide), but not malformed.
        QVERIFY(decode_ledger_event(event_bytes(1, 1, 1, "", "")).ok());
        QVERIFY_REJECTED(decode_ledger_event(event_bytes(1, 1, 1, "D1", "")),
                         "ledger event at byte 22: district id: 'D1' is not an id");
    }

    void rejects_invalid_device_keys() {
        const Bytes zero(32, 0);
        QVERIFY_REJECTED(decode_device_registration(device_registration_bytes("d1", "k", zero)),
                         "device registration at byte 13: device key: ");
    }

    void rejects_unknown_enum_values() {
        for (const int type : {1, 15}) {
            QVERIFY(decode_ledger_event(event_bytes(static_cast<std::uint16_t>(type), 4, 2, "", ""))
                        .ok());
        }
        for (const int type : {0, 23, 0x0100, 0xFFFF}) {
            QVERIFY_REJECTED(
                decode_ledger_event(event_bytes(static_cast<std::uint16_t>(type), 1, 1, "", "")),
                ("ledger event at byte 18: event type: unknown value " + std::to_string(type))
                    .c_str());
        }
        for (const int actor : {0, 5, 255}) {
            QVERIFY_REJECTED(
                decode_ledger_event(event_bytes(1, static_cast<std::uint8_t>(actor), 1, "", "")),
                ("ledger event at byte 20: actor role: unknown value " + std::to_string(actor))
                    .c_str());
        }
        for (const int disposition : {0, 3, 255}) {
            QVERIFY_REJECTED(decode_ledger_event(
                                 event_bytes(1, 1, static_cast<std::uint8_t>(disposition), "", "")),
                             ("ledger event at byte 21: disposition: unknown value " +
                              std::to_string(disposition))
                                 .c_str());
        }
    }

    void rejects_a_zero_report_that_is_not_zero() {
        QVERIFY(decode_polls_record(polls_bytes(RecordType::polls_opened, "d1", 0, 0, "")).ok());
        QVERIFY_REJECTED(decode_polls_record(polls_bytes(RecordType::polls_opened, "d1", 5, 0, "")),
                         "polls opened at byte 16: zero report: ballots cast is 5, must be 0");
        QVERIFY_REJECTED(
            decode_polls_record(polls_bytes(RecordType::polls_opened, "d1", 0, 1, "")),
            "polls opened at byte 24: zero report: ballots challenged is 1, must be 0");
        QVERIFY(decode_polls_record(polls_bytes(RecordType::polls_resumed, "d1", 5, 1, "")).ok());
    }

    void rejects_control_characters_and_long_actors() {
        QVERIFY_REJECTED(
            decode_polls_record(polls_bytes(RecordType::polls_paused, "d1", 0, 0, "Ada\nBob")),
            "polls paused at byte 32: actor: contains a control character (U+000A)");
        QVERIFY_REJECTED(
            decode_polls_record(polls_bytes(RecordType::polls_paused, "d1", 0, 0, "Ada\x7f")),
            "polls paused at byte 32: actor: contains a control character (U+007F)");
        // Non-ASCII names are text, not control characters.
        QVERIFY(decode_polls_record(polls_bytes(RecordType::polls_paused, "d1", 0, 0,
                                                "Jos\xc3\xa9 Mar\xc3\xad"
                                                "a"))
                    .ok());
        const std::string longest(max_polls_actor_size, 'x');
        QVERIFY(
            decode_polls_record(polls_bytes(RecordType::polls_closed, "d1", 0, 0, longest)).ok());
        QVERIFY_REJECTED(
            decode_polls_record(polls_bytes(RecordType::polls_closed, "d1", 0, 0, longest + "x")),
            "polls closed at byte 32: actor: count 201 is over the limit 200");
    }

    void rejects_malformed_signed_checkpoints() {
        QVERIFY_REJECTED(decode_district_checkpoint(checkpoint_bytes("d1", "")),
                         "district checkpoint at byte 8: signed checkpoint: must not be empty");
        QVERIFY_REJECTED(
            decode_district_checkpoint(checkpoint_bytes("d1", "origin\n1\nroot")),
            "district checkpoint at byte 8: signed checkpoint: does not end in a newline");
        const std::string longest = std::string(max_signed_checkpoint_size - 1, 'x') + "\n";
        QVERIFY(decode_district_checkpoint(checkpoint_bytes("d1", longest)).ok());
        QVERIFY_REJECTED(decode_district_checkpoint(checkpoint_bytes("d1", longest + "\n")),
                         "district checkpoint at byte 8: signed checkpoint: count 65537 is over "
                         "the limit 65536");
    }

    void rejects_long_subjects() {
        const std::string longest(max_event_subject_size, 's');
        QVERIFY(decode_ledger_event(event_bytes(12, 1, 2, "d1", longest)).ok());
        QVERIFY_REJECTED(decode_ledger_event(event_bytes(12, 1, 2, "d1", longest + "s")),
                         "ledger event at byte 28: subject: count 4097 is over the limit 4096");
    }

    void encoders_refuse_records_that_could_not_round_trip() {
        DeviceRegistration d = example_registration();
        d.device_id = "Kiosk-1";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_device_registration(d));
        d = example_registration();
        d.device_key = {};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_device_registration(d));

        PollsRecord p = example_polls_opened();
        p.ballots_challenged = 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_polls_record(p));
        p = example_polls_closed();
        p.actor = "tab\there";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_polls_record(p));
        p = example_polls_closed();
        p.action = static_cast<PollsAction>(4);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_polls_record(p));

        DistrictCheckpointRecord c = example_checkpoint();
        c.signed_checkpoint.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_district_checkpoint(c));

        LedgerEvent e = example_event_1();
        e.type = static_cast<EventType>(23);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_ledger_event(e));
        e = example_event_1();
        e.actor = static_cast<ActorRole>(0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_ledger_event(e));
        e = example_event_1();
        e.disposition = static_cast<Disposition>(3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_ledger_event(e));
        e = example_event_1();
        e.subject.assign(max_event_subject_size + 1, 's');
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode_ledger_event(e));
    }

    void names_of_enum_values() {
        QCOMPARE(to_string(PollsAction::opened), std::string_view("opened"));
        QCOMPARE(to_string(PollsAction::closed), std::string_view("closed"));
        QCOMPARE(record_type_of(PollsAction::resumed), RecordType::polls_resumed);
        QCOMPARE(to_string(EventType::ledger_started), std::string_view("ledger-started"));
        QCOMPARE(to_string(EventType::ballot_challenged), std::string_view("ballot-challenged"));
        QCOMPARE(to_string(EventType::election_checkpoint_published),
                 std::string_view("election-checkpoint-published"));
        QCOMPARE(to_string(EventType::anchor_confirmed), std::string_view("anchor-confirmed"));
        QCOMPARE(to_string(EventType::device_deauthorised),
                 std::string_view("device-deauthorised"));
        QCOMPARE(to_string(static_cast<EventType>(23)), std::string_view("unknown"));
        QCOMPARE(to_string(ActorRole::poll_worker), std::string_view("poll-worker"));
        QCOMPARE(to_string(ActorRole::election_official), std::string_view("election-official"));
        QCOMPARE(to_string(Disposition::failure), std::string_view("failure"));
        // Every event type 1 … 15 has a name of its own.
        std::vector<std::string_view> names;
        for (int type = 1; type <= 15; ++type) {
            names.push_back(to_string(static_cast<EventType>(type)));
            QVERIFY(names.back() != "unknown");
        }
        std::sort(names.begin(), names.end());
        QVERIFY(std::adjacent_find(names.begin(), names.end()) == names.end());
    }
};

QTEST_APPLESS_MAIN(TestLedgerRecords)
#include "tst_ledger_records.moc"
