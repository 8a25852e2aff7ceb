#include "auditor_controller.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <optional>

#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/crypto/record_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/json/strict_json.hpp"
#include "record_files.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

constexpr int max_recent = 8;

// district → contest → option → count
using CountsByDistrict = std::map<QString, std::map<QString, std::map<QString, int>>>;

struct ResultsFile {
    bool complete = false;
    std::map<QString, std::pair<int, int>> counts;  // district → (cast, challenged)
    CountsByDistrict by_district;
};

// The record's results.json; empty when it has none (exported before the tallies).
ResultsFile read_results(const QString& path) {
    ResultsFile out;
    auto results = read_json(path, QStringLiteral("results.json"));
    if (!results) return out;
    out.complete = results.value().value(QStringLiteral("complete")).toBool();
    for (const QJsonValue& v : results.value().value(QStringLiteral("districts")).toArray()) {
        const QJsonObject d = v.toObject();
        const QString id = d.value(QStringLiteral("district_id")).toString();
        out.counts[id] = {d.value(QStringLiteral("ballots_counted")).toInt(),
                          d.value(QStringLiteral("ballots_challenged")).toInt()};
        for (const QJsonValue& cv : d.value(QStringLiteral("contests")).toArray()) {
            const QJsonObject c = cv.toObject();
            for (const QJsonValue& ov : c.value(QStringLiteral("options")).toArray()) {
                const QJsonObject o = ov.toObject();
                out.by_district[id][c.value(QStringLiteral("contest_id")).toString()]
                               [o.value(QStringLiteral("option_id")).toString()] =
                    o.value(QStringLiteral("count")).toInt();
            }
        }
    }
    return out;
}

int count_of(const CountsByDistrict& by_district, const QString& district, const QString& contest,
             const QString& option) {
    auto di = by_district.find(district);
    if (di == by_district.end()) return 0;
    auto ci = di->second.find(contest);
    if (ci == di->second.end()) return 0;
    auto oi = ci->second.find(option);
    return oi == ci->second.end() ? 0 : oi->second;
}

// The contests on the ballot: id, title, kind, vote-for and the options' labels.
QVariantList contest_rows(const election::ElectionManifest& m) {
    QVariantList rows;
    for (const election::Contest& c : m.contests) {
        QStringList options;
        for (const election::ContestOption& o : c.options) options << q(o.label.text);
        rows.push_back(
            QVariantMap{{QStringLiteral("id"), q(c.id)},
                        {QStringLiteral("title"), q(c.title.text)},
                        {QStringLiteral("kind"), c.kind == election::ContestKind::ballot_measure
                                                     ? AuditorController::tr("ballot measure")
                                                     : AuditorController::tr("candidate")},
                        {QStringLiteral("voteFor"), static_cast<int>(c.vote_for)},
                        {QStringLiteral("options"), options}});
    }
    return rows;
}

// The results per contest and option, per district in the manifest's order and in total.
QVariantList result_rows(const election::ElectionManifest& m, const CountsByDistrict& by_district) {
    QVariantList rows;
    if (by_district.empty()) return rows;
    for (const election::Contest& c : m.contests) {
        QVariantList options;
        int max = 0;
        for (const election::ContestOption& o : c.options) {
            QVariantList per_district;
            int total = 0;
            for (const election::District& d : m.districts) {
                const int n = count_of(by_district, q(d.id), q(c.id), q(o.id));
                per_district.push_back(n);
                total += n;
            }
            max = std::max(max, total);
            options.push_back(QVariantMap{{QStringLiteral("id"), q(o.id)},
                                          {QStringLiteral("label"), q(o.label.text)},
                                          {QStringLiteral("total"), total},
                                          {QStringLiteral("byDistrict"), per_district}});
        }
        rows.push_back(QVariantMap{{QStringLiteral("id"), q(c.id)},
                                   {QStringLiteral("title"), q(c.title.text)},
                                   {QStringLiteral("max"), max},
                                   {QStringLiteral("options"), options}});
    }
    return rows;
}

}  // namespace

