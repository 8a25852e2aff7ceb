// The networked kiosk's side of KioskController (docs/kiosk.md §7): the link to the station as
// the poll worker sees it, and a ballot in flight settled on the worker thread while the voter
// sees "not confirmed yet".
#include <chrono>

#include "kiosk_controller.hpp"
#include "kiosk_controller_detail.hpp"
#include "psephos/kiosk/kiosk_station.hpp"

namespace psephos::ui {

using namespace kiosk_detail;

namespace {

KioskController::LinkState link_state(kiosk::LinkState state) {
    using State = KioskController::LinkState;
    switch (state) {
        case kiosk::LinkState::in_process:
            return State::InProcess;
        case kiosk::LinkState::connecting:
            return State::Connecting;
        case kiosk::LinkState::online:
            return State::Online;
        case kiosk::LinkState::offline:
            return State::Offline;
    }
    return State::Offline;
}

}  // namespace

bool KioskController::networked() const { return m_station && m_station->networked(); }

// Reads the link's last reported state (never waits on the network).
void KioskController::refreshLink() {
    if (!m_station) return;
    const kiosk::LinkStatus link = m_station->link_status();
    QString text;
    switch (link.state) {
        case kiosk::LinkState::in_process:
            text = tr("Ledger in this kiosk");
            break;
        case kiosk::LinkState::connecting:
            text = tr("Station: connecting…");
            break;
        case kiosk::LinkState::online:
            text = tr("Station: online");
            break;
        case kiosk::LinkState::offline: {
            const auto wait = std::chrono::ceil<std::chrono::seconds>(
                link.retry_at - std::chrono::steady_clock::now());
            text = tr("Station: offline, reconnecting in %1 s (%2)")
                       .arg(std::max<long long>(0, wait.count()))
                       .arg(q(link.reason));
            break;
        }
    }
    const LinkState state = link_state(link.state);
    if (state == m_linkState && text == m_linkText) return;
    const bool came_online = state != m_linkState && link.state == kiosk::LinkState::online;
    m_linkState = state;
    m_linkText = text;
    emit linkChanged();
    if (came_online) m_pollWorker.refreshStatus();  // the station's status comes with the link
}

// The ballot in flight, asked about on the worker thread each time the link timer fires while the
// "notConfirmed" screen shows; the voter sees the receipt once it is settled.
void KioskController::settleInFlight() {
    kiosk::KioskStation* station = m_station.get();
    runWork(
        [station] {
            auto result = std::make_shared<WorkResult>();
            auto settled = station->settle();
            if (!settled) {
                result->error = q(settled.error().message);
                result->not_confirmed = settled.error().code == ErrorCode::not_confirmed;
                return result;
            }
            if (!settled.value()) {
                result->error = tr("no ballot was in flight");
                return result;
            }
            const kiosk::SettledOutcome& outcome = *settled.value();
            result->settled = true;
            result->ok = outcome.recorded;
            result->challenged = outcome.challenged;
            result->error = q(outcome.refusal);
            if (outcome.cast) {
                result->tracking_code = q(outcome.cast->tracking_code);
                if (outcome.cast->receipt_problem.empty())
                    result->receipt_file = q(outcome.cast->receipt_file.filename().string());
            }
            return result;
        },
        [this](const WorkResult& r) {
            if (!r.settled) {
                if (!r.not_confirmed) {
                    m_errorText = r.error;
                    setScreen(Screen::LedgerError);
                }
                return;  // still in flight: asked again at the next tick
            }
            m_pollWorker.refreshStatus();
            m_unconfirmedCode.clear();
            emit inFlightSettled(r.ok);
            if (r.ok && !r.challenged) {
                m_ballot.m_trackingCode = r.tracking_code;
                m_ballot.m_receiptFile = r.receipt_file;
                emit m_ballot.receiptChanged();
                setScreen(Screen::Receipt);
                return;
            }
            m_errorText =
                r.ok
                    ? tr("Your challenged ballot %1 was recorded; it is not counted. A poll worker "
                         "starts a new session for you.")
                          .arg(m_ballot.m_trackingCode)
                    : tr("Ballot %1 was NOT recorded: the station refused it when the kiosk sent "
                         "it again (%2). The voter may vote again.")
                          .arg(m_ballot.m_trackingCode, r.error);
            setScreen(Screen::LedgerError);
        });
}

}  // namespace psephos::ui
