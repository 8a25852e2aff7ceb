// One secret Scalar in locked memory (docs/threat-model.md, "Secrets in memory"): a guardian's
// share of the election key held for the life of a ceremony or a decryption. Containers of secrets
// use LockedVector; a single Scalar member uses this.
#pragma once

#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

// A move-only holder of one Scalar in a block of the 64-byte locked slab (allocate_locked: out of
// swap and core dumps where the kernel allows, a refusal reported once). The destructor wipes the
// Scalar and frees the block, which free_locked wipes again before reuse. Built from a Scalar by
// copying it in: the caller's copy stays the caller's (a Scalar wipes itself when destroyed).
// Temporaries of arithmetic (a + b) are ordinary Scalars on the stack; assign them in and let
// them go out of scope. A moved-from holder holds nothing: only destroy it or assign to it.
class LockedScalar {
public:
    LockedScalar();  // zero; std::bad_alloc if there is no memory
    explicit LockedScalar(const Scalar& value);
    ~LockedScalar();
    LockedScalar(const LockedScalar&) = delete;
    LockedScalar& operator=(const LockedScalar&) = delete;
    LockedScalar(LockedScalar&& other) noexcept;
    LockedScalar& operator=(LockedScalar&& other) noexcept;
    // Copies `value` into this holder's locked block (allocating one if moved from).
    LockedScalar& operator=(const Scalar& value);

    const Scalar& get() const { return *value_; }
    const Scalar& operator*() const { return *value_; }
    const Scalar* operator->() const { return value_; }
    // Lets a held share go where a `const Scalar&` is taken without a copy.
    operator const Scalar&() const { return *value_; }  // NOLINT(google-explicit-constructor)

private:
    void release() noexcept;

    Scalar* value_ = nullptr;
};

}  // namespace psephos::crypto
