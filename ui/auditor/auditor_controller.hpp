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

#include "anchor_list.hpp"
#include "audit_report.hpp"
#include "auditor_record.hpp"
#include "authority_trust.hpp"
#include "guardian_step.hpp"
#include "tracking_code_lookup.hpp"
#include "verification.hpp"
#include "witness_trust.hpp"

namespace psephos::ui {

// In QML a type the window is given (Main.qml's required property `auditor`, set from C++ with
// setInitialProperties in auditor_qml.hpp), never one QML creates: the executable opens the record
// named on its command line before the window shows, and tests drive the same object.
class AuditorController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the window is given its controller (auditor_qml.hpp)")
    // The open record: path, recent records, load error, election, districts, contests, results
    // (auditor_record.hpp).
    Q_PROPERTY(psephos::ui::AuditorRecord* record READ record CONSTANT)
    // Its verification: verdict, progress, the checks and the selected one (verification.hpp).
    Q_PROPERTY(psephos::ui::Verification* verification READ verification CONSTANT)
    // The anchors of the record's bridge log and their live check (anchor_list.hpp).
    Q_PROPERTY(psephos::ui::AnchorList* anchors READ anchors CONSTANT)
    // The tracking-code look-up and proof-bundle export (tracking_code_lookup.hpp).
    Q_PROPERTY(psephos::ui::TrackingCodeLookup* tracking READ tracking CONSTANT)
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
    explicit AuditorController(QObject* parent = nullptr);

    AuditorRecord* record() { return &m_record; }
    Verification* verification() { return &m_verification; }
    AnchorList* anchors() { return &m_anchors; }
    const AnchorList& anchorList() const { return m_anchors; }
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
    // Results as CSV: district,contest,option,count with a total per contest and option.
    Q_INVOKABLE bool exportResultsCsv(const QString& path);
    // A PDF report: the election, the verdict with every check, the election authority, the
    // results per district and in total, the anchors.
    Q_INVOKABLE bool exportReportPdf(const QString& path);
    // What that report says (audit_report.hpp): the election, the verdict with every check not
    // passed, the election authority and the trust anchor, the results, the anchors.
    AuditReport report() const;

signals:
    void messageChanged();
    // A verification ended and every part shows its outcome (checks, districts, anchors,
    // authority, witnesses).
    void verificationFinished();

private:
    void setMessage(const QString& message);
    void showVerification();

    QString m_message;
    QString m_trustedKey;  // the authority's key the running verification was given
    AuditorRecord m_record;
    AuthorityTrust m_authority;
    WitnessTrust m_witnesses;
    GuardianStep m_guardian;
    AnchorList m_anchors;
    TrackingCodeLookup m_tracking;
    Verification m_verification;  // last: its worker joined before the rest goes
};

}  // namespace psephos::ui
