// The auditor desktop's view model (docs/auditor.md): opens an election record (a directory
// written by `psephos export`), shows the election, verifies it in the background in parallel by
// district (ledger::verify_election_record, cancellable, with progress per district), lists the
// checks with drill-down into failures, shows the results per district and in total with the
// status of the checks behind each figure, lists the anchors the record's bridge log holds, and
// looks tracking codes up. QML draws, C++ decides; everything here is testable without QML.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QVariantList>
#include <QVariantMap>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "anchor_list.hpp"
#include "audit_report.hpp"
#include "authority_trust.hpp"
#include "check_row.hpp"
#include "guardian_step.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "tracking_code_lookup.hpp"
#include "witness_trust.hpp"

namespace psephos::ui {

// In QML a type the window is given (Main.qml's required property `auditor`, set from C++ with
// setInitialProperties in auditor_qml.hpp), never one QML creates: the executable opens the record
// named on its command line before the window shows, and tests drive the same object.
class AuditorController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the window is given its controller (auditor_qml.hpp)")
    // The record
    Q_PROPERTY(QString recordPath READ recordPath NOTIFY recordChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY recordChanged)
    Q_PROPERTY(QString loadError READ loadError NOTIFY recordChanged)
    Q_PROPERTY(QStringList recentRecords READ recentRecords NOTIFY recentRecordsChanged)
    Q_PROPERTY(QString electionId READ electionId NOTIFY recordChanged)
    Q_PROPERTY(QString electionName READ electionName NOTIFY recordChanged)
    Q_PROPERTY(QString electionDates READ electionDates NOTIFY recordChanged)
    Q_PROPERTY(QString guardians READ guardians NOTIFY recordChanged)  // "threshold 3 of 5"
    // [{"id", "name", "ballotsCast", "ballotsChallenged", "share" (of all cast, 0…1),
    //   "logSize", "status" ("passed", "failed", "not verified"), "counting" (true while the
    //   counts of a district results.json does not cover are read from its log)}]
    Q_PROPERTY(QVariantList districts READ districts NOTIFY summaryChanged)
    // [{"id", "title", "kind" ("candidate"/"ballot measure"), "voteFor", "options" (labels)}]
    Q_PROPERTY(QVariantList contests READ contests NOTIFY recordChanged)
    Q_PROPERTY(int totalCast READ totalCast NOTIFY recordChanged)
    Q_PROPERTY(int totalChallenged READ totalChallenged NOTIFY recordChanged)
    // Verification
    Q_PROPERTY(bool verifying READ verifying NOTIFY verificationChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0…1, all logs
    // [{"name", "done", "total", "fraction"}] for every log of the record
    Q_PROPERTY(QVariantList logProgress READ logProgress NOTIFY progressChanged)
    // Verdict: NotVerified, Verifying, Passed, Failed, Cancelled
    Q_PROPERTY(Verdict verdict READ verdict NOTIFY verificationChanged)
    Q_PROPERTY(QString verdictText READ verdictText NOTIFY verificationChanged)
    // The checks by number, then scope (CheckRow's roles); empty until a verification concluded.
    Q_PROPERTY(psephos::ui::ListModel* checks READ checks CONSTANT)
    Q_PROPERTY(int passedCount READ passedCount NOTIFY verificationChanged)
    Q_PROPERTY(int failedCount READ failedCount NOTIFY verificationChanged)
    Q_PROPERTY(int selectedCheck READ selectedCheck NOTIFY selectionChanged)
    // The selected check: {"id", "name", "scope", "status", "note", "failures" (each
    // "<object>: <reason>"), "failureCount"}
    Q_PROPERTY(QVariantMap selectedDetail READ selectedDetail NOTIFY selectionChanged)
    // Results
    Q_PROPERTY(bool resultsComplete READ resultsComplete NOTIFY recordChanged)
    // [{"id", "title", "max" (largest total), "options": [{"label", "total",
    //   "byDistrict": [counts in districts order]}]}]
    Q_PROPERTY(QVariantList results READ results NOTIFY recordChanged)
    // The status behind the totals: V26 (results.json) and every district's V23–V25.
    Q_PROPERTY(QString resultsStatus READ resultsStatus NOTIFY summaryChanged)
    // The anchors of the record's bridge log and their live check (anchor_list.hpp).
    Q_PROPERTY(psephos::ui::AnchorList* anchors READ anchors CONSTANT)
    // The tracking-code look-up and proof-bundle export (tracking_code_lookup.hpp).
    Q_PROPERTY(psephos::ui::TrackingCodeLookup* tracking READ tracking CONSTANT)
    Q_PROPERTY(bool counting READ counting NOTIFY summaryChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    // The guardian step, for elections run from the desktop (guardian_step.hpp).
    Q_PROPERTY(psephos::ui::GuardianStep* guardian READ guardian CONSTANT)
    // The election authority: authority.bin's key, the auditor's trust anchor (passed to the
    // verifier), what V29–V30 found (authority_trust.hpp).
    Q_PROPERTY(psephos::ui::AuthorityTrust* authority READ authority CONSTANT)
    // A county's record: the witness policy the auditor gives (passed to the verifier), what
    // V32–V34 found, the verifier's notices (witness_trust.hpp).
    Q_PROPERTY(psephos::ui::WitnessTrust* witnesses READ witnesses CONSTANT)

public:
    // Where the verification of the open record stands.
    enum Verdict { NotVerified, Verifying, Passed, Failed, Cancelled };
    Q_ENUM(Verdict)

    explicit AuditorController(QObject* parent = nullptr);
    ~AuditorController() override;

    QString recordPath() const { return m_path; }
    bool loaded() const { return m_loaded; }
    QString loadError() const { return m_loadError; }
    QStringList recentRecords() const { return m_recent; }
    QString electionId() const { return m_electionId; }
    QString electionName() const { return m_electionName; }
    QString electionDates() const { return m_electionDates; }
    QString guardians() const { return m_guardians; }
    QVariantList districts() const;
    QVariantList contests() const { return m_contests; }
    int totalCast() const { return m_totalCast; }
    int totalChallenged() const { return m_totalChallenged; }
    bool verifying() const { return m_verifying; }
    double progress() const;
    QVariantList logProgress() const;
    Verdict verdict() const { return m_verdict; }
    QString verdictText() const;
    ListModel* checks() { return &m_checks; }
    const std::vector<CheckRow>& checkRows() const { return m_checks.rows(); }
    int passedCount() const;
    int failedCount() const;
    int selectedCheck() const { return m_selected; }
    QVariantMap selectedDetail() const;
    bool resultsComplete() const { return m_resultsComplete; }
    QVariantList results() const { return m_results; }
    QString resultsStatus() const;
    AnchorList* anchors() { return &m_anchors; }
    const AnchorList& anchorList() const { return m_anchors; }
    bool counting() const { return m_counting; }
    QString message() const { return m_message; }
    AuthorityTrust* authority() { return &m_authority; }
    WitnessTrust* witnesses() { return &m_witnesses; }
    GuardianStep* guardian() { return &m_guardian; }
    TrackingCodeLookup* tracking() { return &m_tracking; }

    // Loads the record's summary (record.json, manifest.json, results.json, the bridge log);
    // false with loadError on a directory that is not a record. Adds it to the recent records.
    Q_INVOKABLE bool openRecord(const QString& path);
    // Starts verification on the worker thread (threads 0: all cores), with the authority's
    // trust anchor if one is given; progress and the checks arrive through the signals. Ignored
    // while one runs.
    Q_INVOKABLE void verify(int threads = 0);
    Q_INVOKABLE void cancelVerification();
    // Blocks (processing nothing) until the running verification ended; for tests and tools.
    void waitForVerification();
    Q_INVOKABLE void selectCheck(int index);
    // The first failed check, or -1.
    Q_INVOKABLE int firstFailure() const;
    // Results as CSV: district,contest,option,count with a total per contest and option.
    Q_INVOKABLE bool exportResultsCsv(const QString& path);
    // A PDF report: the election, the verdict with every check, the election authority, the
    // results per district and in total, the anchors.
    Q_INVOKABLE bool exportReportPdf(const QString& path);
    // What that report says (audit_report.hpp): the election, the verdict with every check not
    // passed, the election authority and the trust anchor, the results, the anchors.
    AuditReport report() const;
    Q_INVOKABLE void clearRecentRecords();
signals:
    void recordChanged();
    void summaryChanged();
    void recentRecordsChanged();
    void verificationChanged();
    void progressChanged();
    void selectionChanged();
    void messageChanged();
    void verificationFinished();
    void ballotsCounted();

private:
    void setMessage(const QString& message);
    struct Log {
        QString name;
        quint64 size = 0;
        std::atomic<quint64> done{0};
    };
    void updateTotals();
    void countBallots(const QStringList& districts);
    QString checkStatusOf(const QString& scope) const;
    QString anchorStatus() const;
    void refreshChecks();
    QString localStatus(verifier::CheckStatus status) const;

    QString m_path;
    bool m_loaded = false;
    QString m_loadError;
    QStringList m_recent;
    QString m_electionId, m_electionName, m_electionDates, m_guardians;
    QVariantList m_districtRows;  // without "status"
    QVariantList m_contests;
    int m_totalCast = 0;
    int m_totalChallenged = 0;
    bool m_resultsComplete = false;
    QVariantList m_results;
    QString m_rootHex;  // the election log's root, from record.json
    std::vector<std::unique_ptr<Log>> m_logs;

    bool m_verifying = false;
    Verdict m_verdict = NotVerified;
    std::atomic<bool> m_cancel{false};
    verifier::VerifyReport m_report;
    RowList<CheckRow> m_checks;
    int m_selected = -1;
    QString m_message;
    bool m_counting = false;
    int m_countingRuns = 0;
    AuthorityTrust m_authority;
    WitnessTrust m_witnesses;
    GuardianStep m_guardian;
    AnchorList m_anchors;
    TrackingCodeLookup m_tracking;
    QThreadPool m_pool;  // last: joined before the rest goes
};

}  // namespace psephos::ui
