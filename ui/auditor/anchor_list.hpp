// The anchors the open record's bridge log holds (docs/auditor.md): each intent with its
// transaction and confirmation, whether its payload is this record's election root, the status of
// V28 in the last verification, and what an EVM node said about it when asked
// (bridge::verify_anchors_on_chain, on a worker thread). The controller's `anchors`.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

#include "audit_status.hpp"
#include "auditor_lists.hpp"
#include "psephos/record/record_reader.hpp"

namespace psephos::ui {

struct AnchorRow {
    enum Role {
        SequenceRole = Qt::UserRole + 1,
        ReasonRole,
        ChainRole,
        ChainIdRole,
        TxHashRole,
        BlockRole,
        ConfirmationsRole,
        LogSizeRole,
        RootRole,
        MatchesRecordRole,
        StatusRole,
        LiveRole,
        LiveDetailRole,
    };
    quint64 sequence = 0;  // the intent's index in the bridge log
    QString reason;
    QString chain;    // "<chain> (<kind>)"
    QString chainId;  // the network
    QString txHash;   // "" until the transaction record
    QString block;    // "" until the confirmation record
    int confirmations = 0;
    quint64 logSize = 0;  // the anchored election log size (0: the payload did not decode)
    QString root;         // the anchored root, hex ("" : the payload did not decode)
    bool matchesRecord = false;
    AuditStatus::Value status = AuditStatus::NotVerified;  // V28
    QString live;        // "" not asked, "on chain", "failed", "not checked"
    QString liveDetail;  // what the node said

    static QHash<int, QByteArray> role_names();
    QVariant value(int role) const;
};

class AnchorList : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the controller's anchors (AuditorController.anchors)")
    // AnchorRow's roles.
    Q_PROPERTY(psephos::ui::ListModel* rows READ rows CONSTANT)
    Q_PROPERTY(bool checking READ checking NOTIFY checkingChanged)

public:
    explicit AnchorList(QObject* parent = nullptr);

    ListModel* rows() { return &m_rows; }
    const std::vector<AnchorRow>& anchorRows() const { return m_rows.rows(); }
    bool checking() const { return m_checking; }

    // Reads the anchors of the record in `path` through its reader, for the election whose base
    // hash is base_hash; none without a bridge log. Each starts "not verified" and not asked.
    void load(const QString& path, const record::RecordReader& reader, const QByteArray& base_hash);
    // No record is open (the rows stay, unasked-for): checkOnChain does nothing.
    void forgetRecord() { m_path.clear(); }
    // V28's status in the last verification, for every row.
    void setStatus(AuditStatus::Value status);
    // Asks the EVM node at rpc_url, for each EVM anchor of the record, whether its transaction is
    // in a block with the recorded sender and data and succeeded, and how many confirmations it
    // has now; Bitcoin anchors are marked "not checked". The rows' live and liveDetail, and
    // checked, report it. Ignored while one runs or with no record open. An https node's
    // certificate is verified against the PEM file `certificates` names (a pinned certificate),
    // or against the system's CAs when it is empty.
    Q_INVOKABLE void checkOnChain(const QString& rpc_url, const QString& certificates = QString());

signals:
    void checkingChanged();
    void checked(bool ok);
    void message(const QString& text);

private:
    QString m_path;
    RowList<AnchorRow> m_rows;
    bool m_checking = false;
};

}  // namespace psephos::ui
