// The verifier's readers of anchor transactions (anchor_transactions.hpp): EIP-1559 from EIP-2718,
// EIP-1559 and the Yellow Paper's appendix B (RLP); Bitcoin from BIP 144 and Bitcoin Core's
// serialization rules. The sender is recovered with libsecp256k1, the hashes are Keccak-256
// (psephos::crypto) and SHA-256 (libsodium).
#include "anchor_transactions.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <cstring>

#include "psephos/crypto/keccak.hpp"
#include "record_verifier_decode.hpp"

namespace psephos::verifier::decode {
namespace {

using U256 = std::array<std::uint8_t, 32>;

// secp256k1's group order n and ⌊n/2⌋, big-endian.
constexpr U256 curve_order = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};
constexpr U256 half_curve_order = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
};

// ---- RLP, one level: a transaction is a list of strings and one (empty) list ----

struct RlpHeader {
    bool list = false;
    std::size_t start = 0;  // offset of the prefix byte in the raw transaction
    std::size_t payload = 0;
    std::size_t length = 0;
};

Error rlp_fault(std::size_t at, const std::string& what) {
    return make_error(ErrorCode::invalid_encoding,
                      "EIP-1559 transaction: offset " + std::to_string(at) + ": " + what);
}

// The item whose prefix is raw[pos] and which must end by `end`, canonically encoded.
Result<RlpHeader> read_rlp_header(ByteSpan raw, std::size_t pos, std::size_t end) {
    RlpHeader h;
    h.start = pos;
    if (pos >= end) return rlp_fault(pos, "an item is missing");
    const std::uint8_t prefix = raw[pos];
    if (prefix < 0x80) {  // a single byte is its own encoding
        h.payload = pos;
        h.length = 1;
        return h;
    }
    h.list = prefix >= 0xc0;
    const std::uint8_t base = h.list ? 0xc0 : 0x80;
    const std::size_t short_limit = 55;
    std::size_t length = prefix - base;
    std::size_t at = pos + 1;
    if (length > short_limit) {
        const std::size_t length_size = length - short_limit;  // 1..8
        if (end - at < length_size) return rlp_fault(pos, "the length runs past its container");
        if (raw[at] == 0) return rlp_fault(pos, "the length has a leading zero byte");
        std::uint64_t long_length = 0;
        for (std::size_t i = 0; i < length_size; ++i) long_length = long_length << 8 | raw[at++];
        if (long_length <= short_limit) return rlp_fault(pos, "a long-form length below 56 bytes");
        if (long_length > end - at) return rlp_fault(pos, "the payload runs past its container");
        length = static_cast<std::size_t>(long_length);
    }
    if (length > end - at) return rlp_fault(pos, "the payload runs past its container");
    if (!h.list && length == 1 && raw[at] < 0x80)
        return rlp_fault(pos, "a single byte below 0x80 wrapped as a string");
    h.payload = at;
    h.length = length;
    return h;
}

struct Field {
    const char* name;
    RlpHeader header;
    ByteSpan bytes;
};

Result<ByteSpan> string_of(ByteSpan raw, const Field& f) {
    if (f.header.list)
        return rlp_fault(f.header.start, std::string(f.name) + ": a list, not a string");
    return raw.subspan(f.header.payload, f.header.length);
}

// A minimal big-endian integer of at most max_size bytes.
Result<ByteSpan> integer_of(ByteSpan raw, const Field& f, std::size_t max_size) {
    PSEPHOS_TRY_ASSIGN(const ByteSpan b, string_of(raw, f));
    if (!b.empty() && b[0] == 0)
        return rlp_fault(f.header.start, std::string(f.name) + ": a leading zero byte");
    if (b.size() > max_size)
        return rlp_fault(f.header.start, std::string(f.name) + ": more than " +
                                             std::to_string(max_size) + " bytes");
    return b;
}

Result<std::uint64_t> u64_of(ByteSpan raw, const Field& f) {
    PSEPHOS_TRY_ASSIGN(const ByteSpan b, integer_of(raw, f, 8));
    std::uint64_t v = 0;
    for (const std::uint8_t byte : b) v = v << 8 | byte;
    return v;
}

Result<U256> u256_of(ByteSpan raw, const Field& f) {
    PSEPHOS_TRY_ASSIGN(const ByteSpan b, integer_of(raw, f, 32));
    U256 v{};
    std::copy(b.begin(), b.end(), v.end() - static_cast<std::ptrdiff_t>(b.size()));
    return v;
}

