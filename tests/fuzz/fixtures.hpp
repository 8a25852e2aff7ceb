// Fixed statements the fuzz targets check fuzzed proofs and signatures against, shared with
// make_seed_corpus so that the seeds are genuine for them (or, for the range proof, deliberately
// for another context).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::fuzz {

// fuzz_range_proof: every fuzzed proof is checked against an encryption of 1 under a fixed key,
// in range_fuzz_context; the seed proofs prove the same statement in range_seed_context, so they
// decode but do not verify.
struct RangeStatement {
    Hash32 base_hash;
    crypto::Point public_key;
    crypto::Scalar nonce;
    crypto::Ciphertext ciphertext;
    std::uint64_t message = 1;
};

inline const RangeStatement& range_statement() {
    static const RangeStatement fixed = [] {
        RangeStatement s;
        s.base_hash.bytes.fill(0x42);
        s.public_key = crypto::Point::multiply_base(crypto::Scalar::from_uint64(0x5eed));
        s.nonce = crypto::Scalar::from_uint64(7);
        s.ciphertext = crypto::encrypt_message(s.message, s.nonce, s.public_key);
        return s;
    }();
    return fixed;
}

inline constexpr std::string_view range_fuzz_context = "fuzz_range_proof";
inline constexpr std::string_view range_seed_context = "seed_corpus";

// fuzz_ed25519: the one key whose signatures the seeds carry (seed: 32 bytes of 0x01).
inline const crypto::Ed25519SigningKey& ed25519_fixed_key() {
    static const crypto::Ed25519SigningKey key = [] {
        std::array<std::uint8_t, crypto::Ed25519SigningKey::seed_size> seed{};
        seed.fill(0x01);
        return crypto::Ed25519SigningKey::from_seed(seed).value();
    }();
    return key;
}

// fuzz_merkle_*: a small real tree of merkle_leaf_count entries.
inline constexpr std::uint64_t merkle_leaf_count = 7;

// Leaf hashes of the entries "entry 0" … "entry 6".
inline const std::vector<Hash32>& merkle_leaf_hashes() {
    static const std::vector<Hash32> leaves = [] {
        std::vector<Hash32> hashes;
        for (std::uint64_t i = 0; i < merkle_leaf_count; ++i) {
            const std::string entry = "entry " + std::to_string(i);
            hashes.push_back(crypto::hash_merkle_leaf(as_bytes(entry)));
        }
        return hashes;
    }();
    return leaves;
}

// MTH(D[a:b]) for every 0 <= a < b <= n, sorted: a superset of every node of every prefix tree
// (leaves, interior nodes, and the roots of all sizes 1 … n). By collision resistance, a proof
// that verifies against one of these as a root consists only of these hashes.
inline const std::vector<Hash32>& merkle_real_nodes() {
    static const std::vector<Hash32> nodes = [] {
        const std::span<const Hash32> leaves = merkle_leaf_hashes();
        std::vector<Hash32> all;
        for (std::size_t a = 0; a < leaves.size(); ++a) {
            for (std::size_t b = a + 1; b <= leaves.size(); ++b) {
                all.push_back(crypto::compute_merkle_root(leaves.subspan(a, b - a)));
            }
        }
        std::sort(all.begin(), all.end());
        return all;
    }();
    return nodes;
}

inline bool is_real_merkle_node(const Hash32& hash) {
    const auto& nodes = merkle_real_nodes();
    return std::binary_search(nodes.begin(), nodes.end(), hash);
}

}  // namespace psephos::fuzz
