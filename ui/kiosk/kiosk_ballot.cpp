// The voter's ballot (kiosk_ballot.hpp): the contests and marks of the voter session, the
// review, sealing, casting or challenging, the tracking code (docs/kiosk.md §3).
#include "kiosk_ballot.hpp"

#include <QUrl>

#include "kiosk_controller.hpp"
#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"
#include "psephos/kiosk/voter_session.hpp"

namespace psephos::ui {

using namespace kiosk_detail;  // Screen and q()
using WorkResult = KioskController::WorkResult;

KioskBallot::KioskBallot(KioskController& kiosk) : QObject(&kiosk), m_kiosk(kiosk) {
    // Whatever changes the ballot (a mark, the contest, the language, the session's end) changes
    // the lists drawn from it.
    connect(this, &KioskBallot::changed, this, &KioskBallot::refreshLists);
}

KioskBallot::~KioskBallot() = default;

void KioskBallot::setNotice(const QString& notice) {
    if (m_notice == notice) return;
    m_notice = notice;
    emit noticeChanged();
}

template <typename Text>
QString KioskBallot::localized(const Text& text) const {
    if (m_kiosk.m_access.language() != QStringLiteral("en")) {
        auto it = text.translations.find(m_kiosk.m_access.language().toStdString());
        if (it != text.translations.end()) return q(it->second);
    }
    return q(text.text);
}

void KioskBallot::startBallot() {
    if (m_kiosk.m_screen != Screen::Welcome || !m_session) return;
    showContest(0);
}

void KioskBallot::showContest(int contest) {
    if (!m_session || contest < 0 || contest >= contestCount()) return;
    m_contest = contest;
    setNotice({});
    emit changed();
    if (m_kiosk.m_screen == Screen::Contest) {
        m_kiosk.m_cursor = -1;
        emit m_kiosk.cursorChanged();
        m_kiosk.m_sessionTimer.start();
        m_kiosk.speakScreen();
    } else {
        m_kiosk.setScreen(Screen::Contest);
    }
}

int KioskBallot::contestCount() const {
    return m_session ? static_cast<int>(m_session->contest_count()) : 0;
}

QString KioskBallot::contestTitle() const {
    if (!m_session || m_contest >= contestCount()) return {};
    return localized(m_session->contest(static_cast<std::size_t>(m_contest)).title);
}

QString KioskBallot::contestInstructions() const {
    if (!m_session || m_contest >= contestCount()) return {};
    const election::Contest& c = m_session->contest(static_cast<std::size_t>(m_contest));
    if (c.kind == election::ContestKind::ballot_measure) return tr("Vote Yes or No.");
    if (c.vote_for == 1) return tr("Vote for one.");
    return tr("Vote for up to %1.").arg(c.vote_for);
}

void KioskBallot::toggleOption(int option) {
    if (m_kiosk.m_screen != Screen::Contest || !m_session || m_kiosk.m_busy) return;
    const auto c = static_cast<std::size_t>(m_contest);
    const election::Contest& contest = m_session->contest(c);
    if (option < 0 || static_cast<std::size_t>(option) >= contest.options.size()) return;
    const auto o = static_cast<std::size_t>(option);
    const QString label = localized(contest.options[o].label);
    m_kiosk.m_sessionTimer.start();
    switch (m_session->toggle(c, o)) {
        case kiosk::MarkOutcome::marked:
        case kiosk::MarkOutcome::switched:
            setNotice({});
            emit changed();
            m_kiosk.speak(tr("%1 selected.").arg(label));
            break;
        case kiosk::MarkOutcome::unmarked:
            setNotice({});
            emit changed();
            m_kiosk.speak(tr("%1 not selected.").arg(label));
            break;
        case kiosk::MarkOutcome::refused_overvote:
            setNotice(tr("You have already chosen %1, the most this contest allows. To choose %2, "
                         "first remove one of your choices.")
                          .arg(contest.vote_for)
                          .arg(label));
            m_kiosk.speak(m_notice);
            break;
    }
}

void KioskBallot::nextContest() {
    if (m_kiosk.m_screen != Screen::Contest || !m_session) return;
    if (m_returnToReview || m_contest + 1 >= contestCount()) {
        showReview();
        return;
    }
    showContest(m_contest + 1);
}

void KioskBallot::previousContest() {
    if (m_kiosk.m_screen != Screen::Contest || !m_session || m_contest == 0) return;
    showContest(m_contest - 1);
}

void KioskBallot::showReview() {
    if (!m_session || (m_kiosk.m_screen != Screen::Contest && m_kiosk.m_screen != Screen::Review))
        return;
    m_returnToReview = false;
    setNotice({});
    emit changed();
    m_kiosk.setScreen(Screen::Review);
}

void KioskBallot::changeContest(int contest) {
    if (m_kiosk.m_screen != Screen::Review || !m_session) return;
    if (contest < 0 || contest >= contestCount()) return;
    showContest(contest);
    m_returnToReview = true;
}

void KioskBallot::refreshLists() {
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
void KioskBallot::seal() {
    if (m_kiosk.m_screen != Screen::Review || !m_session || m_kiosk.m_busy) return;
    m_stillSealed = false;  // the station discards any earlier sealed ballot first
    auto marks = std::make_shared<election::BallotMarks>(m_session->ballot_marks());
    m_kiosk.m_progressText = tr("Encrypting your ballot. Please wait…");
    kiosk::KioskStation* station = m_kiosk.m_station.get();
    m_kiosk.setScreen(Screen::Working);
    m_kiosk.runWork(
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
                m_kiosk.m_unconfirmedCode.clear();
                m_kiosk.m_errorText = tr("The kiosk could not encrypt the ballot: %1").arg(r.error);
                m_kiosk.setScreen(Screen::LedgerError);
                return;
            }
            m_trackingCode = r.tracking_code;
            m_receiptFile = r.receipt_file;
            m_challengeItems.clear();
            emit receiptChanged();
            m_kiosk.setScreen(Screen::Sealed);
        });
}

