// A whole election day across several polling places as real processes on 127.0.0.1 (issue 22,
// docs/county.md §6): three `psephos-station serve` (station-1 with districts d1 and d2, station-2
// with d3, station-3 with d4), one `psephos-county serve --witnesses` and two `psephos-witness
// serve`. Kiosks cast pre-encrypted ballots over the network (StationLink, one authorised device
// per district). In the day with faults the county is killed (SIGKILL) while the stations push
// and restarted on the same port, and station-3 starts partitioned from the county (its --county
// a port where nothing listens) and is healed half-way through the day. The polls close, the
// stations push their last records as they stop, and the county's data directory is tallied,
// exported and verified with `psephos tally|export|verify`; both witnesses cosigned the county's
// final election checkpoint (DATA/cosignatures/…/_election.note). Every district's records.bin in
// the exported record is byte for byte the one of a day without faults with the same ballots in
// the same order per district. From the record of the day without faults, a voter's proof bundle
// (with the witnesses' cosigned checkpoint, P14) and C2SP tlog-proof pass `psephos proof verify`
// and `proof verify-tlog` with the 2-of-2 witness policy.
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "ledger_scenario.hpp"
#include "psephos/crypto/cosignature.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/station/station_link.hpp"
#include "psephos/station/station_tls.hpp"
#include "psephos/station/witness_submitter.hpp"
#include "psephos_process.hpp"

using namespace psephos;
using namespace std::chrono_literals;
using test::describe;
using test::Run;
namespace fs = std::filesystem;

using test::must;
using test::stop;

namespace {

constexpr int ballots_per_district = 15;  // three phases of five

// The test election with four districts: d1, d3 of ballot style north, d2, d4 of south.
election::ElectionManifest four_districts() {
    election::ElectionManifest m = test::small_manifest();
    m.districts.push_back({"d3", "East"});
    m.districts.push_back({"d4", "West"});
    m.ballot_styles.at(0).districts.push_back("d3");
    m.ballot_styles.at(1).districts.push_back("d4");
    return m;
}

struct StationPlan {
    std::string id;
    std::vector<std::size_t> districts;  // scenario indexes
    std::uint8_t ledger_key_tag;
    std::uint8_t tls_key_tag;
};

const std::vector<StationPlan> stations_plan{{"station-1", {0, 1}, 0xE1, 0x71},
                                             {"station-2", {2}, 0xE2, 0x72},
                                             {"station-3", {3}, 0xE3, 0x73}};

void write_file(const fs::path& path, const std::string& content, int mode = 0644) {
    std::error_code ec;
    fs::remove(path, ec);
    const auto written = crypto::write_new_file(path, content, mode);
    if (!written) qFatal("%s: %s", path.c_str(), written.error().message.c_str());
}

QString q(const fs::path& path) { return QString::fromStdString(path.string()); }

QJsonObject ledger_status(const fs::path& data) {
    const Run status = test::run({"ledger", "status", "--data", q(data), "--json"});
    must(status);
    return test::json_of(status);
}

QJsonObject district_status(const QJsonObject& status, const std::string& district) {
    for (const auto& d : status["districts"].toArray())
        if (d.toObject()["name"].toString().toStdString() == district) return d.toObject();
    qFatal("no district %s", district.c_str());
    return {};
}

// A server process that dies with the test (a failed test leaves no station, county or witness
// running: PR_SET_PDEATHSIG). Started from the test's main thread only.
std::unique_ptr<QProcess> server_process() {
    auto process = std::make_unique<QProcess>();
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    return process;
}

// A port where nothing listens (bound, then given back without listening).
std::uint16_t dead_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        qFatal("no free port");
    ::close(fd);
    return ntohs(address.sin_port);
}

}  // namespace

