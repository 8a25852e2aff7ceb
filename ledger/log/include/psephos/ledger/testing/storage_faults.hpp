// TEST ONLY. Fault injection for the ledger's storage (docs/ledger.md §9): a StorageFaults given
// as LedgerOptions::storage_faults makes the database's write-ahead log refuse its appends (as a
// full disk does, ENOSPC) or its syncs (a failed fsync, EIO) while a fault is injected; every
// other file operation goes to the local file system. Production code leaves that option null.
// The RocksDB file system behind it is private to the ledger library, so neither tests nor the
// layers above the ledger see a RocksDB type.
#pragma once

#include <cstdint>
#include <memory>

namespace psephos::ledger::testing {

enum class StorageFault : std::uint8_t {
    none,    // writes go through
    append,  // the write-ahead log's appends fail (a full disk) and so do its syncs
    sync,    // the write-ahead log's syncs fail (a failed fsync); its appends go through
};

class StorageFaults {
public:
    StorageFaults();
    ~StorageFaults();
    StorageFaults(const StorageFaults&) = delete;
    StorageFaults& operator=(const StorageFaults&) = delete;

    // From now on, until the next call; safe from any thread.
    void inject(StorageFault fault);
    StorageFault injected() const;
    // Appends and syncs refused so far.
    int refused() const;

    // The RocksDB file system that fails on demand; defined, and usable, inside the ledger
    // library only.
    class FileSystem;
    const std::shared_ptr<FileSystem>& file_system() const { return file_system_; }

private:
    std::shared_ptr<FileSystem> file_system_;
};

}  // namespace psephos::ledger::testing
