// One numbered check of a verification report, summed over its scopes (every district of V30 or
// V32, say), for the auditor's panels: how many scopes, how many failed or did not run, and the
// first failure's place and reason.
#pragma once

#include <QString>

#include <string>

#include "audit_status.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {

struct CheckSummary {
    int scopes = 0;  // 0: the check is not in the report
    int failed = 0;
    int not_run = 0;
    std::uint64_t items = 0;
    QString first;  // "<scope>: <first failure>", or why it did not run

    // Passed, Failed, NotRun (also when the check is not in the report).
    AuditStatus::Value status() const {
        if (scopes == 0 || (failed == 0 && not_run > 0)) return AuditStatus::NotRun;
        return failed > 0 ? AuditStatus::Failed : AuditStatus::Passed;
    }
};

inline CheckSummary summarise_check(const verifier::VerifyReport& report, const std::string& id) {
    CheckSummary s;
    for (const verifier::CheckOutcome& c : report.checks) {
        if (c.id != id) continue;
        ++s.scopes;
        s.items += c.items_checked;
        if (c.status == verifier::CheckStatus::not_run) {
            ++s.not_run;
            if (s.first.isEmpty()) s.first = q(c.note);
        } else if (c.status == verifier::CheckStatus::failed) {
            if (s.failed++ == 0 || s.first.isEmpty())
                s.first = (c.scope.empty() ? QString() : q(c.scope) + QStringLiteral(": ")) +
                          (c.failures.empty() ? q(c.note) : q(c.failures.front()));
        }
    }
    return s;
}

}  // namespace psephos::ui
