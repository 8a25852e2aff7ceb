// The county's stations file (docs/county.md §4): which stations push, the certificate each is
// pinned to, and the district log key of each district it pushes.
//
//   # comments and blank lines are skipped
//   station STATION_ID CERTIFICATE.pem      (a path relative to the file's folder, or absolute)
//   district DISTRICT_ID VKEY               (the station's district log key, as its
//                                            'psephos ledger status' prints it), for the
//                                            station above
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "psephos/county/county.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::county {

// Errors name the file and line.
Result<std::vector<StationTrust>> parse_stations(std::string_view text,
                                                 const std::filesystem::path& file);
Result<std::vector<StationTrust>> read_stations_file(const std::filesystem::path& file);

}  // namespace psephos::county
