// The auditor's tracking-code look-up and proof-bundle export (docs/auditor.md): finds a printed
// tracking code (with or without dashes) in the district logs of the open record, re-deriving each
// ballot's code from its bytes, and writes the proof bundle of a code (docs/proof-bundle.md) made
// from the record alone and checked before it is written. Both on worker threads. The
// controller's `tracking`.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>

namespace psephos::ui {

class TrackingCodeLookup : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's look-up (AuditorController.tracking)")
    // The last code asked for, as typed.
    Q_PROPERTY(QString query READ query NOTIFY changed)
    Q_PROPERTY(bool searching READ searching NOTIFY changed)
    Q_PROPERTY(bool found READ found NOTIFY changed)
    // When found: a challenged ballot (never counted) or a cast one, its district and its index
    // in the district's log.
    Q_PROPERTY(bool challenged READ challenged NOTIFY changed)
    Q_PROPERTY(QString district READ district NOTIFY changed)
    Q_PROPERTY(double index READ index NOTIFY changed)
    // What the look-up found, or why it could not look; "" before any.
    Q_PROPERTY(QString text READ text NOTIFY changed)

public:
    explicit TrackingCodeLookup(QObject* parent = nullptr);

    QString query() const { return m_query; }
    bool searching() const { return m_searching; }
    bool found() const { return m_found; }
    bool challenged() const { return m_challenged; }
    QString district() const { return m_district; }
    double index() const { return static_cast<double>(m_index); }
    QString text() const { return m_text; }

    // The record to search (empty: none open).
    void setRecord(const QString& path);
    // Forgets the last look-up (another record was opened).
    void clear();

    Q_INVOKABLE void lookup(const QString& code);
    // Writes the proof bundle of a tracking code to path (P1–P11 checked first);
    // proofBundleExported reports the outcome.
    Q_INVOKABLE void exportProofBundle(const QString& code, const QString& path);

signals:
    void changed();
    void proofBundleExported(bool ok, const QString& text);
    void message(const QString& text);

private:
    QString m_path;
    QString m_query;
    bool m_searching = false;
    bool m_found = false;
    bool m_challenged = false;
    QString m_district;
    quint64 m_index = 0;
    QString m_text;
};

}  // namespace psephos::ui
