// A TCP relay for tests of the networked kiosk (tests/ledger/tst_kiosk_remote.cpp,
// tests/ui/tst_network.cpp): 127.0.0.1 on a free port, forwarding to a station's port.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QtGlobal>
#include <array>
#include <atomic>
#include <cstdint>
#include <thread>

namespace psephos::test {

// A TCP relay from the kiosk to the station, one connection at a time. It can cut the next
// connection that carries a request (before it reaches the station) or an answer (after the
// station sent it), and refuse connections (ending the one open) until it is told to pass them
// again.
class Relay {
public:
    enum class Mode { pass, cut_next_request, cut_next_answer, refuse };

    explicit Relay(std::uint16_t upstream) : upstream_(upstream) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof a;
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
            ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &size) != 0)
            qFatal("relay: cannot listen");
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~Relay() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    std::uint16_t port() const { return port_; }
    void set_upstream(std::uint16_t port) { upstream_ = port; }
    void set_mode(Mode mode) { mode_ = mode; }
    int cuts() const { return cuts_; }

private:
    void run() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            if (mode_ == Mode::refuse) {
                ::close(client);
                continue;
            }
            const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(upstream_);
            if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
                relay(client, upstream);
            ::close(upstream);
            ::close(client);
        }
    }

    // After a cut the relay refuses connections until the test lets them pass again.
    void cut() {
        ++cuts_;
        mode_ = Mode::refuse;
    }

    void relay(int client, int upstream) {
        std::array<char, 16 * 1024> buffer{};
        while (!stop_) {
            if (mode_ == Mode::refuse) return;  // the cable pulled: the connection ends too
            pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
            if (::poll(fds, 2, 20) <= 0) continue;
            if (fds[0].revents != 0) {
                const ssize_t n = ::read(client, buffer.data(), buffer.size());
                if (n <= 0) return;
                if (mode_ == Mode::cut_next_request) return cut();
                if (!write_all(upstream, buffer.data(), static_cast<std::size_t>(n))) return;
            }
            if (fds[1].revents != 0) {
                const ssize_t n = ::read(upstream, buffer.data(), buffer.size());
                if (n <= 0) return;
                if (mode_ == Mode::cut_next_answer) return cut();
                if (!write_all(client, buffer.data(), static_cast<std::size_t>(n))) return;
            }
        }
    }

    static bool write_all(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::write(fd, data, size);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<std::uint16_t> upstream_;
    std::atomic<Mode> mode_{Mode::pass};
    std::atomic<int> cuts_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace psephos::test
