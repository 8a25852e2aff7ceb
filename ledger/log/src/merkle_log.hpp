// One append-only log in the ledger's database (a district log, the election log or the event
// log): its RFC 9162 tree, its key and its latest signed checkpoint. Appends are staged into a
// WriteBatch (entries, leaf hashes, the new size and the signed checkpoint of the new tree) and
// adopted only after the batch is durable, so a failed write leaves the log as it was.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ledger_store.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::ledger::detail {

class MerkleLog {
public:
    struct Append {
        crypto::MerkleTreeBuilder tree;
        std::uint64_t first_index = 0;
        std::vector<Hash32> leaf_hashes;
        std::string signed_checkpoint;
    };

    MerkleLog(std::uint32_t id, std::string name, std::string origin,
              std::unique_ptr<const crypto::Ed25519Signer> signer,
              election::NoteVerifierKey verifier);

    std::uint32_t id() const { return id_; }
    const std::string& name() const { return name_; }
    const std::string& origin() const { return origin_; }
    const election::NoteVerifierKey& verifier() const { return verifier_; }

    // Writes the entries, their leaf hashes, the new size and a signed checkpoint into `batch`.
    // Requires a signer (a writable ledger). Only the log's one writer calls it. Fails only when
    // the signer does (a token removed or logged out); `batch` must then be dropped.
    Result<Append> stage(LedgerStore& store, rocksdb::WriteBatch& batch,
                         std::span<const Bytes> entries) const;
    // The batch holding `append` is durable.
    void adopt(Append&& append);

    // Rebuilds and checks the log from the store (docs/ledger.md §6); calls visit(index, entry)
    // for every entry in order, after its hash checked. Errors name the log and the index.
    Status load(const LedgerStore& store,
                const std::function<Status(std::uint64_t, ByteSpan)>& visit);

    std::uint64_t size() const;
    Hash32 root() const;
    std::string signed_checkpoint() const;
    Hash32 last_leaf_hash() const;  // all-zero for an empty log
    LogStatus status() const;

    // The leaf hashes of the first `size` entries, read from the store.
    Result<std::vector<Hash32>> leaf_hashes(const LedgerStore& store, std::uint64_t size) const;

private:
    std::string where() const;

    const std::uint32_t id_;
    const std::string name_;
    const std::string origin_;
    // The log's key, in this process or in a token (docs/keys.md); null when read-only.
    const std::unique_ptr<const crypto::Ed25519Signer> signer_;
    const election::NoteVerifierKey verifier_;

    mutable std::mutex mutex_;  // guards the state below against queries
    crypto::MerkleTreeBuilder tree_;
    std::string signed_checkpoint_;
    Hash32 last_leaf_hash_;
};

}  // namespace psephos::ledger::detail
