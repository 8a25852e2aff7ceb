// The ledger's RocksDB database (docs/ledger.md §2): four column families and one key scheme.
//   default      election-wide metadata: "format", "manifest" (JSON of the finalized manifest),
//                "log-size/<u32be log id>" (u64be), "verifier/<u32be log id>" (note verifier text)
//   entries      u32be log id ‖ u64be index → the record's canonical bytes
//   leaves       u32be log id ‖ u64be index → its RFC 9162 leaf hash (32 bytes)
//   checkpoints  u32be log id ‖ u64be tree size → the signed checkpoint note
// A district's log id is its position in the manifest; the election and event logs have the two
// top ids. Big-endian keys make RocksDB's byte order the log order, so a log is one prefix scan.
// Every change is one WriteBatch written with sync = true (WAL on), so a batch is all or nothing.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::ledger::detail {

inline constexpr std::uint32_t election_log_id = 0xFFFF'FFFF;
inline constexpr std::uint32_t event_log_id = 0xFFFF'FFFE;
inline constexpr std::uint32_t bridge_log_id = 0xFFFF'FFFD;
inline constexpr std::string_view ledger_format = "psephos-ledger-v1";

enum class Family { meta, entries, leaves, checkpoints };

std::string log_key(std::uint32_t log_id, std::uint64_t index);
std::string meta_key(std::string_view name, std::uint32_t log_id);

class LedgerStore {
public:
    // create: the directory must not exist. read_only: no writes, no lock on the database.
    // env: the RocksDB environment to go through (null: the default); kept for the store's life.
    static Result<std::unique_ptr<LedgerStore>> open(const std::filesystem::path& directory,
                                                     bool create, bool read_only,
                                                     std::shared_ptr<rocksdb::Env> env = {});
    ~LedgerStore();

    const std::filesystem::path& directory() const { return directory_; }

    void put(rocksdb::WriteBatch& batch, Family family, std::string_view key, ByteSpan value);
    // One atomic, durable write (sync = true, WAL on). After a write failed, every later one is
    // refused unwritten (ErrorCode::refused) until the store is opened again: the failed batch
    // may still be in the write-ahead log (a failed sync), and a reopening replays it, so nothing
    // may be written on top of a state that a reopening would not give back (docs/ledger.md §9).
    // RocksDB alone does not ensure this: it may recover by itself from ENOSPC.
    Status write(rocksdb::WriteBatch& batch);
    std::uint64_t synced_writes() const { return synced_writes_.load(); }

    Result<std::optional<Bytes>> get(Family family, std::string_view key) const;
    // Calls fn(index, value) for every key of the log, in order; stops at the first error fn
    // returns. Keys of the wrong length are reported as corruption.
    Status scan(Family family, std::uint32_t log_id,
                const std::function<Status(std::uint64_t, ByteSpan)>& fn) const;

private:
    LedgerStore() = default;
    rocksdb::ColumnFamilyHandle* handle(Family family) const;

    std::shared_ptr<rocksdb::Env> env_;  // outlives db_ (declared first, destroyed last)
    std::filesystem::path directory_;
    std::unique_ptr<rocksdb::DB> db_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;
    std::atomic<std::uint64_t> synced_writes_{0};
    std::atomic<bool> write_failed_{false};
};

}  // namespace psephos::ledger::detail
