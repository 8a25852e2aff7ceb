// Keeping secrets out of core dumps, swap and freed memory (docs/threat-model.md, "Secrets in
// memory"): a process-wide switch that turns core dumps off, wipes for the standard containers that
// may have held a voter's marks, and memory locking that reports a refusal once instead of failing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

// Sets RLIMIT_CORE to 0 (soft and hard, so no child can raise it) and marks the process not
// dumpable (prctl PR_SET_DUMPABLE 0: no core file, and no ptrace attach or /proc/<pid>/mem read by
// other processes of the same user). Called first by every executable that holds a key, a ballot
// or a ledger. io_error naming the call if the kernel refuses.
Status disable_core_dumps();

// Zeroes every byte the string owns (its whole capacity, the small-string buffer included) with
// sodium_memzero, then empties it.
void wipe(std::string& text);
// Wipes each string, then the vector's own storage, then empties it.
void wipe(std::vector<std::string>& texts);
// Zeroes the vector's whole capacity, then empties it.
void wipe(std::vector<std::uint8_t>& bytes);

// sodium_mlock on [data, data + size): keeps the pages out of swap and out of core dumps
// (MADV_DONTDUMP). Returns false if the kernel refuses (RLIMIT_MEMLOCK, usually 64 KiB to 8 MiB);
// the first refusal in a process prints one warning on stderr naming the limit, later ones are
// silent. Never throws: locking is a defence in depth, not a precondition.
bool lock_memory(void* data, std::size_t size);
// sodium_munlock: zeroes the range, then unlocks it.
void unlock_and_wipe_memory(void* data, std::size_t size);
// How many lock_memory calls the kernel refused in this process (for tests and diagnostics).
std::size_t memory_lock_refusals();

// Locked memory for containers of secrets: blocks of up to 4 KiB come from slabs of 64 KiB
// chunks locked once with lock_memory and kept for the process's life (size classes of 64, 256,
// 1024 and 4096 bytes; no system call per allocation), larger ones from libsodium's guarded
// allocator (sodium_malloc). A refused lock is reported once, as by lock_memory, and the memory is
// used unlocked. free_locked, given the size allocate_locked was asked for, wipes the block before
// it is reused or unmapped; null is ignored. std::bad_alloc if there is no memory.
void* allocate_locked(std::size_t size);
void free_locked(void* data, std::size_t size) noexcept;

// An allocator for standard containers of secrets (a ballot's marks and nonces, a guardian's
// polynomial): every block is locked and wiped when freed, so a vector that grows leaves no copy
// behind in unlocked memory.
template <class T>
class LockedAllocator {
public:
    using value_type = T;
    LockedAllocator() noexcept = default;
    template <class U>
    LockedAllocator(const LockedAllocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding
    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
        return static_cast<T*>(allocate_locked(n * sizeof(T)));
    }
    void deallocate(T* data, std::size_t n) noexcept { free_locked(data, n * sizeof(T)); }
    template <class U>
    friend bool operator==(const LockedAllocator& /*a*/, const LockedAllocator<U>& /*b*/) noexcept {
        return true;
    }
};

// A vector of secrets in locked, guarded memory.
template <class T>
using LockedVector = std::vector<T, LockedAllocator<T>>;

// A fixed-size secret in its own libsodium guarded allocation (sodium_malloc: guard pages, a
// canary, locked where the kernel allows, wiped by sodium_free). Move-only; a moved-from buffer
// holds nothing (data() is null).
class LockedBytes {
public:
    explicit LockedBytes(std::size_t size);  // zero-filled; std::bad_alloc if sodium_malloc fails
    ~LockedBytes();
    LockedBytes(const LockedBytes&) = delete;
    LockedBytes& operator=(const LockedBytes&) = delete;
    LockedBytes(LockedBytes&& other) noexcept;
    LockedBytes& operator=(LockedBytes&& other) noexcept;

    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace psephos::crypto
