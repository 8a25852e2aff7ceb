// secp256k1 signing keys for the bridge's external chains (EVM and Bitcoin), on libsecp256k1.
//
// The bridge's keys never enter the ledger or any log: they live in key files of their own
// (mode 0600, exactly four lines, each ending in '\n'):
//
//     psephos-secp256k1-secret-key-v1
//     name: <label>
//     public: <hex of the 33-byte compressed public key>
//     secret: <hex of the 32-byte secret scalar>
//
// As with the Ed25519 key files (crypto/key_file.hpp), the public line is redundant on purpose:
// reading checks it against the key derived from the secret, so a damaged file is refused.
// Signatures are deterministic (RFC 6979, libsecp256k1's default nonce function) and low-S
// (BIP 62, EIP-2), so the same key and digest always give the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// r ‖ s (big-endian, 32 bytes each) and the recovery id (0 or 1: the parity of R's y; libsecp256k1
// never returns 2 or 3 for keys it accepts, since that needs r ≥ n, probability ~2^-127).
struct RecoverableSignature {
    std::array<std::uint8_t, 32> r{};
    std::array<std::uint8_t, 32> s{};
    int recovery_id = 0;
};

using CompressedPublicKey = std::array<std::uint8_t, 33>;
using UncompressedPublicKey = std::array<std::uint8_t, 65>;  // 0x04 ‖ x ‖ y

// Move-only owner of a secret scalar in [1, n−1]; wiped on destruction and when moved from.
class Secp256k1SigningKey {
public:
    static constexpr std::size_t secret_size = 32;

    ~Secp256k1SigningKey();
    Secp256k1SigningKey(const Secp256k1SigningKey&) = delete;
    Secp256k1SigningKey& operator=(const Secp256k1SigningKey&) = delete;
    Secp256k1SigningKey(Secp256k1SigningKey&& other) noexcept;
    Secp256k1SigningKey& operator=(Secp256k1SigningKey&& other) noexcept;

    // A fresh key from libsodium's CSPRNG (rejection-sampled into [1, n−1]).
    static Secp256k1SigningKey generate();
    // invalid_argument unless `secret` is 32 bytes encoding an integer in [1, n−1].
    static Result<Secp256k1SigningKey> from_secret(ByteSpan secret);

    CompressedPublicKey compressed_public_key() const;
    UncompressedPublicKey uncompressed_public_key() const;

    // ECDSA over a 32-byte message digest (the caller hashes: Keccak-256 for EVM chains, double
    // SHA-256 for Bitcoin), low-S, with its recovery id.
    RecoverableSignature sign_recoverable(const Hash32& digest) const;
    // The same signature, strict DER-encoded (BIP 66), without a sighash byte.
    Bytes sign_der(const Hash32& digest) const;

    // The 32-byte secret, for key files. Whoever copies it must wipe the copy.
    std::span<const std::uint8_t, secret_size> secret() const;

private:
    Secp256k1SigningKey() = default;
    void require_not_empty() const;

    std::array<std::uint8_t, secret_size> secret_{};
};

// Checks a DER signature (low-S required) over `digest` under a compressed or uncompressed key:
// verification_failed otherwise, invalid_encoding for a key or signature that does not parse.
Status verify_der_signature(ByteSpan public_key, const Hash32& digest, ByteSpan der_signature);

// The uncompressed public key that signed `digest` with `signature`, or verification_failed.
Result<UncompressedPublicKey> recover_public_key(const Hash32& digest,
                                                 const RecoverableSignature& signature);

// Key files (see the file comment). Errors name the file and, for format faults, the line:
// not_found; permission_denied if the group or others have any access; invalid_encoding;
// verification_failed if the public line does not match the secret. Writers never replace a file.
Status write_secp256k1_key_file(const std::filesystem::path& path, const Secp256k1SigningKey& key,
                                std::string_view name);
Result<Secp256k1SigningKey> read_secp256k1_key_file(const std::filesystem::path& path);

}  // namespace psephos::bridge
