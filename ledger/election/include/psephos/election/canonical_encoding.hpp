// The canonical binary encoding of every Psephos record (docs/encoding.md): a record is
// u8 record type ‖ u8 version ‖ body; integers are big-endian and fixed-width; variable-length
// fields (byte strings, UTF-8 text, lists) are prefixed with their u32be length or count; group
// elements, scalars and digests are their fixed 32 bytes. One value has exactly one encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::election {

// Record types (docs/encoding.md §2). Values are permanent: never renumber.
enum class RecordType : std::uint8_t {
    election_manifest = 0x01,
    encrypted_ballot = 0x02,
    challenged_ballot = 0x03,
    guardian_announcement = 0x04,
    sealed_share = 0x05,
    decryption_share = 0x06,
    // The ledger's own records (ledger_records.hpp).
    device_registration = 0x07,
    polls_opened = 0x08,
    polls_paused = 0x09,
    polls_resumed = 0x0A,
    polls_closed = 0x0B,
    district_checkpoint = 0x0C,
    ledger_event = 0x0D,
    // The tally's records (tally_records.hpp).
    district_tally = 0x0E,
    tally_decryption = 0x0F,
    district_result = 0x10,
    // The bridge log's records (anchor_records.hpp).
    anchor_intent = 0x11,
    anchor_transaction = 0x12,
    anchor_confirmation = 0x13,
    // The election authority's approval of a finalized election (authority.hpp).
    election_approval = 0x14,
    // Files of a distributed key ceremony, never in a log (ceremony_exchange.hpp).
    share_complaint = 0x15,
    share_resolution = 0x16,
    // The election authority's withdrawal of a device's authorisation (ledger_records.hpp).
    device_deauthorisation = 0x17,
    // A station's two conflicting checkpoints, kept by the county; never in a log
    // (ledger_records.hpp).
    equivocation_evidence = 0x18,
};

class CanonicalWriter {
public:
    CanonicalWriter(RecordType type, std::uint8_t version);
    // For encodings of the same shape that are not records (the station protocol's messages,
    // docs/station-protocol.md): u8 type ‖ u8 version ‖ body, the type in their own numbering.
    CanonicalWriter(std::uint8_t type, std::uint8_t version);

    void u8(std::uint8_t value);
    void u32(std::uint32_t value);
    void u64(std::uint64_t value);
    void text(std::string_view utf8);  // u32be length ‖ bytes
    void bytes(ByteSpan data);         // u32be length ‖ bytes
    void fixed(ByteSpan data);         // bytes as they are (fixed-size fields)
    void point(const crypto::Point& p) { fixed(p.bytes()); }
    void scalar(const crypto::Scalar& s) { fixed(s.bytes()); }
    void hash(const Hash32& h) { fixed(h.span()); }
    void count(std::size_t n);  // a list's u32be element count

    const Bytes& data() const { return out_; }
    Bytes take() { return std::move(out_); }

private:
    Bytes out_;
};

// Reads a record field by field. The first problem (truncation, an invalid element, a bad
// length, a count over its limit) is kept with the record name, field and byte offset; later
// reads then return empty values and read nothing, so decoders read straight through and check
// status() once. finish() also rejects trailing bytes.
class CanonicalReader {
public:
    // Checks the record type and that the version is one this decoder knows (min_version …
    // max_version; a version a format bump retired is below min_version).
    CanonicalReader(ByteSpan data, RecordType type, std::uint8_t max_version,
                    std::string record_name, std::uint8_t min_version = 1);
    // The same for encodings that are not records (see CanonicalWriter's).
    CanonicalReader(ByteSpan data, std::uint8_t type, std::uint8_t max_version,
                    std::string record_name, std::uint8_t min_version = 1);

    std::uint8_t version() const { return version_; }
    std::uint8_t u8(std::string_view field);
    std::uint32_t u32(std::string_view field);
    std::uint64_t u64(std::string_view field);
    std::string text(std::string_view field, std::size_t max_size);
    Bytes bytes(std::string_view field, std::size_t max_size);
    crypto::Point point(std::string_view field);
    crypto::Scalar scalar(std::string_view field);
    Hash32 hash(std::string_view field);
    crypto::Ed25519PublicKey ed25519_public_key(std::string_view field);
    crypto::Ed25519Signature ed25519_signature(std::string_view field);
    // A list's element count, refused above max_count (so nothing allocates from a bad count).
    std::size_t count(std::string_view field, std::size_t max_count);
    // Reads raw bytes of a known size (e.g. a proof whose size follows from the statement).
    ByteSpan fixed(std::string_view field, std::size_t size);

    // Marks the record invalid with a reason found by the decoder (e.g. a cross-field rule).
    void fail(std::string_view field, std::string_view reason);

    bool ok() const { return !error_.has_value(); }
    // OK if every byte was read without a problem; otherwise the first problem.
    Status finish();

private:
    bool take(std::string_view field, std::size_t size, ByteSpan& out);

    ByteSpan data_;
    std::size_t offset_ = 0;
    std::string record_;
    std::uint8_t version_ = 0;
    std::optional<Error> error_;
};

}  // namespace psephos::election
