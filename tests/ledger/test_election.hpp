// A small finalized election built in code for ledger tests: 2 districts, a vote-for-1 race, a
// vote-for-2 race and a yes/no measure, with a real key ceremony (3 guardians, threshold 2).
#pragma once

#include <string>
#include <vector>

#include <stdexcept>

#include "psephos/election/local_key_ceremony.hpp"

namespace psephos::test {

inline election::ElectionManifest small_manifest() {
    using namespace psephos::election;
    ElectionManifest m;
    m.election_id = "test-election-2026";
    m.name = "Test election";
    m.start_date = "2026-11-03";
    m.end_date = "2026-11-03";
    m.districts = {{"d1", "North"}, {"d2", "South"}};
    m.contests = {
        {"mayor",
         {"Mayor", {{"es", "Alcalde"}}},
         ContestKind::candidate,
         1,
         {{"ada", {"Ada", {}}}, {"grace", {"Grace", {}}}, {"alan", {"Alan", {}}}}},
        {"council",
         {"Council", {}},
         ContestKind::candidate,
         2,
         {{"emmy", {"Emmy", {}}},
          {"kurt", {"Kurt", {}}},
          {"john", {"John", {}}},
          {"rozsa", {"Rózsa", {}}}}},
        {"measure-a",
         {"Measure A", {}},
         ContestKind::ballot_measure,
         1,
         {{"yes", {"Yes", {}}}, {"no", {"No", {}}}}},
    };
    m.ballot_styles = {{"north", {"d1"}, {"mayor", "council", "measure-a"}},
                       {"south", {"d2"}, {"mayor", "measure-a"}}};
    m.guardian_count = 3;
    m.threshold = 2;
    return m;
}

// Runs the ceremony over `m` and finalizes it.
inline election::LocalKeyCeremony finalize(election::ElectionManifest m) {
    auto ceremony = election::run_local_key_ceremony(std::move(m));
    if (!ceremony) throw std::runtime_error("key ceremony: " + ceremony.error().message);
    return std::move(ceremony).value();
}

}  // namespace psephos::test
