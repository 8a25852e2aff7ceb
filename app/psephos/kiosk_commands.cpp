// psephos kiosk: the networked kiosk without its screen (docs/cli.md §14), for scripted
// elections, deployment checks and tests. It is the same kiosk::KioskStation that psephos-kiosk
// runs, over the same RemoteLink (mutual TLS, the station's certificate pinned, the kiosk's own
// head and a ballot in flight kept in --data DIR), one voter or one poll worker's action per run.
// It asks for no poll-worker passphrase: whoever runs it holds the device key, which is all the
// station and the ledger trust; at a polling place the kiosk is psephos-kiosk.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "selections.hpp"

namespace psephos::app {
namespace {

constexpr std::string_view common_usage =
    "--election MANIFEST --district D --data DIR --device-key FILE --device-id ID "
    "--station HOST:PORT --station-certificate PEM [--timeout SECONDS]";

std::vector<std::string_view> common_flags() {
    return {"--election", "--device-key", "--device-id",           "--district",
            "--data",     "--station",    "--station-certificate", "--timeout"};
}

// Opens the kiosk and waits for its link; a ballot a previous run left in flight is settled
// first and its outcome printed.
Result<std::unique_ptr<kiosk::KioskStation>> open_kiosk(const Arguments& args) {
    for (const char* flag : {"--election", "--district", "--data", "--device-key", "--device-id",
                             "--station", "--station-certificate"})
        if (!args.value(flag))
            return Error{ErrorCode::invalid_argument, std::string("missing ") + flag};
    PSEPHOS_TRY_ASSIGN(const std::uint64_t timeout, args.number("--timeout", 1, 3600, 30));
    kiosk::KioskConfig config;
    config.election = *args.value("--election");
    config.district_id = *args.value("--district");
    config.data = *args.value("--data");
    config.device_key = *args.value("--device-key");
    config.device_id = *args.value("--device-id");
    config.station = *args.value("--station");
    config.station_certificate = *args.value("--station-certificate");
    config.precomputed_ballots = 0;
    // The kiosk's own state directory (its head, a ballot in flight, receipts): made on first use.
    std::error_code ec;
    if (!std::filesystem::exists(config.data, ec))
        PSEPHOS_TRY(prepare_private_directory(config.data));
    PSEPHOS_TRY_ASSIGN(auto station, kiosk::KioskStation::open(config));
    if (!station->wait_for_link(std::chrono::seconds(timeout))) {
        const kiosk::LinkStatus link = station->link_status();
        return Error{ErrorCode::io_error, "no link to the station " + config.station + " within " +
                                              std::to_string(timeout) + " s (" +
                                              std::string(kiosk::to_string(link.state)) +
                                              (link.reason.empty() ? "" : ": " + link.reason) +
                                              ")"};
    }
    PSEPHOS_TRY_ASSIGN(const auto settled, station->settle());
    if (settled) {
        std::cout << "a ballot a previous run left in flight: "
                  << (settled->recorded
                          ? (settled->resubmitted ? "sent again and recorded" : "found in the log")
                          : "not recorded: " + settled->refusal)
                  << '\n';
    }
    return station;
}

CommandSpec spec_of(std::string usage, std::vector<std::string_view> extra_flags,
                    std::vector<std::string_view> switches, std::size_t positional) {
    static std::vector<std::string> usages;  // CommandSpec holds views: keep the texts alive
    usages.push_back(std::move(usage));
    std::vector<std::string_view> flags = common_flags();
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    return CommandSpec{usages.back(), std::move(flags), std::move(switches), positional,
                       positional};
}

int run_vote(Words words) {
    static const CommandSpec spec =
        spec_of("psephos kiosk vote --selections JSON [--challenge] " + std::string(common_usage),
                {"--selections"}, {"--challenge"}, 0);
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    if (!args->value("--selections")) return usage_error(spec, "missing --selections");
    auto marks = read_selections(*args->value("--selections"));
    if (!marks) return failure("--selections: " + marks.error().message);
    auto station = open_kiosk(*args);
    if (!station) return failure(station.error().message);
    kiosk::KioskStation& kiosk = *station.value();
    auto sealed = kiosk.seal(marks.value());
    if (!sealed) return failure("sealing the ballot: " + sealed.error().message);
    std::cout << "sealed: " << sealed.value().tracking_code << '\n';
    if (args->has_switch("--challenge")) {
        auto report = kiosk.challenge();
        if (!report) return failure("challenging the ballot: " + report.error().message);
        std::cout << "challenged: " << report.value().tracking_code << " at "
                  << report.value().receipt.log << '#' << report.value().receipt.index
                  << " (not counted)\n";
        return exit_ok;
    }
    auto cast = kiosk.cast();
    if (!cast) {
        if (cast.error().code == ErrorCode::not_confirmed)
            return failure(cast.error().message + " (run any kiosk command again to settle it)");
        return failure("casting the ballot: " + cast.error().message);
    }
    std::cout << "cast: " << cast.value().tracking_code << " at " << cast.value().receipt.log << '#'
              << cast.value().receipt.index << '\n';
    if (!cast.value().receipt_file.empty())
        std::cout << "receipt: " << cast.value().receipt_file.string() << '\n';
    else if (!cast.value().receipt_problem.empty())
        std::cout << "no receipt file: " << cast.value().receipt_problem << '\n';
    return exit_ok;
}

int run_polls(Words words) {
    static const CommandSpec spec =
        spec_of("psephos kiosk polls open|close [--actor NAME] " + std::string(common_usage),
                {"--actor"}, {}, 1);
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    const std::string& what = args->positional()[0];
    if (what != "open" && what != "close")
        return usage_error(spec, "polls: 'open' or 'close', not '" + what + "'");
    auto station = open_kiosk(*args);
    if (!station) return failure(station.error().message);
    const auto action =
        what == "open" ? election::PollsAction::opened : election::PollsAction::closed;
    auto receipt =
        station.value()->record_polls(action, args->value("--actor").value_or("poll worker"));
    if (!receipt) return failure("polls " + what + ": " + receipt.error().message);
    std::cout << "polls " << (what == "open" ? "opened" : "closed") << ": " << receipt.value().log
              << '#' << receipt.value().index << '\n';
    return exit_ok;
}

int run_finish(Words words) {
    static const CommandSpec spec =
        spec_of("psephos kiosk finish " + std::string(common_usage), {}, {}, 0);
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    auto station = open_kiosk(*args);
    if (!station) return failure(station.error().message);
    auto report = station.value()->finish();
    if (!report) return failure("finishing the kiosk: " + report.error().message);
    std::cout << "finished: " << report.value().ballots << " ballots; "
              << report.value().kiosks_finished << " of " << report.value().kiosks_registered
              << " kiosks of the district finished\n";
    return exit_ok;
}

// A poll worker brings the authority's deauthorisation of a lost kiosk to any kiosk of the
// district; the station checks the authority's signature and from then on refuses that device.
int run_deauthorise(Words words) {
    static const CommandSpec spec =
        spec_of("psephos kiosk deauthorise FILE " + std::string(common_usage), {}, {}, 1);
    int status = exit_ok;
    const auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    const std::string& path = args->positional()[0];
    auto record = crypto::read_public_file(path, 4096);
    if (!record) return failure(record.error().message);
    auto station = open_kiosk(*args);
    if (!station) return failure(station.error().message);
    auto receipt = station.value()->submit_deauthorisation(std::move(record).value());
    if (!receipt) return failure(path + ": " + receipt.error().message);
    std::cout << "deauthorisation recorded: " << receipt.value().log << '#' << receipt.value().index
              << '\n';
    return exit_ok;
}

}  // namespace

int run_kiosk_command(Words words) {
    const std::string_view sub = words.empty() ? std::string_view() : std::string_view(words[0]);
    const Words rest = words.empty() ? words : words.subspan(1);
    if (sub == "vote") return run_vote(rest);
    if (sub == "polls") return run_polls(rest);
    if (sub == "finish") return run_finish(rest);
    if (sub == "deauthorise") return run_deauthorise(rest);
    std::ostream& out = (sub == "--help" || sub == "-h") ? std::cout : std::cerr;
    out << "usage: psephos kiosk vote --selections JSON [--challenge] OPTIONS\n"
           "       psephos kiosk polls open|close [--actor NAME] OPTIONS\n"
           "       psephos kiosk finish OPTIONS\n"
           "       psephos kiosk deauthorise FILE OPTIONS\n"
           "OPTIONS: "
        << common_usage
        << "\nThe networked kiosk without its screen (docs/cli.md §14): one voter or one poll "
           "worker's action per run.\n";
    return (sub == "--help" || sub == "-h") ? exit_ok : exit_usage;
}

}  // namespace psephos::app
