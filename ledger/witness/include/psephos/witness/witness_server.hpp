// The witness's HTTP/1.1 server (docs/witness.md §5), Boost.Beast over plain TCP:
//   POST /add-checkpoint                 Witness::add_checkpoint
//   GET  /<hex SHA-256 of origin>/checkpoint   Witness::latest_checkpoint
// It faces anyone on the network, so every request is bounded: header and body size (413 for a
// body over the limit), one deadline for a whole request (a slow sender, "slowloris", is cut off),
// one for writing the answer, and a cap on open connections (a connection over it is closed at
// once). Keep-alive as tlog-witness recommends.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "psephos/crypto/result.hpp"
#include "psephos/witness/witness.hpp"

namespace psephos::witness {

struct WitnessServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: a free port (see WitnessServer::port)
    unsigned threads = 2;
    std::size_t max_connections = 64;
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_body_bytes = 64 * 1024;
    std::chrono::milliseconds request_timeout{10'000};  // the whole request, headers and body
    std::chrono::milliseconds write_timeout{10'000};
};

class WitnessServer {
public:
    // Listens and starts serving `witness`, which must outlive the server. io_error if the
    // address cannot be bound.
    static Result<std::unique_ptr<WitnessServer>> start(Witness& witness,
                                                        WitnessServerOptions options);
    ~WitnessServer();  // stops accepting, closes every connection, joins the threads
    WitnessServer(const WitnessServer&) = delete;
    WitnessServer& operator=(const WitnessServer&) = delete;

    std::uint16_t port() const;
    std::size_t connections() const;
    // Connections closed at once because the cap was reached, and requests refused before the
    // witness saw them (malformed HTTP, oversized, too slow).
    std::uint64_t refused_connections() const;
    std::uint64_t refused_requests() const;

    class Impl;

private:
    explicit WitnessServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace psephos::witness
