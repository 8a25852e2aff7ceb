// psephos publish, the data half: the record read through record::RecordReader and turned into
// the receipt page's files (docs/web.md §2).
#include "site_model.hpp"

#include <boost/json.hpp>

#include <map>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/signed_note.hpp"

namespace psephos::app {

namespace json = boost::json;

namespace {

constexpr std::uint8_t encrypted_ballot_type = 0x02;
constexpr std::uint8_t challenged_ballot_type = 0x03;
constexpr std::uint8_t district_result_type = 0x10;
constexpr mode_t public_mode = 0644;

json::array hex_list(const std::vector<Hash32>& hashes) {
    json::array out;
    for (const Hash32& h : hashes) out.emplace_back(h.to_hex());
    return out;
}

Result<election::Checkpoint> open_checkpoint(const std::string& note,
                                             const election::NoteVerifierKey& key) {
    PSEPHOS_TRY_ASSIGN(const std::string text, election::open_note(note, key));
    return election::Checkpoint::parse(text);
}

struct BallotRef {
    std::uint64_t index = 0;
    Hash32 code;
};

// One pass over a district log: the leaves, the ballots with their tracking codes, the result.
struct DistrictScan {
    std::vector<Hash32> leaves;
    std::vector<BallotRef> ballots;
    std::optional<election::DistrictResult> result;
    std::uint64_t cast = 0;
    std::uint64_t challenged = 0;
};

Result<DistrictScan> scan_district(const record::RecordReader& reader, const std::string& id) {
    DistrictScan scan;
    std::optional<Error> bad;
    auto visited = reader.for_each_record(id, [&](std::uint64_t index, const Bytes& record) {
        scan.leaves.push_back(crypto::hash_merkle_leaf(record));
        if (bad || record.empty()) return;
        const std::string where = "district " + id + " record " + std::to_string(index);
        if (record[0] == encrypted_ballot_type || record[0] == challenged_ballot_type) {
            election::EncryptedBallot ballot;
            if (record[0] == encrypted_ballot_type) {
                auto decoded = election::decode_ballot(record);
                if (!decoded) {
                    bad = decoded.error().within(where);
                    return;
                }
                ballot = std::move(decoded).value();
                ++scan.cast;
            } else {
                auto decoded = election::decode_challenged_ballot(record);
                if (!decoded) {
                    bad = decoded.error().within(where);
                    return;
                }
                ballot = std::move(decoded).value().ballot;
                ++scan.challenged;
            }
            scan.ballots.push_back(
                {index, election::next_tracking_code(ballot.previous_tracking_code,
                                                     election::compute_ballot_hash(ballot))});
        } else if (record[0] == district_result_type) {
            auto decoded = election::decode_district_result(record);
            if (!decoded) {
                bad = decoded.error().within(where);
                return;
            }
            scan.result = std::move(decoded).value();
        }
    });
    if (!visited) return visited.error();
    if (bad) return *bad;
    return scan;
}

// The last district checkpoint (0x0C) of each district in the election log.
struct ElectionLeaf {
    std::uint64_t index = 0;
    Bytes record;
    std::string signed_checkpoint;
};

Result<std::map<std::string, ElectionLeaf>> last_district_checkpoints(
    const record::RecordReader& reader) {
    std::map<std::string, ElectionLeaf> out;
    std::optional<Error> bad;
    PSEPHOS_TRY(reader.for_each_record(
        ledger::election_log_name, [&](std::uint64_t index, const Bytes& record) {
            if (bad) return;
            auto decoded = election::decode_district_checkpoint(record);
            if (!decoded) {
                bad = decoded.error().within("election log record " + std::to_string(index));
                return;
            }
            out[decoded->district_id] = {index, record, decoded->signed_checkpoint};
        }));
    if (bad) return *bad;
    return out;
}

std::string shard_prefix(const Hash32& code, unsigned digits) {
    return code.to_hex().substr(0, digits);
}

struct ShardsWritten {
    std::uint64_t count = 0;
    std::uint64_t largest_bytes = 0;
};

// Writes one district's shards.
Result<ShardsWritten> write_shards(const record::RecordReader& reader, const SiteDistrict& district,
                                   const DistrictScan& scan, const InclusionProofs* proofs,
                                   const std::filesystem::path& dir) {
    std::map<std::string, std::vector<const BallotRef*>> shards;
    for (const BallotRef& b : scan.ballots)
        shards[shard_prefix(b.code, district.shard_prefix_digits)].push_back(&b);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::io_error, dir.string() + ": " + ec.message());
    ShardsWritten written{shards.size(), 0};
    for (const auto& [prefix, ballots] : shards) {
        json::array entries;
        for (const BallotRef* b : ballots) {
            PSEPHOS_TRY_ASSIGN(const Bytes record, reader.record(district.id, b->index));
            json::value inclusion = nullptr;
            if (proofs && b->index < proofs->size()) inclusion = hex_list(proofs->prove(b->index));
            entries.emplace_back(json::object{{"tracking_code", b->code.to_hex()},
                                              {"index", b->index},
                                              {"record", to_base64(record)},
                                              {"inclusion", std::move(inclusion)}});
        }
        const std::string text = json::serialize(json::object{{"format", "psephos-site-shard-v1"},
                                                              {"district", district.id},
                                                              {"prefix", prefix},
                                                              {"ballots", std::move(entries)}}) +
                                 "\n";
        written.largest_bytes = std::max<std::uint64_t>(written.largest_bytes, text.size());
        const std::string name = (prefix.empty() ? std::string("all") : prefix) + ".json";
        PSEPHOS_TRY(crypto::write_new_file(dir / name, text, public_mode));
    }
    return written;
}

}  // namespace

