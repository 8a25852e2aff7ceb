#include "anchor_list.hpp"

#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <map>

#include "psephos/bridge/json_rpc_client.hpp"
#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/election/anchor_records.hpp"
#include "psephos/ledger/ledger.hpp"
#include "record_files.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

QByteArray bytes_of(const Hash32& h) {
    return QByteArray(reinterpret_cast<const char*>(h.bytes.data()), 32);
}

// The election log's roots by size, from the record's checkpoints (each note opened with the
// election log's key by the reader; none if one does not open).
std::map<quint64, QByteArray> election_roots(const record::RecordReader& reader) {
    std::map<quint64, QByteArray> roots;
    auto checkpoints = reader.checkpoints(ledger::election_log_name);
    if (!checkpoints) return roots;
    for (const auto& [size, note] : *checkpoints) {
        const QList<QByteArray> lines = QByteArray::fromStdString(note).split('\n');
        if (lines.size() >= 3) roots[size] = QByteArray::fromBase64(lines[2]);
    }
    return roots;
}

AnchorRow intent_row(const election::AnchorIntent& intent, quint64 index,
                     const QByteArray& base_hash, const std::map<quint64, QByteArray>& roots) {
    AnchorRow row;
    row.sequence = index;
    row.reason = q(intent.reason);
    row.chain = q(intent.chain) + QStringLiteral(" (") + q(election::to_string(intent.kind)) +
                QLatin1Char(')');
    row.chainId = q(intent.network);
    row.status = AuditStatus::NotVerified;
    if (auto payload = election::decode_anchor_payload(intent.payload)) {
        const auto& p = payload.value();
        auto root = roots.find(p.election_log_size);
        row.matchesRecord = bytes_of(p.election_digest) == base_hash && root != roots.end() &&
                            root->second == bytes_of(p.election_root);
        row.logSize = p.election_log_size;
        row.root = hex(p.election_root);
    }
    return row;
}

struct LiveOutcome {
    bool ok = false;
    QString error;
    std::map<QString, std::pair<QString, QString>> live;  // tx hash → (live, detail)
};

LiveOutcome ask_node(const std::filesystem::path& dir, const std::string& url,
                     const std::string& certificates) {
    auto anchors = bridge::record_anchors(dir);
    if (!anchors) return {false, q(anchors.error().message), {}};
    LiveOutcome out{true, {}, {}};
    bridge::ProofBundle evm;
    for (const bridge::BundleAnchor& a : anchors.value()) {
        if (a.kind == election::ChainKind::evm)
            evm.anchors.push_back(a);
        else
            out.live[q(a.transaction_id.to_hex())] = {
                QStringLiteral("not checked"),
                AnchorList::tr("a Bitcoin anchor: check it on a Bitcoin node")};
    }
    if (evm.anchors.empty()) return out;
    const std::vector<bridge::BundleCheck> checks =
        bridge::verify_anchors_on_chain(evm, url, certificates);
    for (std::size_t i = 0; i < evm.anchors.size() && i < checks.size(); ++i) {
        out.live[q(evm.anchors[i].transaction_id.to_hex())] = {
            checks[i].passed ? QStringLiteral("on chain") : QStringLiteral("failed"),
            q(checks[i].detail)};
        out.ok = out.ok && checks[i].passed;
    }
    return out;
}

}  // namespace

QHash<int, QByteArray> AnchorRow::role_names() {
    return {{SequenceRole, "sequence"},
            {ReasonRole, "reason"},
            {ChainRole, "chain"},
            {ChainIdRole, "chainId"},
            {TxHashRole, "txHash"},
            {BlockRole, "block"},
            {ConfirmationsRole, "confirmations"},
            {LogSizeRole, "logSize"},
            {RootRole, "root"},
            {MatchesRecordRole, "matchesRecord"},
            {StatusRole, "status"},
            {LiveRole, "live"},
            {LiveDetailRole, "liveDetail"}};
}

