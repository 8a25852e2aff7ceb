// The station protocol (docs/station-protocol.md): how a kiosk talks to its polling place's
// station server over mutual TLS. A connection carries frames, u32be length ‖ message; a message
// is u8 type ‖ u8 protocol version ‖ u32 request id ‖ fields, in the canonical encoding of the
// records (docs/encoding.md §1). Requests have types 0x01–0x3F, their answers the type | 0x80;
// an error answers any request. The records a kiosk submits travel as their canonical bytes.
//
// This header is the codec only: no sockets. Decoders are strict (one message, one encoding;
// every length and count bounded before anything is allocated) and name the message, the field
// and the byte offset of the first problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::station {

inline constexpr std::uint8_t protocol_version = 1;

// Limits (docs/station-protocol.md §3). A frame's length counts the message after the u32.
inline constexpr std::size_t max_frame_size = 256 * 1024;
inline constexpr std::size_t max_record_size = max_frame_size - 64;
inline constexpr std::size_t max_id_size = 64;             // device, district, station ids
inline constexpr std::size_t max_error_text_size = 1024;   // an error's message
inline constexpr std::size_t max_checkpoint_size = 4096;   // a signed note
inline constexpr std::size_t max_verifier_key_size = 512;  // a note verifier key, as text
inline constexpr std::size_t max_inclusion_hashes = 64;    // any tree below 2^64 leaves
inline constexpr std::size_t max_heads = 1000;  // final heads in one head list (~172 bytes each)
// A station's pushes to its county (docs/station-protocol.md §8): the county reads frames up to
// its own limit (at most max_push_frame_size), a push carries at most max_push_records records
// and a consistency proof of at most max_consistency_hashes hashes.
inline constexpr std::size_t max_push_frame_size = 16 * 1024 * 1024;
inline constexpr std::size_t max_push_records = 4096;
inline constexpr std::size_t max_consistency_hashes = 128;

enum class MessageType : std::uint8_t {
    hello = 0x01,
    submit = 0x02,
    status = 0x03,
    lookup = 0x04,
    ping = 0x05,
    final_head = 0x06,    // a kiosk's signed head as it finishes for the day
    heads = 0x07,         // the final heads the station holds for the district
    county_hello = 0x08,  // a station opens its connection to the county (§8)
    held = 0x09,          // how much of a district the county holds
    push = 0x0A,          // a station's district records and its signed checkpoint
    welcome = 0x81,       // answers hello
    receipt = 0x82,       // answers submit
    status_report = 0x83,
    lookup_result = 0x84,
    pong = 0x85,
    head_noted = 0x86,      // answers final_head
    head_list = 0x87,       // answers heads
    county_welcome = 0x88,  // answers county_hello
    held_size = 0x89,       // answers held
    pushed = 0x8A,          // answers push
    error = 0xFF,           // answers any request
};

std::string_view to_string(MessageType type);

// The first request of a connection. The device id must be the one the client's certificate was
// issued to; base_hash is the election the kiosk was set up for.
struct Hello {
    std::uint32_t request_id = 0;
    Hash32 base_hash;
    std::string device_id;
    friend bool operator==(const Hello&, const Hello&) = default;
};

// The station's answer: which election and district it serves, its clock, and the limits it
// enforces on this connection.
struct Welcome {
    std::uint32_t request_id = 0;
    Hash32 base_hash;
    std::string station_id;
    std::string district_id;
    std::uint64_t station_time = 0;  // Unix seconds
    std::uint32_t max_frame = 0;
    std::uint32_t max_in_flight = 0;
    friend bool operator==(const Welcome&, const Welcome&) = default;
};

// A record for the district's log: an encrypted ballot (0x02), a challenged ballot (0x03) or a
// polls record (0x08–0x0B), as its canonical bytes. The decoder checks only the first byte; the
// ledger checks the record.
struct Submit {
    std::uint32_t request_id = 0;
    Bytes record;
    friend bool operator==(const Submit&, const Submit&) = default;
};

