// The casting module: device registration, poll status and ballots (see casting_module.hpp and
// docs/ledger.md §4).
#include "psephos/ledger/casting_module.hpp"

#include <algorithm>
#include <array>

#include "election_wide_claims.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::ledger {

// A cast or challenged ballot, decoded and its contents checked (declared in the header).
struct ValidatedBallot final : ValidatedRecord {
    election::EncryptedBallot ballot;
    Hash32 ballot_hash;
    bool challenged = false;
    // Checked live (validate): goes into the running tally. Replayed at opening (restore): not.
    bool live = false;
    // A live cast ballot's ciphertexts as its check decoded them, for the running tally.
    std::vector<crypto::PublicCiphertext> ciphertexts;
};

namespace {

constexpr std::array<election::RecordType, 8> owned_types = {
    election::RecordType::device_registration, election::RecordType::device_deauthorisation,
    election::RecordType::polls_opened,        election::RecordType::polls_paused,
    election::RecordType::polls_resumed,       election::RecordType::polls_closed,
    election::RecordType::encrypted_ballot,    election::RecordType::challenged_ballot,
};

struct ValidatedRegistration final : ValidatedRecord {
    election::DeviceRegistration registration;
};

struct ValidatedDeauthorisation final : ValidatedRecord {
    election::DeviceDeauthorisation deauthorisation;
};

struct ValidatedPolls final : ValidatedRecord {
    election::PollsRecord polls;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// How far a ballot's stamp may run ahead of the ledger's clock: a kiosk's clock a few minutes
// fast. (Stamps are rounded down to the hour, so a slow clock never matters.)
constexpr std::uint64_t stamp_tolerance_seconds = 300;

Error refuse(const std::string& message) { return make_error(ErrorCode::refused, message); }

// The district id of an encrypted ballot, from its first fields: base hash, ballot id, device id,
// district id (docs/encoding.md §4).
Result<std::string> ballot_district(ByteSpan record) {
    election::CanonicalReader r(record, election::RecordType::encrypted_ballot,
                                election::encrypted_ballot_version, "encrypted ballot",
                                election::oldest_encrypted_ballot_version);
    r.hash("election base hash");
    r.text("ballot id", 64);
    r.text("device id", 64);
    std::string district = r.text("district id", 64);
    if (!r.ok()) return r.finish().error();
    return district;
}

Result<std::unique_ptr<ValidatedBallot>> decode_any_ballot(ByteSpan record) {
    auto validated = std::make_unique<ValidatedBallot>();
    if (static_cast<election::RecordType>(record[0]) == election::RecordType::challenged_ballot) {
        auto challenged = election::decode_challenged_ballot(record);
        if (!challenged) return challenged.error();
        validated->ballot = std::move(challenged.value().ballot);
        validated->challenged = true;
    } else {
        auto ballot = election::decode_ballot(record);
        if (!ballot) return ballot.error();
        validated->ballot = std::move(ballot).value();
    }
    validated->ballot_hash = election::compute_ballot_hash(validated->ballot);
    return validated;
}

// What a copied ballot keeps: every selection's ciphertext, in order.
detail::ElectionWideClaims::Digest ciphertexts_digest(const election::EncryptedBallot& b) {
    Bytes all;
    for (const auto& contest : b.contests)
        for (const auto& selection : contest.selections) {
            const auto alpha = selection.ciphertext.alpha.bytes();
            const auto beta = selection.ciphertext.beta.bytes();
            all.insert(all.end(), alpha.begin(), alpha.end());
            all.insert(all.end(), beta.begin(), beta.end());
        }
    return detail::ElectionWideClaims::digest(detail::ElectionWideClaims::Kind::ballot_ciphertexts,
                                              all);
}

}  // namespace

std::string_view to_string(PollsStatus status) {
    switch (status) {
        case PollsStatus::not_opened:
            return "not opened";
        case PollsStatus::open:
            return "open";
        case PollsStatus::paused:
            return "paused";
        case PollsStatus::closed:
            return "closed";
    }
    return "unknown";
}

CastingModule::CastingModule(const election::ElectionContext& election,
                             const crypto::Ed25519PublicKey& authority_key)
    : election_(election),
      authority_key_(authority_key),
      claims_(std::make_unique<detail::ElectionWideClaims>()) {
    for (std::size_t i = 0; i < election.manifest.districts.size(); ++i) {
        districts_.push_back(std::make_unique<District>());
    }
}

std::span<const election::RecordType> CastingModule::record_types() const { return owned_types; }

Result<std::string> CastingModule::partition_of(ByteSpan record) const {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::device_registration: {
            auto r = election::decode_device_registration(record);
            if (!r) return r.error();
            return r.value().district_id;
        }
        case election::RecordType::device_deauthorisation: {
            auto r = election::decode_device_deauthorisation(record);
            if (!r) return r.error();
            return r.value().district_id;
        }
        case election::RecordType::polls_opened:
        case election::RecordType::polls_paused:
        case election::RecordType::polls_resumed:
        case election::RecordType::polls_closed: {
            auto r = election::decode_polls_record(record);
            if (!r) return r.error();
            return r.value().district_id;
        }
        case election::RecordType::encrypted_ballot:
            return ballot_district(record);
        case election::RecordType::challenged_ballot: {
            election::CanonicalReader r(record, election::RecordType::challenged_ballot, 1,
                                        "challenged ballot");
            const Bytes inner = r.bytes("ballot", 64 * 1024 * 1024);
            if (!r.ok()) return r.finish().error();
            auto district = ballot_district(inner);
            if (!district) return district.error().within("challenged ballot");
            return district;
        }
        default:
            break;
    }
    return make_error(ErrorCode::invalid_argument,
                      "record type " + std::to_string(record[0]) + " is not the casting module's");
}

