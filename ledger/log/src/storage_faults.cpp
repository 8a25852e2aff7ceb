// TEST ONLY: a RocksDB file system that fails the write-ahead log's appends or syncs on demand,
// behind testing::StorageFaults (see psephos/ledger/testing/storage_faults.hpp).
#include "storage_faults.hpp"

#include <rocksdb/file_system.h>

#include <atomic>
#include <string>

namespace psephos::ledger {

namespace testing {

class StorageFaults::FileSystem : public rocksdb::FileSystemWrapper {
public:
    FileSystem() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
    static const char* kClassName() { return "PsephosStorageFaults"; }
    const char* Name() const override { return kClassName(); }

    rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
        rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
        if (s.ok() && name.ends_with(".log"))  // a WAL file (the info log is "LOG")
            *result = std::make_unique<File>(std::move(*result), this);
        return s;
    }

    std::atomic<StorageFault> fault{StorageFault::none};
    std::atomic<int> refused{0};

private:
    class File : public rocksdb::FSWritableFileOwnerWrapper {
    public:
        File(std::unique_ptr<rocksdb::FSWritableFile> file, FileSystem* fs)
            : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
        rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                                 rocksdb::IODebugContext* dbg) override {
            if (fs_->fault == StorageFault::append)
                return refuse(rocksdb::IOStatus::NoSpace("injected"));
            return target()->Append(data, options, dbg);
        }
        rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                                 const rocksdb::DataVerificationInfo& info,
                                 rocksdb::IODebugContext* dbg) override {
            if (fs_->fault == StorageFault::append)
                return refuse(rocksdb::IOStatus::NoSpace("injected"));
            return target()->Append(data, options, info, dbg);
        }
        rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
            if (fs_->fault != StorageFault::none)
                return refuse(rocksdb::IOStatus::IOError("injected"));
            return target()->Sync(options, dbg);
        }
        rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
            if (fs_->fault != StorageFault::none)
                return refuse(rocksdb::IOStatus::IOError("injected"));
            return target()->Fsync(options, dbg);
        }

    private:
        rocksdb::IOStatus refuse(rocksdb::IOStatus s) {
            ++fs_->refused;
            return s;
        }
        FileSystem* fs_;
    };
};

StorageFaults::StorageFaults() : file_system_(std::make_shared<FileSystem>()) {}
StorageFaults::~StorageFaults() = default;

void StorageFaults::inject(StorageFault fault) { file_system_->fault = fault; }
StorageFault StorageFaults::injected() const { return file_system_->fault; }
int StorageFaults::refused() const { return file_system_->refused; }

}  // namespace testing

std::shared_ptr<rocksdb::Env> detail::storage_env(const testing::StorageFaults& faults) {
    return std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(faults.file_system()).release());
}

}  // namespace psephos::ledger
