// A minimal synchronous station client (docs/station-protocol.md): connects over TLS 1.3 with a
// client certificate made from the device's Ed25519 key (station_tls.hpp), accepts only the
// station certificate it pinned, sends requests and reads answers, each step within a timeout.
// The tests use it; the networked kiosk will sit on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "psephos/crypto/result.hpp"
#include "psephos/station/station_protocol.hpp"
#include "psephos/station/station_tls.hpp"

namespace psephos::station {

struct StationClientOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string station_certificate_pem;  // pinned: any other station certificate is refused
    // The device's certificate and key; null connects without one (the station refuses that).
    const TlsIdentity* identity = nullptr;
    std::chrono::milliseconds timeout{10'000};  // for the connection and for each answer
};

class StationClient {
public:
    // TCP connect and TLS handshake. io_error naming the step when it fails (a station
    // certificate other than the pinned one fails here).
    static Result<std::unique_ptr<StationClient>> connect(const StationClientOptions& options);
    ~StationClient();
    StationClient(const StationClient&) = delete;
    StationClient& operator=(const StationClient&) = delete;

    Status send(const Message& message);
    // Bytes as they are, no frame added (tests play a broken or hostile kiosk with it).
    Status send_raw(ByteSpan bytes);
    // The next answer; io_error when the connection ends or the timeout passes first.
    Result<Message> receive();
    // send, then receive.
    Result<Message> request(const Message& message);

    class Impl;

private:
    explicit StationClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace psephos::station
