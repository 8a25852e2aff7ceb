// psephos-witness: a transparency-log witness an observer runs (docs/witness.md): it cosigns the
// checkpoints of the logs it is configured with (C2SP tlog-witness add-checkpoint, tlog-cosignature
// v1) if each is consistent with the last it cosigned, over HTTP/1.1.
//   keygen --key KEY_FILE --name NAME          a new cosigner key; prints its vkey
//   serve  --key KEY_FILE --name NAME --state DIR --logs FILE --listen HOST:PORT [--ready-file F]
// serve writes "HOST PORT" to the ready file once listening and runs until SIGTERM or SIGINT.
// Nothing a peer sends is printed: stderr carries only start-up failures and one line per stop.
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string_view>

#include "command_line.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/witness/witness.hpp"
#include "psephos/witness/witness_server.hpp"
#include "serve_support.hpp"

namespace {

using namespace psephos;
using app::exit_ok;
using app::failure;
using app::usage_error;
using Words = std::span<char* const>;

constexpr std::size_t max_logs_file = 1024 * 1024;

int run_keygen(Words words) {
    static const app::CommandSpec spec{
        "psephos-witness keygen --key KEY_FILE --name NAME", {"--key", "--name"}, {}, 0, 0};
    int status = exit_ok;
    const auto args =
        app::parse_or_report(spec, words, status,
                             "Makes a new Ed25519 cosigner key in KEY_FILE (mode 0600, never\n"
                             "replacing a file) and prints its cosignature/v1 verifier key: give\n"
                             "that line to the logs and verifiers that trust this witness.\n"
                             "  --name NAME   the witness's name, e.g. witness.example.org/w1\n");
    if (!args) return status;
    for (const char* flag : {"--key", "--name"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    const std::string name = *args->value("--name");
    auto key = crypto::Ed25519SigningKey::generate();
    auto vkey = crypto::CosignerKey::of(name, key.public_key());
    if (!vkey) return failure("--name: " + vkey.error().message);
    if (auto written = crypto::write_signing_key_file(*args->value("--key"), key, name); !written)
        return failure("--key: " + written.error().message);
    std::cout << vkey.value().to_text() << '\n';
    return exit_ok;
}

// One note verifier key per line ("<origin>+<id>+<key>", as 'psephos ledger' prints a log's
// key); blank lines and '#' comments are skipped.
Result<std::vector<election::NoteVerifierKey>> read_logs(const std::string& path) {
    PSEPHOS_TRY_ASSIGN(const Bytes bytes, crypto::read_public_file(path, max_logs_file));
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::vector<election::NoteVerifierKey> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        auto key = election::NoteVerifierKey::parse(line);
        if (!key) return key.error().within(path + ":" + std::to_string(number));
        out.push_back(std::move(key).value());
    }
    if (out.empty()) return make_error(ErrorCode::invalid_argument, path + ": no log key in it");
    return out;
}

int run_serve(Words words) {
    static const app::CommandSpec spec{
        "psephos-witness serve --key KEY_FILE --name NAME --state DIR --logs FILE "
        "--listen HOST:PORT [--ready-file FILE] [--threads N] [--max-connections N]",
        {"--key", "--name", "--state", "--logs", "--listen", "--ready-file", "--threads",
         "--max-connections"},
        {},
        0,
        0};
    int status = exit_ok;
    const auto args = app::parse_or_report(
        spec, words, status,
        "Runs the witness: cosigns each checkpoint of the logs in --logs (one log note key per\n"
        "line) that is consistent with the last one it cosigned, and keeps that checkpoint in\n"
        "DIR before answering. Refused forks are kept in DIR/evidence. Runs until SIGTERM or\n"
        "Ctrl-C. POST /add-checkpoint and GET /<sha256(origin)>/checkpoint "
        "(c2sp.org/tlog-witness).\n");
    if (!args) return status;
    for (const char* flag : {"--key", "--name", "--state", "--logs", "--listen"})
        if (!args->value(flag)) return usage_error(spec, std::string("missing ") + flag);
    const auto listen = app::parse_listen(*args->value("--listen"));
    if (!listen) return usage_error(spec, listen.error().message);
    const auto threads = args->number("--threads", 1, 64, 2);
    const auto cap = args->number("--max-connections", 1, 100000, 256);
    if (!threads || !cap) return usage_error(spec, (!threads ? threads : cap).error().message);
    const sigset_t stop = app::block_stop_signals();
    auto key = crypto::read_signing_key_file(*args->value("--key"));
    if (!key) return failure("--key: " + key.error().message);
    auto logs = read_logs(*args->value("--logs"));
    if (!logs) return failure("--logs: " + logs.error().message);
    witness::WitnessOptions options;
    options.state_directory = *args->value("--state");
    options.name = *args->value("--name");
    options.logs = std::move(logs).value();
    const std::size_t log_count = options.logs.size();
    auto opened = witness::Witness::open(std::move(key).value(), std::move(options));
    if (!opened) return failure("--state: " + opened.error().message);
    witness::WitnessServerOptions server_options;
    server_options.address = listen.value().host;
    server_options.port = listen.value().port;
    server_options.threads = static_cast<unsigned>(threads.value());
    server_options.max_connections = cap.value();
    auto server = witness::WitnessServer::start(*opened.value(), server_options);
    if (!server) return failure("--listen: " + server.error().message);
    const std::string port = std::to_string(server.value()->port());
    const auto ready_file = args->value("--ready-file");
    if (ready_file) {
        if (auto written =
                crypto::replace_file(*ready_file, listen.value().host + " " + port + "\n", 0644);
            !written)
            return failure("--ready-file: " + written.error().message);
    }
    std::cout << "witness " << opened.value()->cosigner().to_text() << ": " << log_count
              << " log(s), listening on " << listen.value().host << ":" << port << std::endl;
    int signal_number = 0;
    while (sigwait(&stop, &signal_number) != 0) {
    }
    server.value().reset();
    if (ready_file) {
        std::error_code ignored;
        std::filesystem::remove(*ready_file, ignored);
    }
    std::cout << "witness: stopped (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ")"
              << std::endl;
    return exit_ok;
}

constexpr app::CommandEntry commands[] = {
    {"keygen", run_keygen,
     "keygen --key KEY_FILE --name NAME\n"
     "      make the witness's cosigner key; prints its vkey for logs and verifiers"},
    {"serve", run_serve,
     "serve --key KEY_FILE --name NAME --state DIR --logs FILE --listen HOST:PORT\n"
     "        [--ready-file FILE] [--threads N] [--max-connections N]\n"
     "      cosign the configured logs' consistent checkpoints until stopped (SIGTERM or Ctrl-C)"},
};

constexpr std::string_view about =
    "A transparency-log witness (docs/witness.md): cosigns the checkpoints of the logs it\n"
    "watches (C2SP tlog-witness, tlog-cosignature v1), never two inconsistent ones.";

}  // namespace

int main(int argc, char** argv) {
    return psephos::app::run_program({"psephos-witness", about, commands}, argc, argv);
}
