// A county's record's stations, evidence and cosignatures from its data directory
// (county_export.hpp).
#include "county_export.hpp"

#include "psephos/county/county.hpp"
#include "psephos/county/county_config.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/witness_submitter.hpp"

namespace psephos::app {

Result<record::ExportOptions> county_export_options(
    const std::filesystem::path& data, const std::optional<std::filesystem::path>& stations_file,
    const std::optional<std::vector<crypto::CosignerKey>>& witnesses) {
    record::ExportOptions options;
    if (stations_file) {
        PSEPHOS_TRY_ASSIGN(const auto stations, county::read_stations_file(*stations_file));
        const auto state = data / "county";
        options.stations.emplace();
        for (const auto& trust : stations) {
            record::StationAttestation station{trust.station_id, {}};
            for (const auto& [district, key] : trust.district_keys) {
                station.districts.emplace_back(district, key);
                PSEPHOS_TRY_ASSIGN(options.station_checkpoints[district],
                                   county::read_kept_checkpoints(state, district));
            }
            options.stations->push_back(std::move(station));
        }
        PSEPHOS_TRY_ASSIGN(options.equivocations, county::read_evidence(state));
    }
    if (witnesses) {
        options.witnesses = *witnesses;
        for (const auto& witness : *witnesses) {
            const auto note = station::cosigned_note_path(data / "cosignatures", witness.name,
                                                          ledger::election_log_name);
            if (!std::filesystem::exists(note)) continue;
            PSEPHOS_TRY_ASSIGN(const Bytes bytes, crypto::read_public_file(note, 64 * 1024));
            options.election_cosignatures.emplace_back(bytes.begin(), bytes.end());
        }
    }
    return options;
}

}  // namespace psephos::app
