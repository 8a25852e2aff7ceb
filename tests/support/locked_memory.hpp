// Where a test's secrets live: run a check in a forked child, find how much of the mapping holding
// an address the kernel has locked (/proc/self/smaps), and check a freed block was wiped.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <QtGlobal>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace psephos::test {

// Runs `body` in a forked child; the child's exit status (0 = every check in it passed).
template <class Body>
inline int in_child(Body body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) qFatal("fork failed");
    if (pid == 0) _exit(body());
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) qFatal("waitpid failed");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

// The Locked: figure (KiB) of the mapping of /proc/self/smaps that holds `address`, or 0.
inline std::size_t locked_kib_of_mapping(const void* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0;
        std::uintptr_t end = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 &&
            line.find('-') < line.find(' ')) {
            inside = at >= begin && at < end;
        } else if (inside && line.rfind("Locked:", 0) == 0) {
            return std::stoul(line.substr(7));
        }
    }
    return 0;
}

inline bool all_zero(const char* data, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
        if (data[i] != 0) return false;
    return true;
}

}  // namespace psephos::test
