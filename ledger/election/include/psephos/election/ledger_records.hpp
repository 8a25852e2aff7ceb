// Canonical encodings of the ledger's own records (docs/encoding.md §12–§15): device
// registrations (0x07) and deauthorisations (0x17), the polls records opened/paused/resumed/closed
// (0x08–0x0B), district checkpoints, the leaves of the election log (0x0C), and the events of the
// ledger's event log (0x0D). Decoding checks the structure and each field's own rules (ids, limits,
// known enum values, the zero report); whether a record fits the ledger's state (device known,
// polls open, checkpoint signed by the district's key) is the ledger's business. Every encoder
// throws std::invalid_argument for a record its decoder would reject (a programming error: such a
// record could not round-trip).
//
// The event log never holds a selection, a nonce or anything else that could reveal a vote: its
// subject is free text chosen by the ledger code (a tracking code, a rejection reason), never
// taken from a ballot's plaintext.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/election/canonical_encoding.hpp"

namespace psephos::election {

// District and device ids: manifest-style ids (1 to 64 characters a-z, 0-9 and -), the same
// limit as the ids in an encrypted ballot.
inline constexpr std::size_t max_record_id_size = 64;
// The poll worker's or official's name on a polls record.
inline constexpr std::size_t max_polls_actor_size = 200;
// A signed district checkpoint: a few lines of text and a few signature lines; the limit leaves
// room for many cosignatures.
inline constexpr std::size_t max_signed_checkpoint_size = 64 * 1024;
inline constexpr std::size_t max_event_subject_size = 4096;

// An election official registers a kiosk's public key for one district, as the election
// authority authorised it (authority.hpp: authorise_device); the ledger then accepts ballots
// signed by that key from that device in that district. Version 2 of record 0x07 carries the
// authority's signature (docs/encoding.md §12).
struct DeviceRegistration {
    std::string district_id;
    std::string device_id;
    crypto::Ed25519PublicKey device_key;
    std::uint64_t time = 0;                        // Unix seconds
    crypto::Ed25519Signature authority_signature;  // over device_authorisation_message

    friend bool operator==(const DeviceRegistration&, const DeviceRegistration&) = default;
};

Bytes encode_device_registration(const DeviceRegistration& registration);
Result<DeviceRegistration> decode_device_registration(ByteSpan data);
// The registration's encoding without its last field, the authority's signature: what the
// authority signs, after a domain label and the election's base hash (authority.hpp).
Bytes encode_device_registration_body(const DeviceRegistration& registration);

// The election authority withdraws a registered device's authorisation (a lost, stolen or
// faulty kiosk), in its district's log (record 0x17, docs/encoding.md §12.1). From that record
// on the ledger refuses the device's ballots and polls records and the station refuses its
// connections; what it recorded before stays (it was valid when it was cast), and the district's
// closing record carries no head for it. The authority signs the body (authority.hpp).
inline constexpr std::size_t max_deauthorisation_reason_size = 200;

struct DeviceDeauthorisation {
    std::string district_id;
    std::string device_id;
    crypto::Ed25519PublicKey device_key;  // the registered key, so the record names one device
    std::uint64_t time = 0;               // Unix seconds
    std::string reason;                   // free text for people, one line, at most the limit above
    crypto::Ed25519Signature authority_signature;

    friend bool operator==(const DeviceDeauthorisation&, const DeviceDeauthorisation&) = default;
};

Bytes encode_device_deauthorisation(const DeviceDeauthorisation& deauthorisation);
Result<DeviceDeauthorisation> decode_device_deauthorisation(ByteSpan data);
// Without its last field, the authority's signature.
Bytes encode_device_deauthorisation_body(const DeviceDeauthorisation& deauthorisation);

// A station's equivocation as the county kept it (docs/encoding.md §12.2, docs/county.md §3):
// two checkpoints of one district log, both signed by the station, that cannot both be true —
// two of one size with different roots, or one not consistent with the other. Not a log record:
// a file of the county's (DIR/county/evidence/) and of the county's election record
// (county/equivocations.bin, docs/election-record.md §3.9). Version 1.
inline constexpr std::size_t max_equivocation_reason_size = 1000;
struct EquivocationEvidence {
    std::string station_id;      // an id
    std::string district_id;     // an id
    std::string reason;          // one line for people, 1 to max_equivocation_reason_size bytes
    std::string held_note;       // the station's signed checkpoint the county held
    std::string presented_note;  // the one it presented against it

