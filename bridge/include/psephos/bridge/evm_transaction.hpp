// EVM accounts and transactions: EIP-55 addresses, EIP-1559 (type 2) transactions the bridge
// signs to anchor election roots, legacy EIP-155 transactions, and a strict decoder of both
// signed forms for the proof-bundle verifier, which must check that an anchor transaction
// carries the expected payload and was sent by the bridge's address.
//
// Choices made here once for every caller:
//  - Integers that consensus bounds by 2^64 (chain id, nonce — EIP-2681 —, gas limit) are u64;
//    amounts of wei (value, gas prices) are U256, since they can exceed 2^64 wei.
//  - Only empty access lists: the bridge never sends another kind, and a decoded transaction
//    must be fully described by the returned fields, so a non-empty access list is refused.
//  - Legacy transactions must carry an EIP-155 chain id (v = 35 + 2·chain_id + y parity); a
//    pre-EIP-155 signature (v = 27 or 28) can be replayed on any chain and is refused.
//  - Chain id 0 is refused (sign() throws std::invalid_argument; the decoder fails).
//  - Signatures must be low-S (EIP-2: s ≤ n/2) with 0 < r < n; sign() always makes such ones.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// A 20-byte account address: the last 20 bytes of Keccak-256 of the public key's x ‖ y.
struct EvmAddress {
    std::array<std::uint8_t, 20> bytes{};

    // "0x" and 40 hex digits in the EIP-55 mixed-case checksum form.
    std::string to_checksum_text() const;
    // "0x" and 40 hex digits. All lower or all upper case digits carry no checksum and are
    // accepted as they are; mixed case must be the EIP-55 form (invalid_encoding otherwise),
    // which catches most typing errors in an address pasted by a person.
    static Result<EvmAddress> from_text(std::string_view text);
    static EvmAddress of_public_key(const UncompressedPublicKey& public_key);

    friend auto operator<=>(const EvmAddress&, const EvmAddress&) = default;
};

// An unsigned 256-bit integer, 32 bytes big-endian (amounts of wei).
using U256 = std::array<std::uint8_t, 32>;

U256 u256_from_u64(std::uint64_t value);
// Up to 32 big-endian bytes (shorter input is left-padded); invalid_argument if longer.
Result<U256> u256_from_big_endian(ByteSpan big_endian);

// A signed transaction as broadcast (eth_sendRawTransaction) and its transaction hash.
struct SignedEvmTransaction {
    Bytes raw;
    Hash32 hash;  // keccak256(raw)
};

// EIP-1559 (type 2) transaction with an empty access list.
struct Eip1559Transaction {
    std::uint64_t chain_id = 0;
    std::uint64_t nonce = 0;
    U256 max_priority_fee_per_gas{};
    U256 max_fee_per_gas{};
    std::uint64_t gas_limit = 0;
    std::optional<EvmAddress> to;  // none: contract creation
    U256 value{};
    Bytes data;

    // keccak256(0x02 ‖ rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas,
    // gas_limit, to, value, data, access_list])), the digest the sender signs.
    Hash32 signing_hash() const;
    // 0x02 ‖ rlp([… the nine fields …, y_parity, r, s]).
    Bytes encode_signed(const RecoverableSignature& signature) const;
    SignedEvmTransaction sign(const Secp256k1SigningKey& key) const;

    friend bool operator==(const Eip1559Transaction&, const Eip1559Transaction&) = default;
};

// Legacy transaction with EIP-155 replay protection.
struct LegacyTransaction {
    std::uint64_t nonce = 0;
    U256 gas_price{};
    std::uint64_t gas_limit = 0;
    std::optional<EvmAddress> to;  // none: contract creation
    U256 value{};
    Bytes data;
    std::uint64_t chain_id = 0;  // at most (2^64 − 37) / 2, so that v fits 64 bits

    // keccak256(rlp([nonce, gas_price, gas_limit, to, value, data, chain_id, 0, 0])), EIP-155.
    Hash32 signing_hash() const;
    // rlp([… the six fields …, v, r, s]) with v = recovery_id + 2·chain_id + 35.
    Bytes encode_signed(const RecoverableSignature& signature) const;
    SignedEvmTransaction sign(const Secp256k1SigningKey& key) const;

    friend bool operator==(const LegacyTransaction&, const LegacyTransaction&) = default;
};

// A signed transaction taken apart by decode_signed_transaction.
struct DecodedEvmTransaction {
    std::variant<Eip1559Transaction, LegacyTransaction> transaction;
    RecoverableSignature signature;  // recovery_id is the y parity
    Hash32 signing_hash;
    Hash32 hash;        // keccak256 of the raw bytes, the transaction hash
    EvmAddress sender;  // recovered from the signature

    // The fields both kinds share.
    std::uint64_t chain_id() const;
    std::uint64_t nonce() const;
    std::uint64_t gas_limit() const;
    const std::optional<EvmAddress>& to() const;
    const U256& value() const;
    const Bytes& data() const;
};

// Decodes a signed EIP-1559 (0x02 ‖ rlp(…)) or legacy EIP-155 (rlp(…)) transaction, strictly: the
// RLP must be canonical with no bytes after it (so the raw bytes are the unique encoding of the
// returned fields, and encode_signed gives them back), every integer minimal and in range, `to`
// empty or 20 bytes, the access list empty, the y parity 0 or 1, 0 < r < n and 0 < s ≤ n/2.
// invalid_encoding for all of these, naming the transaction kind, the field and the offset;
// verification_failed if no public key recovers from the signature.
Result<DecodedEvmTransaction> decode_signed_transaction(ByteSpan raw);

}  // namespace psephos::bridge
