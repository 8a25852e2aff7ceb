// The station server (docs/station-protocol.md, issue 21): owns the ledger of a polling place's
// districts (one or more) and serves their kiosks over TCP with TLS 1.3 and mutual
// authentication. A kiosk is admitted when its client certificate carries the Ed25519 key the
// ledger registered for a device of one of those districts (station_tls.hpp) — the connection
// then serves that district only — and its hello names that device and the ledger's election. It
// then submits records (answered `receipt` only once the ledger's synced group write holds them,
// `refused` with the ledger's reason otherwise), asks for status, looks ballots up by tracking
// code, pings.
//
// Limits: the frame size (FrameReader: a bad length closes the connection before its body is
// read), requests in flight per connection (beyond them `busy` at once, nothing queued), each
// device's submit rate (a token bucket per device, shared by its connections: beyond it
// `rate_limited` at once, nothing queued), the handshake, read (a frame begun but not finished)
// and idle timeouts, the number of connections.
// A message that does not decode is answered `malformed` and the connection closed. Every refusal
// (handshake, identity, malformed message, timeout, cap, refused record) is reported with its
// reason to on_refusal and to the ledger's event log; the log gets at most one entry per second
// for each peer address (or device) and kind of reason, the next one counting those it left out,
// so that a flood of bad requests does not become a flood of synced disk writes.
//
// Threads: an io_context run by `threads` threads, each connection on its own strand; a pool of
// as many threads waits for the ledger's futures, so no I/O thread blocks on a disk write.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "psephos/crypto/result.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_protocol.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::station {

// Why the station turned a peer or a request away.
struct StationRefusal {
    std::string peer;       // "127.0.0.1:50312"
    std::string device_id;  // the device its certificate names, once known; else empty
    std::string reason;
    // One of a flood of refusals like it, left out of the event log (see log_refusals_in_ledger):
    // whoever prints refusals elsewhere (a station's stderr) should thin them the same way.
    bool thinned = false;
};

// A token bucket: `per_second` tokens a second, at most `burst` saved up; a submit takes one.
struct DeviceRate {
    double per_second = 10;
    double burst = 20;
};

struct StationServerOptions {
    std::string station_id = "station";
    // The districts of the ledger's election this station serves (at least one, none twice); each
    // connection serves the one its device is registered in.
    std::vector<std::string> district_ids;
    std::string address = "127.0.0.1";  // where to listen
    std::uint16_t port = 0;             // 0: a free port (StationServer::port says which)
    unsigned threads = 2;               // I/O threads (and as many waiting on the ledger)
    std::size_t max_frame = max_frame_size;
    std::uint32_t max_in_flight = 8;  // requests per connection awaiting the ledger
    std::size_t max_connections = 256;
    // Submits per device (over all its connections); a kiosk casts a ballot a minute or so.
    DeviceRate device_rate;
    std::chrono::milliseconds handshake_timeout{5'000};
    std::chrono::milliseconds read_timeout{10'000};  // a frame begun must end within this
    std::chrono::milliseconds idle_timeout{120'000};
    // Called from the server's threads (so it must be thread-safe) for every refusal.
    std::function<void(const StationRefusal&)> on_refusal;
    // Also record refusals in the ledger's event log (an `error` event, failure): at most one per
    // second for each peer address or device and kind of reason (the text before its first
    // colon), and at most `max_refusal_events_per_second` in all; an entry says how many like it
    // were left out since the last one.
    bool log_refusals_in_ledger = true;
    unsigned max_refusal_events_per_second = 20;
    // Where the kiosks' final heads are kept across restarts (written and synced before a kiosk
    // hears its head was noted); empty: in memory, and the kiosks must send them again after a
    // restart. A file whose heads no longer check against the ledger stops the start.
    std::filesystem::path final_heads_file;
};

class StationServer {
public:
    // Listens and serves until destroyed. The ledger must outlive the server and must not be
    // read-only. invalid_argument naming the option (unknown district, bad certificate or key,
    // zero limit); io_error if the address cannot be bound.
    static Result<std::unique_ptr<StationServer>> start(ledger::Ledger& ledger,
                                                        const TlsIdentity& identity,
                                                        StationServerOptions options);
    // Closes the listener and every connection, waits for the answers the ledger still owes.
    ~StationServer();
    StationServer(const StationServer&) = delete;
    StationServer& operator=(const StationServer&) = delete;

    std::uint16_t port() const;
    // Connections open now.
    std::size_t connections() const;
    // Refusals written to the event log, and left out of it by its rate limit, so far.
    std::uint64_t refusal_events_logged() const;
    std::uint64_t refusal_events_suppressed() const;

    class Impl;

private:
    explicit StationServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace psephos::station
