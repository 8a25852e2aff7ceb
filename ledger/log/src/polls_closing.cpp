#include "psephos/ledger/polls_closing.hpp"

#include "psephos/ledger/casting_module.hpp"

namespace psephos::ledger {

Result<Bytes> make_polls_record(const Ledger& ledger, std::size_t d, election::PollsAction action,
                                std::uint64_t time, std::string actor, const std::string& signer,
                                const DeviceKeys& keys) {
    const auto& election = ledger.election();
    const std::string& district_id = election.manifest.districts.at(d).id;
    auto key_of = [&](const std::string& device) -> Result<const crypto::Ed25519SigningKey*> {
        const auto it = keys.find(device);
        if (it == keys.end() || it->second == nullptr)
            return make_error(ErrorCode::invalid_argument,
                              "polls record of district '" + district_id +
                                  "': no key for device '" + device + "'");
        return it->second;
    };
    const DistrictCastingStatus status = ledger.casting().status(d);
    election::PollsRecord record{action, district_id, time, 0, 0, std::move(actor), signer, {}, {}};
    if (action != election::PollsAction::opened) {
        record.ballots_cast = status.ballots_cast;
        record.ballots_challenged = status.ballots_challenged;
    }
    if (action == election::PollsAction::closed) {
        for (const std::string& device : ledger.casting().devices(d)) {
            if (ledger.casting().device_deauthorised(d, device)) continue;  // signs nothing more
            auto key = key_of(device);
            if (!key) return key.error();
            record.heads.push_back(election::sign_device_head(
                election.base_hash, district_id, device,
                ledger.casting().device_ballots(d, device).value_or(0),
                ledger.casting().device_chain_head(d, device).value(), *key.value()));
        }
    }
    auto signer_key = key_of(signer);
    if (!signer_key) return signer_key.error();
    try {
        election::sign_polls_record(election.base_hash, record, *signer_key.value());
        return election::encode_polls_record(record);
    } catch (const std::invalid_argument& e) {
        return make_error(ErrorCode::invalid_argument, e.what());
    }
}

}  // namespace psephos::ledger
