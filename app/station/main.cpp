// psephos-station: the polling place's station server (docs/station.md, issue 21). It owns the
// ledger of one district and serves that district's kiosks over mutual TLS 1.3
// (docs/station-protocol.md); it also makes the TLS certificates of the station and of its kiosks.
// A dispatcher to one function per command (station_commands.hpp).
#include <exception>
#include <iostream>
#include <string_view>

#include "psephos/crypto/memory_protection.hpp"
#include "psephos/crypto/scalar.hpp"
#include "station_commands.hpp"

namespace psephos::app::station_cli {

int fail(const std::string& message) {
    std::cerr << "psephos-station: " << message << '\n';
    return exit_failure;
}

int usage_problem(const CommandSpec& spec, const std::string& message) {
    std::cerr << "psephos-station: " << message << "\nusage: " << spec.usage << "\n('"
              << spec.usage.substr(0, spec.usage.find(" --")) << " --help' explains)\n";
    return exit_usage;
}

std::optional<Arguments> parse_words(const CommandSpec& spec, std::string_view help, Words words,
                                     int& exit_status) {
    auto parsed = Arguments::parse(spec, words);
    if (!parsed) {
        exit_status = usage_problem(spec, parsed.error().message);
        return std::nullopt;
    }
    if (parsed.value().help_requested()) {
        std::cout << "usage: " << spec.usage << "\n\n" << help;
        exit_status = exit_ok;
        return std::nullopt;
    }
    return std::move(parsed).value();
}

}  // namespace psephos::app::station_cli

namespace {

using Command = int (*)(psephos::app::station_cli::Words);

struct CommandEntry {
    std::string_view name;
    Command run;
    std::string_view synopsis;
};

constexpr CommandEntry commands[] = {
    {"serve", psephos::app::station_cli::run_serve,
     "serve --election MANIFEST --data DIR --district D --listen HOST:PORT\n"
     "        --certificate CERT.pem --certificate-key KEY_FILE [--key LEDGER_KEY_FILE]\n"
     "        [--station-id ID] [--threads N] [--ready-file FILE]\n"
     "      run the station: serve the district's ledger to its registered kiosks until\n"
     "      stopped (SIGTERM or Ctrl-C)"},
    {"new-certificate", psephos::app::station_cli::run_new_certificate,
     "new-certificate --certificate CERT.pem --certificate-key KEY_FILE [--name CN] [--days N]\n"
     "      make the station's TLS certificate and key; prints the fingerprint that each\n"
     "      kiosk's set-up must show"},
    {"device-certificate", psephos::app::station_cli::run_device_certificate,
     "device-certificate --device-key FILE --device-id ID --certificate CERT.pem\n"
     "        --certificate-key KEY_FILE\n"
     "      make a kiosk's TLS certificate from its device key ('psephos ledger device-key')"},
};

void print_help(std::ostream& out) {
    out << "usage: psephos-station COMMAND [OPTIONS]\n\n"
           "The station of a polling place: one computer that keeps the district's ledger and\n"
           "serves the polling place's kiosks over the network (mutual TLS). docs/station.md\n"
           "explains how to set it up.\n\ncommands:\n";
    for (const auto& command : commands) out << "  psephos-station " << command.synopsis << '\n';
    out << "  psephos-station help\n      this list ('psephos-station COMMAND --help' explains "
           "one command)\n"
        << "\nexit status: 0 success, 1 failure (reason on stderr), 2 bad command line\n";
}

}  // namespace

int main(int argc, char** argv) {
    psephos::crypto::initialize();
    // The station holds the ledger key and its TLS key: no core file may keep them.
    if (const psephos::Status hardened = psephos::crypto::disable_core_dumps(); !hardened) {
        std::cerr << "psephos-station: " << hardened.error().message << '\n';
        return 1;
    }
    if (argc < 2) {
        print_help(std::cerr);
        return 2;
    }
    const std::string_view name = argv[1];
    if (name == "help" || name == "--help" || name == "-h") {
        print_help(std::cout);
        return 0;
    }
    const std::span<char* const> words(argv + 2, static_cast<std::size_t>(argc - 2));
    for (const auto& command : commands) {
        if (command.name != name) continue;
        try {
            return command.run(words);
        } catch (const std::exception& e) {
            std::cerr << "psephos-station: " << e.what() << '\n';
            return 1;
        }
    }
    std::cerr << "psephos-station: unknown command '" << name << "' (see 'psephos-station help')\n";
    return 2;
}