QVariant AnchorRow::value(int role) const {
    switch (role) {
        case SequenceRole:
            return static_cast<double>(sequence);
        case ReasonRole:
            return reason;
        case ChainRole:
            return chain;
        case ChainIdRole:
            return chainId;
        case TxHashRole:
            return txHash;
        case BlockRole:
            return block;
        case ConfirmationsRole:
            return confirmations;
        case LogSizeRole:
            return static_cast<double>(logSize);
        case RootRole:
            return root;
        case MatchesRecordRole:
            return matchesRecord;
        case StatusRole:
            return static_cast<int>(status);  // an AuditStatus value
        case LiveRole:
            return live;
        case LiveDetailRole:
            return liveDetail;
        default:
            return {};
    }
}

AnchorList::AnchorList(QObject* parent) : QObject(parent) {}

void AnchorList::load(const QString& path, const record::RecordReader& reader,
                      const QByteArray& base_hash) {
    m_path = path;
    std::vector<AnchorRow> rows;
    if (!reader.status(ledger::bridge_log_name)) {
        m_rows.setRows(std::move(rows));
        return;
    }
    const std::map<quint64, QByteArray> roots = election_roots(reader);
    std::map<quint64, std::size_t> row_of_intent;
    // A bridge log that does not match record.json is still shown (V28 judges it).
    (void)reader.for_each_record(
        ledger::bridge_log_name, [&](std::uint64_t index, const Bytes& frame) {
            const std::uint8_t type = frame.empty() ? 0 : frame[0];
            if (type == 0x11) {
                if (auto intent = election::decode_anchor_intent(frame)) {
                    row_of_intent[index] = rows.size();
                    rows.push_back(intent_row(intent.value(), index, base_hash, roots));
                }
            } else if (type == 0x12) {
                if (auto tx = election::decode_anchor_transaction(frame)) {
                    auto it = row_of_intent.find(tx.value().intent_index);
                    if (it != row_of_intent.end())
                        rows[it->second].txHash = hex(tx.value().transaction_id);
                }
            } else if (type == 0x13) {
                if (auto c = election::decode_anchor_confirmation(frame)) {
                    auto it = row_of_intent.find(c.value().intent_index);
                    if (it != row_of_intent.end()) {
                        rows[it->second].block = QString::number(c.value().block_number);
                        rows[it->second].confirmations = static_cast<int>(c.value().confirmations);
                    }
                }
            }
        });
    m_rows.setRows(std::move(rows));
}

void AnchorList::setStatus(AuditStatus::Value status) {
    m_rows.updateRows([&](AnchorRow& row) { row.status = status; });
}

void AnchorList::checkOnChain(const QString& rpc_url, const QString& certificates) {
    if (m_path.isEmpty() || m_checking) return;
    m_checking = true;
    emit checkingChanged();
    emit message(tr("Asking %1 about the anchors…").arg(rpc_url));
    const std::filesystem::path dir = m_path.toStdString();
    const std::string url = rpc_url.toStdString();
    const std::string pem = certificates.toStdString();
    auto* watcher = new QFutureWatcher<LiveOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const LiveOutcome r = watcher->result();
        watcher->deleteLater();
        m_checking = false;
        m_rows.updateRows([&](AnchorRow& row) {
            auto live = r.live.find(row.txHash);
            row.live = live == r.live.end() ? QString() : live->second.first;
            row.liveDetail = live == r.live.end() ? QString() : live->second.second;
        });
        emit checkingChanged();
        emit message(
            r.error.isEmpty()
                ? (r.ok ? tr("Every EVM anchor is on chain with the recorded payload.")
                        : tr("An anchor could not be confirmed on chain: see the Anchors page."))
                : r.error);
        emit checked(r.ok);
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(), [dir, url, pem] {
        LiveOutcome outcome = ask_node(dir, url, pem);
        // The pool's thread outlives the task: leave none of
        // OpenSSL's per-thread state behind on it.
        bridge::release_thread_tls_state();
        return outcome;
    }));
}

}  // namespace psephos::ui
