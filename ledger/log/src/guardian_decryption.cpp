// A guardian's decryption of the district tallies, each checked against its log first
// (guardian_decryption.hpp, docs/tally.md §3).
#include "psephos/ledger/guardian_decryption.hpp"

#include <optional>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/tally_recomputation.hpp"

namespace psephos::ledger {

namespace {

using State = GuardianDistrictOutcome::State;

// What a guardian learns from reading one district log.
struct DistrictReading {
    std::optional<election::DistrictTally> tally;  // the first tally record
    Hash32 tally_hash;
    std::uint64_t tally_index = 0;
    std::optional<std::string> mismatch;      // why the tally is not the log's
    std::optional<std::string> unauthorised;  // the first registration the authority did not sign
    bool decrypted_by_guardian = false;
    bool result = false;
};

// Whether the election authority signed the device registration `record` (V30's check, done by
// the guardian itself: a device registered by whoever holds the ledger key has its ballots
// summed into the tally like any other).
std::optional<std::string> unauthorised_registration(const election::ElectionContext& election,
                                                     const crypto::Ed25519PublicKey& authority,
                                                     const std::string& at, ByteSpan record) {
    auto registration = election::decode_device_registration(record);
    if (!registration) return at + ": " + registration.error().message;
    if (auto ok = election::verify_device_authorisation(election.base_hash, registration.value(),
                                                        authority);
        !ok)
        return at + ": " + ok.error().message;
    return std::nullopt;
}

Result<DistrictReading> read_district(const election::ElectionContext& election,
                                      const std::string& district_id, std::uint32_t guardian,
                                      const DistrictLogSource& logs,
                                      const std::optional<crypto::Ed25519PublicKey>& authority) {
    DistrictReading out;
    // A district without a ballot style can hold no tally (the ledger refuses its shape).
    auto recomputation =
        election::TallyRecomputation::create(election, district_id, election::BallotChecks::full);
    auto visit = [&](std::uint64_t index, ByteSpan record) -> Status {
        const std::string at = "record " + std::to_string(index);
        if (record.empty()) return make_error(ErrorCode::invalid_encoding, at + ": empty");
        const auto type = static_cast<election::RecordType>(record[0]);
        if (authority && !out.unauthorised && type == election::RecordType::device_registration)
            out.unauthorised = unauthorised_registration(election, *authority, at, record);
        if (!out.tally && type != election::RecordType::district_tally) {
            if (!recomputation || out.mismatch) return {};
            if (auto ok = recomputation.value().add_record(record); !ok)
                out.mismatch = ok.error().message;
            return {};
        }
        if (!out.tally) {
            auto tally = election::decode_district_tally(record);
            if (!tally) return tally.error().within(at);
            out.tally = std::move(tally).value();
            out.tally_hash = crypto::hash_merkle_leaf(record);
            out.tally_index = index;
            if (!recomputation) {
                out.mismatch = recomputation.error().message;
            } else if (!out.mismatch) {
                if (auto ok =
                        election::check_tally_matches(*out.tally, recomputation.value().finish());
                    !ok)
                    out.mismatch = ok.error().message;
            }
            return {};
        }
        if (type == election::RecordType::tally_decryption) {
            auto decryption = election::decode_tally_decryption(record);
            if (!decryption) return decryption.error().within(at);
            if (decryption.value().guardian_index == guardian &&
                decryption.value().tally_hash == out.tally_hash)
                out.decrypted_by_guardian = true;
        } else if (type == election::RecordType::district_result) {
            out.result = true;
        }
        return {};
    };
    if (auto ok = logs(district_id, visit); !ok)
        return ok.error().within("district '" + district_id + "'");
    return out;
}

}  // namespace

Result<GuardianDecryptions> prepare_tally_decryptions(
    const election::ElectionContext& election, const election::GuardianKey& key,
    const DistrictLogSource& logs, const std::optional<crypto::Ed25519PublicKey>& authority_key) {
    if (auto ok = election::check_guardian_key(key, election.manifest); !ok) return ok.error();
    const auto& districts = election.manifest.districts;
    GuardianDecryptions out;
    out.outcomes.resize(districts.size());
    for (std::size_t d = 0; d < districts.size(); ++d) {
        GuardianDistrictOutcome& o = out.outcomes[d];
        o.district_id = districts[d].id;
        PSEPHOS_TRY_ASSIGN(const DistrictReading reading,
                           read_district(election, o.district_id, key.index, logs, authority_key));
        if (reading.unauthorised) {
            // Whatever the tally: the log counts ballots of a device the authority never let in.
            o.state = State::unauthorised_device;
            o.error = "district '" + o.district_id +
                      "': not decrypted: the log registers a device the election authority did "
                      "not authorise: " +
                      *reading.unauthorised;
        } else if (!reading.tally) {
            o.state = State::no_tally;
        } else if (reading.mismatch) {
            o.state = State::tally_mismatch;
            o.record_index = reading.tally_index;
            o.error = "district '" + o.district_id + "': the tally (record " +
                      std::to_string(reading.tally_index) +
                      ") is not decrypted: " + *reading.mismatch;
        } else if (reading.result) {
            o.state = State::has_result;
        } else if (reading.decrypted_by_guardian) {
            o.state = State::already_decrypted;
        } else {
            const election::TallyDecryption decryption =
                election::decrypt_district_tally(election, *reading.tally, reading.tally_hash,
                                                 key.index, key.secret_share, key.identity);
            for (const auto& contest : decryption.shares)
                o.partial_decryptions += contest.options.size();
            o.state = State::prepared;
            out.records.push_back(election::encode_tally_decryption(decryption));
        }
    }
    return out;
}

Result<std::vector<GuardianDistrictOutcome>> decrypt_tallies_as_guardian(
    Ledger& l, const election::GuardianKey& key) {
    const DistrictLogSource logs = [&l](std::string_view district,
                                        const LogVisitor& visit) -> Status {
        auto status = l.status(district);
        if (!status) return status.error();
        for (std::uint64_t i = 0; i < status.value().size; ++i) {
            auto record = l.record(district, i);
            if (!record) return record.error();
            if (auto ok = visit(i, record.value()); !ok) return ok;
        }
        return {};
    };
    PSEPHOS_TRY_ASSIGN(
        GuardianDecryptions prepared,
        prepare_tally_decryptions(l.election(), key, logs, l.approval().authority_key));
    const auto receipts = l.ingest(std::move(prepared.records), election::ActorRole::guardian);
    std::size_t next = 0;
    for (GuardianDistrictOutcome& o : prepared.outcomes) {
        if (o.state != State::prepared) continue;
        const auto& receipt = receipts.at(next++);
        if (receipt) {
            o.state = State::decrypted;
            o.record_index = receipt.value().index;
        } else {
            o.state = State::refused;
            o.error = receipt.error().message;
        }
    }
    return std::move(prepared.outcomes);
}

}  // namespace psephos::ledger
