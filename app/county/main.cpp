// psephos-county: the county (docs/county.md, issue 22). It keeps a ledger of the whole election
// (made with 'psephos ledger init', as a station's) and takes each station's district records,
// pushed over mutual TLS 1.3 (docs/station-protocol.md §8): every record re-validated by the
// county ledger's own modules, every push checked against the station's signed checkpoint and
// the last one the county holds, an equivocating station's two checkpoints kept as evidence.
// With --witnesses, the county's election log goes to witnesses after each push (its newest
// checkpoint, from a thread of its own; docs/witness.md §8), the cosigned notes kept in
// DIR/cosignatures. The county's ledger then tallies and exports with the 'psephos' commands on
// its data directory, once the county is stopped.
//   serve --election MANIFEST --data DIR --stations FILE --listen HOST:PORT
//         --certificate CERT.pem --certificate-key KEY_FILE [--key LEDGER_KEY_FILE]
//         [--county-id ID] [--threads N] [--ready-file FILE] [--witnesses FILE]
// serve writes "HOST PORT" to the ready file once listening and runs until SIGTERM or SIGINT.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "command_line.hpp"
#include "commands.hpp"
#include "psephos/county/county_config.hpp"
#include "psephos/county/county_server.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "serve_support.hpp"

namespace {

using namespace psephos;
using app::exit_ok;
using app::failure;
using app::usage_error;
using Words = std::span<char* const>;

constexpr std::string_view serve_help =
    "Runs the county: keeps the ledger of the whole election in DIR and takes the stations'\n"
    "pushes of their districts' records over mutual TLS. A station is admitted only with the\n"
    "certificate --stations pins for it; each record goes through the county ledger's own\n"
    "checks, each push must end at the station's signed checkpoint (checked under the\n"
    "district key --stations gives) and be consistent with the last one the county holds.\n"
    "A station that signs two checkpoints that contradict each other is refused, and both are\n"
    "kept in DIR/county/evidence and the event log. Runs until SIGTERM or Ctrl-C.\n\n"
    "  --election MANIFEST        the finalized election manifest; the ledger must be its own\n"
    "  --data DIR                 the county's data directory ('psephos ledger init')\n"
    "  --key LEDGER_KEY_FILE      the county's ledger key (default: DIR/ledger.key)\n"
    "  --stations FILE            the stations and their keys (docs/county.md §4):\n"
    "                               station STATION_ID CERTIFICATE.pem\n"
    "                               district DISTRICT_ID VKEY   (one per district it pushes)\n"
    "  --listen HOST:PORT         the address to listen on (port 0: a free port)\n"
    "  --certificate CERT.pem     the county's certificate ('psephos-station new-certificate')\n"
    "  --certificate-key KEY_FILE its private key (mode 0600)\n"
    "  --county-id ID             the name stations are told (default: county)\n"
    "  --threads N                network threads (default 2)\n"
    "  --ready-file FILE          once listening, write \"HOST PORT\" to FILE\n"
    "  --witnesses FILE           witnesses to submit the election log's newest checkpoint to,\n"
    "                             after each push (docs/witness.md §8): one \"HOST:PORT VKEY\"\n"
    "                             line each, VKEY as 'psephos-witness keygen' prints it; the\n"
    "                             witnesses must know the county's election log key ('psephos\n"
    "                             ledger status' prints it); cosigned notes are kept in\n"
    "                             DIR/cosignatures/<SHA-256 of the witness name>/_election.note\n";

// A peer's words on one log line.
std::string one_line(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

int run_serve(Words words) {
    static const app::CommandSpec spec{
        "psephos-county serve --election MANIFEST --data DIR --stations FILE --listen HOST:PORT "
        "--certificate CERT.pem --certificate-key KEY_FILE [--key LEDGER_KEY_FILE] "
        "[--county-id ID] [--threads N] [--ready-file FILE] [--witnesses FILE]",
        {"--election", "--data", "--key", "--stations", "--listen", "--certificate",
         "--certificate-key", "--county-id", "--threads", "--ready-file", "--witnesses"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = app::parse_or_report(spec, words, status, serve_help);
    if (!args) return status;
    for (const char* flag :
         {"--election", "--data", "--stations", "--listen", "--certificate", "--certificate-key"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    const auto listen = app::parse_listen(*args->value("--listen"));
    if (!listen) return usage_error(spec, listen.error().message);
    const auto threads = args->number("--threads", 1, 64, 2);
    if (!threads) return usage_error(spec, threads.error().message);
    const std::string county_id = args->value("--county-id").value_or("county");
    const sigset_t stop = app::block_stop_signals();

    auto election = app::load_finalized_election(*args->value("--election"));
    if (!election) return failure("--election: " + election.error().message);
    auto stations = county::read_stations_file(*args->value("--stations"));
    if (!stations) return failure("--stations: " + stations.error().message);
    auto identity =
        app::read_tls_identity(*args->value("--certificate"), *args->value("--certificate-key"));
    if (!identity) return failure(identity.error().message);
    auto opened = app::open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    std::unique_ptr<ledger::Ledger> ledger = std::move(opened).value();
    if (ledger->election().base_hash != election.value().base_hash)
        return failure("--data " + *args->value("--data") + ": the ledger there is election '" +
                       ledger->election().manifest.election_id + "', not the one of " +
                       *args->value("--election"));
    std::mutex log_mutex;
    // The election log's newest checkpoint to the witnesses, from the submitter's own thread,
    // woken after each push that published one (a push never waits for a witness).
    std::unique_ptr<station::WitnessSubmitter> witnesses;
    if (const auto witnesses_path = args->value("--witnesses")) {
        auto started = app::start_witness_submitter(
            *witnesses_path, *ledger, {std::string(ledger::election_log_name)},
            *args->value("--data"), "psephos-county", log_mutex);
        if (!started) return failure("--witnesses: " + started.error().message);
        witnesses = std::move(started).value();
    }
    county::CountyOptions options;
    options.stations = std::move(stations).value();
    options.state_directory = std::filesystem::path(*args->value("--data")) / "county";
    if (witnesses) options.on_published = [submitter = witnesses.get()] { submitter->wake(); };
    const std::size_t station_count = options.stations.size();
    auto county = county::County::open(*ledger, std::move(options));
    if (!county) return failure("--stations: " + county.error().message);

    county::CountyServerOptions server_options;
    server_options.county_id = county_id;
    server_options.address = listen.value().host;
    server_options.port = listen.value().port;
    server_options.threads = static_cast<unsigned>(threads.value());
    server_options.on_refusal = [&log_mutex](const county::CountyRefusal& refusal) {
        const std::lock_guard lock(log_mutex);
        std::cerr << "psephos-county: refused " << one_line(refusal.peer) << " ("
                  << (refusal.station_id.empty() ? "no station yet"
                                                 : "station " + one_line(refusal.station_id))
                  << "): " << one_line(refusal.reason) << std::endl;
    };
    auto server =
        county::CountyServer::start(*county.value(), identity.value(), std::move(server_options));
    if (!server) return failure("--listen: " + server.error().message);
    const std::string port = std::to_string(server.value()->port());
    const auto ready_file = args->value("--ready-file");
    if (ready_file) {
        if (auto written =
                crypto::replace_file(*ready_file, listen.value().host + " " + port + "\n", 0644);
            !written)
            return failure("--ready-file: " + written.error().message);
    }
    {
        const std::lock_guard lock(log_mutex);
        std::cout << "county " << county_id << ": election "
                  << election.value().manifest.election_id << ", " << station_count
                  << " station(s), listening on " << listen.value().host << ":" << port
                  << std::endl;
    }
    int signal_number = 0;
    while (sigwait(&stop, &signal_number) != 0) {
    }
    server.value().reset();  // the pushes under way finish
    if (witnesses) {
        // The day's last election checkpoint (published by the last push) to the witnesses.
        witnesses->stop();
        for (const auto& problem : witnesses->submit_once())
            std::cerr << "psephos-county: witness: " << one_line(problem) << std::endl;
    }
    if (ready_file) {
        std::error_code ignored;
        std::filesystem::remove(*ready_file, ignored);
    }
    county.value().reset();
    witnesses.reset();
    ledger.reset();
    std::cout << "county " << county_id << ": stopped ("
              << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
    return exit_ok;
}

// After the tally, the guardians' decryptions and the results (which grow the district logs),
// the election checkpoint that covers them, published and submitted to every witness, so the
// record `psephos export --witnesses` writes ends in a cosigned checkpoint (docs/county.md §3.1).
int run_cosign(Words words) {
    static const app::CommandSpec spec{
        "psephos-county cosign --data DIR --witnesses FILE [--key LEDGER_KEY_FILE]",
        {"--data", "--witnesses", "--key"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = app::parse_or_report(
        spec, words, status,
        "Publishes the county's election checkpoint over every district record (the tally,\n"
        "decryptions and results included) and submits it to every witness of --witnesses,\n"
        "keeping their cosigned notes in DIR/cosignatures for 'psephos export --witnesses'.\n"
        "The county must be stopped. Exit 1 unless every witness cosigned it.\n");
    if (!args) return status;
    for (const char* flag : {"--data", "--witnesses"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    auto opened = app::open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    std::unique_ptr<ledger::Ledger> ledger = std::move(opened).value();
    auto published = ledger->publish_election_checkpoint();
    if (!published)
        return failure("publishing the election checkpoint: " + published.error().message);
    auto endpoints = app::read_witnesses_file(*args->value("--witnesses"));
    if (!endpoints) return failure("--witnesses: " + endpoints.error().message);
    const std::size_t count = endpoints.value().size();
    station::WitnessSubmitter submitter(
        *ledger, {std::string(ledger::election_log_name)}, std::move(endpoints).value(),
        std::filesystem::path(*args->value("--data")) / "cosignatures");
    const auto problems = submitter.submit_once();
    for (const auto& problem : problems)
        std::cerr << "psephos-county: witness: " << one_line(problem) << std::endl;
    std::cout << "election checkpoint of size " << published.value().size << ": cosigned by "
              << count - std::min(count, problems.size()) << " of " << count << " witnesses"
              << std::endl;
    return problems.empty() ? exit_ok : app::exit_failure;
}

constexpr app::CommandEntry commands[] = {
    {"serve", run_serve,
     "serve --election MANIFEST --data DIR --stations FILE --listen HOST:PORT\n"
     "        --certificate CERT.pem --certificate-key KEY_FILE [--key LEDGER_KEY_FILE]\n"
     "        [--county-id ID] [--threads N] [--ready-file FILE] [--witnesses FILE]\n"
     "      take the stations' pushes into the county's ledger until stopped (SIGTERM or\n"
     "      Ctrl-C)"},
    {"cosign", run_cosign,
     "cosign --data DIR --witnesses FILE [--key LEDGER_KEY_FILE]\n"
     "      after the tally and results: publish the election checkpoint and have every\n"
     "      witness cosign it, for 'psephos export --witnesses'"},
};

constexpr std::string_view about =
    "The county: one ledger of the whole election, into which every station's district\n"
    "records are pushed and re-validated (docs/county.md). Make its data directory with\n"
    "'psephos ledger init' and its certificate with 'psephos-station new-certificate'; tally\n"
    "with 'psephos tally --data DIR' once it is stopped, have the witnesses cosign with\n"
    "'psephos-county cosign', and export with 'psephos export --data DIR --stations FILE\n"
    "--witnesses FILE'.";

}  // namespace

int main(int argc, char** argv) {
    return psephos::app::run_program({"psephos-county", about, commands}, argc, argv);
}