InclusionProofs::InclusionProofs(std::vector<Hash32> leaves) {
    if (leaves.empty()) throw std::invalid_argument("InclusionProofs: no leaves");
    levels_.push_back(std::move(leaves));
    while (levels_.back().size() > 1) {
        const std::vector<Hash32>& below = levels_.back();
        std::vector<Hash32> above;
        above.reserve((below.size() + 1) / 2);
        for (std::size_t i = 0; i + 1 < below.size(); i += 2)
            above.push_back(crypto::hash_merkle_children(below[i], below[i + 1]));
        if (below.size() % 2 == 1) above.push_back(below.back());
        levels_.push_back(std::move(above));
    }
}

std::vector<Hash32> InclusionProofs::prove(std::uint64_t index) const {
    if (index >= size()) throw std::invalid_argument("InclusionProofs: index out of range");
    std::vector<Hash32> path;
    for (std::size_t level = 0; level + 1 < levels_.size(); ++level) {
        const std::uint64_t sibling = index ^ 1U;
        if (sibling < levels_[level].size()) path.push_back(levels_[level][sibling]);
        index >>= 1U;
    }
    return path;
}

unsigned shard_prefix_digits(std::uint64_t ballots, std::uint64_t shard_ballots) {
    unsigned digits = 0;
    std::uint64_t shards = 1;
    while (digits < 16 && ballots > shard_ballots * shards) {
        ++digits;
        shards *= 16;
    }
    return digits;
}

