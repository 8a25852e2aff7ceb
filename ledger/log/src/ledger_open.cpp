// Creating and opening a ledger: its logs and their verifier keys, its modules, and the checks on
// reopen (docs/ledger.md §5, §6).

#include "ledger_impl.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/log_origin.hpp"
#include "psephos/election/tally_recomputation.hpp"
#include "storage_faults.hpp"

namespace psephos::ledger {

using detail::Family;

namespace {

// The environment the store goes through: the default, or one that fails on demand (tests).
std::shared_ptr<rocksdb::Env> storage_env_of(const LedgerOptions& options) {
    if (!options.storage_faults) return nullptr;
    return detail::storage_env(*options.storage_faults);
}

std::unique_ptr<Ledger::Impl> make_impl(const LedgerOptions& options,
                                        std::optional<LedgerKey> key) {
    auto impl = std::make_unique<Ledger::Impl>();
    impl->options = options;
    if (impl->options.max_batch == 0) impl->options.max_batch = 1;
    impl->key = std::move(key);
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    impl->pool = std::make_unique<detail::TaskPool>(threads);
    return impl;
}

}  // namespace

Result<std::unique_ptr<Ledger::Impl>> Ledger::Impl::create(
    const LedgerOptions& options, const election::ElectionContext& election,
    const election::ElectionApproval& approval, LedgerKey key) {
    // No ledger for an election the authority did not approve: its key authorises the devices.
    if (auto ok = election::verify_election_approval(approval, election.base_hash); !ok)
        return ok.error();
    auto impl = make_impl(options, std::move(key));
    impl->election = election;
    impl->approval = approval;
    auto store = detail::LedgerStore::open(options.directory, true, false, storage_env_of(options));
    if (!store) return store.error();
    impl->store = std::move(store).value();
    rocksdb::WriteBatch batch;
    impl->store->put(batch, Family::meta, "format", as_bytes(detail::ledger_format));
    impl->store->put(batch, Family::meta, "manifest",
                     as_bytes(election::manifest_to_json(election.manifest)));
    impl->store->put(batch, Family::meta, "base-hash", election.base_hash.span());
    impl->store->put(batch, Family::meta, "authority-approval",
                     election::encode_election_approval(approval));
    if (auto ok = impl->set_up_logs(true, &batch); !ok) return ok.error();
    impl->key->forget_pin();  // every log's signer is open
    const election::ElectionManifest& m = election.manifest;
    if (auto ok = impl->commit(
            batch, {{election::EventType::configuration_changed,
                     election::ActorRole::election_official, election::Disposition::success, "",
                     "ledger created for election '" + m.election_id + "' (" +
                         std::to_string(m.districts.size()) + " districts)"},
                    {election::EventType::key_changed, election::ActorRole::election_official,
                     election::Disposition::success, "",
                     "ledger key installed; election log verifier " +
                         impl->election_log->verifier().to_text()},
                    {election::EventType::key_changed, election::ActorRole::election_official,
                     election::Disposition::success, "",
                     "election approved by authority " +
                         election::authority_key_text(approval.authority_key)},
                    {election::EventType::ledger_started, election::ActorRole::system,
                     election::Disposition::success, "", ""}});
        !ok) {
        return ok.error();
    }
    return impl;
}

Result<std::unique_ptr<Ledger::Impl>> Ledger::Impl::open(const LedgerOptions& options,
                                                         std::optional<LedgerKey> key) {
    const bool read_only = !key.has_value();
    auto impl = make_impl(options, std::move(key));
    auto store =
        detail::LedgerStore::open(options.directory, false, read_only, storage_env_of(options));
    if (!store) return store.error();
    impl->store = std::move(store).value();
    auto election = impl->read_election();
    if (!election) return election.error();
    impl->election = std::move(election).value();
    auto stored_approval = impl->read_approval();
    if (!stored_approval) return stored_approval.error();
    impl->approval = std::move(stored_approval).value();
    const std::string where = "ledger " + options.directory.string();
    if (auto ok = impl->set_up_logs(false, nullptr); !ok) return ok.error().within(where);
    if (impl->key) impl->key->forget_pin();  // every log's signer is open
    if (auto ok = impl->load_all(); !ok) return ok.error().within(where);
    if (!read_only) {
        if (auto ok = impl->write_events(
                {{election::EventType::ledger_started, election::ActorRole::system,
                  election::Disposition::success, "", "reopened; every log checked"}});
            !ok) {
            return ok.error();
        }
    }
    return impl;
}

Result<election::ElectionContext> Ledger::Impl::read_election() const {
    const std::string where = "ledger " + options.directory.string();
    auto meta = [&](std::string_view name) -> Result<std::string> {
        auto value = store->get(Family::meta, name);
        if (!value) return value.error();
        if (!value.value())
            return make_error(ErrorCode::corrupted,
                              where + ": no '" + std::string(name) + "' entry");
        return std::string(value.value()->begin(), value.value()->end());
    };
    auto format = meta("format");
    if (!format) return format.error();
    if (format.value() != detail::ledger_format) {
        return make_error(ErrorCode::invalid_encoding,
                          where + ": format '" + format.value() + "', expected '" +
                              std::string(detail::ledger_format) + "'");
    }
    auto manifest_json = meta("manifest");
    if (!manifest_json) return manifest_json.error();
    auto manifest = election::parse_manifest(manifest_json.value());
    if (!manifest) return manifest.error().within(where + ": stored manifest");
    auto context = election::make_election_context(std::move(manifest).value());
    if (!context) return context.error().within(where + ": stored manifest");
    auto base_hash = meta("base-hash");
    if (!base_hash) return base_hash.error();
    auto stored_hash = Hash32::from_bytes(as_bytes(base_hash.value()));
    if (!stored_hash || !(stored_hash.value() == context.value().base_hash)) {
        return make_error(ErrorCode::corrupted,
                          where + ": the stored base hash is not the manifest's");
    }
    return context;
}

Result<election::ElectionApproval> Ledger::Impl::read_approval() const {
    const std::string where = "ledger " + options.directory.string();
    auto value = store->get(Family::meta, "authority-approval");
    if (!value) return value.error();
    if (!value.value())
        return make_error(ErrorCode::corrupted, where + ": no 'authority-approval' entry");
    auto stored = election::decode_election_approval(*value.value());
    if (!stored) return stored.error().within(where + ": stored authority approval");
    if (auto ok = election::verify_election_approval(stored.value(), election.base_hash); !ok)
        return ok.error().within(where);
    return stored;
}

// ---- the logs and the modules ---------------------------------------------------------------

Result<std::unique_ptr<detail::MerkleLog>> Ledger::Impl::make_log(bool creating,
                                                                  rocksdb::WriteBatch* batch,
                                                                  std::uint32_t id,
                                                                  std::string name,
                                                                  std::string origin) const {
    const std::string where = id == detail::election_log_id ? "election log"
                              : id == detail::event_log_id  ? "event log"
                              : id == detail::bridge_log_id ? "bridge log"
                                                            : "district '" + name + "'";
    // The log's signer: a key derived from the key file's, or the log's own key in a token.
    std::unique_ptr<crypto::Ed25519Signer> signer;
    if (key) {
        auto opened = key->open_log_signer(origin);
        if (!opened) return opened.error().within(where);
        signer = std::move(opened).value();
    }
    election::NoteVerifierKey verifier;
    if (creating) {
        verifier = election::NoteVerifierKey::of(origin, signer->public_key());
        store->put(*batch, Family::meta, detail::meta_key("verifier", id),
                   as_bytes(verifier.to_text()));
    } else {
        auto stored = store->get(Family::meta, detail::meta_key("verifier", id));
        if (!stored) return stored.error().within(where);
        if (!stored.value())
            return make_error(ErrorCode::corrupted, where + ": no verifier key stored");
        const Bytes& text = *stored.value();
        auto parsed = election::NoteVerifierKey::parse(std::string(text.begin(), text.end()));
        if (!parsed) return parsed.error().within(where + ": stored verifier key");
        verifier = std::move(parsed).value();
        if (verifier.name != origin) {
            return make_error(ErrorCode::corrupted,
                              where + ": stored verifier key is for '" + verifier.name + "'");
        }
        // A key of another ledger (a swapped key file or token) must not sign this one's logs.
        if (signer && !(signer->public_key() == verifier.key)) {
            if (key->in_token()) {
                return make_error(ErrorCode::verification_failed,
                                  where + ": " + key->describe_log_key(origin) +
                                      " is not the key this ledger has on record for the log (" +
                                      verifier.to_text() + "): a token of another ledger?");
            }
            return make_error(ErrorCode::verification_failed,
                              where + ": the ledger key given is not this ledger's key");
        }
    }
    return std::make_unique<MerkleLog>(id, std::move(name), std::move(origin), std::move(signer),
                                       std::move(verifier));
}

Status Ledger::Impl::set_up_logs(bool creating, rocksdb::WriteBatch* batch) {
    const election::ElectionManifest& m = election.manifest;
    for (std::size_t d = 0; d < m.districts.size(); ++d) {
        const std::string& id = m.districts[d].id;
        auto log = make_log(creating, batch, static_cast<std::uint32_t>(d), id,
                            election::district_origin(m.election_id, id));
        if (!log) return log.error();
        district_logs.push_back(std::move(log).value());
        district_index.emplace(id, d);
        queues.push_back(std::make_unique<detail::DistrictQueue>());
    }
    published.assign(m.districts.size(), 0);
    auto e = make_log(creating, batch, detail::election_log_id, std::string(election_log_name),
                      m.election_id + "/election");
    if (!e) return e.error();
    election_log = std::move(e).value();
    auto v = make_log(creating, batch, detail::event_log_id, std::string(event_log_name),
                      m.election_id + "/events");
    if (!v) return v.error();
    event_log = std::move(v).value();
    auto b = make_log(creating, batch, detail::bridge_log_id, std::string(bridge_log_name),
                      m.election_id + "/bridge");
    if (!b) return b.error();
    bridge_log = std::move(b).value();
    bridge = std::make_unique<BridgeLogModule>(election.base_hash, election_root_lookup());

    casting = std::make_unique<CastingModule>(election, approval.authority_key);
    tallying = std::make_unique<TallyingModule>(election, *casting, *this);
    modules = {casting.get(), tallying.get()};
    for (LedgerModule* module : modules) {
        for (const election::RecordType type : module->record_types())
            module_by_type.emplace(type, module);
    }
    return {};
}

// ---- the checks on reopen (docs/ledger.md §6) -----------------------------------------------

Status Ledger::Impl::load_all() {
    if (auto ok = load_district_logs(); !ok) return ok;
    if (auto ok = load_election_log(); !ok) return ok;
    if (auto ok = load_bridge_log(); !ok) return ok;
    return load_event_log();
}

// District logs in parallel, each replayed through the modules in log order.
Status Ledger::Impl::load_district_logs() {
    return crypto::run_each(pool->pool(), district_logs.size(),
                            [this](std::size_t d) -> Status { return load_district_log(d); });
}

// One district log, replayed through the modules. A stored tally is not trusted: the cast
// ballots before it are summed again as they are replayed, and a tally that is not their sum (or
// not of the log before it) is refused (docs/ledger.md §6, docs/tally.md §2).
Status Ledger::Impl::load_district_log(std::size_t d) {
    const std::string& name = district_logs[d]->name();
    auto recomputation =
        election::TallyRecomputation::create(election, name, election::BallotChecks::none);
    bool tallied = false;
    return district_logs[d]->load(*store, [&](std::uint64_t index, ByteSpan record) -> Status {
        const std::string at = "district '" + name + "': record " + std::to_string(index);
        if (record.empty()) return make_error(ErrorCode::corrupted, at + ": empty");
        const auto type = static_cast<election::RecordType>(record[0]);
        auto it = module_by_type.find(type);
        if (it == module_by_type.end()) {
            return make_error(
                ErrorCode::corrupted,
                at + ": record type " + std::to_string(record[0]) + " belongs to no module");
        }
        if (auto ok = it->second->restore(d, index, record); !ok) return ok.error().within(at);
        if (tallied) return {};
        if (type != election::RecordType::district_tally) {
            if (!recomputation) return {};  // a district without a ballot style has no tally
            if (auto ok = recomputation.value().add_record(record); !ok)
                return make_error(ErrorCode::corrupted, at + ": " + ok.error().message);
            return {};
        }
        tallied = true;
        if (!recomputation) return recomputation.error().within(at);
        auto stored = election::decode_district_tally(record);
        if (!stored) return stored.error().within(at);
        if (auto ok = election::check_tally_matches(stored.value(), recomputation.value().finish());
            !ok) {
            return make_error(ErrorCode::corrupted,
                              at + ": the stored tally is not its log's: " + ok.error().message);
        }
        return {};
    });
}

// The election log: every leaf a district checkpoint that verifies, is stored for its district,
// and grows it.
Status Ledger::Impl::load_election_log() {
    return election_log->load(*store, [&](std::uint64_t index, ByteSpan record) -> Status {
        const std::string at = "election log: record " + std::to_string(index);
        auto entry = election::decode_district_checkpoint(record);
        if (!entry) return make_error(ErrorCode::corrupted, at + ": " + entry.error().message);
        auto d = district_index.find(entry.value().district_id);
        if (d == district_index.end()) {
            return make_error(ErrorCode::corrupted,
                              at + ": unknown district '" + entry.value().district_id + "'");
        }
        const MerkleLog& log = *district_logs[d->second];
        auto text = election::open_note(entry.value().signed_checkpoint, log.verifier());
        if (!text) return make_error(ErrorCode::corrupted, at + ": " + text.error().message);
        auto checkpoint = election::Checkpoint::parse(text.value());
        if (!checkpoint)
            return make_error(ErrorCode::corrupted, at + ": " + checkpoint.error().message);
        const std::uint64_t size = checkpoint.value().size;
        auto stored = store->get(Family::checkpoints, detail::log_key(log.id(), size));
        if (!stored) return stored.error().within(at);
        if (!stored.value() || std::string(stored.value()->begin(), stored.value()->end()) !=
                                   entry.value().signed_checkpoint) {
            return make_error(ErrorCode::corrupted, at + ": district '" + log.name() +
                                                        "' has no such stored checkpoint of size " +
                                                        std::to_string(size));
        }
        if (size <= published[d->second]) {
            return make_error(
                ErrorCode::corrupted,
                at + ": district '" + log.name() + "' does not grow since its previous checkpoint");
        }
        published[d->second] = size;
        return {};
    });
}

// The bridge log: every record admitted again, in order, by its module's anchor book.
Status Ledger::Impl::load_bridge_log() {
    return bridge_log->load(*store, [&](std::uint64_t index, ByteSpan record) -> Status {
        if (auto ok = bridge->restore(0, index, record); !ok) {
            return make_error(ErrorCode::corrupted, "bridge log: record " + std::to_string(index) +
                                                        ": " + ok.error().message);
        }
        return {};
    });
}

// The event log: a hash chain numbered from 0.
Status Ledger::Impl::load_event_log() {
    Hash32 previous{};
    return event_log->load(*store, [&](std::uint64_t index, ByteSpan record) -> Status {
        const std::string at = "event log: event " + std::to_string(index);
        auto event = election::decode_ledger_event(record);
        if (!event) return make_error(ErrorCode::corrupted, at + ": " + event.error().message);
        if (event.value().sequence != index) {
            return make_error(ErrorCode::corrupted,
                              at + ": numbered " + std::to_string(event.value().sequence));
        }
        if (!(event.value().previous_event_hash == previous)) {
            return make_error(ErrorCode::corrupted, at + ": does not chain to the event before it");
        }
        previous = crypto::hash_merkle_leaf(record);
        return {};
    });
}

}  // namespace psephos::ledger
