// Renders every kiosk screen to PNG through the real QML on the offscreen platform
// (scripts/screenshots): docs/screenshots/kiosk-<screen>[-<variant>].png, variants "large"
// (largest text), "contrast" (high contrast dark) and "es" (Spanish), and the two screens of a
// failed write (docs/kiosk.md §3), and the networked kiosk's link and "not confirmed" screens
// (§7). The station is a precinct of the realistic sample election,
// made in a temporary directory.
//   kiosk_screenshots OUTPUT_DIR
#include <QDir>
#include <QGuiApplication>
#include <QTemporaryDir>

#include <functional>
#include <iostream>

#include "kiosk_driver.hpp"
#include "kiosk_network.hpp"

using namespace psephos;

namespace {

ui::KioskController::Options options() {
    ui::KioskController::Options o;
    o.session_timeout_ms = 3'600'000;
    o.speech = false;
    return o;
}

struct Variant {
    const char* suffix;  // "" for the normal rendering
    std::function<void(ui::KioskController&)> apply;
};

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc != 2) {
        std::cerr << "usage: kiosk_screenshots OUTPUT_DIR\n";
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    if (!QDir().mkpath(out.path())) {
        std::cerr << "cannot create " << argv[1] << '\n';
        return 1;
    }
    int written = 0;
    int failed = 0;
    try {
        QTemporaryDir dir;
        test::KioskFixture fixture(dir.path().toStdString(),
                                   PSEPHOS_SAMPLES_DIR "/county-general-2026.json", "precinct-101");
        const std::vector<Variant> variants{
            {"", [](ui::KioskController&) {}},
            {"-large", [](ui::KioskController& k) { k.access()->setTextSize(3); }},
            {"-contrast", [](ui::KioskController& k) { k.access()->setContrast(2); }},
            {"-es", [](ui::KioskController& k) { k.access()->setLanguage(QStringLiteral("es")); }},
        };
        auto save = [&](test::KioskDriver& driver, const QString& name) {
            const QString path = out.filePath(name + QStringLiteral(".png"));
            if (driver.grab(path)) {
                ++written;
                std::cout << "wrote " << path.toStdString() << '\n';
            } else {
                ++failed;
                std::cerr << "could not write " << path.toStdString() << '\n';
            }
        };
        test::KioskDriver d(fixture, options());
        auto shot = [&](const QString& screen, const char* suffix) {
            save(d, QStringLiteral("kiosk-%1%2").arg(screen, QString::fromLatin1(suffix)));
        };
        auto expect = [&](test::Screen screen) {
            if (!d.waitForScreen(screen))
                throw std::runtime_error("expected screen " +
                                         test::screen_name(screen).toStdString() + ", got " +
                                         test::screen_name(d.kiosk().screen()).toStdString());
        };

        // Poll worker screens (no voter variants: the poll worker's screens reset nothing).
        shot(QStringLiteral("idle"), "");
        d.click(QStringLiteral("unlockCorner"));
        d.click(QStringLiteral("passphraseInput"));
        d.type(QStringLiteral("a wrong guess"));
        d.click(QStringLiteral("unlockButton"));
        shot(QStringLiteral("unlock"), "");
        d.click(QStringLiteral("cancelUnlock"));
        d.unlock();
        expect(test::Screen::PollWorker);
        d.click(QStringLiteral("openPollsButton"));
        expect(test::Screen::Report);
        shot(QStringLiteral("zero-report"), "");
        d.click(QStringLiteral("reportDoneButton"));
        shot(QStringLiteral("poll-worker"), "");

        // Voter screens, in every variant: one voter per variant.
        for (const Variant& v : variants) {
            d.click(QStringLiteral("activateVoterButton"));
            expect(test::Screen::Welcome);
            v.apply(d.kiosk());
            shot(QStringLiteral("welcome"), v.suffix);
            d.click(QStringLiteral("startButton"));
            d.click(QStringLiteral("option-1"));
            shot(QStringLiteral("contest"), v.suffix);
            d.click(QStringLiteral("nextButton"));
            d.click(QStringLiteral("nextButton"));  // county commission, vote for 2
            d.click(QStringLiteral("option-0"));
            d.click(QStringLiteral("option-2"));
            d.click(QStringLiteral("option-3"));  // refused: the overvote message
            shot(QStringLiteral("overvote"), v.suffix);
            while (d.kiosk().screen() == test::Screen::Contest) {
                if (d.kiosk().ballot()->contestIndex() == 6)
                    d.click(QStringLiteral("option-0"));  // a measure
                d.click(QStringLiteral("nextButton"));
            }
            expect(test::Screen::Review);
            shot(QStringLiteral("review"), v.suffix);
            d.seal();
            shot(QStringLiteral("sealed"), v.suffix);
            if (std::string_view(v.suffix).empty()) {
                d.click(QStringLiteral("challengeButton"));
                expect(test::Screen::Challenged);
                shot(QStringLiteral("challenged"), v.suffix);
                d.click(QStringLiteral("startOverButton"));
                d.click(QStringLiteral("option-0"));
                while (d.kiosk().screen() == test::Screen::Contest)
                    d.click(QStringLiteral("nextButton"));
                d.seal();
            }
            d.click(QStringLiteral("castButton"));
            if (d.kiosk().screen() == test::Screen::Working && std::string_view(v.suffix).empty())
                shot(QStringLiteral("working"), v.suffix);
            expect(test::Screen::Receipt);
            shot(QStringLiteral("receipt"), v.suffix);
            d.click(QStringLiteral("receiptDoneButton"));
            d.unlock();
            expect(test::Screen::PollWorker);
        }

        // The ledger refuses a ballot (polls paused behind the voter's back).
        d.click(QStringLiteral("activateVoterButton"));
        d.click(QStringLiteral("startButton"));
        while (d.kiosk().screen() == test::Screen::Contest) d.click(QStringLiteral("nextButton"));
        if (!d.kiosk().station()->record_polls(election::PollsAction::paused, "screenshots"))
            throw std::runtime_error("could not pause the polls");
        d.seal();
        d.click(QStringLiteral("castButton"));
        expect(test::Screen::LedgerError);
        shot(QStringLiteral("ledger-error"), "");
        if (!d.kiosk().station()->record_polls(election::PollsAction::resumed, "screenshots"))
            throw std::runtime_error("could not resume the polls");
        d.click(QStringLiteral("ledgerErrorOk"));
        d.click(QStringLiteral("castButton"));
        expect(test::Screen::Receipt);
        d.click(QStringLiteral("receiptDoneButton"));

        d.unlock();
        expect(test::Screen::PollWorker);
        d.click(QStringLiteral("closePollsButton"));
        shot(QStringLiteral("close-confirmation"), "");
        d.click(QStringLiteral("confirmClosePollsButton"));
        expect(test::Screen::Report);
        shot(QStringLiteral("closing-report"), "");

        // A failed write (docs/kiosk.md §3): the fsync of the ballot's batch fails, so the ballot
        // is not confirmed; at the restart the poll worker learns it was recorded after all.
        QTemporaryDir second;
        const test::KioskFixture station(second.path().toStdString(),
                                         PSEPHOS_SAMPLES_DIR "/county-general-2026.json",
                                         "precinct-101");
        auto disk = std::make_shared<ledger::testing::StorageFaults>();
        {
            test::KioskDriver f(station, options(), {}, disk);
            if (!f.kiosk().station()->record_polls(election::PollsAction::opened, "screenshots"))
                throw std::runtime_error("could not open the polls");
            f.unlock();
            f.click(QStringLiteral("activateVoterButton"));
            f.click(QStringLiteral("startButton"));
            while (f.kiosk().screen() == test::Screen::Contest)
                f.click(QStringLiteral("nextButton"));
            f.seal();
            disk->inject(ledger::testing::StorageFault::sync);
            f.click(QStringLiteral("castButton"));
            if (!f.waitForScreen(test::Screen::LedgerError))
                throw std::runtime_error("the failed write did not show the ledger error");
            save(f, QStringLiteral("kiosk-ledger-error-unconfirmed"));
            disk->inject(ledger::testing::StorageFault::none);
        }
        test::KioskDriver restarted(station, options());
        restarted.unlock();
        if (restarted.kiosk().screen() != test::Screen::PollWorker)
            throw std::runtime_error("the restarted kiosk did not unlock");
        save(restarted, QStringLiteral("kiosk-poll-worker-settled"));

        // The networked kiosk (docs/kiosk.md §7): a station behind a relay the program controls.
        QTemporaryDir third;
        const test::KioskFixture place_fixture(third.path().toStdString(),
                                               PSEPHOS_SAMPLES_DIR "/county-general-2026.json",
                                               "precinct-101");
        test::NetworkedPlace place(place_fixture, true);
        place.relay->set_mode(test::Relay::Mode::refuse);
        test::KioskDriver n(place_fixture, options(), place.open_kiosk());
        if (!n.waitUntil([&] { return n.kiosk().linkState() == test::LinkState::Offline; }, 10000))
            throw std::runtime_error("the kiosk did not report its link offline");
        save(n, QStringLiteral("kiosk-idle-offline"));
        n.unlock();
        save(n, QStringLiteral("kiosk-poll-worker-offline"));
        place.relay->set_mode(test::Relay::Mode::pass);
        if (!n.waitUntil([&] { return n.kiosk().linkState() == test::LinkState::Online; }, 10000))
            throw std::runtime_error("the kiosk did not come online");
        n.click(QStringLiteral("activateVoterButton"));
        n.click(QStringLiteral("startButton"));
        while (n.kiosk().screen() == test::Screen::Contest) n.click(QStringLiteral("nextButton"));
        n.seal();
        place.relay->set_mode(test::Relay::Mode::cut_next_answer);
        n.click(QStringLiteral("castButton"));
        if (!n.waitForScreen(test::Screen::NotConfirmed))
            throw std::runtime_error("the lost receipt did not show 'not confirmed'");
        if (!n.waitUntil([&] { return n.kiosk().linkState() == test::LinkState::Offline; }, 10000))
            throw std::runtime_error("the kiosk did not report its link offline after the cut");
        save(n, QStringLiteral("kiosk-not-confirmed"));
        place.relay->set_mode(test::Relay::Mode::pass);
        if (!n.waitForScreen(test::Screen::Receipt))
            throw std::runtime_error("the ballot in flight was not settled");
        save(n, QStringLiteral("kiosk-receipt-settled"));
    } catch (const std::exception& e) {
        std::cerr << "kiosk_screenshots: " << e.what() << '\n';
        return 1;
    }
    std::cout << written << " screenshots written\n";
    return failed == 0 ? 0 : 1;
}
