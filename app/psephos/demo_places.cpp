#include "demo_places.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>

#include "county_export.hpp"
#include "psephos/county/county.hpp"
#include "psephos/county/county_config.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/station/station_tls.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "serve_support.hpp"

extern char** environ;

namespace psephos::app {

namespace fs = std::filesystem;

namespace {

// Runs `binary arguments…` to its end, its standard output into `output`; its exit status.
Result<int> run_to_file(const fs::path& binary, std::vector<std::string> arguments,
                        const fs::path& output) {
    std::vector<std::string> words{binary.string()};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return make_error(ErrorCode::io_error,
                          "starting " + binary.string() + ": " + std::strerror(spawned));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return make_error(ErrorCode::io_error, "waiting for " + words[0]);
    }
    if (!WIFEXITED(status))
        return make_error(ErrorCode::io_error, binary.string() + " ended by a signal");
    return WEXITSTATUS(status);
}

std::string text_of(const Bytes& bytes) { return {bytes.begin(), bytes.end()}; }

ledger::LedgerOptions options_of(const fs::path& data, unsigned threads) {
    ledger::LedgerOptions o;
    o.directory = data / "ledger";
    o.threads = threads;
    return o;
}

crypto::Ed25519SigningKey copy_of(const crypto::Ed25519SigningKey& key) {
    return crypto::Ed25519SigningKey::from_seed(key.seed()).value();
}

// A note kept at `path` that starts with `checkpoint` and carries `key`'s valid cosignature.
bool cosigned(const fs::path& path, const std::string& checkpoint, const crypto::CosignerKey& key) {
    if (checkpoint.empty() || !fs::exists(path)) return false;
    const auto bytes = crypto::read_public_file(path, 64 * 1024);
    if (!bytes) return false;
    const std::string note = text_of(bytes.value());
    return note.rfind(checkpoint, 0) == 0 && crypto::open_cosigned_note(note, key).ok();
}

}  // namespace

