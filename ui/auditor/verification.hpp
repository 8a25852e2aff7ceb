// The verification of the open record as the auditor shows it (the controller's `verification`,
// docs/auditor.md): verifier::verify_election_record on a worker thread, in parallel by district,
// cancellable, with progress per log (a list model, LogRow's roles); the verdict; the checks (a
// list model, CheckRow's roles) and the selected check in full (CheckDetail); the status behind
// the results. The controller starts it with the trust anchors the auditor gave.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <vector>

#include "auditor_lists.hpp"
#include "auditor_record.hpp"
#include "check_row.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_rows.hpp"

namespace psephos::ui {

class Verification : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's verification (auditor.verification)")
    Q_PROPERTY(bool verifying READ verifying NOTIFY changed)
    Q_PROPERTY(Verdict verdict READ verdict NOTIFY changed)
    Q_PROPERTY(QString verdictText READ verdictText NOTIFY changed)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0…1, all logs
    // LogRow's roles, every log of the record.
    Q_PROPERTY(psephos::ui::ListModel* logProgress READ logProgress CONSTANT)
    // The checks by number, then scope (CheckRow's roles); empty until a verification concluded.
    Q_PROPERTY(psephos::ui::ListModel* checks READ checks CONSTANT)
    Q_PROPERTY(int passedCount READ passedCount NOTIFY changed)
    Q_PROPERTY(int failedCount READ failedCount NOTIFY changed)
    Q_PROPERTY(int selectedCheck READ selectedCheck NOTIFY selectionChanged)
    Q_PROPERTY(psephos::ui::CheckDetail selectedDetail READ selectedDetail NOTIFY selectionChanged)
    // The status behind the totals: V26 (results.json) and every district's V23–V25.
    Q_PROPERTY(QString resultsStatus READ resultsStatus NOTIFY changed)
    // The same as a status: NotVerified, Passed, or Failed when one of V23–V26 did not pass.
    Q_PROPERTY(psephos::ui::AuditStatus::Value resultsState READ resultsState NOTIFY changed)

public:
    // Where the verification of the open record stands.
    enum Verdict { NotVerified, Verifying, Passed, Failed, Cancelled };
    Q_ENUM(Verdict)

    explicit Verification(QObject* parent = nullptr);
    ~Verification() override;

    bool verifying() const { return m_verifying; }
    Verdict verdict() const { return m_verdict; }
    QString verdictText() const;
    double progress() const;
    ListModel* logProgress() { return &m_logProgress; }
    const std::vector<LogRow>& logRows() const { return m_logProgress.rows(); }
    ListModel* checks() { return &m_checks; }
    const std::vector<CheckRow>& checkRows() const { return m_checks.rows(); }
    int passedCount() const;
    int failedCount() const;
    int selectedCheck() const { return m_selected; }
    CheckDetail selectedDetail() const;
    QString resultsStatus() const;
    AuditStatus::Value resultsState() const;
    const verifier::VerifyReport& report() const { return m_report; }

    // A record was opened: nothing verified, its logs not read.
    void reset(const std::vector<AuditorRecord::Log>& logs);
    // Starts verify_election_record on the worker thread with these options (their progress and
    // cancelled are set here); `finished` when it ended. False while one runs.
    bool start(const QString& path, verifier::VerifyOptions options);
    Q_INVOKABLE void cancel();
    // Blocks (processing nothing) until the running verification ended; for tests and tools.
    void waitForDone();
    Q_INVOKABLE void selectCheck(int index);
    // The first failed check, or -1.
    Q_INVOKABLE int firstFailure() const;
    // Passed, Failed or NotVerified: the checks of this scope ("" the election, else a
    // district's id) in the last verification.
    AuditStatus::Value checkStatusOf(const QString& scope) const;
    // V28 in the last verification, as the anchors show it.
    AuditStatus::Value anchorStatus() const;

signals:
    void changed();
    void progressChanged();
    void selectionChanged();
    void finished();

private:
    struct Log {
        QString name;
        quint64 size = 0;
        std::atomic<quint64> done{0};
    };
    void refreshChecks();
    void refreshLogProgress();

    bool m_verifying = false;
    Verdict m_verdict = NotVerified;
    std::atomic<bool> m_cancel{false};
    verifier::VerifyReport m_report;
    std::vector<std::unique_ptr<Log>> m_logs;
    RowList<LogRow> m_logProgress;
    RowList<CheckRow> m_checks;
    int m_selected = -1;
    QThreadPool m_pool;  // last: joined before the rest goes
};

}  // namespace psephos::ui
