// The networked kiosk's own state in its data directory (docs/kiosk.md §8), public data only,
// each file replaced atomically (temporary file, fsync, rename, fsync of the directory):
//   kiosk-head        its chain as it knows it: how many ballots (cast and challenged) the station
//                     acknowledged and the tracking code of the last (the seed if none). Its next
//                     ballot chains to it, and the closing signs it (docs/ledger.md §4).
//   kiosk-in-flight   a ballot sent to the station whose answer has not come yet: written before
//                     the record is sent, removed once it is settled, so a kiosk restarted with a
//                     ballot in flight still settles it by lookup (docs/station-protocol.md §6).
#pragma once

#include <filesystem>
#include <optional>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::kiosk {

inline constexpr std::string_view kiosk_head_file = "kiosk-head";
inline constexpr std::string_view kiosk_in_flight_file = "kiosk-in-flight";
// Present once the networked kiosk finished for the day (KioskStation::finish): it seals no
// more ballots, also after a restart.
inline constexpr std::string_view kiosk_finished_file = "kiosk-finished";

struct KioskHead {
    std::uint64_t ballots = 0;
    Hash32 last_tracking_code;
    friend bool operator==(const KioskHead&, const KioskHead&) = default;
};

// A ballot record sent whose answer was lost (or not yet received).
struct InFlightBallot {
    Bytes record;  // the encrypted (0x02) or challenged (0x03) ballot's canonical bytes
    Hash32 tracking_code;
    bool challenged = false;
};

// nullopt when the file does not exist; invalid_encoding naming the file and line when it is not
// what write_kiosk_head wrote.
Result<std::optional<KioskHead>> read_kiosk_head(const std::filesystem::path& file);
Status write_kiosk_head(const std::filesystem::path& file, const KioskHead& head);

Result<std::optional<InFlightBallot>> read_in_flight(const std::filesystem::path& file);
Status write_in_flight(const std::filesystem::path& file, const InFlightBallot& ballot);
Status remove_in_flight(const std::filesystem::path& file);

}  // namespace psephos::kiosk
