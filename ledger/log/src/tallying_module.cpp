// The tallying module: district tallies, guardians' decryptions and district results (see
// tallying_module.hpp and docs/tally.md).
#include "psephos/ledger/tallying_module.hpp"

#include <algorithm>
#include <array>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/tally_recomputation.hpp"

namespace psephos::ledger {

namespace {

constexpr std::array<election::RecordType, 3> owned_types = {election::RecordType::district_tally,
                                                             election::RecordType::tally_decryption,
                                                             election::RecordType::district_result};

struct ValidatedTally final : ValidatedRecord {
    election::DistrictTally tally;
    Bytes bytes;
    Hash32 hash;
};

struct ValidatedDecryption final : ValidatedRecord {
    election::TallyDecryption decryption;
};

struct ValidatedResult final : ValidatedRecord {
    election::DistrictResult result;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

Error refuse(const std::string& message) { return make_error(ErrorCode::refused, message); }

std::string guardian_list(const std::vector<std::uint32_t>& guardians) {
    std::string out;
    for (const std::uint32_t g : guardians) out += (out.empty() ? "" : ", ") + std::to_string(g);
    return out;
}

}  // namespace

TallyingModule::TallyingModule(const election::ElectionContext& election,
                               const CastingModule& casting, const CommittedRecords& records)
    : election_(election),
      casting_(casting),
      records_(records),
      public_shares_(election::guardian_public_shares(election.manifest)) {
    for (std::size_t i = 0; i < election.manifest.districts.size(); ++i)
        districts_.push_back(std::make_unique<District>());
}

std::span<const election::RecordType> TallyingModule::record_types() const { return owned_types; }

Result<std::string> TallyingModule::partition_of(ByteSpan record) const {
    return election::tally_record_district(record);
}

Result<std::unique_ptr<ValidatedRecord>> TallyingModule::validate(ByteSpan record) const {
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::district_tally: {
            auto tally = election::decode_district_tally(record);
            if (!tally) return tally.error();
            if (auto ok = election::check_tally_shape(election_, tally.value()); !ok)
                return ok.error();
            auto v = std::make_unique<ValidatedTally>();
            v->tally = std::move(tally).value();
            v->bytes.assign(record.begin(), record.end());
            v->hash = crypto::hash_merkle_leaf(record);
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        case election::RecordType::tally_decryption: {
            auto decryption = election::decode_tally_decryption(record);
            if (!decryption) return decryption.error();
            const std::string& district_id = decryption.value().district_id;
            const auto& ds = election_.manifest.districts;
            const auto it = std::find_if(ds.begin(), ds.end(),
                                         [&](const auto& d) { return d.id == district_id; });
            if (it == ds.end())
                return make_error(ErrorCode::invalid_argument,
                                  "district " + quoted(district_id) + " is not in this election");
            const auto recorded = tally(static_cast<std::size_t>(it - ds.begin()));
            if (!recorded) {
                return refuse("guardian " + std::to_string(decryption.value().guardian_index) +
                              "'s decryption: district " + quoted(district_id) +
                              " has no tally to decrypt");
            }
            if (auto ok = election::verify_tally_decryption(
                    election_, public_shares_, recorded->tally, recorded->hash, decryption.value());
                !ok)
                return ok.error();
            auto v = std::make_unique<ValidatedDecryption>();
            v->decryption = std::move(decryption).value();
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        case election::RecordType::district_result: {
            auto result = election::decode_district_result(record);
            if (!result) return result.error();
            auto v = std::make_unique<ValidatedResult>();
            v->result = std::move(result).value();
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        default:
            break;
    }
    return make_error(ErrorCode::invalid_argument,
                      "record type " + std::to_string(record[0]) + " is not the tallying module's");
}

Result<election::DistrictTally> TallyingModule::recompute(std::size_t d, std::uint64_t log_size,
                                                          const Hash32& log_root) const {
    auto builder =
        election::DistrictTallyBuilder::create(election_, election_.manifest.districts[d].id);
    if (!builder) return builder.error();
    for (std::uint64_t i = 0; i < log_size; ++i) {
        auto record = records_.record(d, i);
        if (!record) return record.error();
        if (auto ok = builder.value().add_record(record.value()); !ok)
            return ok.error().within("record " + std::to_string(i));
    }
    return builder.value().finish(log_size, log_root);
}

Result<EventNote> TallyingModule::apply(const DistrictBatchView& batch,
                                        const ValidatedRecord& record) {
    District& district = *districts_.at(batch.district_index);
    const std::string& district_id = *batch.district_id;
    const std::string in = "district " + quoted(district_id);

    if (const auto* v = dynamic_cast<const ValidatedTally*>(&record)) {
        const election::DistrictTally& t = v->tally;
        if (district.committed.tally || district.pending.tally)
            return refuse(in + " is already tallied");
        const DistrictCastingStatus casting = casting_.status(batch.district_index);
        if (casting.polls != PollsStatus::closed)
            return refuse(in + ": polls are " + std::string(to_string(casting.polls)) +
                          "; a district is tallied only after its polls close");
        if (batch.next_index != batch.first_index) {
            return refuse(in +
                          ": records before the tally are not yet written; the tally "
                          "must cover a committed log");
        }
        if (t.log_size != batch.next_index || !(t.log_root == batch.committed_root)) {
            return refuse(in + ": the tally covers " + std::to_string(t.log_size) +
                          " records, root " + t.log_root.to_hex() + "; the log has " +
                          std::to_string(batch.next_index) + ", root " +
                          batch.committed_root.to_hex());
        }
        if (t.ballots_counted != casting.ballots_cast ||
            t.ballots_challenged != casting.ballots_challenged) {
            return refuse(in + ": the tally counts " + std::to_string(t.ballots_counted) +
                          " cast and " + std::to_string(t.ballots_challenged) +
                          " challenged ballots; the log holds " +
                          std::to_string(casting.ballots_cast) + " and " +
                          std::to_string(casting.ballots_challenged));
        }
        bool expected = false;
        {
            std::lock_guard lock(district.mutex);
            expected = district.expected && *district.expected == v->bytes;
            district.expected.reset();
        }
        if (!expected) {
            auto sums = recompute(batch.district_index, t.log_size, t.log_root);
            if (!sums) return sums.error().within(in + ": recomputing the tally");
            if (auto ok = election::check_tally_matches(t, sums.value()); !ok)
                return ok.error().within(in);
        }
        district.pending.tally = RecordedTally{t, v->hash, batch.next_index};
        return EventNote{
            election::EventType::tally_recorded,
            std::to_string(t.ballots_counted) + " ballots counted, tally " + v->hash.to_hex()};
    }

    if (const auto* v = dynamic_cast<const ValidatedDecryption*>(&record)) {
        const election::TallyDecryption& dec = v->decryption;
        const std::string who = "guardian " + std::to_string(dec.guardian_index);
        if (district.committed.decryptions.count(dec.guardian_index) ||
            district.pending.decryptions.count(dec.guardian_index))
            return refuse(who + " has already decrypted the tally of " + in);
        if (district.committed.result || district.pending.result)
            return refuse(in + " already has its result");
        district.pending.decryptions.emplace(dec.guardian_index, dec);
        return EventNote{election::EventType::tally_decryption_recorded, who + "'s decryption"};
    }

    const auto& result = dynamic_cast<const ValidatedResult&>(record).result;
    if (district.committed.result || district.pending.result)
        return refuse(in + " already has its result");
    if (!district.committed.tally) return refuse(in + " has no tally");
    std::vector<election::TallyDecryption> used;
    for (const std::uint32_t g : result.guardians) {
        auto it = district.committed.decryptions.find(g);
        if (it == district.committed.decryptions.end()) {
            it = district.pending.decryptions.find(g);
            if (it == district.pending.decryptions.end())
                return refuse(in + ": the result names guardian " + std::to_string(g) +
                              ", whose decryption is not recorded");
        }
        used.push_back(it->second);
    }
    const RecordedTally& recorded = *district.committed.tally;
    if (auto ok = election::verify_district_result(election_, recorded.tally, recorded.hash, used,
                                                   result);
        !ok)
        return ok.error();
    district.pending.result = result;
    return EventNote{election::EventType::result_recorded,
                     "decrypted by guardians " + guardian_list(result.guardians)};
}

void TallyingModule::commit(std::size_t d) {
    District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    if (district.pending.tally) district.committed.tally = std::move(district.pending.tally);
    for (auto& [g, dec] : district.pending.decryptions)
        district.committed.decryptions.insert_or_assign(g, std::move(dec));
    if (district.pending.result) district.committed.result = std::move(district.pending.result);
    district.pending = State();
}

void TallyingModule::abort(std::size_t d) { districts_.at(d)->pending = State(); }

Status TallyingModule::restore(std::size_t d, std::uint64_t index, ByteSpan record) {
    District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::district_tally: {
            auto t = election::decode_district_tally(record);
            if (!t) return t.error();
            if (district.committed.tally)
                return make_error(ErrorCode::corrupted, "a second tally of the district");
            district.committed.tally =
                RecordedTally{std::move(t).value(), crypto::hash_merkle_leaf(record), index};
            return {};
        }
        case election::RecordType::tally_decryption: {
            auto dec = election::decode_tally_decryption(record);
            if (!dec) return dec.error();
            const std::uint32_t g = dec.value().guardian_index;
            if (!district.committed.tally || district.committed.decryptions.count(g))
                return make_error(ErrorCode::corrupted,
                                  "a decryption without a tally, or a second one by guardian " +
                                      std::to_string(g));
            district.committed.decryptions.emplace(g, std::move(dec).value());
            return {};
        }
        case election::RecordType::district_result: {
            auto result = election::decode_district_result(record);
            if (!result) return result.error();
            if (!district.committed.tally || district.committed.result)
                return make_error(ErrorCode::corrupted,
                                  "a result without a tally, or a second result");
            district.committed.result = std::move(result).value();
            return {};
        }
        default:
            break;
    }
    return make_error(ErrorCode::corrupted, "not a tallying record");
}

void TallyingModule::expect_tally(std::size_t d, Bytes record) {
    District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    district.expected = std::move(record);
}

DistrictTallyStatus TallyingModule::status(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    DistrictTallyStatus s;
    s.tallied = district.committed.tally.has_value();
    for (const auto& [g, dec] : district.committed.decryptions) s.guardians_decrypted.push_back(g);
    s.result = district.committed.result.has_value();
    return s;
}

std::optional<RecordedTally> TallyingModule::tally(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    return district.committed.tally;
}

std::vector<election::TallyDecryption> TallyingModule::decryptions(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    std::vector<election::TallyDecryption> out;
    for (const auto& [g, dec] : district.committed.decryptions) out.push_back(dec);
    return out;
}

std::optional<election::DistrictResult> TallyingModule::result(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    return district.committed.result;
}

}  // namespace psephos::ledger
