// How a kiosk reaches its district's ledger (docs/kiosk.md §8): in the same process (the
// one-kiosk station, tests, the demo: the kiosk opens the ledger and holds its key) or over the
// network through the polling place's station (docs/station-protocol.md: the kiosk holds only its
// device key). KioskStation's sealing, casting, challenging and polls records are the same on
// both; the link carries the records and says how the ledger is doing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_protocol.hpp"

namespace psephos::kiosk {

// in_process: the ledger is in this process, always there. The others are a station's link:
// connecting (a TCP connection, TLS handshake and hello under way), online (welcomed), offline
// (the last attempt or the connection failed; the next attempt is at retry_at).
enum class LinkState { in_process, connecting, online, offline };
std::string_view to_string(LinkState state);

struct LinkStatus {
    LinkState state = LinkState::in_process;
    std::string reason;  // offline: why ("station 127.0.0.1:7400: TLS handshake: …")
    std::chrono::steady_clock::time_point retry_at;  // offline: when the next attempt starts
    std::uint64_t failed_attempts = 0;               // since the link was last online
};

// The district as the ledger holds it now, and this device's chain in its log (what a closing
// compares with the kiosk's own head). From a station, root_hex and signed_checkpoint are empty.
struct StationStatus {
    // False until a networked kiosk's station first reported (everything else is then unknown).
    bool reported = true;
    ledger::DistrictCastingStatus casting;
    std::uint64_t log_size = 0;
    std::string root_hex;
    std::string signed_checkpoint;  // the district's latest; empty while the log is empty
    std::uint64_t device_ballots = 0;
    Hash32 device_last_tracking_code;
};

// The ledger's acknowledgement of a durable record; from a station also the record's inclusion
// proof in the checkpoint of the receipt (the voter's receipt file is made from it).
struct LinkReceipt {
    ledger::Receipt receipt;
    std::optional<station::Inclusion> inclusion;
};

class LedgerLink {
public:
    virtual ~LedgerLink() = default;
    virtual LinkStatus link_status() const = 0;
    // Submits a polls record (or, in process, any record) and waits until it is durable.
    virtual Result<LinkReceipt> submit(Bytes record, election::ActorRole role) = 0;
    virtual Result<StationStatus> status() = 0;
};

}  // namespace psephos::kiosk
