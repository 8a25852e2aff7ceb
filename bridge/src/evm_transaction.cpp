// EVM addresses (EIP-55), EIP-1559 and EIP-155 transactions: signing and strict decoding
// (evm_transaction.hpp).
#include "psephos/bridge/evm_transaction.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>
#include <vector>

#include "psephos/bridge/keccak.hpp"
#include "psephos/bridge/rlp.hpp"

namespace psephos::bridge {
namespace {

constexpr std::uint8_t eip1559_type = 0x02;

// secp256k1's group order n and n/2 (rounded down), big-endian: EIP-2 allows only s ≤ n/2.
constexpr U256 curve_order = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};
constexpr U256 half_curve_order = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
};

// EIP-155: v = y_parity + 2·chain_id + 35 must fit 64 bits.
constexpr std::uint64_t max_legacy_chain_id = (UINT64_MAX - 36) / 2;

Bytes encode_to(const std::optional<EvmAddress>& to) {
    return to ? rlp_encode_bytes(to->bytes) : rlp_encode_bytes({});
}

Bytes encode_u256(const U256& value) { return rlp_encode(RlpItem::of_uint_big_endian(value)); }

// The nine fields of an EIP-1559 transaction, in order, each RLP-encoded.
std::vector<Bytes> eip1559_fields(const Eip1559Transaction& tx) {
    return {rlp_encode_uint(tx.chain_id),
            rlp_encode_uint(tx.nonce),
            encode_u256(tx.max_priority_fee_per_gas),
            encode_u256(tx.max_fee_per_gas),
            rlp_encode_uint(tx.gas_limit),
            encode_to(tx.to),
            encode_u256(tx.value),
            rlp_encode_bytes(tx.data),
            rlp_encode_list({})};  // the access list
}

std::vector<Bytes> legacy_fields(const LegacyTransaction& tx) {
    return {rlp_encode_uint(tx.nonce), encode_u256(tx.gas_price), rlp_encode_uint(tx.gas_limit),
            encode_to(tx.to),          encode_u256(tx.value),     rlp_encode_bytes(tx.data)};
}

void append_signature(std::vector<Bytes>& fields, std::uint64_t v, const RecoverableSignature& s) {
    fields.push_back(rlp_encode_uint(v));
    fields.push_back(encode_u256(s.r));
    fields.push_back(encode_u256(s.s));
}

// EIP-2718 typed envelope: type byte ‖ payload.
Bytes typed(std::uint8_t type, const Bytes& payload) {
    Bytes out(1 + payload.size());
    out[0] = type;
    std::copy(payload.begin(), payload.end(), out.begin() + 1);
    return out;
}

void require_chain_id(std::uint64_t chain_id, std::uint64_t max) {
    if (chain_id == 0 || chain_id > max) throw std::invalid_argument("EVM chain id out of range");
}

int recovery_id_in_range(const RecoverableSignature& signature) {
    if (signature.recovery_id != 0 && signature.recovery_id != 1)
        throw std::invalid_argument("EVM signatures need a recovery id of 0 or 1");
    return signature.recovery_id;
}

SignedEvmTransaction signed_transaction(Bytes raw) {
    const Hash32 hash = keccak256(raw);
    return {std::move(raw), hash};
}

// ---- decoding ----

Error field_error(const char* field, const Error& error) { return error.within(field); }

// "<field>: offset <n>: <fault>", the offset counted from the transaction's first byte.
Error encoding_error(const RlpItem& item, const std::string& field, const std::string& what) {
    return make_error(ErrorCode::invalid_encoding,
                      field + ": offset " + std::to_string(item.offset) + ": " + what);
}

Result<std::uint64_t> read_uint64(const RlpItem& item, const char* field) {
    auto value = rlp_to_uint64(item);
    if (!value) return field_error(field, value.error());
    return value;
}

Result<U256> read_u256(const RlpItem& item, const char* field) {
    auto value = rlp_to_uint256(item);
    if (!value) return field_error(field, value.error());
    return value;
}

Result<Bytes> read_bytes(const RlpItem& item, const char* field) {
    if (item.is_list()) return encoding_error(item, field, "expected bytes, found a list");
    return item.bytes;
}