AuditorController::AuditorController(QObject* parent) : QObject(parent) {
    connect(&m_guardian, &GuardianStep::message, this,
            [this](const QString& text) { setMessage(text); });
    connect(&m_tracking, &TrackingCodeLookup::message, this,
            [this](const QString& text) { setMessage(text); });
    connect(&m_anchors, &AnchorList::message, this,
            [this](const QString& text) { setMessage(text); });
    m_pool.setMaxThreadCount(1);
    QSettings settings(QStringLiteral("Psephos"), QStringLiteral("auditor"));
    m_recent = settings.value(QStringLiteral("recentRecords")).toStringList();
}

AuditorController::~AuditorController() {
    m_cancel = true;
    m_pool.waitForDone();
}

void AuditorController::setMessage(const QString& message) {
    m_message = message;
    emit messageChanged();
}

// ----------------------------------------------------------------------------- loading

bool AuditorController::openRecord(const QString& path_in) {
    if (m_verifying) {
        setMessage(tr("A verification is running: cancel it before opening another record."));
        return false;
    }
    const QString path = QDir::cleanPath(path_in.trimmed());
    const QDir dir(path);
    auto fail = [&](const QString& why) {
        m_loaded = false;
        m_tracking.setRecord({}, {});
        m_anchors.forgetRecord();
        m_loadError = why;
        m_path = path;
        emit recordChanged();
        emit summaryChanged();
        setMessage(why);
        return false;
    };
    if (path.isEmpty() || !dir.exists()) return fail(tr("%1: no such directory").arg(path));
    auto record = read_json(path, QStringLiteral("record.json"));
    if (!record)
        return fail(tr("%1 is not an election record (no readable record.json: %2)")
                        .arg(path, q(record.error().message)));
    const QJsonObject& r = record.value();
    if (!r.value(QStringLiteral("format"))
             .toString()
             .startsWith(QStringLiteral("psephos-election-record")))
        return fail(tr("%1: record.json is not a Psephos election record (format '%2')")
                        .arg(path, r.value(QStringLiteral("format")).toString()));

    auto manifest_json =
        crypto::read_record_file(path.toStdString(), "manifest.json", election::max_manifest_bytes);
    if (!manifest_json) return fail(tr("%1: %2").arg(path, q(manifest_json.error().message)));
    auto manifest = election::parse_manifest(std::string_view(
        reinterpret_cast<const char*>(manifest_json->data()), manifest_json->size()));
    if (!manifest) return fail(tr("%1: manifest.json: %2").arg(path, q(manifest.error().message)));
    const election::ElectionManifest& m = manifest.value();

    // Everything read: replace the previous record.
    m_path = path;
    m_loadError.clear();
    m_report = {};
    refreshChecks();
    m_verdict = NotVerified;
    m_selected = -1;
    m_tracking.clear();
    ++m_countingRuns;
    m_counting = false;
    m_electionId = q(m.election_id);
    m_electionName = q(m.name);
    m_electionDates = m.start_date == m.end_date
                          ? q(m.start_date)
                          : q(m.start_date) + QStringLiteral(" – ") + q(m.end_date);
    m_guardians = tr("threshold %1 of %2 guardians").arg(m.threshold).arg(m.guardian_count);
    const QByteArray base_hash =
        QByteArray::fromHex(r.value(QStringLiteral("base_hash")).toString().toLatin1());

    m_logs.clear();
    std::map<QString, quint64> log_sizes;
    for (const QJsonValue& v : r.value(QStringLiteral("logs")).toArray()) {
        const QJsonObject log = v.toObject();
        auto entry = std::make_unique<Log>();
        entry->name = log.value(QStringLiteral("name")).toString();
        entry->size = static_cast<quint64>(log.value(QStringLiteral("size")).toDouble());
        log_sizes[entry->name] = entry->size;
        if (entry->name == QStringLiteral("/election"))
            m_rootHex = log.value(QStringLiteral("root")).toString();
        m_logs.push_back(std::move(entry));
    }

    m_contests = contest_rows(m);

    // Counts and results: from results.json when the record has it (V26 checks it), otherwise
    // from the district logs' record types.
    const ResultsFile results = read_results(path);
    const auto& counts = results.counts;
    m_resultsComplete = results.complete;
    m_districtRows.clear();
    QStringList to_count;  // districts results.json does not cover: counted on a worker thread
    for (const election::District& d : m.districts) {
        const QString id = q(d.id);
        const auto c = counts.find(id);
        if (c == counts.end()) to_count << id;
        m_districtRows.push_back(QVariantMap{
            {QStringLiteral("id"), id},
            {QStringLiteral("name"), q(d.name)},
            {QStringLiteral("ballotsCast"), c == counts.end() ? 0 : c->second.first},
            {QStringLiteral("ballotsChallenged"), c == counts.end() ? 0 : c->second.second},
            {QStringLiteral("counting"), c == counts.end()},
            {QStringLiteral("logSize"), static_cast<double>(log_sizes[id])}});
    }
    updateTotals();
    if (!to_count.isEmpty()) countBallots(to_count);
    m_results = result_rows(m, results.by_district);

    m_anchors.load(path, base_hash);

    m_authority.readRecord(path);
    m_witnesses.clearReport();
    QStringList district_ids;
    for (const election::District& d : m.districts) district_ids << q(d.id);
    m_tracking.setRecord(path, district_ids);
    m_loaded = true;
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > max_recent) m_recent.removeLast();
    QSettings(QStringLiteral("Psephos"), QStringLiteral("auditor"))
        .setValue(QStringLiteral("recentRecords"), m_recent);
    emit recentRecordsChanged();
    emit recordChanged();
    emit summaryChanged();
    emit verificationChanged();
    emit progressChanged();
    emit selectionChanged();
    setMessage(tr("Opened %1: %2 districts, %3 ballots cast, %4 challenged.")
                   .arg(path)
                   .arg(m.districts.size())
                   .arg(m_totalCast)
                   .arg(m_totalChallenged));
    return true;
}

