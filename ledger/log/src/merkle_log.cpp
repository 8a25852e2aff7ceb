// One log of the ledger's database: staging appends, adopting them once durable, and rebuilding
// and checking the log on reopen.
#include "merkle_log.hpp"

#include <map>

namespace psephos::ledger::detail {

namespace {

Bytes u64_bytes(std::uint64_t v) {
    Bytes out;
    append_u64_be(out, v);
    return out;
}

}  // namespace

MerkleLog::MerkleLog(std::uint32_t id, std::string name, std::string origin,
                     std::unique_ptr<const crypto::Ed25519Signer> signer,
                     election::NoteVerifierKey verifier)
    : id_(id),
      name_(std::move(name)),
      origin_(std::move(origin)),
      signer_(std::move(signer)),
      verifier_(std::move(verifier)) {}

std::string MerkleLog::where() const {
    if (id_ == election_log_id) return "election log";
    if (id_ == event_log_id) return "event log";
    if (id_ == bridge_log_id) return "bridge log";
    return "district '" + name_ + "'";
}

Result<MerkleLog::Append> MerkleLog::stage(LedgerStore& store, rocksdb::WriteBatch& batch,
                                           std::span<const Bytes> entries) const {
    if (!signer_) throw std::logic_error("MerkleLog::stage on a read-only ledger");
    Append append;
    {
        std::lock_guard lock(mutex_);
        append.tree = tree_;
    }
    append.first_index = append.tree.size();
    for (const Bytes& entry : entries) {
        const std::uint64_t index = append.tree.size();
        const Hash32 leaf = crypto::hash_merkle_leaf(entry);
        const std::string key = log_key(id_, index);
        store.put(batch, Family::entries, key, entry);
        store.put(batch, Family::leaves, key, leaf.span());
        append.tree.append_leaf_hash(leaf);
        append.leaf_hashes.push_back(leaf);
    }
    const election::Checkpoint checkpoint{origin_, append.tree.size(), append.tree.root(), {}};
    auto note = election::sign_note(checkpoint.to_text(), origin_, *signer_);
    if (!note) {
        return note.error().within(where() + ": cannot sign the checkpoint of size " +
                                   std::to_string(append.tree.size()));
    }
    append.signed_checkpoint = std::move(note).value();
    store.put(batch, Family::checkpoints, log_key(id_, append.tree.size()),
              as_bytes(append.signed_checkpoint));
    store.put(batch, Family::meta, meta_key("log-size", id_), u64_bytes(append.tree.size()));
    return append;
}

void MerkleLog::adopt(Append&& append) {
    std::lock_guard lock(mutex_);
    tree_ = std::move(append.tree);
    signed_checkpoint_ = std::move(append.signed_checkpoint);
    if (!append.leaf_hashes.empty()) last_leaf_hash_ = append.leaf_hashes.back();
}

Status MerkleLog::load(const LedgerStore& store,
                       const std::function<Status(std::uint64_t, ByteSpan)>& visit) {
    auto fail = [&](ErrorCode code, const std::string& reason) {
        return make_error(code, where() + ": " + reason);
    };
    auto size_bytes = store.get(Family::meta, meta_key("log-size", id_));
    if (!size_bytes) return size_bytes.error().within(where());
    std::uint64_t size = 0;
    if (size_bytes.value()) {
        const Bytes& b = *size_bytes.value();
        if (b.size() != 8) return fail(ErrorCode::corrupted, "the stored size is not 8 bytes");
        for (const std::uint8_t byte : b) size = (size << 8) | byte;
    }

    // Signed checkpoints first: each must verify under the log's key and name this log; their
    // roots are compared as the tree is rebuilt.
    std::map<std::uint64_t, std::pair<Hash32, std::string>> checkpoints;
    if (auto ok = store.scan(
            Family::checkpoints, id_,
            [&](std::uint64_t tree_size, ByteSpan value) -> Status {
                const std::string note(value.begin(), value.end());
                const std::string at = "checkpoint of size " + std::to_string(tree_size);
                auto text = election::open_note(note, verifier_);
                if (!text) return fail(ErrorCode::corrupted, at + ": " + text.error().message);
                auto checkpoint = election::Checkpoint::parse(text.value());
                if (!checkpoint)
                    return fail(ErrorCode::corrupted, at + ": " + checkpoint.error().message);
                if (checkpoint.value().origin != origin_ || checkpoint.value().size != tree_size) {
                    return fail(ErrorCode::corrupted,
                                at + ": signed for origin '" + checkpoint.value().origin +
                                    "' and size " + std::to_string(checkpoint.value().size));
                }
                if (tree_size == 0 || tree_size > size) {
                    return fail(ErrorCode::corrupted,
                                at + ": outside the log's size " + std::to_string(size));
                }
                checkpoints.emplace(tree_size, std::make_pair(checkpoint.value().root, note));
                return {};
            });
        !ok) {
        return ok;
    }
    if (size > 0 && !checkpoints.contains(size)) {
        return fail(ErrorCode::corrupted,
                    "no signed checkpoint for the log's size " + std::to_string(size));
    }

    std::vector<Hash32> stored_leaves;
    stored_leaves.reserve(static_cast<std::size_t>(size));
    if (auto ok = store.scan(
            Family::leaves, id_,
            [&](std::uint64_t index, ByteSpan value) -> Status {
                if (index != stored_leaves.size() || index >= size) {
                    return fail(ErrorCode::corrupted,
                                "leaf hash " + std::to_string(index) + " is out of place");
                }
                auto leaf = Hash32::from_bytes(value);
                if (!leaf)
                    return fail(ErrorCode::corrupted,
                                "leaf hash " + std::to_string(index) + " is not 32 bytes");
                stored_leaves.push_back(leaf.value());
                return {};
            });
        !ok) {
        return ok;
    }
    if (stored_leaves.size() != size) {
        return fail(ErrorCode::corrupted,
                    "leaf hash " + std::to_string(stored_leaves.size()) + " is missing");
    }

    crypto::MerkleTreeBuilder tree;
    if (auto ok = store.scan(
            Family::entries, id_,
            [&](std::uint64_t index, ByteSpan entry) -> Status {
                const std::string at = "record " + std::to_string(index);
                if (index != tree.size() || index >= size) {
                    return fail(ErrorCode::corrupted, at + ": out of place (expected record " +
                                                          std::to_string(tree.size()) + " of " +
                                                          std::to_string(size) + ")");
                }
                const Hash32 leaf = crypto::hash_merkle_leaf(entry);
                if (!(leaf == stored_leaves[static_cast<std::size_t>(index)])) {
                    return fail(ErrorCode::corrupted,
                                at + ": its hash does not match the stored leaf hash; "
                                     "the record was modified");
                }
                tree.append_leaf_hash(leaf);
                if (auto it = checkpoints.find(tree.size());
                    it != checkpoints.end() && !(it->second.first == tree.root())) {
                    return fail(ErrorCode::corrupted,
                                "the signed checkpoint of size " + std::to_string(tree.size()) +
                                    " does not match the records up to " + at);
                }
                return visit(index, entry);
            });
        !ok) {
        return ok;
    }
    if (tree.size() != size) {
        return fail(ErrorCode::corrupted, "record " + std::to_string(tree.size()) +
                                              " is missing (the log has " + std::to_string(size) +
                                              ")");
    }
    std::lock_guard lock(mutex_);
    tree_ = std::move(tree);
    signed_checkpoint_ = size > 0 ? checkpoints.at(size).second : std::string();
    last_leaf_hash_ = size > 0 ? stored_leaves.back() : Hash32{};
    return {};
}

std::uint64_t MerkleLog::size() const {
    std::lock_guard lock(mutex_);
    return tree_.size();
}

Hash32 MerkleLog::root() const {
    std::lock_guard lock(mutex_);
    return tree_.root();
}

std::string MerkleLog::signed_checkpoint() const {
    std::lock_guard lock(mutex_);
    return signed_checkpoint_;
}

Hash32 MerkleLog::last_leaf_hash() const {
    std::lock_guard lock(mutex_);
    return last_leaf_hash_;
}

LogStatus MerkleLog::status() const {
    std::lock_guard lock(mutex_);
    return LogStatus{name_, origin_, tree_.size(), tree_.root(), signed_checkpoint_, verifier_};
}

Result<std::vector<Hash32>> MerkleLog::leaf_hashes(const LedgerStore& store,
                                                   std::uint64_t size) const {
    std::vector<Hash32> leaves;
    leaves.reserve(static_cast<std::size_t>(size));
    auto ok = store.scan(Family::leaves, id_, [&](std::uint64_t index, ByteSpan value) -> Status {
        if (index >= size) return {};
        if (index != leaves.size()) {
            return make_error(ErrorCode::corrupted, where() + ": leaf hash " +
                                                        std::to_string(index) + " is out of place");
        }
        auto leaf = Hash32::from_bytes(value);
        if (!leaf) return leaf.error().within(where());
        leaves.push_back(leaf.value());
        return {};
    });
    if (!ok) return ok.error();
    if (leaves.size() != size) {
        return make_error(ErrorCode::corrupted,
                          where() + ": leaf hash " + std::to_string(leaves.size()) + " is missing");
    }
    return leaves;
}

}  // namespace psephos::ledger::detail
