// `psephos-station serve` (docs/station.md §4): opens the district's ledger as `psephos ledger`
// write commands do (DIR/ledger with DIR/ledger.key or --key), checks that it is the election of
// --election and that --district is one of its districts, starts the StationServer
// (docs/station-protocol.md) with the station's certificate and key, writes "HOST PORT" to the
// ready file once listening, and serves until SIGTERM or SIGINT. Then it stops the server (which
// waits for every answer the ledger still owes) and closes the ledger, and exits 0.
//
// Refusals go to stderr, one line each, as well as to the ledger's event log (the server writes
// them there).
#include <pthread.h>
#include <signal.h>
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <utility>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "commands.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/station/county_pusher.hpp"
#include "psephos/station/station_server.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "serve_support.hpp"
#include "station_commands.hpp"

namespace psephos::app::station_cli {
namespace {

// In the data directory: the kiosks' final heads, kept across the station's restarts.
constexpr std::string_view final_heads_file = "station-final-heads";

constexpr std::size_t max_pem_bytes = 64 * 1024;
constexpr unsigned max_threads = 64;

constexpr std::string_view serve_help =
    "Runs the polling place's station: keeps the ledger in DIR and serves the kiosks of its\n"
    "district(s) over the network, each over mutual TLS. A kiosk is admitted only if its\n"
    "certificate carries a device key registered for one of these districts ('psephos ledger\n"
    "register-device'); everything turned away is written, one line each, to the standard\n"
    "error and to the ledger's event log ('psephos ledger events'). It runs until it gets\n"
    "SIGTERM (systemctl stop) or Ctrl-C, then finishes the answers it owes and exits 0.\n\n"
    "  --election MANIFEST        the finalized election manifest; the ledger must be its own\n"
    "  --data DIR                 the data directory made by 'psephos ledger init'\n"
    "  --key LEDGER_KEY_FILE      the ledger key (default: DIR/ledger.key, mode 0600)\n"
    "  (--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)\n"
    "                             the ledger's log keys in a PKCS#11 token instead (docs/keys.md)\n"
    "  --district D[,D2,...]      the district(s) this station serves: a polling place\n"
    "                             with several districts lists them, comma-separated\n"
    "  --listen HOST:PORT         the address to listen on: an IP address and a port, e.g.\n"
    "                             0.0.0.0:7340, 192.168.10.2:7340, [::]:7340; port 0 takes a\n"
    "                             free port (see --ready-file)\n"
    "  --certificate CERT.pem     the station's certificate ('psephos-station new-certificate')\n"
    "  --certificate-key KEY_FILE its private key (mode 0600)\n"
    "  --station-id ID            the name kiosks are told (default: station-D)\n"
    "  --threads N                network threads (default 2)\n"
    "  --ready-file FILE          once listening, write \"HOST PORT\" to FILE (replaced\n"
    "                             atomically; removed again when the station stops)\n"
    "  --witnesses FILE           witnesses to submit each district's newest checkpoint to\n"
    "                             (docs/witness.md): one \"HOST:PORT VKEY\" line each, VKEY as\n"
    "                             'psephos-witness keygen' prints it; cosigned notes are kept\n"
    "                             in DIR/cosignatures\n\n"
    "Only one process can hold a ledger: stop the station before running 'psephos ledger'\n"
    "commands that write (publish, close-polls, tally) on the same DIR.\n";

// Station ids follow the protocol's id rule (docs/station-protocol.md §2).
bool is_station_id(std::string_view id) {
    if (id.empty() || id.size() > station::max_id_size) return false;
    for (const char c : id)
        if (c <= ' ' || c > '~') return false;
    return true;
}

std::size_t district_of(const election::ElectionContext& election, const std::string& district) {
    const auto& districts = election.manifest.districts;
    for (std::size_t d = 0; d < districts.size(); ++d)
        if (districts[d].id == district) return d;
    return districts.size();
}

std::string district_list(const election::ElectionContext& election) {
    std::string known;
    const auto& districts = election.manifest.districts;
    for (std::size_t d = 0; d < districts.size() && d < 10; ++d)
        known += (d ? ", " : "") + districts[d].id;
    if (districts.size() > 10) known += ", …";
    return known;
}

// "D1,D2,..." as its districts, in order.
std::vector<std::string> split_districts(const std::string& text) {
    std::vector<std::string> districts;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        districts.push_back(text.substr(at, comma - at));
        at = comma + 1;
    }
    return districts;
}

// Each district is one of the election's, and none is given twice.
Status check_districts(const election::ElectionContext& election,
                       const std::vector<std::string>& districts) {
    for (std::size_t i = 0; i < districts.size(); ++i) {
        const std::string& district = districts[i];
        if (district_of(election, district) == election.manifest.districts.size()) {
            return make_error(ErrorCode::invalid_argument,
                              "--district '" + one_line(district) +
                                  "': no such district in election '" +
                                  election.manifest.election_id +
                                  "' (its districts: " + district_list(election) + ")");
        }
        if (std::find(districts.begin(), districts.begin() + static_cast<std::ptrdiff_t>(i),
                      district) != districts.begin() + static_cast<std::ptrdiff_t>(i))
            return make_error(ErrorCode::invalid_argument,
                              "--district '" + district + "': given twice");
    }
    return {};
}

// Why the server did not start, named by the option that caused it.
int start_failure(const Error& error, const Arguments& args) {
    std::string message = error.message;
    if (message.find("final heads file") != std::string::npos)
        return failure("--data " + *args.value("--data") + ": " + message +
                       " (the heads of the kiosks that finished; remove the file only to have "
                       "them sent again)");
    if (error.code != ErrorCode::io_error) {
        // The certificate or key OpenSSL refused (e.g. a key of another certificate).
        return failure("--certificate " + *args.value("--certificate") +
                       " with --certificate-key " + *args.value("--certificate-key") + ": " +
                       message);
    }
    if (message.find("in use") != std::string::npos)
        message += " (another program, or another station, is listening on that port)";
    return failure("--listen " + *args.value("--listen") + ": " + message);
}

// Prints each refusal on one line of stderr, thinned like the event log: a flood of refusals of
// one kind prints one line a second, the next printed line counting the ones left out.
auto refusal_printer(std::mutex& log_mutex, std::uint64_t& not_printed) {
    return [&log_mutex, &not_printed](const station::StationRefusal& refusal) {
        const std::lock_guard lock(log_mutex);
        if (refusal.thinned) {
            ++not_printed;
            return;
        }
        const std::string device =
            refusal.device_id.empty() ? "no device yet" : "device " + one_line(refusal.device_id);
        std::cerr << "psephos-station: refused " << one_line(refusal.peer) << " (" << device
                  << "): " << one_line(refusal.reason);
        if (not_printed > 0)
            std::cerr << " (and " << std::exchange(not_printed, 0)
                      << " earlier refusals of a flood, not printed)";
        std::cerr << std::endl;
    };
}

// The witnesses of --witnesses (serve_support.hpp's parser and submitter, docs/witness.md §8);
// null without the flag.
Result<std::unique_ptr<station::WitnessSubmitter>> start_witnesses(
    const Arguments& args, const ledger::Ledger& ledger, const std::vector<std::string>& districts,
    std::mutex& log_mutex) {
    const auto path = args.value("--witnesses");
    if (!path) return std::unique_ptr<station::WitnessSubmitter>();
    return start_witness_submitter(*path, ledger, districts, *args.value("--data"),
                                   "psephos-station", log_mutex);
}

// The county pusher of --county (docs/county.md §3): a pass every second on a thread of its own;
// null without the flag. Problems print one line each on stderr, at most one a minute per text.
Result<std::unique_ptr<station::CountyPusher>> start_county(
    const Arguments& args, const ledger::Ledger& ledger, const std::vector<std::string>& districts,
    const std::string& station_id, const station::TlsIdentity& identity, std::mutex& log_mutex) {
    const auto where = args.value("--county");
    const auto certificate_path = args.value("--county-certificate");
    if (!where && !certificate_path) return std::unique_ptr<station::CountyPusher>();
    if (!where || !certificate_path)
        return make_error(ErrorCode::invalid_argument,
                          "--county and --county-certificate go together");
    PSEPHOS_TRY_ASSIGN(const auto address, parse_listen(*where));
    auto certificate = crypto::read_public_file(*certificate_path, max_pem_bytes);
    if (!certificate) return certificate.error().within("--county-certificate");
    std::string pem(certificate.value().begin(), certificate.value().end());
    if (auto key = station::certificate_key(pem); !key)
        return key.error().within("--county-certificate " + *certificate_path);
    auto pusher = std::make_unique<station::CountyPusher>(
        ledger, districts, station_id, identity,
        station::CountyEndpoint{address.host, address.port, std::move(pem),
                                std::chrono::milliseconds(10'000)});
    auto last_printed =
        std::make_shared<std::map<std::string, std::chrono::steady_clock::time_point>>();
    pusher->start(std::chrono::seconds(1), [&log_mutex, last_printed](const std::string& problem) {
        const auto now = std::chrono::steady_clock::now();
        const std::lock_guard lock(log_mutex);
        if (last_printed->size() > 1000) last_printed->clear();
        auto& last = (*last_printed)[problem];
        if (last.time_since_epoch().count() != 0 && now - last < std::chrono::minutes(1)) return;
        last = now;
        std::cerr << "psephos-station: county: " << one_line(problem) << std::endl;
    });
    return pusher;
}

}  // namespace

int run_serve(Words words) {
    static const CommandSpec spec{
        "psephos-station serve --election MANIFEST --data DIR [--key LEDGER_KEY_FILE | (--pkcs11 "
        "MODULE --token LABEL | --pkcs11-uri URI) (--pin-fd N | --pin-file FILE)] "
        "--district D --listen HOST:PORT --certificate CERT.pem --certificate-key KEY_FILE "
        "[--station-id ID] [--threads N] [--ready-file FILE] [--witnesses FILE] "
        "[--county HOST:PORT --county-certificate PEM]",
        {"--election", "--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file",
         "--pkcs11-uri", "--district", "--listen", "--certificate", "--certificate-key",
         "--station-id", "--threads", "--ready-file", "--witnesses", "--county",
         "--county-certificate"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status, serve_help);
    if (!args) return status;
    for (const char* flag :
         {"--election", "--data", "--district", "--listen", "--certificate", "--certificate-key"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    const auto listen = parse_listen(*args->value("--listen"));
    if (!listen) return usage_error(spec, listen.error().message);
    const auto threads = args->number("--threads", 1, max_threads, 2);
    if (!threads) return usage_error(spec, threads.error().message);
    const std::string district_list_text = *args->value("--district");
    const std::vector<std::string> districts = split_districts(district_list_text);
    const std::string station_id =
        args->value("--station-id").value_or("station-" + districts.front());
    if (!is_station_id(station_id)) {
        return usage_error(spec, "--station-id '" + one_line(station_id) +
                                     "': 1 to 64 printable characters without spaces");
    }
    const sigset_t stop = block_stop_signals();

    auto manifest = load_finalized_election(*args->value("--election"));
    if (!manifest) return failure("--election: " + manifest.error().message);
    const auto& election = manifest.value();
    if (auto known = check_districts(election, districts); !known)
        return failure(known.error().message);
    auto identity =
        app::read_tls_identity(*args->value("--certificate"), *args->value("--certificate-key"));
    if (!identity) return failure(identity.error().message);
    auto opened = open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    std::unique_ptr<ledger::Ledger> ledger = std::move(opened).value();
    if (ledger->election().base_hash != election.base_hash) {
        return failure("--data " + *args->value("--data") + ": the ledger there is election '" +
                       ledger->election().manifest.election_id + "' with another base hash than " +
                       *args->value("--election") + " ('" + election.manifest.election_id + "')");
    }

    std::mutex log_mutex;
    station::StationServerOptions options;
    options.station_id = station_id;
    options.district_ids = districts;
    options.address = listen.value().host;
    options.port = listen.value().port;
    options.threads = static_cast<unsigned>(threads.value());
    options.final_heads_file = std::filesystem::path(*args->value("--data")) / final_heads_file;
    std::uint64_t not_printed = 0;
    options.on_refusal = refusal_printer(log_mutex, not_printed);
    auto started = station::StationServer::start(*ledger, identity.value(), std::move(options));
    if (!started) return start_failure(started.error(), *args);
    auto server = std::move(started).value();
    const std::string port = std::to_string(server->port());
    const std::string& host = listen.value().host;
    const std::string where =
        (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + port;
    (void)ledger->record_event(
        election::EventType::configuration_changed, election::ActorRole::system,
        election::Disposition::success, districts.front(),
        "station " + station_id + ": listening on " + where + " for " + district_list_text);
    auto witnesses = start_witnesses(*args, *ledger, districts, log_mutex);
    if (!witnesses) {
        server.reset();
        return failure("--witnesses: " + witnesses.error().message);
    }
    auto county = start_county(*args, *ledger, districts, station_id, identity.value(), log_mutex);
    if (!county) {
        server.reset();
        return failure("--county: " + county.error().message);
    }
    const auto ready_file = args->value("--ready-file");
    if (ready_file) {
        if (const Status written =
                crypto::replace_file(*ready_file, host + " " + port + "\n", 0644);
            !written) {
            server.reset();
            return failure("--ready-file: " + written.error().message);
        }
    }
    {
        const std::lock_guard lock(log_mutex);
        std::cout << "station " << station_id << ": serving district"
                  << (districts.size() > 1 ? "s " : " ") << district_list_text << " of election "
                  << election.manifest.election_id << " on " << where << std::endl;
    }

    int signal_number = 0;
    while (sigwait(&stop, &signal_number) != 0) {
    }
    {
        const std::lock_guard lock(log_mutex);
        std::cout << "station " << station_id << ": "
                  << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
                  << ", stopping (open connections: " << server->connections() << ")" << std::endl;
    }
    witnesses.value().reset();  // finishes the submission under way
    server.reset();             // waits for the answers the ledger still owes
    if (county.value()) {
        // The day's last records (a closing) go to the county before the station stops.
        for (const auto& problem : county.value()->push_once())
            std::cerr << "psephos-station: county: " << one_line(problem) << std::endl;
        county.value().reset();
    }
    if (ready_file) {
        std::error_code ignored;
        std::filesystem::remove(*ready_file, ignored);
    }
    ledger.reset();  // records the shutdown in the event log and closes the database
    std::cout << "station " << station_id << ": stopped" << std::endl;
    return exit_ok;
}

}  // namespace psephos::app::station_cli
