// `psephos demo`: the realistic sample election (or --election FILE) end to end: key ceremony
// (local; the sample has 5 guardians, threshold 3), a ledger with kiosks registered and polls
// opened in every district, voters on two kiosks per district casting into the district logs in
// parallel (some Benaloh-challenged first; the casting module verifies each ballot before its
// durable write), polls closed and the election root published, the ledger reopened and re-checked,
// the districts tallied by the ledger, each tally decrypted by exactly `threshold` guardians (the
// others absent) with every share proved and checked, the results combined and recorded, the
// public election record exported, and a check that the decrypted results equal the simulated
// voters' choices in every district and in total.
#include "demo.hpp"
#include "demo_anchor.hpp"
#include "demo_places.hpp"
#include "demo_station.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "psephos/crypto/key_file.hpp"
#include "psephos/election/authority.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/local_key_ceremony.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/polls_closing.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/verifier/record_verifier.hpp"

namespace psephos::app {

namespace {

constexpr std::uint32_t kiosks_per_district = 2;
constexpr std::uint32_t challenge_every = 25;  // one voter in 25 challenges a ballot first

std::string default_manifest() {
    for (const std::filesystem::path& p : {std::filesystem::path(PSEPHOS_SOURCE_SAMPLES_DIR),
                                           std::filesystem::path("/usr/share/psephos/samples")}) {
        if (std::filesystem::exists(p / "county-general-2026.json"))
            return (p / "county-general-2026.json").string();
    }
    throw std::runtime_error(
        "cannot find samples/county-general-2026.json; give one with --election FILE");
}

class PhaseTimer {
public:
    PhaseTimer(std::ostream& out, std::string name) : out_(out), name_(std::move(name)) {}
    ~PhaseTimer() {
        const auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                .count();
        out_ << "  " << std::left << std::setw(52) << name_ << std::right << std::fixed
             << std::setprecision(1) << std::setw(10) << ms << " ms\n";
    }

private:
    std::ostream& out_;
    std::string name_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs body(i) for i in [0, count) on `threads` joined workers; progress on a terminal.
template <class Body>
void parallel_for(std::size_t count, std::uint32_t threads, const char* what, Body body) {
    std::atomic<std::size_t> next{0}, done{0};
    const bool tty = isatty(STDERR_FILENO) == 1;
    {
        std::vector<std::jthread> workers;
        for (std::uint32_t t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < count; i = next++) {
                    body(i);
                    const std::size_t d = ++done;
                    if (tty) std::fprintf(stderr, "\r  %s %zu/%zu ", what, d, count);
                }
            });
        }
    }
    if (tty) std::fprintf(stderr, "\r%70s\r", "");
}

