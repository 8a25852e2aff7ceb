// The Solidity contract ABI, only as far as the bridge talks to its ElectionAnchor contract
// (bridge/contracts/ElectionAnchor.sol): function selectors, the calldata of its calls, and the
// return values the bridge reads back. Layout per the Solidity ABI specification ("Contract ABI
// Specification", docs.soliditylang.org): every static argument is one 32-byte word in the head;
// a dynamic array's head word is the byte offset of its tail (length word, then elements),
// counted from the start of the arguments (after the selector).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

using FunctionSelector = std::array<std::uint8_t, 4>;

// The first 4 bytes of keccak256 of the canonical signature, e.g. "anchor(bytes32,uint64,bytes32)"
// (types only, no spaces, no parameter names).
FunctionSelector function_selector(std::string_view signature);

// anchor(bytes32 electionId, uint64 logSize, bytes32 root)
Bytes encode_anchor_call(const Hash32& election_id, std::uint64_t log_size, const Hash32& root);

// verifyInclusion(bytes32 electionId, bytes32 leafHash, uint256 index, uint256 treeSize,
//                 bytes32[] proof) — the proof as a dynamic array: offset 0xa0 in the head,
// then its length and elements in the tail.
Bytes encode_verify_inclusion_call(const Hash32& election_id, const Hash32& leaf_hash,
                                   std::uint64_t index, std::uint64_t tree_size,
                                   std::span<const Hash32> proof);

// rootOf(bytes32 electionId, uint64 logSize) and latestSize(bytes32 electionId), the views.
Bytes encode_root_of_call(const Hash32& election_id, std::uint64_t log_size);
Bytes encode_latest_size_call(const Hash32& election_id);

// The contract's creation code followed by its constructor argument (address bridge_).
Bytes encode_election_anchor_deployment(ByteSpan creation_code, const EvmAddress& bridge);

// Return data of one static value, strictly: exactly one 32-byte word (invalid_encoding
// otherwise, saying what was found).
// bool: the word must be 0 or 1.
Result<bool> decode_abi_bool(ByteSpan return_data);
// uint256 (or a narrower uintN, which the ABI zero-pads to the same word) read into 64 bits:
// invalid_encoding if the value is 2^64 or more.
Result<std::uint64_t> decode_abi_uint64(ByteSpan return_data);
// bytes32.
Result<Hash32> decode_abi_bytes32(ByteSpan return_data);

}  // namespace psephos::bridge
