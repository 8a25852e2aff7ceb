// psephos-station's commands (docs/station.md): serve a district's ledger to its kiosks over
// mutual TLS, and make the TLS certificates of the station and of its kiosks. Each takes the
// words after its name and returns the exit status: 0 success, 1 failure (the reason on stderr),
// 2 a bad command line.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "command_line.hpp"

namespace psephos::app::station_cli {

using Words = std::span<char* const>;

int run_serve(Words words);               // serve_command.cpp
int run_new_certificate(Words words);     // certificate_commands.cpp
int run_device_certificate(Words words);  // certificate_commands.cpp

// The SHA-256 fingerprint of a PEM certificate's DER bytes, as colon-separated upper-case hex
// (the form `openssl x509 -noout -fingerprint -sha256` prints); invalid_argument if the text is
// not a PEM certificate.
Result<std::string> certificate_fingerprint(std::string_view certificate_pem);

// A peer's words on one log line: control characters (a newline would forge a line of the
// station's log) become '?'.
inline std::string one_line(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

}  // namespace psephos::app::station_cli
