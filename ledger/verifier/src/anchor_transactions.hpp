// The verifier's own readers of the anchor transactions the bridge log records (V28,
// docs/election-record.md §5): a signed EIP-1559 transaction (EIP-2718 type 2 over RLP) and a
// Bitcoin transaction (legacy or BIP 144 serialization). Written from the specifications, not
// from bridge/'s decoders, and kept to what V28 needs; tests/fuzz/fuzz_verifier_anchor_transactions
// checks that they accept and refuse exactly what bridge/'s strict decoders do. Private to
// ledger/verifier/src.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::verifier::decode {

using EvmAddressBytes = std::array<std::uint8_t, 20>;

// A signed EIP-1559 transaction with an empty access list, as the bridge signs it.
struct DecodedEvmTransaction {
    std::uint64_t chain_id = 0;
    std::uint64_t nonce = 0;
    std::optional<EvmAddressBytes> to;  // none: contract creation
    bool value_is_zero = false;
    Bytes data;
    Hash32 hash;             // Keccak-256 of the raw bytes
    EvmAddressBytes sender;  // recovered from the signature
};

// Strictly: 0x02 ‖ one canonical RLP list of exactly the 12 fields (chain id ≥ 1, nonce and gas
// limit < 2^64, fees and value < 2^256, all minimal integers; `to` empty or 20 bytes; data; an
// empty access list; y parity 0 or 1; 0 < r < n; 0 < s ≤ n/2, EIP-2), nothing after it, and a
// public key that recovers from the signature over Keccak-256(0x02 ‖ rlp(first 9 fields)).
// invalid_encoding naming the field and its offset otherwise.
Result<DecodedEvmTransaction> decode_evm_transaction(ByteSpan raw);

// "0x" ‖ 40 hex digits in EIP-55's mixed-case checksum form.
std::string eip55_address(const EvmAddressBytes& address);

// A Bitcoin transaction: its outputs and its txid.
struct DecodedBitcoinTransaction {
    struct Output {
        std::uint64_t value_sat = 0;
        Bytes script;
    };
    std::vector<Output> outputs;
    Hash32 txid;  // display order: SHA-256d of the serialization without witness, reversed
};

// Strictly, with the limits Bitcoin Core and the bridge apply: version; BIP 144 marker 0x00 and
// flag 0x01 when a witness follows; at least one input and one output, each count and length a
// minimal CompactSize of at most 0x02000000, counts at most 100 000; output values and their sum
// at most 21 000 000 BTC; a segwit serialization has at least one non-empty witness; locktime;
// nothing after it; at most 4 000 000 bytes. invalid_encoding naming the byte offset otherwise.
Result<DecodedBitcoinTransaction> decode_bitcoin_transaction(ByteSpan raw);

}  // namespace psephos::verifier::decode
