#include "guardian_step.hpp"

#include <sodium.h>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <optional>

#include "psephos/election/guardian_key_file.hpp"
#include "psephos/ledger/guardian_decryption.hpp"
#include "utf8_text.hpp"

namespace psephos::ui {
namespace {

struct Outcome {
    bool ok = false;
    QString summary;
    std::vector<GuardianStep::Row> rows;
};

// One district's outcome as a row; counts the decrypted and refused ones.
GuardianStep::Row row_of(const ledger::GuardianDistrictOutcome& o, int& decrypted, int& refused) {
    using State = ledger::GuardianDistrictOutcome::State;
    GuardianStep::Row row{q(o.district_id), GuardianStep::NoTally, {}};
    switch (o.state) {
        case State::decrypted:
            ++decrypted;
            row.state = GuardianStep::Decrypted;
            row.text = GuardianStep::tr(
                           "decrypted: %1 partial decryptions with their proofs, "
                           "record %2")
                           .arg(o.partial_decryptions)
                           .arg(o.record_index);
            break;
        case State::no_tally:
        case State::prepared:  // never left so: every prepared record is submitted
            row.text =
                GuardianStep::tr("no tally yet (polls still open, or the tally was not run)");
            break;
        case State::already_decrypted:
            row.state = GuardianStep::AlreadyDecrypted;
            row.text = GuardianStep::tr("already decrypted by this guardian");
            break;
        case State::has_result:
            row.state = GuardianStep::HasResult;
            row.text = GuardianStep::tr("the result is already recorded");
            break;
        case State::refused:
            ++refused;
            row.state = GuardianStep::Refused;
            row.text = GuardianStep::tr("refused by the ledger: %1").arg(q(o.error));
            break;
        case State::tally_mismatch:
            ++refused;
            row.state = GuardianStep::TallyMismatch;
            row.text =
                GuardianStep::tr("not decrypted, the tally is not its log's: %1").arg(q(o.error));
            break;
        case State::unauthorised_device:
            ++refused;
            row.state = GuardianStep::UnauthorisedDevice;
            row.text = GuardianStep::tr("not decrypted: %1").arg(q(o.error));
            break;
    }
    return row;
}

Outcome decrypt_tallies(const std::shared_ptr<std::string>& secret,
                        const std::filesystem::path& key_path, const std::filesystem::path& data) {
    std::optional<std::string> pass;
    if (!secret->empty()) pass = *secret;
    auto key = election::read_guardian_key_file(key_path, pass);
    if (pass) sodium_memzero(pass->data(), pass->size());
    sodium_memzero(secret->data(), secret->size());
    if (!key) return {false, q(key.error().message), {}};
    auto ledger_key = ledger::LedgerKey::read_file(data / "ledger.key");
    if (!ledger_key) return {false, q(ledger_key.error().message), {}};
    ledger::LedgerOptions options;
    options.directory = data / "ledger";
    auto opened = ledger::Ledger::open(options, std::move(ledger_key).value());
    if (!opened) return {false, q(opened.error().message), {}};
    auto outcomes = ledger::decrypt_tallies_as_guardian(*opened.value(), key.value());
    if (!outcomes)
        return {
            false, q(key_path.string()) + QStringLiteral(": ") + q(outcomes.error().message), {}};
    Outcome out{true, {}, {}};
    int decrypted = 0, refused = 0;
    for (const auto& o : outcomes.value()) {
        const int refused_before = refused;
        out.rows.push_back(row_of(o, decrypted, refused));
        if (refused != refused_before) out.ok = false;
    }
    out.summary = GuardianStep::tr(
                      "Guardian %1: %2 district tallies decrypted and recorded, %3 "
                      "refused.")
                      .arg(key.value().index)
                      .arg(decrypted)
                      .arg(refused);
    return out;  // the ledger closes here, on the worker thread
}

}  // namespace

QVariant GuardianStep::Row::value(int role) const {
    switch (role) {
        case DistrictRole:
            return district;
        case StateRole:
            return static_cast<int>(state);
        case TextRole:
            return text;
        default:
            return {};
    }
}

GuardianStep::GuardianStep(QObject* parent) : QObject(parent) {}

void GuardianStep::decrypt(const QString& key_file, const QString& passphrase,
                           const QString& data_dir) {
    if (m_busy) return;
    m_busy = true;
    m_outcome.setRows({});
    m_summary = tr("Decrypting…");
    emit changed();
    // The passphrase goes into a std::string the worker wipes; the QString copy is the caller's.
    auto secret = std::make_shared<std::string>(passphrase.toStdString());
    const std::filesystem::path key_path = key_file.toStdString();
    const std::filesystem::path data = data_dir.toStdString();
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        Outcome r = watcher->result();
        watcher->deleteLater();
        m_busy = false;
        m_outcome.setRows(std::move(r.rows));
        m_summary = r.summary;
        emit changed();
        emit message(r.summary);
        emit finished(r.ok);
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(), [secret, key_path, data] {
        return decrypt_tallies(secret, key_path, data);
    }));
}

}  // namespace psephos::ui
