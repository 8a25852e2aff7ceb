// The RocksDB side of testing::StorageFaults (psephos/ledger/testing/storage_faults.hpp): the
// environment a ledger's store goes through when a test injects storage faults.
#pragma once

#include <rocksdb/env.h>

#include <memory>

#include "psephos/ledger/testing/storage_faults.hpp"

namespace psephos::ledger::detail {

// A RocksDB environment whose files go through the faults' file system (and keep it alive).
std::shared_ptr<rocksdb::Env> storage_env(const testing::StorageFaults& faults);

}  // namespace psephos::ledger::detail
