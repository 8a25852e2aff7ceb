// Reading a guardian's passphrase from a descriptor or the terminal (passphrase_input.hpp).
#include "passphrase_input.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::app {

namespace {

// Reads up to the first '\n' (or end of file) from `fd` into `out`, at most its size; returns the
// length, or an error for a read failure or a line that does not fit.
Result<std::size_t> read_line(int fd, std::span<char> out, const std::string& source) {
    std::size_t size = 0;
    while (true) {
        char c = 0;
        const ssize_t got = ::read(fd, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            return make_error(ErrorCode::io_error,
                              source + ": " + std::generic_category().message(errno));
        }
        if (got == 0 || c == '\n') return size;
        if (size == out.size()) {
            return make_error(
                ErrorCode::invalid_argument,
                source + ": passphrase longer than " + std::to_string(out.size()) + " bytes");
        }
        out[size++] = c;
    }
}

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// One line typed at the terminal with echo off (restored on every path).
Result<std::size_t> ask_terminal(int tty, const char* prompt, std::span<char> out) {
    termios saved{};
    const bool is_terminal = ::tcgetattr(tty, &saved) == 0;
    if (is_terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    (void)!::write(tty, prompt, std::char_traits<char>::length(prompt));
    auto line = read_line(tty, out, "terminal");
    if (is_terminal) ::tcsetattr(tty, TCSAFLUSH, &saved);
    (void)!::write(tty, "\n", 1);
    return line;
}

}  // namespace

Status refuse_environment_passphrase(std::string_view command) {
    if (std::getenv(election::guardian_passphrase_variable) == nullptr) return {};
    return make_error(ErrorCode::invalid_argument,
                      std::string(election::guardian_passphrase_variable) + " is set: '" +
                          std::string(command) +
                          "' never takes a passphrase from the environment (other processes "
                          "can read it); unset it and type the passphrase, or give "
                          "--passphrase-fd N");
}

Result<std::string> read_guardian_passphrase(const Arguments& args, bool confirm) {
    PSEPHOS_TRY(refuse_environment_passphrase("psephos guardian"));
    std::array<char, max_guardian_passphrase_size> first{};
    std::array<char, max_guardian_passphrase_size> second{};
    const crypto::WipeOnExit wipe_first(first.data(), first.size());
    const crypto::WipeOnExit wipe_second(second.data(), second.size());
    std::size_t size = 0;
    if (args.value("--passphrase-fd")) {
        auto fd = args.number("--passphrase-fd", 0, 65535, 0);
        if (!fd) return fd.error();
        const std::string source = "--passphrase-fd " + std::to_string(fd.value());
        PSEPHOS_TRY_ASSIGN(size, read_line(static_cast<int>(fd.value()), first, source));
    } else {
        const Descriptor tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
        if (tty.get() < 0) {
            return make_error(ErrorCode::invalid_argument,
                              "no terminal to ask for the guardian passphrase; give "
                              "--passphrase-fd N (a descriptor to read it from)");
        }
        PSEPHOS_TRY_ASSIGN(size, ask_terminal(tty.get(), "guardian passphrase: ", first));
        if (confirm) {
            PSEPHOS_TRY_ASSIGN(const std::size_t again,
                               ask_terminal(tty.get(), "the same passphrase again: ", second));
            if (again != size || sodium_memcmp(first.data(), second.data(), size) != 0)
                return make_error(ErrorCode::invalid_argument, "the two passphrases differ");
        }
    }
    if (size == 0) return make_error(ErrorCode::invalid_argument, "empty guardian passphrase");
    if (confirm && size < min_guardian_passphrase_size) {
        return make_error(ErrorCode::invalid_argument,
                          "guardian passphrase shorter than " +
                              std::to_string(min_guardian_passphrase_size) + " characters");
    }
    std::string out;
    out.reserve(max_guardian_passphrase_size);
    out.assign(first.data(), size);
    return out;
}

Result<election::GuardianKey> read_guardian_key(const Arguments& args,
                                                const std::filesystem::path& path) {
    PSEPHOS_TRY(refuse_environment_passphrase("psephos"));
    if (!args.value("--passphrase-fd")) {
        // An unsealed file needs nothing; a sealed one is refused with invalid_argument
        // (guardian_key_file.hpp), and then its passphrase is asked at the terminal.
        auto key = election::read_guardian_key_file(path, std::nullopt);
        if (key || key.error().code != ErrorCode::invalid_argument) return key;
    }
    PSEPHOS_TRY_ASSIGN(std::string passphrase, read_guardian_passphrase(args, false));
    const crypto::WipeOnExit wipe(passphrase.data(), passphrase.size());
    return election::read_guardian_key_file(path, passphrase);
}

Result<std::optional<std::string>> read_ceremony_passphrase(const Arguments& args) {
    PSEPHOS_TRY(refuse_environment_passphrase("psephos ceremony"));
    if (!args.value("--passphrase-fd")) return std::optional<std::string>();
    PSEPHOS_TRY_ASSIGN(std::string passphrase, read_guardian_passphrase(args, false));
    return std::optional<std::string>(std::move(passphrase));
}

}  // namespace psephos::app
