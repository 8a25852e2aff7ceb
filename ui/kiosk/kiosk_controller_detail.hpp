// What the kiosk controller's source files and its parts share (kiosk_controller.cpp: the
// screens and the voter session; kiosk_accessibility.cpp: keys and the screens read aloud;
// kiosk_link.cpp: the networked kiosk's link; kiosk_poll_worker.cpp, kiosk_ballot.cpp: the parts
// that run jobs): the voter's screens, text from UTF-8, and what a job on the worker thread hands
// back. Not a public header.
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

using Screen = KioskController::Screen;

// In the station's data directory: the counts of consecutive wrong passphrases, the poll
// worker's and the second poll worker's (closing the polls).
inline constexpr const char* lockout_file = "kiosk-poll-worker-lockout";
inline constexpr const char* closing_lockout_file = "kiosk-closing-passphrase-lockout";

using ui::q;

inline bool is_voter_screen(Screen screen) {
    return screen == Screen::Welcome || screen == Screen::Contest || screen == Screen::Review ||
           screen == Screen::Sealed || screen == Screen::Receipt || screen == Screen::Challenged;
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
