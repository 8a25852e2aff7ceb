#include "verification.hpp"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "utf8_text.hpp"

namespace psephos::ui {

Verification::Verification(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
    // First connected: the per-log rows are current before anyone else hears of the progress.
    connect(this, &Verification::progressChanged, this, &Verification::refreshLogProgress);
}

Verification::~Verification() {
    m_cancel = true;
    m_pool.waitForDone();
}

void Verification::reset(const std::vector<AuditorRecord::Log>& logs) {
    m_report = {};
    refreshChecks();
    m_verdict = NotVerified;
    m_selected = -1;
    m_logs.clear();
    std::vector<LogRow> rows;
    for (const AuditorRecord::Log& log : logs) {
        auto entry = std::make_unique<Log>();
        entry->name = log.name;
        entry->size = log.size;
        m_logs.push_back(std::move(entry));
        rows.push_back({log.name, 0, static_cast<double>(log.size)});
    }
    m_logProgress.setRows(std::move(rows));
    emit changed();
    emit progressChanged();
    emit selectionChanged();
}

bool Verification::start(const QString& path, verifier::VerifyOptions options) {
    if (m_verifying) return false;
    m_verifying = true;
    m_cancel = false;
    m_verdict = Verifying;
    m_report = {};
    refreshChecks();
    m_selected = -1;
    for (auto& log : m_logs) log->done = 0;
    emit changed();
    emit selectionChanged();
    emit progressChanged();

    auto last_emit = std::make_shared<std::atomic<qint64>>(0);
    options.progress = [this, last_emit](std::string_view log, std::uint64_t done, std::uint64_t) {
        const QString name = q(log);
        for (auto& l : m_logs)
            if (l->name == name) l->done = done;
        const qint64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
        qint64 previous = last_emit->load();
        if (now - previous >= 50 && last_emit->compare_exchange_strong(previous, now))
            QMetaObject::invokeMethod(this, &Verification::progressChanged, Qt::QueuedConnection);
    };
    options.cancelled = [this] { return m_cancel.load(); };
    const std::filesystem::path dir = path.toStdString();
    auto* watcher = new QFutureWatcher<verifier::VerifyReport>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        m_report = watcher->result();
        watcher->deleteLater();
        refreshChecks();
        m_verifying = false;
        if (m_report.cancelled)
            m_verdict = Cancelled;
        else
            m_verdict = m_report.passed() ? Passed : Failed;
        emit progressChanged();
        emit changed();
        const int failure = firstFailure();
        if (failure >= 0) selectCheck(failure);
        emit finished();
    });
    watcher->setFuture(QtConcurrent::run(
        &m_pool, [dir, options] { return verifier::verify_election_record(dir, options); }));
    return true;
}

void Verification::cancel() {
    if (m_verifying) m_cancel = true;
}

void Verification::waitForDone() { m_pool.waitForDone(); }

double Verification::progress() const {
    if (m_verdict == Passed || m_verdict == Failed) return 1.0;
    quint64 done = 0, total = 0;
    for (const auto& l : m_logs) {
        total += l->size;
        done += std::min<quint64>(l->done, l->size);
    }
    return total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
}

// The per-log rows from the counters the worker moves (read here, on the GUI thread).
void Verification::refreshLogProgress() {
    if (m_logProgress.rows().size() != m_logs.size()) return;
    const bool finished = m_verdict == Passed || m_verdict == Failed;
    std::size_t i = 0;
    m_logProgress.updateRows([&](LogRow& row) {
        const Log& l = *m_logs[i++];
        row.done = static_cast<double>(finished ? l.size : std::min<quint64>(l.done, l.size));
    });
}

QString Verification::verdictText() const {
    if (m_verdict == Passed)
        return tr("The record verifies: all %1 checks passed.").arg(m_report.checks.size());
    if (m_verdict == Failed)
        return tr("The record does NOT verify: %1 of %2 checks failed or could not run.")
            .arg(m_report.checks.size() - static_cast<std::size_t>(passedCount()))
            .arg(m_report.checks.size());
    if (m_verdict == Cancelled) return tr("Verification cancelled: nothing was concluded.");
    if (m_verdict == Verifying) return tr("Verifying…");
    return tr("Not verified yet.");
}

