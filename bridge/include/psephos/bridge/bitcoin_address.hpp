// Bitcoin's key hashes and native segwit addresses: HASH160, double SHA-256, Bech32 (BIP 173)
// and the P2WPKH addresses (witness version 0, 20-byte program) the bridge pays its change to.
//
// Only what the OP_RETURN anchor needs is here: P2WPKH on mainnet ("bc"), testnet and signet
// ("tb") and regtest ("bcrt"). Every other segwit address is refused with a message saying why:
// version-0 32-byte programs are P2WSH, and version 1+ addresses use Bech32m (BIP 350), whose
// checksum differs, so BIP 173's examples of v1+ addresses fail here on purpose.
//
// Decoding is strict as BIP 173 requires: at most 90 characters, US-ASCII 33..126 only, no mixed
// case, a valid checksum, padding of at most 4 zero bits. Encoding always gives lower case.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// RIPEMD-160(SHA-256(x)): the key hash inside a P2WPKH output (BIP 141).
using KeyHash160 = std::array<std::uint8_t, 20>;

// RIPEMD-160(SHA-256(data)). RIPEMD-160 comes from OpenSSL's default provider (OpenSSL ≥ 3.0.7,
// Debian 12 has it) or, on older 3.0.x, from the legacy provider, loaded once in a private
// library context. Throws std::runtime_error only if neither provides it.
KeyHash160 hash160(ByteSpan data);

// SHA-256(SHA-256(data)), as Bitcoin hashes transactions and signature messages; the digest in
// the order it comes out of the hash (the "internal" order, not the displayed one).
Hash32 double_sha256(ByteSpan data);

enum class BitcoinNetwork { mainnet, testnet, regtest };

// "bc", "tb" (testnet and signet share it), "bcrt".
std::string_view bech32_hrp(BitcoinNetwork network);
std::string_view to_string(BitcoinNetwork network);  // "mainnet", "testnet", "regtest"

// A Bech32 string taken apart: the human-readable part (lower case) and the 5-bit values of the
// data part, without the 6 checksum values.
struct Bech32String {
    std::string hrp;
    std::vector<std::uint8_t> values;
};

// BIP 173 Bech32. encode_bech32 throws std::invalid_argument for an empty or non-lower-case-ASCII
// hrp, a value ≥ 32, or a result longer than 90 characters (programming errors). decode_bech32
// fails with invalid_encoding and a message naming the fault and its character position.
std::string encode_bech32(std::string_view hrp, std::span<const std::uint8_t> values);
Result<Bech32String> decode_bech32(std::string_view text);

// A native segwit v0 pay-to-witness-public-key-hash address.
struct P2wpkhAddress {
    BitcoinNetwork network = BitcoinNetwork::mainnet;
    KeyHash160 key_hash{};

    // The address of a compressed public key (BIP 143 forbids uncompressed keys in P2WPKH).
    static P2wpkhAddress of_public_key(const CompressedPublicKey& public_key,
                                       BitcoinNetwork network);

    // The lower-case Bech32 address, e.g. "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".
    std::string to_string() const;
    // OP_0 PUSH20 <key_hash>: 0x00 0x14 ‖ key_hash.
    Bytes script_pubkey() const;

    friend bool operator==(const P2wpkhAddress&, const P2wpkhAddress&) = default;
};

// Parses a P2WPKH address for any of the three networks (the result says which). invalid_encoding
// names the fault: not Bech32, unknown human-readable part, witness version, program length,
// P2WSH, or an address from Bech32m (v1+).
Result<P2wpkhAddress> decode_p2wpkh_address(std::string_view address);

}  // namespace psephos::bridge
