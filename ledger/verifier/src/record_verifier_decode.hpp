// The record verifier's own strict byte reader and record decoders (docs/election-record.md §3,
// docs/encoding.md), written from the documents and independent of the ledger's decoders, so a
// bug in those cannot hide itself from the verifier. Private to ledger/verifier/src.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/point.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/public_committed_proofs.hpp"
#include "psephos/crypto/range_proof.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::verifier::decode {

// SHA-256 through libsodium, and the hash inputs of docs/election-record.md §4.
Hash32 sha256_of(ByteSpan data);
Hash32 sha256_of(std::initializer_list<ByteSpan> parts);
Bytes text_field(std::string_view s);  // u32be(len) ‖ s
Hash32 domain_hash(std::string_view label, ByteSpan data);
Hash32 leaf_hash(ByteSpan record);
Hash32 node_hash(const Hash32& left, const Hash32& right);
Hash32 tracking_code_seed(const Hash32& base_hash, std::string_view device_id);
Hash32 next_tracking_code(const Hash32& previous, const Hash32& ballot_hash);
std::string display_tracking_code(const Hash32& code);
bool is_id(std::string_view s);

// The root of a growing tree from its right edge (RFC 9162 MTH), written here again.
class RootBuilder {
public:
    void append(const Hash32& leaf);
    std::uint64_t size() const { return size_; }
    Hash32 root() const;

private:
    std::uint64_t size_ = 0;
    std::vector<std::pair<Hash32, std::uint64_t>> range_;  // subtree root, its leaf count
};

// Reads fields in order; the first problem sticks and later reads return zeros.

// The record types the verifier reads (docs/encoding.md), in its own words: the first byte of
// every record. The verifier shares no header with the election library, so it names them here.
enum class RecordKind : std::uint8_t {
    manifest = 0x01,
    cast_ballot = 0x02,
    challenged_ballot = 0x03,
    device_registration = 0x07,
    polls_opened = 0x08,
    polls_paused = 0x09,
    polls_resumed = 0x0A,
    polls_closed = 0x0B,
    district_checkpoint = 0x0C,
    event = 0x0D,
    district_tally = 0x0E,
    tally_decryption = 0x0F,
    district_result = 0x10,
    anchor_intent = 0x11,
    anchor_transaction = 0x12,
    anchor_confirmation = 0x13,
    authority_approval = 0x14,
    device_deauthorisation = 0x17,
    equivocation_evidence = 0x18,  // a county's file, never in a log (docs/encoding.md §12.2)
};

class Reader {
public:
    Reader(ByteSpan data, std::string what) : data_(data), what_(std::move(what)) {}
    // The type and version bytes (version 1, or the one given).
    void header(RecordKind kind, std::uint8_t version = 1);
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    std::size_t position() const { return at_; }
    void fail(const std::string& why);

    ByteSpan take(std::size_t n);
    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    std::uint32_t count(std::uint32_t limit);
    ByteSpan bytes(std::uint32_t limit);
    std::string text(std::uint32_t limit);
    std::string id();
    Hash32 hash();
    crypto::Point point();
    // A ciphertext decoded once by the public backend (each half by the rules and with the
    // messages of point()).
    crypto::DecodedCiphertext ciphertext();
    crypto::Scalar scalar();
    crypto::Ed25519PublicKey ed_key();
    // A ballot's range proof (docs/encoding.md §4): u32 limit, then in commitment form
    // (`committed`, ballot version 3) a_0, b_0, …, a_L, b_L decoded once by the public backend,
    // then c_0 … c_L, v_0 … v_L. `commitments` stays empty for the compact form.
    crypto::DecodedCommittedRangeProof range_proof(std::optional<std::uint32_t> expected_limit,
                                                   bool committed);
    void done();

private:
    ByteSpan data_;
    std::string what_;
    std::size_t at_ = 0;
    std::string error_;
};

