// psephos-kiosk: the polling-station kiosk (docs/kiosk.md).
//   In process (the ledger in DIR, with its key):
//   psephos-kiosk --election MANIFEST --district D --data DIR --device-key FILE --device-id ID
//                 --poll-worker-passphrase FILE [--closing-passphrase FILE] [--key FILE]
//                 [--timeout SECONDS] [--windowed]
//   Networked (the polling place's station has the ledger; DIR holds only the kiosk's state):
//   psephos-kiosk --station HOST:PORT --station-certificate PEM --election MANIFEST --district D
//                 --data DIR --device-key FILE --device-id ID --poll-worker-passphrase FILE …
//   psephos-kiosk --new-poll-worker-passphrase FILE     (reads the passphrase from stdin)
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>

#include <iostream>
#include <string>

#include "kiosk_controller.hpp"
#include "kiosk_qml.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
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

// The passphrase hashes and the station, or why the kiosk cannot take ballots. A kiosk that
// cannot open its ledger or read a passphrase file still starts, and says why on its screen and on
// stderr: a poll worker must see the problem, not a vanished window.
struct Startup {
    std::unique_ptr<psephos::kiosk::KioskStation> station;
    std::string hash;
    std::string closing_hash;
    QString error;
};

Startup start_station(const psephos::kiosk::KioskConfig& config, const QString& passphrase_file,
                      const QString& closing_file) {
    Startup s;
    auto read = psephos::kiosk::read_poll_worker_passphrase_file(passphrase_file.toStdString());
    if (!read) {
        s.error = QString::fromStdString(read.error().message);
        return s;
    }
    s.hash = std::move(read).value();
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
    QCommandLineOption passphrase{{QStringLiteral("poll-worker-passphrase")},
                                  QStringLiteral("The poll-worker passphrase hash file."),
                                  QStringLiteral("FILE")};
    QCommandLineOption closing_pass{
        {QStringLiteral("closing-passphrase")},
        QStringLiteral("A second poll worker's passphrase hash file: closing the polls then needs "
                       "it too."),
        QStringLiteral("FILE")};
    QCommandLineOption new_pass{
        {QStringLiteral("new-poll-worker-passphrase")},
        QStringLiteral("Write a passphrase hash file from the passphrase on stdin, then exit."),
        QStringLiteral("FILE")};
    QCommandLineOption timeout{{QStringLiteral("timeout")},
                               QStringLiteral("Voter inactivity timeout in seconds (default 120)."),
                               QStringLiteral("SECONDS"),
                               QStringLiteral("120")};
    QCommandLineOption windowed{{QStringLiteral("windowed")},
                                QStringLiteral("A window instead of full screen.")};
};

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
                 passphrase, closing_pass, new_pass, timeout, windowed] = options_list;
    parser.addOptions({election, district, data, key, station, station_certificate, device_key,
                       device_id, passphrase, closing_pass, new_pass, timeout, windowed});
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
    for (const auto* required :
         {&election, &district, &data, &device_key, &device_id, &passphrase}) {
        if (!parser.isSet(*required)) {
            std::cerr << "psephos-kiosk: --" << required->names().first().toStdString()
                      << " is required\n"
                      << help_text(parser);
            return 2;
        }
    }
    if (parser.isSet(station) != parser.isSet(station_certificate)) {
        std::cerr << "psephos-kiosk: --station and --station-certificate go together (the "
                     "networked kiosk pins its station's certificate)\n";
        return 2;
    }
    if (parser.isSet(station) && parser.isSet(key)) {
        std::cerr << "psephos-kiosk: --key is for the in-process kiosk; a networked kiosk "
                     "(--station) holds no ledger key\n";
        return 2;
    }
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
    psephos::ui::KioskController controller(std::move(startup.station), error,
                                            std::move(startup.hash), options);
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
