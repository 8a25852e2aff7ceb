// The Bitcoin anchor: a signed segwit v0 transaction that spends one P2WPKH output of the
// bridge's key and carries the anchor payload in one OP_RETURN output, plus a strict decoder and
// the BIP 143 input check the proof-bundle verifier runs on what it finds on chain.
//
// Byte order of transaction ids. Every Hash32 named txid or wtxid in this header holds the id in
// DISPLAY order: the order bitcoind's RPC, block explorers and bitcoinjs-lib's getId() show, so
// Hash32::from_hex / to_hex read and print it as people copy it. On the wire (outpoints) and as
// the raw double SHA-256 output the bytes are in the reverse order; only this file converts.
//
// The transaction build_op_return_transaction makes, and why:
//  - nVersion 2, nLockTime 0, BIP 144 serialization (marker 0x00, flag 0x01).
//  - One input: the configured UTXO, which must pay to the signing key's own P2WPKH script
//    (0x0014 ‖ HASH160(compressed key)); empty scriptSig; nSequence 0xfffffffd, which signals
//    BIP 125 replaceability so a stuck anchor can be fee-bumped, and leaves nLockTime in force.
//  - Output 0: value 0, script OP_RETURN ‖ one push of the payload (1..80 bytes, Bitcoin Core's
//    default -datacarriersize is 83 bytes of script): a direct push (0x01..0x4b) for 1..75 bytes,
//    OP_PUSHDATA1 (0x4c) for 76..80 — the shortest push, as standardness requires.
//  - Output 1, the change, to a P2WPKH address (by default the key's own), only if it is at least
//    the P2WPKH dust limit of 294 sat (Bitcoin Core's IsDust at the default 3 sat/vB dust relay
//    fee); a smaller remainder is left to the fee.
//  - Witness: [DER signature ‖ 0x01 (SIGHASH_ALL), compressed public key] over the BIP 143
//    digest with scriptCode = 0x76a914 ‖ HASH160(key) ‖ 0x88ac. The signature is low-S and
//    always exactly 70 bytes of DER (r and s each exactly 32 bytes with the top bit clear). As
//    in Bitcoin Core's low-R grinding, the builder signs with RFC 6979 and, while the DER has
//    another length (p ≈ 1/2), signs again with RFC 6979's extra data = a little-endian counter
//    1, 2, ...; still deterministic, and the first try is the plain RFC 6979 signature.
//  - Fee for a rate: rate × the vsize (weight / 4, rounded up, BIP 141) of the signed
//    transaction, exactly: with the signature's length fixed, the vsize is known before signing.
//    Change is kept when amount − fee (computed with the change output) is at least 294 sat;
//    otherwise the change output is dropped and the whole UTXO is the fee, which must then be
//    at least rate × the smaller vsize.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/secp256k1_key.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

inline constexpr std::size_t max_op_return_payload_size = 80;
inline constexpr std::uint64_t p2wpkh_dust_limit_sat = 294;
inline constexpr std::uint64_t max_money_sat = 21'000'000ULL * 100'000'000ULL;
inline constexpr std::uint32_t anchor_input_sequence = 0xfffffffd;
inline constexpr std::uint32_t sighash_all = 1;

// An unspent output of the bridge key's P2WPKH address. txid in display order (file comment).
struct Utxo {
    Hash32 txid;
    std::uint32_t vout = 0;
    std::uint64_t amount_sat = 0;
};

// The fee as a rate (sat per virtual byte of the signed transaction) or as a fixed amount.
struct FeeRate {
    std::uint64_t sat_per_vbyte = 1;
};
struct FixedFee {
    std::uint64_t sat = 0;
};

struct OpReturnAnchorPlan {
    Utxo input;
    Bytes payload;  // 1..80 bytes
    std::variant<FeeRate, FixedFee> fee = FeeRate{};
    // A P2WPKH address of `network`; empty means the signing key's own P2WPKH address.
    std::optional<std::string> change_address;
    BitcoinNetwork network = BitcoinNetwork::mainnet;
};

struct SignedBitcoinTransaction {
    Bytes raw;     // BIP 144 serialization, ready for sendrawtransaction
    Hash32 txid;   // display order
    Hash32 wtxid;  // display order
    std::uint64_t fee_sat = 0;
    std::size_t vsize = 0;  // virtual bytes: weight / 4 rounded up (BIP 141)

    std::string raw_hex() const { return to_hex(raw); }
    std::string txid_hex() const { return txid.to_hex(); }
    std::string wtxid_hex() const { return wtxid.to_hex(); }
};