void AuditorController::updateTotals() {
    m_totalCast = 0;
    m_totalChallenged = 0;
    for (const QVariant& row : m_districtRows) {
        m_totalCast += row.toMap().value(QStringLiteral("ballotsCast")).toInt();
        m_totalChallenged += row.toMap().value(QStringLiteral("ballotsChallenged")).toInt();
    }
    for (QVariant& row : m_districtRows) {
        QVariantMap map = row.toMap();
        map[QStringLiteral("share")] =
            m_totalCast == 0 ? 0.0 : map[QStringLiteral("ballotsCast")].toDouble() / m_totalCast;
        row = map;
    }
}

// Streams the listed district logs (bounded memory) off the GUI thread and counts their cast and
// challenged records; the rows say "counting" until then.
void AuditorController::countBallots(const QStringList& districts) {
    ++m_countingRuns;
    m_counting = true;
    const QString path = m_path;
    const int run = m_countingRuns;
    auto work = [path, districts] {
        std::map<QString, std::pair<int, int>> counts;
        for (const QString& id : districts) {
            int cast = 0, challenged = 0;
            for_each_frame(path, QStringLiteral("districts/%1/records.bin").arg(id),
                           [&](const QByteArray& f) {
                               if (!f.isEmpty() && quint8(f[0]) == 0x02) ++cast;
                               if (!f.isEmpty() && quint8(f[0]) == 0x03) ++challenged;
                               return true;
                           });
            counts[id] = {cast, challenged};
        }
        return counts;
    };
    using Counts = std::map<QString, std::pair<int, int>>;
    auto* watcher = new QFutureWatcher<Counts>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, run] {
        const Counts counts = watcher->result();
        watcher->deleteLater();
        if (run != m_countingRuns) return;  // another record was opened meanwhile
        m_counting = false;
        for (QVariant& row : m_districtRows) {
            QVariantMap map = row.toMap();
            auto c = counts.find(map[QStringLiteral("id")].toString());
            if (c == counts.end()) continue;
            map[QStringLiteral("ballotsCast")] = c->second.first;
            map[QStringLiteral("ballotsChallenged")] = c->second.second;
            map[QStringLiteral("counting")] = false;
            row = map;
        }
        updateTotals();
        emit recordChanged();
        emit summaryChanged();
        emit ballotsCounted();
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(), work));
}

