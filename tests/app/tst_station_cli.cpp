// `psephos-station` as an official runs it, a real process on 127.0.0.1 (docs/station.md): a
// ledger set up with `psephos` commands, the station's certificate and a kiosk's made by
// `psephos-station`, then `serve` on a free port; a kiosk (StationClient with the certificate
// `device-certificate` wrote) is welcomed and gets status and pong; a device the ledger never
// registered is refused, in the station's stderr and in the event log; SIGTERM stops it with exit
// 0 and the ledger reopens and checks clean. Then the refusals to start: another district, a
// missing certificate, a key file others can read, a key of another certificate, a port in use,
// another election's manifest, no ledger key, a bad --listen. The slots run in order.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/scalar.hpp"
#include "psephos/station/station_client.hpp"
#include "psephos_process.hpp"
#include "station_commands.hpp"

using namespace psephos;
using test::describe;
using test::read_all;
using test::Run;

namespace {

const QString small_sample = QStringLiteral(PSEPHOS_SAMPLES_DIR) + "/small-election.json";

Run run_station(const QStringList& args) {
    return test::run_executable(QStringLiteral(PSEPHOS_STATION_EXE), args);
}

unsigned mode_of(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return 0xffff;
    return static_cast<unsigned>(st.st_mode & 07777);
}

// "AB:CD:…", as `openssl x509 -fingerprint -sha256` prints it, of a PEM certificate's DER.
QString fingerprint_of(const QByteArray& pem) {
    QByteArray body;
    for (const QByteArray& line : pem.split('\n'))
        if (!line.startsWith("-----")) body += line;
    const QByteArray digest =
        QCryptographicHash::hash(QByteArray::fromBase64(body), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

// A socket listening on 127.0.0.1 at a free port, closed on destruction.
struct Occupied {
    Occupied() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
            ::listen(fd, 1) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
            qFatal("cannot occupy a port");
        port = ntohs(address.sin_port);
    }
    ~Occupied() { ::close(fd); }
    Occupied(const Occupied&) = delete;
    Occupied& operator=(const Occupied&) = delete;
    int fd = -1;
    std::uint16_t port = 0;
};

}  // namespace

class TestStationCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString election_, data_, station_cert_, station_key_;
    std::unique_ptr<QProcess> station_;
    QString station_err_;  // everything the running station wrote to stderr so far
    std::uint16_t port_ = 0;

    QString path(const QString& name) const { return dir_.filePath(name); }

    static void must(const Run& r) {
        if (r.exit_code != 0) qFatal("%s", qPrintable(describe(r)));
    }

    // A device key made by `psephos ledger device-key`, authorised for ward-1 and registered when
    // `register` (psephos authority authorise-device, psephos ledger register-device).
    void make_device(const QString& device, bool register_it) {
        const QString key = path(device + ".key");
        must(test::run({"ledger", "device-key", "--out", key, "--device", device}));
        if (!register_it) return;
        const QString authorisation = path(device + ".authorisation");
        must(test::run({"authority", "authorise-device", "--key", path("authority.key"),
                        "--election", election_, "--district", "ward-1", "--device", device,
                        "--public-key", key + ".pub", "--out", authorisation}));
        must(test::run(
            {"ledger", "register-device", "--data", data_, "--authorisation", authorisation}));
    }

    QStringList serve_args(const QString& listen, const QString& ready = {}) const {
        QStringList args{"serve",     "--election",    election_,     "--data",
                         data_,       "--district",    "ward-1",      "--listen",
                         listen,      "--certificate", station_cert_, "--certificate-key",
                         station_key_};
        if (!ready.isEmpty()) args << "--ready-file" << ready;
        return args;
    }

    station::TlsIdentity identity_of(const QString& device) const {
        return station::TlsIdentity(read_all(path(device + ".pem")).toStdString(),
                                    read_all(path(device + ".pem.key")).toStdString());
    }

