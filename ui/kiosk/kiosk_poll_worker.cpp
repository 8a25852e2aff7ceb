// The kiosk controller's poll-worker side (kiosk_controller.hpp): the unlock, which says which
// poll worker it is, each act checked against that worker's roles, a second poll worker's
// passphrase to close the polls where the kiosk is set up for it, and the polls records (naming
// who acted) with their reports.
#include "kiosk_controller.hpp"

#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // is_voter_screen() and q()

// ----------------------------------------------------------------------------- poll worker

Status KioskController::setUpLocks() {
    const std::filesystem::path& data = m_station->data_directory();
    PSEPHOS_TRY(m_lock.keep_failures_in(data / lockout_file));
    // The election's rule (manifest polls.close_requires, docs/kiosk.md §2) holds whatever the
    // kiosk's options say: two named credentials with the close role, whose names the closing
    // record carries for the ledger and the verifier to count.
    if (m_station->election().manifest.close_requires() >= 2) {
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

QString KioskController::pollWorkerName() const {
    if (!m_worker) return {};
    const kiosk::PollWorkerCredential& c = m_lock.credentials()[*m_worker];
    if (!c.named()) return {};
    QString roles = q(kiosk::roles_to_string(c.roles));
    roles.replace(QLatin1Char(','), QStringLiteral(", "));
    return q(c.name) + QStringLiteral(" (") + roles + QLatin1Char(')');
}

bool KioskController::workerMay(kiosk::PollWorkerRole role) {
    if (m_worker && m_lock.credentials()[*m_worker].may(role)) return true;
    const QString name = m_worker ? q(m_lock.credentials()[*m_worker].name) : QString();
    setPollWorkerMessage(tr("%1 may not do this: it needs the role '%2', which this poll worker "
                            "does not have.")
                             .arg(name, q(kiosk::roles_to_string(static_cast<unsigned>(role)))));
    return false;
}

std::string KioskController::pollsActor(bool closing) const {
    const std::string device(m_station->device_id());
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

void KioskController::showUnlock() {
    if (!m_station || m_busy) return;
    if (m_screen != Screen::Idle) return;
    m_closingUnlock = false;
    m_unlockMessage.clear();
    emit unlockMessageChanged();
    setScreen(Screen::Unlock);
    m_unlockTimer.start();
}

void KioskController::unlock(const QString& passphrase) {
    if (m_screen != Screen::Unlock) return;
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
        setScreen(Screen::PollWorker);
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
        setScreen(Screen::PollWorker);
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

void KioskController::cancelUnlock() {
    if (m_screen != Screen::Unlock) return;
    if (m_closingUnlock) {  // back to the poll worker, polls as they were
        m_closingUnlock = false;
        emit unlockMessageChanged();
        setScreen(Screen::PollWorker);
        m_unlockTimer.start();
        return;
    }
    setScreen(Screen::Idle);
}

void KioskController::lockKiosk() {
    if (m_busy) return;
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
    if (m_screen == Screen::PollWorker || m_screen == Screen::Unlock || m_screen == Screen::Report)
        setScreen(Screen::Idle);
}

bool KioskController::mayCloseWindow() const {
    if (!m_options.kiosk_mode || m_screen == Screen::Error) return true;
    return m_unlocked && !m_busy && (m_screen == Screen::PollWorker || m_screen == Screen::Report);
}

void KioskController::recordPolls(int action_value) {
    if (!m_unlocked || m_busy || m_screen != Screen::PollWorker) return;
    m_confirmClose = false;
    const auto action = static_cast<election::PollsAction>(action_value);
    const bool closing = action == election::PollsAction::closed;
    if (!workerMay(action == election::PollsAction::opened ? kiosk::PollWorkerRole::open
                   : closing                               ? kiosk::PollWorkerRole::close
                                                           : kiosk::PollWorkerRole::pause))
        return;
    // Two people close where the kiosk is set up so: no record without the second.
    if (closing && twoPersonClose() && !m_closer) return;
    m_progressText = tr("Recording in the ledger…");
    kiosk::KioskStation* station = m_station.get();
    const std::string actor = pollsActor(closing);
    m_closer.reset();
    runWork(
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
                setScreen(Screen::Report);
            } else {
                setPollWorkerMessage(action == election::PollsAction::paused
                                         ? tr("Polls paused (record %1).").arg(r.record)
                                         : tr("Polls resumed (record %1).").arg(r.record));
            }
        });
}

void KioskController::openPolls() { recordPolls(static_cast<int>(election::PollsAction::opened)); }
void KioskController::pausePolls() { recordPolls(static_cast<int>(election::PollsAction::paused)); }
void KioskController::resumePolls() {
    recordPolls(static_cast<int>(election::PollsAction::resumed));
}
void KioskController::closePolls() {
    if (!m_unlocked || m_busy || m_screen != Screen::PollWorker) return;
    m_confirmFinish = false;
    if (m_pollsState != PollsState::Open && m_pollsState != PollsState::Paused) return;
    if (!workerMay(kiosk::PollWorkerRole::close)) return;
    m_confirmClose = true;
    setPollWorkerMessage(tr("Closing the polls ends voting in this district for good (%1 cast, %2 "
                            "challenged so far). Close them?")
                             .arg(m_ballotsCast)
                             .arg(m_ballotsChallenged));
}

void KioskController::confirmClosePolls() {
    if (!m_confirmClose) return;
    m_confirmClose = false;
    setPollWorkerMessage({});
    if (twoPersonClose()) {  // a second poll worker types their passphrase on the unlock screen
        m_closer.reset();
        m_closingUnlock = true;
        m_unlockMessage.clear();
        emit unlockMessageChanged();
        setScreen(Screen::Unlock);
        m_unlockTimer.start();
        return;
    }
    recordPolls(static_cast<int>(election::PollsAction::closed));
}

void KioskController::cancelClosePolls() {
    if (!m_confirmClose) return;
    m_confirmClose = false;
    setPollWorkerMessage({});
}

// A networked kiosk finishes for the day (docs/kiosk.md §7): a second press confirms, then its
// own head, checked against the station's log, goes to the station; the closing kiosk needs every
// kiosk's. It cannot be undone: the kiosk takes no voter after.
bool KioskController::kioskFinished() const { return m_station && m_station->finished(); }

void KioskController::finishKiosk() {
    if (!m_unlocked || m_busy || m_screen != Screen::PollWorker || !networked()) return;
    if (kioskFinished()) return;
    if (!workerMay(kiosk::PollWorkerRole::close)) return;
    m_confirmClose = false;
    m_confirmFinish = true;
    setPollWorkerMessage(
        tr("Finishing ends voting on this kiosk for good (the polls stay open on "
           "the others). Finish this kiosk?"));
}

void KioskController::confirmFinishKiosk() {
    if (!m_confirmFinish) return;
    m_confirmFinish = false;
    m_progressText = tr("Sending this kiosk's head to the station…");
    kiosk::KioskStation* station = m_station.get();
    runWork(
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

void KioskController::cancelFinishKiosk() {
    if (!m_confirmFinish) return;
    m_confirmFinish = false;
    setPollWorkerMessage({});
}

void KioskController::dismissReport() {
    if (m_screen == Screen::Report) setScreen(Screen::PollWorker);
}

void KioskController::activateVoter() {
    if (!m_unlocked || m_busy || m_screen != Screen::PollWorker) return;
    if (!workerMay(kiosk::PollWorkerRole::voters)) return;
    refreshLink();
    if (networked() && m_linkState != LinkState::Online) {
        setPollWorkerMessage(
            tr("No link to the station: no voter session can start (%1).").arg(m_linkText));
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
    m_session =
        std::make_unique<kiosk::VoterSession>(m_station->election(), m_station->district_id());
    m_unlocked = false;  // the voter never reaches the poll worker's controls
    m_worker.reset();
    m_unlockTimer.stop();
    resetAccessibility();
    m_contest = 0;
    m_returnToReview = false;
    setNotice({});
    emit ballotChanged();
    setScreen(Screen::Welcome);
}

}  // namespace psephos::ui