void KioskBallot::cast() {
    if (m_kiosk.m_screen == Screen::Sealed && m_session && !m_kiosk.m_busy) submit(false);
}
void KioskBallot::challenge() {
    if (m_kiosk.m_screen == Screen::Sealed && m_session && !m_kiosk.m_busy) submit(true);
}

void KioskBallot::changeSealed() {
    if (m_kiosk.m_screen != Screen::Sealed || !m_session || m_kiosk.m_busy) return;
    m_kiosk.discardSealed();
    m_stillSealed = false;
    m_trackingCode.clear();
    emit receiptChanged();
    m_kiosk.setScreen(Screen::Review);
}

void KioskBallot::submit(bool challenge) {
    m_kiosk.m_progressText = challenge ? tr("Recording your challenged ballot. Please wait…")
                                       : tr("Recording your ballot. Please wait…");
    kiosk::KioskStation* station = m_kiosk.m_station.get();
    m_kiosk.setScreen(Screen::Working);
    m_kiosk.runWork(
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
            m_kiosk.m_pollWorker.refreshStatus();
            if (r.not_confirmed) {
                // Sent, the answer lost: the ballot has left the kiosk, so the voter's marks go;
                // its tracking code stays on the screen until the station is asked about it.
                m_kiosk.m_unconfirmedCode = m_trackingCode;
                m_kiosk.endVoterSession();
                m_kiosk.refreshLink();  // the link went down with the answer: show it at once
                m_kiosk.setScreen(Screen::NotConfirmed);
                emit m_kiosk.submissionFinished(false);
                return;
            }
            if (!r.ok) {
                m_kiosk.m_unconfirmedCode = r.unconfirmed;
                m_stillSealed = r.still_sealed;
                if (!m_stillSealed) {  // no sealed ballot whose code the screen could show
                    m_trackingCode.clear();
                    emit receiptChanged();
                }
                m_kiosk.m_errorText =
                    r.unconfirmed.isEmpty()
                        ? tr("The ledger did not record the ballot: %1").arg(r.error)
                        : tr("Ballot %1 may or may not have been recorded. No one can vote on this "
                             "kiosk until it is restarted; at its restart the kiosk looks the "
                             "ballot up and tells the poll worker whether it was cast. The voter "
                             "must not vote again until then.\n\nWhat happened: %2")
                              .arg(r.unconfirmed, r.error);
                m_kiosk.setScreen(Screen::LedgerError);
                emit m_kiosk.submissionFinished(false);
                return;
            }
            m_trackingCode = r.tracking_code;
            m_receiptFile = r.receipt_file;
            m_challengeItems.clear();
            if (challenge)
                showChallenge(r.opened);
            else
                m_kiosk.endVoterSession();
            emit receiptChanged();
            emit changed();
            m_kiosk.setScreen(challenge ? Screen::Challenged : Screen::Receipt);
            emit m_kiosk.submissionFinished(true);
        });
}

// What the challenged ballot opened to, by contest; the voter then starts over on a fresh ballot.
void KioskBallot::showChallenge(const std::vector<std::vector<std::string>>& opened) {
    const election::ElectionManifest& manifest = m_kiosk.m_station->election().manifest;
    const std::vector<std::string>& contests =
        manifest.ballot_style_of_district(m_kiosk.m_station->district_id())->contests;
    std::vector<ChallengeRow> rows;
    for (std::size_t c = 0; c < contests.size() && c < opened.size(); ++c) {
        const election::Contest* contest = manifest.find_contest(contests[c]);
        QStringList labels;
        for (const std::string& id : opened[c])
            for (const election::ContestOption& option : contest->options)
                if (option.id == id) labels.push_back(localized(option.label));
        rows.push_back({localized(contest->title), std::move(labels)});
    }
    m_challengeItems.setRows(std::move(rows));
    m_session = std::make_unique<kiosk::VoterSession>(m_kiosk.m_station->election(),
                                                      m_kiosk.m_station->district_id());
    m_contest = 0;
}

QStringList KioskBallot::trackingGroups() const {
    return m_trackingCode.split(QLatin1Char('-'), Qt::SkipEmptyParts);
}

QString KioskBallot::qrSource() const {
    if (m_trackingCode.isEmpty()) return {};
    return QStringLiteral("image://qr/") +
           QString::fromLatin1(QUrl::toPercentEncoding(m_trackingCode));
}

void KioskBallot::finishReceipt() {
    if (m_kiosk.m_screen != Screen::Receipt) return;
    m_trackingCode.clear();
    m_receiptFile.clear();
    emit receiptChanged();
    m_kiosk.m_access.reset();
    m_kiosk.setScreen(Screen::Idle);
}

void KioskBallot::startOver() {
    if (m_kiosk.m_screen != Screen::Challenged || !m_session) return;
    m_trackingCode.clear();
    m_kiosk.forgetVoterText();  // the challenged ballot's marks; the voter starts on a fresh ballot
    emit receiptChanged();
    showContest(0);
}

}  // namespace psephos::ui
