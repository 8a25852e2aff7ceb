// psephos-kiosk: the polling-station kiosk (docs/kiosk.md).
//   In process (the ledger in DIR, with its key):
//   psephos-kiosk --election MANIFEST --district D --data DIR --device-key FILE --device-id ID
//                 --poll-worker-passphrase FILE [--two-person-close | --closing-passphrase FILE]
//                 [--key FILE] [--timeout SECONDS] [--windowed]
//   Networked (the polling place's station has the ledger; DIR holds only the kiosk's state):
//   psephos-kiosk --station HOST:PORT --station-certificate PEM --election MANIFEST --district D
//                 --data DIR --device-key FILE --device-id ID --poll-worker-passphrase FILE …
//   psephos-kiosk --new-poll-worker-passphrase FILE     (reads the passphrase from stdin)
//   psephos-kiosk --add-poll-worker FILE --name NAME --roles open,pause,close,voters
//                 [--passphrase-fd N]                  (stdin, or the first line read from fd N)
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>

#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <string>

#include "kiosk_controller.hpp"
#include "kiosk_qml.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/poll_worker_credentials.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

namespace {

std::string help_text(const QCommandLineParser& parser) {
    return parser.helpText()
        .replace(QStringLiteral("<executable_name>"), QStringLiteral("psephos-kiosk"))
        .toStdString();
}

int new_passphrase(const QString& path) {
    std::string passphrase;
    if (!std::getline(std::cin, passphrase)) {
        std::cerr << "psephos-kiosk: no passphrase on standard input\n";
        return 1;
    }
    auto written =
        psephos::kiosk::write_poll_worker_passphrase_file(path.toStdString(), passphrase);
    psephos::crypto::wipe(passphrase);
    if (!written) {
        std::cerr << "psephos-kiosk: " << written.error().message << '\n';
        return 1;
    }
    std::cout << "wrote " << path.toStdString()
              << " (the poll-worker passphrase's Argon2id hash, mode 0600)\n";
    return 0;
}

// The first line read from `fd` (its line break not kept), or nothing; at most 1024 bytes.
bool read_line_from_fd(int fd, std::string& line) {
    char c = 0;
    while (line.size() <= 1024) {
        const ssize_t got = ::read(fd, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return !line.empty();
        if (c == '\n') return true;
        line.push_back(c);
    }
    return false;
}

int add_poll_worker(const QString& path, const QString& name, const QString& roles_text,
                    const QString& fd_text) {
    int fd = 0;
    if (!fd_text.isEmpty()) {
        bool ok = false;
        fd = fd_text.toInt(&ok);
        if (!ok || fd < 0) {
            std::cerr << "psephos-kiosk: --passphrase-fd must be a file descriptor number\n";
            return 2;
        }
    }
    auto roles = psephos::kiosk::parse_poll_worker_roles(roles_text.toStdString());
    if (!roles) {
        std::cerr << "psephos-kiosk: --roles: " << roles.error().message << '\n';
        return 2;
    }
    std::string passphrase;
    passphrase.reserve(1100);  // no reallocation leaves a copy behind
    const bool got = read_line_from_fd(fd, passphrase);
    if (!got) {
        psephos::crypto::wipe(passphrase);
        std::cerr << "psephos-kiosk: no passphrase line on "
                  << (fd == 0 ? std::string("standard input") : "fd " + std::to_string(fd)) << '\n';
        return 1;
    }
    auto added = psephos::kiosk::add_poll_worker_credential(path.toStdString(), name.toStdString(),
                                                            *roles, passphrase);
    psephos::crypto::wipe(passphrase);
    if (!added) {
        std::cerr << "psephos-kiosk: " << added.error().message << '\n';
        return 1;
    }
    std::cout << "added poll worker '" << name.toStdString() << "' ("
              << psephos::kiosk::roles_to_string(*roles) << ") to " << path.toStdString()
              << " (mode 0600)\n";
    return 0;
}

// The passphrase hashes and the station, or why the kiosk cannot take ballots. A kiosk that
// cannot open its ledger or read a passphrase file still starts, and says why on its screen and on
// stderr: a poll worker must see the problem, not a vanished window.
struct Startup {
    std::unique_ptr<psephos::kiosk::KioskStation> station;
    std::vector<psephos::kiosk::PollWorkerCredential> poll_workers;
    std::string closing_hash;
    QString error;
};

Startup start_station(const psephos::kiosk::KioskConfig& config, const QString& passphrase_file,
                      const QString& closing_file) {
    Startup s;
    auto read = psephos::kiosk::read_poll_worker_credentials(passphrase_file.toStdString());
    if (!read) {
        s.error = QString::fromStdString(read.error().message);
        return s;
    }
    s.poll_workers = std::move(read).value();
    if (!closing_file.isEmpty()) {
        auto closing = psephos::kiosk::read_poll_worker_passphrase_file(closing_file.toStdString());
        if (!closing) {
            s.error = QString::fromStdString(closing.error().message);
            return s;
        }
        s.closing_hash = std::move(closing).value();
    }
    auto opened = psephos::kiosk::KioskStation::open(config);
    if (opened)
        s.station = std::move(opened).value();
    else
        s.error = QString::fromStdString(opened.error().message);
    return s;
}

// The command line's options, in the order of --help.
struct KioskOptions {
    QCommandLineOption election{{QStringLiteral("election")},
                                QStringLiteral("The finalized election manifest."),
                                QStringLiteral("MANIFEST")};
    QCommandLineOption district{{QStringLiteral("district")},
                                QStringLiteral("The district this kiosk serves."),
                                QStringLiteral("D")};
    QCommandLineOption data{
        {QStringLiteral("data")},
        QStringLiteral("In process: the ledger's data directory (psephos ledger init). "
                       "Networked: the kiosk's own state directory."),
        QStringLiteral("DIR")};
    QCommandLineOption key{
        {QStringLiteral("key")},
        QStringLiteral("In process only: the ledger key (default DIR/ledger.key)."),
        QStringLiteral("FILE")};
    QCommandLineOption station{
        {QStringLiteral("station")},
        QStringLiteral("Networked: the station's IP address and port (10.0.0.2:7400, [::1]:7400)."),
        QStringLiteral("HOST:PORT")};
    QCommandLineOption station_certificate{
        {QStringLiteral("station-certificate")},
        QStringLiteral("Networked: the station's certificate (PEM), pinned."),
        QStringLiteral("PEM")};
    QCommandLineOption device_key{{QStringLiteral("device-key")},
                                  QStringLiteral("The device's signing key file."),
                                  QStringLiteral("FILE")};
    QCommandLineOption device_id{{QStringLiteral("device-id")},
                                 QStringLiteral("The device id registered in the district."),
                                 QStringLiteral("ID")};
    QCommandLineOption passphrase{
        {QStringLiteral("poll-worker-passphrase")},
        QStringLiteral(
            "The poll workers' credentials file (--add-poll-worker), or a one-passphrase "
            "file (--new-poll-worker-passphrase: one unnamed poll worker, every role)."),
        QStringLiteral("FILE")};
    QCommandLineOption two_person{
        {QStringLiteral("two-person-close")},
        QStringLiteral("Closing the polls needs a second, different named poll worker with the "
                       "close role (always so where the manifest's polls.close_requires is 2).")};
    QCommandLineOption closing_pass{
        {QStringLiteral("closing-passphrase")},
        QStringLiteral("A second poll worker's passphrase hash file: closing the polls then needs "
                       "it too."),
        QStringLiteral("FILE")};
    QCommandLineOption new_pass{
        {QStringLiteral("new-poll-worker-passphrase")},
        QStringLiteral("Write a passphrase hash file from the passphrase on stdin, then exit."),
        QStringLiteral("FILE")};
    QCommandLineOption add_worker{
        {QStringLiteral("add-poll-worker")},
        QStringLiteral(
            "Add a named poll worker (--name, --roles; the passphrase's line on stdin or "
            "--passphrase-fd) to a credentials file, made if missing, then exit."),
        QStringLiteral("FILE")};
    QCommandLineOption name{{QStringLiteral("name")},
                            QStringLiteral("With --add-poll-worker: the poll worker's name."),
                            QStringLiteral("NAME")};
    QCommandLineOption roles{
        {QStringLiteral("roles")},
        QStringLiteral("With --add-poll-worker: open, pause, close, voters, separated by commas."),
        QStringLiteral("ROLES")};
    QCommandLineOption passphrase_fd{
        {QStringLiteral("passphrase-fd")},
        QStringLiteral("With --add-poll-worker: read the passphrase from this file descriptor."),
        QStringLiteral("N")};
    QCommandLineOption timeout{{QStringLiteral("timeout")},
                               QStringLiteral("Voter inactivity timeout in seconds (default 120)."),
                               QStringLiteral("SECONDS"),
                               QStringLiteral("120")};
    QCommandLineOption windowed{{QStringLiteral("windowed")},
                                QStringLiteral("A window instead of full screen.")};
};

// psephos-kiosk --add-poll-worker FILE --name NAME --roles ROLES [--passphrase-fd N].
int add_poll_worker_command(const QCommandLineParser& parser, const KioskOptions& o) {
    if (!parser.isSet(o.name) || !parser.isSet(o.roles)) {
        std::cerr << "psephos-kiosk: --add-poll-worker needs --name and --roles\n";
        return 2;
    }
    return add_poll_worker(
        parser.value(o.add_worker), parser.value(o.name), parser.value(o.roles),
        parser.isSet(o.passphrase_fd) ? parser.value(o.passphrase_fd) : QString());
}

// The kiosk's command line, checked before any GUI exists; false (having said why) for exit 2.
bool kiosk_usage_ok(const QCommandLineParser& parser, const KioskOptions& o) {
    if (parser.isSet(o.two_person) && parser.isSet(o.closing_pass)) {
        std::cerr << "psephos-kiosk: --two-person-close takes the second poll worker from the "
                     "credentials file; --closing-passphrase is the older way: give one\n";
        return false;
    }
    for (const auto* required :
         {&o.election, &o.district, &o.data, &o.device_key, &o.device_id, &o.passphrase}) {
        if (!parser.isSet(*required)) {
            std::cerr << "psephos-kiosk: --" << required->names().first().toStdString()
                      << " is required\n"
                      << help_text(parser);
            return false;
        }
    }
    if (parser.isSet(o.station) != parser.isSet(o.station_certificate)) {
        std::cerr << "psephos-kiosk: --station and --station-certificate go together (the "
                     "networked kiosk pins its station's certificate)\n";
        return false;
    }
    if (parser.isSet(o.station) && parser.isSet(o.key)) {
        std::cerr << "psephos-kiosk: --key is for the in-process kiosk; a networked kiosk "
                     "(--station) holds no ledger key\n";
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything else: the kiosk holds the device key (in process also the ledger key) and,
    // during a session, a voter's marks; no core file may keep them.
    if (const psephos::Status hardened = psephos::crypto::disable_core_dumps(); !hardened) {
        std::cerr << "psephos-kiosk: " << hardened.error().message << '\n';
        return 1;
    }
    // The command line is read before any GUI exists, so usage errors and the passphrase command
    // work without a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Psephos polling-station kiosk.\n\n"
        "In process (a one-kiosk station): the kiosk opens the district ledger in --data DIR and "
        "holds the ledger key (DIR/ledger.key or --key).\n"
        "Networked: --station HOST:PORT and --station-certificate PEM; the kiosk talks to the "
        "polling place's station (psephos-station) over mutual TLS with its device key and holds "
        "no ledger and no ledger key; --data DIR holds only its own state (its head, a ballot in "
        "flight, receipt files).\n"
        "Both need --election, --district, --data, --device-key, --device-id and "
        "--poll-worker-passphrase."));
    parser.addHelpOption();
    const KioskOptions options_list;
    const auto& [election, district, data, key, station, station_certificate, device_key, device_id,
                 passphrase, two_person, closing_pass, new_pass, add_worker, name, roles,
                 passphrase_fd, timeout, windowed] = options_list;
    parser.addOptions({election, district, data, key, station, station_certificate, device_key,
                       device_id, passphrase, two_person, closing_pass, new_pass, add_worker, name,
                       roles, passphrase_fd, timeout, windowed});
    if (!parser.parse(arguments)) {
        std::cerr << "psephos-kiosk: " << parser.errorText().toStdString() << '\n'
                  << help_text(parser);
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::cout << help_text(parser);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::cerr << "psephos-kiosk: unexpected argument '"
                  << parser.positionalArguments().first().toStdString() << "'\n";
        return 2;
    }
    if (parser.isSet(new_pass)) return new_passphrase(parser.value(new_pass));
    if (parser.isSet(add_worker)) return add_poll_worker_command(parser, options_list);
    if (!kiosk_usage_ok(parser, options_list)) return 2;
    bool timeout_ok = false;
    const int timeout_seconds = parser.value(timeout).toInt(&timeout_ok);
    if (!timeout_ok || timeout_seconds < 10 || timeout_seconds > 3600) {
        std::cerr << "psephos-kiosk: --timeout must be 10 to 3600 seconds\n";
        return 2;
    }

    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("psephos-kiosk"));
    psephos::kiosk::KioskConfig config;
    config.election = parser.value(election).toStdString();
    config.district_id = parser.value(district).toStdString();
    config.data = parser.value(data).toStdString();
    if (parser.isSet(key)) config.ledger_key = parser.value(key).toStdString();
    if (parser.isSet(station)) {
        config.station = parser.value(station).toStdString();
        config.station_certificate = parser.value(station_certificate).toStdString();
    }
    config.device_key = parser.value(device_key).toStdString();
    config.device_id = parser.value(device_id).toStdString();

    Startup startup =
        start_station(config, parser.value(passphrase),
                      parser.isSet(closing_pass) ? parser.value(closing_pass) : QString());
    const QString& error = startup.error;
    if (!error.isEmpty()) std::cerr << "psephos-kiosk: " << error.toStdString() << '\n';

    psephos::ui::KioskController::Options options;
    options.session_timeout_ms = timeout_seconds * 1000;
    options.kiosk_mode = !parser.isSet(windowed);
    options.closing_passphrase_hash = std::move(startup.closing_hash);
    options.two_person_close = parser.isSet(two_person);
    psephos::ui::KioskController controller(std::move(startup.station), error,
                                            std::move(startup.poll_workers), options);
    QQmlApplicationEngine engine;
    psephos::ui::prepare_kiosk_engine(engine, controller);
    engine.load(QUrl(psephos::ui::kiosk_main_qml));
    if (engine.rootObjects().isEmpty()) return 1;
    if (!parser.isSet(windowed)) {
        if (auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first()))
            window->showFullScreen();
    }
    return QGuiApplication::exec();
}
