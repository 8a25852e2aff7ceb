// Fuzzes verify_consistency, which checks that one ledger tree head extends another (RFC 9162).
// Input: old root (32), new root (32), old size (u64 LE), new size (u64 LE), then the proof as
// 32-byte hashes (a trailing partial hash is ignored).
// Invariants: it never crashes, whatever the sizes; every rejection is verification_failed with a
// message; an accepted proof has 0 < old size <= new size; and when the new root is a node of the
// fixed real tree (fixtures.hpp) and the proof is accepted, every proof hash is a node of
// that tree too (each one is hashed into the new root), and so is the old root when it starts
// the path (old size a power of two, below the new size).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fixtures.hpp"
#include "fuzz_support.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::merkle_real_nodes();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputReader reader(fuzz::bytes_of(data, size));
    const Hash32 old_root = reader.take_hash();
    const Hash32 new_root = reader.take_hash();
    const std::uint64_t old_size = reader.take_u64();
    const std::uint64_t new_size = reader.take_u64();
    std::vector<Hash32> proof;
    while (reader.rest().size() >= 32) proof.push_back(reader.take_hash());

    const Status verified = verify_consistency(old_size, new_size, old_root, new_root, proof);
    if (!verified) {
        require(verified.error().code == ErrorCode::verification_failed,
                "verify_consistency rejects with verification_failed");
        fuzz::require_message(verified.error(), "verify_consistency error has a message");
        return 0;
    }
    require(old_size > 0 && old_size <= new_size, "an accepted proof has 0 < old size <= new size");
    if (old_size == new_size) {
        require(proof.empty() && old_root == new_root, "equal sizes: empty proof, equal roots");
    }
    if (fuzz::is_real_merkle_node(new_root)) {
        for (const Hash32& hash : proof) {
            require(fuzz::is_real_merkle_node(hash),
                    "accepted under a real new root: every proof hash is a real node");
        }
        const bool power_of_two = (old_size & (old_size - 1)) == 0;
        if (power_of_two && old_size < new_size) {
            require(fuzz::is_real_merkle_node(old_root),
                    "accepted under a real new root: an old root starting the path is a real node");
        }
    }
    return 0;
}
