// Core dumps off, container wipes and memory locking (memory_protection.hpp).
#include "psephos/crypto/memory_protection.hpp"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

#include "locked_slab.hpp"
#include "psephos/crypto/locked_scalar.hpp"
#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {
namespace {

std::atomic<std::size_t> lock_refusals{0};

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

Status disable_core_dumps() {
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0)
        return Error{ErrorCode::io_error,
                     "setrlimit(RLIMIT_CORE, 0) refused: " + errno_text(errno)};
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return Error{ErrorCode::io_error,
                     "prctl(PR_SET_DUMPABLE, 0) refused: " + errno_text(errno)};
    return Status{};
}

void wipe(std::string& text) {
    // Grow to the capacity first so that every owned byte is inside [data(), data() + size()),
    // the only range the standard lets us write; resize never reallocates within the capacity.
    text.resize(text.capacity());
    sodium_memzero(text.data(), text.size());
    text.clear();
}

void wipe(std::vector<std::string>& texts) {
    for (std::string& text : texts) wipe(text);
    texts.clear();
}

void wipe(std::vector<std::uint8_t>& bytes) {
    bytes.resize(bytes.capacity());
    sodium_memzero(bytes.data(), bytes.size());
    bytes.clear();
}

bool lock_memory(void* data, std::size_t size) {
    initialize();
    if (sodium_mlock(data, size) == 0) return true;
    const int error = errno;
    if (lock_refusals.fetch_add(1) == 0) {
        rlimit limit{};
        ::getrlimit(RLIMIT_MEMLOCK, &limit);
        std::fprintf(stderr,
                     "psephos: warning: cannot lock secret memory (%s; RLIMIT_MEMLOCK is %llu "
                     "bytes): secrets may reach swap. Raise LimitMEMLOCK for this service.\n",
                     std::strerror(error), static_cast<unsigned long long>(limit.rlim_cur));
    }
    return false;
}

void unlock_and_wipe_memory(void* data, std::size_t size) {
    if (sodium_munlock(data, size) != 0) sodium_memzero(data, size);
}

std::size_t memory_lock_refusals() { return lock_refusals.load(); }

namespace {

constexpr std::array<std::size_t, 4> locked_size_classes = {64, 256, 1024, 4096};

// The slab of a size class, or null above the largest. Never destroyed: blocks may be freed by
// static objects after main returns.
LockedSlab* locked_slab_for(std::size_t size) {
    static std::array<LockedSlab*, locked_size_classes.size()> slabs = [] {
        std::array<LockedSlab*, locked_size_classes.size()> made{};
        for (std::size_t i = 0; i < made.size(); ++i)
            made[i] = new LockedSlab(locked_size_classes[i]);  // NOLINT: kept for the process
        return made;
    }();
    for (std::size_t i = 0; i < locked_size_classes.size(); ++i)
        if (size <= locked_size_classes[i]) return slabs[i];
    return nullptr;
}

}  // namespace

void* allocate_locked(std::size_t size) {
    initialize();
    if (LockedSlab* slab = locked_slab_for(size)) return slab->allocate(size);
    void* data = sodium_malloc(size);
    if (data == nullptr) throw std::bad_alloc();
    // sodium_malloc locks where it can but says nothing when it cannot: ask again, to report it.
    lock_memory(data, size);
    return data;
}

void free_locked(void* data, std::size_t size) noexcept {
    if (data == nullptr) return;
    if (LockedSlab* slab = locked_slab_for(size)) {
        slab->deallocate(data);  // wipes the block
    } else {
        sodium_free(data);  // wipes, unlocks, unmaps
    }
}

LockedBytes::LockedBytes(std::size_t size) : size_(size) {
    initialize();
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (data_ == nullptr) throw std::bad_alloc();
    sodium_memzero(data_, size);
    // sodium_malloc locks where it can but says nothing when it cannot: ask again, to report it.
    lock_memory(data_, size);
}

LockedBytes::~LockedBytes() {
    if (data_ != nullptr) sodium_free(data_);  // wipes, unlocks, unmaps
}

LockedBytes::LockedBytes(LockedBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

LockedBytes& LockedBytes::operator=(LockedBytes&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr) sodium_free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

// A Scalar takes one block of the 64-byte slab (aligned for any type, alignof(max_align_t)).
static_assert(sizeof(Scalar) <= 64, "a Scalar fits a 64-byte block");

LockedScalar::LockedScalar() : value_(new (allocate_locked(sizeof(Scalar))) Scalar()) {}

LockedScalar::LockedScalar(const Scalar& value)
    : value_(new (allocate_locked(sizeof(Scalar))) Scalar(value)) {}

LockedScalar::~LockedScalar() { release(); }

LockedScalar::LockedScalar(LockedScalar&& other) noexcept
    : value_(std::exchange(other.value_, nullptr)) {}

LockedScalar& LockedScalar::operator=(LockedScalar&& other) noexcept {
    if (this != &other) {
        release();
        value_ = std::exchange(other.value_, nullptr);
    }
    return *this;
}

LockedScalar& LockedScalar::operator=(const Scalar& value) {
    if (value_ == nullptr) {
        value_ = new (allocate_locked(sizeof(Scalar))) Scalar(value);
    } else {
        *value_ = value;
    }
    return *this;
}

void LockedScalar::release() noexcept {
    if (value_ == nullptr) return;
    value_->~Scalar();                    // wipes the Scalar
    free_locked(value_, sizeof(Scalar));  // wipes the block before it is reused
    value_ = nullptr;
}

}  // namespace psephos::crypto
