// The tally's records (docs/encoding.md §16–§18) and the functions that make and check them
// (docs/tally.md):
//   district-tally (0x0E)      the homomorphic sum, per contest option of the district's ballot
//                              style, of every cast ballot in the district log before it
//                              (challenged ballots are never counted); it names the log size and
//                              root it covers;
//   tally-decryption (0x0F)    one guardian's partial decryption of every sum of one district
//   tally,
//                              each with its Chaum–Pedersen proof, signed with the guardian's
//                              identity key (so a bad share is attributable to its guardian);
//   district-result (0x10)     the plaintext counts, with the guardians whose partial decryptions
//                              were combined (at least the threshold; the others are compensated by
//                              Lagrange interpolation).
// Contest and option ids are in the records (in the ballot style's and manifest's order) so that a
// record reads on its own; the checks below require exactly the manifest's order.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "psephos/crypto/ciphertext_sum.hpp"
#include "psephos/crypto/discrete_log.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/equal_discrete_logs_proof.hpp"
#include "psephos/crypto/threshold_decryption.hpp"
#include "psephos/election/canonical_encoding.hpp"
#include "psephos/election/election_context.hpp"

namespace psephos::election {

// One value per option of each contest of a ballot style, in the style's contest order and the
// manifest's option order.
template <class T>
struct OptionValue {
    std::string option_id;
    T value{};
    friend bool operator==(const OptionValue&, const OptionValue&) = default;
};
template <class T>
struct ContestValues {
    std::string contest_id;
    std::vector<OptionValue<T>> options;
    friend bool operator==(const ContestValues&, const ContestValues&) = default;
};
template <class T>
using PerOption = std::vector<ContestValues<T>>;

struct DistrictTally {
    std::string district_id;
    std::string ballot_style_id;
    std::uint64_t log_size = 0;  // the tally covers records [0, log_size) of the district log
    Hash32 log_root;             // the district log's root at log_size
    std::uint64_t ballots_counted = 0;
    std::uint64_t ballots_challenged = 0;  // published, never counted
    PerOption<crypto::Ciphertext> sums;

    friend bool operator==(const DistrictTally&, const DistrictTally&) = default;
};

struct PartialDecryption {
    crypto::Point partial;                 // M = s_ℓ·α
    crypto::EqualDiscreteLogsProof proof;  // log_G(K_ℓ) = log_α(M)
    friend bool operator==(const PartialDecryption&, const PartialDecryption&) = default;
};

struct TallyDecryption {
    std::string district_id;
    std::uint32_t guardian_index = 0;
    Hash32 tally_hash;  // the leaf hash (RFC 9162) of the district-tally record decrypted
    PerOption<PartialDecryption> shares;
    crypto::Ed25519Signature signature;  // by the guardian's identity key over the body

    friend bool operator==(const TallyDecryption&, const TallyDecryption&) = default;
};

struct DistrictResult {
    std::string district_id;
    Hash32 tally_hash;
    std::vector<std::uint32_t> guardians;  // ascending; whose partial decryptions were combined
    PerOption<std::uint64_t> counts;

    friend bool operator==(const DistrictResult&, const DistrictResult&) = default;
};

// Limits that bound what a decoder allocates (the manifest's own limits are lower).
inline constexpr std::size_t max_tally_contests = 1000;
inline constexpr std::size_t max_tally_options = 1000;

// Encoders throw std::invalid_argument for a value the decoder would refuse.
Bytes encode_district_tally(const DistrictTally& tally);
Result<DistrictTally> decode_district_tally(ByteSpan data);
// The body the guardian signs: the record without its final 64-byte signature.
Bytes encode_tally_decryption_body(const TallyDecryption& decryption);
Bytes encode_tally_decryption(const TallyDecryption& decryption);
Result<TallyDecryption> decode_tally_decryption(ByteSpan data);
Bytes encode_district_result(const DistrictResult& result);
Result<DistrictResult> decode_district_result(ByteSpan data);

// A guardian's shares file (docs/tally.md §3.1): the tally-decryption records one guardian made
// for one election from a published record (`psephos decrypt --record`), for the operator to
// submit (`psephos ledger submit-decryptions`), who needs no guardian key to do it. The decoder
// checks the framing, that every record decodes as a tally decryption by the file's guardian, and
// no more; the ledger checks signatures and proofs when the records are submitted.
struct GuardianDecryptionFile {
    Hash32 election_base_hash;
    std::uint32_t guardian_index = 0;
    std::vector<Bytes> records;  // tally-decryption records (0x0F), each by guardian_index
};
inline constexpr std::string_view guardian_decryption_file_magic = "psephos-tally-decryptions-v1\n";
inline constexpr std::size_t max_guardian_decryption_records = 100'000;
inline constexpr std::size_t max_guardian_decryption_record_size = std::size_t{64} << 20;
// Throws std::invalid_argument for a file the decoder would refuse.
Bytes encode_guardian_decryption_file(const GuardianDecryptionFile& file);
Result<GuardianDecryptionFile> decode_guardian_decryption_file(ByteSpan data);

// The district id a tally record (0x0E–0x10) declares, read without decoding the rest.
Result<std::string> tally_record_district(ByteSpan data);

// ---- Making and checking ------------------------------------------------------------------

// Sums a district's cast ballots as its log's records are fed in log order (or in chunks fed to
// separate builders, then merged). It reads from a cast ballot only its district, ballot style,
// contest and option ids and ciphertexts (the ledger checked everything else when it accepted the
// ballot); a challenged ballot is counted as challenged; other records are skipped.
class DistrictTallyBuilder {
public:
    // invalid_argument if the district is not in the manifest or has no ballot style.
    static Result<DistrictTallyBuilder> create(const ElectionContext& election,
                                               std::string_view district_id);

