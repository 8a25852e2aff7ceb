// An encrypted ballot as the kiosk builds it and the ledger stores it (docs/encoding.md §4):
// for each contest of the district's ballot style, one ElGamal ciphertext per option with its 0/1
// proof, and a range proof that the marks sum to at most vote-for-N; identified by ballot id,
// device, district and a coarse timestamp; chained to the device's previous tracking code; signed
// by the device. Plaintext marks and nonces exist only in memory on the kiosk (PreparedBallot):
// cast drops the nonces (wiped), challenge reveals them (ChallengedBallot).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "psephos/crypto/background_pool.hpp"
#include "psephos/crypto/committed_range_proof.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/precomputed_contest.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/election/election_context.hpp"

namespace psephos::election {

// The encrypted ballot record's versions (docs/encoding.md §2, §4). Version 2 binds device,
// district and ballot style in every proof context (format v2); a version 1 ballot's proofs were
// made without them, and every decoder refuses it by its version. Version 3 (what kiosks make)
// carries every range proof in commitment form (docs/crypto.md §4.6), so that a ballot's proofs
// are checked as one batch; version 2 ballots (records made before it) still decode and verify.
inline constexpr std::uint8_t encrypted_ballot_version = 3;
inline constexpr std::uint8_t oldest_encrypted_ballot_version = 2;
// The first version whose range proofs carry their commitments.
inline constexpr std::uint8_t committed_proofs_ballot_version = 3;

// The bytes of a range proof with limit L in a ballot of this version, after its u32 limit:
// 64(L+1) for the compact form, 128(L+1) with the commitments.
constexpr std::size_t ballot_range_proof_size(std::uint8_t version, std::uint32_t limit) {
    return (version >= committed_proofs_ballot_version ? 4 : 2) * (std::size_t{limit} + 1) *
           crypto::Scalar::size;
}

// A range proof as a ballot carries it: `compact` always; `commitments` (a_0, b_0, …, a_L, b_L)
// in version 3, empty in version 2.
using BallotRangeProof = crypto::CommittedRangeProof;

struct EncryptedSelection {
    std::string option_id;
    crypto::Ciphertext ciphertext;
    BallotRangeProof proof;  // 0/1 (limit 1)

    friend bool operator==(const EncryptedSelection&, const EncryptedSelection&) = default;
};

struct EncryptedContest {
    std::string contest_id;
    std::vector<EncryptedSelection> selections;  // in the manifest's option order
    BallotRangeProof selection_count_proof;      // Σ selections ∈ [0, vote_for]

    friend bool operator==(const EncryptedContest&, const EncryptedContest&) = default;
};

struct EncryptedBallot {
    // The record version it is encoded in (oldest_encrypted_ballot_version …
    // encrypted_ballot_version); it decides the proofs' form.
    std::uint8_t version = encrypted_ballot_version;
    Hash32 election_base_hash;
    std::string ballot_id;
    std::string device_id;
    std::string district_id;
    std::string ballot_style_id;
    std::uint64_t timestamp = 0;  // Unix seconds, rounded down to the hour (coarse on purpose)
    Hash32 previous_tracking_code;
    std::vector<EncryptedContest> contests;  // in the ballot style's contest order
    crypto::Ed25519Signature device_signature;

    friend bool operator==(const EncryptedBallot&, const EncryptedBallot&) = default;
};

// Canonical encoding: the signed body, then the 64-byte signature, in ballot.version. Throws
// std::logic_error for a version 3 ballot whose proof lacks its 2(L+1) commitments, or a
// version this build does not write (never for a ballot encrypt_ballot or decode_ballot made).
Bytes encode_ballot_body(const EncryptedBallot& ballot);
Bytes encode_ballot(const EncryptedBallot& ballot);
Result<EncryptedBallot> decode_ballot(ByteSpan data);

// SHA-256 of the body: what the tracking code chains and the ledger's leaf commits to.
Hash32 compute_ballot_hash(const EncryptedBallot& ballot);

// Tracking codes (docs/encoding.md §5): a hash chain per device.
Hash32 initial_tracking_code(const Hash32& election_base_hash, std::string_view device_id);
Hash32 next_tracking_code(const Hash32& previous, const Hash32& ballot_hash);
// The first 20 bytes in RFC 4648 base32, as 8 groups of 4 ("ABCD-EFGH-…"): what the voter reads.
std::string format_tracking_code(const Hash32& code);
// The 20 bytes a printed tracking code stands for: 32 base32 characters, case-insensitive, with
// or without the dashes (anywhere) and spaces a voter may type. invalid_argument otherwise,
// naming the character and its position.
Result<std::array<std::uint8_t, 20>> parse_tracking_code(std::string_view text);

// Proof context of a selection's 0/1 proof (option_id set) or a contest's count proof (empty):
// the ballot id, device, district and ballot style, then the contest and option
// (docs/encoding.md §4.1), so a proof copied into a ballot of another device, district or style
// does not verify.
Bytes ballot_proof_context(const EncryptedBallot& ballot, std::string_view contest_id,
                           std::string_view option_id);

struct BallotRequest {
    std::string ballot_id;
    std::string device_id;
    std::string district_id;
    std::uint64_t time = 0;  // Unix seconds; rounded down to the hour in the ballot
    Hash32 previous_tracking_code;
};

// The voter's marks: contest id → the option ids marked. Lives only in kiosk memory.
using BallotMarks = std::map<std::string, std::vector<std::string>>;

// A contest's marks (one byte per option, 0 or 1) and nonces (one per option), in locked memory
// that is wiped when freed (crypto::LockedVector): a voter's choices stay out of swap while the
// ballot waits to be cast or challenged.
using ContestMarks = crypto::LockedVector<std::uint8_t>;
using ContestNonces = crypto::LockedVector<crypto::Scalar>;

// A ballot ready to cast or challenge, with its secrets (Scalars wipe themselves).
struct PreparedBallot {
    EncryptedBallot ballot;
    Hash32 tracking_code;
    std::vector<ContestMarks> marks;    // [contest][option] ∈ {0, 1}
    std::vector<ContestNonces> nonces;  // [contest][option]
};

// Precomputed ballots of one district's ballot style (every contest's selections and count proof,
// docs/crypto.md §4.5), kept ready by background workers while the kiosk is idle. The secrets are
// used once and wiped; a pool belongs to one election key and one ballot style.
class BallotPrecomputationPool {
public:
    // Throws std::invalid_argument if the district has no ballot style.
    BallotPrecomputationPool(const ElectionContext& election, std::string_view district_id,
                             std::size_t target_ballots, std::size_t thread_count = 1);

