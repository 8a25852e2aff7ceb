// RFC 9162 Merkle trees: SHA-256 through OpenSSL's EVP interface, the recursive definitions of
// §2.1 for building, and the bit-walking verifiers of §2.1.3.2 and §2.1.4.2 for checking.
#include "psephos/crypto/merkle_tree.hpp"

#include <openssl/evp.h>

#include <bit>
#include <initializer_list>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

namespace psephos::crypto {

namespace {

constexpr std::uint8_t leaf_prefix = 0x00;
constexpr std::uint8_t node_prefix = 0x01;

struct EvpMdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// SHA-256 of the concatenation of parts. One context per thread, reused, so that each of the
// roughly 2n short hashes behind a tree of n leaves does not also allocate and free a context.
Hash32 sha256_of(std::initializer_list<ByteSpan> parts) {
    thread_local const std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx(EVP_MD_CTX_new());
    Hash32 out;
    unsigned int length = 0;
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
    for (const ByteSpan part : parts) {
        ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx.get(), out.bytes.data(), &length) == 1;
    if (!ok || length != out.bytes.size()) throw std::runtime_error("OpenSSL SHA-256 failed");
    return out;
}

// k of §2.1.1, the largest power of two strictly below n, for n >= 2: the left subtree is the
// perfect tree of the first k leaves.
std::size_t split_point(std::size_t n) { return std::bit_floor(n - 1); }

bool is_power_of_two(std::uint64_t n) { return std::has_single_bit(n); }

// MTH of a non-empty range. The left half is always perfect and at least as large as the right,
// so the recursion is at most about log2(n) + 1 deep.
Hash32 subtree_root(std::span<const Hash32> leaves) {
    if (leaves.size() == 1) return leaves[0];
    const std::size_t k = split_point(leaves.size());
    return hash_merkle_children(subtree_root(leaves.first(k)), subtree_root(leaves.subspan(k)));
}

// PATH(m, D[n]) of §2.1.3.1, appended to out. Deeper levels are appended first, which gives the
// leaf-to-root order the verifier consumes. Each level hashes only the sibling subtree, and the
// siblings are disjoint, so the whole path costs fewer than n node hashes.
void append_path(std::span<const Hash32> leaves, std::size_t m, std::vector<Hash32>& out) {
    if (leaves.size() == 1) return;
    const std::size_t k = split_point(leaves.size());
    if (m < k) {
        append_path(leaves.first(k), m, out);
        out.push_back(subtree_root(leaves.subspan(k)));
    } else {
        append_path(leaves.subspan(k), m - k, out);
        out.push_back(subtree_root(leaves.first(k)));
    }
}

// SUBPROOF(m, D[n], b) of §2.1.4.1, appended to out, for 0 < m <= n. The RFC's b is
// old_root_known: true while D[0:m] is the whole old tree, whose root the verifier already holds
// and so need not be sent.
void append_subproof(std::span<const Hash32> leaves, std::size_t m, bool old_root_known,
                     std::vector<Hash32>& out) {
    const std::size_t n = leaves.size();
    if (m == n) {
        if (!old_root_known) out.push_back(subtree_root(leaves));
        return;
    }
    const std::size_t k = split_point(n);  // m < n and m > 0, so n >= 2
    if (m <= k) {
        append_subproof(leaves.first(k), m, old_root_known, out);
        out.push_back(subtree_root(leaves.subspan(k)));
    } else {
        append_subproof(leaves.subspan(k), m - k, false, out);
        out.push_back(subtree_root(leaves.first(k)));
    }
}

// One step of the fn/sn walk shared by §2.1.3.2 step 4 and §2.1.4.2 step 6, without the hashing:
// returns whether this step's proof hash is a left sibling, and advances fn and sn. fn is the
// position of the node being rebuilt within its level, sn the last position of that level.
bool walk_one_level(std::uint64_t& fn, std::uint64_t& sn) {
    const bool sibling_on_left = (fn & 1) != 0 || fn == sn;
    if (sibling_on_left) {
        // An even fn here is the last node of its level, a left child without a right sibling:
        // it passes up unchanged until it is a right child or on the left edge (the RFC's
        // "right-shift until either LSB(fn) is set or fn is 0").
        while (fn != 0 && (fn & 1) == 0) {
            fn >>= 1;
            sn >>= 1;
        }
    }
    fn >>= 1;
    sn >>= 1;
    return sibling_on_left;
}

// How many hashes the walk consumes before sn reaches 0: the only valid proof length.
std::size_t walk_length(std::uint64_t fn, std::uint64_t sn) {
    std::size_t steps = 0;
    for (; sn != 0; ++steps) walk_one_level(fn, sn);
    return steps;
}

std::string count_hashes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " hash" : " hashes");
}

Error length_mismatch(std::size_t got, std::size_t expected) {
    return make_error(ErrorCode::verification_failed,
                      "proof has " + count_hashes(got) + ", expected " + std::to_string(expected));
}

Error verification_failure(std::string message) {
    return make_error(ErrorCode::verification_failed, std::move(message));
}

}  // namespace

Hash32 sha256(ByteSpan data) { return sha256_of({data}); }

Hash32 hash_merkle_leaf(ByteSpan leaf_data) {
    return sha256_of({ByteSpan(&leaf_prefix, 1), leaf_data});
}

Hash32 hash_merkle_children(const Hash32& left, const Hash32& right) {
    return sha256_of({ByteSpan(&node_prefix, 1), left.span(), right.span()});
}

Hash32 compute_merkle_root(std::span<const Hash32> leaf_hashes) {
    if (leaf_hashes.empty()) return sha256({});
    return subtree_root(leaf_hashes);
}