Result<std::unique_ptr<ValidatedRecord>> CastingModule::validate(ByteSpan record) const {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty record");
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::device_registration: {
            auto r = election::decode_device_registration(record);
            if (!r) return r.error();
            if (auto ok = election::verify_device_authorisation(election_.base_hash, r.value(),
                                                                authority_key_);
                !ok)
                return ok.error();
            auto v = std::make_unique<ValidatedRegistration>();
            v->registration = std::move(r).value();
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        case election::RecordType::device_deauthorisation: {
            PSEPHOS_TRY_ASSIGN(auto r, election::decode_device_deauthorisation(record));
            PSEPHOS_TRY(
                election::verify_device_deauthorisation(election_.base_hash, r, authority_key_));
            auto v = std::make_unique<ValidatedDeauthorisation>();
            v->deauthorisation = std::move(r);
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        case election::RecordType::polls_opened:
        case election::RecordType::polls_paused:
        case election::RecordType::polls_resumed:
        case election::RecordType::polls_closed: {
            auto r = election::decode_polls_record(record);
            if (!r) return r.error();
            // The election's two-person close (manifest polls.close_requires): a kiosk whose
            // operator dropped its option still cannot have the polls closed by one name.
            PSEPHOS_TRY(
                election::check_polls_close_actors(election_.manifest.close_requires(), r.value()));
            auto v = std::make_unique<ValidatedPolls>();
            v->polls = std::move(r).value();
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        case election::RecordType::encrypted_ballot: {
            auto v = decode_any_ballot(record);
            if (!v) return v.error();
            if (auto ok = election::verify_ballot_contents(election_, v.value()->ballot,
                                                           &v.value()->ciphertexts);
                !ok)
                return ok.error();
            v.value()->live = true;
            return std::unique_ptr<ValidatedRecord>(std::move(v).value());
        }
        case election::RecordType::challenged_ballot: {
            auto challenged = election::decode_challenged_ballot(record);
            if (!challenged) return challenged.error();
            if (auto ok =
                    election::verify_challenged_ballot_contents(election_, challenged.value());
                !ok) {
                return ok.error();
            }
            auto v = std::make_unique<ValidatedBallot>();
            v->ballot = std::move(challenged.value().ballot);
            v->ballot_hash = election::compute_ballot_hash(v->ballot);
            v->challenged = true;
            v->live = true;
            return std::unique_ptr<ValidatedRecord>(std::move(v));
        }
        default:
            break;
    }
    return make_error(ErrorCode::invalid_argument,
                      "record type " + std::to_string(record[0]) + " is not the casting module's");
}

Result<EventNote> CastingModule::apply(const DistrictBatchView& batch,
                                       const ValidatedRecord& record) {
    return apply_record(batch.district_index, batch, record, true);
}

Result<EventNote> CastingModule::apply_record(std::size_t d, const DistrictBatchView& batch,
                                              const ValidatedRecord& record, bool check_signature) {
    if (const auto* r = dynamic_cast<const ValidatedRegistration*>(&record))
        return apply_registration(d, *batch.district_id, r->registration);
    if (const auto* r = dynamic_cast<const ValidatedDeauthorisation*>(&record))
        return apply_deauthorisation(d, batch, r->deauthorisation);
    if (const auto* p = dynamic_cast<const ValidatedPolls*>(&record)) {
        if (check_signature) {
            if (auto ok = check_polls_signatures(d, *batch.district_id, p->polls); !ok)
                return ok.error();
        }
        return apply_polls(d, *batch.district_id, p->polls);
    }
    const auto* v = dynamic_cast<const ValidatedBallot*>(&record);
    if (v == nullptr) throw std::logic_error("CastingModule::apply: a record it did not validate");
    return apply_ballot(d, batch, *v, check_signature);
}

const CastingModule::Device* CastingModule::find_device(const District& district,
                                                        std::string_view id) {
    if (auto it = district.pending.devices.find(id); it != district.pending.devices.end())
        return &it->second;
    if (auto it = district.devices.find(id); it != district.devices.end()) return &it->second;
    return nullptr;
}

Result<EventNote> CastingModule::apply_registration(std::size_t d, const std::string& district_id,
                                                    const election::DeviceRegistration& reg) {
    District& district = *districts_.at(d);
    Changes& pending = district.pending;
    const PollsStatus polls = pending.polls.value_or(district.polls);
    // A device added during the day could stuff ballots: registrations close at the opening.
    if (polls != PollsStatus::not_opened) {
        return refuse("device " + quoted(reg.device_id) + ": registrations in district " +
                      quoted(district_id) + " closed when its polls opened (polls are " +
                      std::string(to_string(polls)) + ")");
    }
    if (find_device(district, reg.device_id) != nullptr) {
        return refuse("device " + quoted(reg.device_id) + " is already registered in district " +
                      quoted(district_id));
    }
    // One key, one device, one district: neither the id nor the key may be registered again.
    using Kind = detail::ElectionWideClaims::Kind;
    if (auto ok = claim_election_wide(
            d, {{detail::ElectionWideClaims::digest(Kind::device_id, reg.device_id),
                 "device " + quoted(reg.device_id) + ": its id is already registered"},
                {detail::ElectionWideClaims::digest(Kind::device_key, reg.device_key.span()),
                 "device " + quoted(reg.device_id) + ": its key is already registered"}});
        !ok)
        return ok.error();
    pending.devices.emplace(
        reg.device_id,
        Device{reg.device_key, election::initial_tracking_code(election_.base_hash, reg.device_id),
               0, std::nullopt});
    return EventNote{election::EventType::device_registered,
                     "device " + quoted(reg.device_id) + " key " + to_hex(reg.device_key.span())};
}

Result<EventNote> CastingModule::apply_deauthorisation(std::size_t d,
                                                       const DistrictBatchView& batch,
                                                       const election::DeviceDeauthorisation& rec) {
    District& district = *districts_.at(d);
    Changes& pending = district.pending;
    const PollsStatus polls = pending.polls.value_or(district.polls);
    const std::string what = "deauthorisation of device " + quoted(rec.device_id) +
                             " in district " + quoted(*batch.district_id);
    // After the close the device's chain is final and signed in the closing record.
    if (polls == PollsStatus::closed) return refuse(what + ": the district's polls are closed");
    const Device* device = find_device(district, rec.device_id);
    if (device == nullptr) return refuse(what + ": no such device is registered in the district");
    if (!(device->key == rec.device_key))
        return refuse(what + ": it names key " + to_hex(rec.device_key.span()) +
                      ", the device is registered with " + to_hex(device->key.span()));
    if (device->deauthorised_at)
        return refuse(what + ": already deauthorised (record " +
                      std::to_string(*device->deauthorised_at) + ")");
    Device updated = *device;
    updated.deauthorised_at = batch.next_index;
    pending.devices.insert_or_assign(rec.device_id, updated);
    return EventNote{election::EventType::device_deauthorised,
                     "device " + quoted(rec.device_id) + " after " +
                         std::to_string(updated.ballots) + " ballots: " + rec.reason};
}

Status CastingModule::check_polls_signatures(std::size_t d, const std::string& district_id,
                                             const election::PollsRecord& rec) const {
    const District& district = *districts_.at(d);
    const std::string what =
        "polls " + std::string(to_string(rec.action)) + " in district " + quoted(district_id);
    const Device* device = find_device(district, rec.device_id);
    if (device == nullptr) {
        return refuse(what + ": device " + quoted(rec.device_id) +
                      " is not registered in the district");
    }
    if (device->deauthorised_at) {
        return refuse(what + ": device " + quoted(rec.device_id) +
                      " was deauthorised by the election authority (record " +
                      std::to_string(*device->deauthorised_at) + ")");
    }
    if (auto ok = crypto::verify_signature(device->key,
                                           election::polls_record_message(election_.base_hash, rec),
                                           rec.device_signature);
        !ok)
        return refuse(what + ": device " + quoted(rec.device_id) + "'s signature does not verify");
    if (rec.action != election::PollsAction::closed) return {};
    // Every registered device's own head, each signed by that device and equal to its chain in
    // the log: a cut tail, a dropped or an added ballot no longer matches (docs/encoding.md §13).
    // A deauthorised device signs nothing more: its chain ends at its deauthorisation record.
    std::vector<std::string> registered;
    for (const auto& [id, dev] : district.devices) registered.push_back(id);
    for (const auto& [id, dev] : district.pending.devices)
        if (!district.devices.contains(id)) registered.push_back(id);
    std::erase_if(registered, [&](const std::string& id) {
        return find_device(district, id)->deauthorised_at.has_value();
    });
    std::sort(registered.begin(), registered.end());
    std::vector<std::string> named;
    for (const auto& h : rec.heads) named.push_back(h.device_id);
    if (named != registered) {
        auto list = [](const std::vector<std::string>& ids) {
            std::string out;
            for (const auto& id : ids) out += (out.empty() ? "" : ", ") + quoted(id);
            return out.empty() ? std::string("none") : out;
        };
        return refuse(what + ": the heads name devices " + list(named) +
                      ", the registered devices are " + list(registered));
    }
    for (const election::DeviceHead& head : rec.heads) {
        const Device* dev = find_device(district, head.device_id);
        const std::string at = what + ": device " + quoted(head.device_id) + "'s head";
        if (auto ok = crypto::verify_signature(
                dev->key, election::device_head_message(election_.base_hash, district_id, head),
                head.signature);
            !ok)
            return refuse(at + ": its signature does not verify");
        if (head.ballots != dev->ballots || !(head.last_tracking_code == dev->chain_head)) {
            return refuse(at + " reports " + std::to_string(head.ballots) + " ballots ending in " +
                          election::format_tracking_code(head.last_tracking_code) +
                          ", the log holds " + std::to_string(dev->ballots) + " ending in " +
                          election::format_tracking_code(dev->chain_head));
        }
    }
    return {};
}

Result<EventNote> CastingModule::apply_polls(std::size_t d, const std::string& district_id,
                                             const election::PollsRecord& rec) {
    District& district = *districts_.at(d);
    Changes& pending = district.pending;
    const PollsStatus polls = pending.polls.value_or(district.polls);
    const std::string what =
        "polls " + std::string(to_string(rec.action)) + " in district " + quoted(district_id);
    const std::uint64_t cast = district.ballots_cast + pending.ballots_cast;
    const std::uint64_t challenged = district.ballots_challenged + pending.ballots_challenged;
    // Every polls record reports the district's totals at that moment (encoding.md §13).
    auto counts_differ = [&] {
        return what + ": the record reports " + std::to_string(rec.ballots_cast) + " cast and " +
               std::to_string(rec.ballots_challenged) + " challenged, the log holds " +
               std::to_string(cast) + " and " + std::to_string(challenged);
    };
    auto counts_text = [&] {
        return std::to_string(cast) + " cast, " + std::to_string(challenged) + " challenged";
    };
    switch (rec.action) {
        case election::PollsAction::opened:
            if (polls != PollsStatus::not_opened)
                return refuse(what + ": polls are already " + std::string(to_string(polls)));
            pending.polls = PollsStatus::open;
            pending.opened_hour = rec.time - rec.time % 3600;
            return EventNote{election::EventType::polls_opened,
                             "zero report: 0 cast, 0 challenged"};
        case election::PollsAction::paused:
            if (polls != PollsStatus::open)
                return refuse(what + ": polls are " + std::string(to_string(polls)));
            if (rec.ballots_cast != cast || rec.ballots_challenged != challenged)
                return refuse(counts_differ());
            pending.polls = PollsStatus::paused;
            return EventNote{election::EventType::polls_paused, counts_text()};
        case election::PollsAction::resumed:
            if (polls != PollsStatus::paused)
                return refuse(what + ": polls are " + std::string(to_string(polls)));
            if (rec.ballots_cast != cast || rec.ballots_challenged != challenged)
                return refuse(counts_differ());
            pending.polls = PollsStatus::open;
            return EventNote{election::EventType::polls_resumed, counts_text()};
        case election::PollsAction::closed:
            if (polls != PollsStatus::open && polls != PollsStatus::paused) {
                return refuse(what + ": polls are " + std::string(to_string(polls)));
            }
            if (rec.ballots_cast != cast || rec.ballots_challenged != challenged)
                return refuse(counts_differ());
            pending.polls = PollsStatus::closed;
            return EventNote{
                election::EventType::polls_closed,
                std::to_string(cast) + " cast, " + std::to_string(challenged) + " challenged"};
    }
    return refuse(what + ": unknown action");
}

Result<EventNote> CastingModule::apply_ballot(std::size_t d, const DistrictBatchView& batch,
                                              const ValidatedBallot& v, bool check_signature) {
    District& district = *districts_.at(d);
    Changes& pending = district.pending;
    const PollsStatus polls = pending.polls.value_or(district.polls);
    const std::string& district_id = *batch.district_id;
    const election::EncryptedBallot& b = v.ballot;
    const std::string what =
        std::string(v.challenged ? "challenged ballot " : "ballot ") + quoted(b.ballot_id);
    if (b.district_id != district_id) {
        throw std::logic_error("CastingModule::apply: ballot routed to the wrong district");
    }
    const Device* device = find_device(district, b.device_id);
    if (device == nullptr) {
        return refuse(what + ": device " + quoted(b.device_id) + " is not registered in district " +
                      quoted(district_id));
    }
    if (device->deauthorised_at) {
        return refuse(what + ": device " + quoted(b.device_id) +
                      " was deauthorised by the election authority (record " +
                      std::to_string(*device->deauthorised_at) + " of district " +
                      quoted(district_id) + ")");
    }
    if (check_signature) {
        if (auto ok = election::verify_ballot_signature(device->key, b); !ok) return ok.error();
    }
    if (polls != PollsStatus::open) {
        return refuse(what + ": polls are " + std::string(to_string(polls)) + " in district " +
                      quoted(district_id));
    }
    const std::uint64_t opened_hour = pending.opened_hour.value_or(district.opened_hour);
    if (b.timestamp < opened_hour) {
        return refuse(what + ": stamped " + std::to_string(b.timestamp) +
                      ", before the hour the polls of district " + quoted(district_id) +
                      " opened in (" + std::to_string(opened_hour) + ")");
    }
    // batch.time is 0 when the log is replayed at opening: the clock then is not the day's.
    if (batch.time != 0 && b.timestamp > batch.time + stamp_tolerance_seconds) {
        return refuse(what + ": stamped " + std::to_string(b.timestamp) +
                      ", later than the ledger's clock (" + std::to_string(batch.time) + ")");
    }
    if (!(b.previous_tracking_code == device->chain_head)) {
        // A replay also breaks the chain; name it as what it is.
        if (auto holder = claims_->holder(detail::ElectionWideClaims::digest(
                detail::ElectionWideClaims::Kind::ballot_id, b.ballot_id))) {
            return refuse(what + ": ballot id already recorded in district " +
                          quoted(election_.manifest.districts.at(*holder).id) +
                          " (duplicate or replayed)");
        }
        return refuse(what + ": does not chain to device " + quoted(b.device_id) +
                      "'s last tracking code (replayed, reordered or from another chain)");
    }
    // Ballot ids and ciphertexts are unique election-wide: a ballot copied into another district.
    const std::size_t claims_before = pending.claims.size();
    if (auto ok = claim_election_wide(
            d, {{ciphertexts_digest(b), what + ": its ciphertexts are those of a ballot already "
                                               "recorded (a copied ballot)"},
                {detail::ElectionWideClaims::digest(detail::ElectionWideClaims::Kind::ballot_id,
                                                    b.ballot_id),
                 what + ": ballot id already recorded"}});
        !ok)
        return ok.error();
    if (v.live) {
        if (auto ok = add_to_running_tally(d, batch, v); !ok) {
            // Cannot happen after verify_ballot_contents (it checks the style's shape); if it
            // did, the ballot is refused whole: its claims are given back.
            for (std::size_t i = claims_before; i < pending.claims.size(); ++i)
                claims_->release(pending.claims[i]);
            pending.claims.resize(claims_before);
            return ok.error().within(what);
        }
    }
    const Hash32 code = election::next_tracking_code(b.previous_tracking_code, v.ballot_hash);
    Device updated = *device;
    updated.chain_head = code;
    ++updated.ballots;
    pending.devices.insert_or_assign(b.device_id, updated);
    (v.challenged ? pending.ballots_challenged : pending.ballots_cast) += 1;
    pending.tracking_codes.emplace_back(code, TrackingCodeEntry{d, batch.next_index, v.challenged});
    return EventNote{
        v.challenged ? election::EventType::ballot_challenged : election::EventType::ballot_cast,
        "tracking code " + election::format_tracking_code(code) + " from device " +
            quoted(b.device_id)};
}

Status CastingModule::add_to_running_tally(std::size_t d, const DistrictBatchView& batch,
                                           const ValidatedBallot& v) {
    District& district = *districts_.at(d);
    std::optional<RunningTally>& running = district.pending.running;
    if (!running) {
        PSEPHOS_TRY_ASSIGN(auto sums,
                           election::DistrictTallyBuilder::create(election_, *batch.district_id));
        // The first live ballot of the district fixes where the running sums begin.
        const std::uint64_t first =
            district.running ? district.running->first_index : batch.next_index;
        running = RunningTally{std::move(sums), first};
    }
    if (v.challenged) {
        running->sums.add_challenged();
        return {};
    }
    return running->sums.add_cast(v.ciphertexts);
}

void CastingModule::commit(std::size_t d) { merge_pending(d); }

void CastingModule::abort(std::size_t d) {
    Changes& pending = districts_.at(d)->pending;
    for (const auto& claim : pending.claims) claims_->release(claim);
    pending = Changes();
}

CastingModule::~CastingModule() = default;

Status CastingModule::claim_election_wide(
    std::size_t d,
    const std::vector<std::pair<std::array<std::uint8_t, 16>, std::string>>& claims) {
    std::vector<std::array<std::uint8_t, 16>> taken;
    for (const auto& [digest, what] : claims) {
        if (auto holder = claims_->claim(digest, d)) {
            for (const auto& t : taken) claims_->release(t);
            return refuse(what + " in district " +
                          quoted(election_.manifest.districts.at(*holder).id) +
                          (*holder == d ? " (duplicate or replayed)" : ""));
        }
        taken.push_back(digest);
    }
    auto& pending = districts_.at(d)->pending.claims;
    pending.insert(pending.end(), taken.begin(), taken.end());
    return {};
}

void CastingModule::merge_pending(std::size_t d) {
    District& district = *districts_.at(d);
    Changes pending = std::exchange(district.pending, Changes());
    {
        std::lock_guard lock(district.mutex);
        if (pending.polls) district.polls = *pending.polls;
        if (pending.opened_hour) district.opened_hour = *pending.opened_hour;
        district.ballots_cast += pending.ballots_cast;
        district.ballots_challenged += pending.ballots_challenged;
        for (auto& [id, device] : pending.devices) district.devices.insert_or_assign(id, device);
        if (pending.running) {
            if (district.running)
                district.running->sums.merge(pending.running->sums);
            else
                district.running = std::move(pending.running);
        }
    }
    std::lock_guard lock(tracking_mutex_);
    for (const auto& [code, entry] : pending.tracking_codes) tracking_codes_.emplace(code, entry);
}

Status CastingModule::restore(std::size_t d, std::uint64_t index, ByteSpan record) {
    if (record.empty()) return make_error(ErrorCode::corrupted, "empty record");
    std::unique_ptr<ValidatedRecord> decoded;
    switch (static_cast<election::RecordType>(record[0])) {
        case election::RecordType::encrypted_ballot:
        case election::RecordType::challenged_ballot: {
            auto v = decode_any_ballot(record);
            if (!v) return v.error();
            decoded = std::move(v).value();
            break;
        }
        default: {
            auto v = validate(record);
            if (!v) return v.error();
            decoded = std::move(v).value();
        }
    }
    const DistrictBatchView view{d, &election_.manifest.districts.at(d).id, index, 0, index, {}};
    // The signature was checked when the record was accepted, and the record's bytes are pinned
    // by the signed roots; the state rules are checked again, so a log that breaks them is refused.
    auto applied = apply_record(d, view, *decoded, false);
    if (!applied) {
        abort(d);
        return make_error(ErrorCode::corrupted, applied.error().message);
    }
    merge_pending(d);
    return {};
}

std::optional<RunningTally> CastingModule::running_tally(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    return district.running;
}

DistrictCastingStatus CastingModule::status(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    return {district.polls, district.ballots_cast, district.ballots_challenged,
            district.devices.size()};
}

std::optional<TrackingCodeEntry> CastingModule::find_tracking_code(const Hash32& code) const {
    std::lock_guard lock(tracking_mutex_);
    if (auto it = tracking_codes_.find(code); it != tracking_codes_.end()) return it->second;
    return std::nullopt;
}

Result<std::pair<Hash32, TrackingCodeEntry>> CastingModule::find_tracking_code_prefix(
    ByteSpan prefix) const {
    if (prefix.empty() || prefix.size() > 32)
        return make_error(ErrorCode::invalid_argument,
                          "tracking code prefix must be 1 to 32 bytes");
    Hash32 low;
    std::copy(prefix.begin(), prefix.end(), low.bytes.begin());
    auto starts_with_prefix = [&](const Hash32& code) {
        return std::equal(prefix.begin(), prefix.end(), code.bytes.begin());
    };
    std::lock_guard lock(tracking_mutex_);
    auto it = tracking_codes_.lower_bound(low);
    if (it == tracking_codes_.end() || !starts_with_prefix(it->first))
        return make_error(ErrorCode::not_found, "no ballot has this tracking code");
    auto next = std::next(it);
    if (next != tracking_codes_.end() && starts_with_prefix(next->first))
        return make_error(ErrorCode::invalid_argument,
                          "two ballots share this tracking code's first " +
                              std::to_string(prefix.size()) + " bytes; give the full code in hex");
    return std::make_pair(it->first, it->second);
}

std::optional<std::uint64_t> CastingModule::device_ballots(std::size_t d,
                                                           std::string_view device_id) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    if (auto it = district.devices.find(device_id); it != district.devices.end())
        return it->second.ballots;
    return std::nullopt;
}

std::optional<crypto::Ed25519PublicKey> CastingModule::device_key(
    std::size_t d, std::string_view device_id) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    if (auto it = district.devices.find(device_id); it != district.devices.end())
        return it->second.key;
    return std::nullopt;
}

std::optional<std::string> CastingModule::device_with_key(
    std::size_t d, const crypto::Ed25519PublicKey& key) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    for (const auto& [id, device] : district.devices)
        if (device.key == key) return id;
    return std::nullopt;
}

std::vector<std::string> CastingModule::devices(std::size_t d) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    std::vector<std::string> out;
    for (const auto& [id, device] : district.devices) out.push_back(id);
    return out;
}

bool CastingModule::device_deauthorised(std::size_t d, std::string_view device_id) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    const auto it = district.devices.find(device_id);
    return it != district.devices.end() && it->second.deauthorised_at.has_value();
}

std::optional<Hash32> CastingModule::device_chain_head(std::size_t d,
                                                       std::string_view device_id) const {
    const District& district = *districts_.at(d);
    std::lock_guard lock(district.mutex);
    if (auto it = district.devices.find(device_id); it != district.devices.end())
        return it->second.chain_head;
    return std::nullopt;
}

}  // namespace psephos::ledger
