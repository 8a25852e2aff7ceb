// A small real transparency log for the witness tests: leaf hashes, an Ed25519 note key that
// signs checkpoints as the log's origin (as the ledger does), and the RFC 9162 consistency proofs
// between its sizes. A fork is another log under the same origin and key.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/witness/add_checkpoint_request.hpp"

namespace psephos::test {

struct TestLog {
    std::string origin;
    crypto::Ed25519SigningKey key;
    std::vector<Hash32> leaves;

    TestLog(std::string origin_name, crypto::Ed25519SigningKey signing_key, std::string salt,
            std::size_t count)
        : origin(std::move(origin_name)), key(std::move(signing_key)) {
        grow(count, salt);
    }
    void grow(std::size_t count, const std::string& salt = "entry") {
        for (std::size_t i = 0; i < count; ++i) {
            const std::string entry = salt + " " + std::to_string(leaves.size());
            leaves.push_back(crypto::hash_merkle_leaf(as_bytes(entry)));
        }
    }
    election::NoteVerifierKey verifier() const {
        return election::NoteVerifierKey::of(origin, key.public_key());
    }
    election::Checkpoint checkpoint(std::uint64_t size) const {
        election::Checkpoint c;
        c.origin = origin;
        c.size = size;
        c.root = crypto::compute_merkle_root(std::span(leaves).first(size));
        return c;
    }
    std::string note(std::uint64_t size) const {
        return election::sign_note(checkpoint(size).to_text(), origin, key).value();
    }
    std::vector<Hash32> proof(std::uint64_t old_size, std::uint64_t size) const {
        if (old_size == 0) return {};
        return crypto::prove_consistency(std::span(leaves).first(size), old_size).value();
    }
    std::string body(std::uint64_t old_size, std::uint64_t size) const {
        witness::AddCheckpointRequest r;
        r.old_size = old_size;
        r.proof = proof(old_size, size);
        r.checkpoint_note = note(size);
        return r.to_text();
    }
};

inline crypto::Ed25519SigningKey key_from_byte(std::uint8_t b) {
    Bytes seed(32, b);
    return crypto::Ed25519SigningKey::from_seed(seed).value();
}

}  // namespace psephos::test