bool is_zero(const U256& v) {
    return std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; });
}

// The list header of a payload of `length` bytes (RLP).
Bytes list_header(std::size_t length) {
    if (length <= 55) return {static_cast<std::uint8_t>(0xc0 + length)};
    Bytes size;
    for (std::size_t v = length; v != 0; v >>= 8) size.insert(size.begin(), v & 0xff);
    Bytes out{static_cast<std::uint8_t>(0xf7 + size.size())};
    out.insert(out.end(), size.begin(), size.end());
    return out;
}

// The address of the key that signed `digest`: Keccak-256(x ‖ y) without its first 12 bytes.
Result<EvmAddressBytes> recover_sender(const Hash32& digest, const U256& r, const U256& s,
                                       int y_parity) {
    std::array<std::uint8_t, 64> compact{};
    std::memcpy(compact.data(), r.data(), 32);
    std::memcpy(compact.data() + 32, s.data(), 32);
    secp256k1_ecdsa_recoverable_signature signature;
    secp256k1_pubkey key;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &signature,
                                                            compact.data(), y_parity) != 1 ||
        secp256k1_ecdsa_recover(secp256k1_context_static, &key, &signature, digest.bytes.data()) !=
            1)
        return make_error(ErrorCode::invalid_encoding,
                          "EIP-1559 transaction: no public key recovers from the signature");
    std::array<std::uint8_t, 65> point{};
    std::size_t size = point.size();
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, point.data(), &size, &key,
                                  SECP256K1_EC_UNCOMPRESSED);
    const Hash32 hash = crypto::keccak256(ByteSpan(point).subspan(1));
    EvmAddressBytes address{};
    std::copy(hash.bytes.end() - 20, hash.bytes.end(), address.begin());
    return address;
}

// ---- Bitcoin ----

constexpr std::size_t max_bitcoin_transaction = 4'000'000;
constexpr std::uint64_t max_compact_size = 0x02000000;
constexpr std::uint64_t max_elements = 100'000;
constexpr std::uint64_t max_money_sat = 21'000'000ULL * 100'000'000ULL;

class BitcoinReader {
public:
    explicit BitcoinReader(ByteSpan raw) : raw_(raw) {}
    std::size_t at() const { return at_; }
    std::size_t left() const { return raw_.size() - at_; }
    Error fail(std::size_t where, const std::string& what) const {
        return make_error(ErrorCode::invalid_encoding,
                          "bitcoin transaction at byte " + std::to_string(where) + ": " + what);
    }
    Result<ByteSpan> take(std::size_t n, const std::string& field) {
        if (n > left()) return fail(at_, field + ": truncated");
        const ByteSpan out = raw_.subspan(at_, n);
        at_ += n;
        return out;
    }
    Result<std::uint64_t> little_endian(std::size_t n, const std::string& field) {
        PSEPHOS_TRY_ASSIGN(const ByteSpan b, take(n, field));
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) v = v << 8 | b[i];
        return v;
    }
    // A minimal CompactSize of at most max_compact_size.
    Result<std::uint64_t> compact_size(const std::string& field) {
        const std::size_t start = at_;
        PSEPHOS_TRY_ASSIGN(const std::uint64_t first, little_endian(1, field));
        std::uint64_t v = first;
        std::uint64_t minimum = 0;
        if (first >= 0xfd) {
            const std::size_t width = first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
            auto wide = little_endian(width, field);
            if (!wide) return fail(start, field + ": truncated");
            v = *wide;
            minimum = first == 0xfd ? 0xfd : first == 0xfe ? 0x10000 : 0x100000000;
        }
        if (v < minimum) return fail(start, field + ": not a minimal CompactSize");
        if (v > max_compact_size) return fail(start, field + ": CompactSize too large");
        return v;
    }
    // A count of elements of at least min_size bytes each.
    Result<std::uint64_t> count(const std::string& field, std::size_t min_size) {
        const std::size_t start = at_;
        PSEPHOS_TRY_ASSIGN(const std::uint64_t n, compact_size(field));
        if (n > max_elements) return fail(start, field + ": more than 100000");
        if (n * min_size > left()) return fail(start, field + ": more than the bytes left hold");
        return n;
    }
    Result<ByteSpan> var_bytes(const std::string& field) {
        const std::size_t start = at_;
        PSEPHOS_TRY_ASSIGN(const std::uint64_t n, compact_size(field + " length"));
        if (n > left()) return fail(start, field + ": runs past the end");
        return take(static_cast<std::size_t>(n), field);
    }

