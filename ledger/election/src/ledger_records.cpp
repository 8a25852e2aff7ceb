// Device registrations, polls records, district checkpoints and ledger events as canonical
// records (docs/encoding.md §12–§15).
#include "psephos/election/ledger_records.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace psephos::election {

namespace {
constexpr std::uint8_t record_version = 1;
// Version 2 of the device registration (0x07) adds the election authority's signature.
constexpr std::uint8_t device_registration_version = 2;

// Why a field's value is refused, or nothing if it is fine. Shared by the encoders (which throw)
// and the decoders (which fail), so the two cannot disagree on what round-trips.
using Problem = std::optional<std::string>;

// Manifest-style ids, as the manifest's district ids: ASCII only, so an id reads the same on
// every screen and in every file name.
bool is_valid_record_id(std::string_view id) {
    return !id.empty() && id.size() <= max_record_id_size &&
           std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
}

// A refused value as it appears in a message: quoted and on one line, every byte outside
// printable ASCII written as \xNN (the value came from outside and may be anything).
std::string quoted(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
            out += ch;
        } else {
            out += {'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
        }
    }
    return out + "'";
}

Problem check_id(std::string_view id) {
    if (is_valid_record_id(id)) return std::nullopt;
    return quoted(id) + " is not an id (1 to 64 characters a-z, 0-9 and -)";
}

// An election-wide event has no district.
Problem check_optional_id(std::string_view id) { return id.empty() ? std::nullopt : check_id(id); }

Problem check_size(std::string_view text, std::size_t max_size) {
    if (text.size() <= max_size) return std::nullopt;
    return std::to_string(text.size()) + " bytes, over the limit " + std::to_string(max_size);
}

// A name or line people read on lists and receipts: a line break or an escape sequence would
// spoil them.
Problem check_line(std::string_view line, std::size_t max_size) {
    if (auto problem = check_size(line, max_size)) return problem;
    for (const char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            char reason[40];
            std::snprintf(reason, sizeof reason, "contains a control character (U+%04X)", c);
            return std::string(reason);
        }
    }
    return std::nullopt;
}

Problem check_actor(std::string_view actor) { return check_line(actor, max_polls_actor_size); }

Problem check_reason(std::string_view reason) {
    if (reason.empty()) return "must not be empty";
    return check_line(reason, max_deauthorisation_reason_size);
}

// Only the shape: every C2SP note is non-empty text ending in a newline. Parsing it and
// checking its signatures needs the district's key, which only the ledger has.
Problem check_signed_checkpoint(std::string_view note) {
    if (auto problem = check_size(note, max_signed_checkpoint_size)) return problem;
    if (note.empty()) return "must not be empty";
    if (note.back() != '\n') return "does not end in a newline";
    return std::nullopt;
}

Problem check_subject(std::string_view subject) {
    return check_size(subject, max_event_subject_size);
}

bool is_known(EventType type) { return to_string(type) != "unknown"; }
bool is_known(ActorRole role) { return to_string(role) != "unknown"; }
bool is_known(Disposition disposition) { return to_string(disposition) != "unknown"; }

template <class Enum>
Problem check_enum(std::uint64_t value) {
    if (value <= std::numeric_limits<std::underlying_type_t<Enum>>::max() &&
        is_known(static_cast<Enum>(value))) {
        return std::nullopt;
    }
    return "unknown value " + std::to_string(value);
}

void require(const Problem& problem, std::string_view record, std::string_view field) {
    if (problem) {
        throw std::invalid_argument(std::string(record) + ": " + std::string(field) + ": " +
                                    *problem);
    }
}

// CanonicalReader reports its own errors at the first byte of the field. A rule checked here on
// a field's value is reported there too: the value is checked before it is read, from the bytes
// at the field's offset, which this reader keeps track of.
class RecordReader {
public:
    RecordReader(ByteSpan data, RecordType type, std::string record,
                 std::uint8_t version = record_version)
        : data_(data), reader_(data, type, version, std::move(record), version) {}

    void fail(std::string_view field, std::string_view reason) { reader_.fail(field, reason); }
    Status finish() { return reader_.finish(); }
    bool ok() const { return reader_.ok(); }

