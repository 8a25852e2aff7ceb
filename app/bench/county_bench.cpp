// County benchmark (docs/benchmarks.md): N realistic ballots over every district (the ledger
// suite's workload) are encrypted untimed. Timed, wall clock: the station's Ledger::ingest of the
// ballots; then the county taking the same ballots from the station's log, district by district
// in parallel, one County::push per station checkpoint (each push re-validated by the county
// ledger's modules, written all or nothing, an election checkpoint published after it); then the
// same through CountyServer and a CountyPusher over loopback mutual TLS 1.3 (the pusher goes
// district by district, one push in flight): the catch-up of a station that was offline for its
// last `offline` ballots (the station ingests the ballots before and after in two parts, both
// timed; what it logged before going offline reaches that county untimed first). The
// registrations and openings reach each county untimed first. Every push must be accepted and every
// county root must end equal to the station's: anything else aborts the run.
#include "county_bench.hpp"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "psephos/county/county.hpp"
#include "psephos/county/county_server.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/station/county_pusher.hpp"
#include "workload.hpp"

namespace psephos::bench {
namespace {

std::unique_ptr<ledger::Ledger> fresh_ledger(const std::filesystem::path& directory,
                                             const election::ElectionContext& election,
                                             const Workload& w, unsigned threads) {
    ledger::LedgerOptions options;
    options.directory = directory;
    options.threads = threads;
    auto created =
        ledger::Ledger::create(options, election, w.approval, ledger::LedgerKey::generate());
    if (!created) throw std::runtime_error("creating a ledger: " + created.error().message);
    return std::move(created).value();
}

std::unique_ptr<county::County> open_county(ledger::Ledger& county_ledger,
                                            const ledger::Ledger& station,
                                            const crypto::Ed25519PublicKey& tls_key,
                                            const std::filesystem::path& state) {
    county::StationTrust trust{"station", tls_key, {}};
    for (const auto& status : station.district_statuses())
        trust.district_keys.emplace(status.name, status.verifier);
    county::CountyOptions options;
    options.stations = {trust};
    options.state_directory = state;
    auto opened = county::County::open(county_ledger, std::move(options));
    if (!opened) throw std::runtime_error("county: " + opened.error().message);
    return std::move(opened).value();
}

// Pushes the district's checkpoints of sizes in (from, up_to] one by one; returns the pushes.
std::size_t push_checkpoints(county::County& county, const ledger::Ledger& station,
                             const std::string& district, std::uint64_t up_to) {
    const auto notes = station.checkpoints(district).value();
    std::uint64_t held = county.held("station", district).value();
    std::size_t pushes = 0;
    for (const auto& [size, note] : notes) {
        if (size <= held || size > up_to) continue;
        std::vector<Bytes> records;
        for (std::uint64_t i = held; i < size; ++i)
            records.push_back(station.record(district, i).value());
        std::vector<Hash32> proof;
        if (held > 0) proof = station.prove_consistency(district, held, size).value();
        const auto answer = county.push("station", district, held, std::move(records), note, proof);
        if (answer.refusal)
            throw std::runtime_error("district " + district +
                                     ": push refused: " + answer.refusal->message);
        held = answer.held;
        ++pushes;
    }
    return pushes;
}

void require_equal_roots(const ledger::Ledger& county, const ledger::Ledger& station) {
    for (const auto& status : station.district_statuses())
        if (county.status(status.name).value().root != status.root)
            throw std::runtime_error("district " + status.name +
                                     ": the county's root is not the station's");
}

}  // namespace

int run_county_bench(const CountyBenchOptions& options, std::ostream& out) {
    if (options.ballots == 0) throw std::invalid_argument("the county benchmark needs ballots");
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    auto manifest = election::load_manifest_file(options.manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    auto ceremony = election::run_local_key_ceremony(std::move(manifest).value());
    if (!ceremony) throw std::runtime_error(ceremony.error().message);
    const election::ElectionContext& election = ceremony.value().election;
    const Workload w = prepare_workload(election, options.ballots, threads);
    const TemporaryDirectory directory("county");

    // The station: opening untimed, the ballots timed.
    auto station = fresh_ledger(directory.path() / "station", election, w, threads);
    require_all_accepted(station->ingest(w.opening, election::ActorRole::election_official),
                         "station opening");
    std::map<std::string, std::uint64_t> opened;
    for (const auto& status : station->district_statuses()) opened[status.name] = status.size;
    const std::size_t offline =
        options.offline ? std::min(options.offline, w.ballots.size()) : w.ballots.size();
    const auto first_offline =
        w.ballots.begin() + static_cast<std::ptrdiff_t>(w.ballots.size() - offline);
    std::map<std::string, std::uint64_t> before_offline = opened;
    auto start = std::chrono::steady_clock::now();
    if (first_offline != w.ballots.begin()) {
        require_all_accepted(station->ingest(std::vector<Bytes>(w.ballots.begin(), first_offline)),
                             "station ballots");
        for (const auto& status : station->district_statuses())
            before_offline[status.name] = status.size;
    }
    require_all_accepted(station->ingest(std::vector<Bytes>(first_offline, w.ballots.end())),
                         "station ballots");
    const double station_seconds = seconds_since(start);
    const auto districts = station->district_statuses();

    // The county, directly.
    const auto tls_key = crypto::Ed25519SigningKey::generate();
    auto county_ledger = fresh_ledger(directory.path() / "county", election, w, threads);
    auto county = open_county(*county_ledger, *station, tls_key.public_key(),
                              directory.path() / "county-state");
    for (const auto& d : districts) push_checkpoints(*county, *station, d.name, opened[d.name]);
    std::vector<std::size_t> pushes(districts.size());
    start = std::chrono::steady_clock::now();
    run_in_parallel(threads, districts.size(), [&](std::size_t d) {
        pushes[d] = push_checkpoints(*county, *station, districts[d].name, districts[d].size);
    });
    const double county_seconds = seconds_since(start);
    require_equal_roots(*county_ledger, *station);
    std::size_t push_count = 0;
    for (const std::size_t p : pushes) push_count += p;
    county.reset();
    county_ledger.reset();

    // The county over the network: CountyServer and the station's CountyPusher.
    auto station_identity = station::make_tls_identity(tls_key, "station").value();
    auto county_identity =
        station::make_tls_identity(crypto::Ed25519SigningKey::generate(), "county").value();
    auto network_ledger = fresh_ledger(directory.path() / "county-net", election, w, threads);
    auto network_county = open_county(*network_ledger, *station, tls_key.public_key(),
                                      directory.path() / "county-net-state");
    for (const auto& d : districts)
        push_checkpoints(*network_county, *station, d.name, before_offline[d.name]);
    county::CountyServerOptions server_options;
    server_options.threads = threads;
    auto server =
        county::CountyServer::start(*network_county, county_identity, server_options).value();
    std::vector<std::string> names;
    for (const auto& d : districts) names.push_back(d.name);
    station::CountyPusher pusher(*station, names, "station", station_identity,
                                 {"127.0.0.1", server->port(), county_identity.certificate_pem()});
    start = std::chrono::steady_clock::now();
    const auto problems = pusher.push_once();
    const double network_seconds = seconds_since(start);
    if (!problems.empty()) throw std::runtime_error("network push: " + problems.front());
    require_equal_roots(*network_ledger, *station);
    server.reset();

    const double n = static_cast<double>(w.ballots.size());
    const double station_per_s = n / station_seconds;
    const double county_per_s = n / county_seconds;
    const double network_per_s = static_cast<double>(offline) / network_seconds;
    if (options.json) {
        out << "{\"suite\":\"county\",\"ballots\":" << w.ballots.size()
            << ",\"districts\":" << districts.size() << ",\"threads\":" << threads
            << ",\"pushes\":" << push_count
            << ",\"station_ingest_per_s\":" << fixed(station_per_s, 2)
            << ",\"county_push_per_s\":" << fixed(county_per_s, 2)
            << ",\"county_network_per_s\":" << fixed(network_per_s, 2)
            << ",\"county_to_station_ratio\":" << fixed(county_per_s / station_per_s, 3)
            << ",\"network_to_station_ratio\":" << fixed(network_per_s / station_per_s, 3)
            << ",\"offline_ballots\":" << offline << ",\"catch_up_s\":" << fixed(network_seconds, 3)
            << "}\n";
        return 0;
    }
    auto row = [&](const std::string& what, double per_s, double seconds) {
        out << "  " << std::left << std::setw(34) << what << std::right << std::setw(8)
            << fixed(per_s, 1) << " ballots/s " << std::setw(8) << fixed(seconds, 2) << " s\n";
    };
    out << w.ballots.size() << " ballots over " << districts.size() << " districts, " << threads
        << " threads\n";
    row("station ingest", station_per_s, station_seconds);
    row("county push (" + std::to_string(push_count) + " pushes)", county_per_s, county_seconds);
    row("county over mutual TLS (pusher)", network_per_s, network_seconds);
    out << "  catch-up of a station offline for " << offline
        << " ballots: " << fixed(network_seconds, 3) << " s\n";
    out << "\n  county/station " << fixed(county_per_s / station_per_s, 3) << ", network/station "
        << fixed(network_per_s / station_per_s, 3) << " (issue 22's goal: >= 0.8)\n";
    return 0;
}

}  // namespace psephos::bench
