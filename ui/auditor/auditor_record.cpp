#include "auditor_record.hpp"

#include <QDir>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>
#include <utility>

#include "psephos/election/election_manifest.hpp"
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
std::vector<ContestRow> contest_rows(const election::ElectionManifest& m) {
    std::vector<ContestRow> rows;
    for (const election::Contest& c : m.contests) {
        QStringList options;
        for (const election::ContestOption& o : c.options) options << q(o.label.text);
        rows.push_back({q(c.id), q(c.title.text),
                        c.kind == election::ContestKind::ballot_measure
                            ? AuditorRecord::tr("ballot measure")
                            : AuditorRecord::tr("candidate"),
                        static_cast<int>(c.vote_for), options});
    }
    return rows;
}

// The results per contest and option, per district in the manifest's order and in total.
std::vector<ResultRow> result_rows(const election::ElectionManifest& m,
                                   const CountsByDistrict& by_district) {
    std::vector<ResultRow> rows;
    if (by_district.empty()) return rows;
    for (const election::Contest& c : m.contests) {
        ResultRow row{q(c.id), q(c.title.text), 0, {}};
        for (const election::ContestOption& o : c.options) {
            ResultOption option{q(o.id), q(o.label.text), 0, {}};
            for (const election::District& d : m.districts) {
                const int n = count_of(by_district, q(d.id), q(c.id), q(o.id));
                option.byDistrict.push_back(n);
                option.total += n;
            }
            row.max = std::max(row.max, option.total);
            row.options.push_back(option);
        }
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

AuditorRecord::AuditorRecord(QObject* parent) : QObject(parent) {
    QSettings settings(QStringLiteral("Psephos"), QStringLiteral("auditor"));
    m_recent = settings.value(QStringLiteral("recentRecords")).toStringList();
}

QStringList AuditorRecord::districtIds() const {
    QStringList ids;
    for (const DistrictRow& d : m_districts.rows()) ids << d.districtId;
    return ids;
}

bool AuditorRecord::fail(const QString& path, const QString& why) {
    m_loaded = false;
    m_reader.reset();
    m_loadError = why;
    m_path = path;
    emit changed();
    emit countsChanged();
    return false;
}

bool AuditorRecord::open(const QString& path) {
    const QDir dir(path);
    if (path.isEmpty() || !dir.exists()) return fail(path, tr("%1: no such directory").arg(path));
    auto reader = record::RecordReader::open(path.toStdString());
    if (!reader)
        return fail(
            path,
            tr("%1 is not a readable election record: %2").arg(path, q(reader.error().message)));
    const QString format = q(reader->format());
    if (!format.startsWith(QStringLiteral("psephos-election-record")))
        return fail(
            path,
            tr("%1: record.json is not a Psephos election record (format '%2')").arg(path, format));

    // Everything read: replace the previous record.
    m_reader.emplace(std::move(reader).value());
    const election::ElectionManifest& m = m_reader->election().manifest;
    m_path = path;
    m_loadError.clear();
    ++m_countingRuns;
    m_counting = false;
    m_electionId = q(m.election_id);
    m_electionName = q(m.name);
    m_electionDates = m.start_date == m.end_date
                          ? q(m.start_date)
                          : q(m.start_date) + QStringLiteral(" – ") + q(m.end_date);
    m_guardians = tr("threshold %1 of %2 guardians").arg(m.threshold).arg(m.guardian_count);
    const Hash32& base_hash = m_reader->election().base_hash;
    m_baseHash = QByteArray(reinterpret_cast<const char*>(base_hash.bytes.data()),
                            static_cast<qsizetype>(base_hash.bytes.size()));

    m_logs.clear();
    std::map<QString, quint64> log_sizes;
    for (const record::RecordLog& log : m_reader->logs()) {
        Log entry{q(log.name), log.size};
        log_sizes[entry.name] = entry.size;
        m_logs.push_back(entry);
    }

    m_contests.setRows(contest_rows(m));

    // Counts and results: from results.json when the record has it (V26 checks it), otherwise
    // from the district logs' record types.
    const ResultsFile results = read_results(path);
    const auto& counts = results.counts;
    m_resultsComplete = results.complete;
    std::vector<DistrictRow> districts;
    QStringList to_count;  // districts results.json does not cover: counted on a worker thread
    for (const election::District& d : m.districts) {
        const QString id = q(d.id);
        const auto c = counts.find(id);
        if (c == counts.end()) to_count << id;
        DistrictRow row;
        row.districtId = id;
        row.name = q(d.name);
        row.ballotsCast = c == counts.end() ? 0 : c->second.first;
        row.ballotsChallenged = c == counts.end() ? 0 : c->second.second;
        row.counting = c == counts.end();
        row.logSize = static_cast<double>(log_sizes[id]);
        districts.push_back(row);
    }
    updateTotals(districts);
    m_districts.setRows(std::move(districts));
    if (!to_count.isEmpty()) countBallots(to_count);
    m_results.setRows(result_rows(m, results.by_district));

    m_loaded = true;
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > max_recent) m_recent.removeLast();
    QSettings(QStringLiteral("Psephos"), QStringLiteral("auditor"))
        .setValue(QStringLiteral("recentRecords"), m_recent);
    emit recentRecordsChanged();
    emit changed();
    emit countsChanged();
    return true;
}

void AuditorRecord::updateTotals(std::vector<DistrictRow>& rows) {
    m_totalCast = 0;
    m_totalChallenged = 0;
    for (const DistrictRow& row : rows) {
        m_totalCast += row.ballotsCast;
        m_totalChallenged += row.ballotsChallenged;
    }
    for (DistrictRow& row : rows)
        row.share = m_totalCast == 0 ? 0.0 : static_cast<double>(row.ballotsCast) / m_totalCast;
}

// Streams the listed district logs (bounded memory) off the GUI thread and counts their cast and
// challenged records; the rows say "counting" until then.
void AuditorRecord::countBallots(const QStringList& districts) {
    ++m_countingRuns;
    m_counting = true;
    const QString path = m_path;
    const int run = m_countingRuns;
    auto work = [path, districts] {
        std::map<QString, std::pair<int, int>> counts;
        // Its own reader: a RecordReader is not shared between threads.
        auto reader = record::RecordReader::open(path.toStdString());
        for (const QString& id : districts) {
            int cast = 0, challenged = 0;
            // A log that does not match record.json is still counted (psephos verify judges it).
            if (reader)
                (void)reader->for_each_record(id.toStdString(), [&](std::uint64_t, const Bytes& f) {
                    if (!f.empty() && f[0] == 0x02) ++cast;
                    if (!f.empty() && f[0] == 0x03) ++challenged;
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
        std::vector<DistrictRow> rows = m_districts.rows();
        for (DistrictRow& row : rows) {
            auto c = counts.find(row.districtId);
            if (c == counts.end()) continue;
            row.ballotsCast = c->second.first;
            row.ballotsChallenged = c->second.second;
            row.counting = false;
        }
        updateTotals(rows);
        m_districts.updateRows(
            [&rows, i = std::size_t{0}](DistrictRow& row) mutable { row = rows[i++]; });
        emit countsChanged();
        emit ballotsCounted();
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(), work));
}

void AuditorRecord::setDistrictStatuses(
    const std::function<AuditStatus::Value(const QString& districtId)>& statusOf) {
    m_districts.updateRows([&](DistrictRow& row) { row.status = statusOf(row.districtId); });
}

void AuditorRecord::clearRecentRecords() {
    m_recent.clear();
    QSettings(QStringLiteral("Psephos"), QStringLiteral("auditor"))
        .remove(QStringLiteral("recentRecords"));
    emit recentRecordsChanged();
}

}  // namespace psephos::ui