    // The big-endian integer of `size` bytes at the next field, if the record has them.
    std::optional<std::uint64_t> peek_uint(std::size_t size) const {
        if (!available(size)) return std::nullopt;
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) value = value << 8 | data_[at_ + i];
        return value;
    }

    // A u8, u16 or u64 field (CanonicalReader has no u16).
    template <class Check>
    std::uint64_t uint(std::string_view field, std::size_t size, Check check) {
        if (const auto value = peek_uint(size)) {
            if (auto problem = check(*value)) fail(field, *problem);
        }
        const ByteSpan bytes = reader_.fixed(field, size);
        at_ += size;
        std::uint64_t value = 0;
        for (const auto byte : bytes) value = value << 8 | byte;
        return value;
    }
    std::uint64_t uint(std::string_view field, std::size_t size) {
        return uint(field, size, [](std::uint64_t) { return Problem{}; });
    }

    template <class Check>
    std::string text(std::string_view field, std::size_t max_size, Check check) {
        if (const auto size = peek_uint(4); size && *size <= max_size && available(4 + *size)) {
            const std::string_view value(reinterpret_cast<const char*>(data_.data() + at_ + 4),
                                         static_cast<std::size_t>(*size));
            if (auto problem = check(value)) fail(field, *problem);
        }
        std::string value = reader_.text(field, max_size);
        at_ += 4 + value.size();
        return value;
    }

    crypto::Ed25519PublicKey ed25519_public_key(std::string_view field) {
        at_ += crypto::Ed25519PublicKey::size;
        return reader_.ed25519_public_key(field);
    }

    crypto::Ed25519Signature ed25519_signature(std::string_view field) {
        at_ += crypto::Ed25519Signature::size;
        return reader_.ed25519_signature(field);
    }

    Hash32 hash(std::string_view field) {
        at_ += Hash32{}.bytes.size();
        return reader_.hash(field);
    }

    std::size_t count(std::string_view field, std::size_t max_count) {
        at_ += 4;
        return reader_.count(field, max_count);
    }

private:
    bool available(std::size_t size) const {
        return reader_.ok() && at_ <= data_.size() && data_.size() - at_ >= size;
    }

    ByteSpan data_;
    CanonicalReader reader_;
    std::size_t at_ = 2;  // after the record type and version
};

std::optional<PollsAction> polls_action_of(std::uint8_t type) {
    for (const auto action :
         {PollsAction::opened, PollsAction::paused, PollsAction::resumed, PollsAction::closed}) {
        if (type == static_cast<std::uint8_t>(record_type_of(action))) return action;
    }
    return std::nullopt;
}

// A signed message's prefix: the label, a zero byte, the election's base hash (as the
// authority's messages, authority.cpp).
Bytes labelled(std::string_view label, const Hash32& base_hash) {
    Bytes out(label.begin(), label.end());
    out.push_back(0);
    out.insert(out.end(), base_hash.bytes.begin(), base_hash.bytes.end());
    return out;
}

std::string polls_record_name(PollsAction action) {
    return "polls " + std::string(to_string(action));
}
}  // namespace

// --- Device registration (0x07) ------------------------------------------------------------

Bytes encode_device_registration_body(const DeviceRegistration& d) {
    constexpr std::string_view record = "device registration";
    require(check_id(d.district_id), record, "district id");
    require(check_id(d.device_id), record, "device id");
    if (auto key = crypto::Ed25519PublicKey::from_bytes(d.device_key.span()); !key) {
        require(key.error().message, record, "device key");
    }
    CanonicalWriter w(RecordType::device_registration, device_registration_version);
    w.text(d.district_id);
    w.text(d.device_id);
    w.fixed(d.device_key.span());
    w.u64(d.time);
    return w.take();
}

