// Waits for the auditor controller's verification to finish (up to 120 s), for the auditor's
// model tests.
#pragma once

#include <QSignalSpy>

#include "auditor_controller.hpp"

namespace psephos::test {

inline bool wait_for_verification(ui::AuditorController& a) {
    QSignalSpy finished(&a, &ui::AuditorController::verificationFinished);
    if (!a.verification()->verifying()) return true;
    return finished.wait(120'000);
}

}  // namespace psephos::test
