// The poll worker's side of the kiosk (the controller's `pollWorker`, docs/kiosk.md §2): the
// unlock, which says which poll worker it is, each act checked against that worker's roles, a
// second poll worker's passphrase to close the polls where the kiosk is set up for it, the polls
// records (naming who acted) with their reports, the station's status as the poll worker sees it,
// finishing a networked kiosk and activating a voter session. The screens it moves between are
// the controller's (KioskController::Screen).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "polls_report.hpp"
#include "psephos/crypto/result.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

namespace psephos::ui {

class KioskController;

class KioskPollWorker : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's poll-worker side (kiosk.pollWorker)")
    Q_PROPERTY(PollsState pollsState READ pollsState NOTIFY statusChanged)
    Q_PROPERTY(int ballotsCast READ ballotsCast NOTIFY statusChanged)
    Q_PROPERTY(int ballotsChallenged READ ballotsChallenged NOTIFY statusChanged)
    Q_PROPERTY(QString ledgerStatus READ ledgerStatus NOTIFY statusChanged)
    Q_PROPERTY(QString lastCheckpoint READ lastCheckpoint NOTIFY statusChanged)
    Q_PROPERTY(QString diskFree READ diskFree NOTIFY statusChanged)
    Q_PROPERTY(QString battery READ battery NOTIFY statusChanged)
    Q_PROPERTY(QString unlockMessage READ unlockMessage NOTIFY unlockMessageChanged)
    // The "unlock" screen asks for the second poll worker's passphrase, to close the polls.
    Q_PROPERTY(bool closingUnlock READ closingUnlock NOTIFY unlockMessageChanged)
    // Who unlocked, with their roles ("Grace Hopper (open, pause, close, voters)"); empty for
    // the unnamed poll worker of a legacy passphrase file.
    Q_PROPERTY(QString pollWorkerName READ pollWorkerName NOTIFY unlockMessageChanged)
    Q_PROPERTY(QString pollWorkerMessage READ pollWorkerMessage NOTIFY pollWorkerMessageChanged)
    // closePolls() asks first; confirmClosePolls() closes.
    Q_PROPERTY(
        bool closeConfirmationPending READ closeConfirmationPending NOTIFY pollWorkerMessageChanged)
    // Networked: finishKiosk() asks first; confirmFinishKiosk() sends the kiosk's final head
    // (KioskStation::finish), after which it starts no voter session.
    Q_PROPERTY(bool finishConfirmationPending READ finishConfirmationPending NOTIFY
                   pollWorkerMessageChanged)
    Q_PROPERTY(bool kioskFinished READ kioskFinished NOTIFY statusChanged)
    Q_PROPERTY(psephos::ui::PollsReport report READ report NOTIFY reportChanged)

public:
    // The district's polls as the station last reported them; Unknown: a networked kiosk whose
    // station has not answered yet.
    enum class PollsState { Unknown, NotOpened, Open, Paused, Closed };
    Q_ENUM(PollsState)

    struct Options {
        int unlock_timeout_ms = 300'000;  // poll-worker mode inactivity
        // The Argon2id hash of a second poll worker's passphrase (KioskController::Options).
        std::string closing_passphrase_hash;
        bool two_person_close = false;
    };

    KioskPollWorker(KioskController& kiosk, std::vector<kiosk::PollWorkerCredential> poll_workers,
                    Options options);

    kiosk::PollWorkerLock& lock() { return m_lock; }
    kiosk::PollWorkerLock* closingLock() { return m_closingLock.get(); }

    PollsState pollsState() const { return m_pollsState; }
    int ballotsCast() const { return m_ballotsCast; }
    int ballotsChallenged() const { return m_ballotsChallenged; }
    QString ledgerStatus() const { return m_ledgerStatus; }
    QString lastCheckpoint() const { return m_lastCheckpoint; }
    QString diskFree() const { return m_diskFree; }
    QString battery() const { return m_battery; }
    QString unlockMessage() const { return m_unlockMessage; }
    bool closingUnlock() const { return m_closingUnlock; }
    QString pollWorkerName() const;
    QString pollWorkerMessage() const { return m_pollWorkerMessage; }
    bool closeConfirmationPending() const { return m_confirmClose; }
    bool finishConfirmationPending() const { return m_confirmFinish; }
    bool kioskFinished() const;
    PollsReport report() const { return m_report; }
    // A poll worker is unlocked (the voter never is).
    bool unlocked() const { return m_unlocked; }

    Q_INVOKABLE void showUnlock();
    Q_INVOKABLE void unlock(const QString& passphrase);
    Q_INVOKABLE void cancelUnlock();
    Q_INVOKABLE void lockKiosk();
    Q_INVOKABLE void openPolls();
    Q_INVOKABLE void pausePolls();
    Q_INVOKABLE void resumePolls();
    Q_INVOKABLE void closePolls();
    Q_INVOKABLE void confirmClosePolls();
    Q_INVOKABLE void cancelClosePolls();
    Q_INVOKABLE void finishKiosk();
    Q_INVOKABLE void confirmFinishKiosk();
    Q_INVOKABLE void cancelFinishKiosk();
    Q_INVOKABLE void dismissReport();
    Q_INVOKABLE void activateVoter();

    // Counts each lock's failures in the station's data directory; a closing passphrase that is
    // the poll worker's own file is refused.
    Status setUpLocks();
    // The station's status read again (polls, counts, ledger, disk, battery).
    void refreshStatus();
    // Restarts the poll-worker mode's inactivity timer while a poll worker is unlocked.
    void noteActivity();
    // Ballots settled at this start, shown to the first poll worker who unlocks.
    void setStartupNotice(const QString& notice) { m_startupNotice = notice; }

signals:
    void statusChanged();
    void unlockMessageChanged();
    void pollWorkerMessageChanged();
    void reportChanged();

private:
    // The battery's charge from /sys/class/power_supply, or that there is none.
    static QString batteryText();
    void setPollWorkerMessage(const QString& message);
    void recordPolls(int action);
    // Whether the unlocked poll worker holds `role`; if not, says so on the poll-worker screen.
    bool workerMay(kiosk::PollWorkerRole role);
    // The polls record's actor: the name(s) of who acted (docs/kiosk.md §2).
    std::string pollsActor(bool closing) const;
    bool twoPersonClose() const { return m_closingLock || m_options.two_person_close; }

    KioskController& m_kiosk;
    kiosk::PollWorkerLock m_lock;
    std::unique_ptr<kiosk::PollWorkerLock> m_closingLock;  // the second poll worker's, if set up
    Options m_options;
    QTimer m_unlockTimer;
    QString m_startupNotice;  // ballots settled at this start, for the poll worker
    PollsState m_pollsState = PollsState::Unknown;
    int m_ballotsCast = 0;
    int m_ballotsChallenged = 0;
    QString m_ledgerStatus;
    QString m_lastCheckpoint;
    QString m_diskFree;
    QString m_battery;
    QString m_unlockMessage;
    QString m_pollWorkerMessage;
    PollsReport m_report;
    bool m_unlocked = false;
    bool m_confirmClose = false;
    bool m_confirmFinish = false;
    bool m_closingUnlock = false;
    std::optional<std::size_t> m_worker;  // who unlocked (an index into m_lock.credentials())
    // The second person of a two-person close (in m_closingLock's credentials if set up).
    std::optional<std::size_t> m_closer;
};

}  // namespace psephos::ui
