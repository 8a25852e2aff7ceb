// The ledger's queries: logs by name, their records and stored checkpoints, inclusion and
// consistency proofs (RFC 9162), the counters, and the anchors of the bridge log. They read
// committed state only and are safe from any thread.
#include "ledger_impl.hpp"
#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::ledger {

using detail::Family;

Result<Bytes> Ledger::Impl::record(std::size_t d, std::uint64_t index) const {
    const MerkleLog& l = *district_logs.at(d);
    auto value = store->get(Family::entries, detail::log_key(l.id(), index));
    if (!value) return value.error();
    if (!value.value()) {
        return make_error(ErrorCode::corrupted, "log '" + l.name() + "': record " +
                                                    std::to_string(index) + " is missing");
    }
    return std::move(*value.value());
}

Result<const detail::MerkleLog*> Ledger::Impl::find_log(std::string_view name) const {
    if (name == election_log_name) return election_log.get();
    if (name == event_log_name) return event_log.get();
    if (name == bridge_log_name) return bridge_log.get();
    if (auto it = district_index.find(name); it != district_index.end())
        return district_logs[it->second].get();
    return make_error(ErrorCode::not_found, "no log '" + std::string(name) + "' (a district id, " +
                                                std::string(election_log_name) + ", " +
                                                std::string(event_log_name) + " or " +
                                                std::string(bridge_log_name) + ")");
}

Result<Bytes> Ledger::Impl::read_record(std::string_view log, std::uint64_t index) const {
    auto found = find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (index >= l.size()) {
        return make_error(ErrorCode::not_found, "log '" + l.name() + "' has " +
                                                    std::to_string(l.size()) +
                                                    " records, no record " + std::to_string(index));
    }
    auto value = store->get(Family::entries, detail::log_key(l.id(), index));
    if (!value) return value.error();
    if (!value.value()) {
        return make_error(ErrorCode::corrupted, "log '" + l.name() + "': record " +
                                                    std::to_string(index) + " is missing");
    }
    return std::move(*value.value());
}

Result<std::vector<std::pair<std::uint64_t, std::string>>> Ledger::Impl::checkpoints(
    std::string_view log) const {
    auto found = find_log(log);
    if (!found) return found.error();
    const std::uint64_t size = found.value()->size();
    std::vector<std::pair<std::uint64_t, std::string>> out;
    auto ok = store->scan(Family::checkpoints, found.value()->id(),
                          [&](std::uint64_t s, ByteSpan v) -> Status {
                              if (s <= size) out.emplace_back(s, std::string(v.begin(), v.end()));
                              return {};
                          });
    if (!ok) return ok.error();
    return out;
}

Result<std::vector<Hash32>> Ledger::Impl::prove_inclusion(std::string_view log, std::uint64_t index,
                                                          std::uint64_t tree_size) const {
    auto found = find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (tree_size > l.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "log '" + l.name() + "' has " + std::to_string(l.size()) +
                              " records, not " + std::to_string(tree_size));
    }
    auto leaves = l.leaf_hashes(*store, tree_size);
    if (!leaves) return leaves.error();
    return crypto::prove_inclusion(leaves.value(), index);
}

Result<std::vector<Hash32>> Ledger::Impl::prove_consistency(std::string_view log,
                                                            std::uint64_t old_size,
                                                            std::uint64_t new_size) const {
    auto found = find_log(log);
    if (!found) return found.error();
    const MerkleLog& l = *found.value();
    if (new_size > l.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "log '" + l.name() + "' has " + std::to_string(l.size()) +
                              " records, not " + std::to_string(new_size));
    }
    auto leaves = l.leaf_hashes(*store, new_size);
    if (!leaves) return leaves.error();
    return crypto::prove_consistency(leaves.value(), old_size);
}

LedgerStatistics Ledger::Impl::statistics() const {
    return {store->synced_writes(), records_appended.load(), records_rejected.load(),
            events_appended.load(), sequencer_runs.load()};
}

election::AnchorBook::ElectionRootLookup Ledger::Impl::election_root_lookup() const {
    return [this](std::uint64_t size) -> Result<Hash32> {
        auto stored =
            store->get(Family::checkpoints, detail::log_key(detail::election_log_id, size));
        if (!stored) return stored.error();
        if (!stored.value()) {
            return make_error(ErrorCode::not_found,
                              "the election log has no checkpoint of size " + std::to_string(size));
        }
        const std::string note(stored.value()->begin(), stored.value()->end());
        auto text = election::open_note(note, election_log->verifier());
        if (!text) return text.error().within("stored election checkpoint");
        auto checkpoint = election::Checkpoint::parse(text.value());
        if (!checkpoint) return checkpoint.error().within("stored election checkpoint");
        return checkpoint.value().root;
    };
}

}  // namespace psephos::ledger