struct Localized {
    std::string text;
    std::vector<std::pair<std::string, std::string>> translations;
};
struct ManifestContest {
    std::string id;
    Localized title;
    std::uint8_t kind = 0;
    std::uint32_t vote_for = 0;
    std::vector<std::pair<std::string, Localized>> options;
};
struct ManifestStyle {
    std::string id;
    std::vector<std::string> districts, contests;
};
struct ManifestCommitment {
    crypto::Point key;
    crypto::Scalar challenge, response;
};
struct ManifestGuardian {
    std::uint32_t index = 0;
    crypto::Ed25519PublicKey identity_key;
    std::vector<ManifestCommitment> commitments;
};
struct DecodedManifest {
    std::string election_id, name, start_date, end_date;
    std::vector<std::pair<std::string, std::string>> districts;
    std::vector<ManifestContest> contests;
    std::vector<ManifestStyle> styles;
    std::uint32_t guardian_count = 0, threshold = 0;
    // Version 2 only (its "polls" member, docs/encoding.md §3): how many different people the
    // polls-closed record's actor must name; 1 in version 1.
    std::uint32_t close_requires = 1;
    std::size_t ceremony_offset = 0;
    crypto::Point joint_key;
    std::vector<ManifestGuardian> guardians;
};
// Each decoder returns the record or the first problem, "<what> at byte <n>: <why>"
// (ErrorCode::invalid_encoding).
Result<DecodedManifest> decode_manifest(ByteSpan data);

struct DecodedSelection {
    std::string id;
    // Decoded once by the public backend (docs/crypto.md §1.1): unencoded for the proofs and the
    // tally, and the 64 bytes as in the record for transcripts, names and openings.
    crypto::DecodedCiphertext ciphertext;
    crypto::DecodedCommittedRangeProof proof;  // commitments empty in a version 2 ballot
};
struct DecodedContest {
    std::string id;
    std::vector<DecodedSelection> selections;
    crypto::DecodedCommittedRangeProof count_proof;
};
// Encrypted ballot versions the verifier reads (docs/encoding.md §4): 2 with compact range
// proofs, 3 with commitment-form ones (checked as one batch per ballot).
inline constexpr std::uint8_t oldest_ballot_version = 2;
inline constexpr std::uint8_t committed_ballot_version = 3;
struct DecodedBallot {
    std::uint8_t version = 0;
    Hash32 base_hash;
    std::string ballot_id, device_id, district_id, style_id;
    std::uint64_t timestamp = 0;
    Hash32 previous;
    std::vector<DecodedContest> contests;
    crypto::Ed25519Signature signature;
    std::size_t body_offset = 0, body_size = 0;  // in the record's bytes
};
struct Opening {
    std::uint8_t mark = 0;
    crypto::Scalar nonce;
};
// A cast ballot (0x02), or a challenged one (0x03) with its openings per contest and selection.
struct DecodedChallenged {
    DecodedBallot ballot;
    std::vector<std::vector<Opening>> openings;
};
Result<DecodedBallot> decode_ballot(ByteSpan record);
Result<DecodedChallenged> decode_challenged(ByteSpan record);

struct DecodedRegistration {
    std::string district_id, device_id;
    crypto::Ed25519PublicKey key;
    crypto::Ed25519Signature authority_signature;
    std::size_t body_size = 0;  // what the authority signed, after its label and the base hash
};
// Version 2 (version 1 had no authority signature and is refused).
Result<DecodedRegistration> decode_registration(ByteSpan record);

struct DecodedDeauthorisation {
    std::string district_id, device_id;
    crypto::Ed25519PublicKey key;
    std::string reason;
    crypto::Ed25519Signature authority_signature;
    std::size_t body_size = 0;  // what the authority signed, after its label and the base hash
};
Result<DecodedDeauthorisation> decode_deauthorisation(ByteSpan record);

// A frame of county/equivocations.bin (0x18, docs/encoding.md §12.2).
struct DecodedEquivocation {
    std::string station_id, district_id, reason, held_note, presented_note;
};
Result<DecodedEquivocation> decode_equivocation(ByteSpan record);

// authority.bin: the election authority's approval (0x14, docs/encoding.md §23).
struct DecodedApproval {
    Hash32 base_hash;
    crypto::Ed25519PublicKey authority_key;
    crypto::Ed25519Signature signature;
};
Result<DecodedApproval> decode_approval(ByteSpan record);

