// Fuzzes Ed25519PublicKey::from_bytes, Ed25519Signature::from_bytes and verify_signature, which
// check every signed announcement, share and ledger record. Input: 32 bytes of public key, 64
// bytes of signature, then the message (short inputs are padded with zeros).
// Invariants: decoders keep exactly the bytes they accept and reject other lengths; a decoded
// public key passes libsodium's strict check again; verify_signature never crashes and rejects
// with a verification_failed error that has a message; it accepts only the fixed seed key's own
// deterministic signature of the message (the seeds' genuine signatures), so any other accepted
// signature — a forgery or a malleated one — fails the target. Signing the message with a key
// derived from the first 32 input bytes as a seed gives a signature that verifies.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "fixtures.hpp"
#include "fuzz_support.hpp"
#include "psephos/crypto/ed25519.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    (void)fuzz::ed25519_fixed_key();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    // Whole-input decodes: only the exact lengths may succeed.
    auto whole_key = Ed25519PublicKey::from_bytes(input);
    if (size != Ed25519PublicKey::size) require(!whole_key.ok(), "public key needs 32 bytes");
    if (!whole_key) fuzz::require_message(whole_key.error(), "public key error has a message");
    auto whole_signature = Ed25519Signature::from_bytes(input);
    require(whole_signature.ok() == (size == Ed25519Signature::size),
            "Ed25519Signature::from_bytes succeeds exactly for 64 bytes");

    fuzz::InputReader reader(input);
    std::array<std::uint8_t, Ed25519PublicKey::size> key_bytes{};
    for (auto& byte : key_bytes) byte = reader.take_u8();
    std::array<std::uint8_t, Ed25519Signature::size> signature_bytes{};
    for (auto& byte : signature_bytes) byte = reader.take_u8();
    const ByteSpan message = reader.rest();

    auto signature = Ed25519Signature::from_bytes(signature_bytes);
    require(signature.ok() && signature.value().bytes == signature_bytes,
            "Ed25519Signature::from_bytes keeps any 64 bytes");

    // A key derived from fuzzed seed bytes signs and verifies (round trip through the decoder).
    auto seeded = Ed25519SigningKey::from_seed(key_bytes);
    require(seeded.ok(), "any 32 bytes are a seed");
    auto seeded_public = Ed25519PublicKey::from_bytes(seeded.value().public_key().span());
    require(seeded_public.ok(), "a derived public key passes from_bytes");
    require(verify_signature(seeded_public.value(), message, seeded.value().sign(message)).ok(),
            "a fresh signature verifies");

    auto public_key = Ed25519PublicKey::from_bytes(key_bytes);
    if (!public_key) {
        fuzz::require_message(public_key.error(), "public key error has a message");
        return 0;
    }
    require(public_key.value().bytes == key_bytes, "Ed25519PublicKey::from_bytes keeps the bytes");
    auto again = Ed25519PublicKey::from_bytes(public_key.value().span());
    require(again.ok() && again.value() == public_key.value(), "a decoded key decodes again");

    const Status verified = verify_signature(public_key.value(), message, signature.value());
    if (!verified) {
        require(verified.error().code == ErrorCode::verification_failed,
                "verify_signature rejects with verification_failed");
        fuzz::require_message(verified.error(), "verify_signature error has a message");
        return 0;
    }
    require(public_key.value() == fuzz::ed25519_fixed_key().public_key() &&
                signature.value() == fuzz::ed25519_fixed_key().sign(message),
            "only the genuine signature by the seed key verifies (no forgery, no malleability)");
    return 0;
}
