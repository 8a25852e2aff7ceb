#include "kiosk_controller.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QQmlEngine>
#include <QTranslator>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"
#include "secret_wipe.hpp"
#include "speaker.hpp"

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
      m_speaker(std::make_unique<Speaker>(options.speech)),
      m_pollWorker(
          *this, std::move(poll_workers),
          {options.unlock_timeout_ms, options.closing_passphrase_hash, options.two_person_close}) {
    m_pool.setMaxThreadCount(1);
    // Whatever changes the ballot (a mark, the contest, the language, the session's end) changes
    // the lists drawn from it.
    connect(this, &KioskController::ballotChanged, this, &KioskController::refreshBallotLists);
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

template <typename Text>
QString KioskController::localized(const Text& text) const {
    if (m_language != QStringLiteral("en")) {
        auto it = text.translations.find(m_language.toStdString());
        if (it != text.translations.end()) return q(it->second);
    }
    return q(text.text);
}

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

void KioskController::setNotice(const QString& notice) {
    if (m_notice == notice) return;
    m_notice = notice;
    emit noticeChanged();
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
    m_session =
        std::make_unique<kiosk::VoterSession>(m_station->election(), m_station->district_id());
    resetAccessibility();
    m_contest = 0;
    m_returnToReview = false;
    setNotice({});
    emit ballotChanged();
    setScreen(Screen::Welcome);
}

void KioskController::startBallot() {
    if (m_screen != Screen::Welcome || !m_session) return;
    showContest(0);
}

void KioskController::showContest(int contest) {
    if (!m_session || contest < 0 || contest >= contestCount()) return;
    m_contest = contest;
    setNotice({});
    emit ballotChanged();
    if (m_screen == Screen::Contest) {
        m_cursor = -1;
        emit cursorChanged();
        m_sessionTimer.start();
        speakScreen();
    } else {
        setScreen(Screen::Contest);
    }
}

int KioskController::contestCount() const {
    return m_session ? static_cast<int>(m_session->contest_count()) : 0;
}

QString KioskController::contestTitle() const {
    if (!m_session || m_contest >= contestCount()) return {};
    return localized(m_session->contest(static_cast<std::size_t>(m_contest)).title);
}

QString KioskController::contestInstructions() const {
    if (!m_session || m_contest >= contestCount()) return {};
    const election::Contest& c = m_session->contest(static_cast<std::size_t>(m_contest));
    if (c.kind == election::ContestKind::ballot_measure) return tr("Vote Yes or No.");
    if (c.vote_for == 1) return tr("Vote for one.");
    return tr("Vote for up to %1.").arg(c.vote_for);
}

void KioskController::toggleOption(int option) {
    if (m_screen != Screen::Contest || !m_session || m_busy) return;
    const auto c = static_cast<std::size_t>(m_contest);
    const election::Contest& contest = m_session->contest(c);
    if (option < 0 || static_cast<std::size_t>(option) >= contest.options.size()) return;
    const auto o = static_cast<std::size_t>(option);
    const QString label = localized(contest.options[o].label);
    m_sessionTimer.start();
    switch (m_session->toggle(c, o)) {
        case kiosk::MarkOutcome::marked:
        case kiosk::MarkOutcome::switched:
            setNotice({});
            emit ballotChanged();
            speak(tr("%1 selected.").arg(label));
            break;
        case kiosk::MarkOutcome::unmarked:
            setNotice({});
            emit ballotChanged();
            speak(tr("%1 not selected.").arg(label));
            break;
        case kiosk::MarkOutcome::refused_overvote:
            setNotice(tr("You have already chosen %1, the most this contest allows. To choose %2, "
                         "first remove one of your choices.")
                          .arg(contest.vote_for)
                          .arg(label));
            speak(m_notice);
            break;
    }
}

void KioskController::nextContest() {
    if (m_screen != Screen::Contest || !m_session) return;
    if (m_returnToReview || m_contest + 1 >= contestCount()) {
        showReview();
        return;
    }
    showContest(m_contest + 1);
}

void KioskController::previousContest() {
    if (m_screen != Screen::Contest || !m_session || m_contest == 0) return;
    showContest(m_contest - 1);
}

void KioskController::showReview() {
    if (!m_session || (m_screen != Screen::Contest && m_screen != Screen::Review)) return;
    m_returnToReview = false;
    setNotice({});
    emit ballotChanged();
    setScreen(Screen::Review);
}

void KioskController::changeContest(int contest) {
    if (m_screen != Screen::Review || !m_session) return;
    if (contest < 0 || contest >= contestCount()) return;
    showContest(contest);
    m_returnToReview = true;
}

void KioskController::refreshBallotLists() {
    std::vector<OptionRow> options;
    std::vector<ReviewRow> review;
    if (m_session) {
        if (m_contest < contestCount()) {
            const auto c = static_cast<std::size_t>(m_contest);
            const election::Contest& contest = m_session->contest(c);
            for (std::size_t o = 0; o < contest.options.size(); ++o)
                options.push_back({q(contest.options[o].id), localized(contest.options[o].label),
                                   m_session->is_marked(c, o)});
        }
        for (std::size_t c = 0; c < m_session->contest_count(); ++c) {
            const election::Contest& contest = m_session->contest(c);
            ReviewRow row;
            row.contest = static_cast<int>(c);
            row.title = localized(contest.title);
            for (std::size_t o = 0; o < contest.options.size(); ++o)
                if (m_session->is_marked(c, o))
                    row.marks.push_back(localized(contest.options[o].label));
            const std::size_t marked = m_session->marked_count(c);
            row.undervote = marked < contest.vote_for;
            if (marked == 0)
                row.warning = tr("You did not vote in this contest.");
            else if (marked < contest.vote_for)
                row.warning = tr("You may choose %1 more.").arg(contest.vote_for - marked);
            review.push_back(std::move(row));
        }
    }
    m_optionList.setRows(std::move(options));
    m_reviewItems.setRows(std::move(review));
}

// Commit before the choice (docs/kiosk.md §3): the ballot is encrypted and signed, and its
// tracking code shown, before the voter says whether to cast or challenge it.
void KioskController::seal() {
    if (m_screen != Screen::Review || !m_session || m_busy) return;
    m_stillSealed = false;  // the station discards any earlier sealed ballot first
    auto marks = std::make_shared<election::BallotMarks>(m_session->ballot_marks());
    m_progressText = tr("Encrypting your ballot. Please wait…");
    kiosk::KioskStation* station = m_station.get();
    setScreen(Screen::Working);
    runWork(
        [station, marks] {
            auto result = std::make_shared<WorkResult>();
            auto sealed = station->seal(*marks);
            kiosk::wipe_ballot_marks(*marks);
            if (sealed) {
                result->ok = true;
                result->tracking_code = q(sealed.value().tracking_code);
            } else {
                result->error = q(sealed.error().message);
            }
            return result;
        },
        [this](const WorkResult& r) {
            if (!r.ok) {
                m_unconfirmedCode.clear();
                m_errorText = tr("The kiosk could not encrypt the ballot: %1").arg(r.error);
                setScreen(Screen::LedgerError);
                return;
            }
            m_trackingCode = r.tracking_code;
            m_receiptFile = r.receipt_file;
            m_challengeItems.clear();
            emit receiptChanged();
            setScreen(Screen::Sealed);
        });
}

void KioskController::cast() {
    if (m_screen == Screen::Sealed && m_session && !m_busy) submit(false);
}
void KioskController::challenge() {
    if (m_screen == Screen::Sealed && m_session && !m_busy) submit(true);
}

void KioskController::changeSealed() {
    if (m_screen != Screen::Sealed || !m_session || m_busy) return;
    discardSealed();
    m_stillSealed = false;
    m_trackingCode.clear();
    emit receiptChanged();
    setScreen(Screen::Review);
}

// The station is used from the worker thread only, one job at a time.
void KioskController::discardSealed() {
    if (!m_station) return;
    kiosk::KioskStation* station = m_station.get();
    m_pool.start([station] { station->discard_sealed(); });
}

void KioskController::submit(bool challenge) {
    m_progressText = challenge ? tr("Recording your challenged ballot. Please wait…")
                               : tr("Recording your ballot. Please wait…");
    kiosk::KioskStation* station = m_station.get();
    setScreen(Screen::Working);
    runWork(
        [station, challenge] {
            auto result = std::make_shared<WorkResult>();
            if (challenge) {
                auto report = station->challenge();
                if (report) {
                    result->ok = true;
                    result->tracking_code = q(report.value().tracking_code);
                    result->opened = std::move(report.value().opened);
                } else {
                    result->error = q(report.error().message);
                    result->write_failed = report.error().code == ErrorCode::io_error;
                    result->not_confirmed = report.error().code == ErrorCode::not_confirmed;
                }
            } else {
                auto receipt = station->cast();
                if (receipt) {
                    result->ok = true;
                    result->tracking_code = q(receipt.value().tracking_code);
                    result->record = q(receipt.value().receipt.log) + QLatin1Char('#') +
                                     QString::number(receipt.value().receipt.index);
                    if (receipt.value().receipt_problem.empty())
                        result->receipt_file = q(receipt.value().receipt_file.filename().string());
                    else  // the ballot is cast; only its receipt file is missing
                        qWarning("kiosk: no receipt file: %s",
                                 receipt.value().receipt_problem.c_str());
                } else {
                    result->error = q(receipt.error().message);
                    result->write_failed = receipt.error().code == ErrorCode::io_error;
                    result->not_confirmed = receipt.error().code == ErrorCode::not_confirmed;
                }
            }
            if (result->write_failed && station->unconfirmed_ballot())
                result->unconfirmed = q(*station->unconfirmed_ballot());
            result->still_sealed = station->sealed().has_value();
            return result;
        },
        [this, challenge](const WorkResult& r) {
            m_pollWorker.refreshStatus();
            if (r.not_confirmed) {
                // Sent, the answer lost: the ballot has left the kiosk, so the voter's marks go;
                // its tracking code stays on the screen until the station is asked about it.
                m_unconfirmedCode = m_trackingCode;
                endVoterSession();
                refreshLink();  // the link went down with the answer: show it at once
                setScreen(Screen::NotConfirmed);
                emit submissionFinished(false);
                return;
            }
            if (!r.ok) {
                m_unconfirmedCode = r.unconfirmed;
                m_stillSealed = r.still_sealed;
                if (!m_stillSealed) {  // no sealed ballot whose code the screen could show
                    m_trackingCode.clear();
                    emit receiptChanged();
                }
                m_errorText =
                    r.unconfirmed.isEmpty()
                        ? tr("The ledger did not record the ballot: %1").arg(r.error)
                        : tr("Ballot %1 may or may not have been recorded. No one can vote on this "
                             "kiosk until it is restarted; at its restart the kiosk looks the "
                             "ballot up and tells the poll worker whether it was cast. The voter "
                             "must not vote again until then.\n\nWhat happened: %2")
                              .arg(r.unconfirmed, r.error);
                setScreen(Screen::LedgerError);
                emit submissionFinished(false);
                return;
            }
            m_trackingCode = r.tracking_code;
            m_receiptFile = r.receipt_file;
            m_challengeItems.clear();
            if (challenge)
                showChallenge(r);
            else
                endVoterSession();
            emit receiptChanged();
            emit ballotChanged();
            setScreen(challenge ? Screen::Challenged : Screen::Receipt);
            emit submissionFinished(true);
        });
}

// What the challenged ballot opened to, by contest; the voter then starts over on a fresh ballot.
void KioskController::showChallenge(const WorkResult& r) {
    const election::ElectionManifest& manifest = m_station->election().manifest;
    const std::vector<std::string>& contests =
        manifest.ballot_style_of_district(m_station->district_id())->contests;
    std::vector<ChallengeRow> rows;
    for (std::size_t c = 0; c < contests.size() && c < r.opened.size(); ++c) {
        const election::Contest* contest = manifest.find_contest(contests[c]);
        QStringList labels;
        for (const std::string& id : r.opened[c])
            for (const election::ContestOption& option : contest->options)
                if (option.id == id) labels.push_back(localized(option.label));
        rows.push_back({localized(contest->title), std::move(labels)});
    }
    m_challengeItems.setRows(std::move(rows));
    m_session =
        std::make_unique<kiosk::VoterSession>(m_station->election(), m_station->district_id());
    m_contest = 0;
}

QStringList KioskController::trackingGroups() const {
    return m_trackingCode.split(QLatin1Char('-'), Qt::SkipEmptyParts);
}

QString KioskController::qrSource() const {
    if (m_trackingCode.isEmpty()) return {};
    return QStringLiteral("image://qr/") +
           QString::fromLatin1(QUrl::toPercentEncoding(m_trackingCode));
}

void KioskController::finishReceipt() {
    if (m_screen != Screen::Receipt) return;
    m_trackingCode.clear();
    m_receiptFile.clear();
    emit receiptChanged();
    resetAccessibility();
    setScreen(Screen::Idle);
}

void KioskController::startOver() {
    if (m_screen != Screen::Challenged || !m_session) return;
    m_trackingCode.clear();
    forgetVoterText();  // the challenged ballot's marks; the voter starts on a fresh ballot
    emit receiptChanged();
    showContest(0);
}

void KioskController::acknowledgeLedgerError() {
    if (m_screen != Screen::LedgerError) return;
    m_errorText.clear();
    if (!m_unconfirmedCode.isEmpty()) {
        // Casting again could count this voter twice: the session ends here.
        m_unconfirmedCode.clear();
        endVoterSession();
        setScreen(Screen::Idle);
    } else if (m_session && m_stillSealed) {
        // The sealed ballot is still held: the voter may cast or challenge it once the poll
        // worker fixed what the ledger refused.
        setScreen(Screen::Sealed);
    } else if (m_session) {
        // The voter's marks are still here: they may try again once the poll worker fixed it.
        setScreen(Screen::Review);
    } else {
        setScreen(Screen::Idle);
    }
}

void KioskController::endVoterSession() {
    discardSealed();
    m_stillSealed = false;
    if (m_session) m_session->clear();
    m_session.reset();
    m_contest = 0;
    m_returnToReview = false;
    forgetVoterText();
    setNotice({});
    emit ballotChanged();
}

// The text copies of a voter's marks this controller holds: what the speaker said last (a contest
// read aloud says which options are selected) and the challenge screen's opened marks.
void KioskController::forgetVoterText() {
    m_speaker->forget();  // first, so that m_lastSpoken is the text's only owner here
    wipeString(m_lastSpoken);
    m_challengeItems.clear();  // wipes its rows
    emit spoken();
}

void KioskController::onSessionTimeout() {
    if (!is_voter_screen(m_screen)) return;
    endVoterSession();  // wipes the challenge items too
    m_trackingCode.clear();
    emit receiptChanged();
    resetAccessibility();
    setScreen(Screen::Idle);
}

void KioskController::activity() {
    if (is_voter_screen(m_screen)) m_sessionTimer.start();
    m_pollWorker.noteActivity();
}

}  // namespace psephos::ui
