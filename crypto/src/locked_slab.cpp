// Locked fixed-size blocks (locked_slab.hpp).
#include "locked_slab.hpp"

#include <sodium.h>

#include <cstdlib>
#include <new>
#include <stdexcept>

#include "psephos/crypto/memory_protection.hpp"

namespace psephos::crypto {
namespace {

constexpr std::size_t block_alignment = alignof(std::max_align_t);
constexpr std::size_t page_alignment = 4096;

std::size_t round_up(std::size_t size, std::size_t alignment) {
    return (size + alignment - 1) / alignment * alignment;
}

}  // namespace

void LockedSlab::FreeChunk::operator()(std::byte* chunk) const noexcept {
    unlock_and_wipe_memory(chunk, chunk_bytes);
    std::free(chunk);  // NOLINT(cppcoreguidelines-no-malloc): paired with std::aligned_alloc
}

LockedSlab::LockedSlab(std::size_t block_size)
    : block_size_(round_up(block_size, block_alignment)) {
    if (block_size_ == 0 || block_size_ > chunk_bytes)
        throw std::invalid_argument("LockedSlab: block size must be 1 to 64 KiB");
}

LockedSlab::~LockedSlab() {
    const std::lock_guard lock(mutex_);
    if (outstanding_ != 0) {
        for (auto& chunk : chunks_) static_cast<void>(chunk.release());  // still in use at exit
    }
}

void* LockedSlab::allocate(std::size_t size) {
    if (size > block_size_) throw std::bad_alloc();
    const std::lock_guard lock(mutex_);
    if (free_blocks_.empty()) {
        // NOLINTNEXTLINE(cppcoreguidelines-no-malloc): page-aligned, so mlock covers whole pages
        auto* chunk = static_cast<std::byte*>(std::aligned_alloc(page_alignment, chunk_bytes));
        if (chunk == nullptr) throw std::bad_alloc();
        chunks_.emplace_back(chunk);
        sodium_memzero(chunk, chunk_bytes);
        lock_memory(chunk, chunk_bytes);  // a refusal is reported once; the chunk is still used
        const std::size_t count = chunk_bytes / block_size_;
        free_blocks_.reserve(free_blocks_.size() + count);
        for (std::size_t i = count; i > 0; --i)
            free_blocks_.push_back(chunk + (i - 1) * block_size_);
    }
    void* block = free_blocks_.back();
    free_blocks_.pop_back();
    ++outstanding_;
    return block;
}

void LockedSlab::deallocate(void* block) noexcept {
    if (block == nullptr) return;
    sodium_memzero(block, block_size_);
    const std::lock_guard lock(mutex_);
    free_blocks_.push_back(block);  // reserved when its chunk was made: never throws
    --outstanding_;
}

std::size_t LockedSlab::chunk_count() const {
    const std::lock_guard lock(mutex_);
    return chunks_.size();
}

}  // namespace psephos::crypto
