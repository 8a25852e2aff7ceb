// The election authority (docs/encoding.md §16, docs/threat-model.md): an offline Ed25519 key
// that approves one finalized election (its base hash) and authorises each device for one
// district. A ledger is created only for an approved election and registers only authorised
// devices; the verifier takes the authority's public key as a trust anchor and checks both
// (V29, V30). Neither the ledger key nor an election official can add a device on their own.
#pragma once

#include <string>

#include "psephos/crypto/ed25519.hpp"
#include "psephos/crypto/ed25519_signer.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/ledger_records.hpp"

namespace psephos::election {

// Record 0x14: the authority's signature over the election's base hash, with its public key.
struct ElectionApproval {
    Hash32 base_hash;
    crypto::Ed25519PublicKey authority_key;
    crypto::Ed25519Signature signature;

    friend bool operator==(const ElectionApproval&, const ElectionApproval&) = default;
};

Bytes encode_election_approval(const ElectionApproval& approval);
Result<ElectionApproval> decode_election_approval(ByteSpan data);

// What each signature covers: a domain label, so that a signature of one kind is never one of
// the other (or of a ballot, a note, a decryption), then the bytes it binds.
Bytes election_approval_message(const Hash32& base_hash);
Bytes device_authorisation_message(const Hash32& base_hash, const DeviceRegistration& registration);
Bytes device_deauthorisation_message(const Hash32& base_hash,
                                     const DeviceDeauthorisation& deauthorisation);

ElectionApproval approve_election(const Hash32& base_hash,
                                  const crypto::Ed25519SigningKey& authority);
// The same with a signer, e.g. the authority's key in a PKCS#11 token (docs/keys.md): its
// error (a token that fails to sign) is the caller's to report.
Result<ElectionApproval> approve_election(const Hash32& base_hash,
                                          const crypto::Ed25519Signer& authority);
// The approval is for this base hash and its signature verifies under its own key. Whether that
// key is the authority's is the caller's trust anchor to compare (verification_failed names it).
Status verify_election_approval(const ElectionApproval& approval, const Hash32& base_hash);

// Fills registration.authority_signature.
void authorise_device(const Hash32& base_hash, DeviceRegistration& registration,
                      const crypto::Ed25519SigningKey& authority);
Status authorise_device(const Hash32& base_hash, DeviceRegistration& registration,
                        const crypto::Ed25519Signer& authority);
// verification_failed naming the device and district unless the authority signed exactly this
// registration for this election.
Status verify_device_authorisation(const Hash32& base_hash, const DeviceRegistration& registration,
                                   const crypto::Ed25519PublicKey& authority_key);

// Fills deauthorisation.authority_signature (ledger_records.hpp: DeviceDeauthorisation).
void deauthorise_device(const Hash32& base_hash, DeviceDeauthorisation& deauthorisation,
                        const crypto::Ed25519SigningKey& authority);
Status deauthorise_device(const Hash32& base_hash, DeviceDeauthorisation& deauthorisation,
                          const crypto::Ed25519Signer& authority);
// verification_failed naming the device and district unless the authority signed exactly this
// deauthorisation for this election.
Status verify_device_deauthorisation(const Hash32& base_hash,
                                     const DeviceDeauthorisation& deauthorisation,
                                     const crypto::Ed25519PublicKey& authority_key);

// "ed25519:<64 hex digits>": how reports and files name the authority's key.
std::string authority_key_text(const crypto::Ed25519PublicKey& key);

}  // namespace psephos::election
