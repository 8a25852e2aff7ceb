// The election manifest: what is being decided, where, by whom, and (after the key ceremony) under
// which key. Loaded from JSON (docs/election-manifest.md) with every error reported by JSON path;
// its canonical binary encoding is what the election base hash binds (docs/encoding.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/election_polynomial.hpp"
#include "psephos/crypto/point.hpp"

namespace psephos::election {

// A label in the election's default language, with optional translations (language tag → text,
// e.g. "es" → "Alcalde"). Kiosks show translations; the canonical encoding includes them.
struct LocalizedText {
    std::string text;
    std::map<std::string, std::string> translations;

    friend bool operator==(const LocalizedText&, const LocalizedText&) = default;
};

struct ContestOption {
    std::string id;  // stable, unique within its contest
    LocalizedText label;

    friend bool operator==(const ContestOption&, const ContestOption&) = default;
};

enum class ContestKind : std::uint8_t {
    candidate = 1,       // choose up to vote_for of the candidates
    ballot_measure = 2,  // a yes/no question: options "yes" and "no", vote_for 1
};

struct Contest {
    std::string id;  // unique within the election
    LocalizedText title;
    ContestKind kind = ContestKind::candidate;
    std::uint32_t vote_for = 1;  // 1 ≤ vote_for ≤ options.size(), and ≤ crypto::max_range_limit
    std::vector<ContestOption> options;

    friend bool operator==(const Contest&, const Contest&) = default;
};

struct District {
    std::string id;  // unique within the election
    std::string name;

    friend bool operator==(const District&, const District&) = default;
};

// Which contests appear, in this order, on the ballots of the listed districts. Every district
// has exactly one ballot style.
struct BallotStyle {
    std::string id;
    std::vector<std::string> districts;
    std::vector<std::string> contests;

    friend bool operator==(const BallotStyle&, const BallotStyle&) = default;
};

// One guardian's public part of the key ceremony, as published in the finalized manifest.
struct GuardianRecord {
    std::uint32_t index = 0;  // 1 … guardian_count
    crypto::Ed25519PublicKey identity_key;
    crypto::CoefficientCommitments commitments;  // k commitments with Schnorr proofs

    // Field by field; CoefficientCommitments has no operator== of its own.
    friend bool operator==(const GuardianRecord& a, const GuardianRecord& b) {
        return a.index == b.index && a.identity_key == b.identity_key &&
               a.commitments.guardian_index == b.commitments.guardian_index &&
               a.commitments.commitments == b.commitments.commitments &&
               a.commitments.proofs == b.commitments.proofs;
    }
};

// Present once the ceremony has run: the guardians' commitments and the joint election key.
struct CeremonyRecord {
    std::vector<GuardianRecord> guardians;
    crypto::Point joint_key;

    friend bool operator==(const CeremonyRecord&, const CeremonyRecord&) = default;
};

// The election's rules for the polls records (docs/election-manifest.md, "polls"). Optional in the
// manifest: absent, the manifest's canonical encoding is version 1 as it always was, so the base
// hash of every election defined without it is unchanged; present, it is encoded (version 2) and
// bound by the base hash like every other member.
struct PollsRules {
    // How many different people the polls-closed record's actor must name (1 or 2): 2 makes the
    // two-person close the election's rule, checked by the kiosk, the ledger and the verifier.
    std::uint32_t close_requires = 1;

    friend bool operator==(const PollsRules&, const PollsRules&) = default;
};
inline constexpr std::uint32_t max_close_requires = 2;

struct ElectionManifest {
    std::string election_id;  // unique across elections: part of every hash the election makes
    std::string name;
    std::string start_date;  // ISO 8601 date, YYYY-MM-DD
    std::string end_date;
    std::vector<District> districts;
    std::vector<Contest> contests;
    std::vector<BallotStyle> ballot_styles;
    std::uint32_t guardian_count = 0;
    std::uint32_t threshold = 0;
    std::optional<PollsRules> polls;  // absent: one person closes (the rule of version 1)
    std::optional<CeremonyRecord> ceremony;

    // The number of different people who must close the polls (1 without a "polls" member).
    std::uint32_t close_requires() const { return polls ? polls->close_requires : 1; }
    const District* find_district(std::string_view id) const;
    const Contest* find_contest(std::string_view id) const;
    const BallotStyle* ballot_style_of_district(std::string_view district_id) const;

    friend bool operator==(const ElectionManifest&, const ElectionManifest&) = default;
};

// The value of the "format" field of every manifest this code reads and writes.
inline constexpr std::string_view manifest_format = "psephos-election-manifest-v1";
// Limits on the JSON text (the others are in docs/election-manifest.md).
inline constexpr std::size_t max_manifest_bytes = std::size_t{4} << 20;  // 4 MiB
inline constexpr std::size_t max_manifest_depth = 16;                    // nested arrays/objects
inline constexpr std::size_t max_manifest_string_bytes = 4096;

// One problem found while loading: where (a JSON path such as "contests[3].options[1].id") and
// what ("duplicate id \"o2\"").
struct ManifestProblem {
    std::string path;
    std::string reason;

    friend bool operator==(const ManifestProblem&, const ManifestProblem&) = default;
};

// Parses and validates. On failure the Error's message lists every problem, one per line, as
// "<path>: <reason>"; parse_manifest_problems gives them as a list. Limits
// (docs/election-manifest.md): at most 4 MiB of JSON, strings up to 4096 bytes, nesting depth 16.
// Malformed JSON gives ErrorCode::invalid_encoding and one problem whose path is
// "line L, column C"; everything else gives ErrorCode::invalid_argument.
// parse_manifest_problems is empty for a valid manifest.
Result<ElectionManifest> parse_manifest(std::string_view json);
std::vector<ManifestProblem> parse_manifest_problems(std::string_view json);
// Reads at most max_manifest_bytes from the file (not_found / io_error name the path), then
// parse_manifest; each line of a problem message is prefixed with "<path>: ".
Result<ElectionManifest> load_manifest_file(const std::string& path);

// The manifest back as JSON (a finalized manifest after the ceremony is written this way): 2-space
// indentation, fields in the documented order, translations omitted when empty, a final newline.
// parse_manifest(manifest_to_json(m)) == m for every valid m.
std::string manifest_to_json(const ElectionManifest& manifest);

}  // namespace psephos::election
