// Station benchmark (docs/benchmarks.md). Untimed: the election (a local key ceremony over the
// manifest), K kiosks registered in its first district and N ballots encrypted (ballot i by kiosk
// i mod K, each kiosk's ballots chained), the election file, the station's certificate and a
// fresh ledger per run (registrations, polls opened). Timed, in one run:
//   network     `psephos-station serve` started as a process on 127.0.0.1 (port 0, read from its
//               ready file); K client threads, each with its device's TLS certificate, connect
//               and say hello, then — all at once — submit their ballots in order, keeping up to
//               `window` in flight, and time each receipt (submit sent → receipt read).
//   in-process  the same ballots into another fresh ledger by Ledger::submit from K threads with
//               the same window (same durability: a receipt once the synced write holds it).
//   hostile     (--hostile) the network run again on a fresh ledger while bad peers attack the
//               station (station_hostile.hpp), one of them a kiosk the authority deauthorised in
//               that run's ledger; afterwards the station's event log and stderr must name each
//               kind of bad peer.
// Every ballot must get its receipt, and the station must count N cast ballots at the end: a
// benchmark that timed refusals would report a throughput nobody gets.
#include "station_bench.hpp"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iomanip>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos/station/station_process.hpp"
#include "psephos/station/station_tls.hpp"
#include "station_hostile.hpp"
#include "workload.hpp"