    friend bool operator==(const EquivocationEvidence&, const EquivocationEvidence&) = default;
};

// std::invalid_argument for a field outside its rules (the notes: non-empty, ending in a
// newline, at most max_signed_checkpoint_size bytes).
Bytes encode_equivocation_evidence(const EquivocationEvidence& evidence);
Result<EquivocationEvidence> decode_equivocation_evidence(ByteSpan data);
// `text` made fit for the reason field: control characters become spaces, and it is cut (at a
// character boundary) to the limit; "unspecified" if empty.
std::string equivocation_reason(std::string_view text);

// What a polls record reports. The action is the record type (polls_opened … polls_closed), not
// a field, so a reader filtering a log by type sees it without decoding.
enum class PollsAction : std::uint8_t { opened, paused, resumed, closed };

// std::invalid_argument for a value outside the enum.
RecordType record_type_of(PollsAction action);
// "opened", "paused", "resumed", "closed"; "unknown" for a value outside the enum.
std::string_view to_string(PollsAction action);

// Version 2 of the polls records (docs/encoding.md §13) is signed by the device on which the
// poll worker acted, and the closing record carries every device's own signed chain head.
inline constexpr std::uint8_t polls_record_version = 2;
inline constexpr std::size_t max_device_heads = 10'000;

// A device's own statement of its tracking-code chain at the close: how many ballots (cast and
// challenged) it recorded and the tracking code of the last one (its seed if none), signed with
// its key (device_head_message). The ledger-key holder cannot forge it, so a log whose tail of a
// device's chain was cut no longer matches it.
struct DeviceHead {
    std::string device_id;
    std::uint64_t ballots = 0;
    Hash32 last_tracking_code;
    crypto::Ed25519Signature signature;

    friend bool operator==(const DeviceHead&, const DeviceHead&) = default;
};

// The counts are the district's totals at that moment. polls_opened is the "zero report": both
// counts must be 0, so opening with ballots already in the box cannot be recorded as normal.
struct PollsRecord {
    PollsAction action = PollsAction::opened;
    std::string district_id;
    std::uint64_t time = 0;  // Unix seconds
    std::uint64_t ballots_cast = 0;
    std::uint64_t ballots_challenged = 0;
    // The poll worker's or official's name: free text, at most max_polls_actor_size bytes, no
    // control characters (it is shown on lists and receipts); may be empty.
    std::string actor;
    // The registered device of the district on which the poll worker acted; it signs the record.
    std::string device_id;
    // Closed only (empty otherwise): one head per device registered in the district, in
    // ascending order of device id.
    std::vector<DeviceHead> heads;
    crypto::Ed25519Signature device_signature;  // over polls_record_message

    friend bool operator==(const PollsRecord&, const PollsRecord&) = default;
};

// The record type follows from the action. The body is the record without its last field, the
// device's signature.
Bytes encode_polls_record_body(const PollsRecord& record);
Bytes encode_polls_record(const PollsRecord& record);
// Accepts any of the four polls record types; the action is taken from the type.
Result<PollsRecord> decode_polls_record(ByteSpan data);

// The people a polls record's actor names (docs/encoding.md §13): its parts between commas, each
// without the spaces around it, empty parts dropped, each name once (first occurrence order).
// "Grace Hopper, Alan Turing" names two; "Grace Hopper, Grace Hopper" and "" name one and none.
std::vector<std::string> polls_actor_names(std::string_view actor);
// The election's rule for the close (ElectionManifest::close_requires, docs/election-manifest.md
// "polls"): a polls-closed record whose actor names fewer than close_requires different people
// is refused (ErrorCode::invalid_argument), the message naming the rule and the names. Other
// polls records, and every record under close_requires 1, pass.
Status check_polls_close_actors(std::uint32_t close_requires, const PollsRecord& record);

// What the device signs: "psephos/v1/polls-record" ‖ 00 ‖ the election's base hash ‖ the body.
Bytes polls_record_message(const Hash32& base_hash, const PollsRecord& record);
// What a device signs for its head: "psephos/v1/device-head" ‖ 00 ‖ base hash ‖ text district ‖
// text device ‖ u64 ballots ‖ hash last tracking code.
Bytes device_head_message(const Hash32& base_hash, std::string_view district_id,
                          const DeviceHead& head);
// Sets record.device_signature.
void sign_polls_record(const Hash32& base_hash, PollsRecord& record,
                       const crypto::Ed25519SigningKey& device_key);
DeviceHead sign_device_head(const Hash32& base_hash, std::string_view district_id,
                            std::string device_id, std::uint64_t ballots,
                            const Hash32& last_tracking_code,
                            const crypto::Ed25519SigningKey& device_key);

// A district log's signed checkpoint as the election log holds it (one leaf per checkpoint).
struct DistrictCheckpointRecord {
    std::string district_id;
    // A C2SP signed note of a tlog checkpoint (docs/encoding.md §11), UTF-8 text of at most
    // max_signed_checkpoint_size bytes. Decoding checks only that it is non-empty and ends in
    // "\n"; checking the signature and the checkpoint is the ledger's job.
    std::string signed_checkpoint;