// Builds and signs the anchor transaction described in the file comment. Errors:
// invalid_argument for an empty or oversized payload, a zero fee rate, an amount above 21 M BTC,
// a change address that does not decode or is for another network; refused if the UTXO cannot
// pay the fee (or the fixed fee is below 1 sat/vB, which nodes would not relay).
Result<SignedBitcoinTransaction> build_op_return_transaction(const OpReturnAnchorPlan& plan,
                                                             const Secp256k1SigningKey& key);

struct BitcoinOutPoint {
    Hash32 txid;  // display order
    std::uint32_t vout = 0;
};

struct BitcoinInput {
    BitcoinOutPoint prevout;
    Bytes script_sig;
    std::uint32_t sequence = 0;
    std::vector<Bytes> witness;  // empty for an input without witness
};

struct BitcoinOutput {
    std::uint64_t value_sat = 0;
    Bytes script_pubkey;
};

struct DecodedBitcoinTransaction {
    std::uint32_t version = 0;
    std::vector<BitcoinInput> inputs;
    std::vector<BitcoinOutput> outputs;
    std::uint32_t locktime = 0;
    // Whether any input has a witness, hence whether it serializes with BIP 144's marker and flag.
    bool has_witness = false;
    Hash32 txid;   // display order: reversed double SHA-256 of the serialization without witness
    Hash32 wtxid;  // display order: the same over the full serialization (== txid if no witness)
};

// Strict decoder for the legacy and the BIP 144 serialization. Rejections are invalid_encoding
// with "bitcoin transaction at byte <offset>: <what>": truncation, trailing bytes, non-minimal or
// over-large CompactSize (Bitcoin Core's 0x02000000 cap), zero inputs or outputs, a segwit flag
// other than 1, a segwit serialization whose witnesses are all empty (not round-trippable), an
// output value above 21 M BTC, more than 100 000 inputs / outputs / witness items per input, or
// more than 4 000 000 bytes in all (a block's weight).
Result<DecodedBitcoinTransaction> decode_bitcoin_transaction(ByteSpan raw);

// The serialization decode_bitcoin_transaction reads (BIP 144 if has_witness): decoding an input
// and serializing the result gives the input back byte for byte. txid and wtxid are ignored.
Bytes serialize_bitcoin_transaction(const DecodedBitcoinTransaction& tx);
// The serialization without witness data, whose double SHA-256 is the txid.
Bytes serialize_bitcoin_transaction_without_witness(const DecodedBitcoinTransaction& tx);
// BIP 141 weight (3 × size without witness + full size) and virtual size (weight / 4 rounded up).
std::size_t transaction_weight(const DecodedBitcoinTransaction& tx);
std::size_t transaction_vsize(const DecodedBitcoinTransaction& tx);

// The payload of the transaction's only OP_RETURN output (a script starting with 0x6a): not_found
// if there is none; invalid_encoding if there is more than one, or if the script is not exactly
// OP_RETURN followed by one push of 1..80 bytes in its shortest form (anything else is not an
// anchor this bridge wrote).
Result<Bytes> op_return_payload(const DecodedBitcoinTransaction& tx);

// BIP 143's three shared hashes (internal order, as they enter the sighash preimage) and the
// signature digest for one input. The functions implement SIGHASH_ALL only; input_index must be
// in range (std::out_of_range otherwise).
struct Bip143SharedHashes {
    Hash32 hash_prevouts;
    Hash32 hash_sequence;
    Hash32 hash_outputs;
};
Bip143SharedHashes bip143_shared_hashes(const DecodedBitcoinTransaction& tx);
// The digest that is signed (internal order, passed to ECDSA as is).
Hash32 bip143_sighash_all(const DecodedBitcoinTransaction& tx, std::size_t input_index,
                          ByteSpan script_code, std::uint64_t amount_sat);
// 0x76a914 ‖ key_hash ‖ 0x88ac, the scriptCode of a P2WPKH input (BIP 143).
Bytes p2wpkh_script_code(const KeyHash160& key_hash);

// Checks that input `input_index` is a valid native P2WPKH spend of an output worth `amount_sat`
// paying to `expected_key_hash`: empty scriptSig; witness of exactly two items; a 33-byte
// compressed key whose HASH160 is expected_key_hash; a strict-DER low-S signature with sighash
// type SIGHASH_ALL (the only type the bridge signs with) that verifies over the BIP 143 digest.
// invalid_argument if the index is out of range; verification_failed otherwise, naming the check.
Status verify_p2wpkh_input(const DecodedBitcoinTransaction& tx, std::size_t input_index,
                           std::uint64_t amount_sat, const KeyHash160& expected_key_hash);

}  // namespace psephos::bridge
