// Solidity ABI encoding of the ElectionAnchor calls and decoding of their results (evm_abi.hpp).
#include "psephos/bridge/evm_abi.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "psephos/bridge/keccak.hpp"

namespace psephos::bridge {
namespace {

constexpr std::size_t word_size = 32;

using Word = std::array<std::uint8_t, word_size>;

Word word_of(const Hash32& value) { return value.bytes; }

// uintN and offsets: big-endian, left-padded with zeros to a word.
Word word_of(std::uint64_t value) { return u256_from_u64(value); }

// selector ‖ words, written into a buffer of its final size (GCC 12 reports growing a vector
// from 4 bytes as an out-of-bounds memcpy at -O3, a false positive).
Bytes call_of(std::string_view signature, const std::vector<Word>& words) {
    const FunctionSelector selector = function_selector(signature);
    Bytes out(selector.size() + words.size() * word_size);
    auto next = std::copy(selector.begin(), selector.end(), out.begin());
    for (const Word& word : words) next = std::copy(word.begin(), word.end(), next);
    return out;
}

Result<ByteSpan> single_word(ByteSpan return_data, const char* type) {
    if (return_data.size() != word_size) {
        return make_error(ErrorCode::invalid_encoding,
                          std::string("ABI ") + type +
                              " return value: expected one 32-byte word, " + "found " +
                              std::to_string(return_data.size()) + " bytes");
    }
    return return_data;
}

// Word with all but its last 8 bytes zero.
bool fits_u64(ByteSpan word) {
    return std::all_of(word.begin(), word.end() - 8, [](std::uint8_t b) { return b == 0; });
}

std::uint64_t last_u64(ByteSpan word) {
    std::uint64_t value = 0;
    for (std::uint8_t b : word.last(8)) value = value << 8 | b;
    return value;
}

}  // namespace

FunctionSelector function_selector(std::string_view signature) {
    const Hash32 digest = keccak256(as_bytes(signature));
    FunctionSelector selector{};
    std::copy(digest.bytes.begin(), digest.bytes.begin() + 4, selector.begin());
    return selector;
}

Bytes encode_anchor_call(const Hash32& election_id, std::uint64_t log_size, const Hash32& root) {
    return call_of("anchor(bytes32,uint64,bytes32)",
                   {word_of(election_id), word_of(log_size), word_of(root)});
}

Bytes encode_verify_inclusion_call(const Hash32& election_id, const Hash32& leaf_hash,
                                   std::uint64_t index, std::uint64_t tree_size,
                                   std::span<const Hash32> proof) {
    constexpr std::uint64_t head_words = 5;
    std::vector<Word> words = {word_of(election_id),
                               word_of(leaf_hash),
                               word_of(index),
                               word_of(tree_size),
                               word_of(head_words * word_size),  // where the array's tail starts
                               word_of(static_cast<std::uint64_t>(proof.size()))};
    for (const Hash32& element : proof) words.push_back(word_of(element));
    return call_of("verifyInclusion(bytes32,bytes32,uint256,uint256,bytes32[])", words);
}

Bytes encode_root_of_call(const Hash32& election_id, std::uint64_t log_size) {
    return call_of("rootOf(bytes32,uint64)", {word_of(election_id), word_of(log_size)});
}

Bytes encode_latest_size_call(const Hash32& election_id) {
    return call_of("latestSize(bytes32)", {word_of(election_id)});
}

Bytes encode_election_anchor_deployment(ByteSpan creation_code, const EvmAddress& bridge) {
    Bytes out(creation_code.size() + word_size, 0);
    std::copy(creation_code.begin(), creation_code.end(), out.begin());
    // An address is a uint160: right-aligned in its word.
    std::copy(bridge.bytes.begin(), bridge.bytes.end(), out.end() - bridge.bytes.size());
    return out;
}

Result<bool> decode_abi_bool(ByteSpan return_data) {
    auto word = single_word(return_data, "bool");
    if (!word) return word.error();
    if (!fits_u64(word.value()) || last_u64(word.value()) > 1) {
        return make_error(ErrorCode::invalid_encoding,
                          "ABI bool return value: the word is neither 0 nor 1");
    }
    return last_u64(word.value()) == 1;
}

Result<std::uint64_t> decode_abi_uint64(ByteSpan return_data) {
    auto word = single_word(return_data, "uint256");
    if (!word) return word.error();
    if (!fits_u64(word.value())) {
        return make_error(ErrorCode::invalid_encoding,
                          "ABI uint256 return value: 2^64 or more, too large for 64 bits");
    }
    return last_u64(word.value());
}

Result<Hash32> decode_abi_bytes32(ByteSpan return_data) {
    auto word = single_word(return_data, "bytes32");
    if (!word) return word.error();
    return Hash32::from_bytes(word.value());
}

}  // namespace psephos::bridge