private:
    ByteSpan raw_;
    std::size_t at_ = 0;
};

}  // namespace

Result<DecodedEvmTransaction> decode_evm_transaction(ByteSpan raw) {
    if (raw.empty() || raw[0] != 0x02)
        return make_error(ErrorCode::invalid_encoding,
                          "EIP-1559 transaction: does not start with its type byte 0x02");
    PSEPHOS_TRY_ASSIGN(const RlpHeader list, read_rlp_header(raw, 1, raw.size()));
    if (!list.list) return rlp_fault(1, "a string, not a list of fields");
    if (list.payload + list.length != raw.size())
        return rlp_fault(list.payload + list.length, "bytes after the list of fields");
    static constexpr std::array<const char*, 12> names = {
        "chain id",        "nonce",     "max priority fee per gas",
        "max fee per gas", "gas limit", "to",
        "value",           "data",      "access list",
        "y parity",        "r",         "s"};
    std::vector<Field> f;
    const std::size_t end = list.payload + list.length;
    for (std::size_t pos = list.payload; pos < end;) {
        if (f.size() == names.size()) return rlp_fault(pos, "more than 12 fields");
        PSEPHOS_TRY_ASSIGN(const RlpHeader h, read_rlp_header(raw, pos, end));
        f.push_back({names[f.size()], h, {}});
        pos = h.payload + h.length;
    }
    if (f.size() != names.size()) return rlp_fault(1, std::to_string(f.size()) + " fields, not 12");

    DecodedEvmTransaction out;
    PSEPHOS_TRY_ASSIGN(out.chain_id, u64_of(raw, f[0]));
    if (out.chain_id == 0) return rlp_fault(f[0].header.start, "chain id: 0");
    PSEPHOS_TRY_ASSIGN(out.nonce, u64_of(raw, f[1]));
    PSEPHOS_TRY_ASSIGN(const U256 priority_fee, u256_of(raw, f[2]));
    PSEPHOS_TRY_ASSIGN(const U256 max_fee, u256_of(raw, f[3]));
    PSEPHOS_TRY_ASSIGN(const std::uint64_t gas_limit, u64_of(raw, f[4]));
    (void)priority_fee, (void)max_fee, (void)gas_limit;  // any value is a valid transaction
    PSEPHOS_TRY_ASSIGN(const ByteSpan to, string_of(raw, f[5]));
    if (to.size() == 20) {
        out.to.emplace();
        std::copy(to.begin(), to.end(), out.to->begin());
    } else if (!to.empty()) {
        return rlp_fault(f[5].header.start, "to: " + std::to_string(to.size()) + " bytes, not 20");
    }
    PSEPHOS_TRY_ASSIGN(const U256 value, u256_of(raw, f[6]));
    out.value_is_zero = is_zero(value);
    PSEPHOS_TRY_ASSIGN(const ByteSpan data, string_of(raw, f[7]));
    out.data.assign(data.begin(), data.end());
    if (!f[8].header.list || f[8].header.length != 0)
        return rlp_fault(f[8].header.start, "access list: not an empty list");
    PSEPHOS_TRY_ASSIGN(const std::uint64_t y_parity, u64_of(raw, f[9]));
    if (y_parity > 1) return rlp_fault(f[9].header.start, "y parity: not 0 or 1");
    PSEPHOS_TRY_ASSIGN(const U256 r, u256_of(raw, f[10]));
    if (is_zero(r) || r >= curve_order) return rlp_fault(f[10].header.start, "r: not in [1, n-1]");
    PSEPHOS_TRY_ASSIGN(const U256 s, u256_of(raw, f[11]));
    if (is_zero(s) || s > half_curve_order)
        return rlp_fault(f[11].header.start, "s: not in [1, n/2] (EIP-2)");

    // The signed message: 0x02 ‖ rlp([the first nine fields]), whose encodings are the raw
    // bytes from the chain id to the access list, since the decoding above is canonical.
    const std::size_t first = f[0].header.start;
    const std::size_t last = f[8].header.payload + f[8].header.length;
    Bytes message{0x02};
    const Bytes header = list_header(last - first);
    message.insert(message.end(), header.begin(), header.end());
    message.insert(message.end(), raw.begin() + static_cast<std::ptrdiff_t>(first),
                   raw.begin() + static_cast<std::ptrdiff_t>(last));
    PSEPHOS_TRY_ASSIGN(
        out.sender, recover_sender(crypto::keccak256(message), r, s, static_cast<int>(y_parity)));
    out.hash = crypto::keccak256(raw);
    return out;
}

