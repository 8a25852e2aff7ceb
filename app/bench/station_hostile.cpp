// The hostile run's bad peers (station_hostile.hpp). Each runs in its own thread at a modest pace
// (a few attempts a second: the point is that the station refuses them while it serves the
// honest kiosks, not to out-compute it from the same two cores) except the flood, which submits
// as fast as the station answers.
#include "station_hostile.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "psephos/station/station_client.hpp"

namespace psephos::bench {
namespace {

using namespace std::chrono_literals;
using station::ErrorReply;
using station::ReplyCode;

// A plain TCP connection to the station (no TLS), reads timing out after `timeout`.
class RawSocket {
public:
    RawSocket(const std::string& host, std::uint16_t port, std::chrono::seconds timeout) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) return;
        timeval t{static_cast<time_t>(timeout.count()), 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~RawSocket() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;
    bool open() const { return fd_ >= 0; }
    bool send(const Bytes& bytes) const {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }
    // True once the station closed the connection (end of stream or reset) within the timeout;
    // whatever it sent before is skipped.
    bool closed_by_peer() const {
        std::uint8_t buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n == 0) return true;
            if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
        }
    }

private:
    int fd_ = -1;
};

const std::vector<std::pair<std::string, std::string>> kinds = {
    {"no_certificate", "TLS handshake failed"},
    {"unregistered_certificate", "not a registered device key"},
    {"garbage", "TLS handshake failed"},
    {"oversized_frame", "bad frame"},
    {"slowloris", "read timed out inside a frame"},
    {"half_open", "TLS handshake timed out"},
    {"flood", "rate limited"},
    // At the handshake ("device '…' was …") or, deauthorised since, at the hello ("hello: …").
    {"deauthorised_certificate", "was deauthorised by the election authority"},
};

}  // namespace

HostilePeers::HostilePeers(HostileTarget target) : target_(std::move(target)) {
    for (const auto& [kind, reason] : kinds) counters_[kind] = std::make_unique<Counters>();
}

HostilePeers::~HostilePeers() { stop(); }

void HostilePeers::start() {
    threads_.emplace_back([this] { no_certificate(); });
    threads_.emplace_back([this] { unregistered_certificate(); });
    threads_.emplace_back([this] { garbage(); });
    threads_.emplace_back([this] { oversized_frame(); });
    threads_.emplace_back([this] { slowloris(); });
    threads_.emplace_back([this] { half_open(); });
    threads_.emplace_back([this] { flood(); });
    threads_.emplace_back([this] { deauthorised_certificate(); });
}

void HostilePeers::stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
}

std::map<std::string, PeerTally> HostilePeers::tallies() const {
    std::map<std::string, PeerTally> out;
    for (const auto& [kind, reason] : kinds) {
        const Counters& c = *counters_.at(kind);
        out[kind] = PeerTally{c.attempts.load(), c.refused.load(), c.not_refused.load(),
                              c.rate_limited.load(), reason};
    }
    return out;
}

void HostilePeers::pause(int milliseconds) const {
    for (int waited = 0; waited < milliseconds && !stopping(); waited += 10)
        std::this_thread::sleep_for(10ms);
}

namespace {

station::StationClientOptions client_options(const HostileTarget& t,
                                             const station::TlsIdentity* identity) {
    station::StationClientOptions o;
    o.host = t.host;
    o.port = t.port;
    o.station_certificate_pem = t.station_certificate_pem;
    o.identity = identity;
    o.timeout = 15s;
    return o;
}

// A connection of the target's registered device that was welcomed.
std::unique_ptr<station::StationClient> welcomed(const HostileTarget& t) {
    auto client = station::StationClient::connect(client_options(t, t.device));
    if (!client) return nullptr;
    auto answer = client.value()->request(station::Hello{1, t.base_hash, t.device_id});
    if (!answer || !std::holds_alternative<station::Welcome>(answer.value())) return nullptr;
    return std::move(client).value();
}

// The station's answer was an error of this code, or it closed the connection.
bool refused_with(const Result<station::Message>& answer, ReplyCode code) {
    if (!answer) return true;
    const auto* error = std::get_if<ErrorReply>(&answer.value());
    return error != nullptr && error->code == code;
}

}  // namespace

void HostilePeers::repeat(const std::string& kind, int pause_ms,
                          const std::function<std::optional<bool>()>& attempt) {
    Counters& c = *counters_.at(kind);
    while (!stopping()) {
        const std::optional<bool> refused = attempt();
        if (!refused) {
            pause(100);
            continue;
        }
        ++c.attempts;
        ++(*refused ? c.refused : c.not_refused);
        pause(pause_ms);
    }
}