class TestCountyDay : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<test::LedgerScenario> scenario_;
    std::vector<std::vector<election::PreparedBallot>> ballots_;  // by district, pre-encrypted
    std::vector<Bytes> opening_;                                  // by district: its records
    std::unique_ptr<station::TlsIdentity> county_identity_;
    std::vector<station::TlsIdentity> station_identities_;
    std::vector<station::TlsIdentity> kiosk_identities_;

    fs::path root() const { return dir_.path().toStdString(); }

    struct Day {
        fs::path dir;
        std::vector<std::unique_ptr<QProcess>> witnesses;
        std::vector<crypto::CosignerKey> witness_keys;
        std::unique_ptr<QProcess> county;
        std::uint16_t county_port = 0;
        std::vector<std::unique_ptr<QProcess>> stations;
        fs::path county_data() const { return dir / "county"; }
        fs::path station_data(std::size_t s) const {
            return dir / ("station-" + std::to_string(s + 1));
        }
        fs::path ready(const std::string& name) const { return dir / (name + ".ready"); }
    };

    fs::path election_file() const { return root() / "election.json"; }

    // A data directory as `psephos ledger init` leaves it, with `records` ingested.
    void make_data(const fs::path& data, std::uint8_t key_tag, const std::vector<Bytes>& records) {
        fs::create_directories(data);
        const ledger::LedgerKey key(test::seeded_key(key_tag));
        if (!crypto::write_signing_key_file(data / "ledger.key", key.master(), "ledger").ok())
            qFatal("ledger.key");
        ledger::LedgerOptions o;
        o.directory = data / "ledger";
        o.threads = 2;
        auto created = ledger::Ledger::create(o, scenario_->election(), scenario_->approval(),
                                              ledger::LedgerKey(test::seeded_key(key_tag)));
        if (!created) qFatal("create: %s", created.error().message.c_str());
        if (records.empty()) return;
        for (auto& r : created.value()->ingest(records, election::ActorRole::poll_worker))
            if (!r) qFatal("opening: %s", r.error().message.c_str());
    }

    void start_county(Day& day) {
        day.county = server_process();
        const QString listen = QStringLiteral("127.0.0.1:%1").arg(day.county_port);
        const QString where = test::start_server(
            *day.county, PSEPHOS_COUNTY_EXE,
            {"serve", "--election", q(election_file()), "--data", q(day.county_data()),
             "--stations", q(day.dir / "stations"), "--listen", listen, "--certificate",
             q(root() / "county.pem"), "--certificate-key", q(root() / "county.pem.key"),
             "--ready-file", q(day.ready("county")), "--witnesses", q(day.dir / "witnesses")},
            q(day.ready("county")));
        day.county_port = static_cast<std::uint16_t>(where.section(' ', 1).toUInt());
    }

    void start_station(Day& day, std::size_t s, std::uint16_t county_port) {
        const StationPlan& plan = stations_plan[s];
        QString districts;
        for (std::size_t d : plan.districts)
            districts += (districts.isEmpty() ? "" : ",") +
                         QString::fromStdString(scenario_->kiosk(d).district_id);
        auto process = server_process();
        test::start_server(*process, PSEPHOS_STATION_EXE,
                           {"serve",
                            "--election",
                            q(election_file()),
                            "--data",
                            q(day.station_data(s)),
                            "--district",
                            districts,
                            "--listen",
                            "127.0.0.1:0",
                            "--station-id",
                            QString::fromStdString(plan.id),
                            "--certificate",
                            q(root() / (plan.id + ".pem")),
                            "--certificate-key",
                            q(root() / (plan.id + ".pem.key")),
                            "--county",
                            QStringLiteral("127.0.0.1:%1").arg(county_port),
                            "--county-certificate",
                            q(root() / "county.pem"),
                            "--ready-file",
                            q(day.ready(plan.id))},
                           q(day.ready(plan.id)));
        day.stations.at(s) = std::move(process);
    }

    // Ballots [from, to) of every district cast by its kiosk, one thread per district.
    void cast(const Day& day, int from, int to) {
        std::vector<std::thread> threads;
        std::vector<std::string> failures(ballots_.size());
        for (std::size_t s = 0; s < stations_plan.size(); ++s) {
            for (std::size_t d : stations_plan[s].districts) {
                threads.emplace_back([&, s, d] {
                    const fs::path ready = day.ready(stations_plan[s].id);
                    const std::string pem = station_identities_[s].certificate_pem();
                    station::StationLink link(
                        [&]() -> Result<station::StationClientOptions> {
                            std::ifstream in(ready);
                            station::StationClientOptions o;
                            unsigned port = 0;
                            if (!(in >> o.host >> port) || port == 0 || port > 65535)
                                return make_error(ErrorCode::not_found, "station not ready");
                            o.port = static_cast<std::uint16_t>(port);
                            o.station_certificate_pem = pem;
                            o.identity = &kiosk_identities_[d];
                            o.timeout = 5s;
                            return o;
                        },
                        station::Hello{0, scenario_->election().base_hash,
                                       scenario_->kiosk(d).device_id},
                        station::Backoff{20ms, 500ms});
                    for (int b = from; b < to; ++b) {
                        const auto& ballot = ballots_[d][static_cast<std::size_t>(b)];
                        auto settled =
                            link.cast(ballot.tracking_code, election::encode_ballot(ballot.ballot),
                                      std::chrono::steady_clock::now() + 30s);
                        if (!settled) {
                            failures[d] = settled.error().message;
                            return;
                        }
                    }
                });
            }
        }
        for (auto& t : threads) t.join();
        for (const auto& f : failures)
            if (!f.empty()) qFatal("a kiosk: %s", f.c_str());
    }

    // Closes the polls of the station's districts in its (stopped) ledger, as the kiosks sign.
    void close_polls(const Day& day, std::size_t s) {
        const fs::path data = day.station_data(s);
        ledger::LedgerOptions o;
        o.directory = data / "ledger";
        o.threads = 2;
        auto opened = ledger::Ledger::open(
            o, ledger::LedgerKey(test::seeded_key(stations_plan[s].ledger_key_tag)));
        if (!opened) qFatal("open: %s", opened.error().message.c_str());
        auto closed = opened.value()->close_all_polls(scenario_->closings(*opened.value()));
        if (!closed) qFatal("close: %s", closed.error().message.c_str());
    }

    // One election day in `name`; with `faults`, the county killed mid-sync and station-3
    // partitioned until half-way. Returns the exported record's directory.
    fs::path run_day(const std::string& name, bool faults) {
        Day day;
        day.dir = root() / name;
        fs::create_directories(day.dir);
        day.stations.resize(stations_plan.size());

        // The ledgers: each station's with its districts opened, the county's empty.
        std::string stations_file;
        for (std::size_t s = 0; s < stations_plan.size(); ++s) {
            std::vector<Bytes> records;
            for (std::size_t d : stations_plan[s].districts) {
                records.push_back(scenario_->registration(d));
                records.push_back(scenario_->polls(election::PollsAction::opened, d));
            }
            make_data(day.station_data(s), stations_plan[s].ledger_key_tag, records);
            const QJsonObject status = ledger_status(day.station_data(s));
            stations_file += "station " + stations_plan[s].id + " " +
                             (root() / (stations_plan[s].id + ".pem")).string() + "\n";
            for (std::size_t d : stations_plan[s].districts) {
                const std::string& id = scenario_->kiosk(d).district_id;
                stations_file += "district " + id + " " +
                                 district_status(status, id)["verifier"].toString().toStdString() +
                                 "\n";
            }
        }
        write_file(day.dir / "stations", stations_file);
        make_data(day.county_data(), 0xCC, {});

        // The witnesses know the county's election log key.
        const QString election_verifier =
            ledger_status(day.county_data())["election_log"].toObject()["verifier"].toString();
        write_file(day.dir / "witness-logs", election_verifier.toStdString() + "\n");
        std::string witnesses_file;
        for (int w = 1; w <= 2; ++w) {
            const QString wname = QStringLiteral("witness.test/w%1").arg(w);
            const QString key = q(day.dir / ("w" + std::to_string(w) + ".key"));
            const Run keygen = test::run_executable(PSEPHOS_WITNESS_EXE,
                                                    {"keygen", "--key", key, "--name", wname});
            must(keygen);
            day.witness_keys.push_back(
                crypto::CosignerKey::parse(keygen.out.trimmed().toStdString()).value());
            day.witnesses.push_back(server_process());
            const fs::path ready = day.ready("w" + std::to_string(w));
            const QString where = test::start_server(
                *day.witnesses.back(), PSEPHOS_WITNESS_EXE,
                {"serve", "--key", key, "--name", wname, "--state",
                 q(day.dir / ("w" + std::to_string(w) + "-state")), "--logs",
                 q(day.dir / "witness-logs"), "--listen", "127.0.0.1:0", "--ready-file", q(ready)},
                q(ready));
            witnesses_file += QString(where).replace(' ', ':').toStdString() + " " +
                              keygen.out.trimmed().toStdString() + "\n";
        }
        write_file(day.dir / "witnesses", witnesses_file);

        start_county(day);
        const std::uint16_t partitioned = faults ? dead_port() : day.county_port;
        for (std::size_t s = 0; s < stations_plan.size(); ++s)
            start_station(day, s, s == 2 ? partitioned : day.county_port);

        // Each station's problems reaching the county, over all its processes of the day.
        std::vector<QByteArray> station_errors(stations_plan.size());
        const auto stop_station = [&](std::size_t s) {
            if (stop(*day.stations[s]) != 0) qFatal("%s did not stop", stations_plan[s].id.c_str());
            station_errors[s] += day.stations[s]->readAllStandardError();
        };
        const int third = ballots_per_district / 3;
        cast(day, 0, third);
        if (faults) {
            // A push pass of the stations reaches the county, then the county is killed while the
            // kiosks go on casting, stays down for more than a pass, and comes back on its port.
            std::this_thread::sleep_for(1200ms);
            std::thread casting([&] { cast(day, third, 2 * third); });
            std::this_thread::sleep_for(50ms);
            day.county->kill();
            day.county->waitForFinished(10'000);
            std::this_thread::sleep_for(1500ms);
            start_county(day);
            casting.join();
            // Station-3's partition healed: it comes back pointed at the county.
            stop_station(2);
            start_station(day, 2, day.county_port);
        } else {
            cast(day, third, 2 * third);
        }
        cast(day, 2 * third, ballots_per_district);

        // The polls close: each station stopped, its districts closed, started again and stopped
        // (it pushes its last records as it stops).
        for (std::size_t s = 0; s < stations_plan.size(); ++s) {
            stop_station(s);
            close_polls(day, s);
            start_station(day, s, day.county_port);
            if (stop(*day.stations[s]) != 0) qFatal("%s did not stop", stations_plan[s].id.c_str());
            const QByteArray errors = day.stations[s]->readAllStandardError();
            if (errors.contains("county:")) qFatal("the last push: %s", errors.constData());
        }
        // With faults, every station met the county's absence (killed, or partitioned); without,
        // none did.
        for (std::size_t s = 0; s < stations_plan.size(); ++s)
            if (station_errors[s].contains("county:") != faults)
                qFatal("%s, %s: %s", name.c_str(), stations_plan[s].id.c_str(),
                       station_errors[s].constData());
        if (stop(*day.county) != 0) qFatal("the county did not stop");
        const QByteArray county_errors = day.county->readAllStandardError();
        if (county_errors.contains("refused") || county_errors.contains("witness:"))
            qFatal("county: %s", county_errors.constData());

        // The county holds every district as its station does, polls closed.
        const QJsonObject county = ledger_status(day.county_data());
        for (std::size_t s = 0; s < stations_plan.size(); ++s) {
            const QJsonObject station = ledger_status(day.station_data(s));
            for (std::size_t d : stations_plan[s].districts) {
                const std::string& id = scenario_->kiosk(d).district_id;
                const QJsonObject held = district_status(county, id);
                const QJsonObject pushed = district_status(station, id);
                if (held["root"] != pushed["root"] || held["size"] != pushed["size"])
                    qFatal("%s: the county's %s is not the station's", name.c_str(), id.c_str());
                if (held["polls"].toString() != "closed") qFatal("%s not closed", id.c_str());
            }
        }
        // Both witnesses cosigned the county's final election checkpoint.
        const std::string final_note =
            county["election_log"].toObject()["signed_checkpoint"].toString().toStdString();
        for (const auto& key : day.witness_keys) {
            const fs::path file = station::cosigned_note_path(day.county_data() / "cosignatures",
                                                              key.name, ledger::election_log_name);
            if (!fs::exists(file)) qFatal("%s: missing", file.c_str());
            const std::string cosigned = test::read_all(q(file)).toStdString();
            if (cosigned.rfind(final_note, 0) != 0)
                qFatal("%s: not the final checkpoint", file.c_str());
            if (!crypto::open_cosigned_note(cosigned, key))
                qFatal("%s: not cosigned", file.c_str());
        }

        must(test::run({"tally", "--data", q(day.county_data())}));
        // The tally grew the district logs: the election checkpoint over it, cosigned by both
        // witnesses, then the county's record with the stations' checkpoints, the evidence and
        // the cosignatures, verified against a 2-of-2 witness policy (docs/county.md §3.1).
        must(test::run_executable(PSEPHOS_COUNTY_EXE, {"cosign", "--data", q(day.county_data()),
                                                       "--witnesses", q(day.dir / "witnesses")}));
        for (auto& w : day.witnesses) stop(*w);
        std::string policy = "quorum 2\n";
        for (const auto& key : day.witness_keys) policy += "witness " + key.to_text() + "\n";
        write_file(day.dir / "policy", policy);
        const fs::path record = day.dir / "record";
        must(test::run({"export", "--data", q(day.county_data()), "--out", q(record), "--stations",
                        q(day.dir / "stations"), "--witnesses", q(day.dir / "witnesses")}));
        const Run verified =
            test::run({"verify", q(record), "--witness-policy", q(day.dir / "policy")});
        if (verified.exit_code != 0) qFatal("verify: %s", qPrintable(describe(verified)));
        for (const char* check : {"PASS V32 station-checkpoints district d1", "PASS V33",
                                  "PASS V34 witness-cosignatures log /election (2 cosignatures"})
            if (!verified.out.contains(check)) qFatal("verify: no '%s'", check);
        // A voter's proofs from the record (docs/proof-bundle.md §3 P14, §5): the bundle carries
        // the witnesses' cosigned election checkpoint, and the ballot's C2SP tlog-proof verifies
        // against the election log's key and the 2-of-2 policy.
        if (!faults) {
            const election::EncryptedBallot& first = ballots_[0][0].ballot;
            const QString code = QString::fromStdString(
                election::next_tracking_code(first.previous_tracking_code,
                                             election::compute_ballot_hash(first))
                    .to_hex());
            must(test::run({"proof", code, "--record", q(record), "--out",
                            q(day.dir / "bundle.json"), "--tlog-proof",
                            q(day.dir / "ballot.tlog-proof")}));
            const Run bundle = test::run({"proof", "verify", q(day.dir / "bundle.json"),
                                          "--witness-policy", q(day.dir / "policy")});
            if (!bundle.out.contains("PASS P14 witnessed election checkpoint"))
                qFatal("proof verify: %s", qPrintable(describe(bundle)));
            const Run tlog = test::run({"proof", "verify-tlog", q(day.dir / "ballot.tlog-proof"),
                                        "--log-key", election_verifier, "--witness-policy",
                                        q(day.dir / "policy"), "--tracking-code", code});
            if (tlog.exit_code != 0) qFatal("proof verify-tlog: %s", qPrintable(describe(tlog)));
        }
        return record;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        scenario_ = std::make_unique<test::LedgerScenario>(four_districts());
        ballots_.resize(scenario_->kiosks().size());
        for (std::size_t d = 0; d < ballots_.size(); ++d) {
            for (int b = 0; b < ballots_per_district; ++b)
                ballots_[d].push_back(scenario_->next_ballot(d, static_cast<std::uint64_t>(b)));
            auto identity =
                station::make_tls_identity(scenario_->kiosk(d).key, scenario_->kiosk(d).device_id);
            QVERIFY(identity);
            kiosk_identities_.push_back(std::move(identity).value());
        }
        write_file(election_file(), election::manifest_to_json(scenario_->election().manifest));
        auto county = station::make_tls_identity(test::seeded_key(0x7F), "county");
        QVERIFY(county);
        county_identity_ = std::make_unique<station::TlsIdentity>(std::move(county).value());
        write_file(root() / "county.pem", county_identity_->certificate_pem());
        write_file(root() / "county.pem.key", county_identity_->private_key_pem(), 0600);
        for (const StationPlan& plan : stations_plan) {
            auto identity = station::make_tls_identity(test::seeded_key(plan.tls_key_tag), plan.id);
            QVERIFY(identity);
            write_file(root() / (plan.id + ".pem"), identity.value().certificate_pem());
            write_file(root() / (plan.id + ".pem.key"), identity.value().private_key_pem(), 0600);
            station_identities_.push_back(std::move(identity).value());
        }
    }

    void a_day_with_faults_gives_the_record_of_a_day_without() {
        const auto started = std::chrono::steady_clock::now();
        const fs::path faulty = run_day("faults", true);
        const fs::path clean = run_day("clean", false);
        for (const auto& kiosk : scenario_->kiosks()) {
            const fs::path records = fs::path("districts") / kiosk.district_id / "records.bin";
            QVERIFY2(fs::exists(faulty / records), (faulty / records).c_str());
            const QByteArray a = test::read_all(q(faulty / records));
            const QByteArray b = test::read_all(q(clean / records));
            QVERIFY2(a == b, kiosk.district_id.c_str());
            QVERIFY(a.size() > 0);
        }
        qInfo("two election days in %lld ms",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started)
                                         .count()));
    }
};

QTEST_GUILESS_MAIN(TestCountyDay)
#include "tst_county_day.moc"
