// The kiosk's poll-worker side (kiosk_poll_worker.hpp): the unlock, which says which poll worker
// it is, each act checked against that worker's roles, a second poll worker's passphrase to close
// the polls where the kiosk is set up for it, and the polls records (naming who acted) with their
// reports.
#include "kiosk_poll_worker.hpp"

#include <QDir>
#include <QFile>

#include "kiosk_controller.hpp"
#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // Screen and q()
using WorkResult = KioskController::WorkResult;

namespace {

KioskPollWorker::PollsState polls_state(ledger::PollsStatus status) {
    using State = KioskPollWorker::PollsState;
    switch (status) {
        case ledger::PollsStatus::not_opened:
            return State::NotOpened;
        case ledger::PollsStatus::open:
            return State::Open;
        case ledger::PollsStatus::paused:
            return State::Paused;
        case ledger::PollsStatus::closed:
            return State::Closed;
    }
    return State::Unknown;
}

}  // namespace

KioskPollWorker::KioskPollWorker(KioskController& kiosk,
                                 std::vector<kiosk::PollWorkerCredential> poll_workers,
                                 Options options)
    : QObject(&kiosk),
      m_kiosk(kiosk),
      m_lock(std::move(poll_workers)),
      m_options(std::move(options)) {
    m_unlockTimer.setSingleShot(true);
    m_unlockTimer.setInterval(m_options.unlock_timeout_ms);
    connect(&m_unlockTimer, &QTimer::timeout, this, [this] {
        if (m_kiosk.screen() == Screen::PollWorker || m_kiosk.screen() == Screen::Unlock ||
            m_kiosk.screen() == Screen::Report)
            lockKiosk();
    });
}

QString KioskPollWorker::batteryText() {
    const QDir supplies(QStringLiteral("/sys/class/power_supply"));
    for (const QString& name : supplies.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile type(supplies.filePath(name + QStringLiteral("/type")));
        if (!type.open(QIODevice::ReadOnly) || type.readAll().trimmed() != "Battery") continue;
        QFile capacity(supplies.filePath(name + QStringLiteral("/capacity")));
        if (capacity.open(QIODevice::ReadOnly))
            return tr("%1% (battery %2)")
                .arg(QString::fromLatin1(capacity.readAll().trimmed()), name);
    }
    return tr("no battery found (mains power)");
}

void KioskPollWorker::refreshStatus() {
    if (!m_kiosk.station()) return;
    const kiosk::StationStatus s = m_kiosk.station()->status();
    // Networked, before the station first answered: not known (no polls button applies).
    m_pollsState = s.reported ? polls_state(s.casting.polls) : PollsState::Unknown;
    m_ballotsCast = static_cast<int>(s.casting.ballots_cast);
    m_ballotsChallenged = static_cast<int>(s.casting.ballots_challenged);
    m_ledgerStatus = m_kiosk.networked()
                         ? tr("at the station; district log size %1").arg(s.log_size)
                     : s.log_size == 0 ? tr("ledger open; the district log is empty")
                                       : tr("ledger open; district log size %1, root %2…")
                                             .arg(s.log_size)
                                             .arg(q(s.root_hex).left(16));
    m_lastCheckpoint = q(s.signed_checkpoint);
    if (auto free = m_kiosk.station()->disk_free_bytes())
        m_diskFree = tr("%1 GB free").arg(static_cast<double>(*free) / 1e9, 0, 'f', 1);
    else
        m_diskFree = tr("unknown");
    m_battery = batteryText();
    emit statusChanged();
}

void KioskPollWorker::setPollWorkerMessage(const QString& message) {
    m_pollWorkerMessage = message;
    emit pollWorkerMessageChanged();
}

void KioskPollWorker::noteActivity() {
    if (m_unlocked) m_unlockTimer.start();
}

// ----------------------------------------------------------------------------- poll worker