Result<std::vector<Hash32>> prove_inclusion(std::span<const Hash32> leaf_hashes,
                                            std::uint64_t index) {
    if (index >= leaf_hashes.size()) {
        return make_error(ErrorCode::invalid_argument, "index " + std::to_string(index) +
                                                           " is not below tree size " +
                                                           std::to_string(leaf_hashes.size()));
    }
    std::vector<Hash32> proof;
    append_path(leaf_hashes, static_cast<std::size_t>(index), proof);
    return proof;
}

Status verify_inclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                        std::span<const Hash32> proof, const Hash32& root) {
    // Step 1: the index must lie inside the tree.
    if (index >= tree_size) {
        return verification_failure("index " + std::to_string(index) + " is not below tree size " +
                                    std::to_string(tree_size));
    }
    const std::size_t expected = walk_length(index, tree_size - 1);
    if (proof.size() != expected) return length_mismatch(proof.size(), expected);

    // Steps 2 and 3.
    std::uint64_t fn = index;
    std::uint64_t sn = tree_size - 1;
    Hash32 r = leaf_hash;
    // Step 4.
    for (const Hash32& p : proof) {
        if (sn == 0) return verification_failure("proof continues past the root");  // 4a
        const bool sibling_on_left = walk_one_level(fn, sn);                        // 4b, 4c
        r = sibling_on_left ? hash_merkle_children(p, r) : hash_merkle_children(r, p);
    }
    // Step 5.
    if (sn != 0) return verification_failure("proof ends below the root");
    if (r != root) return verification_failure("computed root does not match");
    return {};
}

Result<std::vector<Hash32>> prove_consistency(std::span<const Hash32> leaf_hashes,
                                              std::uint64_t old_size) {
    if (old_size == 0 || old_size > leaf_hashes.size()) {
        return make_error(ErrorCode::invalid_argument, "old size " + std::to_string(old_size) +
                                                           " is not in 1.." +
                                                           std::to_string(leaf_hashes.size()));
    }
    std::vector<Hash32> proof;
    append_subproof(leaf_hashes, static_cast<std::size_t>(old_size), true, proof);
    return proof;
}

Status verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                          const Hash32& new_root, std::span<const Hash32> proof) {
    if (old_size == 0) {
        return verification_failure(
            "old size 0: the empty tree is a prefix of every tree, "
            "there is nothing to prove");
    }
    if (old_size > new_size) {
        return verification_failure("old size " + std::to_string(old_size) + " is above new size " +
                                    std::to_string(new_size));
    }
    if (old_size == new_size) {
        if (!proof.empty()) return length_mismatch(proof.size(), 0);
        if (old_root != new_root) {
            return verification_failure("old and new roots differ for the same tree size " +
                                        std::to_string(old_size));
        }
        return {};
    }

    // The walk of steps 3, 4 and 6, hashing aside; step 2 supplies the first hash itself when
    // old_size is a power of two, since the old tree is then a complete subtree of the new one.
    std::uint64_t fn = old_size - 1;
    std::uint64_t sn = new_size - 1;
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    const bool old_root_prepended = is_power_of_two(old_size);
    const std::size_t expected = walk_length(fn, sn) + (old_root_prepended ? 0 : 1);
    if (proof.size() != expected) return length_mismatch(proof.size(), expected);

    // Step 1.
    if (proof.empty()) return verification_failure("proof is empty");
    // Steps 2 and 5: the path is old_root ‖ proof when old_size is a power of two.
    const Hash32& first = old_root_prepended ? old_root : proof.front();
    const std::span<const Hash32> rest = old_root_prepended ? proof : proof.subspan(1);
    Hash32 fr = first;
    Hash32 sr = first;
    // Step 6 (fn and sn already carry steps 3 and 4).
    for (const Hash32& c : rest) {
        if (sn == 0) return verification_failure("proof continues past the new root");  // 6a
        const bool sibling_on_left = walk_one_level(fn, sn);                            // 6b, 6c
        if (sibling_on_left) {
            fr = hash_merkle_children(c, fr);
            sr = hash_merkle_children(c, sr);
        } else {
            sr = hash_merkle_children(sr, c);
        }
    }
    // Step 7.
    if (sn != 0) return verification_failure("proof ends below the new root");
    if (fr != old_root) return verification_failure("computed old root does not match");
    if (sr != new_root) return verification_failure("computed new root does not match");
    return {};
}

void MerkleTreeBuilder::append_leaf_hash(const Hash32& leaf_hash) {
    if (size_ == std::numeric_limits<std::uint64_t>::max()) {
        throw std::overflow_error("MerkleTreeBuilder: tree size would exceed 2^64 - 1");
    }
    compact_range_.push_back(leaf_hash);
    // Appending is adding one to a binary counter: each trailing 1 bit of the old size is a
    // perfect subtree as tall as the carry, and the two merge into one twice the size.
    for (std::uint64_t carry = size_; (carry & 1) != 0; carry >>= 1) {
        const Hash32 right = compact_range_.back();
        compact_range_.pop_back();
        compact_range_.back() = hash_merkle_children(compact_range_.back(), right);
    }
    ++size_;
}

Hash32 MerkleTreeBuilder::root() const {
    if (compact_range_.empty()) return sha256({});
    // MTH splits off the largest perfect subtree on the left and recurses on the rest, so the
    // root folds the compact range from the right.
    Hash32 hash = compact_range_.back();
    for (auto it = compact_range_.rbegin() + 1; it != compact_range_.rend(); ++it) {
        hash = hash_merkle_children(*it, hash);
    }
    return hash;
}

}  // namespace psephos::crypto