Result<std::unique_ptr<DemoCounty>> DemoCounty::create(const election::ElectionContext& election,
                                                       const election::ElectionApproval& approval,
                                                       const ledger::LedgerKey& county_key,
                                                       DemoPlacesSetup setup) {
    const auto& districts = election.manifest.districts;
    const std::size_t n = setup.places;
    if (n < 2 || n > districts.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "--places " + std::to_string(n) + ": between 2 and the election's " +
                              std::to_string(districts.size()) + " districts");
    }
    if (setup.registrations.size() != districts.size() || setup.openings.size() != districts.size())
        return make_error(ErrorCode::invalid_argument, "the demo's records: not one per district");
    auto county = std::unique_ptr<DemoCounty>(new DemoCounty(election, std::move(setup)));
    const DemoPlacesSetup& s = county->setup_;
    PSEPHOS_TRY_ASSIGN(const fs::path keygen, demo_binary("psephos-witness"));
    PSEPHOS_TRY(crypto::replace_file(county->file("election.json"),
                                     election::manifest_to_json(election.manifest), 0644));

    // The stations: districts split in contiguous runs, each station its own ledger and key.
    std::string stations_file, logs_file;
    county->station_of_district_.resize(districts.size());
    for (std::size_t i = 0; i < n; ++i) {
        Place place{"station-" + std::to_string(i + 1),
                    {},
                    s.data / ("station-" + std::to_string(i + 1)),
                    crypto::Ed25519SigningKey::generate(),
                    nullptr};
        for (std::size_t d = i * districts.size() / n; d < (i + 1) * districts.size() / n; ++d) {
            place.districts.push_back(d);
            county->station_of_district_[d] = i;
        }
        fs::create_directories(place.data);
        PSEPHOS_TRY(
            crypto::write_signing_key_file(place.data / "ledger.key", place.ledger_key, "ledger"));
        PSEPHOS_TRY_ASSIGN(auto ledger, ledger::Ledger::create(
                                            options_of(place.data, s.threads), election, approval,
                                            ledger::LedgerKey(copy_of(place.ledger_key))));
        if (i == 0) {
            county->rogue_refused_ =
                !ledger->submit(s.rogue_registration, election::ActorRole::election_official).get();
        }
        std::vector<Bytes> registrations, openings;
        for (const std::size_t d : place.districts) {
            registrations.insert(registrations.end(), s.registrations[d].begin(),
                                 s.registrations[d].end());
            openings.push_back(s.openings[d]);
        }
        for (const auto& r :
             ledger->ingest(std::move(registrations), election::ActorRole::election_official))
            if (!r) return r.error().within(place.id);
        for (const auto& r : ledger->ingest(std::move(openings), election::ActorRole::poll_worker))
            if (!r) return r.error().within(place.id);
        // Its certificate (DemoStation takes it from there) and its lines of the stations file.
        PSEPHOS_TRY_ASSIGN(
            const station::TlsIdentity identity,
            station::make_tls_identity(crypto::Ed25519SigningKey::generate(), place.id));
        PSEPHOS_TRY(
            crypto::replace_file(place.data / "station.pem", identity.certificate_pem(), 0644));
        PSEPHOS_TRY(
            crypto::replace_file(place.data / "station.key", identity.private_key_pem(), 0600));
        stations_file += "station " + place.id + " " + (place.data / "station.pem").string() + "\n";
        for (const std::size_t d : place.districts) {
            PSEPHOS_TRY_ASSIGN(const auto status, ledger->status(districts[d].id));
            const std::string key = status.verifier.to_text();
            stations_file += "district " + districts[d].id + " " + key + "\n";
            logs_file += key + "\n";
        }
        county->places_.push_back(std::move(place));
    }
    PSEPHOS_TRY(crypto::replace_file(county->file("stations"), stations_file, 0644));

    // The county: a ledger of the same election with a key of its own, and its certificate.
    const fs::path county_data = county->county_data();
    fs::create_directories(county_data);
    PSEPHOS_TRY(
        crypto::write_signing_key_file(county_data / "ledger.key", county_key.master(), "ledger"));
    {
        PSEPHOS_TRY_ASSIGN(auto ledger, ledger::Ledger::create(
                                            options_of(county_data, s.threads), election, approval,
                                            ledger::LedgerKey(copy_of(county_key.master()))));
        PSEPHOS_TRY_ASSIGN(const auto status, ledger->status(ledger::election_log_name));
        logs_file += status.verifier.to_text() + "\n";
    }
    PSEPHOS_TRY_ASSIGN(const station::TlsIdentity identity,
                       station::make_tls_identity(crypto::Ed25519SigningKey::generate(), "county"));
    PSEPHOS_TRY(crypto::replace_file(county_data / "county.pem", identity.certificate_pem(), 0644));
    PSEPHOS_TRY(crypto::replace_file(county_data / "county.key", identity.private_key_pem(), 0600));

    // The witnesses: keys from psephos-witness keygen; they know every station's district log
    // key and the county's election log key.
    PSEPHOS_TRY(crypto::replace_file(county->file("witness-logs"), logs_file, 0644));
    for (std::size_t w = 1; w <= witness_count; ++w) {
        const std::string name = "demo.witness/w" + std::to_string(w);
        const fs::path vkey = county->file("w" + std::to_string(w) + ".vkey");
        PSEPHOS_TRY_ASSIGN(
            const int status,
            run_to_file(keygen,
                        {"keygen", "--key", county->file("w" + std::to_string(w) + ".key").string(),
                         "--name", name},
                        vkey));
        if (status != 0) {
            return make_error(ErrorCode::io_error, "psephos-witness keygen exited with status " +
                                                       std::to_string(status));
        }
        PSEPHOS_TRY_ASSIGN(const Bytes printed, crypto::read_public_file(vkey, 4096));
        std::string line = text_of(printed);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        PSEPHOS_TRY_ASSIGN(auto key, crypto::CosignerKey::parse(line));
        county->witness_keys_.push_back(std::move(key));
    }
    // The verifier's trust in them (docs/witness.md §9): both must have cosigned.
    std::string policy = "quorum " + std::to_string(witness_count) + "\n";
    for (const auto& key : county->witness_keys_) policy += "witness " + key.to_text() + "\n";
    PSEPHOS_TRY(crypto::replace_file(county->file("witness-policy"), policy, 0644));
    return county;
}

