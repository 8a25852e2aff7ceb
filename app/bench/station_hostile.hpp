// The bad peers of the station suite's hostile run (docs/benchmarks.md, issue 21): while the
// honest kiosks cast, one thread per kind plays a peer the station must refuse or close — no
// client certificate, an unregistered certificate, garbage bytes instead of TLS, an oversized
// frame length, a slowloris (a frame begun, then one byte a second), half-open TCP connections
// that never start TLS, a flood of submits from one registered device, and a kiosk the election
// authority deauthorised trying to cast with its own valid certificate — and counts what it tried
// and how often the station turned it away.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::bench {

struct HostileTarget {
    std::string host;
    std::uint16_t port = 0;
    std::string station_certificate_pem;
    Hash32 base_hash;
    const station::TlsIdentity* stranger = nullptr;  // a certificate of an unregistered key
    // A registered device that plays the device-level bad peers (oversized frame, slowloris,
    // flood); flood_record is one of its own ballots.
    const station::TlsIdentity* device = nullptr;
    std::string device_id;
    Bytes flood_record;
    // A registered device the authority then deauthorised (its record 0x17 in the ledger before
    // the station starts), and one of its own ballots it tries to submit.
    const station::TlsIdentity* deauthorised = nullptr;
    std::string deauthorised_id;
    Bytes deauthorised_record;
};

// What one kind of bad peer did.
struct PeerTally {
    std::uint64_t attempts = 0;  // connections (flood: submits)
    std::uint64_t refused = 0;   // refused or closed by the station, as it should be
    // Served when it should not have been; for the flood, receipts: its one ballot is cast once.
    std::uint64_t not_refused = 0;
    std::uint64_t rate_limited = 0;  // the flood's submits answered rate_limited
    // The substring of the station's refusal reason for this kind (in its log and stderr).
    std::string reason;
};

class HostilePeers {
public:
    explicit HostilePeers(HostileTarget target);
    ~HostilePeers();  // stops them
    HostilePeers(const HostilePeers&) = delete;
    HostilePeers& operator=(const HostilePeers&) = delete;

    void start();
    // Asks every peer to stop and joins them (a slowloris finishes its attempt: up to ~15 s).
    void stop();
    // By kind: no_certificate, unregistered_certificate, garbage, oversized_frame, slowloris,
    // half_open, flood, deauthorised_certificate.
    std::map<std::string, PeerTally> tallies() const;

private:
    struct Counters {
        std::atomic<std::uint64_t> attempts{0};
        std::atomic<std::uint64_t> refused{0};
        std::atomic<std::uint64_t> not_refused{0};
        std::atomic<std::uint64_t> rate_limited{0};
    };
    void no_certificate();
    void unregistered_certificate();
    void garbage();
    void oversized_frame();
    void slowloris();
    void half_open();
    void flood();
    void deauthorised_certificate();
    bool stopping() const { return stop_.load(); }
    void pause(int milliseconds) const;
    // Tries `attempt` again and again until stopped, `pause_ms` apart. It returns whether the
    // station refused the try, or nothing if the try could not be made (the station did not
    // take the connection): that one is not counted and is made again 100 ms later.
    void repeat(const std::string& kind, int pause_ms,
                const std::function<std::optional<bool>()>& attempt);

    HostileTarget target_;
    std::atomic<bool> stop_{false};
    std::map<std::string, std::unique_ptr<Counters>> counters_;
    std::vector<std::thread> threads_;
};

}  // namespace psephos::bench
