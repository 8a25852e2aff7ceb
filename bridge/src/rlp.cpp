// RLP encoding and strict decoding (rlp.hpp), Yellow Paper appendix B.
#include "psephos/bridge/rlp.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace psephos::bridge {
namespace {

constexpr std::uint8_t short_string_base = 0x80;  // 0x80 + length, for 0..55 bytes
constexpr std::uint8_t long_string_base = 0xb7;   // 0xb7 + length of length, for 56 bytes or more
constexpr std::uint8_t short_list_base = 0xc0;
constexpr std::uint8_t long_list_base = 0xf7;
constexpr std::size_t short_payload_limit = 56;

// The minimal big-endian bytes of value (none for 0).
Bytes minimal_big_endian(std::uint64_t value) {
    Bytes out;
    for (; value != 0; value >>= 8) out.insert(out.begin(), static_cast<std::uint8_t>(value));
    return out;
}

// The prefix of a payload of `length` bytes: one byte (base + length) below 56 bytes, else
// (base + 55 + length of length) followed by the length itself.
void append_header(Bytes& out, std::uint8_t short_base, std::uint8_t long_base,
                   std::size_t length) {
    if (length < short_payload_limit) {
        out.push_back(static_cast<std::uint8_t>(short_base + length));
        return;
    }
    const Bytes length_bytes = minimal_big_endian(length);
    out.push_back(static_cast<std::uint8_t>(long_base + length_bytes.size()));
    out.insert(out.end(), length_bytes.begin(), length_bytes.end());
}

void append_encoded_bytes(Bytes& out, ByteSpan data) {
    // A single byte below 0x80 is its own encoding.
    if (data.size() == 1 && data[0] < short_string_base) {
        out.push_back(data[0]);
        return;
    }
    append_header(out, short_string_base, long_string_base, data.size());
    out.insert(out.end(), data.begin(), data.end());
}

void append_encoded(Bytes& out, const RlpItem& item) {
    if (!item.is_list()) {
        append_encoded_bytes(out, item.bytes);
        return;
    }
    Bytes payload;
    for (const RlpItem& element : item.items) append_encoded(payload, element);
    append_header(out, short_list_base, long_list_base, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

Error rlp_error(std::size_t offset, const std::string& what) {
    return make_error(ErrorCode::invalid_encoding,
                      "RLP: offset " + std::to_string(offset) + ": " + what);
}

std::string hex_byte(std::uint8_t byte) { return "0x" + to_hex(ByteSpan(&byte, 1)); }

// Reads items from input[.., end) where `end` is the end of the input or of the enclosing list,
// so no item can reach outside its parent.
class Decoder {
public:
    Decoder(ByteSpan input, std::size_t offset_base) : input_(input), base_(offset_base) {}

    // The item starting at `pos`; on success, pos is just past it. `depth` counts the lists
    // around it.
    Result<RlpItem> decode_item(std::size_t& pos, std::size_t end, int depth) {
        const std::size_t start = pos;
        const char* const container = depth == 0 ? "the input" : "its enclosing list";
        if (pos >= end) return fault(start, std::string("no item before the end of ") + container);
        const std::uint8_t prefix = input_[pos++];

        RlpItem item;
        item.offset = base_ + start;
        if (prefix < short_string_base) {
            item.bytes.push_back(prefix);
            return item;
        }
        const bool is_list = prefix >= short_list_base;
        const std::uint8_t short_base = is_list ? short_list_base : short_string_base;
        const std::uint8_t long_base = is_list ? long_list_base : long_string_base;

        std::size_t length = 0;
        if (prefix <= long_base) {
            length = prefix - short_base;
        } else {
            const std::size_t length_size = prefix - long_base;  // 1..8
            if (end - pos < length_size) {
                return fault(start, "length of " + std::to_string(length_size) +
                                        " bytes runs past the end of " + container);
            }
            if (input_[pos] == 0) return fault(start, "length has a leading zero byte");
            std::uint64_t long_length = 0;
            for (std::size_t i = 0; i < length_size; ++i)
                long_length = long_length << 8 | input_[pos++];
            if (long_length < short_payload_limit) {
                return fault(start, "long-form length for a payload of " +
                                        std::to_string(long_length) +
                                        " bytes (below 56, which has a one-byte prefix)");
            }
            if (long_length > end - pos) {
                return fault(start, "payload of " + std::to_string(long_length) +
                                        " bytes runs past the end of " + container + " (" +
                                        std::to_string(end - pos) + " bytes left)");
            }
            length = static_cast<std::size_t>(long_length);
        }
        if (length > end - pos) {
            return fault(start, "payload of " + std::to_string(length) +
                                    " bytes runs past the end of " + container + " (" +
                                    std::to_string(end - pos) + " bytes left)");
        }
        const std::size_t payload_end = pos + length;

        if (!is_list) {
            if (length == 1 && input_[pos] < short_string_base) {
                return fault(start, "single byte " + hex_byte(input_[pos]) +
                                        " wrapped as a string (it is its own encoding)");
            }
            item.bytes.assign(input_.begin() + static_cast<std::ptrdiff_t>(pos),
                              input_.begin() + static_cast<std::ptrdiff_t>(payload_end));
            pos = payload_end;
            return item;
        }

        if (depth >= rlp_max_depth) {
            return fault(start, "more than " + std::to_string(rlp_max_depth) +
                                    " lists nested one inside another");
        }
        item.kind = RlpItem::Kind::list;
        while (pos < payload_end) {
            auto element = decode_item(pos, payload_end, depth + 1);
            if (!element) return element.error();
            item.items.push_back(std::move(element).value());
        }
        return item;
    }

private:
    Error fault(std::size_t pos, const std::string& what) const {
        return rlp_error(base_ + pos, what);
    }

    ByteSpan input_;
    std::size_t base_;
};

}  // namespace

RlpItem RlpItem::of_bytes(ByteSpan data) {
    RlpItem item;
    item.bytes.assign(data.begin(), data.end());
    return item;
}

RlpItem RlpItem::of_list(std::vector<RlpItem> elements) {
    RlpItem item;
    item.kind = Kind::list;
    item.items = std::move(elements);
    return item;
}

RlpItem RlpItem::of_uint(std::uint64_t value) {
    RlpItem item;
    item.bytes = minimal_big_endian(value);
    return item;
}

RlpItem RlpItem::of_uint_big_endian(ByteSpan big_endian) {
    std::size_t first = 0;
    while (first < big_endian.size() && big_endian[first] == 0) ++first;
    return of_bytes(big_endian.subspan(first));
}

bool operator==(const RlpItem& a, const RlpItem& b) {
    return a.kind == b.kind && a.bytes == b.bytes && a.items == b.items;
}

Bytes rlp_encode(const RlpItem& item) {
    Bytes out;
    append_encoded(out, item);
    return out;
}

Bytes rlp_encode_bytes(ByteSpan data) {
    Bytes out;
    append_encoded_bytes(out, data);
    return out;
}

Bytes rlp_encode_uint(std::uint64_t value) { return rlp_encode_bytes(minimal_big_endian(value)); }

Bytes rlp_encode_list(const std::vector<Bytes>& encoded_elements) {
    std::size_t length = 0;
    for (const Bytes& element : encoded_elements) length += element.size();
    Bytes out;
    append_header(out, short_list_base, long_list_base, length);
    for (const Bytes& element : encoded_elements)
        out.insert(out.end(), element.begin(), element.end());
    return out;
}

Result<RlpItem> rlp_decode(ByteSpan encoded, std::size_t offset_base) {
    Decoder decoder(encoded, offset_base);
    std::size_t pos = 0;
    auto item = decoder.decode_item(pos, encoded.size(), 0);
    if (!item) return item.error();
    if (pos != encoded.size()) {
        return rlp_error(offset_base + pos,
                         std::to_string(encoded.size() - pos) + " bytes after the end of the item");
    }
    return item;
}

namespace {

// The integer's significant bytes, checked to be a string with no leading zero and at most
// max_size bytes long.
Result<ByteSpan> integer_bytes(const RlpItem& item, std::size_t max_size, const char* type) {
    if (item.is_list()) return rlp_error(item.offset, "expected an integer, found a list");
    if (!item.bytes.empty() && item.bytes[0] == 0) {
        return rlp_error(item.offset, "integer has a leading zero byte");
    }
    if (item.bytes.size() > max_size) {
        return rlp_error(item.offset, "integer of " + std::to_string(item.bytes.size()) +
                                          " bytes does not fit " + type);
    }
    return ByteSpan(item.bytes);
}

}  // namespace

Result<std::uint64_t> rlp_to_uint64(const RlpItem& item) {
    auto bytes = integer_bytes(item, 8, "64 bits");
    if (!bytes) return bytes.error();
    std::uint64_t value = 0;
    for (std::uint8_t b : bytes.value()) value = value << 8 | b;
    return value;
}

Result<std::array<std::uint8_t, 32>> rlp_to_uint256(const RlpItem& item) {
    auto bytes = integer_bytes(item, 32, "256 bits");
    if (!bytes) return bytes.error();
    std::array<std::uint8_t, 32> value{};
    const ByteSpan significant = bytes.value();
    std::copy(significant.begin(), significant.end(), value.end() - significant.size());
    return value;
}

}  // namespace psephos::bridge
