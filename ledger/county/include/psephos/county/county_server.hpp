// The county's server (docs/county.md, docs/station-protocol.md §8): takes the stations' pushes
// over the station protocol's framing and TLS 1.3 with mutual authentication. A station is
// admitted only if its certificate carries the TLS key the county configured for it (pinned:
// any other is refused in the handshake); it says `county hello` with its station id and the
// election's base hash, then asks `held` and sends `push`es, one request at a time, each handed
// to County::push on a worker thread (its synced write holds no I/O thread).
//
// Limits: the frame size (max_frame, a bad length closes the connection before its body is
// read), the records per push, the handshake, read (a frame begun and not finished) and idle
// timeouts, the number of connections. Every refusal is reported to on_refusal; equivocations
// and refused records are in the county ledger's event log (County::push).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "psephos/county/county.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/station/station_protocol.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::county {

struct CountyRefusal {
    std::string peer;        // "127.0.0.1:50312"
    std::string station_id;  // once its certificate was matched; else empty
    std::string reason;
};

struct CountyServerOptions {
    std::string county_id = "county";
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;                   // 0: a free port
    unsigned threads = 2;                     // I/O threads (and as many workers for the pushes)
    std::size_t max_frame = 4 * 1024 * 1024;  // at most station::max_push_frame_size
    std::uint32_t max_records = 1024;         // per push, at most station::max_push_records
    std::size_t max_connections = 64;
    std::chrono::milliseconds handshake_timeout{5'000};
    std::chrono::milliseconds read_timeout{30'000};  // a frame begun must end within this
    std::chrono::milliseconds idle_timeout{300'000};
    // Called from the server's threads (thread-safe) for every refusal.
    std::function<void(const CountyRefusal&)> on_refusal;
};

class CountyServer {
public:
    // Listens and serves until destroyed; `county` must outlive the server. invalid_argument
    // naming the option; io_error if the address cannot be bound.
    static Result<std::unique_ptr<CountyServer>> start(County& county,
                                                       const station::TlsIdentity& identity,
                                                       CountyServerOptions options);
    // Closes the listener and the connections, waits for the pushes under way.
    ~CountyServer();
    CountyServer(const CountyServer&) = delete;
    CountyServer& operator=(const CountyServer&) = delete;

    std::uint16_t port() const;
    std::size_t connections() const;

    class Impl;

private:
    explicit CountyServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace psephos::county