void AuditorController::clearRecentRecords() {
    m_recent.clear();
    QSettings(QStringLiteral("Psephos"), QStringLiteral("auditor"))
        .remove(QStringLiteral("recentRecords"));
    emit recentRecordsChanged();
}

// ----------------------------------------------------------------------------- verification

void AuditorController::verify(int threads) {
    if (!m_loaded || m_verifying) return;
    m_verifying = true;
    m_cancel = false;
    m_verdict = Verifying;
    m_report = {};
    refreshChecks();
    m_anchors.setStatus(anchorStatus());
    m_selected = -1;
    for (auto& log : m_logs) log->done = 0;
    emit verificationChanged();
    emit selectionChanged();
    emit progressChanged();
    emit summaryChanged();
    setMessage(tr("Verifying %1…").arg(m_path));

    auto last_emit = std::make_shared<std::atomic<qint64>>(0);
    verifier::VerifyOptions options;
    options.threads = static_cast<unsigned>(std::max(0, threads));
    options.progress = [this, last_emit](std::string_view log, std::uint64_t done, std::uint64_t) {
        const QString name = q(log);
        for (auto& l : m_logs)
            if (l->name == name) l->done = done;
        const qint64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
        qint64 previous = last_emit->load();
        if (now - previous >= 50 && last_emit->compare_exchange_strong(previous, now))
            QMetaObject::invokeMethod(this, &AuditorController::progressChanged,
                                      Qt::QueuedConnection);
    };
    options.cancelled = [this] { return m_cancel.load(); };
    const QString anchor = m_authority.trustedKey();
    options.trusted_authority_key = anchor.toStdString();
    options.witness_policy = m_witnesses.policy();
    m_authority.clearReport();
    m_witnesses.clearReport();
    const std::filesystem::path dir = m_path.toStdString();
    auto* watcher = new QFutureWatcher<verifier::VerifyReport>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, anchor] {
        m_report = watcher->result();
        refreshChecks();
        m_anchors.setStatus(anchorStatus());
        m_authority.setReport(m_report, anchor);
        m_witnesses.setReport(m_report);
        watcher->deleteLater();
        m_verifying = false;
        if (m_report.cancelled)
            m_verdict = Cancelled;
        else
            m_verdict = m_report.passed() ? Passed : Failed;
        emit progressChanged();
        emit verificationChanged();
        emit summaryChanged();
        const int failure = firstFailure();
        if (failure >= 0) selectCheck(failure);
        setMessage(verdictText());
        emit verificationFinished();
    });
    watcher->setFuture(QtConcurrent::run(
        &m_pool, [dir, options] { return verifier::verify_election_record(dir, options); }));
}

void AuditorController::cancelVerification() {
    if (!m_verifying) return;
    m_cancel = true;
    setMessage(tr("Cancelling…"));
}

void AuditorController::waitForVerification() { m_pool.waitForDone(); }

double AuditorController::progress() const {
    if (m_verdict == Passed || m_verdict == Failed) return 1.0;
    quint64 done = 0, total = 0;
    for (const auto& l : m_logs) {
        total += l->size;
        done += std::min<quint64>(l->done, l->size);
    }
    return total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
}

QVariantList AuditorController::logProgress() const {
    QVariantList list;
    const bool finished = m_verdict == Passed || m_verdict == Failed;
    for (const auto& l : m_logs) {
        const quint64 done = finished ? l->size : std::min<quint64>(l->done, l->size);
        list.push_back(QVariantMap{
            {QStringLiteral("name"), l->name},
            {QStringLiteral("done"), static_cast<double>(done)},
            {QStringLiteral("total"), static_cast<double>(l->size)},
            {QStringLiteral("fraction"),
             l->size == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(l->size)}});
    }
    return list;
}