Status KioskPollWorker::setUpLocks() {
    const std::filesystem::path& data = m_kiosk.station()->data_directory();
    PSEPHOS_TRY(m_lock.keep_failures_in(data / lockout_file));
    // The election's rule (manifest polls.close_requires, docs/kiosk.md §2) holds whatever the
    // kiosk's options say: two named credentials with the close role, whose names the closing
    // record carries for the ledger and the verifier to count.
    if (m_kiosk.station()->election().manifest.close_requires() >= 2) {
        if (!m_options.closing_passphrase_hash.empty())
            return Error{ErrorCode::invalid_argument,
                         "the election requires two people to close the polls (manifest "
                         "polls.close_requires): the second must be a named poll worker of the "
                         "credentials file, not --closing-passphrase"};
        m_options.two_person_close = true;
    }
    if (m_options.closing_passphrase_hash.empty()) {
        if (!m_options.two_person_close) return {};
        // The second person comes from the same credentials: two must be able to close.
        std::size_t closers = 0;
        for (const auto& c : m_lock.credentials()) closers += c.may(kiosk::PollWorkerRole::close);
        if (closers < 2)
            return Error{ErrorCode::invalid_argument,
                         "closing the polls needs two poll workers (--two-person-close or the "
                         "election's polls.close_requires), but the "
                         "credentials name " +
                             std::to_string(closers) +
                             " with the close role (a passphrase file is one unnamed poll worker: "
                             "add named ones with psephos-kiosk --add-poll-worker)"};
        return {};
    }
    // The same hash line means the same file copied: one person would hold both. (Two files of
    // one passphrase differ by their salts; only named credentials can tell people apart.)
    for (const auto& c : m_lock.credentials())
        if (m_options.closing_passphrase_hash == c.hash)
            return Error{ErrorCode::invalid_argument,
                         "the closing passphrase file is a copy of the poll-worker passphrase "
                         "file: closing the polls needs a second person's passphrase"};
    m_closingLock = std::make_unique<kiosk::PollWorkerLock>(m_options.closing_passphrase_hash);
    return m_closingLock->keep_failures_in(data / closing_lockout_file);
}

QString KioskPollWorker::pollWorkerName() const {
    if (!m_worker) return {};
    const kiosk::PollWorkerCredential& c = m_lock.credentials()[*m_worker];
    if (!c.named()) return {};
    QString roles = q(kiosk::roles_to_string(c.roles));
    roles.replace(QLatin1Char(','), QStringLiteral(", "));
    return q(c.name) + QStringLiteral(" (") + roles + QLatin1Char(')');
}

bool KioskPollWorker::workerMay(kiosk::PollWorkerRole role) {
    if (m_worker && m_lock.credentials()[*m_worker].may(role)) return true;
    const QString name = m_worker ? q(m_lock.credentials()[*m_worker].name) : QString();
    setPollWorkerMessage(tr("%1 may not do this: it needs the role '%2', which this poll worker "
                            "does not have.")
                             .arg(name, q(kiosk::roles_to_string(static_cast<unsigned>(role)))));
    return false;
}

std::string KioskPollWorker::pollsActor(bool closing) const {
    const std::string device(m_kiosk.station()->device_id());
    const auto name_of = [&](const kiosk::PollWorkerCredential& c) {
        return c.named() ? c.name : "poll worker at " + device;
    };
    const kiosk::PollWorkerCredential* first =
        m_worker ? &m_lock.credentials()[*m_worker] : nullptr;
    const kiosk::PollWorkerCredential* second = nullptr;
    if (closing && m_closer)
        second = m_closingLock ? &m_closingLock->credentials()[*m_closer]
                               : &m_lock.credentials()[*m_closer];
    if (!first) return "poll worker at " + device;
    if (!second) return name_of(*first);
    // Where a second passphrase closes the polls, the record says two people did, by name where
    // the credentials have names (names hold no comma).
    if (!first->named() && !second->named()) return "two poll workers at " + device;
    return name_of(*first) + ", " + name_of(*second);
}

