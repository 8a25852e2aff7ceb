// What every ballot, proof and signature of one election binds: the finalized manifest, its
// election base hash and the joint key (docs/encoding.md §3).
#pragma once

#include "psephos/crypto/bytes.hpp"
#include "psephos/election/election_manifest.hpp"

namespace psephos::election {

// The canonical binary encoding of a manifest (record type election_manifest, version 1); with
// include_ceremony false it leaves out the ceremony record, as the ceremony itself must.
Bytes encode_manifest(const ElectionManifest& manifest, bool include_ceremony);

// SHA-256("psephos/v1/ceremony-hash" framing ‖ manifest without ceremony): the base of every
// key-ceremony proof, so commitments are bound to this election's definition.
Hash32 compute_ceremony_hash(const ElectionManifest& manifest);

// Checks every guardian's Schnorr proofs against the ceremony hash and the joint key against
// the commitments.
Status verify_ceremony_record(const ElectionManifest& manifest);

struct ElectionContext {
    ElectionManifest manifest;
    Hash32 base_hash;  // SHA-256("psephos/v1/election-base-hash" framing ‖ finalized manifest)
    crypto::Point joint_key;  // K
};

// Fails unless the manifest is finalized (has a ceremony record) and that record verifies.
Result<ElectionContext> make_election_context(ElectionManifest manifest);

}  // namespace psephos::election
