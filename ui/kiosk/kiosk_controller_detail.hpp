// What the kiosk controller's source files share (kiosk_controller.cpp: the station and the
// voter; kiosk_accessibility.cpp: keys, audio and accessibility; kiosk_poll_worker.cpp: unlock
// and the polls; kiosk_link.cpp: the networked kiosk's link): the screens' names,
// text from UTF-8, and what a job on the worker thread hands back. Not a public header.
#pragma once

#include <QString>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk_controller.hpp"
#include "psephos/crypto/memory_protection.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace kiosk_detail {

inline const QString screen_error = QStringLiteral("error");
inline const QString screen_idle = QStringLiteral("idle");
inline const QString screen_unlock = QStringLiteral("unlock");
inline const QString screen_poll_worker = QStringLiteral("pollWorker");
inline const QString screen_report = QStringLiteral("report");
inline const QString screen_welcome = QStringLiteral("welcome");
inline const QString screen_contest = QStringLiteral("contest");
inline const QString screen_review = QStringLiteral("review");
inline const QString screen_working = QStringLiteral("working");
inline const QString screen_sealed = QStringLiteral("sealed");
inline const QString screen_receipt = QStringLiteral("receipt");
inline const QString screen_challenged = QStringLiteral("challenged");
inline const QString screen_ledger_error = QStringLiteral("ledgerError");
inline const QString screen_not_confirmed = QStringLiteral("notConfirmed");

// In the station's data directory: the counts of consecutive wrong passphrases, the poll
// worker's and the second poll worker's (closing the polls).
inline constexpr const char* lockout_file = "kiosk-poll-worker-lockout";
inline constexpr const char* closing_lockout_file = "kiosk-closing-passphrase-lockout";

using ui::q;

inline bool is_voter_screen(const QString& screen) {
    return screen == screen_welcome || screen == screen_contest || screen == screen_review ||
           screen == screen_sealed || screen == screen_receipt || screen == screen_challenged;
}

}  // namespace kiosk_detail

// What a job on the worker thread hands back to the GUI thread.
struct KioskController::WorkResult {
    WorkResult() = default;
    ~WorkResult() {
        for (std::vector<std::string>& contest : opened) crypto::wipe(contest);
    }
    WorkResult(const WorkResult&) = delete;
    WorkResult& operator=(const WorkResult&) = delete;

    bool ok = false;
    QString error;
    QString record;  // "<district>#<index>"
    QString checkpoint;
    QString tracking_code;
    QString receipt_file;  // the voter's receipt file's name in DIR/receipts, if it was written
    bool write_failed = false;
    QString unconfirmed;         // the tracking code of a ballot whose write failed (fate unknown)
    bool still_sealed = false;   // the station still holds the sealed ballot (after a refusal)
    bool not_confirmed = false;  // networked: sent, the answer lost; settled by lookup
    bool settled = false;        // settleInFlight: the ballot in flight was settled
    bool challenged = false;     // settleInFlight: it was a challenged ballot
    std::vector<std::vector<std::string>> opened;  // a challenge's opened marks
};

}  // namespace psephos::ui
