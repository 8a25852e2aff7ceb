// The kiosk's view model: everything the QML shows and every decision it leads to (QML draws, C++
// decides), with three parts of its own: `pollWorker` (KioskPollWorker), `ballot` (KioskBallot)
// and `access` (KioskAccess). One screen at a time (`screen`, a Screen):
//   Error       the kiosk could not start or lost its ledger; `errorText` says why
//   Idle        waiting: "ask a poll worker"; the poll worker's corner opens Unlock
//   Unlock      poll-worker passphrase (rate-limited, `pollWorker.unlockMessage`), or with
//                 `closingUnlock` the second poll worker's, to close the polls
//   PollWorker  status, open / pause / resume / close polls, activate a voter session, lock
//   Report      the zero report (polls opened) or the closing report: `pollWorker.report`
//   Welcome     a voter session is active: language, text size, contrast, audio; start
//   Contest     one contest: `ballot.contestTitle`, `contestInstructions`, `options`, `notice`
//   Review      every contest and its marks (`ballot.reviewItems`), "change" links, seal
//   Working     encryption and the durable write run off the GUI thread: `progressText`
//   Sealed      commit before the choice: the ballot is encrypted and signed, its tracking
//                 code shown (`ballot.trackingCode`, QR `qrSource`); cast it, challenge it, or
//                 change the marks (which discards it: a new ballot is sealed)
//   Receipt     the tracking code (`ballot.trackingCode`, `trackingGroups`, QR `qrSource`)
//   Challenged  what the revealed nonces open to (`ballot.challengeItems`) and the tracking code,
//                 the same code Sealed showed before the choice
//   NotConfirmed networked: the connection to the station was lost with the ballot in flight;
//                 the kiosk settles it by lookup once the link is back (`ballot.trackingCode`,
//                 `linkText`), then shows Receipt (or LedgerError if it was not recorded)
//   LedgerError  the ballot was NOT cast: `errorText`, for the poll worker; or, after a failed
//                 write (`unconfirmedCode` set), it is not known whether it was: the kiosk must
//                 be restarted, and at its start it tells the poll worker
//                 (`pollWorker.pollWorkerMessage`)
// A voter session ends (marks wiped) on cast, on the inactivity timeout and on "start over". User
// activity (any key, mouse or touch press on the window) restarts the inactivity timers: the
// controller filters the window's events (eventFilter, installed by kiosk_qml.hpp).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "kiosk_access.hpp"
#include "kiosk_ballot.hpp"
#include "kiosk_lists.hpp"
#include "kiosk_poll_worker.hpp"
#include "polls_report.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

namespace psephos::kiosk {
class KioskStation;
class VoterSession;
struct CastReceipt;
}  // namespace psephos::kiosk

namespace psephos::ui {

class KioskController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the window is given its controller (kiosk_qml.hpp)")
    Q_PROPERTY(Screen screen READ screen NOTIFY screenChanged)
    // The screen is one of the voter's (Welcome to Challenged): the access bar shows.
    Q_PROPERTY(bool voterScreen READ voterScreen NOTIFY screenChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY screenChanged)
    Q_PROPERTY(QString unconfirmedCode READ unconfirmedCode NOTIFY screenChanged)
    // Station
    Q_PROPERTY(QString electionName READ electionName CONSTANT)
    Q_PROPERTY(QString districtId READ districtId CONSTANT)
    Q_PROPERTY(QString districtName READ districtName CONSTANT)
    Q_PROPERTY(QString deviceId READ deviceId CONSTANT)
    // The poll worker's side: unlock, the station's status, the polls, their reports, finishing
    // the kiosk, activating a voter (kiosk_poll_worker.hpp).
    Q_PROPERTY(psephos::ui::KioskPollWorker* pollWorker READ pollWorker CONSTANT)
    // Networked (psephos-kiosk --station): the link to the station, for the poll worker.
    Q_PROPERTY(bool networked READ networked CONSTANT)
    Q_PROPERTY(LinkState linkState READ linkState NOTIFY linkChanged)
    // "Station: online", "Station: offline, reconnecting in 3 s (why)", …
    Q_PROPERTY(QString linkText READ linkText NOTIFY linkChanged)
    // The voter's ballot: contests, marks, review, sealing, casting or challenging, the tracking
    // code (kiosk_ballot.hpp).
    Q_PROPERTY(psephos::ui::KioskBallot* ballot READ ballot CONSTANT)
    // The voter's accessibility settings and language, reset for each voter (kiosk_access.hpp).
    Q_PROPERTY(psephos::ui::KioskAccess* access READ access CONSTANT)
    // The keyboard cursor among the current screen's choices (-1: none).
    Q_PROPERTY(int cursor READ cursor NOTIFY cursorChanged)
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY progressChanged)
    Q_PROPERTY(int sessionTimeoutSeconds READ sessionTimeoutSeconds CONSTANT)

