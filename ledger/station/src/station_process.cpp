// A psephos-station child process (station_process.hpp): posix_spawn (safe in a process with
// threads, unlike fork followed by anything but exec), then the ready file polled.
#include "psephos/station/station_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace psephos::station {
namespace {

using namespace std::chrono_literals;

std::string exit_text(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "was ended by signal " + std::to_string(WTERMSIG(status));
    return "stopped";
}

// "HOST PORT\n" once the station wrote all of it (it replaces the file atomically).
bool read_ready_file(const std::filesystem::path& path, std::string& host, std::uint16_t& port) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line) || in.eof()) return false;
    std::istringstream words(line);
    unsigned long number = 0;
    if (!(words >> host >> number) || number == 0 || number > 65535) return false;
    port = static_cast<std::uint16_t>(number);
    return true;
}

// Waits for the child, at most `timeout`; its wait status, or nothing if it still runs.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done < 0 && errno != EINTR) return 0;  // not ours any more: nothing to wait for
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(5ms);
    }
}

// posix_spawn of `words` (the binary first, then the command), then the ready file polled;
// `made` makes the StationProcess once it is ready.
Result<std::unique_ptr<StationProcess>> spawn_and_wait(
    std::vector<std::string> words, const std::filesystem::path& ready_file,
    const std::filesystem::path& output, std::chrono::milliseconds ready_timeout,
    const std::function<std::unique_ptr<StationProcess>(pid_t, std::string, std::uint16_t)>& made) {
    std::error_code ignored;
    std::filesystem::remove(ready_file, ignored);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!output.empty()) {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return make_error(ErrorCode::io_error,
                          "starting " + words[0] + ": " + std::strerror(spawned));

    const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
    for (;;) {
        std::string host;
        std::uint16_t port = 0;
        if (read_ready_file(ready_file, host, port)) return made(pid, host, port);
        if (auto status = wait_for(pid, 0ms)) {
            return make_error(ErrorCode::io_error,
                              words[0] + " " + words[1] + " " + exit_text(*status) +
                                  " before it was ready" +
                                  (output.empty() ? "" : " (see " + output.string() + ")"));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            (void)wait_for(pid, 10'000ms);
            return make_error(ErrorCode::io_error,
                              words[0] + " " + words[1] + " wrote no ready file " +
                                  ready_file.string() + " within " +
                                  std::to_string(ready_timeout.count()) + " ms");
        }
        std::this_thread::sleep_for(5ms);
    }
}

}  // namespace

Result<std::unique_ptr<StationProcess>> StationProcess::spawn(const StationLaunch& launch) {
    std::vector<std::string> words{launch.binary.string(),
                                   "serve",
                                   "--election",
                                   launch.election.string(),
                                   "--data",
                                   launch.data.string(),
                                   "--district",
                                   launch.district_id,
                                   "--listen",
                                   launch.listen,
                                   "--certificate",
                                   launch.certificate.string(),
                                   "--certificate-key",
                                   launch.certificate_key.string(),
                                   "--ready-file",
                                   launch.ready_file.string()};
    if (!launch.station_id.empty()) words.insert(words.end(), {"--station-id", launch.station_id});
    if (launch.threads != 0)
        words.insert(words.end(), {"--threads", std::to_string(launch.threads)});
    words.insert(words.end(), launch.extra_arguments.begin(), launch.extra_arguments.end());
    return spawn_and_wait(std::move(words), launch.ready_file, launch.output, launch.ready_timeout,
                          [](pid_t pid, std::string host, std::uint16_t port) {
                              return std::unique_ptr<StationProcess>(
                                  new StationProcess(pid, std::move(host), port, "the station"));
                          });
}

Result<std::unique_ptr<StationProcess>> StationProcess::spawn(const ServerLaunch& launch) {
    std::vector<std::string> words{launch.binary.string()};
    words.insert(words.end(), launch.arguments.begin(), launch.arguments.end());
    if (words.size() < 2) return make_error(ErrorCode::invalid_argument, "no command to start");
    const std::string name = launch.binary.filename().string();
    return spawn_and_wait(std::move(words), launch.ready_file, launch.output, launch.ready_timeout,
                          [name](pid_t pid, std::string host, std::uint16_t port) {
                              return std::unique_ptr<StationProcess>(
                                  new StationProcess(pid, std::move(host), port, name));
                          });
}

StationProcess::~StationProcess() { kill(); }

Result<int> StationProcess::stop(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return make_error(ErrorCode::io_error, name_ + " is not running");
    ::kill(pid_, SIGTERM);
    auto status = wait_for(pid_, timeout);
    if (!status) {
        kill();
        return make_error(ErrorCode::io_error, name_ + " did not stop within " +
                                                   std::to_string(timeout.count()) +
                                                   " ms of SIGTERM; killed");
    }
    pid_ = 0;
    if (!WIFEXITED(*status))
        return make_error(ErrorCode::io_error, name_ + " " + exit_text(*status));
    return WEXITSTATUS(*status);
}

void StationProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    (void)wait_for(pid_, 10'000ms);
    pid_ = 0;
}

}  // namespace psephos::station
