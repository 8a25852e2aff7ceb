// A `psephos-station serve` process started by another program (the load generator, the
// SIGKILL test, a demo): fork and exec of the executable with its command line
// (docs/station.md), then wait for its ready file ("HOST PORT\n", written once it listens), so
// the caller learns the port it took. Stopping is SIGTERM (the station finishes what it owes and
// exits 0) or SIGKILL (a crash, for tests); the destructor kills a station still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::station {

struct StationLaunch {
    std::filesystem::path binary;    // psephos-station
    std::filesystem::path election;  // the finalized manifest
    std::filesystem::path data;      // the data directory: DIR/ledger, DIR/ledger.key
    std::string district_id;
    std::string listen = "127.0.0.1:0";
    std::filesystem::path certificate;  // the station's, PEM
    std::filesystem::path certificate_key;
    std::filesystem::path ready_file;  // replaced by the station; removed here before the start
    std::string station_id;            // empty: the station's default
    unsigned threads = 0;              // 0: the station's default
    // The child's standard output and error are appended here; empty: inherited.
    std::filesystem::path output;
    std::chrono::milliseconds ready_timeout{30'000};
    // Appended to the command line (e.g. --county HOST:PORT --county-certificate F --witnesses F).
    std::vector<std::string> extra_arguments;
};

// Another server of ours that writes its ready file the same way ("HOST PORT\n" once it listens,
// stops cleanly on SIGTERM): psephos-county serve, psephos-witness serve.
struct ServerLaunch {
    std::filesystem::path binary;
    std::vector<std::string> arguments;  // after the binary, "serve" included
    std::filesystem::path ready_file;    // the one the arguments name; removed here first
    std::filesystem::path output;        // as StationLaunch's
    std::chrono::milliseconds ready_timeout{30'000};
};

class StationProcess {
public:
    // Starts the station and waits until its ready file names where it listens. io_error when
    // it cannot be started, exits first (with its status) or is not ready in time (then it is
    // killed).
    static Result<std::unique_ptr<StationProcess>> spawn(const StationLaunch& launch);
    // The same for another server (ServerLaunch); messages name its binary.
    static Result<std::unique_ptr<StationProcess>> spawn(const ServerLaunch& launch);
    ~StationProcess();  // SIGKILL and reap, if still running
    StationProcess(const StationProcess&) = delete;
    StationProcess& operator=(const StationProcess&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& host() const { return host_; }
    std::uint16_t port() const { return port_; }

    // SIGTERM, then waits up to `timeout` for the exit; its exit status (0 for a clean stop).
    // io_error if it had to be killed or ended by a signal.
    Result<int> stop(std::chrono::milliseconds timeout = std::chrono::milliseconds(30'000));
    // SIGKILL, then reaps it.
    void kill();

private:
    StationProcess(pid_t pid, std::string host, std::uint16_t port, std::string name)
        : pid_(pid), host_(std::move(host)), port_(port), name_(std::move(name)) {}
    pid_t pid_;
    std::string host_;
    std::uint16_t port_;
    std::string name_;  // "the station", or the server's binary: for messages
};

}  // namespace psephos::station
