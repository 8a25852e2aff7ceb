// RLP, the Recursive Length Prefix serialization of Ethereum (Yellow Paper, appendix B): the
// encoding of the transactions the bridge signs and of the ones a proof bundle carries.
//
// An RLP item is a byte string or a list of items; integers are byte strings holding their
// minimal big-endian form (0 is the empty string). The decoder is strict: each item has exactly
// one encoding, the one the encoder produces, so a decoded transaction re-encodes to the bytes
// that were hashed and signed. It refuses, naming the offset of the fault ("RLP: offset 17: …"):
//  - a single byte below 0x80 wrapped as a one-byte string (0x81 0x00 … 0x81 0x7f);
//  - a long-form length (0xb8…0xbf, 0xf8…0xff) for a payload shorter than 56 bytes;
//  - a long-form length with a leading zero byte;
//  - a payload or length running past the end of its input or of its enclosing list;
//  - bytes after the top-level item;
//  - more than rlp_max_depth lists nested one inside another (the decoder recurses per level).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "psephos/crypto/bytes.hpp"
#include "psephos/crypto/result.hpp"

namespace psephos::bridge {

// The most lists the decoder accepts nested one inside another. Ethereum's own structures need
// 4 (a transaction, its access list, an entry of it, the entry's storage keys).
constexpr int rlp_max_depth = 16;

// One decoded (or to-be-encoded) item: a byte string or a list of items.
struct RlpItem {
    enum class Kind { bytes, list };

    Kind kind = Kind::bytes;
    Bytes bytes;                 // the string, when kind == bytes
    std::vector<RlpItem> items;  // the elements, when kind == list
    // Where the decoder found the item's first byte in its input, for error messages of the
    // callers that interpret it (0 for items built in code). Not part of the value: == ignores it.
    std::size_t offset = 0;

    static RlpItem of_bytes(ByteSpan data);
    static RlpItem of_list(std::vector<RlpItem> elements);
    // An unsigned integer as its minimal big-endian string: 0 → "", 1024 → 04 00.
    static RlpItem of_uint(std::uint64_t value);
    // A big-endian unsigned integer of any width, leading zero bytes removed.
    static RlpItem of_uint_big_endian(ByteSpan big_endian);

    bool is_list() const { return kind == Kind::list; }
    friend bool operator==(const RlpItem& a, const RlpItem& b);
};

// The canonical RLP encoding of an item.
Bytes rlp_encode(const RlpItem& item);
// Shortcuts for the transaction builders: a string item, and a list around items already
// encoded (their concatenation becomes the list's payload).
Bytes rlp_encode_bytes(ByteSpan data);
Bytes rlp_encode_uint(std::uint64_t value);
Bytes rlp_encode_list(const std::vector<Bytes>& encoded_elements);

// Decodes exactly one item that spans all of `encoded`; invalid_encoding otherwise, with a
// message "RLP: offset <n>: <fault>". Offsets (in messages and in RlpItem::offset) count from
// offset_base, for RLP inside a larger input: a typed transaction's payload after its type byte.
Result<RlpItem> rlp_decode(ByteSpan encoded, std::size_t offset_base = 0);

// Integers read back strictly from decoded items (invalid_encoding, "RLP: offset <n>: …"): the
// item must be a string without a leading zero byte ("" is 0) that fits the type.
Result<std::uint64_t> rlp_to_uint64(const RlpItem& item);
// A uint256 as 32 big-endian bytes, left-padded with zeros.
Result<std::array<std::uint8_t, 32>> rlp_to_uint256(const RlpItem& item);

}  // namespace psephos::bridge
