// The origins of the ledger's logs (docs/ledger.md §1): the name a log's checkpoints carry and
// its note key's name. Built here only; the independent verifier derives them on its own.
#pragma once

#include <string>
#include <string_view>

namespace psephos::election {

// "<election id>/district/<district id>".
inline std::string district_origin(std::string_view election_id, std::string_view district_id) {
    std::string origin(election_id);
    origin += "/district/";
    origin += district_id;
    return origin;
}

}  // namespace psephos::election
