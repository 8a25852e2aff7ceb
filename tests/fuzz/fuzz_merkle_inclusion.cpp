// Fuzzes verify_inclusion, which checks the ledger's RFC 9162 inclusion proofs. Input: root (32),
// leaf hash (32), index (u64 LE), tree size (u64 LE), then the proof as 32-byte hashes (a
// trailing partial hash is ignored).
// Invariants: it never crashes, whatever the sizes; every rejection is verification_failed with a
// message; and when the root is a node of the fixed real tree (fixtures.hpp) and the proof
// is accepted, the leaf hash and every proof hash are nodes of that tree too — a fuzzer cannot
// make a root-matching proof out of anything else without a SHA-256 collision.
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
    const Hash32 root = reader.take_hash();
    const Hash32 leaf = reader.take_hash();
    const std::uint64_t index = reader.take_u64();
    const std::uint64_t tree_size = reader.take_u64();
    std::vector<Hash32> proof;
    while (reader.rest().size() >= 32) proof.push_back(reader.take_hash());

    const Status verified = verify_inclusion(leaf, index, tree_size, proof, root);
    if (!verified) {
        require(verified.error().code == ErrorCode::verification_failed,
                "verify_inclusion rejects with verification_failed");
        fuzz::require_message(verified.error(), "verify_inclusion error has a message");
        return 0;
    }
    require(index < tree_size, "an accepted inclusion proof has index < tree size");
    if (fuzz::is_real_merkle_node(root)) {
        require(fuzz::is_real_merkle_node(leaf), "accepted under a real root: leaf is a real node");
        for (const Hash32& hash : proof) {
            require(fuzz::is_real_merkle_node(hash),
                    "accepted under a real root: every proof hash is a real node");
        }
    }
    return 0;
}