Result<std::optional<EvmAddress>> read_to(const RlpItem& item) {
    if (item.is_list()) return encoding_error(item, "to", "expected an address, found a list");
    if (item.bytes.empty()) return std::optional<EvmAddress>{};
    EvmAddress address;
    if (item.bytes.size() != address.bytes.size()) {
        return encoding_error(item, "to",
                              "an address has 20 bytes, not " + std::to_string(item.bytes.size()));
    }
    std::copy(item.bytes.begin(), item.bytes.end(), address.bytes.begin());
    return std::optional<EvmAddress>{address};
}

Result<std::uint64_t> read_chain_id(const RlpItem& item) {
    auto chain_id = read_uint64(item, "chain id");
    if (chain_id && chain_id.value() == 0) return encoding_error(item, "chain id", "must not be 0");
    return chain_id;
}

bool is_zero(const U256& value) {
    return std::all_of(value.begin(), value.end(), [](std::uint8_t b) { return b == 0; });
}

// r and s of a signature, checked against the curve order and EIP-2.
Result<RecoverableSignature> read_signature(const RlpItem& r_item, const RlpItem& s_item,
                                            int recovery_id) {
    RecoverableSignature signature;
    signature.recovery_id = recovery_id;
    auto r = read_u256(r_item, "r");
    if (!r) return r.error();
    if (is_zero(r.value()) || r.value() >= curve_order)
        return encoding_error(r_item, "r", "must be in [1, n-1]");
    auto s = read_u256(s_item, "s");
    if (!s) return s.error();
    if (is_zero(s.value())) return encoding_error(s_item, "s", "must not be 0");
    if (s.value() > half_curve_order)
        return encoding_error(s_item, "s",
                              "greater than n/2 (a high-S signature, refused by EIP-2)");
    signature.r = r.value();
    signature.s = s.value();
    return signature;
}

Result<RlpItem> read_field_list(ByteSpan rlp, std::size_t offset_base, std::size_t field_count) {
    auto decoded = rlp_decode(rlp, offset_base);
    if (!decoded) return decoded.error();
    const RlpItem& list = decoded.value();
    if (!list.is_list()) return encoding_error(list, "fields", "expected a list, found bytes");
    if (list.items.size() != field_count) {
        return encoding_error(list, "fields",
                              "expected " + std::to_string(field_count) + ", found " +
                                  std::to_string(list.items.size()));
    }
    return decoded;
}

// Fills in signing hash, hash and sender once the fields and signature are read.
Result<DecodedEvmTransaction> finish(DecodedEvmTransaction decoded, ByteSpan raw) {
    decoded.hash = keccak256(raw);
    auto public_key = recover_public_key(decoded.signing_hash, decoded.signature);
    if (!public_key) return public_key.error().within("signature");
    decoded.sender = EvmAddress::of_public_key(public_key.value());
    return decoded;
}

Result<DecodedEvmTransaction> decode_eip1559(ByteSpan raw) {
    auto list = read_field_list(raw.subspan(1), 1, 12);
    if (!list) return list.error();
    const std::vector<RlpItem>& f = list.value().items;

    Eip1559Transaction tx;
    auto chain_id = read_chain_id(f[0]);
    if (!chain_id) return chain_id.error();
    tx.chain_id = chain_id.value();
    auto nonce = read_uint64(f[1], "nonce");
    if (!nonce) return nonce.error();
    tx.nonce = nonce.value();
    auto priority_fee = read_u256(f[2], "max priority fee per gas");
    if (!priority_fee) return priority_fee.error();
    tx.max_priority_fee_per_gas = priority_fee.value();
    auto max_fee = read_u256(f[3], "max fee per gas");
    if (!max_fee) return max_fee.error();
    tx.max_fee_per_gas = max_fee.value();
    auto gas_limit = read_uint64(f[4], "gas limit");
    if (!gas_limit) return gas_limit.error();
    tx.gas_limit = gas_limit.value();
    auto to = read_to(f[5]);
    if (!to) return to.error();
    tx.to = to.value();
    auto value = read_u256(f[6], "value");
    if (!value) return value.error();
    tx.value = value.value();
    auto data = read_bytes(f[7], "data");
    if (!data) return data.error();
    tx.data = std::move(data).value();
    if (!f[8].is_list()) return encoding_error(f[8], "access list", "expected a list, found bytes");
    if (!f[8].items.empty()) {
        return encoding_error(f[8], "access list",
                              "not empty (only empty access lists are accepted)");
    }
    auto y_parity = read_uint64(f[9], "y parity");
    if (!y_parity) return y_parity.error();
    if (y_parity.value() > 1) return encoding_error(f[9], "y parity", "must be 0 or 1");
    auto signature = read_signature(f[10], f[11], static_cast<int>(y_parity.value()));
    if (!signature) return signature.error();

    DecodedEvmTransaction decoded;
    decoded.signing_hash = tx.signing_hash();
    decoded.transaction = std::move(tx);
    decoded.signature = signature.value();
    return finish(std::move(decoded), raw);
}