Result<SiteModel> write_site_data(const record::RecordReader& reader,
                                  const std::filesystem::path& site, std::uint64_t shard_ballots) {
    if (shard_ballots == 0)
        return make_error(ErrorCode::invalid_argument, "shard size: must be at least 1 ballot");
    const election::ElectionManifest& manifest = reader.election().manifest;
    SiteModel model;
    model.election_id = manifest.election_id;
    model.election_name = manifest.name;
    model.start_date = manifest.start_date;
    model.end_date = manifest.end_date;
    model.base_hash = reader.election().base_hash;

    PSEPHOS_TRY_ASSIGN(const ledger::LogStatus election_status,
                       reader.status(ledger::election_log_name));
    model.election_verifier_key = election_status.verifier.to_text();
    PSEPHOS_TRY_ASSIGN(const auto election_notes, reader.checkpoints(ledger::election_log_name));
    if (election_notes.empty() || election_notes.back().first != election_status.size)
        return make_error(ErrorCode::not_found, "election log: no signed checkpoint of its size " +
                                                    std::to_string(election_status.size) +
                                                    " (nothing to publish)");
    const std::string& election_note = election_notes.back().second;
    model.election_checkpoint = {election_status.size, election_status.root};
    model.election_signed_checkpoint = election_note;
    PSEPHOS_TRY_ASSIGN(const auto leaves, last_district_checkpoints(reader));

    json::array districts_json;
    std::vector<election::DistrictResult> results;
    for (const election::District& d : manifest.districts) {
        SiteDistrict district;
        district.id = d.id;
        district.name = d.name;
        PSEPHOS_TRY_ASSIGN(const ledger::LogStatus status, reader.status(d.id));
        district.verifier_key = status.verifier.to_text();
        district.log_size = status.size;
        PSEPHOS_TRY_ASSIGN(const auto notes, reader.checkpoints(d.id));
        for (const auto& [size, note] : notes) {
            PSEPHOS_TRY_ASSIGN(const election::Checkpoint cp,
                               open_checkpoint(note, status.verifier));
            district.checkpoints.push_back({size, cp.root});
        }
        PSEPHOS_TRY_ASSIGN(DistrictScan scan, scan_district(reader, d.id));
        district.ballots_cast = scan.cast;
        district.ballots_challenged = scan.challenged;
        district.result = scan.result;
        if (scan.result) results.push_back(*scan.result);
        district.shard_prefix_digits = shard_prefix_digits(scan.ballots.size(), shard_ballots);

        std::optional<InclusionProofs> proofs;
        json::value checkpoint_json = nullptr;
        if (auto leaf = leaves.find(d.id); leaf != leaves.end()) {
            const std::string where = "district " + d.id + ": checkpoint in election log record " +
                                      std::to_string(leaf->second.index);
            auto cp = open_checkpoint(leaf->second.signed_checkpoint, status.verifier);
            if (!cp) return cp.error().within(where);
            if (cp->size == 0 || cp->size > scan.leaves.size())
                return make_error(ErrorCode::corrupted,
                                  where + ": size " + std::to_string(cp->size) +
                                      " is not within the log's " +
                                      std::to_string(scan.leaves.size()) + " records");
            proofs.emplace(std::vector<Hash32>(
                scan.leaves.begin(), scan.leaves.begin() + static_cast<std::ptrdiff_t>(cp->size)));
            if (!(proofs->root() == cp->root))
                return make_error(ErrorCode::corrupted, where + ": root " + cp->root.to_hex() +
                                                            " is not the root of the log's first " +
                                                            std::to_string(cp->size) + " records");
            district.published = SiteCheckpoint{cp->size, cp->root};
            PSEPHOS_TRY_ASSIGN(const auto inclusion,
                               reader.prove_inclusion(ledger::election_log_name, leaf->second.index,
                                                      election_status.size));
            checkpoint_json = json::object{{"signed_checkpoint", leaf->second.signed_checkpoint},
                                           {"election_leaf", to_base64(leaf->second.record)},
                                           {"election_leaf_index", leaf->second.index},
                                           {"election_inclusion", hex_list(inclusion)}};
        }
        PSEPHOS_TRY_ASSIGN(const ShardsWritten written,
                           write_shards(reader, district, scan, proofs ? &*proofs : nullptr,
                                        site / "data" / "districts" / d.id));
        district.shards = written.count;
        district.largest_shard_bytes = written.largest_bytes;
        districts_json.emplace_back(
            json::object{{"id", d.id},
                         {"name", d.name},
                         {"verifier_key", district.verifier_key},
                         {"ballots", scan.ballots.size()},
                         {"shard_prefix_digits", district.shard_prefix_digits},
                         {"checkpoint", std::move(checkpoint_json)}});
        model.districts.push_back(std::move(district));
    }
    model.totals = election::sum_district_results(results);
    model.complete = results.size() == manifest.districts.size();
    model.anchors = reader.anchors();

    json::array anchors_json;
    for (const election::AnchorState& a : model.anchors) {
        json::array transactions;
        for (const auto& [index, t] : a.transactions)
            transactions.emplace_back(t.transaction_id.to_hex());
        anchors_json.emplace_back(
            json::object{{"chain", a.intent.chain},
                         {"kind", std::string(election::to_string(a.intent.kind))},
                         {"network", a.intent.network},
                         {"size", a.payload.election_log_size},
                         {"root", a.payload.election_root.to_hex()},
                         {"transactions", std::move(transactions)},
                         {"confirmed", a.confirmed()}});
    }
    const std::string site_json =
        json::serialize(json::object{
            {"format", "psephos-site-v1"},
            {"election_id", model.election_id},
            {"base_hash", model.base_hash.to_hex()},
            {"election_log", json::object{{"verifier_key", model.election_verifier_key},
                                          {"signed_checkpoint", election_note}}},
            {"districts", std::move(districts_json)},
            {"anchors", std::move(anchors_json)}}) +
        "\n";
    PSEPHOS_TRY(crypto::write_new_file(site / "data" / "site.json", site_json, public_mode));
    return model;
}

}  // namespace psephos::app
