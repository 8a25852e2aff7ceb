// SIGKILL under load (issue 21): a `psephos-station serve` process on 127.0.0.1 is killed with
// SIGKILL at random moments, at least ten times, while kiosk threads cast distinct ballots, and
// restarted each time on the same data directory (a new port, read again from its ready file).
// The kiosks reconnect with backoff and settle a ballot whose answer they lost by lookup
// (StationLink: found, the log's receipt and no second submit; not found, submitted again).
// Afterwards, in the reopened ledger: every receipt any kiosk got is in the district log, no
// ballot is there twice, nothing is there that no kiosk knows of, and every kiosk reconnected.
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "ledger_scenario.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/station/station_link.hpp"
#include "psephos/station/station_process.hpp"
#include "psephos/station/station_tls.hpp"

using namespace psephos;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int kiosk_count = 4;
constexpr int ballots_per_kiosk = 200;  // more than the kiosks get to cast
constexpr int kills = 12;

// A settled cast, as the kiosk keeps it.
struct Cast {
    Hash32 tracking_code;
    std::string ballot_id;
    station::Inclusion inclusion;
    bool found_in_log = false;
};

struct Kiosk {
    std::size_t scenario_index = 0;
    std::string device_id;
    std::vector<election::PreparedBallot> ballots;
    std::optional<station::TlsIdentity> identity;
    std::vector<Cast> casts;
    unsigned reconnections = 0;
    std::string failure;
};

station::TlsIdentity identity_of(const crypto::Ed25519SigningKey& key, std::string_view name) {
    auto made = station::make_tls_identity(key, name);
    if (!made) qFatal("identity: %s", made.error().message.c_str());
    return std::move(made).value();
}

// "HOST PORT" from the station's ready file, as a kiosk's set-up would find its station.
Result<station::StationClientOptions> endpoint(const fs::path& ready_file,
                                               const std::string& certificate_pem,
                                               const station::TlsIdentity* identity) {
    std::ifstream in(ready_file);
    station::StationClientOptions o;
    unsigned port = 0;
    if (!(in >> o.host >> port) || port == 0 || port > 65535)
        return make_error(ErrorCode::not_found, "the station is not ready");
    o.port = static_cast<std::uint16_t>(port);
    o.station_certificate_pem = certificate_pem;
    o.identity = identity;
    o.timeout = 5s;
    return o;
}

}  // namespace