void KioskPollWorker::showUnlock() {
    if (!m_kiosk.station() || m_kiosk.busy()) return;
    if (m_kiosk.screen() != Screen::Idle) return;
    m_closingUnlock = false;
    m_unlockMessage.clear();
    emit unlockMessageChanged();
    m_kiosk.setScreen(Screen::Unlock);
    m_unlockTimer.start();
}

void KioskPollWorker::unlock(const QString& passphrase) {
    if (m_kiosk.screen() != Screen::Unlock) return;
    const bool closing = m_closingUnlock;
    kiosk::PollWorkerLock& lock = closing && m_closingLock ? *m_closingLock : m_lock;
    // The second person of a two-person close: not the first (the same credential, or the same
    // name in the closing file), and allowed to close. A match on anyone else counts as a failure
    // and clears no count, so the first person cannot test guesses at a colleague's passphrase
    // between their own.
    const kiosk::PollWorkerCredential* first =
        m_worker ? &m_lock.credentials()[*m_worker] : nullptr;
    kiosk::PollWorkerLock::Accept accept;
    if (closing) {
        accept = [first](const kiosk::PollWorkerCredential& c) {
            if (first && (&c == first || (c.named() && c.name == first->name))) return false;
            return c.may(kiosk::PollWorkerRole::close);
        };
    }
    QByteArray utf8 = passphrase.toUtf8();
    const kiosk::PollWorkerLock::Attempt attempt = lock.try_unlock(
        std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())), accept);
    utf8.fill('\0');
    if (!attempt.error.empty()) {
        m_unlockMessage = tr("The attempt was not checked: %1").arg(q(attempt.error));
        emit unlockMessageChanged();
        return;
    }
    if (attempt.unlocked && closing) {
        m_closer = attempt.worker;
        m_closingUnlock = false;
        m_unlockMessage.clear();
        emit unlockMessageChanged();
        m_kiosk.setScreen(Screen::PollWorker);
        recordPolls(static_cast<int>(election::PollsAction::closed));
        return;
    }
    if (attempt.unlocked) {
        m_unlocked = true;
        m_worker = attempt.worker;
        m_unlockMessage.clear();
        emit unlockMessageChanged();
        setPollWorkerMessage(m_startupNotice);
        m_startupNotice.clear();
        refreshStatus();
        m_kiosk.setScreen(Screen::PollWorker);
        m_unlockTimer.start();
        return;
    }
    if (closing && attempt.worker) {
        const kiosk::PollWorkerCredential& who = lock.credentials()[*attempt.worker];
        const QString name = who.named() ? q(who.name) : tr("This poll worker");
        m_unlockMessage =
            (first && (&who == first || (who.named() && who.name == first->name)))
                ? tr("%1 unlocked this kiosk already: closing the polls needs a second poll "
                     "worker's passphrase.")
                      .arg(name)
                : tr("%1 may not close the polls (no close role).").arg(name);
        if (attempt.wait_seconds > 0)
            m_unlockMessage +=
                QLatin1Char(' ') +
                tr("Too many attempts: try again in %1 seconds.").arg(attempt.wait_seconds);
        emit unlockMessageChanged();
        return;
    }
    m_unlockMessage = attempt.wait_seconds > 0
                          ? tr("Wrong passphrase. Too many attempts: try again in %1 seconds.")
                                .arg(attempt.wait_seconds)
                          : tr("Wrong passphrase.");
    emit unlockMessageChanged();
}

void KioskPollWorker::cancelUnlock() {
    if (m_kiosk.screen() != Screen::Unlock) return;
    if (m_closingUnlock) {  // back to the poll worker, polls as they were
        m_closingUnlock = false;
        emit unlockMessageChanged();
        m_kiosk.setScreen(Screen::PollWorker);
        m_unlockTimer.start();
        return;
    }
    m_kiosk.setScreen(Screen::Idle);
}