// The checks list follows the report: empty when none ran or the run was cancelled.
void Verification::refreshChecks() {
    std::vector<CheckRow> rows;
    if (!m_report.cancelled)
        for (const verifier::CheckOutcome& c : m_report.checks)
            rows.push_back({q(c.id), q(c.name), q(c.scope), AuditStatus::of(c.status),
                            static_cast<double>(c.items_checked),
                            static_cast<double>(c.failure_count)});
    m_checks.setRows(std::move(rows));
}

int Verification::passedCount() const {
    int n = 0;
    for (const auto& c : m_report.checks) n += c.passed() ? 1 : 0;
    return n;
}

int Verification::failedCount() const {
    int n = 0;
    for (const auto& c : m_report.checks) n += c.status == verifier::CheckStatus::failed ? 1 : 0;
    return n;
}

int Verification::firstFailure() const {
    if (m_report.cancelled) return -1;
    for (std::size_t i = 0; i < m_report.checks.size(); ++i)
        if (m_report.checks[i].status == verifier::CheckStatus::failed) return static_cast<int>(i);
    return -1;
}

void Verification::selectCheck(int index) {
    if (index < -1 || index >= static_cast<int>(m_report.checks.size())) return;
    m_selected = index;
    emit selectionChanged();
}

CheckDetail Verification::selectedDetail() const {
    if (m_selected < 0 || m_selected >= static_cast<int>(m_report.checks.size())) return {};
    const verifier::CheckOutcome& c = m_report.checks[static_cast<std::size_t>(m_selected)];
    CheckDetail detail;
    detail.checkId = q(c.id);
    detail.name = q(c.name);
    detail.scope = c.scope.empty() ? tr("election") : q(c.scope);
    detail.status = AuditStatus::of(c.status);
    detail.note = q(c.note);
    detail.items = static_cast<double>(c.items_checked);
    for (const std::string& f : c.failures) detail.failures << q(f);
    detail.failureCount = static_cast<double>(c.failure_count);
    return detail;
}

AuditStatus::Value Verification::checkStatusOf(const QString& scope) const {
    if (m_report.checks.empty() || m_report.cancelled) return AuditStatus::NotVerified;
    bool any = false;
    for (const auto& c : m_report.checks) {
        if (q(c.scope) != scope) continue;
        any = true;
        if (!c.passed()) return AuditStatus::Failed;
    }
    return any ? AuditStatus::Passed : AuditStatus::NotVerified;
}

AuditStatus::Value Verification::anchorStatus() const {
    AuditStatus::Value status = AuditStatus::NotVerified;
    for (const auto& c : m_report.checks)
        if (c.id == "V28" && !m_report.cancelled) status = AuditStatus::of(c.status);
    return status;
}

namespace {
// V23–V26: the checks behind the results.
bool is_results_check(const verifier::CheckOutcome& c) {
    const int n = QString::fromStdString(c.id).mid(1).toInt();
    return n >= 23 && n <= 26;
}
}  // namespace

AuditStatus::Value Verification::resultsState() const {
    if (m_report.checks.empty() || m_report.cancelled) return AuditStatus::NotVerified;
    for (const auto& c : m_report.checks)
        if (is_results_check(c) && !c.passed()) return AuditStatus::Failed;
    return AuditStatus::Passed;
}

QString Verification::resultsStatus() const {
    if (m_report.checks.empty() || m_report.cancelled)
        return tr("not verified: run Verify to check these figures against the record");
    QStringList failed;
    for (const auto& c : m_report.checks) {
        if (is_results_check(c) && !c.passed())
            failed << q(c.id) + QLatin1Char(' ') + q(c.name) +
                          (c.scope.empty() ? QString()
                                           : QStringLiteral(" (") + q(c.scope) + QLatin1Char(')'));
    }
    if (failed.isEmpty())
        return tr(
            "passed: every district's tally, decryptions and result, and results.json, verified "
            "(V23–V26)");
    return tr("failed: %1").arg(failed.join(QStringLiteral(", ")));
}

}  // namespace psephos::ui
