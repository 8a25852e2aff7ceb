// The kiosk's controller (kiosk_controller.hpp): the screens and what moves between them, the
// worker thread, the voter session's start and end (with the wipes), the inactivity timeout. Its
// parts: kiosk_poll_worker.cpp, kiosk_ballot.cpp, kiosk_access.cpp; its keys and the screens read
// aloud: kiosk_accessibility.cpp; the networked kiosk's link: kiosk_link.cpp.
#include "kiosk_controller.hpp"

#include <QEvent>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // is_voter_screen() and q()

KioskController::KioskController(std::unique_ptr<kiosk::KioskStation> station, QString open_error,
                                 std::string passphrase_hash, Options options, QObject* parent)
    : KioskController(std::move(station), std::move(open_error),
                      std::vector<kiosk::PollWorkerCredential>{
                          kiosk::unnamed_poll_worker(std::move(passphrase_hash))},
                      std::move(options), parent) {}

KioskController::KioskController(std::unique_ptr<kiosk::KioskStation> station, QString open_error,
                                 std::vector<kiosk::PollWorkerCredential> poll_workers,
                                 Options options, QObject* parent)
    : QObject(parent),
      m_station(std::move(station)),
      m_options(options),
      m_access(options.speech, this),
      m_ballot(*this),
      m_pollWorker(
          *this, std::move(poll_workers),
          {options.unlock_timeout_ms, options.closing_passphrase_hash, options.two_person_close}) {
    m_pool.setMaxThreadCount(1);
    // A new language retranslates what the ballot and the poll worker show, and the screen
    // read aloud; audio switched on reads it.
    connect(&m_access, &KioskAccess::languageChanged, this, [this] {
        emit m_ballot.changed();
        emit m_ballot.receiptChanged();
        emit m_pollWorker.statusChanged();
        if (!m_ballot.notice().isEmpty()) m_ballot.setNotice({});
        speakScreen();
    });
    connect(&m_access, &KioskAccess::audioSwitched, this, [this] { speakScreen(); });
    m_sessionTimer.setSingleShot(true);
    m_sessionTimer.setInterval(m_options.session_timeout_ms);
    connect(&m_sessionTimer, &QTimer::timeout, this, &KioskController::onSessionTimeout);
    // The unlock's failures are counted on disk, so a restart gives no fresh guesses; a kiosk
    // that cannot read its count does not start (the lock would otherwise start from zero).
    if (m_station) {
        if (Status kept = m_pollWorker.setUpLocks(); !kept) {
            open_error = q(kept.error().message);
            m_station.reset();
        }
    }
    if (!m_station) {
        m_errorText = open_error;
        m_screen = Screen::Error;
        return;
    }
    m_pollWorker.refreshStatus();
    if (m_station->networked()) {
        m_linkTimer.setInterval(500);
        connect(&m_linkTimer, &QTimer::timeout, this, [this] {
            refreshLink();
            if (m_screen == Screen::NotConfirmed && !m_busy) settleInFlight();
        });
        m_linkTimer.start();
    }
    refreshLink();
    // Ballots whose write failed before this start, now settled by the reopened ledger.
    QStringList settled;
    for (const kiosk::UnconfirmedOutcome& o : m_station->recovered_outcomes()) {
        settled << (o.recorded ? tr("Ballot %1, whose recording failed before the restart, WAS "
                                    "recorded (%2 #%3): its voter has voted and must not vote "
                                    "again.")
                                     .arg(q(o.tracking_code), q(o.log), QString::number(o.index))
                               : tr("Ballot %1, whose recording failed before the restart, was "
                                    "NOT recorded: its voter may vote again.")
                                     .arg(q(o.tracking_code)));
    }
    m_pollWorker.setStartupNotice(settled.join(QLatin1Char('\n')));  // shown at the first unlock
}

KioskController::~KioskController() { m_pool.waitForDone(); }

QString KioskController::electionName() const {
    return m_station ? q(m_station->election().manifest.name) : QString();
}
QString KioskController::districtId() const {
    return m_station ? q(m_station->district_id()) : QString();
}
QString KioskController::districtName() const {
    return m_station ? q(m_station->district().name) : QString();
}
QString KioskController::deviceId() const {
    return m_station ? q(m_station->device_id()) : QString();
}