void KioskPollWorker::lockKiosk() {
    if (m_kiosk.busy()) return;
    m_unlocked = false;
    m_worker.reset();
    m_closer.reset();
    if (m_confirmClose) {
        m_confirmClose = false;
        setPollWorkerMessage({});
    }
    if (m_closingUnlock) {
        m_closingUnlock = false;
        emit unlockMessageChanged();
    }
    m_unlockTimer.stop();
    if (m_kiosk.screen() == Screen::PollWorker || m_kiosk.screen() == Screen::Unlock ||
        m_kiosk.screen() == Screen::Report)
        m_kiosk.setScreen(Screen::Idle);
}

void KioskPollWorker::recordPolls(int action_value) {
    if (!m_unlocked || m_kiosk.busy() || m_kiosk.screen() != Screen::PollWorker) return;
    m_confirmClose = false;
    const auto action = static_cast<election::PollsAction>(action_value);
    const bool closing = action == election::PollsAction::closed;
    if (!workerMay(action == election::PollsAction::opened ? kiosk::PollWorkerRole::open
                   : closing                               ? kiosk::PollWorkerRole::close
                                                           : kiosk::PollWorkerRole::pause))
        return;
    // Two people close where the kiosk is set up so: no record without the second.
    if (closing && twoPersonClose() && !m_closer) return;
    m_kiosk.m_progressText = tr("Recording in the ledger…");
    kiosk::KioskStation* station = m_kiosk.station();
    const std::string actor = pollsActor(closing);
    m_closer.reset();
    m_kiosk.runWork(
        [station, action, actor] {
            auto result = std::make_shared<WorkResult>();
            auto receipt = station->record_polls(action, actor);
            if (!receipt) {
                result->error = q(receipt.error().message);
                return result;
            }
            result->ok = true;
            result->record =
                q(receipt.value().log) + QLatin1Char('#') + QString::number(receipt.value().index);
            result->checkpoint = q(receipt.value().signed_checkpoint);
            return result;
        },
        [this, action](const WorkResult& r) {
            refreshStatus();
            m_unlockTimer.start();
            if (!r.ok) {
                setPollWorkerMessage(tr("The ledger refused: %1").arg(r.error));
                return;
            }
            setPollWorkerMessage({});
            if (action == election::PollsAction::opened ||
                action == election::PollsAction::closed) {
                m_report = PollsReport{action == election::PollsAction::opened
                                           ? tr("Polls opened: zero report")
                                           : tr("Polls closed: closing report"),
                                       m_ballotsCast, m_ballotsChallenged, r.checkpoint, r.record};
                emit reportChanged();
                m_kiosk.setScreen(Screen::Report);
            } else {
                setPollWorkerMessage(action == election::PollsAction::paused
                                         ? tr("Polls paused (record %1).").arg(r.record)
                                         : tr("Polls resumed (record %1).").arg(r.record));
            }
        });
}

void KioskPollWorker::openPolls() { recordPolls(static_cast<int>(election::PollsAction::opened)); }
void KioskPollWorker::pausePolls() { recordPolls(static_cast<int>(election::PollsAction::paused)); }
void KioskPollWorker::resumePolls() {
    recordPolls(static_cast<int>(election::PollsAction::resumed));
}
void KioskPollWorker::closePolls() {
    if (!m_unlocked || m_kiosk.busy() || m_kiosk.screen() != Screen::PollWorker) return;
    m_confirmFinish = false;
    if (m_pollsState != PollsState::Open && m_pollsState != PollsState::Paused) return;
    if (!workerMay(kiosk::PollWorkerRole::close)) return;
    m_confirmClose = true;
    setPollWorkerMessage(tr("Closing the polls ends voting in this district for good (%1 cast, %2 "
                            "challenged so far). Close them?")
                             .arg(m_ballotsCast)
                             .arg(m_ballotsChallenged));
}

