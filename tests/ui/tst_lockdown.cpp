// The kiosk against a hostile manifest and a hostile person at the keyboard, through its real QML
// on the offscreen platform: markup in a candidate's name shows as the characters it is written
// with (every text item is plain text), the unlock's count of wrong guesses survives a restart,
// and in kiosk mode the window closes only for an unlocked poll worker.
#include <QFile>
#include <QGuiApplication>
#include <QQuickItem>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

#include "kiosk_driver.hpp"
#include "psephos/election/ledger_records.hpp"

using namespace psephos;

namespace {

const std::filesystem::path small_sample = PSEPHOS_SAMPLES_DIR "/small-election.json";

// What the hostile manifest says where the sample had plain names.
const QString bold_candidate = QStringLiteral("<b>Rosa</b> <font color=red>Delgado</font>");
const QString italic_title = QStringLiteral("<i>Mayor</i>");
const QString heading_election = QStringLiteral("<h1>Maplewood</h1> Municipal Election 2026");

ui::KioskController::Options options(bool kiosk_mode = false) {
    ui::KioskController::Options o;
    o.session_timeout_ms = 600'000;
    o.speech = false;
    o.kiosk_mode = kiosk_mode;
    return o;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("the sample has no " + from);
    return text.replace(at, from.size(), to);
}

// The small sample with markup in the election's name, a contest's title and a candidate's name.
std::filesystem::path write_hostile_manifest(const std::filesystem::path& dir) {
    std::ifstream in(small_sample);
    std::ostringstream content;
    content << in.rdbuf();
    std::string json = content.str();
    json = replaced(json, R"("label": "Rosa Delgado")",
                    "\"label\": \"" + bold_candidate.toStdString() + "\"");
    json =
        replaced(json, R"("title": "Mayor")", "\"title\": \"" + italic_title.toStdString() + "\"");
    json = replaced(json, R"("name": "Maplewood Municipal Election 2026")",
                    "\"name\": \"" + heading_election.toStdString() + "\"");
    const auto path = dir / "hostile-election.json";
    std::ofstream(path) << json;
    return path;
}

// Every visible text item under `item` (QQuickText: Text and the kiosk's KioskText).
void collect_texts(QQuickItem* item, QList<QQuickItem*>& out) {
    if (!item || !item->isVisible()) return;
    if (item->inherits("QQuickText")) out << item;
    for (QQuickItem* child : item->childItems()) collect_texts(child, out);
}

}  // namespace

