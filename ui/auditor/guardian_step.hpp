// The guardian step of the auditor desktop (docs/auditor.md), for elections run from the desktop:
// reads the guardian's key file (a sealed one with its passphrase), opens the election's ledger in
// a data directory (DIR/ledger with its key DIR/ledger.key, as `psephos decrypt --data DIR` does)
// and records the guardian's proved partial decryption of every tally it has not decrypted yet
// (ledger::decrypt_tallies_as_guardian), on a worker thread. The controller's `guardian`.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

#include "auditor_lists.hpp"

namespace psephos::ui {

class GuardianStep : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's guardian step (AuditorController.guardian)")
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(QString summary READ summary NOTIFY changed)
    // One row per district: roles district, state (State), text.
    Q_PROPERTY(psephos::ui::ListModel* outcome READ outcome CONSTANT)

public:
    // What happened to a district's tally (ledger::GuardianDistrictOutcome::State).
    enum State {
        Decrypted,
        NoTally,
        AlreadyDecrypted,
        HasResult,
        Refused,
        TallyMismatch,
        UnauthorisedDevice,
    };
    Q_ENUM(State)

    struct Row {
        enum Role { DistrictRole = Qt::UserRole + 1, StateRole, TextRole };
        QString district;
        State state = NoTally;
        QString text;
        static QHash<int, QByteArray> role_names() {
            return {{DistrictRole, "district"}, {StateRole, "state"}, {TextRole, "text"}};
        }
        QVariant value(int role) const;
    };

    explicit GuardianStep(QObject* parent = nullptr);

    bool busy() const { return m_busy; }
    QString summary() const { return m_summary; }
    ListModel* outcome() { return &m_outcome; }
    const std::vector<Row>& outcomeRows() const { return m_outcome.rows(); }

    // Decrypts as the guardian of key_file (passphrase empty: an unsealed key) every tally of the
    // ledger in data_dir it has not decrypted yet; ignored while one runs. The passphrase is
    // wiped after use; finished reports the outcome.
    Q_INVOKABLE void decrypt(const QString& key_file, const QString& passphrase,
                             const QString& data_dir);

signals:
    void changed();
    void finished(bool ok);
    void message(const QString& text);

private:
    bool m_busy = false;
    QString m_summary;
    RowList<Row> m_outcome;
};

}  // namespace psephos::ui