DemoCounty::~DemoCounty() {
    // Whatever still runs is killed (StationProcess's destructor): stations first, then the
    // county and the witnesses.
    for (auto& place : places_) place.process.reset();
    county_.reset();
    witnesses_.clear();
}

Status DemoCounty::start(std::ostream& out) {
    PSEPHOS_TRY_ASSIGN(const fs::path witness_binary, demo_binary("psephos-witness"));
    PSEPHOS_TRY_ASSIGN(const fs::path county_binary, demo_binary("psephos-county"));
    std::string witnesses_file;
    for (std::size_t w = 0; w < witness_keys_.size(); ++w) {
        const std::string tag = "w" + std::to_string(w + 1);
        station::ServerLaunch launch;
        launch.binary = witness_binary;
        launch.ready_file = file(tag + ".ready");
        launch.output = file(tag + ".log");
        launch.arguments = {"serve",
                            "--key",
                            file(tag + ".key").string(),
                            "--name",
                            witness_keys_[w].name,
                            "--state",
                            file(tag + "-state").string(),
                            "--logs",
                            file("witness-logs").string(),
                            "--listen",
                            "127.0.0.1:0",
                            "--ready-file",
                            launch.ready_file.string()};
        PSEPHOS_TRY_ASSIGN(auto process, station::StationProcess::spawn(launch));
        witnesses_file += process->host() + ":" + std::to_string(process->port()) + " " +
                          witness_keys_[w].to_text() + "\n";
        out << "  witness " << witness_keys_[w].name << " on " << process->host() << ":"
            << process->port() << "\n";
        witnesses_.push_back(std::move(process));
    }
    PSEPHOS_TRY(crypto::replace_file(file("witnesses"), witnesses_file, 0644));

    const fs::path county_data = this->county_data();
    station::ServerLaunch launch;
    launch.binary = county_binary;
    launch.ready_file = county_data / "county.ready";
    launch.output = county_data / "county.log";
    launch.arguments = {"serve",
                        "--election",
                        file("election.json").string(),
                        "--data",
                        county_data.string(),
                        "--stations",
                        file("stations").string(),
                        "--listen",
                        "127.0.0.1:0",
                        "--certificate",
                        (county_data / "county.pem").string(),
                        "--certificate-key",
                        (county_data / "county.key").string(),
                        "--ready-file",
                        launch.ready_file.string(),
                        "--witnesses",
                        file("witnesses").string()};
    PSEPHOS_TRY_ASSIGN(county_, station::StationProcess::spawn(launch));
    const std::string county_address = county_->host() + ":" + std::to_string(county_->port());
    out << "  county on " << county_address << ", pinning " << places_.size() << " stations\n";

    for (Place& place : places_) {
        DemoStationPlan plan;
        plan.station_id = place.id;
        for (const std::size_t d : place.districts)
            plan.districts.push_back(election_.manifest.districts[d].id);
        plan.extra_arguments = {"--county",
                                county_address,
                                "--county-certificate",
                                (county_data / "county.pem").string(),
                                "--witnesses",
                                file("witnesses").string()};
        PSEPHOS_TRY_ASSIGN(place.process,
                           DemoStation::start(place.data, election_, place.ledger_key, plan));
        out << "  " << place.id << " serving " << place.districts.size() << " districts ("
            << plan.districts.front() << " … " << plan.districts.back() << ") on "
            << place.process->address() << "\n";
    }
    return {};
}

std::size_t DemoCounty::station_of(std::size_t district) const {
    return station_of_district_.at(district);
}

