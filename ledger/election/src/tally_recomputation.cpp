// A district tally recomputed from its log, and the comparison with a recorded tally
// (tally_recomputation.hpp, docs/tally.md §2, §3).
#include "psephos/election/tally_recomputation.hpp"

#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"

namespace psephos::election {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

Error mismatch(const DistrictTally&, const std::string& what) {
    return make_error(ErrorCode::verification_failed, what);
}

bool same_shape(const DistrictTally& a, const DistrictTally& b) {
    if (a.sums.size() != b.sums.size()) return false;
    for (std::size_t c = 0; c < a.sums.size(); ++c) {
        const auto& x = a.sums[c];
        const auto& y = b.sums[c];
        if (x.contest_id != y.contest_id || x.options.size() != y.options.size()) return false;
        for (std::size_t o = 0; o < x.options.size(); ++o)
            if (x.options[o].option_id != y.options[o].option_id) return false;
    }
    return true;
}

}  // namespace

TallyRecomputation::TallyRecomputation(const ElectionContext& election,
                                       DistrictTallyBuilder builder, std::string district_id,
                                       BallotChecks checks)
    : election_(&election),
      builder_(std::move(builder)),
      district_id_(std::move(district_id)),
      checks_(checks) {}

Result<TallyRecomputation> TallyRecomputation::create(const ElectionContext& election,
                                                      std::string_view district_id,
                                                      BallotChecks checks) {
    auto builder = DistrictTallyBuilder::create(election, district_id);
    if (!builder) return builder.error();
    return TallyRecomputation(election, std::move(builder).value(), std::string(district_id),
                              checks);
}

// The guardian's checks of one record (BallotChecks::full): registrations and deauthorisations
// are remembered, cast ballots checked as the ledger checked them when it accepted them.
Status TallyRecomputation::check_record(ByteSpan record) {
    const auto type = static_cast<RecordType>(record[0]);
    if (type == RecordType::device_registration) {
        auto registration = decode_device_registration(record);
        if (!registration) return registration.error();
        if (registration.value().district_id != district_id_) {
            return make_error(
                ErrorCode::verification_failed,
                "a registration for district " + quoted(registration.value().district_id));
        }
        devices_.insert_or_assign(registration.value().device_id, registration.value().device_key);
        return {};
    }
    if (type == RecordType::device_deauthorisation) {
        PSEPHOS_TRY_ASSIGN(const auto deauthorisation, decode_device_deauthorisation(record));
        if (deauthorisation.district_id != district_id_)
            return make_error(
                ErrorCode::verification_failed,
                "a deauthorisation for district " + quoted(deauthorisation.district_id));
        deauthorised_.insert(deauthorisation.device_id);
        return {};
    }
    if (type != RecordType::encrypted_ballot) return {};
    auto ballot = decode_ballot(record);
    if (!ballot) return ballot.error();
    const EncryptedBallot& b = ballot.value();
    const std::string which = "ballot " + quoted(b.ballot_id);
    if (b.district_id != district_id_) {
        return make_error(ErrorCode::verification_failed,
                          which + " is of district " + quoted(b.district_id));
    }
    const auto device = devices_.find(b.device_id);
    if (device == devices_.end()) {
        return make_error(ErrorCode::verification_failed,
                          which + ": device " + quoted(b.device_id) +
                              " is not registered in the district before it");
    }
    if (deauthorised_.count(b.device_id) != 0)
        return make_error(ErrorCode::verification_failed,
                          which + ": device " + quoted(b.device_id) +
                              " was deauthorised by the election authority before it");
    // Both name the ballot themselves.
    if (auto ok = verify_ballot_signature(device->second, b); !ok) return ok;
    return verify_ballot_contents(*election_, b);
}

Status TallyRecomputation::add_record(ByteSpan record) {
    const std::string at = "record " + std::to_string(tree_.size());
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, at + ": empty");
    if (checks_ == BallotChecks::full) {
        if (auto ok = check_record(record); !ok) return ok.error().within(at);
    }
    if (auto ok = builder_.add_record(record); !ok) return ok.error().within(at);
    tree_.append_leaf_hash(crypto::hash_merkle_leaf(record));
    return {};
}

Status check_tally_matches(const DistrictTally& recorded, const DistrictTally& recomputed) {
    if (recorded.district_id != recomputed.district_id ||
        recorded.ballot_style_id != recomputed.ballot_style_id) {
        return mismatch(recorded, "the tally is of district " + quoted(recorded.district_id) +
                                      ", style " + quoted(recorded.ballot_style_id) +
                                      "; its log is of district " + quoted(recomputed.district_id) +
                                      ", style " + quoted(recomputed.ballot_style_id));
    }
    if (recorded.log_size != recomputed.log_size || !(recorded.log_root == recomputed.log_root)) {
        return mismatch(recorded, "the tally covers " + std::to_string(recorded.log_size) +
                                      " records, root " + recorded.log_root.to_hex() +
                                      "; the log before it has " +
                                      std::to_string(recomputed.log_size) + ", root " +
                                      recomputed.log_root.to_hex());
    }
    if (recorded.ballots_counted != recomputed.ballots_counted ||
        recorded.ballots_challenged != recomputed.ballots_challenged) {
        return mismatch(recorded, "the tally counts " + std::to_string(recorded.ballots_counted) +
                                      " cast and " + std::to_string(recorded.ballots_challenged) +
                                      " challenged ballots; the log holds " +
                                      std::to_string(recomputed.ballots_counted) + " and " +
                                      std::to_string(recomputed.ballots_challenged));
    }
    if (!same_shape(recorded, recomputed))
        return mismatch(recorded, "the tally's contests and options are not its ballot style's");
    for (std::size_t c = 0; c < recorded.sums.size(); ++c) {
        for (std::size_t o = 0; o < recorded.sums[c].options.size(); ++o) {
            const auto& option = recorded.sums[c].options[o];
            if (!(option.value == recomputed.sums[c].options[o].value)) {
                return mismatch(recorded, "the tally of contest " +
                                              quoted(recorded.sums[c].contest_id) + ", option " +
                                              quoted(option.option_id) +
                                              " is not the sum of the log's cast ballots");
            }
        }
    }
    return {};
}

}  // namespace psephos::election
