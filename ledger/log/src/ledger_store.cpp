// RocksDB access for the ledger (see ledger_store.hpp for the layout).
#include "ledger_store.hpp"

#include <rocksdb/options.h>
#include <rocksdb/slice.h>

namespace psephos::ledger::detail {

namespace {

const std::vector<std::string>& family_names() {
    static const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, "entries",
                                                   "leaves", "checkpoints"};
    return names;
}

rocksdb::Slice slice(ByteSpan data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

Error rocks_error(const std::filesystem::path& directory, const rocksdb::Status& status) {
    const ErrorCode code = status.IsCorruption() ? ErrorCode::corrupted
                           : status.IsNotFound() ? ErrorCode::not_found
                                                 : ErrorCode::io_error;
    return make_error(code, "ledger database " + directory.string() + ": " + status.ToString());
}

std::uint64_t read_u64_be(const char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
    return v;
}

}  // namespace

std::string log_key(std::uint32_t log_id, std::uint64_t index) {
    Bytes key;
    append_u32_be(key, log_id);
    append_u64_be(key, index);
    return {key.begin(), key.end()};
}

std::string meta_key(std::string_view name, std::uint32_t log_id) {
    Bytes id;
    append_u32_be(id, log_id);
    return std::string(name) + "/" + std::string(id.begin(), id.end());
}

Result<std::unique_ptr<LedgerStore>> LedgerStore::open(const std::filesystem::path& directory,
                                                       bool create, bool read_only,
                                                       std::shared_ptr<rocksdb::Env> env) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(directory, ec);
    if (create && exists) {
        return make_error(ErrorCode::invalid_argument,
                          "ledger database " + directory.string() + ": already exists");
    }
    if (!create && !exists) {
        return make_error(ErrorCode::not_found,
                          "ledger database " + directory.string() + ": does not exist");
    }
    rocksdb::DBOptions options;
    options.create_if_missing = create;
    options.error_if_exists = create;
    options.create_missing_column_families = create;
    options.paranoid_checks = true;
    options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    options.keep_log_file_num = 4;
    if (env) options.env = env.get();
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : family_names())
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());

    std::unique_ptr<LedgerStore> store(new LedgerStore());
    store->directory_ = directory;
    store->env_ = std::move(env);
    rocksdb::DB* db = nullptr;
    const rocksdb::Status status =
        read_only ? rocksdb::DB::OpenForReadOnly(options, directory.string(), families,
                                                 &store->handles_, &db)
                  : rocksdb::DB::Open(options, directory.string(), families, &store->handles_, &db);
    if (!status.ok()) return rocks_error(directory, status);
    store->db_.reset(db);
    return store;
}

LedgerStore::~LedgerStore() {
    if (!db_) return;
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
}

rocksdb::ColumnFamilyHandle* LedgerStore::handle(Family family) const {
    return handles_.at(static_cast<std::size_t>(family));
}

void LedgerStore::put(rocksdb::WriteBatch& batch, Family family, std::string_view key,
                      ByteSpan value) {
    batch.Put(handle(family), rocksdb::Slice(key.data(), key.size()), slice(value));
}

Status LedgerStore::write(rocksdb::WriteBatch& batch) {
    if (write_failed_)
        return make_error(ErrorCode::refused,
                          "ledger database " + directory_.string() +
                              ": an earlier write failed; no more writes until the ledger is "
                              "reopened");
    rocksdb::WriteOptions options;
    options.sync = true;
    options.disableWAL = false;  // never: a synced WAL write is what makes a batch durable
    const rocksdb::Status status = db_->Write(options, &batch);
    if (!status.ok()) {
        write_failed_ = true;
        return rocks_error(directory_, status);
    }
    ++synced_writes_;
    return {};
}

Result<std::optional<Bytes>> LedgerStore::get(Family family, std::string_view key) const {
    std::string value;
    const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handle(family),
                                            rocksdb::Slice(key.data(), key.size()), &value);
    if (status.IsNotFound()) return std::optional<Bytes>();
    if (!status.ok()) return rocks_error(directory_, status);
    return std::optional<Bytes>(Bytes(value.begin(), value.end()));
}

Status LedgerStore::scan(Family family, std::uint32_t log_id,
                         const std::function<Status(std::uint64_t, ByteSpan)>& fn) const {
    const std::string prefix = log_key(log_id, 0).substr(0, 4);
    rocksdb::ReadOptions options;
    options.verify_checksums = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, handle(family)));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        if (it->key().size() != 12) {
            return make_error(ErrorCode::corrupted,
                              "ledger database " + directory_.string() + ": a key of " +
                                  std::to_string(it->key().size()) + " bytes in a log");
        }
        const rocksdb::Slice v = it->value();
        if (auto ok = fn(read_u64_be(it->key().data() + 4),
                         ByteSpan(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()));
            !ok) {
            return ok;
        }
    }
    if (!it->status().ok()) return rocks_error(directory_, it->status());
    return {};
}

}  // namespace psephos::ledger::detail