void HostilePeers::no_certificate() {
    repeat("no_certificate", 100, [this]() -> std::optional<bool> {
        auto client = station::StationClient::connect(client_options(target_, nullptr));
        // TLS 1.3 finishes the client's side of the handshake before the station has judged
        // the (missing) certificate: the refusal shows on the first read.
        return !client || !client.value()->request(station::Ping{1, 1});
    });
}

void HostilePeers::unregistered_certificate() {
    repeat("unregistered_certificate", 100, [this]() -> std::optional<bool> {
        auto client = station::StationClient::connect(client_options(target_, target_.stranger));
        return !client || refused_with(client.value()->receive(), ReplyCode::not_authorised);
    });
}

void HostilePeers::garbage() {
    std::minstd_rand random(7);
    repeat("garbage", 100, [this, &random]() -> std::optional<bool> {
        RawSocket socket(target_.host, target_.port, 15s);
        if (!socket.open()) return std::nullopt;
        Bytes noise(512);
        for (auto& b : noise) b = static_cast<std::uint8_t>(random());
        (void)socket.send(noise);
        return socket.closed_by_peer();
    });
}

void HostilePeers::oversized_frame() {
    repeat("oversized_frame", 200, [this]() -> std::optional<bool> {
        auto client = welcomed(target_);
        if (!client) return std::nullopt;
        (void)client->send_raw(Bytes{0x7F, 0xFF, 0xFF, 0xFF});  // 2 GiB announced
        return refused_with(client->receive(), ReplyCode::malformed) && !client->receive();
    });
}

void HostilePeers::slowloris() {
    repeat("slowloris", 0, [this]() -> std::optional<bool> {
        auto client = welcomed(target_);
        if (!client) return std::nullopt;
        // A 100-byte frame announced, then one byte a second; the station's read timeout (10 s)
        // must end it. Sends start failing once the station has closed the connection.
        bool closed = !client->send_raw(Bytes{0x00, 0x00, 0x00, 0x64});
        const auto began = std::chrono::steady_clock::now();
        while (!closed && std::chrono::steady_clock::now() - began < 30s) {
            std::this_thread::sleep_for(1s);
            closed = !client->send_raw(Bytes{0x05});
        }
        return closed;
    });
}

void HostilePeers::half_open() {
    Counters& c = *counters_.at("half_open");
    while (!stopping()) {
        // Twenty TCP connections that never start TLS: the handshake timeout (5 s) must end
        // each, and they must not keep the honest kiosks out.
        std::vector<std::unique_ptr<RawSocket>> sockets;
        for (int i = 0; i < 20; ++i) {
            auto socket = std::make_unique<RawSocket>(target_.host, target_.port, 15s);
            if (socket->open()) sockets.push_back(std::move(socket));
        }
        for (const auto& socket : sockets) {
            ++c.attempts;
            if (socket->closed_by_peer())
                ++c.refused;
            else
                ++c.not_refused;
        }
        if (sockets.empty()) pause(100);
    }
}

void HostilePeers::flood() {
    Counters& c = *counters_.at("flood");
    // One connection submitting the device's one ballot again and again, eight at a time (the
    // in-flight limit): the first is cast, the ledger refuses the repeats, and the device's
    // rate answers the rest `rate_limited` before they cost anything.
    while (!stopping()) {
        auto client = welcomed(target_);
        if (!client) {
            pause(100);
            continue;
        }
        std::uint32_t id = 10;
        int waiting = 0;
        bool broken = false;
        while (!stopping() && !broken) {
            while (waiting < 8 && !broken) {
                broken = !client->send(station::Submit{id++, target_.flood_record});
                ++waiting;
            }
            auto answer = client->receive();
            if (!answer) break;
            --waiting;
            ++c.attempts;
            const auto* error = std::get_if<ErrorReply>(&answer.value());
            if (error == nullptr) {
                ++c.not_refused;  // a receipt: the first submit, which is a real ballot
            } else {
                ++c.refused;
                if (error->code == ReplyCode::rate_limited) ++c.rate_limited;
            }
        }
    }
}

void HostilePeers::deauthorised_certificate() {
    repeat("deauthorised_certificate", 100, [this]() -> std::optional<bool> {
        auto connected =
            station::StationClient::connect(client_options(target_, target_.deauthorised));
        if (!connected) return true;
        auto& client = *connected.value();
        // As the kiosk would before it was taken out: hello, then one of its own ballots, without
        // waiting. The station must answer not_authorised (to the handshake, reading neither, or
        // to the hello) and close; a welcome is a refusal missed, a receipt a ballot cast.
        (void)client.send(station::Hello{1, target_.base_hash, target_.deauthorised_id});
        (void)client.send(station::Submit{2, target_.deauthorised_record});
        auto answer = client.receive();
        if (answer && std::holds_alternative<station::Welcome>(answer.value())) return false;
        return refused_with(answer, ReplyCode::not_authorised) && !client.receive();
    });
}

}  // namespace psephos::bench
