// The public web site of an election (docs/web.md): what `psephos publish` reads from a
// published election record through record::RecordReader, and the data files it writes for the
// receipt page (data/site.json and the tracking-code shards). The pages themselves are
// site_pages.cpp's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/election/tally_records.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::app {

// Ballots per shard the publisher aims at (docs/web.md §4: measured for a 10^6-ballot district).
inline constexpr std::uint64_t default_shard_ballots = 64;

// Every inclusion proof of one tree, from its leaves, in O(n) time and memory: level by level,
// a last node without a sibling is carried up unchanged, which builds the same tree as RFC 9162
// §2.1's split at the largest power of two, so the proofs are the RFC's.
class InclusionProofs {
public:
    explicit InclusionProofs(std::vector<Hash32> leaves);
    const Hash32& root() const { return levels_.back().front(); }
    std::uint64_t size() const { return levels_.front().size(); }
    std::vector<Hash32> prove(std::uint64_t index) const;

private:
    std::vector<std::vector<Hash32>> levels_;
};

struct SiteCheckpoint {
    std::uint64_t size = 0;
    Hash32 root;
};

struct SiteDistrict {
    std::string id;
    std::string name;
    std::string verifier_key;
    std::uint64_t log_size = 0;
    std::uint64_t ballots_cast = 0;
    std::uint64_t ballots_challenged = 0;
    unsigned shard_prefix_digits = 0;
    std::uint64_t shards = 0;
    std::uint64_t largest_shard_bytes = 0;
    // The district's last checkpoint in the election log (the one receipts are checked against).
    std::optional<SiteCheckpoint> published;
    std::optional<election::DistrictResult> result;
    std::vector<SiteCheckpoint> checkpoints;  // every signed checkpoint of the log
};

struct SiteModel {
    std::string election_id;
    std::string election_name;
    std::string start_date;
    std::string end_date;
    Hash32 base_hash;
    std::string election_verifier_key;
    SiteCheckpoint election_checkpoint;
    std::string election_signed_checkpoint;  // the latest election checkpoint's note
    std::vector<SiteDistrict> districts;
    election::ElectionTotals totals;
    bool complete = false;  // every district has a result
    std::vector<election::AnchorState> anchors;
};

// Reads the record and writes SITE/data/site.json and SITE/data/districts/<id>/<prefix>.json
// (the shards), each district's shards holding about `shard_ballots` ballots. Fails, naming the
// log and index, if a record does not decode or a published checkpoint does not match the
// records (the site would not verify).
Result<SiteModel> write_site_data(const record::RecordReader& reader,
                                  const std::filesystem::path& site, std::uint64_t shard_ballots);

// The number of hex digits of the tracking code that name a district's shard: the fewest that
// give at most `shard_ballots` ballots a shard on average (0: one shard).
unsigned shard_prefix_digits(std::uint64_t ballots, std::uint64_t shard_ballots);

}  // namespace psephos::app