// A voter's marks: mostly full votes, some undervotes (including blank contests).
election::BallotMarks choose(const election::ElectionManifest& m,
                             const election::BallotStyle& style, std::mt19937_64& rng) {
    election::BallotMarks marks;
    for (const auto& id : style.contests) {
        const election::Contest& c = *m.find_contest(id);
        std::uint32_t count = c.vote_for;
        if (rng() % 10 == 0) count = static_cast<std::uint32_t>(rng() % c.vote_for);
        std::vector<std::size_t> order(c.options.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        for (std::uint32_t i = 0; i < count; ++i) marks[id].push_back(c.options[order[i]].id);
    }
    return marks;
}

struct Kiosk {
    std::string device_id;
    std::string district_id;
    std::size_t district = 0;
    crypto::Ed25519SigningKey key;
    std::vector<std::uint32_t> voters;
};

// The demo's data directory: the one given (kept), or a fresh temporary one (removed at the end).
class DataDirectory {
public:
    explicit DataDirectory(const std::string& given) {
        if (!given.empty()) {
            path_ = given;
            std::filesystem::create_directories(path_);
            for (const char* made : {"ledger", "county"}) {
                if (std::filesystem::exists(path_ / made)) {
                    throw std::runtime_error((path_ / made).string() +
                                             " already exists; give a new --data DIR");
                }
            }
            return;
        }
        std::string pattern =
            (std::filesystem::temp_directory_path() / "psephos-demo-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("cannot create a temporary directory");
        path_ = pattern;
        temporary_ = true;
    }
    ~DataDirectory() {
        std::error_code ignored;
        if (temporary_) std::filesystem::remove_all(path_, ignored);
    }
    DataDirectory(const DataDirectory&) = delete;
    DataDirectory& operator=(const DataDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }
    bool temporary() const { return temporary_; }

private:
    std::filesystem::path path_;
    bool temporary_ = false;
};

ledger::LedgerKey copy_of(const ledger::LedgerKey& key) {
    return ledger::LedgerKey(crypto::Ed25519SigningKey::from_seed(key.master().seed()).value());
}

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
    const std::uint32_t threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::string manifest_path =
        options.election.empty() ? default_manifest() : options.election;
    auto manifest = election::load_manifest_file(manifest_path);
    if (!manifest) throw std::runtime_error(manifest.error().message);
    if (manifest.value().ceremony) {
        throw std::runtime_error(manifest_path +
                                 ": already finalized; the demo runs its own key ceremony");
    }
    const election::ElectionManifest& m0 = manifest.value();
    const bool places = options.places != 0;
    if (places && options.in_process)
        throw std::runtime_error("--places and --in-process: choose one");
    if (places && (options.places < 2 || options.places > m0.districts.size())) {
        throw std::runtime_error("--places " + std::to_string(options.places) +
                                 ": between 2 and the election's " +
                                 std::to_string(m0.districts.size()) + " districts");
    }
    const DataDirectory data(options.data);
    out << "Psephos demo: " << m0.name << " (" << m0.districts.size() << " districts, "
        << m0.contests.size() << " contests, " << m0.ballot_styles.size() << " ballot styles)\n"
        << options.voters << " voters on " << kiosks_per_district * m0.districts.size()
        << " kiosks, " << m0.guardian_count << " guardians (threshold " << m0.threshold << "), "
        << threads << " threads\n";
    if (places) {
        out << options.places << " polling places (station processes), the county and "
            << DemoCounty::witness_count << " witnesses as processes\n"
            << "data: " << data.path().string() << (data.temporary() ? " (temporary)" : "")
            << "\n\n";
    } else {
        out << "ledger: " << (data.path() / "ledger").string()
            << (data.temporary() ? " (temporary)" : "") << "\n\n";
    }

    // 1. Key ceremony: announcements verified, shares sealed, opened and checked.
    std::optional<election::LocalKeyCeremony> ceremony;
    {
        PhaseTimer t(out, "key ceremony");
        auto done = election::run_local_key_ceremony(std::move(manifest).value());
        if (!done) throw std::runtime_error(done.error().message);
        ceremony.emplace(std::move(done).value());
    }
    const election::ElectionContext& election = ceremony->election;
    const election::ElectionManifest& m = election.manifest;

    // 2. The election authority (offline in a real election) approves the finalized election
    //    and authorises every kiosk for its district; the ledger is created for the approved
    //    election and registers only authorised kiosks, then polls open in every district.
    const crypto::Ed25519SigningKey authority = crypto::Ed25519SigningKey::generate();
    const election::ElectionApproval approval =
        election::approve_election(election.base_hash, authority);
    bool unauthorised_refused = false;
    ledger::LedgerOptions ledger_options;
    // With --places the demo's ledger is the county's (the stations' are in DemoCounty).
    ledger_options.directory = data.path() / (places ? "county/ledger" : "ledger");
    ledger_options.threads = threads;
    const ledger::LedgerKey ledger_key = ledger::LedgerKey::generate();
    std::unique_ptr<ledger::Ledger> ledger;
    std::unique_ptr<DemoCounty> county;
    std::vector<Kiosk> kiosks;
    {
        PhaseTimer t(out,
                     places ? "authority approves; the places' ledgers and keys"
                            : "authority approves, create the ledger, register kiosks, open polls");
        if (!data.temporary() && !places) {
            if (auto ok = crypto::write_signing_key_file(data.path() / "ledger.key",
                                                         ledger_key.master(), "ledger");
                !ok) {
                throw std::runtime_error(ok.error().message);
            }
            if (auto ok = crypto::write_public_key_file(
                    data.path() / "authority.pub", authority.public_key(), "election-authority");
                !ok) {
                throw std::runtime_error(ok.error().message);
            }
        }
        if (!data.temporary() && places) {
            if (auto ok = crypto::write_public_key_file(
                    data.path() / "authority.pub", authority.public_key(), "election-authority");
                !ok) {
                throw std::runtime_error(ok.error().message);
            }
        }
        if (!places) {
            auto created =
                ledger::Ledger::create(ledger_options, election, approval, copy_of(ledger_key));
            if (!created) throw std::runtime_error(created.error().message);
            ledger = std::move(created).value();
        }
        std::vector<std::vector<Bytes>> registrations(m.districts.size());
        std::vector<Bytes> openings;
        for (std::size_t d = 0; d < m.districts.size(); ++d) {
            for (std::uint32_t k = 0; k < kiosks_per_district; ++k) {
                kiosks.push_back({m.districts[d].id + "-kiosk-" + std::to_string(k + 1),
                                  m.districts[d].id,
                                  d,
                                  crypto::Ed25519SigningKey::generate(),
                                  {}});
                election::DeviceRegistration registration{kiosks.back().district_id,
                                                          kiosks.back().device_id,
                                                          kiosks.back().key.public_key(),
                                                          1'793'700'000,
                                                          {}};
                election::authorise_device(election.base_hash, registration, authority);
                registrations[d].push_back(election::encode_device_registration(registration));
            }
            // The zero report, signed by the district's first kiosk (where the poll worker is).
            const Kiosk& first = kiosks[kiosks.size() - kiosks_per_district];
            election::PollsRecord opening{election::PollsAction::opened,
                                          m.districts[d].id,
                                          1'793'700'000,
                                          0,
                                          0,
                                          "poll worker",
                                          first.device_id,
                                          {},
                                          {}};
            election::sign_polls_record(election.base_hash, opening, first.key);
            openings.push_back(election::encode_polls_record(opening));
        }
        // A kiosk the authority did not authorise (signed with the ledger's own key instead).
        election::DeviceRegistration rogue{m.districts[0].id,
                                           "rogue-kiosk",
                                           crypto::Ed25519SigningKey::generate().public_key(),
                                           1'793'700'000,
                                           {}};
        election::authorise_device(election.base_hash, rogue, ledger_key.master());
        if (places) {
            // Each station's ledger registers its districts' kiosks and opens their polls; the
            // rogue kiosk is tried at the first station.
            DemoPlacesSetup setup;
            setup.data = data.path();
            setup.places = options.places;
            setup.threads = std::min(threads, 2u);
            setup.registrations = std::move(registrations);
            setup.openings = std::move(openings);
            setup.rogue_registration = election::encode_device_registration(rogue);
            auto made = DemoCounty::create(election, approval, ledger_key, std::move(setup));
            if (!made) throw std::runtime_error(made.error().message);
            county = std::move(made).value();
            unauthorised_refused = county->rogue_refused();
        } else {
            unauthorised_refused = !ledger
                                        ->submit(election::encode_device_registration(rogue),
                                                 election::ActorRole::election_official)
                                        .get();
            std::vector<Bytes> all_registrations;
            for (auto& r : registrations)
                all_registrations.insert(all_registrations.end(), r.begin(), r.end());
            for (const auto& r : ledger->ingest(std::move(all_registrations),
                                                election::ActorRole::election_official)) {
                if (!r) throw std::runtime_error(r.error().message);
            }
            for (const auto& r :
                 ledger->ingest(std::move(openings), election::ActorRole::poll_worker)) {
                if (!r) throw std::runtime_error(r.error().message);
            }
        }
    }

    // 3. Voting: voter v votes in district v mod D, on one of the district's kiosks. Every kiosk
    //    runs on its own thread, as kiosks do, and waits for the ledger's acknowledgement (after
    //    the durable write) before it shows a receipt and advances its tracking-code chain.
    for (std::uint32_t v = 0; v < options.voters; ++v) {
        const std::size_t district = v % m.districts.size();
        const std::size_t kiosk = (v / m.districts.size()) % kiosks_per_district;
        kiosks[district * kiosks_per_district + kiosk].voters.push_back(v);
    }
    const std::uint64_t seed = options.seed ? options.seed : std::random_device{}();
    std::vector<election::BallotMarks> chosen(
        options.voters);  // the simulation's truth, memory only
    std::atomic<std::uint32_t> encrypt_failures{0}, rejected{0}, acknowledged{0},
        challenged_count{0};
    struct ShownReceipt {
        std::string ballot_id, device_id;
        ledger::Receipt receipt;
        Hash32 tracking_code;
    };
    std::optional<ShownReceipt> shown;  // the first kiosk's first receipt
    std::string shown_printed;          // its tracking code as a kiosk process printed it
    // The real deployment (issue 21): the ledger is handed to a station process and every kiosk
    // casts over loopback mutual TLS; --in-process keeps the kiosks in the ledger's process.
    std::unique_ptr<DemoStation> station;
    std::vector<std::unique_ptr<DemoKioskLink>> links(kiosks.size());  // kiosk k's, networked
    std::vector<std::unique_ptr<DemoKioskProcess>> kiosk_processes(kiosks.size());
    std::atomic<std::uint32_t> finish_failures{0};
    if (places) {
        PhaseTimer t(out, "start witnesses, county, stations (processes)");
        if (auto started = county->start(out); !started)
            throw std::runtime_error(started.error().message);
        out << "  " << kiosks.size()
            << (options.kiosk_processes
                    ? " kiosks as psephos kiosk processes (one per voter's action), each with its "
                      "device key file and its station's certificate\n"
                    : " kiosks connect to their own station with certificates made from their "
                      "device keys\n");
    } else if (!options.in_process) {
        PhaseTimer t(out, "start the station (psephos-station, mutual TLS on loopback)");
        ledger.reset();  // one process holds a ledger: now the station's
        auto started = DemoStation::start(data.path(), election, ledger_key.master());
        if (!started) throw std::runtime_error(started.error().message);
        station = std::move(started).value();
        out << "  station serving " << m.districts.size() << " districts on " << station->address()
            << "; " << kiosks.size()
            << " kiosks connect with certificates made from their device keys\n";
    }
    {
        PhaseTimer t(out, "vote: encrypt, prove, sign, cast " + std::to_string(options.voters) +
                              " ballots" +
                              (options.kiosk_processes ? " (psephos kiosk processes)"
                               : station || county     ? " over the network"
                                                       : ""));
        // --kiosk-processes: kiosk k's voters, each a `psephos kiosk vote` process, then its
        // `psephos kiosk finish`; the kiosk's chain and state are in its own directory.
        auto vote_in_processes = [&](std::size_t k) {
            const Kiosk& kiosk = kiosks[k];
            auto made = county->kiosk_process(kiosk.district, kiosk.key, kiosk.device_id);
            if (!made) {
                std::fprintf(stderr, "psephos: %s\n", made.error().message.c_str());
                encrypt_failures += static_cast<std::uint32_t>(kiosk.voters.size());
                return;
            }
            kiosk_processes[k] = std::move(made).value();
            const election::BallotStyle& style = *m.ballot_style_of_district(kiosk.district_id);
            for (const std::uint32_t v : kiosk.voters) {
                std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ull * (v + 1)));
                chosen[v] = choose(m, style, rng);
                for (const bool challenge : {v % challenge_every == challenge_every - 1, false}) {
                    auto recorded = kiosk_processes[k]->vote(chosen[v], challenge);
                    if (!recorded) {
                        ++rejected;
                        std::fprintf(stderr, "psephos: %s\n", recorded.error().message.c_str());
                        continue;
                    }
                    ++(challenge ? challenged_count : acknowledged);
                    if (k == 0 && !challenge && !shown) {
                        // The full code is recomputed from the county's record of the ballot.
                        shown = ShownReceipt{
                            "v" + std::to_string(v),
                            kiosk.device_id,
                            ledger::Receipt{recorded.value().log, recorded.value().index, {}, {}},
                            {}};
                        shown_printed = recorded.value().tracking_code;
                    }
                    if (!challenge) break;
                }
            }
            if (auto ok = kiosk_processes[k]->finish(); !ok) {
                std::fprintf(stderr, "psephos: %s\n", ok.error().message.c_str());
                ++finish_failures;
            }
        };
        std::vector<std::jthread> workers;
        for (std::size_t k = 0; k < kiosks.size(); ++k) {
            workers.emplace_back([&, k] {
                Kiosk& kiosk = kiosks[k];
                if (options.kiosk_processes) {
                    vote_in_processes(k);
                    return;
                }
                std::unique_ptr<DemoKioskLink>& link = links[k];
                if (station || county) {
                    auto made = station ? station->kiosk(kiosk.key, kiosk.device_id)
                                        : county->kiosk(kiosk.district, kiosk.key, kiosk.device_id);
                    if (!made) {
                        std::fprintf(stderr, "psephos: %s\n", made.error().message.c_str());
                        encrypt_failures += static_cast<std::uint32_t>(kiosk.voters.size());
                        return;
                    }
                    link = std::move(made).value();
                }
                std::uint64_t chain_ballots = 0;  // the kiosk's own head: its ballots so far
                // Where the record went: the ledger's receipt, in process or from the station.
                auto submit = [&](Bytes record, const Hash32& code) -> Result<ledger::Receipt> {
                    if (!link) return ledger->submit(std::move(record)).get();
                    auto settled = link->link().cast(
                        code, record, std::chrono::steady_clock::now() + std::chrono::minutes(2));
                    if (!settled) return settled.error();
                    return ledger::Receipt{kiosk.district_id, settled.value().inclusion.index,
                                           settled.value().inclusion.leaf_hash,
                                           settled.value().inclusion.signed_checkpoint};
                };
                Hash32 previous =
                    election::initial_tracking_code(election.base_hash, kiosk.device_id);
                const election::BallotStyle& style = *m.ballot_style_of_district(kiosk.district_id);
                auto cast_one = [&](const std::string& id, const election::BallotMarks& marks,
                                    bool challenge) {
                    auto prepared = election::encrypt_ballot(
                        election, {id, kiosk.device_id, kiosk.district_id, 1'793'700'000, previous},
                        marks, kiosk.key);
                    if (!prepared) {
                        ++encrypt_failures;
                        return;
                    }
                    const Hash32 code = prepared.value().tracking_code;
                    const std::string ballot_id = prepared.value().ballot.ballot_id;
                    Bytes record =
                        challenge ? election::encode_challenged_ballot(
                                        election::challenge_ballot(std::move(prepared).value()))
                                  : election::encode_ballot(prepared.value().ballot);
                    auto receipt = submit(std::move(record), code);
                    if (!receipt) {
                        ++rejected;
                        std::fprintf(stderr, "psephos: %s\n", receipt.error().message.c_str());
                        return;
                    }
                    previous = code;
                    ++chain_ballots;
                    ++(challenge ? challenged_count : acknowledged);
                    if (k == 0 && !challenge && !shown)
                        shown = ShownReceipt{ballot_id, kiosk.device_id, receipt.value(), code};
                };
                for (const std::uint32_t v : kiosk.voters) {
                    std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ull * (v + 1)));
                    chosen[v] = choose(m, style, rng);
                    if (v % challenge_every == challenge_every - 1)
                        cast_one("v" + std::to_string(v) + "-challenged", chosen[v], true);
                    cast_one("v" + std::to_string(v), chosen[v], false);
                }
                // The kiosk finishes for the day: its signed head to the station, for the closing.
                if (link) {
                    if (auto ok =
                            link->finish(kiosk.key, kiosk.district_id, chain_ballots, previous);
                        !ok) {
                        std::fprintf(stderr, "psephos: %s\n", ok.error().message.c_str());
                        ++finish_failures;
                    }
                }
            });
        }
        if (isatty(STDERR_FILENO) == 1) {
            while (acknowledged + rejected + encrypt_failures < options.voters) {
                std::fprintf(stderr, "\r  ballots acknowledged %u/%u ", acknowledged.load(),
                             options.voters);
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            std::fprintf(stderr, "\r%70s\r", "");
        }
    }

    if (station || county) {
        PhaseTimer t(out, "close polls at each district's first kiosk, with every kiosk's head");
        if (finish_failures > 0)
            throw std::runtime_error(std::to_string(finish_failures.load()) +
                                     " kiosks could not finish (their final heads were refused)");
        for (std::size_t d = 0; d < m.districts.size(); ++d) {
            const std::size_t first = d * kiosks_per_district;
            if (options.kiosk_processes) {
                if (auto closed = kiosk_processes[first]->close_polls("county clerk"); !closed)
                    throw std::runtime_error(closed.error().message);
                continue;
            }
            auto closed = links[first]->close_polls(kiosks[first].key, m.districts[d].id,
                                                    1'793'740'000, "county clerk");
            if (!closed) throw std::runtime_error(closed.error().message);
        }
        links.clear();
    }
    if (station) {
        PhaseTimer t(out, "stop the station, reopen its ledger (every log re-checked)");
        if (auto stopped = station->stop(); !stopped)
            throw std::runtime_error(stopped.error().message);
        auto opened = ledger::Ledger::open(ledger_options, copy_of(ledger_key));
        if (!opened) throw std::runtime_error(opened.error().message);
        ledger = std::move(opened).value();
    }
    // With --places: every station pushes its last records as it stops, then the county makes
    // its last pass to the witnesses as it stops; the county's ledger is then the election's.
    std::size_t districts_held = 0, witnesses_at_close = 0, station_districts_cosigned = 0;
    if (county) {
        PhaseTimer t(out, "stop stations (last push) and county, open its ledger");
        if (auto stopped = county->stop_stations(); !stopped)
            throw std::runtime_error(stopped.error().message);
        if (auto stopped = county->stop_county(); !stopped)
            throw std::runtime_error(stopped.error().message);
        auto opened = ledger::Ledger::open(ledger_options, copy_of(ledger_key));
        if (!opened) throw std::runtime_error("the county's ledger: " + opened.error().message);
        ledger = std::move(opened).value();
        auto held = county->districts_held_as_pushed(*ledger);
        if (!held) throw std::runtime_error(held.error().message);
        districts_held = held.value();
        witnesses_at_close = county->witnesses_cosigned(*ledger);
        auto cosigned = county->station_districts_cosigned();
        if (!cosigned) throw std::runtime_error(cosigned.error().message);
        station_districts_cosigned = cosigned.value();
        if (options.kiosk_processes && shown) {
            // The shown ballot's full tracking code, from the county's record of it: it must be
            // the one its kiosk process printed.
            auto record = ledger->record(shown->receipt.log, shown->receipt.index);
            auto ballot = record ? election::decode_ballot(record.value())
                                 : Result<election::EncryptedBallot>(record.error());
            if (!ballot) throw std::runtime_error("the shown receipt: " + ballot.error().message);
            shown->tracking_code =
                election::next_tracking_code(ballot.value().previous_tracking_code,
                                             election::compute_ballot_hash(ballot.value()));
            if (election::format_tracking_code(shown->tracking_code) != shown_printed)
                throw std::runtime_error(
                    "the shown receipt: the county's ballot at " + shown->receipt.log + " #" +
                    std::to_string(shown->receipt.index) + " is not the one its kiosk printed");
        }
    }

    // 4. Polls close everywhere (an election-wide barrier that also publishes the election
    //    checkpoint); then the ledger is closed and reopened, which re-checks every record of
    //    every log against its signed checkpoints.
    ledger::LogStatus election_root;
    bool reopened_ok = false;
    if (station || county) {
        PhaseTimer t(out, "publish the election root");
        for (std::size_t d = 0; d < m.districts.size(); ++d)
            if (ledger->casting().status(d).polls != ledger::PollsStatus::closed)
                throw std::runtime_error("district " + m.districts[d].id + ": polls not closed");
        auto published = ledger->publish_election_checkpoint();
        if (!published) throw std::runtime_error(published.error().message);
        election_root = published.value();
    } else {
        PhaseTimer t(out, "close polls, publish the election root");
        // Each district's closing: signed by its first kiosk, with every kiosk's own head.
        std::vector<Bytes> closings;
        for (std::size_t d = 0; d < m.districts.size(); ++d) {
            ledger::DeviceKeys keys;
            std::string signer;
            for (const Kiosk& k : kiosks) {
                if (k.district != d) continue;
                keys.emplace(k.device_id, &k.key);
                if (signer.empty()) signer = k.device_id;
            }
            auto closing = ledger::make_polls_record(*ledger, d, election::PollsAction::closed,
                                                     1'793'740'000, "county clerk", signer, keys);
            if (!closing) throw std::runtime_error(closing.error().message);
            closings.push_back(std::move(closing).value());
        }
        if (auto closed = ledger->close_all_polls(std::move(closings)); !closed)
            throw std::runtime_error(closed.error().message);
        election_root = ledger->status(ledger::election_log_name).value();
    }
    // The bridge anchors the election root as polls close (docs/bridge.md).
    std::optional<DemoBridge> bridge;
    {
        PhaseTimer t(out, "anchor the election root after polls close");
        bridge.emplace(data.path() / "anchors", options.anchor_rpc, options.anchor_rpc_certificates,
                       out);
        bridge->anchor(*ledger, "polls-closed");
    }
    {
        PhaseTimer t(out, "reopen the ledger, re-check every log");
        ledger.reset();
        auto opened = ledger::Ledger::open(ledger_options, copy_of(ledger_key));
        if (!opened) {
            std::fprintf(stderr, "psephos: %s\n", opened.error().message.c_str());
            return 1;
        }
        ledger = std::move(opened).value();
        reopened_ok = ledger->status(ledger::election_log_name).value().root == election_root.root;
    }

    // 5. Tally: the ledger sums every closed district's cast ballots, in parallel by district,
    //    and appends each district tally to its log (challenged ballots are never counted).
    const std::size_t district_count = m.districts.size();
    {
        PhaseTimer t(out, "tally " + std::to_string(district_count) +
                              " districts (homomorphic sums, in parallel)");
        if (auto tallied = ledger->tally(); !tallied)
            throw std::runtime_error(tallied.error().message);
    }

    // 6. Decryption by exactly `threshold` guardians, odd indices first (for 5 and 3: guardians
    //    1, 3 and 5, with 2 and 4 absent). Each decrypts every district tally with its own secret
    //    share, proves every partial decryption and signs it; the ledger checks each proof and
    //    signature before it records the guardian's decryption.
    std::vector<std::uint32_t> present;
    for (std::uint32_t start : {1u, 2u})
        for (std::uint32_t g = start; g <= m.guardian_count && present.size() < m.threshold; g += 2)
            present.push_back(g);
    std::sort(present.begin(), present.end());
    std::string present_names;
    for (const std::uint32_t g : present)
        present_names += (present_names.empty() ? "" : ", ") + std::to_string(g);
    std::atomic<std::uint32_t> bad_shares{0};
    {
        PhaseTimer t(out, "decrypt: guardians " + present_names + " of " +
                              std::to_string(m.guardian_count) + ", every share proved");
        for (const std::uint32_t g : present) {
            std::vector<Bytes> records(district_count);
            parallel_for(
                district_count, threads, ("guardian " + std::to_string(g)).c_str(),
                [&](std::size_t d) {
                    const auto recorded = ledger->tallying().tally(d);
                    records[d] = election::encode_tally_decryption(election::decrypt_district_tally(
                        election, recorded->tally, recorded->hash, g,
                        ceremony->secret_shares[g - 1].secret, ceremony->identities[g - 1]));
                });
            for (const auto& r :
                 ledger->ingest(std::move(records), election::ActorRole::guardian)) {
                if (!r) {
                    ++bad_shares;
                    std::fprintf(stderr, "psephos: %s\n", r.error().message.c_str());
                }
            }
        }
    }
    {
        PhaseTimer t(out, "combine the decryptions, record the results");
        if (auto results = ledger->record_results(); !results)
            throw std::runtime_error(results.error().message);
    }
    // With --places, as `psephos-county cosign`: the election checkpoint over the tally, the
    // decryptions and the results, cosigned by both witnesses, which then stop.
    std::vector<std::string> cosign_problems;
    std::size_t witnesses_final = 0;
    if (county) {
        PhaseTimer t(out, "witnesses cosign the final election checkpoint");
        cosign_problems = county->cosign(*ledger);
        for (const auto& problem : cosign_problems)
            std::fprintf(stderr, "psephos: witness: %s\n", problem.c_str());
        witnesses_final = county->witnesses_cosigned(*ledger);
        if (auto stopped = county->stop_witnesses(); !stopped)
            throw std::runtime_error(stopped.error().message);
    }

    // 7. The bridge: anchor the final election root (an EVM node if one answers; Bitcoin as a
    //    signed transaction written out) and prove the shown voter's receipt against it.
    DemoAnchorOutcome anchored;
    {
        PhaseTimer t(out, "anchor the results' root, prove a receipt (docs/bridge.md)");
        bridge->anchor(*ledger, "results");
        if (shown) anchored = bridge->prove(*ledger, shown->tracking_code);
    }

    // 8. The public election record, as an auditor receives it.
    const std::filesystem::path record_dir = data.path() / "record";
    record::ExportSummary exported;
    {
        PhaseTimer t(out, "export the election record");
        record::ExportOptions export_options;
        if (county) {
            auto made = county->export_options();
            if (!made) throw std::runtime_error(made.error().message);
            export_options = std::move(made).value();
        }
        auto written = record::export_election_record(*ledger, record_dir, export_options);
        if (!written) throw std::runtime_error(written.error().message);
        exported = written.value();
    }

    // 9. The independent verifier re-checks the exported record from its files alone (no ledger,
    //    no key), in parallel by district: every check V1–V28 of docs/election-record.md.
    verifier::VerifyReport verified;
    {
        PhaseTimer t(out, county ? "verify the record (V1-V34, 2-of-2 witness policy)"
                                 : "verify the record (psephos verify, V1-V28)");
        verifier::VerifyOptions verify_options;
        if (county) {
            auto policy = county->witness_policy();
            if (!policy) throw std::runtime_error(policy.error().message);
            verify_options.witness_policy = std::move(policy).value();
        }
        verify_options.threads = threads;
        if (isatty(STDERR_FILENO) == 1) {
            auto progress = std::make_shared<std::mutex>();
            verify_options.progress = [progress](std::string_view log, std::uint64_t done,
                                                 std::uint64_t total) {
                std::lock_guard lock(*progress);
                std::fprintf(stderr, "\r  verifying %.*s %llu/%llu          ",
                             static_cast<int>(log.size()), log.data(),
                             static_cast<unsigned long long>(done),
                             static_cast<unsigned long long>(total));
            };
        }
        // The authority's key as it would publish it: the trust anchor of V29 and V30.
        verify_options.trusted_authority_key = election::authority_key_text(authority.public_key());
        verified = verifier::verify_election_record(record_dir, verify_options);
        if (isatty(STDERR_FILENO) == 1) std::fprintf(stderr, "\r%70s\r", "");
    }
    std::size_t checks_passed = 0;
    for (const auto& c : verified.checks) {
        if (c.passed()) {
            ++checks_passed;
            continue;
        }
        out << "  " << verifier::to_string(c.status) << " " << c.id << " " << c.name
            << (c.scope.empty() ? "" : " " + c.scope) << ": "
            << (c.failures.empty() ? c.note : c.failures.front()) << "\n";
    }

    // 10. Results, and the check against what the simulated voters chose, district by district.
    std::vector<election::DistrictResult> results;
    bool all_results = true;
    for (std::size_t d = 0; d < district_count; ++d) {
        auto r = ledger->tallying().result(d);
        if (!r) {
            all_results = false;
            continue;
        }
        results.push_back(std::move(*r));
    }
    using Counts = std::map<std::string, std::map<std::string, std::uint64_t>>;
    std::map<std::string, Counts> expected_by_district;
    Counts expected;
    for (std::uint32_t v = 0; v < options.voters; ++v) {
        const std::string& district = m.districts[v % district_count].id;
        for (const auto& [contest, options_marked] : chosen[v]) {
            for (const auto& option : options_marked) {
                ++expected[contest][option];
                ++expected_by_district[district][contest][option];
            }
        }
    }
    bool totals_match = all_results;
    out << "\nResults by district (decrypted district tallies):\n";
    for (const auto& r : results) {
        const election::District& district = *m.find_district(r.district_id);
        out << "  " << district.name << " (" << r.district_id << ")\n";
        for (const auto& contest : r.counts) {
            std::string line = "    " + contest.contest_id + ":";
            for (const auto& option : contest.options) {
                const std::uint64_t want =
                    expected_by_district[r.district_id][contest.contest_id][option.option_id];
                totals_match = totals_match && option.value == want;
                line +=
                    " " + option.option_id + " " + std::to_string(option.value) +
                    (option.value == want ? ""
                                          : " (MISMATCH, expected " + std::to_string(want) + ")");
            }
            out << line << "\n";
        }
    }
    const election::ElectionTotals totals = election::sum_district_results(results);
    out << "\nResults, all districts:\n";
    for (const auto& contest : m.contests) {
        const bool says_vote_for = contest.title.text.find("vote for") != std::string::npos;
        out << "  " << contest.title.text
            << (says_vote_for ? "" : " (vote for " + std::to_string(contest.vote_for) + ")")
            << "\n";
        for (const auto& option : contest.options) {
            const auto c = totals.find(contest.id);
            const std::uint64_t got =
                c == totals.end() || !c->second.count(option.id) ? 0 : c->second.at(option.id);
            const std::uint64_t want = expected[contest.id][option.id];
            totals_match = totals_match && got == want;
            out << "    " << std::left << std::setw(40) << option.label.text << std::right
                << std::setw(8) << got
                << (got == want ? "" : "   MISMATCH, expected " + std::to_string(want)) << "\n";
        }
    }
    const std::uint32_t expected_challenges = options.voters / challenge_every;
    out << "\nBallots cast: " << acknowledged
        << ", challenged (published, never counted): " << challenged_count << "\n";
    std::uint64_t counted = 0;
    for (std::size_t d = 0; d < district_count; ++d) {
        const ledger::DistrictCastingStatus s = ledger->casting().status(d);
        const ledger::LogStatus log = ledger->status(m.districts[d].id).value();
        if (auto t = ledger->tallying().tally(d)) counted += t->tally.ballots_counted;
        out << "  " << std::left << std::setw(40) << m.districts[d].name << std::right
            << std::setw(8) << s.ballots_cast << " ballots   log " << std::setw(5) << log.size
            << " records, root " << log.root.to_hex().substr(0, 16) << "…\n";
    }
    const ledger::LogStatus final_root = ledger->status(ledger::election_log_name).value();
    const ledger::LogStatus events = ledger->status(ledger::event_log_name).value();
    out << "Election root (election log of " << final_root.size
        << " district checkpoints, after the results): " << final_root.root.to_hex()
        << "\nEvent log: " << events.size << " events\n"
        << "Election record: " << record_dir.string() << " (" << exported.files << " files, "
        << exported.bytes << " bytes"
        << (data.temporary() ? "; removed at exit, keep it with --data DIR" : "") << ")\n";
    if (shown) {
        out << "\nA voter's receipt: ballot " << shown->ballot_id << " on " << shown->device_id
            << ", tracking code " << election::format_tracking_code(shown->tracking_code)
            << "\n  recorded as " << shown->receipt.log << " #" << shown->receipt.index
            << "; its inclusion proof: ";
        if (data.temporary()) {
            out << "run the demo with --data DIR to keep the ledger, then\n  ";
        }
        out << "psephos ledger inclusion --data "
            << (data.temporary() ? std::string("DIR")
                                 : (places ? data.path() / "county" : data.path()).string())
            << " --log " << shown->receipt.log << " --index " << shown->receipt.index << "\n";
        out << "  its proof bundle, to the anchored root: " << anchored.bundle.string()
            << "\n  check it anywhere: psephos proof verify " << anchored.bundle.filename().string()
            << " " << anchored.trust_options << (anchored.evm_anchored ? " --rpc URL" : "") << "\n";
    }
    const bool all_acknowledged =
        encrypt_failures == 0 && rejected == 0 && acknowledged == options.voters &&
        challenged_count == expected_challenges && counted == acknowledged;
    // A county's record: every station's checkpoints (V32), the evidence (V33) and the witnesses'
    // cosignatures under the 2-of-2 policy (V34), each run and passed.
    std::map<std::string, std::pair<std::size_t, std::size_t>> county_checks;  // passed, run
    for (const auto& c : verified.checks) {
        for (const char* id : {"V32", "V33", "V34"}) {
            if (c.id.rfind(id, 0) != 0) continue;
            auto& [passed, run] = county_checks[id];
            ++run;
            if (c.passed()) ++passed;
        }
    }
    const bool county_record_ok =
        county_checks.size() == 3 &&
        std::all_of(county_checks.begin(), county_checks.end(),
                    [](const auto& c) { return c.second.first == c.second.second; });
    const bool held_ok = districts_held == district_count;
    const bool cosigned_ok = cosign_problems.empty() &&
                             witnesses_at_close == DemoCounty::witness_count &&
                             witnesses_final == DemoCounty::witness_count;
    const bool ok = unauthorised_refused && all_acknowledged && reopened_ok && bad_shares == 0 &&
                    all_results && totals_match && verified.passed() && anchored.bundle_verified &&
                    (!county || (held_ok && cosigned_ok && county_record_ok));
    out << "\n"
        << (unauthorised_refused ? "PASS" : "FAIL")
        << "  the election authority approved the election and authorised every kiosk; a kiosk it "
           "did not\n"
           "      authorise was refused by the ledger (authority "
        << election::authority_key_text(authority.public_key()) << ")\n"
        << (all_acknowledged ? "PASS" : "FAIL")
        << "  every ballot acknowledged after a durable write; the ledger checked each signature, "
           "proof,\n"
           "      registered device, tracking-code chain and challenge opening ("
        << acknowledged << " cast, " << challenged_count << " challenged, " << counted
        << " counted)\n"
        << (reopened_ok ? "PASS" : "FAIL")
        << "  the ledger reopened with every record re-checked against its signed checkpoints\n"
        << (bad_shares == 0 && all_results ? "PASS" : "FAIL")
        << "  every guardian's decryption proved, checked and recorded; every district has its "
           "result ("
        << present.size() << " of " << m.guardian_count << " guardians)\n"
        << (totals_match ? "PASS" : "FAIL")
        << "  decrypted results equal the simulated voters' choices, in every district and in "
           "total\n"
        << (verified.passed() ? "PASS" : "FAIL")
        << "  the exported record verifies from its files alone (" << checks_passed << " of "
        << verified.checks.size() << " checks passed; psephos verify RECORD_DIR)\n"
        << (anchored.bundle_verified ? "PASS" : "FAIL")
        << "  a voter's receipt is proved in the anchored election root (" << anchored.passed
        << " of " << anchored.checks << " proof-bundle checks; " << anchored.anchors
        << " anchors, after polls closed and after the results, "
        << (anchored.evm_anchored ? "on the EVM node and " : "") << "in Bitcoin transactions"
        << (anchored.evm_anchored ? "" : " written out; no EVM node") << ")\n";
    if (county) {
        std::size_t county_checks_run = 0;
        for (const auto& c : county_checks) county_checks_run += c.second.second;
        out << (held_ok ? "PASS" : "FAIL") << "  " << county->places()
            << " stations pushed their districts to the county, which re-validated every "
               "record;\n"
               "      it holds every district as its station does ("
            << districts_held << " of " << district_count << " districts, same root and size)\n"
            << (cosigned_ok ? "PASS" : "FAIL") << "  both witnesses cosigned the county's "
            << "election checkpoint as polls closed (" << witnesses_at_close << " of "
            << DemoCounty::witness_count << ") and after the results (" << witnesses_final << " of "
            << DemoCounty::witness_count
            << "); the stations' district logs: " << station_districts_cosigned << " of "
            << district_count << " cosigned by both\n"
            << (county_record_ok ? "PASS" : "FAIL")
            << "  the county's record: station checkpoints (V32), equivocation evidence (V33), "
               "witness\n"
               "      cosignatures under a 2-of-2 witness policy (V34) verified ("
            << county_checks_run << " checks; psephos verify RECORD_DIR --witness-policy FILE)\n";
    }
    return ok ? 0 : 1;
}

}  // namespace psephos::app
