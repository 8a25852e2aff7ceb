#include "auditor_controller.hpp"

#include <QDir>

#include "utf8_text.hpp"

namespace psephos::ui {

AuditorController::AuditorController(QObject* parent) : QObject(parent) {
    connect(&m_guardian, &GuardianStep::message, this,
            [this](const QString& text) { setMessage(text); });
    connect(&m_tracking, &TrackingCodeLookup::message, this,
            [this](const QString& text) { setMessage(text); });
    connect(&m_anchors, &AnchorList::message, this,
            [this](const QString& text) { setMessage(text); });
    connect(&m_verification, &Verification::finished, this, [this] {
        showVerification();
        m_authority.setReport(m_verification.report(), m_trustedKey);
        m_witnesses.setReport(m_verification.report());
        setMessage(m_verification.verdictText());
        emit verificationFinished();
    });
}

void AuditorController::setMessage(const QString& message) {
    m_message = message;
    emit messageChanged();
}

// ----------------------------------------------------------------------------- loading

bool AuditorController::openRecord(const QString& path_in) {
    if (m_verification.verifying()) {
        setMessage(tr("A verification is running: cancel it before opening another record."));
        return false;
    }
    const QString path = QDir::cleanPath(path_in.trimmed());
    if (!m_record.open(path)) {
        m_tracking.setRecord({});
        m_anchors.forgetRecord();
        setMessage(m_record.loadError());
        return false;
    }
    // A new record: nothing of the previous one's verification or look-ups stays.
    m_verification.reset(m_record.logs());
    showVerification();
    m_tracking.clear();
    m_anchors.load(path, *m_record.reader(), m_record.baseHash());
    m_authority.readRecord(path);
    m_witnesses.clearReport();
    m_tracking.setRecord(path);
    setMessage(tr("Opened %1: %2 districts, %3 ballots cast, %4 challenged.")
                   .arg(path)
                   .arg(m_record.districtRows().size())
                   .arg(m_record.totalCast())
                   .arg(m_record.totalChallenged()));
    return true;
}

// ----------------------------------------------------------------------------- verification

void AuditorController::verify(int threads) {
    if (!m_record.loaded() || m_verification.verifying()) return;
    verifier::VerifyOptions options;
    options.threads = static_cast<unsigned>(std::max(0, threads));
    m_trustedKey = m_authority.trustedKey();
    options.trusted_authority_key = m_trustedKey.toStdString();
    options.witness_policy = m_witnesses.policy();
    if (!m_verification.start(m_record.path(), options)) return;
    showVerification();
    m_authority.clearReport();
    m_witnesses.clearReport();
    setMessage(tr("Verifying %1…").arg(m_record.path()));
}

void AuditorController::cancelVerification() {
    if (!m_verification.verifying()) return;
    m_verification.cancel();
    setMessage(tr("Cancelling…"));
}

// The districts' and the anchors' statuses from the last verification ("not verified" while none
// concluded).
void AuditorController::showVerification() {
    m_record.setDistrictStatuses(
        [this](const QString& id) { return m_verification.checkStatusOf(id); });
    m_anchors.setStatus(m_verification.anchorStatus());
}

}  // namespace psephos::ui
