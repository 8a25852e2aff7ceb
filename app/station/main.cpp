// psephos-station: the polling place's station server (docs/station.md, issue 21). It owns the
// ledger of one district and serves that district's kiosks over mutual TLS 1.3
// (docs/station-protocol.md); it also makes the TLS certificates of the station and of its kiosks.
// A dispatcher to one function per command (station_commands.hpp).
#include "command_line.hpp"
#include "station_commands.hpp"

namespace {

using psephos::app::CommandEntry;

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

constexpr std::string_view about =
    "The station of a polling place: one computer that keeps the district's ledger and\n"
    "serves the polling place's kiosks over the network (mutual TLS). docs/station.md\n"
    "explains how to set it up.";

}  // namespace

int main(int argc, char** argv) {
    return psephos::app::run_program({"psephos-station", about, commands}, argc, argv);
}
