// Fuzzes rlp_decode (bridge/rlp.hpp), the first decoder every EVM transaction from an untrusted
// proof bundle goes through, and the integer readers on what it accepts.
// Invariants: a rejection is invalid_encoding with a message "RLP: offset <n>: …" where n lies
// within the input; an accepted input re-encodes to exactly itself (one encoding per item);
// every decoded item's offset lies within the input; the integer readers either accept or
// refuse with invalid_encoding, and what they accept re-encodes to the item.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/bridge/rlp.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::fuzz::require;

namespace {

// `enclosing`: how many lists hold the item.
void check_item(const RlpItem& item, std::size_t input_size, int enclosing) {
    require(item.offset < input_size, "a decoded item's offset lies within the input");
    if (item.is_list()) {
        require(enclosing < rlp_max_depth, "decoded lists respect rlp_max_depth");
        require(item.bytes.empty(), "a list item has no bytes");
        for (const RlpItem& element : item.items) check_item(element, input_size, enclosing + 1);
        return;
    }
    auto narrow = rlp_to_uint64(item);
    if (narrow) {
        require(rlp_encode(RlpItem::of_uint(narrow.value())) == rlp_encode(item),
                "an accepted u64 re-encodes to the item");
    } else {
        require(narrow.error().code == ErrorCode::invalid_encoding,
                "u64 refusals are invalid_encoding");
    }
    auto wide = rlp_to_uint256(item);
    if (wide) {
        require(rlp_encode(RlpItem::of_uint_big_endian(wide.value())) == rlp_encode(item),
                "an accepted uint256 re-encodes to the item");
    } else {
        require(wide.error().code == ErrorCode::invalid_encoding,
                "uint256 refusals are invalid_encoding");
    }
    require(!narrow.ok() || wide.ok(), "every u64 is a uint256");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = rlp_decode(input);
    if (!decoded) {
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "a rejected input is invalid_encoding");
        const std::string& message = decoded.error().message;
        require(message.rfind("RLP: offset ", 0) == 0, "a rejection names the offset");
        const std::size_t offset = std::stoull(message.substr(12));
        require(offset <= size, "the offset of a rejection lies within the input");
        return 0;
    }
    require(rlp_encode(decoded.value()) == Bytes(input.begin(), input.end()),
            "a decoded item re-encodes to the input");
    check_item(decoded.value(), size, 0);
    return 0;
}