    const crypto::Point& public_key() const { return public_key_; }
    const std::string& ballot_style_id() const { return ballot_style_id_; }
    // One contest precomputation per contest of the style, in the style's order; or nothing.
    std::optional<std::vector<crypto::PrecomputedContest>> take() { return pool_.take(); }
    std::size_t available() const { return pool_.available(); }
    void wait_until_available(std::size_t n) { pool_.wait_until_available(n); }
    void stop_refilling() { pool_.stop_refilling(); }

private:
    crypto::Point public_key_;
    std::string ballot_style_id_;
    std::vector<std::pair<std::size_t, std::uint32_t>> shapes_;  // (options, vote_for) per contest
    crypto::BackgroundPool<std::vector<crypto::PrecomputedContest>>
        pool_;  // last: workers read the above
};

// Refuses an overvote, an unknown contest or option, a district without a style. Error
// messages name contests and options, never which were marked or how many. With a pool for the
// election's key and the district's style, the online work is a transcript hash and scalar
// arithmetic per proof (no group operation); with none ready it computes in full. The ballot is
// equally valid either way.
Result<PreparedBallot> encrypt_ballot(const ElectionContext& election, const BallotRequest& request,
                                      const BallotMarks& marks,
                                      const crypto::Ed25519SigningKey& device_key,
                                      BallotPrecomputationPool* pool = nullptr);

// Everything a ballot must satisfy from its bytes and public data: election base hash, district
// and ballot style, contests and options in manifest order, the device signature, every 0/1 proof
// and every contest count proof. Errors name the ballot, contest and option.
Status verify_ballot(const ElectionContext& election, const crypto::Ed25519PublicKey& device_key,
                     const EncryptedBallot& ballot);
// The two halves of verify_ballot, for the ledger, which checks the proofs in parallel before it
// knows the device's registered key and the signature in log order afterwards.
Status verify_ballot_signature(const crypto::Ed25519PublicKey& device_key,
                               const EncryptedBallot& ballot);
// With `ciphertexts`, a ballot that passes also hands back every selection's ciphertext as the
// check decoded it (unencoded, contests then options in ballot order), for the ledger's running
// tally (docs/tally.md §2.1): each ciphertext is decoded once for its proof and its sum alike.
// On a failure `ciphertexts` is left empty.
Status verify_ballot_contents(const ElectionContext& election, const EncryptedBallot& ballot,
                              std::vector<crypto::PublicCiphertext>* ciphertexts = nullptr);

// A Benaloh-challenged ballot: the ballot as built, with its marks and nonces revealed. It is
// published and verified, never counted.
struct ChallengedBallot {
    EncryptedBallot ballot;
    std::vector<ContestMarks> marks;
    std::vector<ContestNonces> nonces;

    friend bool operator==(const ChallengedBallot&, const ChallengedBallot&) = default;
};

ChallengedBallot challenge_ballot(PreparedBallot&& prepared);
Bytes encode_challenged_ballot(const ChallengedBallot& challenged);
Result<ChallengedBallot> decode_challenged_ballot(ByteSpan data);

// verify_ballot, then every ciphertext opens with its revealed nonce to exactly its revealed mark.
Status verify_challenged_ballot(const ElectionContext& election,
                                const crypto::Ed25519PublicKey& device_key,
                                const ChallengedBallot& challenged);
// Everything but the device signature.
Status verify_challenged_ballot_contents(const ElectionContext& election,
                                         const ChallengedBallot& challenged);

}  // namespace psephos::election
