// In-process key ceremony (docs/crypto.md §5).
#include "psephos/election/local_key_ceremony.hpp"

namespace psephos::election {

Result<LocalKeyCeremony> run_local_key_ceremony(ElectionManifest manifest) {
    if (manifest.ceremony) {
        return make_error(ErrorCode::invalid_argument,
                          "election " + manifest.election_id + " is already finalized");
    }
    const std::uint32_t n = manifest.guardian_count;
    const std::uint32_t k = manifest.threshold;
    if (k == 0 || k > n) {
        return make_error(ErrorCode::invalid_argument,
                          "guardians: threshold must be in 1.." + std::to_string(n));
    }
    const Hash32 ceremony_hash = compute_ceremony_hash(manifest);
    std::vector<crypto::Guardian> guardians;
    for (std::uint32_t i = 1; i <= n; ++i)
        guardians.push_back(crypto::Guardian::create(ceremony_hash, i, n, k));
    for (const auto& g : guardians) {
        if (auto ok = crypto::verify_announcement(ceremony_hash, g.announcement(), k); !ok)
            return ok.error();
    }
    for (auto& recipient : guardians) {
        for (const auto& sender : guardians) {
            if (sender.index() == recipient.index()) continue;
            if (auto ok = recipient.receive_share(sender.announcement(),
                                                  sender.share_for(recipient.announcement()));
                !ok) {
                return ok.error();
            }
        }
    }
    CeremonyRecord record;
    std::vector<crypto::CoefficientCommitments> commitments;
    LocalKeyCeremony out;
    for (auto& g : guardians) {
        auto share = g.finish();
        if (!share) return share.error();
        out.secret_shares.push_back(std::move(share).value());
        out.identities.push_back(crypto::Ed25519SigningKey::from_seed(g.identity().seed()).value());
        record.guardians.push_back(
            {g.index(), g.announcement().identity_key, g.announcement().commitments});
        commitments.push_back(g.announcement().commitments);
    }
    record.joint_key = crypto::compute_joint_public_key(commitments);
    manifest.ceremony = std::move(record);
    auto election = make_election_context(std::move(manifest));
    if (!election) return election.error();
    out.election = std::move(election).value();
    return out;
}

}  // namespace psephos::election