class TestStationKill : public QObject {
    Q_OBJECT

private slots:
    void receipts_survive_sigkill_under_load() {
        QTemporaryDir temporary;
        const fs::path dir(temporary.path().toStdString());
        test::LedgerScenario scenario;
        const std::string district = scenario.kiosk(0).district_id;

        // Kiosks of district 0 besides the scenario's own, registered before the polls open.
        std::vector<Kiosk> kiosks(kiosk_count);
        std::vector<Bytes> opening{scenario.registration(0)};
        for (int k = 0; k < kiosk_count; ++k) {
            Kiosk& kiosk = kiosks[k];
            kiosk.device_id = district + "-kiosk-" + std::to_string(k + 2);
            kiosk.scenario_index = scenario.kiosks().size();
            auto key = test::seeded_key(static_cast<std::uint8_t>(0x40 + k));
            kiosk.identity.emplace(identity_of(key, kiosk.device_id));
            scenario.kiosks().push_back(
                {kiosk.device_id, district, std::move(key),
                 election::initial_tracking_code(scenario.election().base_hash, kiosk.device_id),
                 0});
            opening.push_back(scenario.registration(kiosk.scenario_index));
            for (int b = 0; b < ballots_per_kiosk; ++b)
                kiosk.ballots.push_back(scenario.next_ballot(kiosk.scenario_index, b));
        }
        opening.push_back(scenario.polls(election::PollsAction::opened, 0));

        // The data directory as `psephos ledger init` leaves it, and the station's files.
        const fs::path data = dir / "data";
        fs::create_directories(data);
        {
            QVERIFY(crypto::write_signing_key_file(
                        data / "ledger.key", test::LedgerScenario::ledger_key().master(), "ledger")
                        .ok());
            ledger::LedgerOptions o;
            o.directory = data / "ledger";
            auto created = ledger::Ledger::create(o, scenario.election(), scenario.approval(),
                                                  test::LedgerScenario::ledger_key());
            QVERIFY2(created.ok(), created ? "" : created.error().message.c_str());
            for (auto& r : created.value()->ingest(opening, election::ActorRole::poll_worker))
                QVERIFY2(r.ok(), r ? "" : r.error().message.c_str());
        }
        const station::TlsIdentity station_identity =
            identity_of(test::seeded_key(0x51), "station-kill");
        QVERIFY(crypto::write_new_file(dir / "election.json",
                                       election::manifest_to_json(scenario.election().manifest),
                                       0644)
                    .ok());
        QVERIFY(
            crypto::write_new_file(dir / "station.pem", station_identity.certificate_pem(), 0644)
                .ok());
        QVERIFY(
            crypto::write_new_file(dir / "station.key", station_identity.private_key_pem(), 0600)
                .ok());
        station::StationLaunch launch;
        launch.binary = PSEPHOS_STATION_EXE;
        launch.election = dir / "election.json";
        launch.data = data;
        launch.district_id = district;
        launch.certificate = dir / "station.pem";
        launch.certificate_key = dir / "station.key";
        launch.ready_file = dir / "ready";
        launch.output = dir / "station.log";

        auto first = station::StationProcess::spawn(launch);
        QVERIFY2(first.ok(), first ? "" : first.error().message.c_str());
        std::unique_ptr<station::StationProcess> station = std::move(first).value();

        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (Kiosk& kiosk : kiosks) {
            threads.emplace_back([&] {
                station::StationLink link(
                    [&] {
                        return endpoint(launch.ready_file, station_identity.certificate_pem(),
                                        &*kiosk.identity);
                    },
                    station::Hello{0, scenario.election().base_hash, kiosk.device_id},
                    station::Backoff{20ms, 500ms});
                for (const auto& ballot : kiosk.ballots) {
                    if (stop) break;
                    auto settled =
                        link.cast(ballot.tracking_code, election::encode_ballot(ballot.ballot),
                                  std::chrono::steady_clock::now() + 30s);
                    if (!settled) {
                        kiosk.failure = settled.error().message;
                        break;
                    }
                    kiosk.casts.push_back({ballot.tracking_code, ballot.ballot.ballot_id,
                                           settled.value().inclusion,
                                           settled.value().found_in_log});
                }
                kiosk.reconnections = link.reconnections();
            });
        }

        // SIGKILL at a random moment of the casting, restart on the same directory, again.
        std::minstd_rand random(std::random_device{}());
        std::uniform_int_distribution<int> delay_ms(50, 600);
        std::string restart_failure;
        for (int k = 0; k < kills && restart_failure.empty(); ++k) {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
            station->kill();
            auto restarted = station::StationProcess::spawn(launch);
            if (!restarted) {
                restart_failure = restarted.error().message;
                break;
            }
            station = std::move(restarted).value();
        }
        // Casting goes on a little on the last station, then the kiosks finish their ballot.
        std::this_thread::sleep_for(500ms);
        stop = true;
        for (auto& t : threads) t.join();
        QVERIFY2(restart_failure.empty(), restart_failure.c_str());
        auto stopped = station->stop();
        QVERIFY2(stopped.ok() && stopped.value() == 0,
                 stopped ? "exit status not 0" : stopped.error().message.c_str());

        std::size_t casts = 0;
        std::size_t found = 0;
        for (const Kiosk& kiosk : kiosks) {
            QVERIFY2(kiosk.failure.empty(), (kiosk.device_id + ": " + kiosk.failure).c_str());
            QVERIFY2(kiosk.reconnections >= 1, kiosk.device_id.c_str());
            casts += kiosk.casts.size();
            for (const Cast& c : kiosk.casts) found += c.found_in_log ? 1 : 0;
        }
        qInfo("%d kills; %zu ballots cast, %zu of them settled by lookup after a lost answer",
              kills, casts, found);
        QVERIFY(casts >= kiosk_count);

        // The reopened ledger (read-only: it re-checks every log) holds every receipt.
        ledger::LedgerOptions o;
        o.directory = data / "ledger";
        auto reopened = ledger::Ledger::open(o, std::nullopt);
        QVERIFY2(reopened.ok(), reopened ? "" : reopened.error().message.c_str());
        const ledger::Ledger& l = *reopened.value();
        for (const Kiosk& kiosk : kiosks) {
            for (const Cast& c : kiosk.casts) {
                auto record = l.record(district, c.inclusion.index);
                QVERIFY2(record.ok(), c.ballot_id.c_str());
                QVERIFY2(crypto::hash_merkle_leaf(record.value()) == c.inclusion.leaf_hash,
                         c.ballot_id.c_str());
                const auto entry = l.casting().find_tracking_code(c.tracking_code);
                QVERIFY2(entry && entry->index == c.inclusion.index, c.ballot_id.c_str());
            }
        }
        // No ballot twice, and none that no kiosk knows of.
        std::set<std::string> ids;
        std::size_t ballots_in_log = 0;
        const auto size = l.status(district).value().size;
        for (std::uint64_t i = 0; i < size; ++i) {
            auto record = l.record(district, i).value();
            if (static_cast<election::RecordType>(record.front()) !=
                election::RecordType::encrypted_ballot)
                continue;
            auto ballot = election::decode_ballot(record);
            QVERIFY(ballot.ok());
            QVERIFY2(ids.insert(ballot.value().ballot_id).second,
                     ("twice: " + ballot.value().ballot_id).c_str());
            ++ballots_in_log;
        }
        QCOMPARE(ballots_in_log, casts);
    }
};

QTEST_GUILESS_MAIN(TestStationKill)
#include "tst_station_kill.moc"