std::string eip55_address(const EvmAddressBytes& address) {
    const std::string lower = to_hex(address);
    const Hash32 digest = crypto::keccak256(as_bytes(lower));
    std::string out = "0x";
    for (std::size_t i = 0; i < lower.size(); ++i) {
        const std::uint8_t byte = digest.bytes[i / 2];
        const int nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0f;
        const char c = lower[i];
        out.push_back(c >= 'a' && nibble >= 8 ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

Result<DecodedBitcoinTransaction> decode_bitcoin_transaction(ByteSpan raw) {
    BitcoinReader in(raw);
    if (raw.size() > max_bitcoin_transaction) return in.fail(0, "more than 4000000 bytes");
    PSEPHOS_TRY(in.take(4, "version"));
    bool witness = false;
    if (in.left() > 0 && raw[in.at()] == 0x00) {  // BIP 144 marker, then the flag
        (void)in.take(1, "marker");
        const std::size_t flag_at = in.at();
        PSEPHOS_TRY_ASSIGN(const std::uint64_t flag, in.little_endian(1, "segwit flag"));
        if (flag != 1) return in.fail(flag_at, "segwit flag is not 0x01");
        witness = true;
    }
    const std::size_t body = in.at();  // inputs and outputs, as hashed for the txid
    const std::size_t inputs_at = in.at();
    PSEPHOS_TRY_ASSIGN(const std::uint64_t inputs, in.count("input count", 32 + 4 + 1 + 4));
    if (inputs == 0) return in.fail(inputs_at, "no inputs");
    for (std::uint64_t i = 0; i < inputs; ++i) {
        const std::string name = "input " + std::to_string(i);
        PSEPHOS_TRY(in.take(36, name + ": prevout"));
        PSEPHOS_TRY(in.var_bytes(name + ": scriptSig"));
        PSEPHOS_TRY(in.take(4, name + ": sequence"));
    }
    DecodedBitcoinTransaction out;
    const std::size_t outputs_at = in.at();
    PSEPHOS_TRY_ASSIGN(const std::uint64_t outputs, in.count("output count", 8 + 1));
    if (outputs == 0) return in.fail(outputs_at, "no outputs");
    std::uint64_t total = 0;
    for (std::uint64_t i = 0; i < outputs; ++i) {
        const std::string name = "output " + std::to_string(i);
        const std::size_t value_at = in.at();
        PSEPHOS_TRY_ASSIGN(const std::uint64_t value, in.little_endian(8, name + ": value"));
        if (value > max_money_sat) return in.fail(value_at, name + ": value above 21000000 BTC");
        total += value;
        if (total > max_money_sat)
            return in.fail(value_at, name + ": outputs sum above 21000000 BTC");
        PSEPHOS_TRY_ASSIGN(const ByteSpan script, in.var_bytes(name + ": scriptPubKey"));
        out.outputs.push_back({value, Bytes(script.begin(), script.end())});
    }
    const std::size_t body_end = in.at();
    if (witness) {
        const std::size_t witnesses_at = in.at();
        bool any = false;
        for (std::uint64_t i = 0; i < inputs; ++i) {
            const std::string name = "input " + std::to_string(i) + " witness";
            PSEPHOS_TRY_ASSIGN(const std::uint64_t items, in.count(name + " item count", 1));
            for (std::uint64_t j = 0; j < items; ++j)
                PSEPHOS_TRY(in.var_bytes(name + " item " + std::to_string(j)));
            any = any || items != 0;
        }
        if (!any) return in.fail(witnesses_at, "a segwit serialization without witness data");
    }
    PSEPHOS_TRY(in.take(4, "locktime"));
    if (in.left() != 0) return in.fail(in.at(), "bytes after the locktime");

    Bytes stripped(raw.begin(), raw.begin() + 4);
    stripped.insert(stripped.end(), raw.begin() + static_cast<std::ptrdiff_t>(body),
                    raw.begin() + static_cast<std::ptrdiff_t>(body_end));
    stripped.insert(stripped.end(), raw.end() - 4, raw.end());
    const Hash32 once = sha256_of(stripped);
    out.txid = sha256_of(once.bytes);
    std::reverse(out.txid.bytes.begin(), out.txid.bytes.end());
    return out;
}

}  // namespace psephos::verifier::decode