void KioskPollWorker::confirmClosePolls() {
    if (!m_confirmClose) return;
    m_confirmClose = false;
    setPollWorkerMessage({});
    if (twoPersonClose()) {  // a second poll worker types their passphrase on the unlock screen
        m_closer.reset();
        m_closingUnlock = true;
        m_unlockMessage.clear();
        emit unlockMessageChanged();
        m_kiosk.setScreen(Screen::Unlock);
        m_unlockTimer.start();
        return;
    }
    recordPolls(static_cast<int>(election::PollsAction::closed));
}

void KioskPollWorker::cancelClosePolls() {
    if (!m_confirmClose) return;
    m_confirmClose = false;
    setPollWorkerMessage({});
}

// A networked kiosk finishes for the day (docs/kiosk.md §7): a second press confirms, then its
// own head, checked against the station's log, goes to the station; the closing kiosk needs every
// kiosk's. It cannot be undone: the kiosk takes no voter after.
bool KioskPollWorker::kioskFinished() const {
    return m_kiosk.station() && m_kiosk.station()->finished();
}

void KioskPollWorker::finishKiosk() {
    if (!m_unlocked || m_kiosk.busy() || m_kiosk.screen() != Screen::PollWorker ||
        !m_kiosk.networked())
        return;
    if (kioskFinished()) return;
    if (!workerMay(kiosk::PollWorkerRole::close)) return;
    m_confirmClose = false;
    m_confirmFinish = true;
    setPollWorkerMessage(
        tr("Finishing ends voting on this kiosk for good (the polls stay open on "
           "the others). Finish this kiosk?"));
}

void KioskPollWorker::confirmFinishKiosk() {
    if (!m_confirmFinish) return;
    m_confirmFinish = false;
    m_kiosk.m_progressText = tr("Sending this kiosk's head to the station…");
    kiosk::KioskStation* station = m_kiosk.station();
    m_kiosk.runWork(
        [station] {
            auto result = std::make_shared<WorkResult>();
            auto finished = station->finish();
            if (!finished) {
                result->error = q(finished.error().message);
                return result;
            }
            result->ok = true;
            result->record = tr("This kiosk has finished for the day (%1 ballots); %2 of %3 kiosks "
                                "of the district have finished.")
                                 .arg(finished.value().ballots)
                                 .arg(finished.value().kiosks_finished)
                                 .arg(finished.value().kiosks_registered);
            return result;
        },
        [this](const WorkResult& r) {
            refreshStatus();
            emit statusChanged();
            m_unlockTimer.start();
            setPollWorkerMessage(r.ok ? r.record : tr("Not finished: %1").arg(r.error));
        });
}

void KioskPollWorker::cancelFinishKiosk() {
    if (!m_confirmFinish) return;
    m_confirmFinish = false;
    setPollWorkerMessage({});
}

void KioskPollWorker::dismissReport() {
    if (m_kiosk.screen() == Screen::Report) m_kiosk.setScreen(Screen::PollWorker);
}

void KioskPollWorker::activateVoter() {
    if (!m_unlocked || m_kiosk.busy() || m_kiosk.screen() != Screen::PollWorker) return;
    if (!workerMay(kiosk::PollWorkerRole::voters)) return;
    m_kiosk.refreshLink();
    if (m_kiosk.networked() && m_kiosk.linkState() != KioskController::LinkState::Online) {
        setPollWorkerMessage(
            tr("No link to the station: no voter session can start (%1).").arg(m_kiosk.linkText()));
        return;
    }
    if (kioskFinished()) {
        setPollWorkerMessage(
            tr("This kiosk has finished for the day: no voter session can start."));
        return;
    }
    refreshStatus();
    if (m_pollsState != PollsState::Open) {
        setPollWorkerMessage(tr("Polls are not open: no voter session can start."));
        return;
    }
    m_unlocked = false;  // the voter never reaches the poll worker's controls
    m_worker.reset();
    m_unlockTimer.stop();
    m_kiosk.beginVoterSession();
}

}  // namespace psephos::ui