    // Errors name what is wrong with the record (wrong district, style or layout).
    Status add_record(ByteSpan record);
    // A cast ballot of this district's style whose contents were checked already
    // (verify_ballot_contents), as the ciphertexts that check decoded: one per option of the
    // style, contests then options in order. The casting module's running tally (docs/tally.md
    // §2.1). A count that is not the style's changes nothing and is refused.
    Status add_cast(std::span<const crypto::PublicCiphertext> ciphertexts);
    void add_challenged() { ++challenged_; }
    std::uint64_t ballots_counted() const { return counted_; }
    std::uint64_t ballots_challenged() const { return challenged_; }
    void merge(const DistrictTallyBuilder& other);
    DistrictTally finish(std::uint64_t log_size, const Hash32& log_root) const;

private:
    DistrictTallyBuilder() = default;
    std::string district_id_;
    std::string ballot_style_id_;
    PerOption<crypto::CiphertextSum> sums_;
    std::uint64_t counted_ = 0;
    std::uint64_t challenged_ = 0;
};

// Checks that the record's shape is the district's ballot style's (contests and options, in
// order); names the first difference.
Status check_tally_shape(const ElectionContext& election, const DistrictTally& tally);

// K_ℓ = Σ_j Σ_l ℓ^l·K_{j,l} for every guardian, at position index − 1 whatever the order of the
// ceremony record's list, from the ceremony's commitments.
std::vector<crypto::Point> guardian_public_shares(const ElectionManifest& manifest);

// A guardian's partial decryption of every sum of the tally, proved and signed.
TallyDecryption decrypt_district_tally(const ElectionContext& election, const DistrictTally& tally,
                                       const Hash32& tally_hash, std::uint32_t guardian_index,
                                       const crypto::Scalar& secret_share,
                                       const crypto::Ed25519SigningKey& identity);

// The signature under the guardian's identity key in the manifest, the tally it names, its shape,
// and every proof against the guardian's public share. Errors name the guardian, district,
// contest and option (the share is attributed to the guardian whose key signed it).
Status verify_tally_decryption(const ElectionContext& election,
                               std::span<const crypto::Point> public_shares,
                               const DistrictTally& tally, const Hash32& tally_hash,
                               const TallyDecryption& decryption);

// Combines verified partial decryptions of at least `threshold` distinct guardians (all those
// given) and solves each count with the table. not_found if a count is above the table's bound.
Result<DistrictResult> combine_tally_decryptions(const ElectionContext& election,
                                                 const DistrictTally& tally,
                                                 const Hash32& tally_hash,
                                                 std::span<const TallyDecryption> decryptions,
                                                 const crypto::DiscreteLogTable& table);

// Checks a result against the tally and the (verified) decryptions of the guardians it names:
// for every option, β − Σ w_ℓ·M_ℓ = count·G. Errors name the contest and option.
Status verify_district_result(const ElectionContext& election, const DistrictTally& tally,
                              const Hash32& tally_hash,
                              std::span<const TallyDecryption> decryptions,
                              const DistrictResult& result);

// Election-wide totals: contest id → option id → count, summed over district results.
using ElectionTotals = std::map<std::string, std::map<std::string, std::uint64_t>>;
ElectionTotals sum_district_results(std::span<const DistrictResult> results);

}  // namespace psephos::election