Bytes encode_device_registration(const DeviceRegistration& d) {
    Bytes out = encode_device_registration_body(d);
    const auto signature = d.authority_signature.span();
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

Result<DeviceRegistration> decode_device_registration(ByteSpan data) {
    RecordReader r(data, RecordType::device_registration, "device registration",
                   device_registration_version);
    DeviceRegistration d;
    d.district_id = r.text("district id", max_record_id_size, check_id);
    d.device_id = r.text("device id", max_record_id_size, check_id);
    d.device_key = r.ed25519_public_key("device key");
    d.time = r.uint("time", 8);
    d.authority_signature = r.ed25519_signature("authority signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return d;
}

// --- Device deauthorisation (0x17) ----------------------------------------------------------

namespace {
constexpr std::uint8_t device_deauthorisation_version = 1;
}

Bytes encode_device_deauthorisation_body(const DeviceDeauthorisation& d) {
    constexpr std::string_view record = "device deauthorisation";
    require(check_id(d.district_id), record, "district id");
    require(check_id(d.device_id), record, "device id");
    if (auto key = crypto::Ed25519PublicKey::from_bytes(d.device_key.span()); !key) {
        require(key.error().message, record, "device key");
    }
    require(check_reason(d.reason), record, "reason");
    CanonicalWriter w(RecordType::device_deauthorisation, device_deauthorisation_version);
    w.text(d.district_id);
    w.text(d.device_id);
    w.fixed(d.device_key.span());
    w.u64(d.time);
    w.text(d.reason);
    return w.take();
}

Bytes encode_device_deauthorisation(const DeviceDeauthorisation& d) {
    Bytes out = encode_device_deauthorisation_body(d);
    const auto signature = d.authority_signature.span();
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

Result<DeviceDeauthorisation> decode_device_deauthorisation(ByteSpan data) {
    RecordReader r(data, RecordType::device_deauthorisation, "device deauthorisation",
                   device_deauthorisation_version);
    DeviceDeauthorisation d;
    d.district_id = r.text("district id", max_record_id_size, check_id);
    d.device_id = r.text("device id", max_record_id_size, check_id);
    d.device_key = r.ed25519_public_key("device key");
    d.time = r.uint("time", 8);
    d.reason = r.text("reason", max_deauthorisation_reason_size, check_reason);
    d.authority_signature = r.ed25519_signature("authority signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return d;
}

// --- Equivocation evidence (0x18) ---------------------------------------------------------

constexpr std::uint8_t equivocation_evidence_version = 1;

namespace {

Problem check_evidence_reason(std::string_view reason) {
    if (reason.empty()) return "must not be empty";
    return check_line(reason, max_equivocation_reason_size);
}

}  // namespace

Bytes encode_equivocation_evidence(const EquivocationEvidence& e) {
    constexpr std::string_view record = "equivocation evidence";
    require(check_id(e.station_id), record, "station id");
    require(check_id(e.district_id), record, "district id");
    require(check_evidence_reason(e.reason), record, "reason");
    require(check_signed_checkpoint(e.held_note), record, "held note");
    require(check_signed_checkpoint(e.presented_note), record, "presented note");
    CanonicalWriter w(RecordType::equivocation_evidence, equivocation_evidence_version);
    w.text(e.station_id);
    w.text(e.district_id);
    w.text(e.reason);
    w.text(e.held_note);
    w.text(e.presented_note);
    return w.take();
}

Result<EquivocationEvidence> decode_equivocation_evidence(ByteSpan data) {
    RecordReader r(data, RecordType::equivocation_evidence, "equivocation evidence",
                   equivocation_evidence_version);
    EquivocationEvidence e;
    e.station_id = r.text("station id", max_record_id_size, check_id);
    e.district_id = r.text("district id", max_record_id_size, check_id);
    e.reason = r.text("reason", max_equivocation_reason_size, check_evidence_reason);
    e.held_note = r.text("held note", max_signed_checkpoint_size, check_signed_checkpoint);
    e.presented_note =
        r.text("presented note", max_signed_checkpoint_size, check_signed_checkpoint);
    if (auto ok = r.finish(); !ok) return ok.error();
    return e;
}

std::string equivocation_reason(std::string_view text) {
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        out += c < 0x20 || c == 0x7F ? ' ' : ch;
    }
    if (out.size() > max_equivocation_reason_size) {
        std::size_t cut = max_equivocation_reason_size;
        // Back to the start of a UTF-8 sequence: never half a character.
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out.empty() ? "unspecified" : out;
}

// --- Polls records (0x08–0x0B) -------------------------------------------------------------

RecordType record_type_of(PollsAction action) {
    switch (action) {
        case PollsAction::opened:
            return RecordType::polls_opened;
        case PollsAction::paused:
            return RecordType::polls_paused;
        case PollsAction::resumed:
            return RecordType::polls_resumed;
        case PollsAction::closed:
            return RecordType::polls_closed;
    }
    throw std::invalid_argument("polls action " + std::to_string(static_cast<int>(action)) +
                                " is not one of opened, paused, resumed, closed");
}

std::string_view to_string(PollsAction action) {
    switch (action) {
        case PollsAction::opened:
            return "opened";
        case PollsAction::paused:
            return "paused";
        case PollsAction::resumed:
            return "resumed";
        case PollsAction::closed:
            return "closed";
    }
    return "unknown";
}

Bytes encode_polls_record_body(const PollsRecord& p) {
    const RecordType type = record_type_of(p.action);
    const std::string record = polls_record_name(p.action);
    require(check_id(p.district_id), record, "district id");
    require(check_actor(p.actor), record, "actor");
    if (p.action == PollsAction::opened) {
        for (const auto& [name, count] : {std::pair{"ballots cast", p.ballots_cast},
                                          std::pair{"ballots challenged", p.ballots_challenged}}) {
            if (count != 0) {
                require(std::string(name) + " is " + std::to_string(count) + ", must be 0", record,
                        "zero report");
            }
        }
    }
    require(check_id(p.device_id), record, "device id");
    if (p.action != PollsAction::closed && !p.heads.empty())
        require("only the closing record carries them", record, "device heads");
    if (p.action == PollsAction::closed && p.heads.empty())
        require("none (every registered device's head is required)", record, "device heads");
    if (p.heads.size() > max_device_heads)
        require(std::to_string(p.heads.size()) + " heads, over the limit " +
                    std::to_string(max_device_heads),
                record, "device heads");
    for (std::size_t i = 0; i < p.heads.size(); ++i) {
        require(check_id(p.heads[i].device_id), record, "device head " + std::to_string(i));
        if (i > 0 && !(p.heads[i - 1].device_id < p.heads[i].device_id))
            require("not in ascending order of device id", record,
                    "device head " + std::to_string(i));
    }
    CanonicalWriter w(type, polls_record_version);
    w.text(p.district_id);
    w.u64(p.time);
    w.u64(p.ballots_cast);
    w.u64(p.ballots_challenged);
    w.text(p.actor);
    w.text(p.device_id);
    w.count(p.heads.size());
    for (const DeviceHead& h : p.heads) {
        w.text(h.device_id);
        w.u64(h.ballots);
        w.hash(h.last_tracking_code);
        w.fixed(h.signature.span());
    }
    return w.take();
}

Bytes encode_polls_record(const PollsRecord& p) {
    Bytes out = encode_polls_record_body(p);
    const auto signature = p.device_signature.span();
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

Bytes polls_record_message(const Hash32& base_hash, const PollsRecord& record) {
    Bytes out = labelled("psephos/v1/polls-record", base_hash);
    const Bytes body = encode_polls_record_body(record);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Bytes device_head_message(const Hash32& base_hash, std::string_view district_id,
                          const DeviceHead& head) {
    Bytes out = labelled("psephos/v1/device-head", base_hash);
    for (const std::string_view id : {district_id, std::string_view(head.device_id)}) {
        append_u32_be(out, static_cast<std::uint32_t>(id.size()));
        out.insert(out.end(), id.begin(), id.end());
    }
    append_u64_be(out, head.ballots);
    out.insert(out.end(), head.last_tracking_code.bytes.begin(),
               head.last_tracking_code.bytes.end());
    return out;
}

void sign_polls_record(const Hash32& base_hash, PollsRecord& record,
                       const crypto::Ed25519SigningKey& device_key) {
    record.device_signature = device_key.sign(polls_record_message(base_hash, record));
}

DeviceHead sign_device_head(const Hash32& base_hash, std::string_view district_id,
                            std::string device_id, std::uint64_t ballots,
                            const Hash32& last_tracking_code,
                            const crypto::Ed25519SigningKey& device_key) {
    DeviceHead head{std::move(device_id), ballots, last_tracking_code, {}};
    head.signature = device_key.sign(device_head_message(base_hash, district_id, head));
    return head;
}

std::vector<std::string> polls_actor_names(std::string_view actor) {
    std::vector<std::string> names;
    while (true) {
        const std::size_t comma = actor.find(',');
        std::string_view part = actor.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!part.empty() && std::find(names.begin(), names.end(), part) == names.end())
            names.emplace_back(part);
        if (comma == std::string_view::npos) return names;
        actor.remove_prefix(comma + 1);
    }
}

Status check_polls_close_actors(std::uint32_t close_requires, const PollsRecord& record) {
    if (record.action != PollsAction::closed || close_requires <= 1) return {};
    const std::vector<std::string> names = polls_actor_names(record.actor);
    if (names.size() >= close_requires) return {};
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + quoted(n);
    return Error{ErrorCode::invalid_argument,
                 "polls closed in district " + quoted(record.district_id) +
                     ": the election requires " + std::to_string(close_requires) +
                     " different people to close the polls (manifest polls.close_requires), "
                     "the record's actor names " +
                     (names.empty() ? std::string("nobody") : listed)};
}

Result<PollsRecord> decode_polls_record(ByteSpan data) {
    const std::optional<PollsAction> action =
        data.empty() ? std::nullopt : polls_action_of(data[0]);
    if (!action) {
        // Which of the four records this is follows from the type, so before the type is known
        // the message names the family.
        if (data.empty()) {
            return CanonicalReader(data, RecordType::polls_opened, polls_record_version,
                                   "polls record")
                .finish()
                .error();
        }
        return Error{ErrorCode::invalid_encoding,
                     "polls record at byte 0: record type: expected " +
                         std::to_string(static_cast<int>(RecordType::polls_opened)) + " to " +
                         std::to_string(static_cast<int>(RecordType::polls_closed)) + ", found " +
                         std::to_string(data[0])};
    }
    RecordReader r(data, record_type_of(*action), polls_record_name(*action), polls_record_version);
    PollsRecord p;
    p.action = *action;
    p.district_id = r.text("district id", max_record_id_size, check_id);
    p.time = r.uint("time", 8);
    // The zero report: polls open on an empty ballot box. Checked before each count is read, so
    // the error gives the count's own offset.
    const auto zero_report = [&](std::string_view count_name) {
        if (*action != PollsAction::opened) return;
        if (const auto count = r.peek_uint(8); count && *count != 0) {
            r.fail("zero report",
                   std::string(count_name) + " is " + std::to_string(*count) + ", must be 0");
        }
    };
    zero_report("ballots cast");
    p.ballots_cast = r.uint("ballots cast", 8);
    zero_report("ballots challenged");
    p.ballots_challenged = r.uint("ballots challenged", 8);
    p.actor = r.text("actor", max_polls_actor_size, check_actor);
    p.device_id = r.text("device id", max_record_id_size, check_id);
    const std::size_t heads = r.count("device heads", max_device_heads);
    if (r.ok() && *action != PollsAction::closed && heads != 0)
        r.fail("device heads", "only the closing record carries them");
    if (r.ok() && *action == PollsAction::closed && heads == 0)
        r.fail("device heads", "none (every registered device's head is required)");
    for (std::size_t i = 0; i < heads && r.ok(); ++i) {
        const std::string field = "device head " + std::to_string(i);
        DeviceHead h;
        h.device_id =
            r.text(field + " device id", max_record_id_size, [&](std::string_view id) -> Problem {
                if (auto problem = check_id(id)) return problem;
                if (!p.heads.empty() && !(p.heads.back().device_id < id))
                    return "not in ascending order of device id";
                return std::nullopt;
            });
        h.ballots = r.uint(field + " ballots", 8);
        h.last_tracking_code = r.hash(field + " last tracking code");
        h.signature = r.ed25519_signature(field + " signature");
        p.heads.push_back(std::move(h));
    }
    p.device_signature = r.ed25519_signature("device signature");
    if (auto ok = r.finish(); !ok) return ok.error();
    return p;
}

// --- District checkpoint (0x0C) -----------------------------------------------------------

Bytes encode_district_checkpoint(const DistrictCheckpointRecord& c) {
    constexpr std::string_view record = "district checkpoint";
    require(check_id(c.district_id), record, "district id");
    require(check_signed_checkpoint(c.signed_checkpoint), record, "signed checkpoint");
    CanonicalWriter w(RecordType::district_checkpoint, record_version);
    w.text(c.district_id);
    w.text(c.signed_checkpoint);
    return w.take();
}

Result<DistrictCheckpointRecord> decode_district_checkpoint(ByteSpan data) {
    RecordReader r(data, RecordType::district_checkpoint, "district checkpoint");
    DistrictCheckpointRecord c;
    c.district_id = r.text("district id", max_record_id_size, check_id);
    c.signed_checkpoint =
        r.text("signed checkpoint", max_signed_checkpoint_size, check_signed_checkpoint);
    if (auto ok = r.finish(); !ok) return ok.error();
    return c;
}

// --- Ledger event (0x0D) -------------------------------------------------------------------

std::string_view to_string(EventType type) {
    switch (type) {
        case EventType::ledger_started:
            return "ledger-started";
        case EventType::ledger_stopped:
            return "ledger-stopped";
        case EventType::configuration_changed:
            return "configuration-changed";
        case EventType::key_changed:
            return "key-changed";
        case EventType::device_registered:
            return "device-registered";
        case EventType::polls_opened:
            return "polls-opened";
        case EventType::polls_paused:
            return "polls-paused";
        case EventType::polls_resumed:
            return "polls-resumed";
        case EventType::polls_closed:
            return "polls-closed";
        case EventType::ballot_cast:
            return "ballot-cast";
        case EventType::ballot_challenged:
            return "ballot-challenged";
        case EventType::record_rejected:
            return "record-rejected";
        case EventType::record_exported:
            return "record-exported";
        case EventType::error:
            return "error";
        case EventType::election_checkpoint_published:
            return "election-checkpoint-published";
        case EventType::tally_recorded:
            return "tally-recorded";
        case EventType::tally_decryption_recorded:
            return "tally-decryption-recorded";
        case EventType::result_recorded:
            return "result-recorded";
        case EventType::anchor_intent_recorded:
            return "anchor-intent-recorded";
        case EventType::anchor_transaction_recorded:
            return "anchor-transaction-recorded";
        case EventType::anchor_confirmed:
            return "anchor-confirmed";
        case EventType::device_deauthorised:
            return "device-deauthorised";
    }
    return "unknown";
}

std::string_view to_string(ActorRole role) {
    switch (role) {
        case ActorRole::system:
            return "system";
        case ActorRole::poll_worker:
            return "poll-worker";
        case ActorRole::election_official:
            return "election-official";
        case ActorRole::guardian:
            return "guardian";
    }
    return "unknown";
}

std::string_view to_string(Disposition disposition) {
    switch (disposition) {
        case Disposition::success:
            return "success";
        case Disposition::failure:
            return "failure";
    }
    return "unknown";
}

Bytes encode_ledger_event(const LedgerEvent& e) {
    constexpr std::string_view record = "ledger event";
    require(check_enum<EventType>(static_cast<std::uint64_t>(e.type)), record, "event type");
    require(check_enum<ActorRole>(static_cast<std::uint64_t>(e.actor)), record, "actor role");
    require(check_enum<Disposition>(static_cast<std::uint64_t>(e.disposition)), record,
            "disposition");
    require(check_optional_id(e.district_id), record, "district id");
    require(check_subject(e.subject), record, "subject");
    CanonicalWriter w(RecordType::ledger_event, record_version);
    w.u64(e.sequence);
    w.u64(e.time);
    const auto type = static_cast<std::uint16_t>(e.type);
    w.u8(static_cast<std::uint8_t>(type >> 8));
    w.u8(static_cast<std::uint8_t>(type & 0xFF));
    w.u8(static_cast<std::uint8_t>(e.actor));
    w.u8(static_cast<std::uint8_t>(e.disposition));
    w.text(e.district_id);
    w.text(e.subject);
    w.hash(e.previous_event_hash);
    return w.take();
}

Result<LedgerEvent> decode_ledger_event(ByteSpan data) {
    RecordReader r(data, RecordType::ledger_event, "ledger event");
    LedgerEvent e;
    e.sequence = r.uint("sequence", 8);
    e.time = r.uint("time", 8);
    e.type = static_cast<EventType>(r.uint("event type", 2, check_enum<EventType>));
    e.actor = static_cast<ActorRole>(r.uint("actor role", 1, check_enum<ActorRole>));
    e.disposition = static_cast<Disposition>(r.uint("disposition", 1, check_enum<Disposition>));
    e.district_id = r.text("district id", max_record_id_size, check_optional_id);
    e.subject = r.text("subject", max_event_subject_size, check_subject);
    e.previous_event_hash = r.hash("previous event hash");
    if (auto ok = r.finish(); !ok) return ok.error();
    return e;
}

}  // namespace psephos::election
