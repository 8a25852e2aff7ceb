#include "tracking_code_lookup.hpp"

#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <array>
#include <optional>

#include "psephos/bridge/proof_bundle.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/record/record_reader.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

struct Found {
    bool found = false;
    bool challenged = false;
    QString district;
    quint64 index = 0;
    QString error;  // the logs could not be searched
};

// Every district log streamed once through the record's reader (bounded memory); each ballot's
// tracking code is re-derived from its bytes (docs/encoding.md §5).
Found scan(const QString& path, const std::array<std::uint8_t, 20>& wanted) {
    Found result;
    auto reader = record::RecordReader::open(path.toStdString());
    if (!reader) {
        result.error = q(reader.error().message);
        return result;
    }
    auto match = reader->find_tracking_code(wanted);
    if (!match) {
        if (match.error().code != ErrorCode::not_found) result.error = q(match.error().message);
        return result;
    }
    const ledger::TrackingCodeEntry& entry = match->second;
    result.found = true;
    result.challenged = entry.challenged;
    result.district = q(reader->election().manifest.districts.at(entry.district_index).id);
    result.index = entry.index;
    return result;
}

struct Exported {
    bool ok = false;
    QString text;
};

Exported write_proof_bundle(const std::filesystem::path& dir, const std::string& code,
                            const std::filesystem::path& out, const QString& path) {
    auto bundle = bridge::make_proof_bundle_from_record(dir, code);
    if (!bundle)
        return {false,
                TrackingCodeLookup::tr("No proof bundle: %1").arg(q(bundle.error().message))};
    // Checked before it is written: a bundle that does not verify is never handed out. Its anchors
    // are checked against the bridge of the record's own bridge log (the record the auditor
    // opened); a voter checks them against the bridge's published addresses.
    auto trust = bridge::record_bridge_trust(dir);
    if (!trust)
        return {false, TrackingCodeLookup::tr("No proof bundle: %1").arg(q(trust.error().message))};
    for (const bridge::BundleCheck& c : bridge::verify_proof_bundle(bundle.value(), trust.value()))
        if (!c.passed)
            return {false, TrackingCodeLookup::tr(
                               "The bundle does not verify (%1 %2: %3); nothing written.")
                               .arg(q(c.id), q(c.name), q(c.detail))};
    const std::string json = bridge::proof_bundle_to_json(bundle.value());
    std::error_code ec;
    std::filesystem::remove(out, ec);  // replace an earlier export of the user's choosing
    if (auto written = crypto::write_new_file(out, json, 0644); !written)
        return {false, q(written.error().message)};
    return {true, TrackingCodeLookup::tr("Wrote the proof bundle to %1 (checks P1–P11 passed; "
                                         "`psephos proof verify` checks it).")
                      .arg(path)};
}

}  // namespace

TrackingCodeLookup::TrackingCodeLookup(QObject* parent) : QObject(parent) {}

void TrackingCodeLookup::setRecord(const QString& path) { m_path = path; }

void TrackingCodeLookup::clear() {
    m_query.clear();
    m_searching = m_found = m_challenged = false;
    m_district.clear();
    m_index = 0;
    m_text.clear();
    emit changed();
}

void TrackingCodeLookup::lookup(const QString& code) {
    clear();
    m_query = code;
    auto prefix = election::parse_tracking_code(code.toStdString());
    if (!prefix) {
        m_text = tr("Not a tracking code: %1").arg(q(prefix.error().message));
        emit changed();
        return;
    }
    if (m_path.isEmpty()) {
        m_text = tr("Open a record first.");
        emit changed();
        return;
    }
    m_searching = true;
    m_text = tr("Searching the district logs for %1…").arg(code);
    emit changed();
    const QString path = m_path;
    const std::array<std::uint8_t, 20> wanted = prefix.value();
    auto* watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, code] {
        const Found r = watcher->result();
        watcher->deleteLater();
        if (m_query != code) return;  // superseded
        m_searching = false;
        m_found = r.found;
        if (r.found) {
            m_challenged = r.challenged;
            m_district = r.district;
            m_index = r.index;
            m_text = r.challenged ? tr("%1 is a challenged ballot (published with its nonces, "
                                       "never counted), record %2#%3.")
                                        .arg(code, r.district)
                                        .arg(r.index)
                                  : tr("%1 is a cast ballot in district %2, record %2#%3.")
                                        .arg(code, r.district)
                                        .arg(r.index);
        } else if (!r.error.isEmpty()) {
            m_text = tr("The record's logs cannot be searched for %1: %2").arg(code, r.error);
        } else {
            m_text = tr("%1 is not in this record.").arg(code);
        }
        emit changed();
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(),
                                         [path, wanted] { return scan(path, wanted); }));
}

void TrackingCodeLookup::exportProofBundle(const QString& code, const QString& path) {
    if (m_path.isEmpty()) {
        emit proofBundleExported(false, tr("Open a record first."));
        return;
    }
    const std::filesystem::path dir = m_path.toStdString();
    const std::string code_text = code.toStdString();
    const std::filesystem::path out = path.toStdString();
    auto* watcher = new QFutureWatcher<Exported>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const Exported r = watcher->result();
        watcher->deleteLater();
        emit message(r.text);
        emit proofBundleExported(r.ok, r.text);
    });
    watcher->setFuture(QtConcurrent::run(
        QThreadPool::globalInstance(),
        [dir, code_text, out, path] { return write_proof_bundle(dir, code_text, out, path); }));
}

}  // namespace psephos::ui
