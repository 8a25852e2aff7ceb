// A local Hardhat EVM node (chainId 31337) for bridge tests: started on a free port on 127.0.0.1,
// stopped with its whole process group when the HardhatNode is destroyed. Std C++ and POSIX only.
//
// The test's CMake target must define PSEPHOS_PEERS_DIR as the absolute path of tests/peers, e.g.
//   target_compile_definitions(tst_x PRIVATE PSEPHOS_PEERS_DIR="${PROJECT_SOURCE_DIR}/tests/peers")
// and tests/peers/node_modules must exist (scripts/setup-peers); otherwise start() fails with a
// message saying so, which the test should report with QFAIL rather than skip.
//
//   std::string error;
//   auto node = psephos::test::HardhatNode::start(error);
//   if (!node) QFAIL(error.c_str());
//   ... node->url() ...    // "http://127.0.0.1:<port>"
//
// It runs `node tests/peers/node_modules/hardhat/internal/cli/bootstrap.js node --hostname
// 127.0.0.1
// --port P` (what `npx hardhat node` runs, without npx's fallback to the network), with telemetry
// prompts and banners off, output in a temporary log file that is removed with the node.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifndef PSEPHOS_PEERS_DIR
#error "define PSEPHOS_PEERS_DIR as the absolute path of tests/peers (see hardhat_node.hpp)"
#endif

extern char** environ;

namespace psephos::test {

inline std::string peers_dir() { return PSEPHOS_PEERS_DIR; }

class HardhatNode {
public:
    static constexpr std::chrono::seconds start_timeout{60};

    // Starts the node and waits until it answers eth_chainId with 31337; on failure returns
    // nullopt and sets `error` (including the end of the node's log when it got that far).
    static std::optional<HardhatNode> start(std::string& error) {
        const std::string dir = peers_dir();
        const std::string cli = dir + "/node_modules/hardhat/internal/cli/bootstrap.js";
        if (!is_file(cli)) {
            error = "hardhat is not installed in " + dir + "/node_modules: run scripts/setup-peers";
            return std::nullopt;
        }
        const std::string node_exe = find_in_path("node");
        if (node_exe.empty()) {
            error = "node (Node.js) is not on PATH: install nodejs and run scripts/setup-peers";
            return std::nullopt;
        }
        const int port = free_port();
        if (port <= 0) {
            error = std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno);
            return std::nullopt;
        }
        char log_template[] = "/tmp/psephos-hardhat-XXXXXX";
        const int log_fd = mkstemp(log_template);
        if (log_fd < 0) {
            error = std::string("cannot create a log file in /tmp: ") + std::strerror(errno);
            return std::nullopt;
        }

        // Everything the child needs is prepared before fork(): a test process may have threads,
        // so the child only makes async-signal-safe calls before execve.
        const std::string port_text = std::to_string(port);
        std::vector<std::string> args = {node_exe,    cli,      "node",   "--hostname",
                                         "127.0.0.1", "--port", port_text};
        std::vector<std::string> env;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string var = *e;
            if (var.rfind("HARDHAT_DISABLE_TELEMETRY_PROMPT=", 0) != 0 && var.rfind("CI=", 0) != 0)
                env.push_back(var);
        }
        env.push_back("HARDHAT_DISABLE_TELEMETRY_PROMPT=true");
        env.push_back("CI=true");  // no banner or version checks: Hardhat treats this as CI
        std::vector<char*> argv = pointers(args);
        std::vector<char*> envp = pointers(env);

        const pid_t pid = fork();
        if (pid < 0) {
            error = std::string("fork failed: ") + std::strerror(errno);
            close(log_fd);
            unlink(log_template);
            return std::nullopt;
        }
        if (pid == 0) {
            setpgid(0, 0);  // own process group, so the destructor can stop all of it
            const int null_fd = open("/dev/null", O_RDONLY);
            if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
            dup2(log_fd, STDOUT_FILENO);
            dup2(log_fd, STDERR_FILENO);
            if (chdir(dir.c_str()) != 0) _exit(126);
            execve(node_exe.c_str(), argv.data(), envp.data());
            _exit(127);
        }
        setpgid(pid, pid);  // also here, so kill(-pid) works even if the child has not run yet
        close(log_fd);