bool KioskController::voterScreen() const { return is_voter_screen(m_screen); }

void KioskController::setScreen(Screen screen) {
    if (m_screen == screen) return;
    m_screen = screen;
    m_cursor = -1;
    emit cursorChanged();
    if (is_voter_screen(screen))
        m_sessionTimer.start();
    else
        m_sessionTimer.stop();
    emit screenChanged();
    speakScreen();
}

void KioskController::runWork(std::function<std::shared_ptr<WorkResult>()> work,
                              std::function<void(const WorkResult&)> done) {
    m_busy = true;
    emit progressChanged();
    auto* watcher = new QFutureWatcher<std::shared_ptr<WorkResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)] {
        const std::shared_ptr<WorkResult> result = watcher->result();
        watcher->deleteLater();
        m_busy = false;
        emit progressChanged();
        done(*result);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, std::move(work)));
}

bool KioskController::mayCloseWindow() const {
    if (!m_options.kiosk_mode || m_screen == Screen::Error) return true;
    return m_pollWorker.unlocked() && !m_busy &&
           (m_screen == Screen::PollWorker || m_screen == Screen::Report);
}

// ----------------------------------------------------------------------------- voter

void KioskController::beginVoterSession() {
    m_ballot.m_session =
        std::make_unique<kiosk::VoterSession>(m_station->election(), m_station->district_id());
    m_access.reset();
    m_ballot.m_contest = 0;
    m_ballot.m_returnToReview = false;
    m_ballot.setNotice({});
    emit m_ballot.changed();
    setScreen(Screen::Welcome);
}

// The station is used from the worker thread only, one job at a time.
void KioskController::discardSealed() {
    if (!m_station) return;
    kiosk::KioskStation* station = m_station.get();
    m_pool.start([station] { station->discard_sealed(); });
}

void KioskController::acknowledgeLedgerError() {
    if (m_screen != Screen::LedgerError) return;
    m_errorText.clear();
    if (!m_unconfirmedCode.isEmpty()) {
        // Casting again could count this voter twice: the session ends here.
        m_unconfirmedCode.clear();
        endVoterSession();
        setScreen(Screen::Idle);
    } else if (m_ballot.m_session && m_ballot.m_stillSealed) {
        // The sealed ballot is still held: the voter may cast or challenge it once the poll
        // worker fixed what the ledger refused.
        setScreen(Screen::Sealed);
    } else if (m_ballot.m_session) {
        // The voter's marks are still here: they may try again once the poll worker fixed it.
        setScreen(Screen::Review);
    } else {
        setScreen(Screen::Idle);
    }
}

void KioskController::endVoterSession() {
    discardSealed();
    m_ballot.m_stillSealed = false;
    if (m_ballot.m_session) m_ballot.m_session->clear();
    m_ballot.m_session.reset();
    m_ballot.m_contest = 0;
    m_ballot.m_returnToReview = false;
    forgetVoterText();
    m_ballot.setNotice({});
    emit m_ballot.changed();
}

// The text copies of a voter's marks the kiosk holds: what the speaker said last (a contest
// read aloud says which options are selected) and the challenge screen's opened marks.
void KioskController::forgetVoterText() {
    m_access.forget();
    m_ballot.m_challengeItems.clear();  // wipes its rows
}

void KioskController::onSessionTimeout() {
    if (!is_voter_screen(m_screen)) return;
    endVoterSession();  // wipes the challenge items too
    m_ballot.m_trackingCode.clear();
    emit m_ballot.receiptChanged();
    m_access.reset();
    setScreen(Screen::Idle);
}

void KioskController::activity() {
    if (is_voter_screen(m_screen)) m_sessionTimer.start();
    m_pollWorker.noteActivity();
}

bool KioskController::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
        case QEvent::KeyPress:
        case QEvent::MouseButtonPress:
        case QEvent::TouchBegin:
            activity();
            break;
        default:
            break;
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace psephos::ui