Result<DecodedEvmTransaction> decode_legacy(ByteSpan raw) {
    auto list = read_field_list(raw, 0, 9);
    if (!list) return list.error();
    const std::vector<RlpItem>& f = list.value().items;

    LegacyTransaction tx;
    auto nonce = read_uint64(f[0], "nonce");
    if (!nonce) return nonce.error();
    tx.nonce = nonce.value();
    auto gas_price = read_u256(f[1], "gas price");
    if (!gas_price) return gas_price.error();
    tx.gas_price = gas_price.value();
    auto gas_limit = read_uint64(f[2], "gas limit");
    if (!gas_limit) return gas_limit.error();
    tx.gas_limit = gas_limit.value();
    auto to = read_to(f[3]);
    if (!to) return to.error();
    tx.to = to.value();
    auto value = read_u256(f[4], "value");
    if (!value) return value.error();
    tx.value = value.value();
    auto data = read_bytes(f[5], "data");
    if (!data) return data.error();
    tx.data = std::move(data).value();
    auto v = read_uint64(f[6], "v");
    if (!v) return v.error();
    if (v.value() == 27 || v.value() == 28) {
        return encoding_error(
            f[6], "v",
            std::to_string(v.value()) + " is a pre-EIP-155 signature without a chain id");
    }
    if (v.value() < 37) {
        return encoding_error(
            f[6], "v",
            std::to_string(v.value()) + " is not 35 + 2 * chain id + y parity for a chain id >= 1");
    }
    tx.chain_id = (v.value() - 35) / 2;
    auto signature = read_signature(f[7], f[8], static_cast<int>((v.value() - 35) % 2));
    if (!signature) return signature.error();

    DecodedEvmTransaction decoded;
    decoded.signing_hash = tx.signing_hash();
    decoded.transaction = std::move(tx);
    decoded.signature = signature.value();
    return finish(std::move(decoded), raw);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// ---- EvmAddress ----

std::string EvmAddress::to_checksum_text() const {
    // EIP-55: a hex letter is upper case iff the matching nibble of keccak256 of the lower-case
    // hex text (without "0x") is 8 or more.
    const std::string lower = to_hex(bytes);
    const Hash32 digest = keccak256(as_bytes(lower));
    std::string out = "0x";
    for (std::size_t i = 0; i < lower.size(); ++i) {
        const std::uint8_t byte = digest.bytes[i / 2];
        const int nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0f;
        const char c = lower[i];
        out.push_back(c >= 'a' && nibble >= 8 ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

Result<EvmAddress> EvmAddress::from_text(std::string_view text) {
    constexpr std::size_t digits = 40;
    if (text.size() != 2 + digits || text.substr(0, 2) != "0x") {
        return make_error(ErrorCode::invalid_encoding,
                          "EVM address: expected \"0x\" and 40 hex digits");
    }
    EvmAddress address;
    bool has_lower = false, has_upper = false;
    for (std::size_t i = 0; i < digits; ++i) {
        const char c = text[2 + i];
        const int value = hex_value(c);
        if (value < 0) {
            return make_error(
                ErrorCode::invalid_encoding,
                "EVM address: character " + std::to_string(2 + i) + " is not a hex digit");
        }
        has_lower = has_lower || (c >= 'a' && c <= 'f');
        has_upper = has_upper || (c >= 'A' && c <= 'F');
        address.bytes[i / 2] = static_cast<std::uint8_t>(address.bytes[i / 2] << 4 | value);
    }
    if (has_lower && has_upper && address.to_checksum_text() != text) {
        return make_error(ErrorCode::invalid_encoding,
                          "EVM address: mixed case that is not the EIP-55 checksum (a typo?)");
    }
    return address;
}

EvmAddress EvmAddress::of_public_key(const UncompressedPublicKey& public_key) {
    const Hash32 digest = keccak256(ByteSpan(public_key).subspan(1));
    EvmAddress address;
    std::copy(digest.bytes.end() - 20, digest.bytes.end(), address.bytes.begin());
    return address;
}

// ---- U256 ----

U256 u256_from_u64(std::uint64_t value) {
    U256 out{};
    for (std::size_t i = 0; i < 8; ++i) out[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
    return out;
}

Result<U256> u256_from_big_endian(ByteSpan big_endian) {
    U256 out{};
    if (big_endian.size() > out.size()) {
        return make_error(ErrorCode::invalid_argument, "a uint256 has at most 32 bytes, not " +
                                                           std::to_string(big_endian.size()));
    }
    std::copy(big_endian.begin(), big_endian.end(), out.end() - big_endian.size());
    return out;
}

// ---- EIP-1559 ----

Hash32 Eip1559Transaction::signing_hash() const {
    return keccak256(typed(eip1559_type, rlp_encode_list(eip1559_fields(*this))));
}

Bytes Eip1559Transaction::encode_signed(const RecoverableSignature& signature) const {
    std::vector<Bytes> fields = eip1559_fields(*this);
    append_signature(fields, static_cast<std::uint64_t>(recovery_id_in_range(signature)),
                     signature);
    return typed(eip1559_type, rlp_encode_list(fields));
}

SignedEvmTransaction Eip1559Transaction::sign(const Secp256k1SigningKey& key) const {
    require_chain_id(chain_id, UINT64_MAX);
    return signed_transaction(encode_signed(key.sign_recoverable(signing_hash())));
}

// ---- legacy, EIP-155 ----

Hash32 LegacyTransaction::signing_hash() const {
    std::vector<Bytes> fields = legacy_fields(*this);
    fields.push_back(rlp_encode_uint(chain_id));
    fields.push_back(rlp_encode_uint(0));
    fields.push_back(rlp_encode_uint(0));
    return keccak256(rlp_encode_list(fields));
}

Bytes LegacyTransaction::encode_signed(const RecoverableSignature& signature) const {
    require_chain_id(chain_id, max_legacy_chain_id);
    std::vector<Bytes> fields = legacy_fields(*this);
    const auto parity = static_cast<std::uint64_t>(recovery_id_in_range(signature));
    append_signature(fields, parity + 2 * chain_id + 35, signature);
    return rlp_encode_list(fields);
}

SignedEvmTransaction LegacyTransaction::sign(const Secp256k1SigningKey& key) const {
    require_chain_id(chain_id, max_legacy_chain_id);
    return signed_transaction(encode_signed(key.sign_recoverable(signing_hash())));
}

// ---- decoding ----

std::uint64_t DecodedEvmTransaction::chain_id() const {
    return std::visit([](const auto& tx) { return tx.chain_id; }, transaction);
}
std::uint64_t DecodedEvmTransaction::nonce() const {
    return std::visit([](const auto& tx) { return tx.nonce; }, transaction);
}
std::uint64_t DecodedEvmTransaction::gas_limit() const {
    return std::visit([](const auto& tx) { return tx.gas_limit; }, transaction);
}
const std::optional<EvmAddress>& DecodedEvmTransaction::to() const {
    return std::visit([](const auto& tx) -> const std::optional<EvmAddress>& { return tx.to; },
                      transaction);
}
const U256& DecodedEvmTransaction::value() const {
    return std::visit([](const auto& tx) -> const U256& { return tx.value; }, transaction);
}
const Bytes& DecodedEvmTransaction::data() const {
    return std::visit([](const auto& tx) -> const Bytes& { return tx.data; }, transaction);
}

Result<DecodedEvmTransaction> decode_signed_transaction(ByteSpan raw) {
    if (raw.empty()) {
        return make_error(ErrorCode::invalid_encoding, "EVM transaction: no bytes");
    }
    if (raw[0] == eip1559_type) {
        auto decoded = decode_eip1559(raw);
        if (!decoded) return decoded.error().within("EIP-1559 transaction");
        return decoded;
    }
    if (raw[0] >= 0xc0) {  // an RLP list: a legacy transaction has no type byte
        auto decoded = decode_legacy(raw);
        if (!decoded) return decoded.error().within("legacy transaction");
        return decoded;
    }
    if (raw[0] < 0x80) {
        return make_error(ErrorCode::invalid_encoding,
                          "EVM transaction: type 0x" + to_hex(raw.first(1)) +
                              " is not supported (only 0x02, EIP-1559, and legacy EIP-155)");
    }
    return make_error(ErrorCode::invalid_encoding,
                      "EVM transaction: neither a typed transaction nor an RLP list");
}

}  // namespace psephos::bridge
