// The open election record as the auditor shows it (the controller's `record`, docs/auditor.md):
// its path and the recent records, why the last one could not be opened, the election, the
// districts with their counts (from results.json, or counted from the district logs on a worker
// thread when it does not cover them), the contests and the results, as list models with named
// roles (record_rows.hpp). The districts' check statuses are the verification's, set by the
// controller.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

#include "auditor_lists.hpp"
#include "psephos/record/record_reader.hpp"
#include "record_rows.hpp"

namespace psephos::ui {

class AuditorRecord : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's record (auditor.record)")
    Q_PROPERTY(QString path READ path NOTIFY changed)
    Q_PROPERTY(bool loaded READ loaded NOTIFY changed)
    Q_PROPERTY(QString loadError READ loadError NOTIFY changed)
    Q_PROPERTY(QStringList recentRecords READ recentRecords NOTIFY recentRecordsChanged)
    Q_PROPERTY(QString electionId READ electionId NOTIFY changed)
    Q_PROPERTY(QString electionName READ electionName NOTIFY changed)
    Q_PROPERTY(QString electionDates READ electionDates NOTIFY changed)
    Q_PROPERTY(QString guardians READ guardians NOTIFY changed)  // "threshold 3 of 5 guardians"
    // DistrictRow's roles, in the manifest's order.
    Q_PROPERTY(psephos::ui::ListModel* districts READ districts CONSTANT)
    // ContestRow's roles, in the manifest's order.
    Q_PROPERTY(psephos::ui::ListModel* contests READ contests CONSTANT)
    Q_PROPERTY(int totalCast READ totalCast NOTIFY countsChanged)
    Q_PROPERTY(int totalChallenged READ totalChallenged NOTIFY countsChanged)
    // True while the counts of a district results.json does not cover are read from its log.
    Q_PROPERTY(bool counting READ counting NOTIFY countsChanged)
    Q_PROPERTY(bool resultsComplete READ resultsComplete NOTIFY changed)
    // ResultRow's roles, one per contest (empty when the record has no results.json).
    Q_PROPERTY(psephos::ui::ListModel* results READ results CONSTANT)

public:
    // A log of the record and its size, from record.json.
    struct Log {
        QString name;
        quint64 size = 0;
    };

    explicit AuditorRecord(QObject* parent = nullptr);

    QString path() const { return m_path; }
    bool loaded() const { return m_loaded; }
    QString loadError() const { return m_loadError; }
    QStringList recentRecords() const { return m_recent; }
    QString electionId() const { return m_electionId; }
    QString electionName() const { return m_electionName; }
    QString electionDates() const { return m_electionDates; }
    QString guardians() const { return m_guardians; }
    ListModel* districts() { return &m_districts; }
    ListModel* contests() { return &m_contests; }
    ListModel* results() { return &m_results; }
    int totalCast() const { return m_totalCast; }
    int totalChallenged() const { return m_totalChallenged; }
    bool counting() const { return m_counting; }
    bool resultsComplete() const { return m_resultsComplete; }

    const std::vector<DistrictRow>& districtRows() const { return m_districts.rows(); }
    const std::vector<ContestRow>& contestRows() const { return m_contests.rows(); }
    const std::vector<ResultRow>& resultRows() const { return m_results.rows(); }
    QStringList districtIds() const;
    const std::vector<Log>& logs() const { return m_logs; }
    // The election's base hash, from its manifest (the anchors' payloads commit to it).
    QByteArray baseHash() const { return m_baseHash; }
    // The open record's reader (record::RecordReader, the one reader of a published record);
    // null when none is open. For the GUI thread only: a worker opens its own.
    const record::RecordReader* reader() const { return m_reader ? &*m_reader : nullptr; }

    // Reads the record's summary (record.json and manifest.json through record::RecordReader,
    // results.json); false with
    // loadError on a directory that is not a record (the previous record is then closed). Adds it
    // to the recent records.
    bool open(const QString& path);
    // Each district's check status, from the last verification.
    void setDistrictStatuses(
        const std::function<AuditStatus::Value(const QString& districtId)>& statusOf);
    Q_INVOKABLE void clearRecentRecords();

signals:
    void changed();
    void countsChanged();
    void recentRecordsChanged();
    // The district logs' counts arrived (the districts results.json does not cover).
    void ballotsCounted();

private:
    bool fail(const QString& path, const QString& why);
    void updateTotals(std::vector<DistrictRow>& rows);
    void countBallots(const QStringList& districts);

    QString m_path;
    std::optional<record::RecordReader> m_reader;
    bool m_loaded = false;
    QString m_loadError;
    QStringList m_recent;
    QString m_electionId, m_electionName, m_electionDates, m_guardians;
    QByteArray m_baseHash;
    std::vector<Log> m_logs;
    RowList<DistrictRow> m_districts;
    RowList<ContestRow> m_contests;
    RowList<ResultRow> m_results;
    int m_totalCast = 0;
    int m_totalChallenged = 0;
    bool m_counting = false;
    int m_countingRuns = 0;
    bool m_resultsComplete = false;
};

}  // namespace psephos::ui
