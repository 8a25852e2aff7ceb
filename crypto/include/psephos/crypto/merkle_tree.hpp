// RFC 9162 (Certificate Transparency v2) Merkle trees over SHA-256: tree heads, inclusion proofs
// and consistency proofs, the commitments behind Psephos's append-only ledger.
//
// The functions work on leaf hashes, not leaf data: a caller hashes each entry once with
// hash_merkle_leaf and keeps those hashes, so proofs never re-hash the entries themselves. Leaf
// and interior nodes are hashed with different prefixes (0x00, 0x01), so no leaf can be passed off
// as an interior node (RFC 9162 §2.1.1).
//
// Choices where RFC 9162 leaves room, made here once for every caller:
//  - The root of the empty tree is SHA-256 of the empty string (§2.1.1).
//  - Every failure of verify_inclusion / verify_consistency is ErrorCode::verification_failed:
//    sizes, proof and roots all come from the party being checked, so a bad size is as much a
//    failed check as a bad hash. prove_* report bad sizes as ErrorCode::invalid_argument, since
//    there the caller asked for something that does not exist.
//  - The verifiers first check the proof length, which the sizes alone determine, so a hostile
//    proof of the wrong length is rejected before any hashing and with a precise message; then
//    they run the §2.1.3.2 / §2.1.4.2 algorithm step by step.
//  - verify_consistency also accepts old_size == new_size (not covered by §2.1.4.2, which assumes
//    first < second): the proof must then be empty and the two roots equal, which is what
//    prove_consistency returns for that case. old_size == 0 is rejected: the empty tree is a
//    prefix of every tree, so there is nothing to prove and a caller asking is confused about
//    which tree heads it holds. old_size > new_size is rejected.
//  - Neither kind of proof binds the tree size on its own; the root does. A proof for one size may
//    verify against the same root with another claimed size, so callers must take root and size
//    together from one signed tree head, never the size from the proof's sender separately.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

// SHA-256 (OpenSSL). Throws std::runtime_error only if OpenSSL itself fails (out of memory).
Hash32 sha256(ByteSpan data);

// SHA-256(0x00 ‖ leaf_data): the hash of one log entry, RFC 9162 §2.1.1.
Hash32 hash_merkle_leaf(ByteSpan leaf_data);

// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node, RFC 9162 §2.1.1.
Hash32 hash_merkle_children(const Hash32& left, const Hash32& right);

// MTH(D[n]), RFC 9162 §2.1.1, for n = leaf_hashes.size(); SHA-256("") for the empty tree.
// n − 1 node hashes.
Hash32 compute_merkle_root(std::span<const Hash32> leaf_hashes);

// PATH(index, D[n]), RFC 9162 §2.1.3.1: the sibling hashes from the leaf up to the root.
// Fails with invalid_argument if index >= n. O(n) hashing.
Result<std::vector<Hash32>> prove_inclusion(std::span<const Hash32> leaf_hashes,
                                            std::uint64_t index);

// RFC 9162 §2.1.3.2: does leaf_hash sit at index in the tree of tree_size leaves with this root?
Status verify_inclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                        std::span<const Hash32> proof, const Hash32& root);

// PROOF(old_size, D[n]), RFC 9162 §2.1.4.1: that the tree of the first old_size leaves is a
// prefix of the whole tree. Valid for 0 < old_size <= n; old_size == n gives an empty proof.
// Fails with invalid_argument otherwise. O(n) hashing.
Result<std::vector<Hash32>> prove_consistency(std::span<const Hash32> leaf_hashes,
                                              std::uint64_t old_size);

// RFC 9162 §2.1.4.2: is the tree (old_size, old_root) a prefix of the tree (new_size, new_root)?
// old_size == new_size needs an empty proof and equal roots; old_size == 0 is rejected (see the
// file comment).
Status verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                          const Hash32& new_root, std::span<const Hash32> proof);

// The root of a growing tree without keeping its leaves: only the roots of the perfect subtrees
// along the right edge (the "compact range", one per set bit of the size) are kept, so an
// append-only log can extend its tree head as entries arrive. append_leaf_hash is O(1) amortised,
// root() O(log n); root() equals compute_merkle_root over the same leaf hashes.
class MerkleTreeBuilder {
public:
    // Throws std::overflow_error if the tree already holds 2^64 − 1 leaves.
    void append_leaf_hash(const Hash32& leaf_hash);
    std::uint64_t size() const { return size_; }
    Hash32 root() const;

private:
    std::uint64_t size_ = 0;
    // Roots of the perfect subtrees that make up the tree, leftmost (largest) first; the i-th
    // from the right covers as many leaves as the i-th lowest set bit of size_ is worth.
    std::vector<Hash32> compact_range_;
};

}  // namespace psephos::crypto