namespace psephos::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU seconds another process has used so far (user + system, from /proc).
double child_cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto end = text.rfind(')');
    if (end == std::string::npos) return 0;
    std::istringstream fields(text.substr(end + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // state … cmajflt (fields 3–13)
    double user = 0;
    double system = 0;
    fields >> user >> system;
    return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct RunFigures {
    double seconds = 0;
    double ballots_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
    double station_cores = 0;  // the station process's CPU over the wall time (network runs)
    double bench_cores = 0;    // this process's (clients; in-process: the ledger too)
};

RunFigures figures(const std::vector<double>& latencies_ms, std::size_t ballots, double seconds) {
    RunFigures f;
    f.seconds = seconds;
    f.ballots_per_s = static_cast<double>(ballots) / seconds;
    f.p50_ms = percentile(latencies_ms, 0.50);
    f.p99_ms = percentile(latencies_ms, 0.99);
    f.max_ms = percentile(latencies_ms, 1.0);
    return f;
}

// What every run shares: the files the station reads and the kiosks' identities.
struct Setup {
    Setup(const election::ElectionContext& e, const Workload& workload, std::size_t k,
          std::size_t window_size, unsigned station_threads, fs::path station_binary)
        : election(e),
          w(workload),
          kiosks(k),
          window(window_size),
          threads(station_threads),
          binary(std::move(station_binary)) {}
    const election::ElectionContext& election;
    const Workload& w;
    std::size_t kiosks = 0;  // honest ones: w.kiosks[0, kiosks)
    std::size_t window = 0;
    unsigned threads = 0;
    fs::path binary;
    TemporaryDirectory directory{"station"};
    fs::path manifest;
    fs::path certificate;
    fs::path certificate_key;
    std::string station_certificate_pem;
    std::string district_id;
    std::vector<station::TlsIdentity> identities;  // by kiosk
    int ledgers = 0;
};

// DIR/ledger with its key DIR/ledger.key, as `psephos ledger init` leaves it, with the
// registrations and the opening in it, then the authority's deauthorisation of `deauthorised`
// (a spare kiosk's position) if given.
fs::path make_data_directory(Setup& s, std::optional<std::size_t> deauthorised = std::nullopt) {
    const fs::path data = s.directory.path() / ("data-" + std::to_string(++s.ledgers));
    fs::create_directories(data);
    ledger::LedgerKey key = ledger::LedgerKey::generate();
    if (auto ok = crypto::write_signing_key_file(data / "ledger.key", key.master(), "ledger"); !ok)
        throw std::runtime_error(ok.error().message);
    ledger::LedgerOptions options;
    options.directory = data / "ledger";
    auto created = ledger::Ledger::create(options, s.election, s.w.approval, std::move(key));
    if (!created) throw std::runtime_error("creating a ledger: " + created.error().message);
    require_all_accepted(
        created.value()->ingest(s.w.opening, election::ActorRole::election_official),
        "registrations and polls opened");
    if (deauthorised) {
        require_all_accepted(
            created.value()->ingest({s.w.spare_deauthorisations.at(*deauthorised - s.kiosks)},
                                    election::ActorRole::election_official),
            "the spare kiosk's deauthorisation");
    }
    return data;
}

std::unique_ptr<station::StationProcess> start_station(const Setup& s, const fs::path& data,
                                                       const std::string& run) {
    station::StationLaunch launch;
    launch.binary = s.binary;
    launch.election = s.manifest;
    launch.data = data;
    launch.district_id = s.district_id;
    launch.certificate = s.certificate;
    launch.certificate_key = s.certificate_key;
    launch.ready_file = s.directory.path() / ("ready-" + run);
    launch.station_id = "bench-" + run;
    launch.threads = s.threads;
    launch.output = s.directory.path() / ("station-" + run + ".log");
    auto started = station::StationProcess::spawn(launch);
    if (!started) throw std::runtime_error(started.error().message);
    return std::move(started).value();
}

std::string describe(const Result<station::Message>& answer) {
    if (!answer) return answer.error().message;
    if (const auto* e = std::get_if<station::ErrorReply>(&answer.value()))
        return "error " + std::to_string(static_cast<int>(e->code)) + ": " + e->text;
    return std::string(station::to_string(station::type_of(answer.value())));
}

// One kiosk's session: connect, hello, wait for the others, then its ballots through the window.
void cast_from_kiosk(const Setup& s, const station::StationProcess& station, std::size_t k,
                     std::latch& ready, std::vector<double>& latencies_ms) {
    const Kiosk& kiosk = s.w.kiosks[k];
    station::StationClientOptions o;
    o.host = station.host();
    o.port = station.port();
    o.station_certificate_pem = s.station_certificate_pem;
    o.identity = &s.identities[k];
    o.timeout = 60s;
    auto connected = station::StationClient::connect(o);
    if (!connected) {
        ready.count_down();
        throw std::runtime_error(kiosk.device_id + ": " + connected.error().message);
    }
    auto& client = *connected.value();
    auto welcome = client.request(station::Hello{1, s.election.base_hash, kiosk.device_id});
    ready.arrive_and_wait();
    if (!welcome || !std::holds_alternative<station::Welcome>(welcome.value()))
        throw std::runtime_error(kiosk.device_id + ": hello: " + describe(welcome));
    std::map<std::uint32_t, Clock::time_point> sent;
    std::size_t next = 0;
    std::uint32_t id = 100;
    while (next < kiosk.ballots.size() || !sent.empty()) {
        while (next < kiosk.ballots.size() && sent.size() < s.window) {
            sent[++id] = Clock::now();
            if (auto ok = client.send(station::Submit{id, s.w.ballots[kiosk.ballots[next++]]}); !ok)
                throw std::runtime_error(kiosk.device_id + ": " + ok.error().message);
        }
        auto answer = client.receive();
        const auto now = Clock::now();
        if (!answer || !std::holds_alternative<station::Receipt>(answer.value()))
            throw std::runtime_error(kiosk.device_id +
                                     ": a ballot got no receipt: " + describe(answer));
        const auto it = sent.find(station::request_id_of(answer.value()));
        if (it == sent.end()) throw std::runtime_error(kiosk.device_id + ": an unasked answer");
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        sent.erase(it);
    }
}

// The station's count of cast ballots, asked by kiosk 0.
std::uint64_t ballots_cast(const Setup& s, const station::StationProcess& station) {
    station::StationClientOptions o;
    o.host = station.host();
    o.port = station.port();
    o.station_certificate_pem = s.station_certificate_pem;
    o.identity = &s.identities[0];
    auto client = station::StationClient::connect(o);
    if (!client) throw std::runtime_error("status: " + client.error().message);
    (void)client.value()->request(station::Hello{1, s.election.base_hash, s.w.kiosks[0].device_id});
    auto answer = client.value()->request(station::StatusRequest{2});
    const auto* report = answer ? std::get_if<station::StatusReport>(&answer.value()) : nullptr;
    if (report == nullptr) throw std::runtime_error("status: " + describe(answer));
    return report->ballots_cast;
}

struct NetworkRun {
    RunFigures figures;
    fs::path data;
    fs::path station_output;
    std::map<std::string, PeerTally> tallies;  // the bad peers', in a hostile run
};

NetworkRun run_network(Setup& s, const std::string& run, std::optional<HostileTarget> attack) {
    NetworkRun result;
    result.data =
        make_data_directory(s, attack ? std::optional<std::size_t>(s.kiosks + 1) : std::nullopt);
    result.station_output = s.directory.path() / ("station-" + run + ".log");
    auto station = start_station(s, result.data, run);
    std::optional<HostilePeers> peers;
    if (attack) {
        attack->host = station->host();
        attack->port = station->port();
        peers.emplace(*attack);
        peers->start();
        std::this_thread::sleep_for(1s);  // the attack under way before the honest kiosks cast
    }
    std::vector<std::vector<double>> latencies(s.kiosks);
    std::latch ready(static_cast<std::ptrdiff_t>(s.kiosks + 1));
    std::mutex error_mutex;
    std::string first_error;
    double station_cpu = 0;
    double bench_cpu = 0;
    Clock::time_point start;
    {
        std::vector<std::jthread> kiosks;
        for (std::size_t k = 0; k < s.kiosks; ++k) {
            kiosks.emplace_back([&, k] {
                try {
                    cast_from_kiosk(s, *station, k, ready, latencies[k]);
                } catch (const std::exception& e) {
                    std::lock_guard lock(error_mutex);
                    if (first_error.empty()) first_error = e.what();
                }
            });
        }
        ready.arrive_and_wait();
        start = Clock::now();
        station_cpu = child_cpu_seconds(station->pid());
        bench_cpu = process_cpu_seconds();
    }
    const double seconds = seconds_since(start);
    station_cpu = child_cpu_seconds(station->pid()) - station_cpu;
    bench_cpu = process_cpu_seconds() - bench_cpu;
    if (peers) peers->stop();
    if (!first_error.empty()) throw std::runtime_error(run + " run: " + first_error);
    const std::uint64_t cast = ballots_cast(s, *station);
    // The flood's one ballot is cast once.
    const std::uint64_t expected = s.w.ballots.size() + (attack ? 1 : 0);
    if (cast != expected) {
        throw std::runtime_error(run + " run: the station counts " + std::to_string(cast) +
                                 " cast ballots, not " + std::to_string(expected));
    }
    if (auto stopped = station->stop(); !stopped || stopped.value() != 0) {
        throw std::runtime_error(
            run + " run: the station did not stop cleanly on SIGTERM: " +
            (stopped ? "exit status " + std::to_string(stopped.value()) : stopped.error().message));
    }
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    result.figures = figures(all, s.w.ballots.size(), seconds);
    result.figures.station_cores = station_cpu / seconds;
    result.figures.bench_cores = bench_cpu / seconds;
    if (peers) result.tallies = peers->tallies();
    return result;
}

RunFigures run_in_process(Setup& s) {
    const fs::path data = make_data_directory(s);
    auto key = ledger::LedgerKey::read_file(data / "ledger.key");
    if (!key) throw std::runtime_error(key.error().message);
    ledger::LedgerOptions options;
    options.directory = data / "ledger";
    auto opened = ledger::Ledger::open(options, std::move(key).value());
    if (!opened) throw std::runtime_error(opened.error().message);
    ledger::Ledger& ledger = *opened.value();
    std::vector<std::vector<double>> latencies(s.kiosks);
    std::latch ready(static_cast<std::ptrdiff_t>(s.kiosks + 1));
    std::atomic<std::size_t> rejected{0};
    Clock::time_point start;
    double cpu = 0;
    {
        std::vector<std::jthread> kiosks;
        for (std::size_t k = 0; k < s.kiosks; ++k) {
            kiosks.emplace_back([&, k] {
                const Kiosk& kiosk = s.w.kiosks[k];
                std::deque<std::pair<Clock::time_point, std::future<Result<ledger::Receipt>>>>
                    waiting;
                auto settle_one = [&] {
                    auto receipt = waiting.front().second.get();
                    latencies[k].push_back(std::chrono::duration<double, std::milli>(
                                               Clock::now() - waiting.front().first)
                                               .count());
                    if (!receipt) ++rejected;
                    waiting.pop_front();
                };
                ready.arrive_and_wait();
                for (const std::size_t i : kiosk.ballots) {
                    if (waiting.size() == s.window) settle_one();
                    waiting.emplace_back(Clock::now(), ledger.submit(s.w.ballots[i]));
                }
                while (!waiting.empty()) settle_one();
            });
        }
        ready.arrive_and_wait();
        start = Clock::now();
        cpu = process_cpu_seconds();
    }
    const double seconds = seconds_since(start);
    cpu = process_cpu_seconds() - cpu;
    if (rejected > 0)
        throw std::runtime_error("in-process run: " + std::to_string(rejected.load()) +
                                 " ballots were rejected");
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    RunFigures f = figures(all, s.w.ballots.size(), seconds);
    f.bench_cores = cpu / seconds;
    return f;
}

// How many entries of the station's event log (opened read-only after the run) and lines of its
// standard error name `reason`.
struct Logged {
    std::uint64_t event_log = 0;
    std::uint64_t stderr_lines = 0;
};

std::map<std::string, Logged> count_refusals(const NetworkRun& run,
                                             const std::map<std::string, PeerTally>& tallies) {
    std::map<std::string, Logged> out;
    ledger::LedgerOptions options;
    options.directory = run.data / "ledger";
    auto opened = ledger::Ledger::open(options, std::nullopt);
    if (!opened) throw std::runtime_error("reading the event log: " + opened.error().message);
    const ledger::Ledger& ledger = *opened.value();
    const auto events = ledger.status(ledger::event_log_name);
    if (!events) throw std::runtime_error(events.error().message);
    std::vector<std::string> subjects;
    for (std::uint64_t e = 0; e < events.value().size; ++e) {
        auto record = ledger.record(ledger::event_log_name, e);
        if (!record)
            throw std::runtime_error("event " + std::to_string(e) + ": " + record.error().message);
        auto event = election::decode_ledger_event(record.value());
        if (event && event.value().type == election::EventType::error)
            subjects.push_back(event.value().subject);
    }
    std::ifstream in(run.station_output);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (const auto& [kind, tally] : tallies) {
        Logged& l = out[kind];
        for (const auto& subject : subjects)
            if (subject.find(tally.reason) != std::string::npos) ++l.event_log;
        for (const auto& line : lines)
            if (line.find(tally.reason) != std::string::npos) ++l.stderr_lines;
    }
    return out;
}

void print_run_json(std::ostream& out, const std::string& prefix, const RunFigures& f) {
    out << ",\"" << prefix << "ballots_per_s\":" << fixed(f.ballots_per_s, 2) << ",\"" << prefix
        << "p50_ms\":" << fixed(f.p50_ms, 1) << ",\"" << prefix << "p99_ms\":" << fixed(f.p99_ms, 1)
        << ",\"" << prefix << "max_ms\":" << fixed(f.max_ms, 1);
}

void print_run_row(std::ostream& out, const std::string& what, const RunFigures& f, bool network) {
    out << "  " << std::left << std::setw(22) << what << std::right << std::setw(8)
        << fixed(f.ballots_per_s, 1) << " ballots/s   p50 " << std::setw(7) << fixed(f.p50_ms, 1)
        << " ms   p99 " << std::setw(7) << fixed(f.p99_ms, 1) << " ms   max " << std::setw(7)
        << fixed(f.max_ms, 1) << " ms   cores: ";
    if (network)
        out << "station " << fixed(f.station_cores, 2) << ", clients " << fixed(f.bench_cores, 2);
    else
        out << fixed(f.bench_cores, 2);
    out << '\n';
}

void print_peers_json(std::ostream& out, const std::map<std::string, PeerTally>& tallies,
                      std::map<std::string, Logged>& logged) {
    out << ",\"peers\":{";
    bool first = true;
    for (const auto& [kind, tally] : tallies) {
        out << (first ? "" : ",") << '"' << kind << "\":{\"attempts\":" << tally.attempts
            << ",\"refused\":" << tally.refused << ",\"served\":" << tally.not_refused;
        if (kind == "flood") out << ",\"rate_limited\":" << tally.rate_limited;
        out << ",\"event_log\":" << logged[kind].event_log
            << ",\"stderr\":" << logged[kind].stderr_lines << '}';
        first = false;
    }
    out << '}';
}

void print_peers_table(std::ostream& out, const std::map<std::string, PeerTally>& tallies,
                       std::map<std::string, Logged>& logged) {
    for (const auto& [kind, tally] : tallies) {
        out << "    " << std::left << std::setw(26) << kind << std::right << std::setw(6)
            << tally.attempts << " tried, " << std::setw(6) << tally.refused
            << " refused or closed, " << tally.not_refused << " served; logged "
            << logged[kind].event_log << " times, " << logged[kind].stderr_lines
            << " stderr lines (\"" << tally.reason << "\")\n";
    }
}

// The finalized manifest, the station's certificate and key, the kiosks' TLS identities.
void write_station_files(Setup& s) {
    const election::ElectionContext& election = s.election;
    const Workload& w = s.w;
    s.manifest = s.directory.path() / "election.json";
    if (auto ok =
            crypto::write_new_file(s.manifest, election::manifest_to_json(election.manifest), 0644);
        !ok)
        throw std::runtime_error(ok.error().message);
    {
        auto station_identity =
            station::make_tls_identity(crypto::Ed25519SigningKey::generate(), "bench-station");
        if (!station_identity) throw std::runtime_error(station_identity.error().message);
        s.station_certificate_pem = station_identity.value().certificate_pem();
        s.certificate = s.directory.path() / "station.pem";
        s.certificate_key = s.directory.path() / "station.key";
        if (auto ok = crypto::write_new_file(s.certificate, s.station_certificate_pem, 0644); !ok)
            throw std::runtime_error(ok.error().message);
        if (auto ok = crypto::write_new_file(s.certificate_key,
                                             station_identity.value().private_key_pem(), 0600);
            !ok)
            throw std::runtime_error(ok.error().message);
    }
    for (const Kiosk& k : w.kiosks) {
        auto identity = station::make_tls_identity(*k.key, k.device_id);
        if (!identity) throw std::runtime_error(identity.error().message);
        s.identities.push_back(std::move(identity).value());
    }
}

// The first ballot of a spare kiosk, chained to its initial tracking code.
Bytes first_ballot_of(const Setup& s, const Kiosk& spare) {
    const election::ElectionContext& election = s.election;
    const election::BallotStyle* style = election.manifest.ballot_style_of_district(s.district_id);
    const election::BallotRequest request{
        spare.device_id + "-b0", spare.device_id, s.district_id, ballot_time,
        election::initial_tracking_code(election.base_hash, spare.device_id)};
    auto ballot = election::encrypt_ballot(
        election, request, varied_full_vote(election.manifest, *style, 0), *spare.key);
    if (!ballot) throw std::runtime_error(ballot.error().message);
    return election::encode_ballot(ballot.value().ballot);
}

// The bad peers' target: a stranger's certificate, the first spare kiosk (w.kiosks[kiosks]) with
// one ballot of its own for the flood, and the second, deauthorised in the hostile run's ledger
// (make_data_directory), with one of its own it tries to cast.
HostileTarget make_attack(const Setup& s, std::optional<station::TlsIdentity>& stranger) {
    auto made = station::make_tls_identity(crypto::Ed25519SigningKey::generate(), "stranger");
    if (!made) throw std::runtime_error(made.error().message);
    stranger.emplace(std::move(made).value());
    const Kiosk& spare = s.w.kiosks.at(s.kiosks);
    const Kiosk& deauthorised = s.w.kiosks.at(s.kiosks + 1);
    HostileTarget target;
    target.station_certificate_pem = s.station_certificate_pem;
    target.base_hash = s.election.base_hash;
    target.stranger = &*stranger;
    target.device = &s.identities.at(s.kiosks);
    target.device_id = spare.device_id;
    target.flood_record = first_ballot_of(s, spare);
    target.deauthorised = &s.identities.at(s.kiosks + 1);
    target.deauthorised_id = deauthorised.device_id;
    target.deauthorised_record = first_ballot_of(s, deauthorised);
    return target;
}

}  // namespace

int run_station_bench(const StationBenchOptions& options, std::ostream& out) {
    if (options.station_binary.empty())
        throw std::invalid_argument("the station benchmark needs --station-binary PATH");
    if (options.kiosks == 0 || options.ballots < options.kiosks || options.window == 0)
        throw std::invalid_argument(
            "the station benchmark needs at least one kiosk, a ballot per kiosk and a window");
    auto manifest = election::load_manifest_file(options.manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    auto ceremony = election::run_local_key_ceremony(std::move(manifest).value());
    if (!ceremony) throw std::runtime_error(ceremony.error().message);
    const election::ElectionContext& election = ceremony.value().election;

    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const auto prepare_start = Clock::now();
    // Two spare kiosks for the hostile run, each with one ballot of its own: one for the
    // device-level bad peers, one the authority deauthorised.
    const Workload w = prepare_district_workload(
        election, 0, options.kiosks, options.hostile ? 2 : 0, options.ballots, hardware);
    Setup s(election, w, options.kiosks, options.window, options.threads, options.station_binary);
    s.district_id = election.manifest.districts.at(0).id;
    write_station_files(s);
    std::optional<station::TlsIdentity> stranger;
    std::optional<HostileTarget> attack;
    if (options.hostile) attack = make_attack(s, stranger);
    const double prepare_seconds = seconds_since(prepare_start);

    const NetworkRun network = run_network(s, "clean", std::nullopt);
    const RunFigures local = run_in_process(s);
    std::optional<NetworkRun> hostile;
    std::map<std::string, Logged> logged;
    bool all_refused = true;
    if (attack) {
        hostile = run_network(s, "hostile", attack);
        logged = count_refusals(*hostile, hostile->tallies);
        for (const auto& [kind, tally] : hostile->tallies) {
            const bool ok = tally.attempts > 0 && tally.refused > 0 &&
                            tally.not_refused <= (kind == "flood" ? 1u : 0u) &&
                            logged[kind].event_log > 0 && logged[kind].stderr_lines > 0;
            all_refused = all_refused && ok;
        }
    }
    const double ratio = network.figures.ballots_per_s / local.ballots_per_s;
    if (options.json) {
        out << "{\"suite\":\"station\",\"kiosks\":" << options.kiosks
            << ",\"ballots\":" << w.ballots.size() << ",\"threads\":" << options.threads
            << ",\"window\":" << options.window << ",\"cores\":" << hardware;
        print_run_json(out, "", network.figures);
        out << ",\"station_cores\":" << fixed(network.figures.station_cores, 2)
            << ",\"client_cores\":" << fixed(network.figures.bench_cores, 2);
        print_run_json(out, "in_process_", local);
        out << ",\"ratio\":" << fixed(ratio, 3);
        if (hostile) {
            print_run_json(out, "hostile_", hostile->figures);
            out << ",\"hostile_p99_ratio\":"
                << fixed(hostile->figures.p99_ms / network.figures.p99_ms, 3);
            print_peers_json(out, hostile->tallies, logged);
            out << ",\"all_refused\":" << (all_refused ? "true" : "false");
        }
        out << "}\n";
        return all_refused ? 0 : 1;
    }
    out << w.ballots.size() << " ballots from " << options.kiosks << " kiosks of district "
        << s.district_id << ", window " << options.window << ", station threads "
        << (options.threads ? std::to_string(options.threads) : "default") << " (prepared in "
        << fixed(prepare_seconds, 1) << " s, not timed; " << hardware
        << " cores, shared by the station, its clients and the neighbours)\n";
    print_run_row(out, "network (station)", network.figures, true);
    print_run_row(out, "in-process submit", local, false);
    out << "  network / in-process " << fixed(ratio, 3) << " (target >= 0.8 on 2 cores), p99 "
        << fixed(network.figures.p99_ms, 1) << " ms (target < 1000 ms at 30 kiosks)\n";
    if (hostile) {
        print_run_row(out, "network, under attack", hostile->figures, true);
        out << "  honest p99 under attack / clean "
            << fixed(hostile->figures.p99_ms / network.figures.p99_ms, 2) << " (target <= 2)\n";
        print_peers_table(out, hostile->tallies, logged);
        out << "  every bad peer refused and logged: " << (all_refused ? "yes" : "NO") << '\n';
    }
    return all_refused ? 0 : 1;
}

}  // namespace psephos::bench
