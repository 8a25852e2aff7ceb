// A RocksDB file system for tests that fails the write-ahead log's appends (as a full disk does,
// ENOSPC) or its syncs (a failed fsync, EIO) while `fault` says so; everything else goes to the
// local file system. Pass env() as LedgerOptions::env.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

namespace psephos::test {

enum class Fault { none, append, sync };

// Fails the write-ahead log's appends or syncs while `fault` says so, as ENOSPC or EIO would.
class FaultyFileSystem : public rocksdb::FileSystemWrapper,
                         public std::enable_shared_from_this<FaultyFileSystem> {
public:
    FaultyFileSystem() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
    static const char* kClassName() { return "PsephosFaultyFileSystem"; }
    const char* Name() const override { return kClassName(); }

    rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
        rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
        if (s.ok() && name.ends_with(".log"))  // a WAL file (the info log is "LOG")
            *result = std::make_unique<File>(std::move(*result), this);
        return s;
    }

    // An Env whose files go through this file system (and keeps it alive).
    std::shared_ptr<rocksdb::Env> env() {
        return std::shared_ptr<rocksdb::Env>(
            rocksdb::NewCompositeEnv(shared_from_this()).release());
    }

    std::atomic<Fault> fault{Fault::none};
    std::atomic<int> refused{0};  // appends and syncs refused so far

private:
    class File : public rocksdb::FSWritableFileOwnerWrapper {
    public:
        File(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFileSystem* fs)
            : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
        rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                                 rocksdb::IODebugContext* dbg) override {
            if (fs_->fault == Fault::append) return refuse(rocksdb::IOStatus::NoSpace("injected"));
            return target()->Append(data, options, dbg);
        }
        rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                                 const rocksdb::DataVerificationInfo& info,
                                 rocksdb::IODebugContext* dbg) override {
            if (fs_->fault == Fault::append) return refuse(rocksdb::IOStatus::NoSpace("injected"));
            return target()->Append(data, options, info, dbg);
        }
        rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
            if (fs_->fault != Fault::none) return refuse(rocksdb::IOStatus::IOError("injected"));
            return target()->Sync(options, dbg);
        }
        rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
            if (fs_->fault != Fault::none) return refuse(rocksdb::IOStatus::IOError("injected"));
            return target()->Fsync(options, dbg);
        }

    private:
        rocksdb::IOStatus refuse(rocksdb::IOStatus s) {
            ++fs_->refused;
            return s;
        }
        FaultyFileSystem* fs_;
    };
};

}  // namespace psephos::test