    Result<std::unique_ptr<station::StationClient>> connect(
        const station::TlsIdentity& identity) const {
        station::StationClientOptions o;
        o.port = port_;
        o.station_certificate_pem = read_all(station_cert_).toStdString();
        o.identity = &identity;
        o.timeout = std::chrono::milliseconds(10'000);
        return station::StationClient::connect(o);
    }

    // Waits (at most 10 s) until the running station's stderr contains `text`.
    bool station_said(const QString& text) {
        for (int i = 0; i < 100 && !station_err_.contains(text); ++i) {
            station_->waitForReadyRead(100);
            station_err_ += QString::fromUtf8(station_->readAllStandardError());
        }
        return station_err_.contains(text);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        crypto::initialize();
        const test::ApprovedLedger ledger = test::make_approved_ledger(small_sample, dir_.path());
        election_ = ledger.election;
        data_ = ledger.data;
        make_device("ward-1-kiosk-1", true);
        make_device("ward-1-kiosk-9", false);  // never registered
        station_cert_ = path("station.pem");
        station_key_ = path("station.key");
    }

    void cleanupTestCase() {
        if (station_ && station_->state() != QProcess::NotRunning) {
            station_->kill();
            station_->waitForFinished(10'000);
        }
    }

    void help_explains_each_command() {
        const Run top = run_station({"--help"});
        QCOMPARE(top.exit_code, 0);
        for (const char* command : {"serve --election MANIFEST --data DIR --district D --listen",
                                    "new-certificate --certificate CERT.pem", "device-certificate"})
            QVERIFY2(top.out.contains(QStringLiteral("psephos-station ") + command), command);
        const Run serve = run_station({"serve", "--help"});
        QCOMPARE(serve.exit_code, 0);
        QVERIFY2(serve.out.startsWith("usage: psephos-station serve --election MANIFEST"),
                 qPrintable(serve.out));
        QVERIFY2(serve.out.contains("SIGTERM"), qPrintable(serve.out));
        const Run none = run_station({"serve", "--data", data_});
        QCOMPARE(none.exit_code, 2);
        QVERIFY2(none.err.contains("missing --election"), qPrintable(describe(none)));
    }

    void new_certificate_writes_a_private_key_and_prints_the_fingerprint() {
        const Run r = run_station({"new-certificate", "--certificate", station_cert_,
                                   "--certificate-key", station_key_, "--name", "station-test"});
        QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
        QCOMPARE(mode_of(station_key_), 0600u);
        QCOMPARE(mode_of(station_cert_), 0644u);
        QVERIFY(read_all(station_key_).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        const QByteArray pem = read_all(station_cert_);
        QVERIFY(pem.startsWith("-----BEGIN CERTIFICATE-----\n"));
        QVERIFY2(r.out.contains("SHA-256 fingerprint: " + fingerprint_of(pem) + "\n"),
                 qPrintable(r.out));
        QVERIFY(station::certificate_key(pem.toStdString()));
    }

    void new_certificate_never_overwrites() {
        const QByteArray before = read_all(station_key_);
        const Run r = run_station({"new-certificate", "--certificate", path("other.pem"),
                                   "--certificate-key", station_key_});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains(station_key_ + ": already exists; refusing to overwrite it"),
                 qPrintable(describe(r)));
        QCOMPARE(read_all(station_key_), before);
        QVERIFY(!QFile::exists(path("other.pem")));
    }

    void device_certificate_carries_the_device_key() {
        for (const QString device : {"ward-1-kiosk-1", "ward-1-kiosk-9"}) {
            const Run r =
                run_station({"device-certificate", "--device-key", path(device + ".key"),
                             "--device-id", device, "--certificate", path(device + ".pem"),
                             "--certificate-key", path(device + ".pem.key")});
            QVERIFY2(r.exit_code == 0, qPrintable(describe(r)));
            QCOMPARE(mode_of(path(device + ".pem.key")), 0600u);
            auto carried = station::certificate_key(read_all(path(device + ".pem")).toStdString());
            QVERIFY(carried);
            auto device_key = crypto::read_public_key_file(path(device + ".key.pub").toStdString());
            QVERIFY(device_key);
            QVERIFY(carried.value() == device_key.value());
        }
        const Run bad = run_station({"device-certificate", "--device-key", path("nope.key"),
                                     "--device-id", "ward-1-kiosk-2", "--certificate",
                                     path("k2.pem"), "--certificate-key", path("k2.pem.key")});
        QCOMPARE(bad.exit_code, 1);
        QVERIFY2(bad.err.contains("--device-key: " + path("nope.key")), qPrintable(describe(bad)));
        QVERIFY(!QFile::exists(path("k2.pem.key")));
    }

    void serve_welcomes_a_registered_kiosk() {
        const QString ready = path("ready");
        station_ = std::make_unique<QProcess>();
        // Should this test die, the station dies with it rather than serving on.
        station_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        station_->start(QStringLiteral(PSEPHOS_STATION_EXE), serve_args("127.0.0.1:0", ready));
        QVERIFY(station_->waitForStarted());
        for (int i = 0; i < 300 && !QFile::exists(ready); ++i)
            QVERIFY2(!station_->waitForFinished(100),
                     qPrintable("the station stopped: " + station_->readAllStandardError()));
        QVERIFY2(QFile::exists(ready), "no ready file after 30 s");
        const QStringList words = QString::fromUtf8(read_all(ready)).split(' ');
        QCOMPARE(words.size(), 2);
        QCOMPARE(words[0], QString("127.0.0.1"));
        QVERIFY(words[1].endsWith('\n'));
        port_ = static_cast<std::uint16_t>(words[1].trimmed().toUInt());
        QVERIFY(port_ != 0);

        const station::TlsIdentity identity = identity_of("ward-1-kiosk-1");
        auto client = connect(identity);
        QVERIFY2(client, client ? "" : client.error().message.c_str());
        auto election = app::load_finalized_election(election_.toStdString());
        QVERIFY(election);
        const Hash32 hash = election.value().base_hash;
        auto answer = client.value()->request(station::Hello{1, hash, "ward-1-kiosk-1"});
        QVERIFY(answer);
        const auto* welcome = std::get_if<station::Welcome>(&answer.value());
        QVERIFY(welcome != nullptr);
        QCOMPARE(welcome->station_id, std::string("station-ward-1"));
        QCOMPARE(welcome->district_id, std::string("ward-1"));
        QVERIFY(welcome->base_hash == hash);
        answer = client.value()->request(station::StatusRequest{2});
        QVERIFY(answer);
        const auto* status = std::get_if<station::StatusReport>(&answer.value());
        QVERIFY(status != nullptr);
        QCOMPARE(status->polls, station::PollsState::not_opened);
        QCOMPARE(status->log_size, std::uint64_t{1});  // the registration
        answer = client.value()->request(station::Ping{3, 0x5eed});
        QVERIFY(answer);
        const auto* pong = std::get_if<station::Pong>(&answer.value());
        QVERIFY(pong != nullptr);
        QCOMPARE(pong->nonce, std::uint64_t{0x5eed});
    }

    void serve_refuses_an_unregistered_device() {
        QVERIFY(station_);
        const station::TlsIdentity identity = identity_of("ward-1-kiosk-9");
        auto client = connect(identity);
        if (client) {
            auto answer = client.value()->receive();
            if (answer) {
                const auto* error = std::get_if<station::ErrorReply>(&answer.value());
                QVERIFY(error != nullptr);
                QCOMPARE(error->code, station::ReplyCode::not_authorised);
            }
        }
        QVERIFY2(station_said("(no device yet): the client certificate's key is not a registered "
                              "device key of the station's districts (ward-1)\n"),
                 qPrintable(station_err_));
        QVERIFY(station_err_.startsWith("psephos-station: refused 127.0.0.1:"));

        // A flood of the same refusal within a second prints far fewer lines than attempts, and
        // a later line counts the ones left out (thinned as the event log is).
        const qsizetype before = station_err_.count('\n');
        for (int i = 0; i < 20; ++i) {
            auto again = connect(identity);
            if (again) (void)again.value()->receive();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
        auto last = connect(identity);
        if (last) (void)last.value()->receive();
        QVERIFY2(station_said("earlier refusals of a flood, not printed)\n"),
                 qPrintable(station_err_));
        QVERIFY2(station_err_.count('\n') - before < 10, qPrintable(station_err_));
    }

    void sigterm_stops_the_station_and_the_ledger_reopens() {
        QVERIFY(station_);
        station_->terminate();
        QVERIFY2(station_->waitForFinished(30'000), "the station did not stop on SIGTERM");
        QCOMPARE(station_->exitStatus(), QProcess::NormalExit);
        QCOMPARE(station_->exitCode(), 0);
        const QString out = QString::fromUtf8(station_->readAllStandardOutput());
        QVERIFY2(out.contains("station station-ward-1: SIGTERM, stopping"), qPrintable(out));
        QVERIFY2(out.endsWith("station station-ward-1: stopped\n"), qPrintable(out));
        QVERIFY(!QFile::exists(path("ready")));
        const Run check = test::run({"ledger", "check", "--data", data_});
        QVERIFY2(check.exit_code == 0, qPrintable(describe(check)));
        const Run events = test::run({"ledger", "events", "--data", data_});
        QVERIFY2(events.exit_code == 0, qPrintable(describe(events)));
        QVERIFY2(events.out.contains("station station-ward-1: listening on 127.0.0.1:" +
                                     QString::number(port_)),
                 qPrintable(events.out));
        QVERIFY2(events.out.contains("error system failure ward-1 station station-ward-1: "
                                     "127.0.0.1:"),
                 qPrintable(events.out));
        QVERIFY2(events.out.contains(
                     "is not a registered device key of the station's districts (ward-1)"),
                 qPrintable(events.out));
        QVERIFY2(events.out.contains("ledger-stopped"), qPrintable(events.out));
    }

    void serve_refuses_to_start_data() {
        QTest::addColumn<QString>("flag");  // replaced in serve_args, or added
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("exit_code");
        QTest::addColumn<QString>("expected");
        QTest::newRow("another district")
            << "--district"
            << "ward-9" << 1
            << "--district 'ward-9': no such district in election 'maplewood-municipal-2026' "
               "(its districts: ward-1, ward-2)";
        QTest::newRow("a district twice")
            << "--district"
            << "ward-1,ward-2,ward-1" << 1 << "--district 'ward-1': given twice";
        QTest::newRow("an empty district") << "--district"
                                           << "ward-1," << 1 << "--district '': no such district";
        QTest::newRow("missing certificate") << "--certificate" << path("missing.pem") << 1
                                             << "--certificate: " + path("missing.pem");
        QTest::newRow("not a certificate")
            << "--certificate" << path("ward-1-kiosk-1.key.pub") << 1
            << "--certificate " + path("ward-1-kiosk-1.key.pub") + ":";
        QTest::newRow("key of another certificate")
            << "--certificate-key" << path("ward-1-kiosk-1.pem.key") << 1
            << "with --certificate-key " + path("ward-1-kiosk-1.pem.key") +
                   ": station private key: key values mismatch";
        QTest::newRow("no ledger key")
            << "--key" << path("missing.key") << 1
            << path("missing.key") + ": cannot open: No such file or directory (the ledger key";
        QTest::newRow("another election")
            << "--election" << path("other/election.json") << 1
            << "the ledger there is election 'maplewood-municipal-2026' with another base hash";
        QTest::newRow("listen without a port")
            << "--listen"
            << "127.0.0.1" << 2 << "--listen '127.0.0.1': expected HOST:PORT";
        QTest::newRow("listen on a name") << "--listen"
                                          << "localhost:0" << 1 << "station: address 'localhost'";
    }

    void serve_refuses_to_start() {
        QFETCH(QString, flag);
        QFETCH(QString, value);
        QFETCH(int, exit_code);
        QFETCH(QString, expected);
        if (value == path("other/election.json") && !QFile::exists(value))
            must(test::run({"ceremony", "--election", small_sample, "--guardians", "5",
                            "--threshold", "3", "--out", path("other")}));
        QStringList args = serve_args("127.0.0.1:0");
        const qsizetype at = args.indexOf(flag);
        if (at < 0)
            args << flag << value;
        else
            args[at + 1] = value;
        const Run r = run_station(args);
        QVERIFY2(r.exit_code == exit_code, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(expected), qPrintable(describe(r)));
        QVERIFY(r.out.isEmpty());
    }

    void serve_refuses_a_port_in_use() {
        const Occupied occupied;
        const Run r = run_station(serve_args("127.0.0.1:" + QString::number(occupied.port)));
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("--listen 127.0.0.1:" + QString::number(occupied.port) +
                                ": station: cannot listen on") &&
                     r.err.contains("Address already in use (another program, or another "
                                    "station, is listening on that port)"),
                 qPrintable(describe(r)));
    }

    void log_lines_cannot_be_forged() {
        using app::station_cli::one_line;
        QCOMPARE(one_line("ward-1-kiosk-1"), std::string("ward-1-kiosk-1"));
        QCOMPARE(one_line("x\npsephos-station: refused 1.2.3.4:5 (device y): forged\r\x1b[2J\x7f"),
                 std::string("x?psephos-station: refused 1.2.3.4:5 (device y): forged??[2J?"));
    }

    void serve_refuses_a_certificate_key_others_can_read() {
        const QString key = path("readable.key");
        QVERIFY(QFile::copy(station_key_, key));
        QVERIFY(::chmod(QFile::encodeName(key).constData(), 0644) == 0);
        QStringList args = serve_args("127.0.0.1:0");
        args[args.indexOf("--certificate-key") + 1] = key;
        const Run r = run_station(args);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("--certificate-key: " + key + ": mode 0644"),
                 qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestStationCli)
#include "tst_station_cli.moc"
