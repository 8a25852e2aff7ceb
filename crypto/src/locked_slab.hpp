// Fixed-size blocks in locked memory for the precomputation pools' secrets (docs/crypto.md §4.4):
// a precomputed selection holds its nonce r and r·K, which open the voter's mark once the ballot is
// cast. Blocks are carved from page-aligned 64 KiB chunks locked once with lock_memory (out of swap
// and out of core dumps); a refused lock is reported once and the chunk is used unlocked. Chunks
// are kept for the life of the process and reused, so a pool that is refilled never locks more.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace psephos::crypto {

class LockedSlab {
public:
    explicit LockedSlab(std::size_t block_size);
    // Frees the chunks only when no block is outstanding (a static pool may outlive the slab).
    ~LockedSlab();
    LockedSlab(const LockedSlab&) = delete;
    LockedSlab& operator=(const LockedSlab&) = delete;

    // Thread-safe. std::bad_alloc if the system has no memory; never fails on a refused lock.
    void* allocate(std::size_t size);
    // Zeroes the block and returns it to the slab.
    void deallocate(void* block) noexcept;

    std::size_t block_size() const { return block_size_; }
    std::size_t chunk_count() const;

    static constexpr std::size_t chunk_bytes = 64 * 1024;

private:
    struct FreeChunk {
        void operator()(std::byte* chunk) const noexcept;
    };

    const std::size_t block_size_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<std::byte, FreeChunk>> chunks_;
    std::vector<void*> free_blocks_;
    std::size_t outstanding_ = 0;
};

}  // namespace psephos::crypto
