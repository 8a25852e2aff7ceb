#include "psephos/ledger/guardian_decryption.hpp"

#include <algorithm>

#include "psephos/ledger/tallying_module.hpp"

namespace psephos::ledger {

Result<std::vector<GuardianDistrictOutcome>> decrypt_tallies_as_guardian(
    Ledger& l, const election::GuardianKey& key) {
    const election::ElectionContext& election = l.election();
    if (auto ok = election::check_guardian_key(key, election.manifest); !ok) return ok.error();
    const std::uint32_t g = key.index;
    const auto& districts = election.manifest.districts;
    std::vector<GuardianDistrictOutcome> outcomes(districts.size());
    std::vector<Bytes> records;
    std::vector<std::size_t> submitted;  // district of each record
    for (std::size_t d = 0; d < districts.size(); ++d) {
        GuardianDistrictOutcome& o = outcomes[d];
        o.district_id = districts[d].id;
        const auto recorded = l.tallying().tally(d);
        const auto s = l.tallying().status(d);
        if (!recorded) {
            o.state = GuardianDistrictOutcome::State::no_tally;
        } else if (s.result) {
            o.state = GuardianDistrictOutcome::State::has_result;
        } else if (std::count(s.guardians_decrypted.begin(), s.guardians_decrypted.end(), g)) {
            o.state = GuardianDistrictOutcome::State::already_decrypted;
        } else {
            const election::TallyDecryption decryption = election::decrypt_district_tally(
                election, recorded->tally, recorded->hash, g, key.secret_share, key.identity);
            for (const auto& contest : decryption.shares)
                o.partial_decryptions += contest.options.size();
            records.push_back(election::encode_tally_decryption(decryption));
            submitted.push_back(d);
        }
    }
    const auto receipts = l.ingest(std::move(records), election::ActorRole::guardian);
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        GuardianDistrictOutcome& o = outcomes[submitted[i]];
        if (receipts[i]) {
            o.state = GuardianDistrictOutcome::State::decrypted;
            o.record_index = receipts[i].value().index;
        } else {
            o.state = GuardianDistrictOutcome::State::refused;
            o.error = receipts[i].error().message;
        }
    }
    return outcomes;
}

}  // namespace psephos::ledger
