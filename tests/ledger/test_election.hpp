// A small finalized election built in code for ledger tests: 2 districts, a vote-for-1 race, a
// vote-for-2 race and a yes/no measure, with a real key ceremony (3 guardians, threshold 2).
#pragma once

#include <vector>

#include "psephos/crypto/guardian.hpp"
#include "psephos/ledger/election_context.hpp"

namespace psephos::test {

inline ledger::ElectionManifest small_manifest() {
    using namespace psephos::ledger;
    ElectionManifest m;
    m.election_id = "test-election-2026";
    m.name = "Test election";
    m.start_date = "2026-11-03";
    m.end_date = "2026-11-03";
    m.districts = {{"d1", "North"}, {"d2", "South"}};
    m.contests = {
        {"mayor", {"Mayor", {{"es", "Alcalde"}}}, ContestKind::candidate, 1,
         {{"ada", {"Ada", {}}}, {"grace", {"Grace", {}}}, {"alan", {"Alan", {}}}}},
        {"council", {"Council", {}}, ContestKind::candidate, 2,
         {{"emmy", {"Emmy", {}}}, {"kurt", {"Kurt", {}}}, {"john", {"John", {}}}, {"rozsa", {"Rózsa", {}}}}},
        {"measure-a", {"Measure A", {}}, ContestKind::ballot_measure, 1, {{"yes", {"Yes", {}}}, {"no", {"No", {}}}}},
    };
    m.ballot_styles = {{"north", {"d1"}, {"mayor", "council", "measure-a"}}, {"south", {"d2"}, {"mayor", "measure-a"}}};
    m.guardian_count = 3;
    m.threshold = 2;
    return m;
}

struct TestElection {
    ledger::ElectionContext context;
    std::vector<crypto::GuardianSecretShare> secrets;
};

// Runs the ceremony over `m` and finalizes it.
inline TestElection finalize(ledger::ElectionManifest m) {
    const Hash32 ceremony_hash = ledger::compute_ceremony_hash(m);
    std::vector<crypto::Guardian> guardians;
    for (std::uint32_t i = 1; i <= m.guardian_count; ++i)
        guardians.push_back(crypto::Guardian::create(ceremony_hash, i, m.guardian_count, m.threshold));
    ledger::CeremonyRecord record;
    std::vector<crypto::CoefficientCommitments> all;
    for (auto& recipient : guardians)
        for (const auto& sender : guardians)
            if (sender.index() != recipient.index())
                (void)recipient.receive_share(sender.announcement(), sender.share_for(recipient.announcement()));
    TestElection out;
    for (const auto& g : guardians) {
        record.guardians.push_back({g.index(), g.announcement().identity_key, g.announcement().commitments});
        all.push_back(g.announcement().commitments);
        out.secrets.push_back(g.finish().value());
    }
    record.joint_key = crypto::compute_joint_public_key(all);
    m.ceremony = std::move(record);
    out.context = ledger::make_election_context(std::move(m)).value();
    return out;
}

}  // namespace psephos::test