public:
    // The screen shown (the header comment says what each is for).
    enum class Screen {
        Error,
        Idle,
        Unlock,
        PollWorker,
        Report,
        Welcome,
        Contest,
        Review,
        Working,
        Sealed,
        Receipt,
        Challenged,
        NotConfirmed,
        LedgerError,
    };
    Q_ENUM(Screen)
    using PollsState = KioskPollWorker::PollsState;
    // The link to the station (kiosk::LinkState): InProcess for a kiosk that holds its ledger.
    enum class LinkState { InProcess, Connecting, Online, Offline };
    Q_ENUM(LinkState)

    struct Options {
        int session_timeout_ms = 120'000;  // voter inactivity
        int unlock_timeout_ms = 300'000;   // poll-worker mode inactivity
        bool speech = true;                // create a QTextToSpeech engine (tests may not)
        // Full screen at a polling station: the window closes only for an unlocked poll
        // worker (mayCloseWindow), whatever the keyboard or the window manager asks.
        bool kiosk_mode = false;
        // Non-empty (psephos-kiosk --closing-passphrase): the Argon2id hash of a second poll
        // worker's passphrase, without which the polls do not close (docs/kiosk.md §2).
        std::string closing_passphrase_hash;
        // psephos-kiosk --two-person-close: closing the polls needs a second poll worker, a
        // different named credential with the close role, to enter their passphrase.
        bool two_person_close = false;
    };

    // Takes a station that opened, or none and the reason (shown on the "error" screen).
    // The poll workers are the named credentials (poll_worker_credentials.hpp), or one unnamed
    // credential with every role from a legacy passphrase hash.
    KioskController(std::unique_ptr<kiosk::KioskStation> station, QString open_error,
                    std::vector<kiosk::PollWorkerCredential> poll_workers, Options options,
                    QObject* parent = nullptr);
    KioskController(std::unique_ptr<kiosk::KioskStation> station, QString open_error,
                    std::string passphrase_hash, Options options, QObject* parent = nullptr);
    ~KioskController() override;

    // What a job on the worker thread hands back (kiosk_controller_detail.hpp).
    struct WorkResult;

    // For retranslating when the language changes.
    void setEngine(QQmlEngine* engine) { m_access.setEngine(engine); }
    kiosk::KioskStation* station() { return m_station.get(); }
    KioskPollWorker* pollWorker() { return &m_pollWorker; }
    KioskBallot* ballot() { return &m_ballot; }
    KioskAccess* access() { return &m_access; }

    Screen screen() const { return m_screen; }
    bool voterScreen() const;
    QString errorText() const { return m_errorText; }
    QString unconfirmedCode() const { return m_unconfirmedCode; }
    QString electionName() const;
    QString districtId() const;
    QString districtName() const;
    QString deviceId() const;
    bool networked() const;
    LinkState linkState() const { return m_linkState; }
    QString linkText() const { return m_linkText; }
    int cursor() const { return m_cursor; }
    QString progressText() const { return m_progressText; }
    bool busy() const { return m_busy; }
    int sessionTimeoutSeconds() const { return m_options.session_timeout_ms / 1000; }

    // Whether the window may close now (the QML asks on every close request: Alt+F4, the
    // window manager, QWindow::close). In kiosk mode only on the poll worker's unlocked screens,
    // with nothing running, or on the "error" screen where nobody can unlock.
    Q_INVOKABLE bool mayCloseWindow() const;
    Q_INVOKABLE void acknowledgeLedgerError();
    // Any touch or key: restarts the inactivity timer. Called for every press on the window the
    // controller filters (eventFilter, installed by kiosk_qml.hpp), and by handleKey.
    void activity();
    // A key, mouse button or finger pressed on the window is the user's activity; the event goes
    // on to its item untouched.
    bool eventFilter(QObject* watched, QEvent* event) override;
    // Keyboard and tactile keypad (Qt::Key values): arrows move the cursor (up/down) and the
    // contest (left/right), Enter/Return/Space/Select select, Tab moves the cursor, Home repeats
    // the screen aloud, +/- change the text size, Escape leaves the audio-only (blank) mode.
    // Returns whether the key was used.
    Q_INVOKABLE bool handleKey(int key);
    Q_INVOKABLE void repeatScreen();

signals:
    void screenChanged();
    void cursorChanged();
    void progressChanged();
    // Emitted when a cast or challenge finished (for tests and logs); success or not.
    void submissionFinished(bool ok);
    void linkChanged();
    // A networked kiosk's ballot in flight was settled (recorded or not).
    void inFlightSettled(bool recorded);

private:
    void setScreen(Screen screen);
    void endVoterSession();
    friend class KioskPollWorker;
    friend class KioskBallot;
    // A new voter session: fresh ballot and accessibility, the welcome screen.
    void beginVoterSession();
    // Runs work on the kiosk's worker thread (one job at a time) and done on the GUI thread.
    void runWork(std::function<std::shared_ptr<WorkResult>()> work,
                 std::function<void(const WorkResult&)> done);
    void refreshLink();
    void settleInFlight();
    void discardSealed();
    // The screen read aloud if audio is on, or `anyway` (the voter asked to hear it again).
    void speakScreen(bool anyway = false);
    void speak(const QString& text) { m_access.say(text); }
    int cursorLimit() const;
    void onSessionTimeout();
    void forgetVoterText();

    std::unique_ptr<kiosk::KioskStation> m_station;
    Options m_options;
    QTimer m_sessionTimer;
    QTimer m_linkTimer;  // networked: the link's state, and settling a ballot in flight

    Screen m_screen = Screen::Idle;
    QString m_errorText;
    QString m_unconfirmedCode;
    LinkState m_linkState = LinkState::InProcess;
    QString m_linkText;
    int m_cursor = -1;
    QString m_progressText;
    bool m_busy = false;
    // The parts QML sees (kiosk.access, kiosk.ballot, kiosk.pollWorker).
    KioskAccess m_access;
    KioskBallot m_ballot;
    KioskPollWorker m_pollWorker;
    // Last: destroyed first, so no job outlives the station it uses.
    QThreadPool m_pool;
};

}  // namespace psephos::ui