struct DecodedHead {
    std::string device_id;
    std::uint64_t ballots = 0;
    Hash32 last_code;
    crypto::Ed25519Signature signature;
};
struct DecodedPolls {
    std::string district_id;
    std::uint64_t time = 0;  // Unix seconds, as the poll worker's device stamped it
    std::uint64_t cast = 0, challenged = 0;
    std::string actor;               // who acted: names separated by commas (V18's close rule)
    std::string device_id;           // the device that signed it
    std::vector<DecodedHead> heads;  // closed only, ascending device ids
    crypto::Ed25519Signature signature;
    std::size_t body_size = 0;  // what the device signed, after its label and the base hash
};
// Version 2 (docs/encoding.md §13; version 1, unsigned, is refused).
Result<DecodedPolls> decode_polls(ByteSpan record);

struct DecodedDistrictCheckpoint {
    std::string district_id, note;
};
Result<DecodedDistrictCheckpoint> decode_district_checkpoint(ByteSpan record);

struct DecodedEvent {
    std::uint64_t sequence = 0;
    std::string district_id;
    Hash32 previous;
};
Result<DecodedEvent> decode_event(ByteSpan record);

template <class T>
using PerOption = std::vector<std::pair<std::string, std::vector<std::pair<std::string, T>>>>;

struct DecodedTally {
    std::string district_id, style_id;
    std::uint64_t log_size = 0;
    Hash32 log_root;
    std::uint64_t counted = 0, challenged = 0;
    PerOption<crypto::Ciphertext> sums;
};
Result<DecodedTally> decode_tally(ByteSpan record);

struct DecodedShare {
    crypto::Point partial;
    crypto::Scalar challenge, response;
};
struct DecodedDecryption {
    std::string district_id;
    std::uint32_t guardian = 0;
    Hash32 tally_hash;
    PerOption<DecodedShare> shares;
    crypto::Ed25519Signature signature;
    std::size_t body_size = 0;
};
Result<DecodedDecryption> decode_decryption(ByteSpan record);

struct DecodedResult {
    std::string district_id;
    Hash32 tally_hash;
    std::vector<std::uint32_t> guardians;
    PerOption<std::uint64_t> counts;
};
Result<DecodedResult> decode_result(ByteSpan record);

// The bridge log's records (docs/encoding.md §19–§22).
struct DecodedAnchorPayload {
    Hash32 digest;
    std::uint64_t size = 0;
    Hash32 root;
};
struct DecodedAnchorIntent {
    std::string chain, network, reason;
    std::uint8_t kind = 0;  // 1 EVM, 2 Bitcoin
    Bytes payload;
    DecodedAnchorPayload anchored;
};
Result<DecodedAnchorIntent> decode_anchor_intent(ByteSpan record);
struct DecodedAnchorTransaction {
    std::uint64_t intent = 0;
    Hash32 transaction_id;
    std::uint64_t nonce = 0;
    std::string sender;
    Bytes raw;
};
Result<DecodedAnchorTransaction> decode_anchor_transaction(ByteSpan record);
struct DecodedAnchorConfirmation {
    std::uint64_t intent = 0;
    Hash32 transaction_id;
    std::uint64_t block = 0;
    std::uint32_t confirmations = 0;
};
Result<DecodedAnchorConfirmation> decode_anchor_confirmation(ByteSpan record);

// Notes and checkpoints (docs/election-record.md §3.3).
struct VerifierKey {
    std::string name;
    std::array<std::uint8_t, 4> key_id{};
    crypto::Ed25519PublicKey key;
};
Result<VerifierKey> parse_verifier_key(std::string_view text);
// Checks the signatures; returns the checkpoint text the note signs.
Result<std::string> open_note(std::string_view note, const VerifierKey& key);
struct ParsedCheckpoint {
    std::string origin;
    std::uint64_t size = 0;
    Hash32 root;
};
Result<ParsedCheckpoint> parse_checkpoint(std::string_view text);

}  // namespace psephos::verifier::decode