class TestKioskLockdown : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const std::filesystem::path root = m_dir.path().toStdString();
        m_fixture =
            std::make_unique<test::KioskFixture>(root, write_hostile_manifest(root), "ward-1");
        m_lockout = m_fixture->data / "kiosk-poll-worker-lockout";
    }

    // Every screen a voter and a poll worker pass through draws each text item as plain text,
    // and the candidate's name shows its markup literally.
    void manifest_markup_shows_as_plain_text() {
        test::KioskDriver d(*m_fixture, options());
        check_plain_text(d);  // idle
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        check_plain_text(d);
        d.click(QStringLiteral("openPollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        check_plain_text(d);
        d.click(QStringLiteral("reportDoneButton"));
        d.click(QStringLiteral("activateVoterButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Welcome);
        QCOMPARE(d.kiosk().electionName(), heading_election);
        check_plain_text(d);
        d.click(QStringLiteral("startButton"));
        QCOMPARE(d.kiosk().ballot()->contestTitle(), italic_title);
        check_plain_text(d);
        // The name as written, markup and all, in the option's own text item.
        QQuickItem* name = text_item_showing(d, bold_candidate);
        QVERIFY2(name != nullptr, "no text item shows the candidate's name literally");
        // The test means something: drawn as Qt's default (AutoText), the same name would lose
        // its tags and come out narrower.
        const qreal plain_width = name->property("contentWidth").toReal();
        name->setProperty("textFormat", 2);  // Text.AutoText
        d.settle();
        const qreal markup_width = name->property("contentWidth").toReal();
        name->setProperty("textFormat", 0);  // back to Text.PlainText
        d.settle();
        QVERIFY2(
            markup_width < plain_width,
            qPrintable(QStringLiteral("plain %1, markup %2").arg(plain_width).arg(markup_width)));
        d.click(QStringLiteral("option-0"));
        for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Review);
        check_plain_text(d);
        QVERIFY(text_item_showing(d, bold_candidate) != nullptr);
        d.seal();
        check_plain_text(d);
        d.click(QStringLiteral("challengeButton"));
        QVERIFY(d.waitForScreen(test::Screen::Challenged));
        check_plain_text(d);
        QVERIFY(text_item_showing(d, bold_candidate) != nullptr);
        d.click(QStringLiteral("startOverButton"));
        d.click(QStringLiteral("option-0"));
        for (int i = 0; i < 3; ++i) d.click(QStringLiteral("nextButton"));
        d.seal();
        d.click(QStringLiteral("castButton"));
        QVERIFY(d.waitForScreen(test::Screen::Receipt));
        check_plain_text(d);
        d.click(QStringLiteral("receiptDoneButton"));
    }

    // Three wrong guesses lock the unlock; a restarted kiosk is still locked, even for the
    // right passphrase, until the delay has passed.
    void restarted_kiosk_keeps_the_lockout() {
        {
            test::KioskDriver d(*m_fixture, options());
            for (int i = 1; i <= 3; ++i) {
                d.unlock(QStringLiteral("wrong guess %1").arg(i));
                QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
                d.click(QStringLiteral("cancelUnlock"));
            }
            QCOMPARE(d.kiosk().pollWorker()->lock().consecutive_failures(), 3u);
            QVERIFY(d.kiosk().pollWorker()->lock().seconds_locked_out() > 0);
        }
        QCOMPARE(read_lockout(), std::string("psephos-poll-worker-lockout-v1 3\n"));
        QCOMPARE(std::filesystem::status(m_lockout).permissions() &
                     (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
                 std::filesystem::perms::none);
        test::KioskDriver restarted(*m_fixture, options());
        QCOMPARE(restarted.kiosk().pollWorker()->lock().consecutive_failures(), 3u);
        restarted.unlock();  // the right passphrase, refused unchecked
        QCOMPARE(restarted.kiosk().screen(), test::Screen::Unlock);
        QVERIFY(restarted.text(QStringLiteral("unlockMessage"))
                    .contains(QStringLiteral("Too many attempts")));
        // After the delay (5 s, counted from the restart) the right passphrase unlocks, and the
        // count on disk is back to zero.
        QTRY_VERIFY_WITH_TIMEOUT(restarted.kiosk().pollWorker()->lock().seconds_locked_out() == 0,
                                 8000);
        restarted.click(QStringLiteral("cancelUnlock"));
        restarted.unlock();
        QCOMPARE(restarted.kiosk().screen(), test::Screen::PollWorker);
        QCOMPARE(read_lockout(), std::string("psephos-poll-worker-lockout-v1 0\n"));
    }

    // A count the kiosk cannot read stops it (starting from zero would hand out fresh guesses),
    // and the screen names the file.
    void unreadable_lockout_count_stops_the_kiosk() {
        const std::string kept = read_lockout();
        for (const char* content :
             {"psephos-poll-worker-lockout-v1 many\n", "psephos-poll-worker-lockout-v1 3", "3\n",
              "psephos-poll-worker-lockout-v1 -1\n", "psephos-poll-worker-lockout-v1 99999999999\n",
              "psephos-poll-worker-lockout-v1 \n", ""}) {
            std::filesystem::remove(m_lockout);
            QVERIFY(crypto::write_new_file(m_lockout, std::string_view(content), 0600));
            test::KioskDriver d(*m_fixture, options());
            QCOMPARE(d.kiosk().screen(), test::Screen::Error);
            QVERIFY2(d.text(QStringLiteral("errorText"))
                         .contains(QString::fromStdString(m_lockout.string())),
                     qPrintable(d.text(QStringLiteral("errorText"))));
        }
        // A count that others may read or change is refused like a key file.
        std::filesystem::remove(m_lockout);
        QVERIFY(crypto::write_new_file(m_lockout, kept, 0644));
        {
            test::KioskDriver d(*m_fixture, options());
            QCOMPARE(d.kiosk().screen(), test::Screen::Error);
            QVERIFY(d.text(QStringLiteral("errorText")).contains(QStringLiteral("0644")));
        }
        std::filesystem::remove(m_lockout);
        QVERIFY(crypto::write_new_file(m_lockout, kept, 0600));
    }

    // In kiosk mode neither the keyboard nor a close request ends the kiosk while a voter could
    // be at it; an unlocked poll worker may close it.
    void kiosk_window_closes_only_for_the_poll_worker() {
        {
            test::KioskDriver d(*m_fixture, options(true));
            QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
            try_to_quit(d);
            QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
            // The unlock screen is not enough: the poll worker must be in.
            d.click(QStringLiteral("unlockCorner"));
            QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
            try_to_quit(d);
            d.click(QStringLiteral("cancelUnlock"));
            // A voter at the kiosk.
            d.unlock();
            d.click(QStringLiteral("activateVoterButton"));
            d.click(QStringLiteral("startButton"));
            QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
            try_to_quit(d);
            QCOMPARE(d.kiosk().screen(), test::Screen::Contest);
        }
        test::KioskDriver d(*m_fixture, options(true));
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(d.kiosk().mayCloseWindow());
        QVERIFY(d.window->close());
        QVERIFY(!d.window->isVisible());
    }

    // Without kiosk mode (--windowed, for testing and demonstrations) the window closes as any.
    void windowed_kiosk_closes() {
        test::KioskDriver d(*m_fixture, options(false));
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        QVERIFY(d.window->close());
        QVERIFY(!d.window->isVisible());
    }

    // Set up with a second poll worker's passphrase, the kiosk closes the polls only when that
    // passphrase is typed after the confirmation: the first poll worker's own is refused (and
    // counted against the second's lock), cancelling leaves the polls open, and the polls
    // record names two poll workers. A copy of the first passphrase file as the second stops
    // the kiosk.
    void closing_the_polls_needs_a_second_poll_worker() {
        const std::filesystem::path second = m_fixture->root / "closing.pass";
        QVERIFY(kiosk::write_poll_worker_passphrase_file(second, "second person's passphrase"));
        auto first_hash = kiosk::read_poll_worker_passphrase_file(m_fixture->passphrase);
        QVERIFY(first_hash);
        ui::KioskController::Options copied = options(true);
        copied.closing_passphrase_hash = first_hash.value();
        {
            test::KioskDriver d(*m_fixture, copied);
            QCOMPARE(d.kiosk().screen(), test::Screen::Error);
            QVERIFY(d.text(QStringLiteral("errorText")).contains(QStringLiteral("second person")));
        }
        auto second_hash = kiosk::read_poll_worker_passphrase_file(second);
        QVERIFY(second_hash);
        ui::KioskController::Options two = options(true);
        two.closing_passphrase_hash = second_hash.value();
        test::KioskDriver d(*m_fixture, two);
        d.unlock();
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QVERIFY(d.kiosk().pollWorker()->closingUnlock());
        QVERIFY(
            d.text(QStringLiteral("unlockHeading")).contains(QStringLiteral("Second poll worker")));
        QVERIFY(!d.kiosk().mayCloseWindow());
        // The first poll worker's passphrase is not the second's.
        d.click(QStringLiteral("passphraseInput"));
        d.type(QString::fromLatin1(test::poll_worker_passphrase));
        d.click(QStringLiteral("unlockButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QCOMPARE(d.text(QStringLiteral("unlockMessage")), QStringLiteral("Wrong passphrase."));
        QCOMPARE(d.kiosk().pollWorker()->closingLock()->consecutive_failures(), 1u);
        QCOMPARE(d.kiosk().pollWorker()->lock().consecutive_failures(), 0u);
        // Cancel: back to the poll worker, the polls still open.
        d.click(QStringLiteral("cancelUnlock"));
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(!d.kiosk().pollWorker()->closingUnlock());
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        // Again, with the second poll worker's passphrase.
        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        d.click(QStringLiteral("passphraseInput"));
        d.type(QStringLiteral("second person's passphrase"));
        d.click(QStringLiteral("unlockButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Closed);
        QCOMPARE(d.kiosk().pollWorker()->closingLock()->consecutive_failures(), 0u);
        QCOMPARE(reported_polls_actor(d), std::string("two poll workers at kiosk-1"));
    }

    // Named poll workers (docs/kiosk.md §2) on a fresh station, with --two-person-close: a
    // poll worker without the role cannot open or close the polls; the unlock says who it is;
    // at the close, the first poll worker's own passphrase again is refused (and counted as a
    // failure), so is a colleague's without the close role; a second named poll worker with it
    // closes, and the polls records name who acted. A legacy passphrase file cannot serve a
    // two-person close.
    void named_poll_workers_and_the_two_person_close() {
        const std::filesystem::path root = std::filesystem::path(m_dir.path().toStdString()) / "n";
        std::filesystem::create_directories(root);
        test::KioskFixture fixture(root, small_sample, "ward-1");
        const std::filesystem::path workers = root / "poll-workers";
        using kiosk::PollWorkerRole;
        const auto role = [](PollWorkerRole r) { return static_cast<unsigned>(r); };
        QVERIFY(kiosk::add_poll_worker_credential(
            workers, "Ada Lovelace", role(PollWorkerRole::voters), "ada's passphrase"));
        QVERIFY(kiosk::add_poll_worker_credential(
            workers, "Grace Hopper", role(PollWorkerRole::open) | role(PollWorkerRole::close),
            "grace's passphrase"));
        QVERIFY(kiosk::add_poll_worker_credential(
            workers, "Alan Turing", role(PollWorkerRole::close), "alan's passphrase"));
        ui::KioskController::Options two = options(true);
        two.two_person_close = true;
        {
            test::KioskDriver legacy(fixture, two, fixture.passphrase);
            QCOMPARE(legacy.kiosk().screen(), test::Screen::Error);
            QVERIFY2(legacy.kiosk().errorText().contains(QStringLiteral("two poll workers")),
                     qPrintable(legacy.kiosk().errorText()));
        }
        test::KioskDriver d(fixture, two, workers);
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        // Ada may start voter sessions, not open the polls.
        d.unlock(QStringLiteral("ada's passphrase"));
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QVERIFY(d.text(QStringLiteral("pollWorkerName")).contains(QStringLiteral("Ada Lovelace")));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::NotOpened);
        d.click(QStringLiteral("openPollsButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::PollWorker);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::NotOpened);
        QVERIFY2(d.text(QStringLiteral("pollWorkerMessage")).contains(QStringLiteral("'open'")),
                 qPrintable(d.text(QStringLiteral("pollWorkerMessage"))));
        d.click(QStringLiteral("lockButton"));
        // Grace opens; the zero report's record names her.
        d.unlock(QStringLiteral("grace's passphrase"));
        d.click(QStringLiteral("openPollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        const auto actor_of = [&]() -> std::string {
            const QStringList place =
                d.kiosk().pollWorker()->report().record.split(QLatin1Char('#'));
            if (place.size() != 2) return "no record";
            auto stored = d.kiosk().station()->ledger().record(place[0].toStdString(),
                                                               place[1].toULongLong());
            if (!stored) return stored.error().message;
            auto polls = election::decode_polls_record(stored.value());
            return polls ? polls.value().actor : polls.error().message;
        };
        QCOMPARE(actor_of(), std::string("Grace Hopper"));
        d.click(QStringLiteral("reportDoneButton"));
        d.click(QStringLiteral("lockButton"));
        // Ada cannot close either.
        d.unlock(QStringLiteral("ada's passphrase"));
        d.click(QStringLiteral("closePollsButton"));
        QVERIFY(!d.kiosk().pollWorker()->closeConfirmationPending());
        QVERIFY(d.text(QStringLiteral("pollWorkerMessage")).contains(QStringLiteral("'close'")));
        d.click(QStringLiteral("lockButton"));
        // Grace closes; the second passphrase must be another poll worker's with the close role.
        d.unlock(QStringLiteral("grace's passphrase"));
        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QVERIFY(d.kiosk().pollWorker()->closingUnlock());
        const auto second = [&](const QString& passphrase) {
            d.click(QStringLiteral("passphraseInput"));
            d.type(passphrase);
            d.click(QStringLiteral("unlockButton"));
        };
        second(QStringLiteral("grace's passphrase"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        QVERIFY2(d.text(QStringLiteral("unlockMessage")).contains(QStringLiteral("second poll")),
                 qPrintable(d.text(QStringLiteral("unlockMessage"))));
        QCOMPARE(d.kiosk().pollWorker()->lock().consecutive_failures(), 1u);
        second(QStringLiteral("ada's passphrase"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QVERIFY2(d.text(QStringLiteral("unlockMessage")).contains(QStringLiteral("no close role")),
                 qPrintable(d.text(QStringLiteral("unlockMessage"))));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        second(QStringLiteral("alan's passphrase"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Closed);
        QCOMPARE(actor_of(), std::string("Grace Hopper, Alan Turing"));
    }

    // The election's rule (manifest polls.close_requires 2, docs/kiosk.md §2) played against a
    // kiosk set up without --two-person-close, as an operator who wanted to close alone would:
    // the kiosk still asks for a second named poll worker with the close role, will not start
    // on a passphrase file or a --closing-passphrase file (no names to count), and its station
    // refuses a closing record naming one person.
    void the_election_requires_two_people_to_close() {
        const std::filesystem::path root = std::filesystem::path(m_dir.path().toStdString()) / "r";
        std::filesystem::create_directories(root);
        auto sample = election::load_manifest_file(small_sample.string());
        QVERIFY(sample);
        election::ElectionManifest ruled = sample.value();
        ruled.polls = election::PollsRules{2};
        const std::filesystem::path manifest = root / "two-to-close.json";
        QVERIFY(crypto::write_new_file(manifest, election::manifest_to_json(ruled), 0644));
        test::KioskFixture fixture(root, manifest, "ward-1");
        const std::filesystem::path workers = root / "poll-workers";
        using kiosk::PollWorkerRole;
        const auto role = [](PollWorkerRole r) { return static_cast<unsigned>(r); };
        QVERIFY(kiosk::add_poll_worker_credential(
            workers, "Grace Hopper", role(PollWorkerRole::open) | role(PollWorkerRole::close),
            "grace's passphrase"));
        QVERIFY(kiosk::add_poll_worker_credential(
            workers, "Alan Turing", role(PollWorkerRole::close), "alan's passphrase"));
        const ui::KioskController::Options plain = options(true);  // no --two-person-close
        QVERIFY(!plain.two_person_close);
        {
            test::KioskDriver legacy(fixture, plain, fixture.passphrase);
            QCOMPARE(legacy.kiosk().screen(), test::Screen::Error);
            QVERIFY2(legacy.kiosk().errorText().contains(QStringLiteral("polls.close_requires")),
                     qPrintable(legacy.kiosk().errorText()));
        }
        {
            const std::filesystem::path second = root / "closing.pass";
            QVERIFY(kiosk::write_poll_worker_passphrase_file(second, "second person's phrase"));
            ui::KioskController::Options with_file = plain;
            with_file.closing_passphrase_hash =
                kiosk::read_poll_worker_passphrase_file(second).value();
            test::KioskDriver old_way(fixture, with_file, workers);
            QCOMPARE(old_way.kiosk().screen(), test::Screen::Error);
            QVERIFY2(old_way.kiosk().errorText().contains(QStringLiteral("--closing-passphrase")),
                     qPrintable(old_way.kiosk().errorText()));
        }
        test::KioskDriver d(fixture, plain, workers);
        QCOMPARE(d.kiosk().screen(), test::Screen::Idle);
        d.unlock(QStringLiteral("grace's passphrase"));
        d.click(QStringLiteral("openPollsButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        d.click(QStringLiteral("reportDoneButton"));
        // The station (the ledger) refuses a closing record that names one person, whoever
        // sends it: the kiosk's screen is not the only guard.
        auto alone =
            d.kiosk().station()->record_polls(election::PollsAction::closed, "Grace Hopper");
        QVERIFY(!alone);
        QVERIFY2(alone.error().message.find("polls.close_requires") != std::string::npos,
                 alone.error().message.c_str());
        // The kiosk asks for the second person although its option is off.
        d.click(QStringLiteral("closePollsButton"));
        d.click(QStringLiteral("confirmClosePollsButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QVERIFY(d.kiosk().pollWorker()->closingUnlock());
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("passphraseInput"));
        d.type(QStringLiteral("grace's passphrase"));
        d.click(QStringLiteral("unlockButton"));
        QCOMPARE(d.kiosk().screen(), test::Screen::Unlock);
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Open);
        d.click(QStringLiteral("passphraseInput"));
        d.type(QStringLiteral("alan's passphrase"));
        d.click(QStringLiteral("unlockButton"));
        QVERIFY(d.waitForScreen(test::Screen::Report));
        QCOMPARE(d.kiosk().pollWorker()->pollsState(), test::PollsState::Closed);
        QCOMPARE(reported_polls_actor(d), std::string("Grace Hopper, Alan Turing"));
    }

private:
    // The actor of the polls record the report names, as the ledger stored it (or why not).
    static std::string reported_polls_actor(test::KioskDriver& d) {
        const QStringList place = d.kiosk().pollWorker()->report().record.split(QLatin1Char('#'));
        if (place.size() != 2) return "(the report names no record)";
        auto stored =
            d.kiosk().station()->ledger().record(place[0].toStdString(), place[1].toULongLong());
        if (!stored) return "(no such record: " + stored.error().message + ")";
        auto polls = election::decode_polls_record(stored.value());
        if (!polls) return "(not a polls record: " + polls.error().message + ")";
        return polls.value().actor;
    }

    // Each visible text item of the current screen is plain text.
    static void check_plain_text(test::KioskDriver& d) {
        d.settle();
        QList<QQuickItem*> texts;
        collect_texts(d.window->contentItem(), texts);
        QVERIFY(!texts.isEmpty());
        for (QQuickItem* t : texts) {
            QVERIFY2(t->property("textFormat").toInt() == 0,  // Text.PlainText
                     qPrintable(QStringLiteral("screen %1: text \"%2\" is not plain text")
                                    .arg(test::screen_name(d.kiosk().screen()),
                                         t->property("text").toString())));
        }
    }

    static QQuickItem* text_item_showing(test::KioskDriver& d, const QString& wanted) {
        QList<QQuickItem*> texts;
        collect_texts(d.window->contentItem(), texts);
        for (QQuickItem* t : texts)
            if (t->property("text").toString().contains(wanted)) return t;
        return nullptr;
    }

    // Every way a keyboard might ask a window to go, then a close request as the window manager
    // sends for Alt+F4; none may close the kiosk.
    static void try_to_quit(test::KioskDriver& d) {
        d.key(Qt::Key_Escape);
        d.key(Qt::Key_Q, Qt::ControlModifier);
        d.key(Qt::Key_W, Qt::ControlModifier);
        d.key(Qt::Key_F4, Qt::AltModifier);
        QVERIFY(d.window->isVisible());
        QVERIFY(!d.window->close());
        d.settle();
    }

    std::string read_lockout() const {
        std::ifstream in(m_lockout);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<test::KioskFixture> m_fixture;
    std::filesystem::path m_lockout;
};

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    // The tests close windows on purpose; the application must outlive them.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    TestKioskLockdown test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_lockdown.moc"