        HardhatNode node(pid, port, log_template);
        const auto deadline = std::chrono::steady_clock::now() + start_timeout;
        for (;;) {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                node.pid_ = -1;
                error = "hardhat node exited (" + describe_status(status) +
                        ") before answering eth_chainId; log:\n" + node.log_tail();
                return std::nullopt;
            }
            const std::string chain_id = node.chain_id();
            if (chain_id == "0x7a69") return node;
            if (!chain_id.empty()) {
                error = "the node on port " + port_text + " reports chainId " + chain_id +
                        ", expected 0x7a69 (31337)";
                return std::nullopt;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                error = "hardhat node did not answer eth_chainId on 127.0.0.1:" + port_text +
                        " within 60 s; log:\n" + node.log_tail();
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    HardhatNode(const HardhatNode&) = delete;
    HardhatNode& operator=(const HardhatNode&) = delete;
    HardhatNode(HardhatNode&& other) noexcept
        : pid_(std::exchange(other.pid_, -1)),
          port_(other.port_),
          log_path_(std::move(other.log_path_)) {
        other.log_path_.clear();
    }
    HardhatNode& operator=(HardhatNode&& other) noexcept {
        if (this != &other) {
            stop();
            pid_ = std::exchange(other.pid_, -1);
            port_ = other.port_;
            log_path_ = std::move(other.log_path_);
            other.log_path_.clear();
        }
        return *this;
    }
    ~HardhatNode() { stop(); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    const std::string& log_path() const { return log_path_; }

    // The last lines of the node's output, for failure messages.
    std::string log_tail(std::size_t max_lines = 20) const {
        std::ifstream in(log_path_);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        std::string out;
        for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0;
             i < lines.size(); ++i)
            out += lines[i] + "\n";
        return out.empty() ? "(empty)\n" : out;
    }

private:
    HardhatNode(pid_t pid, int port, std::string log_path)
        : pid_(pid), port_(port), log_path_(std::move(log_path)) {}

    // SIGTERM to the process group, SIGKILL if it is still there after 5 s; removes the log.
    void stop() {
        if (pid_ > 0) {
            kill(-pid_, SIGTERM);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            int status = 0;
            while (waitpid(pid_, &status, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > deadline) {
                    kill(-pid_, SIGKILL);
                    waitpid(pid_, &status, 0);
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            kill(-pid_, SIGKILL);  // anything the node left behind in its group
            pid_ = -1;
        }
        if (!log_path_.empty()) {
            unlink(log_path_.c_str());
            log_path_.clear();
        }
    }

    // One eth_chainId call over plain HTTP/1.1; the result string ("0x7a69"), or "" when the
    // node does not answer (yet).
    std::string chain_id() const {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return {};
        timeval timeout{2, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port_));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::string response;
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
            const std::string body =
                R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]})";
            const std::string request =
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nConnection: close\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
            if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(request.size())) {
                char buffer[4096];
                for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
                    response.append(buffer, static_cast<std::size_t>(n));
            }
        }
        close(fd);
        const std::string key = "\"result\":\"";
        const auto at = response.find(key);
        if (at == std::string::npos) return {};
        const auto end = response.find('"', at + key.size());
        if (end == std::string::npos) return {};
        return response.substr(at + key.size(), end - at - key.size());
    }

    static int free_port() {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = 0;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        int port = -1;
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            port = ntohs(addr.sin_port);
        close(fd);
        return port;
    }

    static bool is_file(const std::string& path) {
        struct stat st {};
        return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }

    static std::string find_in_path(const std::string& name) {
        const char* path = std::getenv("PATH");
        std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
        for (std::string dir; std::getline(dirs, dir, ':');) {
            const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
            if (access(candidate.c_str(), X_OK) == 0 && is_file(candidate)) return candidate;
        }
        return {};
    }

    static std::vector<char*> pointers(std::vector<std::string>& strings) {
        std::vector<char*> out;
        for (auto& s : strings) out.push_back(s.data());
        out.push_back(nullptr);
        return out;
    }

    static std::string describe_status(int status) {
        if (WIFEXITED(status)) {
            const int code = WEXITSTATUS(status);
            if (code == 127) return "exit code 127: could not execute node";
            if (code == 126) return "exit code 126: could not enter " + peers_dir();
            return "exit code " + std::to_string(code);
        }
        if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
        return "status " + std::to_string(status);
    }

    pid_t pid_ = -1;
    int port_ = 0;
    std::string log_path_;
};

}  // namespace psephos::test
