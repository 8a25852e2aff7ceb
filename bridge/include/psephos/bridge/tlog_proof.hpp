// C2SP tlog-proof (c2sp.org/tlog-proof, v1): the text form of an offline-verifiable proof that an
// entry is in a transparency log, with the log's checkpoint and the witnesses' cosignatures
// (docs/proof-bundle.md §5):
//   "c2sp.org/tlog-proof@v1\n"
//   ["extra " base64(opaque extra data) "\n"]
//   "index " decimal index (no leading zeros) "\n"
//   zero or more lines base64(32-byte hash): the RFC 6962 inclusion proof, leaf's sibling first
//   "\n"
//   the checkpoint note, verbatim (the log's signature and cosignature lines)
//
// Psephos exports one per ballot, of the election log (the log witnesses cosign): the entry is the
// 0x0C record of the ballot's district checkpoint, and the extra data is the chain from the
// ballot to that record (its encoding below), which step 1 of the spec's verification ("compute
// the leaf hash; application specific") checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/signed_note.hpp"

namespace psephos::bridge {

inline constexpr std::string_view tlog_proof_header = "c2sp.org/tlog-proof@v1";

struct TlogProof {
    std::optional<Bytes> extra;  // absent: no "extra" line
    std::uint64_t index = 0;
    std::vector<Hash32> inclusion;
    std::string checkpoint;  // the signed note, verbatim
};

std::string tlog_proof_to_text(const TlogProof& proof);
// Strict: the header; an optional "extra" line of canonical base64; "index" without leading
// zeros; at most 64 proof lines, each canonical base64 of 32 bytes; one empty line; then a
// non-empty checkpoint note ending in a newline (kept verbatim; not checked here). At most 4 MiB.
// Errors name the line.
Result<TlogProof> parse_tlog_proof(std::string_view text);

// Steps 2–4 of the spec's verification for a leaf hash computed by the caller (step 1): the
// checkpoint carries a valid signature of `log_key` and its origin is the key's name; with a
// policy, the cosignatures of at least k of its witnesses verify; the inclusion proof puts
// `leaf_hash` at `index` in the checkpoint's root. Returns the checkpoint, and the names of the
// witnesses that cosigned it (empty without a policy).
struct VerifiedTlogProof {
    election::Checkpoint checkpoint;
    std::vector<std::string> cosigners;
};
Result<VerifiedTlogProof> verify_tlog_proof(const TlogProof& proof, const Hash32& leaf_hash,
                                            const election::NoteVerifierKey& log_key,
                                            const std::optional<crypto::WitnessPolicy>& policy);

// The extra data of a Psephos ballot proof: the ballot's record (0x02 cast or 0x03 challenged),
// its index in its district log, its RFC 9162 inclusion proof in the district checkpoint that
// the election-log entry carries, and that entry (the 0x0C record):
//   0x01 ‖ u32be(len) ‖ ballot record ‖ u64be(index) ‖ u8(n) ‖ n × 32-byte hash
//        ‖ u32be(len) ‖ 0x0C record
struct BallotChain {
    Bytes ballot_record;
    std::uint64_t ballot_index = 0;
    std::vector<Hash32> district_inclusion;
    Bytes election_leaf;
};
Bytes encode_ballot_chain(const BallotChain& chain);
Result<BallotChain> decode_ballot_chain(ByteSpan extra);

// The bundle's ballot as a tlog-proof of the election log: the witnessed checkpoint (with its
// cosignature lines) if the bundle carries one, else the election checkpoint of P5.
TlogProof tlog_proof_of_bundle(const ProofBundle& bundle);

struct TlogProofTrust {
    election::NoteVerifierKey election_key;  // the election log's verifier key (--log-key)
    std::optional<election::NoteVerifierKey> district_key;  // checks the district's signature
    std::optional<crypto::WitnessPolicy> witness_policy;
    // The ballot must have this tracking code: its printed form (32 base32 characters, dashes
    // and spaces optional) or 64 hex digits.
    std::optional<std::string> tracking_code;
};

// A Psephos ballot tlog-proof, checked as the spec's four steps (T1–T4, docs/proof-bundle.md §5):
// T1 the extra data decodes, its 0x0C record names a district and carries a checkpoint of that
// district's log (signed by the district key if given), the ballot is at its index in it, and
// its tracking code (recomputed) is the expected one if given; the leaf hash is that record's.
// T2 the checkpoint is the election log's; T3 the witness policy (only if given); T4 inclusion.
std::vector<BundleCheck> verify_ballot_tlog_proof(const TlogProof& proof,
                                                  const TlogProofTrust& trust);

}  // namespace psephos::bridge
