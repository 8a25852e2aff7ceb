// The station protocol's codec (station_protocol.hpp, docs/station-protocol.md).
#include "psephos/station/station_protocol.hpp"

#include <algorithm>
#include <type_traits>

#include "psephos/election/canonical_encoding.hpp"

namespace psephos::station {
namespace {

using election::CanonicalReader;
using election::CanonicalWriter;

constexpr std::uint8_t code(MessageType t) { return static_cast<std::uint8_t>(t); }

template <class T>
constexpr MessageType type_for() {
    if constexpr (std::is_same_v<T, Hello>) return MessageType::hello;
    if constexpr (std::is_same_v<T, Welcome>) return MessageType::welcome;
    if constexpr (std::is_same_v<T, Submit>) return MessageType::submit;
    if constexpr (std::is_same_v<T, Receipt>) return MessageType::receipt;
    if constexpr (std::is_same_v<T, StatusRequest>) return MessageType::status;
    if constexpr (std::is_same_v<T, StatusReport>) return MessageType::status_report;
    if constexpr (std::is_same_v<T, Lookup>) return MessageType::lookup;
    if constexpr (std::is_same_v<T, LookupResult>) return MessageType::lookup_result;
    if constexpr (std::is_same_v<T, Ping>) return MessageType::ping;
    if constexpr (std::is_same_v<T, Pong>) return MessageType::pong;
    if constexpr (std::is_same_v<T, FinalHead>) return MessageType::final_head;
    if constexpr (std::is_same_v<T, HeadNoted>) return MessageType::head_noted;
    if constexpr (std::is_same_v<T, HeadsRequest>) return MessageType::heads;
    if constexpr (std::is_same_v<T, HeadList>) return MessageType::head_list;
    if constexpr (std::is_same_v<T, CountyHello>) return MessageType::county_hello;
    if constexpr (std::is_same_v<T, CountyWelcome>) return MessageType::county_welcome;
    if constexpr (std::is_same_v<T, HeldRequest>) return MessageType::held;
    if constexpr (std::is_same_v<T, HeldSize>) return MessageType::held_size;
    if constexpr (std::is_same_v<T, Push>) return MessageType::push;
    if constexpr (std::is_same_v<T, Pushed>) return MessageType::pushed;
    return MessageType::error;
}

bool is_submittable(std::uint8_t type) {
    // Ballots, polls records, and the authority's deauthorisation of a device that a poll worker
    // brings to a kiosk.
    return type == 0x02 || type == 0x03 || (type >= 0x08 && type <= 0x0B) || type == 0x17;
}

void write_inclusion(CanonicalWriter& w, const Inclusion& i) {
    w.u64(i.index);
    w.hash(i.leaf_hash);
    w.text(i.verifier_key);
    w.text(i.signed_checkpoint);
    w.count(i.proof.size());
    for (const Hash32& h : i.proof) w.hash(h);
}

Inclusion read_inclusion(CanonicalReader& r) {
    Inclusion i;
    i.index = r.u64("index");
    i.leaf_hash = r.hash("leaf hash");
    i.verifier_key = r.text("verifier key", max_verifier_key_size);
    i.signed_checkpoint = r.text("signed checkpoint", max_checkpoint_size);
    const std::size_t n = r.count("inclusion proof", max_inclusion_hashes);
    for (std::size_t k = 0; k < n && r.ok(); ++k) i.proof.push_back(r.hash("inclusion proof"));
    return i;
}

// An id: 1–64 bytes of printable ASCII without spaces (the ids of docs/encoding.md §1 are a
// subset; the station checks the device against its registrations).
void check_id(CanonicalReader& r, std::string_view field, const std::string& id) {
    const bool printable = std::all_of(id.begin(), id.end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
    if (id.empty() || !printable)
        r.fail(field, "is not 1 to 64 printable ASCII characters without spaces");
}

void write_head(CanonicalWriter& w, const SignedHead& h) {
    w.text(h.device_id);
    w.u64(h.ballots);
    w.hash(h.last_tracking_code);
    w.fixed(h.signature.bytes);
}

SignedHead read_head(CanonicalReader& r) {
    SignedHead h;
    h.device_id = r.text("device id", max_id_size);
    if (r.ok()) check_id(r, "device id", h.device_id);
    h.ballots = r.u64("ballots");
    h.last_tracking_code = r.hash("last tracking code");
    h.signature = r.ed25519_signature("signature");
    return h;
}

// The message's body after u8 type ‖ u8 version.
void write_body(CanonicalWriter& w, const Hello& m) {
    w.hash(m.base_hash);
    w.text(m.device_id);
}
void write_body(CanonicalWriter& w, const Welcome& m) {
    w.hash(m.base_hash);
    w.text(m.station_id);
    w.text(m.district_id);
    w.u64(m.station_time);
    w.u32(m.max_frame);
    w.u32(m.max_in_flight);
}
void write_body(CanonicalWriter& w, const Submit& m) { w.bytes(m.record); }
void write_body(CanonicalWriter& w, const Receipt& m) { write_inclusion(w, m.inclusion); }
void write_body(CanonicalWriter&, const StatusRequest&) {}
void write_body(CanonicalWriter& w, const StatusReport& m) {
    w.u8(static_cast<std::uint8_t>(m.polls));
    w.u64(m.ballots_cast);
    w.u64(m.ballots_challenged);
    w.u64(m.log_size);
    w.u64(m.device_ballots);
    w.hash(m.device_last_tracking_code);
}
void write_body(CanonicalWriter& w, const Lookup& m) { w.hash(m.tracking_code); }
void write_body(CanonicalWriter& w, const LookupResult& m) {
    w.u8(m.record_type.value_or(0));
    if (m.record_type) write_inclusion(w, m.inclusion);
}
void write_body(CanonicalWriter& w, const Ping& m) { w.u64(m.nonce); }
void write_body(CanonicalWriter& w, const Pong& m) { w.u64(m.nonce); }
void write_body(CanonicalWriter& w, const FinalHead& m) { write_head(w, m.head); }
void write_body(CanonicalWriter& w, const HeadNoted& m) {
    w.u32(m.heads_held);
    w.u32(m.devices_registered);
}
void write_body(CanonicalWriter&, const HeadsRequest&) {}
void write_body(CanonicalWriter& w, const HeadList& m) {
    w.count(m.heads.size());
    for (const SignedHead& h : m.heads) write_head(w, h);
}
void write_body(CanonicalWriter& w, const CountyHello& m) {
    w.hash(m.base_hash);
    w.text(m.station_id);
}
void write_body(CanonicalWriter& w, const CountyWelcome& m) {
    w.hash(m.base_hash);
    w.text(m.county_id);
    w.u32(m.max_frame);
    w.u32(m.max_records);
}
void write_body(CanonicalWriter& w, const HeldRequest& m) { w.text(m.district_id); }
void write_body(CanonicalWriter& w, const HeldSize& m) {
    w.text(m.district_id);
    w.u64(m.size);
}
void write_body(CanonicalWriter& w, const Push& m) {
    w.text(m.district_id);
    w.u64(m.first);
    w.count(m.records.size());
    for (const Bytes& record : m.records) w.bytes(record);
    w.text(m.signed_checkpoint);
    w.count(m.consistency_proof.size());
    for (const Hash32& h : m.consistency_proof) w.hash(h);
}
void write_body(CanonicalWriter& w, const Pushed& m) {
    w.text(m.district_id);
    w.u64(m.size);
}
void write_body(CanonicalWriter& w, const ErrorReply& m) {
    const auto c = static_cast<std::uint16_t>(m.code);
    w.u8(static_cast<std::uint8_t>(c >> 8));
    w.u8(static_cast<std::uint8_t>(c & 0xFF));
    w.text(m.text);
}

void read_body(CanonicalReader& r, Hello& m) {
    m.base_hash = r.hash("base hash");
    m.device_id = r.text("device id", max_id_size);
    if (r.ok()) check_id(r, "device id", m.device_id);
}
void read_body(CanonicalReader& r, Welcome& m) {
    m.base_hash = r.hash("base hash");
    m.station_id = r.text("station id", max_id_size);
    if (r.ok()) check_id(r, "station id", m.station_id);
    m.district_id = r.text("district id", max_id_size);
    if (r.ok()) check_id(r, "district id", m.district_id);
    m.station_time = r.u64("station time");
    m.max_frame = r.u32("max frame");
    m.max_in_flight = r.u32("max in flight");
    if (r.ok() && (m.max_frame == 0 || m.max_frame > max_frame_size))
        r.fail("max frame", "is not between 1 and " + std::to_string(max_frame_size));
    if (r.ok() && m.max_in_flight == 0) r.fail("max in flight", "is 0");
}
void read_body(CanonicalReader& r, Submit& m) {
    m.record = r.bytes("record", max_record_size);
    if (r.ok() && (m.record.empty() || !is_submittable(m.record[0])))
        r.fail("record", m.record.empty() ? std::string("is empty")
                                          : "record type " + std::to_string(m.record[0]) +
                                                " is not one a kiosk submits (0x02, 0x03, "
                                                "0x08–0x0B, 0x17)");
}
void read_body(CanonicalReader& r, Receipt& m) { m.inclusion = read_inclusion(r); }
void read_body(CanonicalReader&, StatusRequest&) {}
void read_body(CanonicalReader& r, StatusReport& m) {
    const std::uint8_t polls = r.u8("polls");
    if (r.ok() && polls > 3) r.fail("polls", "state " + std::to_string(polls) + " is not 0–3");
    m.polls = static_cast<PollsState>(polls);
    m.ballots_cast = r.u64("ballots cast");
    m.ballots_challenged = r.u64("ballots challenged");
    m.log_size = r.u64("log size");
    m.device_ballots = r.u64("device ballots");
    m.device_last_tracking_code = r.hash("device last tracking code");
}
void read_body(CanonicalReader& r, Lookup& m) { m.tracking_code = r.hash("tracking code"); }
void read_body(CanonicalReader& r, LookupResult& m) {
    const std::uint8_t type = r.u8("record type");
    if (!r.ok()) return;
    if (type == 0) return;
    if (type != 0x02 && type != 0x03) {
        r.fail("record type", std::to_string(type) + " is not 0 (not found), 2 or 3");
        return;
    }
    m.record_type = type;
    m.inclusion = read_inclusion(r);
}
void read_body(CanonicalReader& r, Ping& m) { m.nonce = r.u64("nonce"); }
void read_body(CanonicalReader& r, Pong& m) { m.nonce = r.u64("nonce"); }
void read_body(CanonicalReader& r, FinalHead& m) { m.head = read_head(r); }
void read_body(CanonicalReader& r, HeadNoted& m) {
    m.heads_held = r.u32("heads held");
    m.devices_registered = r.u32("devices registered");
    if (r.ok() && m.heads_held > m.devices_registered)
        r.fail("heads held", "more than the devices registered");
}
void read_body(CanonicalReader&, HeadsRequest&) {}
void read_body(CanonicalReader& r, HeadList& m) {
    const std::size_t n = r.count("heads", max_heads);
    for (std::size_t k = 0; k < n && r.ok(); ++k) {
        m.heads.push_back(read_head(r));
        if (r.ok() && k > 0 && !(m.heads[k - 1].device_id < m.heads[k].device_id))
            r.fail("heads", "not in ascending device id order, each once");
    }
}
std::string read_id(CanonicalReader& r, std::string_view field) {
    std::string id = r.text(field, max_id_size);
    if (r.ok()) check_id(r, field, id);
    return id;
}
void read_body(CanonicalReader& r, CountyHello& m) {
    m.base_hash = r.hash("base hash");
    m.station_id = read_id(r, "station id");
}
void read_body(CanonicalReader& r, CountyWelcome& m) {
    m.base_hash = r.hash("base hash");
    m.county_id = read_id(r, "county id");
    m.max_frame = r.u32("max frame");
    m.max_records = r.u32("max records");
    if (r.ok() && (m.max_frame == 0 || m.max_frame > max_push_frame_size))
        r.fail("max frame", "is not between 1 and " + std::to_string(max_push_frame_size));
    if (r.ok() && (m.max_records == 0 || m.max_records > max_push_records))
        r.fail("max records", "is not between 1 and " + std::to_string(max_push_records));
}
void read_body(CanonicalReader& r, HeldRequest& m) { m.district_id = read_id(r, "district id"); }
void read_body(CanonicalReader& r, HeldSize& m) {
    m.district_id = read_id(r, "district id");
    m.size = r.u64("size");
}
void read_body(CanonicalReader& r, Push& m) {
    m.district_id = read_id(r, "district id");
    m.first = r.u64("first");
    const std::size_t n = r.count("records", max_push_records);
    if (r.ok() && n == 0) r.fail("records", "none");
    for (std::size_t k = 0; k < n && r.ok(); ++k) {
        m.records.push_back(r.bytes("record", max_record_size));
        if (r.ok() && m.records.back().empty()) r.fail("record", "is empty");
    }
    m.signed_checkpoint = r.text("signed checkpoint", max_checkpoint_size);
    const std::size_t proof = r.count("consistency proof", max_consistency_hashes);
    for (std::size_t k = 0; k < proof && r.ok(); ++k)
        m.consistency_proof.push_back(r.hash("consistency proof"));
}
void read_body(CanonicalReader& r, Pushed& m) {
    m.district_id = read_id(r, "district id");
    m.size = r.u64("size");
}
void read_body(CanonicalReader& r, ErrorReply& m) {
    const std::uint8_t high = r.u8("code");
    const std::uint8_t low = r.u8("code");
    const auto c = static_cast<std::uint16_t>(high << 8 | low);
    if (r.ok() && (c < 1 || c > 9)) r.fail("code", std::to_string(c) + " is not a known error");
    m.code = static_cast<ReplyCode>(c);
    m.text = r.text("text", max_error_text_size);
}

template <class T>
Result<Message> decode_as(ByteSpan data) {
    const MessageType type = type_for<T>();
    CanonicalReader r(data, code(type), protocol_version,
                      "station message " + std::string(to_string(type)));
    T m;
    m.request_id = r.u32("request id");
    read_body(r, m);
    PSEPHOS_TRY(r.finish());
    return Message{std::move(m)};
}

}  // namespace

std::string_view to_string(MessageType type) {
    switch (type) {
        case MessageType::hello:
            return "hello";
        case MessageType::submit:
            return "submit";
        case MessageType::status:
            return "status";
        case MessageType::lookup:
            return "lookup";
        case MessageType::ping:
            return "ping";
        case MessageType::welcome:
            return "welcome";
        case MessageType::receipt:
            return "receipt";
        case MessageType::status_report:
            return "status report";
        case MessageType::lookup_result:
            return "lookup result";
        case MessageType::pong:
            return "pong";
        case MessageType::final_head:
            return "final head";
        case MessageType::heads:
            return "heads";
        case MessageType::head_noted:
            return "head noted";
        case MessageType::head_list:
            return "head list";
        case MessageType::county_hello:
            return "county hello";
        case MessageType::county_welcome:
            return "county welcome";
        case MessageType::held:
            return "held";
        case MessageType::held_size:
            return "held size";
        case MessageType::push:
            return "push";
        case MessageType::pushed:
            return "pushed";
        case MessageType::error:
            return "error";
    }
    return "unknown";
}

std::string describe_answer(const Message& answer) {
    if (const auto* e = std::get_if<ErrorReply>(&answer))
        return "error " + std::to_string(static_cast<int>(e->code)) + ": " + e->text;
    return "an unexpected " + std::string(to_string(type_of(answer)));
}

MessageType type_of(const Message& message) {
    return std::visit([](const auto& m) { return type_for<std::decay_t<decltype(m)>>(); }, message);
}

std::uint32_t request_id_of(const Message& message) {
    return std::visit([](const auto& m) { return m.request_id; }, message);
}

Bytes encode_message(const Message& message) {
    return std::visit(
        [](const auto& m) {
            CanonicalWriter w(code(type_for<std::decay_t<decltype(m)>>()), protocol_version);
            w.u32(m.request_id);
            write_body(w, m);
            return w.take();
        },
        message);
}

Bytes encode_frame(const Message& message) {
    const Bytes body = encode_message(message);
    Bytes out;
    out.reserve(4 + body.size());
    append_u32_be(out, static_cast<std::uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Result<Message> decode_message(ByteSpan data) {
    if (data.empty()) return Error{ErrorCode::invalid_encoding, "station message: empty"};
    switch (static_cast<MessageType>(data[0])) {
        case MessageType::hello:
            return decode_as<Hello>(data);
        case MessageType::welcome:
            return decode_as<Welcome>(data);
        case MessageType::submit:
            return decode_as<Submit>(data);
        case MessageType::receipt:
            return decode_as<Receipt>(data);
        case MessageType::status:
            return decode_as<StatusRequest>(data);
        case MessageType::status_report:
            return decode_as<StatusReport>(data);
        case MessageType::lookup:
            return decode_as<Lookup>(data);
        case MessageType::lookup_result:
            return decode_as<LookupResult>(data);
        case MessageType::ping:
            return decode_as<Ping>(data);
        case MessageType::pong:
            return decode_as<Pong>(data);
        case MessageType::final_head:
            return decode_as<FinalHead>(data);
        case MessageType::head_noted:
            return decode_as<HeadNoted>(data);
        case MessageType::heads:
            return decode_as<HeadsRequest>(data);
        case MessageType::head_list:
            return decode_as<HeadList>(data);
        case MessageType::county_hello:
            return decode_as<CountyHello>(data);
        case MessageType::county_welcome:
            return decode_as<CountyWelcome>(data);
        case MessageType::held:
            return decode_as<HeldRequest>(data);
        case MessageType::held_size:
            return decode_as<HeldSize>(data);
        case MessageType::push:
            return decode_as<Push>(data);
        case MessageType::pushed:
            return decode_as<Pushed>(data);
        case MessageType::error:
            return decode_as<ErrorReply>(data);
    }
    return Error{ErrorCode::invalid_encoding,
                 "station message at byte 0: type " + std::to_string(data[0]) + " is not known"};
}

std::size_t FrameReader::wanted() const {
    if (!length_) return 4 - buffer_.size();
    if (*length_ == 0 || *length_ > max_frame_) return 0;  // next() reports it
    return 4 + *length_ - buffer_.size();
}

std::size_t FrameReader::feed(ByteSpan data) {
    std::size_t taken = 0;
    while (taken < data.size()) {
        const std::size_t n = std::min(wanted(), data.size() - taken);
        if (n == 0) break;
        buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(taken),
                       data.begin() + static_cast<std::ptrdiff_t>(taken + n));
        taken += n;
        if (!length_ && buffer_.size() == 4) {
            const std::size_t length = std::size_t{buffer_[0]} << 24 |
                                       std::size_t{buffer_[1]} << 16 |
                                       std::size_t{buffer_[2]} << 8 | buffer_[3];
            length_ = length;
            if (length == 0 || length > max_frame_) break;  // next() reports it
        }
    }
    return taken;
}

Result<std::optional<Bytes>> FrameReader::next() {
    if (!length_) return std::optional<Bytes>{};
    if (*length_ == 0 || *length_ > max_frame_)
        return Error{ErrorCode::invalid_encoding,
                     "station frame: length " + std::to_string(*length_) +
                         " is not between 1 and " + std::to_string(max_frame_)};
    if (buffer_.size() < 4 + *length_) return std::optional<Bytes>{};
    Bytes message(buffer_.begin() + 4, buffer_.end());
    buffer_.clear();
    length_.reset();
    return std::optional<Bytes>{std::move(message)};
}

}  // namespace psephos::station