Result<std::unique_ptr<DemoKioskLink>> DemoCounty::kiosk(
    std::size_t district, const crypto::Ed25519SigningKey& device_key,
    const std::string& device_id) const {
    const Place& place = places_.at(station_of(district));
    if (!place.process) return make_error(ErrorCode::io_error, place.id + " is not running");
    return place.process->kiosk(device_key, device_id);
}

Result<std::unique_ptr<DemoKioskProcess>> DemoCounty::kiosk_process(
    std::size_t district, const crypto::Ed25519SigningKey& device_key,
    const std::string& device_id) const {
    const Place& place = places_.at(station_of(district));
    if (!place.process) return make_error(ErrorCode::io_error, place.id + " is not running");
    PSEPHOS_TRY_ASSIGN(const fs::path binary, demo_binary("psephos"));
    const fs::path dir = file("kiosks");
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path key = dir / (device_id + ".key");
    PSEPHOS_TRY(crypto::write_signing_key_file(key, device_key, device_id));
    auto kiosk = std::make_unique<DemoKioskProcess>();
    kiosk->binary_ = binary;
    kiosk->output_ = dir / (device_id + ".out");
    kiosk->options_ = {"--election",
                       file("election.json").string(),
                       "--district",
                       election_.manifest.districts.at(district).id,
                       "--data",
                       (dir / device_id).string(),
                       "--device-key",
                       key.string(),
                       "--device-id",
                       device_id,
                       "--station",
                       place.process->address(),
                       "--station-certificate",
                       (place.data / "station.pem").string()};
    return kiosk;
}

Result<std::string> DemoKioskProcess::run(std::vector<std::string> command) const {
    command.insert(command.begin(), "kiosk");
    const std::string what = "psephos " + command.at(0) + " " + command.at(1);
    command.insert(command.end(), options_.begin(), options_.end());
    PSEPHOS_TRY_ASSIGN(const int status, run_to_file(binary_, command, output_));
    PSEPHOS_TRY_ASSIGN(const Bytes printed, crypto::read_public_file(output_, 1024 * 1024));
    if (status != 0) {
        return make_error(ErrorCode::refused, what + " exited with status " +
                                                  std::to_string(status) + ": " + text_of(printed));
    }
    return text_of(printed);
}

Result<DemoKioskProcess::Recorded> DemoKioskProcess::vote(const election::BallotMarks& marks,
                                                          bool challenge) const {
    boost::json::object selections;
    for (const auto& [contest, options] : marks) {
        boost::json::array marked;
        for (const auto& option : options) marked.emplace_back(option);
        selections[contest] = std::move(marked);
    }
    std::vector<std::string> command{"vote", "--selections", boost::json::serialize(selections)};
    if (challenge) command.emplace_back("--challenge");
    PSEPHOS_TRY_ASSIGN(const std::string printed, run(std::move(command)));
    // "cast: CODE at LOG#INDEX" or "challenged: CODE at LOG#INDEX (not counted)".
    const std::string lead = challenge ? "challenged: " : "cast: ";
    const auto line = printed.find(lead);
    const auto at = printed.find(" at ", line);
    const auto hash = printed.find('#', at);
    if (line == std::string::npos || at == std::string::npos || hash == std::string::npos)
        return make_error(ErrorCode::invalid_encoding, "psephos kiosk vote printed: " + printed);
    Recorded recorded;
    recorded.tracking_code = printed.substr(line + lead.size(), at - line - lead.size());
    recorded.log = printed.substr(at + 4, hash - at - 4);
    recorded.index = std::strtoull(printed.c_str() + hash + 1, nullptr, 10);
    return recorded;
}

Status DemoKioskProcess::finish() const {
    PSEPHOS_TRY(run({"finish"}));
    return {};
}

Status DemoKioskProcess::close_polls(const std::string& actor) const {
    std::vector<std::string> command{"polls", "close", "--actor", actor};
    PSEPHOS_TRY(run(std::move(command)));
    return {};
}

Status DemoCounty::stop_stations() {
    for (Place& place : places_) {
        if (!place.process) continue;
        const Status stopped = place.process->stop();
        place.process.reset();
        if (!stopped) return stopped.error().within(place.id);
    }
    return {};
}