// Where a record is, once its write is durable: its index in the district log, its leaf hash
// (SHA-256(0x00 ‖ record)), the district log's signed checkpoint of the batch that made it
// durable, with the log's verifier key, and the inclusion proof of the leaf in that checkpoint's
// tree (RFC 9162). What a voter's receipt file holds (docs/proof-bundle.md §4).
struct Inclusion {
    std::uint64_t index = 0;
    Hash32 leaf_hash;
    std::string verifier_key;
    std::string signed_checkpoint;
    std::vector<Hash32> proof;
    friend bool operator==(const Inclusion&, const Inclusion&) = default;
};

struct Receipt {
    std::uint32_t request_id = 0;
    Inclusion inclusion;
    friend bool operator==(const Receipt&, const Receipt&) = default;
};

struct StatusRequest {
    std::uint32_t request_id = 0;
    friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

enum class PollsState : std::uint8_t { not_opened = 0, open = 1, paused = 2, closed = 3 };

// The district's state and the asking device's chain as the log holds it: the kiosk compares the
// head with the one it keeps itself before it signs a closing (docs/ledger.md §4).
struct StatusReport {
    std::uint32_t request_id = 0;
    PollsState polls = PollsState::not_opened;
    std::uint64_t ballots_cast = 0;
    std::uint64_t ballots_challenged = 0;
    std::uint64_t log_size = 0;
    std::uint64_t device_ballots = 0;
    Hash32 device_last_tracking_code;
    friend bool operator==(const StatusReport&, const StatusReport&) = default;
};

// Is the ballot of this tracking code in the district log? A kiosk whose connection dropped with
// a ballot in flight settles it this way before it submits anything else.
struct Lookup {
    std::uint32_t request_id = 0;
    Hash32 tracking_code;
    friend bool operator==(const Lookup&, const Lookup&) = default;
};

struct LookupResult {
    std::uint32_t request_id = 0;
    // Absent when the log holds no ballot of that code; else the record's type (0x02 or 0x03)
    // and where it is.
    std::optional<std::uint8_t> record_type;
    Inclusion inclusion;
    friend bool operator==(const LookupResult&, const LookupResult&) = default;
};

struct Ping {
    std::uint32_t request_id = 0;
    std::uint64_t nonce = 0;
    friend bool operator==(const Ping&, const Ping&) = default;
};

struct Pong {
    std::uint32_t request_id = 0;
    std::uint64_t nonce = 0;
    friend bool operator==(const Pong&, const Pong&) = default;
};

// A device's own statement of its chain as it finishes for the day (docs/ledger.md §4): its
// ballots (cast and challenged) and the tracking code of the last, signed with its key over
// election::device_head_message. The fields of election::DeviceHead; the closing record carries
// one per registered device of the district.
struct SignedHead {
    std::string device_id;
    std::uint64_t ballots = 0;
    Hash32 last_tracking_code;
    crypto::Ed25519Signature signature;
    friend bool operator==(const SignedHead&, const SignedHead&) = default;
};

// A kiosk finishes for the day: it sends its signed head, and takes no more voters. The station
// keeps it (if its signature and its chain are the log's) for the closing, and refuses the
// device's ballots from then on.
struct FinalHead {
    std::uint32_t request_id = 0;
    SignedHead head;
    friend bool operator==(const FinalHead&, const FinalHead&) = default;
};

struct HeadNoted {
    std::uint32_t request_id = 0;
    std::uint32_t heads_held = 0;          // final heads the station holds for the district
    std::uint32_t devices_registered = 0;  // the district's registered devices
    friend bool operator==(const HeadNoted&, const HeadNoted&) = default;
};

// The final heads the station holds for the connection's district, for the kiosk that closes the
// polls: it puts them, with its own, into the closing record it signs.
struct HeadsRequest {
    std::uint32_t request_id = 0;
    friend bool operator==(const HeadsRequest&, const HeadsRequest&) = default;
};

struct HeadList {
    std::uint32_t request_id = 0;
    std::vector<SignedHead> heads;  // in ascending device id order, at most max_heads
    friend bool operator==(const HeadList&, const HeadList&) = default;
};

// The station's first request on its connection to the county (§8). The station id must be the
// one the county configured for the certificate's key.
struct CountyHello {
    std::uint32_t request_id = 0;
    Hash32 base_hash;
    std::string station_id;
    friend bool operator==(const CountyHello&, const CountyHello&) = default;
};

struct CountyWelcome {
    std::uint32_t request_id = 0;
    Hash32 base_hash;
    std::string county_id;
    std::uint32_t max_frame = 0;    // the largest frame the county reads on this connection
    std::uint32_t max_records = 0;  // the most records one push may carry
    friend bool operator==(const CountyWelcome&, const CountyWelcome&) = default;
};

// How many records of the district the county holds from this station.
struct HeldRequest {
    std::uint32_t request_id = 0;
    std::string district_id;
    friend bool operator==(const HeldRequest&, const HeldRequest&) = default;
};

// The answer to held and to push: the size of the district's log the county holds.
struct HeldSize {
    std::uint32_t request_id = 0;
    std::string district_id;
    std::uint64_t size = 0;
    friend bool operator==(const HeldSize&, const HeldSize&) = default;
};

// Records first .. first + records.size() − 1 of the station's district log, the station's signed
// checkpoint of size first + records.size(), and the consistency proof (RFC 9162) from size
// `first` to it (empty when first is 0).
struct Push {
    std::uint32_t request_id = 0;
    std::string district_id;
    std::uint64_t first = 0;
    std::vector<Bytes> records;
    std::string signed_checkpoint;
    std::vector<Hash32> consistency_proof;
    friend bool operator==(const Push&, const Push&) = default;
};

struct Pushed {
    std::uint32_t request_id = 0;
    std::string district_id;
    std::uint64_t size = 0;  // what the county holds after the push
    friend bool operator==(const Pushed&, const Pushed&) = default;
};

// Why a request was not served (docs/station-protocol.md §4). Values are permanent.
enum class ReplyCode : std::uint16_t {
    malformed = 1,  // the message did not decode; the connection is closed
    unsupported_version = 2,
    hello_first = 3,     // a request before the hello
    not_authorised = 4,  // the device is unknown, deauthorised, of another district or election
    refused = 5,         // the ledger refused the record; the text is its reason
    busy = 6,            // too many requests in flight on this connection: retry later
    rate_limited = 7,    // the device submits faster than its rate
    unavailable = 8,     // the station cannot write now (its ledger failed); nothing was written
    equivocation = 9,    // (county) a checkpoint that contradicts one the county holds; kept
};

struct ErrorReply {
    std::uint32_t request_id = 0;
    ReplyCode code = ReplyCode::malformed;
    std::string text;
    friend bool operator==(const ErrorReply&, const ErrorReply&) = default;
};

using Message =
    std::variant<Hello, Welcome, Submit, Receipt, StatusRequest, StatusReport, Lookup, LookupResult,
                 Ping, Pong, FinalHead, HeadNoted, HeadsRequest, HeadList, CountyHello,
                 CountyWelcome, HeldRequest, HeldSize, Push, Pushed, ErrorReply>;

MessageType type_of(const Message& message);
// An answer that was not the one awaited, for an error message: "error 6: busy…" or
// "an unexpected pong".
std::string describe_answer(const Message& answer);
std::uint32_t request_id_of(const Message& message);

// The message's canonical bytes (no frame length).
Bytes encode_message(const Message& message);
// The message with its u32be length in front, ready for the wire.
Bytes encode_frame(const Message& message);
// Strict: the type and version known, every field within its limit, no trailing byte, one
// encoding per message. invalid_encoding naming the message, field and byte offset.
Result<Message> decode_message(ByteSpan data);

// Cuts a byte stream into messages. feed() takes what the socket read; next() returns the next
// whole message's bytes, nothing while one is incomplete, or an error (a length of 0 or above
// the limit) after which the connection must be closed. It never holds more than one frame's
// header and max_frame bytes of body beyond what next() has returned, so a peer cannot make it
// allocate more by announcing a large frame.
class FrameReader {
public:
    explicit FrameReader(std::size_t max_frame = max_frame_size) : max_frame_(max_frame) {}
    // How many bytes the reader can take now without exceeding one frame; the socket reads at
    // most that much (so the buffer stays bounded).
    std::size_t wanted() const;
    // Appends data; at most wanted() bytes are taken, the count is returned.
    std::size_t feed(ByteSpan data);
    Result<std::optional<Bytes>> next();
    std::size_t buffered() const { return buffer_.size(); }

private:
    std::size_t max_frame_;
    Bytes buffer_;
    std::optional<std::size_t> length_;  // the current frame's, once its header is read
};

}  // namespace psephos::station