QString AuditorController::localStatus(verifier::CheckStatus status) const {
    switch (status) {
        case verifier::CheckStatus::passed:
            return QStringLiteral("passed");
        case verifier::CheckStatus::failed:
            return QStringLiteral("failed");
        case verifier::CheckStatus::not_run:
            return QStringLiteral("not run");
    }
    return QStringLiteral("not run");
}

QString AuditorController::verdictText() const {
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
void AuditorController::refreshChecks() {
    std::vector<CheckRow> rows;
    if (!m_report.cancelled)
        for (const verifier::CheckOutcome& c : m_report.checks)
            rows.push_back({q(c.id), q(c.name), q(c.scope), localStatus(c.status),
                            static_cast<double>(c.items_checked),
                            static_cast<double>(c.failure_count)});
    m_checks.setRows(std::move(rows));
}

int AuditorController::passedCount() const {
    int n = 0;
    for (const auto& c : m_report.checks) n += c.passed() ? 1 : 0;
    return n;
}

int AuditorController::failedCount() const {
    int n = 0;
    for (const auto& c : m_report.checks) n += c.status == verifier::CheckStatus::failed ? 1 : 0;
    return n;
}

int AuditorController::firstFailure() const {
    if (m_report.cancelled) return -1;
    for (std::size_t i = 0; i < m_report.checks.size(); ++i)
        if (m_report.checks[i].status == verifier::CheckStatus::failed) return static_cast<int>(i);
    return -1;
}

void AuditorController::selectCheck(int index) {
    if (index < -1 || index >= static_cast<int>(m_report.checks.size())) return;
    m_selected = index;
    emit selectionChanged();
}

QVariantMap AuditorController::selectedDetail() const {
    if (m_selected < 0 || m_selected >= static_cast<int>(m_report.checks.size())) return {};
    const verifier::CheckOutcome& c = m_report.checks[static_cast<std::size_t>(m_selected)];
    QStringList failures;
    for (const std::string& f : c.failures) failures << q(f);
    return {{QStringLiteral("id"), q(c.id)},
            {QStringLiteral("name"), q(c.name)},
            {QStringLiteral("scope"), c.scope.empty() ? tr("election") : q(c.scope)},
            {QStringLiteral("status"), localStatus(c.status)},
            {QStringLiteral("note"), q(c.note)},
            {QStringLiteral("items"), static_cast<double>(c.items_checked)},
            {QStringLiteral("failures"), failures},
            {QStringLiteral("failureCount"), static_cast<double>(c.failure_count)}};
}

QString AuditorController::checkStatusOf(const QString& scope) const {
    if (m_report.checks.empty() || m_report.cancelled) return QStringLiteral("not verified");
    bool any = false;
    for (const auto& c : m_report.checks) {
        if (q(c.scope) != scope) continue;
        any = true;
        if (!c.passed()) return QStringLiteral("failed");
    }
    return any ? QStringLiteral("passed") : QStringLiteral("not verified");
}

QVariantList AuditorController::districts() const {
    QVariantList rows = m_districtRows;
    for (QVariant& row : rows) {
        QVariantMap map = row.toMap();
        map[QStringLiteral("status")] = checkStatusOf(map[QStringLiteral("id")].toString());
        row = map;
    }
    return rows;
}

// V28 in the last verification, as the anchors show it.
QString AuditorController::anchorStatus() const {
    QString status = QStringLiteral("not verified");
    for (const auto& c : m_report.checks)
        if (c.id == "V28" && !m_report.cancelled) status = localStatus(c.status);
    return status;
}

QString AuditorController::resultsStatus() const {
    if (m_report.checks.empty() || m_report.cancelled)
        return tr("not verified: run Verify to check these figures against the record");
    QStringList failed;
    for (const auto& c : m_report.checks) {
        const int n = QString::fromStdString(c.id).mid(1).toInt();
        if ((n >= 23 && n <= 26) && !c.passed())
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