Status DemoCounty::stop_county() {
    if (!county_) return make_error(ErrorCode::io_error, "the county is not running");
    PSEPHOS_TRY_ASSIGN(const int status, county_->stop());
    county_.reset();
    if (status != 0) {
        return make_error(ErrorCode::io_error, "psephos-county exited with status " +
                                                   std::to_string(status) + " (see " +
                                                   (county_data() / "county.log").string() + ")");
    }
    return {};
}

Result<std::size_t> DemoCounty::districts_held_as_pushed(const ledger::Ledger& county) const {
    std::size_t held = 0;
    for (const Place& place : places_) {
        PSEPHOS_TRY_ASSIGN(auto station,
                           ledger::Ledger::open(options_of(place.data, setup_.threads), {}));
        for (const std::size_t d : place.districts) {
            const std::string& id = election_.manifest.districts[d].id;
            PSEPHOS_TRY_ASSIGN(const auto pushed, station->status(id));
            PSEPHOS_TRY_ASSIGN(const auto kept, county.status(id));
            if (kept.size == pushed.size && kept.root == pushed.root) ++held;
        }
    }
    return held;
}

std::size_t DemoCounty::witnesses_cosigned(const ledger::Ledger& county) const {
    const auto status = county.status(ledger::election_log_name);
    if (!status) return 0;
    std::size_t count = 0;
    for (const auto& key : witness_keys_) {
        const fs::path note = station::cosigned_note_path(county_data() / "cosignatures", key.name,
                                                          ledger::election_log_name);
        if (cosigned(note, status.value().signed_checkpoint, key)) ++count;
    }
    return count;
}

std::vector<std::string> DemoCounty::cosign(ledger::Ledger& county) const {
    if (auto published = county.publish_election_checkpoint(); !published)
        return {"publishing the election checkpoint: " + published.error().message};
    auto endpoints = read_witnesses_file(file("witnesses").string());
    if (!endpoints) return {endpoints.error().message};
    station::WitnessSubmitter submitter(county, {std::string(ledger::election_log_name)},
                                        std::move(endpoints).value(),
                                        county_data() / "cosignatures");
    return submitter.submit_once();
}

Result<std::size_t> DemoCounty::station_districts_cosigned() const {
    std::size_t count = 0;
    for (const Place& place : places_) {
        PSEPHOS_TRY_ASSIGN(auto station,
                           ledger::Ledger::open(options_of(place.data, setup_.threads), {}));
        for (const std::size_t d : place.districts) {
            const std::string& id = election_.manifest.districts[d].id;
            PSEPHOS_TRY_ASSIGN(const auto checkpoints, station->checkpoints(id));
            // Cosigned by every witness at some size the station signed (the stations submit
            // once a second and make no last pass as they stop).
            std::size_t by = 0;
            for (const auto& key : witness_keys_) {
                const fs::path path =
                    station::cosigned_note_path(place.data / "cosignatures", key.name, id);
                for (const auto& [size, note] : checkpoints) {
                    if (cosigned(path, note, key)) {
                        ++by;
                        break;
                    }
                }
            }
            if (by == witness_keys_.size()) ++count;
        }
    }
    return count;
}

Status DemoCounty::stop_witnesses() {
    Status result;
    for (auto& w : witnesses_) {
        auto stopped = w->stop();
        if (!stopped && result) result = stopped.error();
        if (stopped && stopped.value() != 0 && result)
            result = make_error(ErrorCode::io_error,
                                "a witness exited with status " + std::to_string(stopped.value()));
    }
    witnesses_.clear();
    return result;
}

Result<record::ExportOptions> DemoCounty::export_options() const {
    return county_export_options(county_data(), file("stations"), witness_keys_);
}

Result<crypto::WitnessPolicy> DemoCounty::witness_policy() const {
    return crypto::WitnessPolicy::make(witness_keys_, witness_keys_.size());
}

}  // namespace psephos::app
