// What a county's election record carries beyond its ledger's logs (docs/election-record.md
// §3.9), read from the county's data directory: for `psephos export --stations --witnesses` and
// the places demo, one way.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "psephos/crypto/cosignature.hpp"
#include "psephos/record/election_record.hpp"

namespace psephos::app {

// With `stations_file` (the stations file of `psephos-county serve`): the stations and their
// district keys, the station checkpoints the county kept in DATA/county/notes and the evidence in
// DATA/county/evidence. With `witnesses`: their cosigned notes of the election log kept in
// DATA/cosignatures (a witness that never cosigned is left out; V34 tells).
Result<record::ExportOptions> county_export_options(
    const std::filesystem::path& data, const std::optional<std::filesystem::path>& stations_file,
    const std::optional<std::vector<crypto::CosignerKey>>& witnesses);

}  // namespace psephos::app