    friend bool operator==(const DistrictCheckpointRecord&,
                           const DistrictCheckpointRecord&) = default;
};

Bytes encode_district_checkpoint(const DistrictCheckpointRecord& record);
Result<DistrictCheckpointRecord> decode_district_checkpoint(ByteSpan data);

// Values are permanent: never renumber; a new event type takes the next number.
enum class EventType : std::uint16_t {
    ledger_started = 1,
    ledger_stopped = 2,
    configuration_changed = 3,
    key_changed = 4,
    device_registered = 5,
    polls_opened = 6,
    polls_paused = 7,
    polls_resumed = 8,
    polls_closed = 9,
    ballot_cast = 10,
    ballot_challenged = 11,
    record_rejected = 12,
    record_exported = 13,
    error = 14,
    election_checkpoint_published = 15,
    tally_recorded = 16,
    tally_decryption_recorded = 17,
    result_recorded = 18,
    anchor_intent_recorded = 19,
    anchor_transaction_recorded = 20,
    anchor_confirmed = 21,
    device_deauthorised = 22,
};

enum class ActorRole : std::uint8_t {
    system = 1,
    poll_worker = 2,
    election_official = 3,
    guardian = 4,
};

enum class Disposition : std::uint8_t {
    success = 1,
    failure = 2,
};

// "ledger-started", "ledger-stopped", …, "election-checkpoint-published", "tally-recorded",
// "tally-decryption-recorded", "result-recorded", "anchor-intent-recorded",
// "anchor-transaction-recorded", "anchor-confirmed"; "unknown" for a value
// outside the enum.
std::string_view to_string(EventType type);
// "system", "poll-worker", "election-official", "guardian"; "unknown" outside the enum.
std::string_view to_string(ActorRole role);
// "success", "failure"; "unknown" outside the enum.
std::string_view to_string(Disposition disposition);

// One entry of the ledger's event log, hash-chained to the previous entry so that a removed or
// changed entry shows. Times are Unix seconds; note that a ballot's own timestamp is coarse on
// purpose (docs/encoding.md §4), so an event naming a ballot should not carry a finer time.
struct LedgerEvent {
    std::uint64_t sequence = 0;
    std::uint64_t time = 0;
    EventType type = EventType::ledger_started;
    ActorRole actor = ActorRole::system;
    Disposition disposition = Disposition::success;
    std::string district_id;  // empty: election-wide; otherwise a manifest-style id
    // Free text chosen by the ledger code (a tracking code, a rejection reason), at most
    // max_event_subject_size bytes; never a selection or a nonce.
    std::string subject;
    // crypto::hash_merkle_leaf of the previous event's encoding; all-zero for the first event.
    Hash32 previous_event_hash;

    friend bool operator==(const LedgerEvent&, const LedgerEvent&) = default;
};

Bytes encode_ledger_event(const LedgerEvent& event);
Result<LedgerEvent> decode_ledger_event(ByteSpan data);

}  // namespace psephos::election
