// Bitcoin transactions for the OP_RETURN anchor (bitcoin_transaction.hpp): BIP 144
// serialization, a strict decoder, the BIP 143 signature digest, and the builder.
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "secp256k1_context.hpp"

#include <secp256k1.h>
#include <sodium.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace psephos::bridge {
namespace {

constexpr std::size_t max_transaction_size = 4'000'000;  // a block's weight limit
constexpr std::uint64_t max_compact_size = 0x02000000;   // Bitcoin Core's MAX_SIZE
constexpr std::uint64_t max_element_count = 100'000;
constexpr std::size_t min_input_size = 32 + 4 + 1 + 4;
constexpr std::size_t min_output_size = 8 + 1;
constexpr std::size_t anchor_der_signature_size = 70;  // low R, low S, both 32 bytes
constexpr std::uint32_t max_grinding_rounds = 4096;    // each round succeeds with p ≈ 1/2
constexpr std::uint8_t op_return = 0x6a;
constexpr std::uint8_t op_pushdata1 = 0x4c;
constexpr std::uint8_t max_direct_push = 0x4b;

// ---- Serialization ------------------------------------------------------------------------

void append_u32_le(Bytes& out, std::uint32_t value) {
    for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void append_u64_le(Bytes& out, std::uint64_t value) {
    for (unsigned i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void append_compact_size(Bytes& out, std::uint64_t value) {
    if (value < 0xfd) {
        out.push_back(static_cast<std::uint8_t>(value));
    } else if (value <= 0xffff) {
        out.push_back(0xfd);
        for (unsigned i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    } else if (value <= 0xffffffff) {
        out.push_back(0xfe);
        append_u32_le(out, static_cast<std::uint32_t>(value));
    } else {
        out.push_back(0xff);
        append_u64_le(out, value);
    }
}

void append_var_bytes(Bytes& out, ByteSpan data) {
    append_compact_size(out, data.size());
    out.insert(out.end(), data.begin(), data.end());
}

// Display order and wire order of a txid are each other's reverse.
void append_reversed(Bytes& out, const Hash32& hash) {
    out.insert(out.end(), hash.bytes.rbegin(), hash.bytes.rend());
}

Hash32 reversed(const Hash32& hash) {
    Hash32 out;
    std::reverse_copy(hash.bytes.begin(), hash.bytes.end(), out.bytes.begin());
    return out;
}

void append_outpoint(Bytes& out, const BitcoinOutPoint& prevout) {
    append_reversed(out, prevout.txid);
    append_u32_le(out, prevout.vout);
}

void append_output(Bytes& out, const BitcoinOutput& output) {
    append_u64_le(out, output.value_sat);
    append_var_bytes(out, output.script_pubkey);
}

Bytes serialize(const DecodedBitcoinTransaction& tx, bool with_witness) {
    Bytes out;
    append_u32_le(out, tx.version);
    if (with_witness) {
        out.push_back(0x00);  // marker
        out.push_back(0x01);  // flag
    }
    append_compact_size(out, tx.inputs.size());
    for (const auto& input : tx.inputs) {
        append_outpoint(out, input.prevout);
        append_var_bytes(out, input.script_sig);
        append_u32_le(out, input.sequence);
    }
    append_compact_size(out, tx.outputs.size());
    for (const auto& output : tx.outputs) append_output(out, output);
    if (with_witness) {
        for (const auto& input : tx.inputs) {
            append_compact_size(out, input.witness.size());
            for (const auto& item : input.witness) append_var_bytes(out, item);
        }
    }
    append_u32_le(out, tx.locktime);
    return out;
}

void compute_ids(DecodedBitcoinTransaction& tx) {
    tx.txid = reversed(double_sha256(serialize(tx, false)));
    tx.wtxid = tx.has_witness ? reversed(double_sha256(serialize(tx, true))) : tx.txid;
}

// ---- Strict reading -----------------------------------------------------------------------

class Reader {
public:
    explicit Reader(ByteSpan data) : data_(data) {}

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return data_.size() - offset_; }

    Error fail(std::size_t at, const std::string& what) const {
        return make_error(ErrorCode::invalid_encoding,
                          "bitcoin transaction at byte " + std::to_string(at) + ": " + what);
    }
    Error fail(const std::string& what) const { return fail(offset_, what); }

    bool read_bytes(std::size_t count, ByteSpan& out) {
        if (count > remaining()) return false;
        out = data_.subspan(offset_, count);
        offset_ += count;
        return true;
    }

    bool read_u8(std::uint8_t& out) {
        ByteSpan b;
        if (!read_bytes(1, b)) return false;
        out = b[0];
        return true;
    }

    bool read_u32(std::uint32_t& out) {
        ByteSpan b;
        if (!read_bytes(4, b)) return false;
        out = 0;
        for (unsigned i = 0; i < 4; ++i) out |= std::uint32_t{b[i]} << (8 * i);
        return true;
    }

    bool read_u64(std::uint64_t& out) {
        ByteSpan b;
        if (!read_bytes(8, b)) return false;
        out = 0;
        for (unsigned i = 0; i < 8; ++i) out |= std::uint64_t{b[i]} << (8 * i);
        return true;
    }

private:
    ByteSpan data_;
    std::size_t offset_ = 0;
};

// A CompactSize in its shortest form and at most Bitcoin Core's MAX_SIZE.
Result<std::uint64_t> read_compact_size(Reader& in, const std::string& field) {
    const std::size_t start = in.offset();
    std::uint8_t first = 0;
    if (!in.read_u8(first)) return in.fail(start, field + ": truncated");
    std::uint64_t value = first;
    std::uint64_t minimum = 0;
    if (first == 0xfd) {
        ByteSpan b;
        if (!in.read_bytes(2, b)) return in.fail(start, field + ": truncated");
        value = std::uint64_t{b[0]} | (std::uint64_t{b[1]} << 8);
        minimum = 0xfd;
    } else if (first == 0xfe) {
        std::uint32_t v = 0;
        if (!in.read_u32(v)) return in.fail(start, field + ": truncated");
        value = v;
        minimum = 0x10000;
    } else if (first == 0xff) {
        if (!in.read_u64(value)) return in.fail(start, field + ": truncated");
        minimum = 0x100000000;
    }
    if (value < minimum) {
        return in.fail(start, field + ": non-minimal CompactSize " + std::to_string(value));
    }
    if (value > max_compact_size) {
        return in.fail(start, field + ": CompactSize " + std::to_string(value) + " is too large");
    }
    return value;
}

// A count of elements each at least min_size bytes long, so a hostile count is refused before
// anything is allocated for it.
Result<std::size_t> read_count(Reader& in, const std::string& field, std::size_t min_size) {
    const std::size_t start = in.offset();
    auto count = read_compact_size(in, field);
    if (!count) return count.error();
    if (count.value() > max_element_count) {
        return in.fail(start, field + ": " + std::to_string(count.value()) +
                                  " exceeds the limit of " + std::to_string(max_element_count));
    }
    if (count.value() * min_size > in.remaining()) {
        return in.fail(start, field + ": " + std::to_string(count.value()) +
                                  " elements do not fit in the remaining " +
                                  std::to_string(in.remaining()) + " bytes");
    }
    return static_cast<std::size_t>(count.value());
}

Result<Bytes> read_var_bytes(Reader& in, const std::string& field) {
    const std::size_t start = in.offset();
    auto size = read_compact_size(in, field + " length");
    if (!size) return size.error();
    ByteSpan b;
    if (!in.read_bytes(static_cast<std::size_t>(size.value()), b)) {
        return in.fail(start, field + ": " + std::to_string(size.value()) + " bytes announced, " +
                                  std::to_string(in.remaining()) + " left");
    }
    return Bytes(b.begin(), b.end());
}

// ---- BIP 66 signature encoding ------------------------------------------------------------

// Bitcoin Core's IsValidSignatureEncoding (BIP 66), over DER ‖ sighash byte.
bool is_valid_signature_encoding(ByteSpan sig) {
    const std::size_t size = sig.size();
    if (size < 9 || size > 73) return false;
    if (sig[0] != 0x30 || sig[1] != size - 3) return false;
    const std::size_t len_r = sig[3];
    if (5 + len_r >= size) return false;
    const std::size_t len_s = sig[5 + len_r];
    if (len_r + len_s + 7 != size) return false;
    if (sig[2] != 0x02 || len_r == 0 || (sig[4] & 0x80) != 0) return false;
    if (len_r > 1 && sig[4] == 0x00 && (sig[5] & 0x80) == 0) return false;
    if (sig[len_r + 4] != 0x02 || len_s == 0 || (sig[len_r + 6] & 0x80) != 0) return false;
    if (len_s > 1 && sig[len_r + 6] == 0x00 && (sig[len_r + 7] & 0x80) == 0) return false;
    return true;
}

// ---- Builder pieces -------------------------------------------------------------------------

const secp256k1_context* signing_context() { return detail::secp256k1_signing_context(); }

// A low-S DER signature of exactly 70 bytes (r and s both 32 bytes, r's top bit clear), found as
// Bitcoin Core grinds for low R: RFC 6979 first without extra data, then with the extra data
// 32 bytes holding a little-endian counter 1, 2, ... (RFC 6979 §3.6). Still deterministic, and
// identical to Secp256k1SigningKey::sign_der whenever that one is already 70 bytes. A fixed
// signature length fixes the vsize before signing, so the fee can be exactly rate × vsize.
Bytes sign_der_of_fixed_size(const Secp256k1SigningKey& key, const Hash32& digest) {
    const auto secret = key.secret();
    std::array<std::uint8_t, 32> extra{};
    for (std::uint32_t counter = 0; counter < max_grinding_rounds; ++counter) {
        for (unsigned i = 0; i < 4; ++i) extra[i] = static_cast<std::uint8_t>(counter >> (8 * i));
        secp256k1_ecdsa_signature signature;
        if (secp256k1_ecdsa_sign(signing_context(), &signature, digest.bytes.data(), secret.data(),
                                 secp256k1_nonce_function_rfc6979,
                                 counter == 0 ? nullptr : extra.data()) != 1) {
            throw std::runtime_error("secp256k1_ecdsa_sign failed");
        }
        std::array<std::uint8_t, 72> der{};
        std::size_t size = der.size();
        if (secp256k1_ecdsa_signature_serialize_der(signing_context(), der.data(), &size,
                                                    &signature) != 1) {
            throw std::runtime_error("secp256k1_ecdsa_signature_serialize_der failed");
        }
        if (size == anchor_der_signature_size) {
            return Bytes(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(size));
        }
    }
    throw std::runtime_error("no 70-byte signature after 4096 nonces");  // p ≈ 2^-4096
}

Bytes op_return_script(ByteSpan payload) {
    Bytes script;
    script.reserve(2 + max_op_return_payload_size);
    script.push_back(op_return);
    if (payload.size() <= max_direct_push) {
        script.push_back(static_cast<std::uint8_t>(payload.size()));
    } else {
        script.push_back(op_pushdata1);
        script.push_back(static_cast<std::uint8_t>(payload.size()));
    }
    script.insert(script.end(), payload.begin(), payload.end());
    return script;
}

struct AnchorTemplate {
    BitcoinOutPoint prevout;
    Bytes op_return_script;
    Bytes change_script;
    Bytes public_key;
    Bytes script_code;
    std::uint64_t amount_sat = 0;
};

DecodedBitcoinTransaction unsigned_anchor(const AnchorTemplate& t,
                                          std::optional<std::uint64_t> change_sat) {
    DecodedBitcoinTransaction tx;
    tx.version = 2;
    tx.locktime = 0;
    tx.has_witness = true;
    tx.inputs.push_back(BitcoinInput{t.prevout, {}, anchor_input_sequence, {}});
    tx.outputs.push_back(BitcoinOutput{0, t.op_return_script});
    if (change_sat) tx.outputs.push_back(BitcoinOutput{*change_sat, t.change_script});
    return tx;
}

// The vsize of the signed transaction, known before signing: the signature's length is fixed.
std::size_t signed_vsize(const AnchorTemplate& t, std::optional<std::uint64_t> change_sat) {
    DecodedBitcoinTransaction tx = unsigned_anchor(t, change_sat);
    tx.inputs[0].witness = {Bytes(anchor_der_signature_size + 1, 0), t.public_key};
    return transaction_vsize(tx);
}

DecodedBitcoinTransaction signed_anchor(const AnchorTemplate& t,
                                        std::optional<std::uint64_t> change_sat,
                                        const Secp256k1SigningKey& key) {
    DecodedBitcoinTransaction tx = unsigned_anchor(t, change_sat);
    const Hash32 digest = bip143_sighash_all(tx, 0, t.script_code, t.amount_sat);
    Bytes signature = sign_der_of_fixed_size(key, digest);
    signature.push_back(static_cast<std::uint8_t>(sighash_all));
    tx.inputs[0].witness = {std::move(signature), t.public_key};
    compute_ids(tx);
    return tx;
}

SignedBitcoinTransaction finish(const DecodedBitcoinTransaction& tx, std::uint64_t fee_sat) {
    SignedBitcoinTransaction out;
    out.raw = serialize(tx, true);
    out.txid = tx.txid;
    out.wtxid = tx.wtxid;
    out.fee_sat = fee_sat;
    out.vsize = transaction_vsize(tx);
    return out;  // out.vsize == signed_vsize(...): the signature has the length assumed there
}

std::string sat(std::uint64_t value) { return std::to_string(value) + " sat"; }

}  // namespace

// ---- Public API -----------------------------------------------------------------------------

Bytes serialize_bitcoin_transaction(const DecodedBitcoinTransaction& tx) {
    return serialize(tx, tx.has_witness);
}

Bytes serialize_bitcoin_transaction_without_witness(const DecodedBitcoinTransaction& tx) {
    return serialize(tx, false);
}

std::size_t transaction_weight(const DecodedBitcoinTransaction& tx) {
    return 3 * serialize(tx, false).size() + serialize(tx, tx.has_witness).size();
}

std::size_t transaction_vsize(const DecodedBitcoinTransaction& tx) {
    return (transaction_weight(tx) + 3) / 4;
}

Result<DecodedBitcoinTransaction> decode_bitcoin_transaction(ByteSpan raw) {
    Reader in(raw);
    if (raw.size() > max_transaction_size) {
        return in.fail(0, std::to_string(raw.size()) + " bytes exceed the limit of " +
                              std::to_string(max_transaction_size));
    }
    DecodedBitcoinTransaction tx;
    if (!in.read_u32(tx.version)) return in.fail("version: truncated");

    // BIP 144: a zero where the input count would be is the marker, followed by the flag. A
    // transaction without inputs is invalid anyway, so the two forms cannot be confused.
    if (in.remaining() > 0 && raw[in.offset()] == 0x00) {
        std::uint8_t marker = 0;
        std::uint8_t flag = 0;
        (void)in.read_u8(marker);
        const std::size_t flag_at = in.offset();
        if (!in.read_u8(flag)) return in.fail("segwit flag: truncated");
        if (flag != 0x01) {
            return in.fail(flag_at, "segwit flag must be 0x01, got " + to_hex(ByteSpan(&flag, 1)));
        }
        tx.has_witness = true;
    }

    const std::size_t inputs_at = in.offset();
    auto input_count = read_count(in, "input count", min_input_size);
    if (!input_count) return input_count.error();
    if (input_count.value() == 0) return in.fail(inputs_at, "no inputs");
    tx.inputs.resize(input_count.value());
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
        const std::string name = "input " + std::to_string(i);
        BitcoinInput& input = tx.inputs[i];
        ByteSpan txid;
        if (!in.read_bytes(32, txid)) return in.fail(name + ": prevout txid truncated");
        std::reverse_copy(txid.begin(), txid.end(), input.prevout.txid.bytes.begin());
        if (!in.read_u32(input.prevout.vout)) return in.fail(name + ": prevout index truncated");
        auto script_sig = read_var_bytes(in, name + ": scriptSig");
        if (!script_sig) return script_sig.error();
        input.script_sig = std::move(script_sig).value();
        if (!in.read_u32(input.sequence)) return in.fail(name + ": sequence truncated");
    }

    const std::size_t outputs_at = in.offset();
    auto output_count = read_count(in, "output count", min_output_size);
    if (!output_count) return output_count.error();
    if (output_count.value() == 0) return in.fail(outputs_at, "no outputs");
    tx.outputs.resize(output_count.value());
    std::uint64_t total_value = 0;
    for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
        const std::string name = "output " + std::to_string(i);
        BitcoinOutput& output = tx.outputs[i];
        const std::size_t value_at = in.offset();
        if (!in.read_u64(output.value_sat)) return in.fail(name + ": value truncated");
        if (output.value_sat > max_money_sat) {
            return in.fail(value_at,
                           name + ": value " + sat(output.value_sat) + " exceeds 21 000 000 BTC");
        }
        total_value += output.value_sat;
        if (total_value > max_money_sat) {
            return in.fail(value_at, name + ": output total exceeds 21 000 000 BTC");
        }
        auto script = read_var_bytes(in, name + ": scriptPubKey");
        if (!script) return script.error();
        output.script_pubkey = std::move(script).value();
    }

    if (tx.has_witness) {
        const std::size_t witnesses_at = in.offset();
        bool any_witness = false;
        for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
            const std::string name = "input " + std::to_string(i) + " witness";
            auto item_count = read_count(in, name + " item count", 1);
            if (!item_count) return item_count.error();
            auto& witness = tx.inputs[i].witness;
            witness.reserve(item_count.value());
            for (std::size_t j = 0; j < item_count.value(); ++j) {
                auto item = read_var_bytes(in, name + " item " + std::to_string(j));
                if (!item) return item.error();
                witness.push_back(std::move(item).value());
            }
            any_witness = any_witness || !witness.empty();
        }
        // Bitcoin Core refuses this too ("Superfluous witness record"): the same transaction
        // has a shorter, witness-free serialization.
        if (!any_witness) return in.fail(witnesses_at, "segwit serialization without witness data");
    }

    if (!in.read_u32(tx.locktime)) return in.fail("locktime truncated");
    if (in.remaining() != 0) {
        return in.fail(std::to_string(in.remaining()) + " trailing bytes after the locktime");
    }
    compute_ids(tx);
    return tx;
}

Result<Bytes> op_return_payload(const DecodedBitcoinTransaction& tx) {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
        const Bytes& script = tx.outputs[i].script_pubkey;
        if (script.empty() || script[0] != op_return) continue;
        if (found) {
            return make_error(ErrorCode::invalid_encoding,
                              "bitcoin transaction: outputs " + std::to_string(*found) + " and " +
                                  std::to_string(i) + " are both OP_RETURN");
        }
        found = i;
    }
    if (!found) {
        return make_error(ErrorCode::not_found, "bitcoin transaction: no OP_RETURN output");
    }
    const Bytes& script = tx.outputs[*found].script_pubkey;
    auto fail = [&](const std::string& what) {
        return make_error(ErrorCode::invalid_encoding, "bitcoin transaction: OP_RETURN output " +
                                                           std::to_string(*found) + ": " + what);
    };
    if (script.size() < 2) return fail("no data push");
    std::size_t size = 0;
    std::size_t data_at = 0;
    if (script[1] >= 0x01 && script[1] <= max_direct_push) {
        size = script[1];
        data_at = 2;
    } else if (script[1] == op_pushdata1 && script.size() >= 3) {
        size = script[2];
        data_at = 3;
        if (size <= max_direct_push) {
            return fail("OP_PUSHDATA1 of " + std::to_string(size) +
                        " bytes is not the shortest push");
        }
    } else {
        return fail("does not start with a data push of 1.." +
                    std::to_string(max_op_return_payload_size) + " bytes");
    }
    if (size > max_op_return_payload_size) {
        return fail("payload of " + std::to_string(size) + " bytes exceeds " +
                    std::to_string(max_op_return_payload_size));
    }
    if (script.size() != data_at + size) {
        return fail("script is " + std::to_string(script.size()) + " bytes, expected " +
                    std::to_string(data_at + size) + " for one push of " + std::to_string(size));
    }
    return Bytes(script.begin() + static_cast<std::ptrdiff_t>(data_at), script.end());
}

Bip143SharedHashes bip143_shared_hashes(const DecodedBitcoinTransaction& tx) {
    Bytes prevouts;
    Bytes sequences;
    Bytes outputs;
    for (const auto& input : tx.inputs) {
        append_outpoint(prevouts, input.prevout);
        append_u32_le(sequences, input.sequence);
    }
    for (const auto& output : tx.outputs) append_output(outputs, output);
    return {double_sha256(prevouts), double_sha256(sequences), double_sha256(outputs)};
}

Hash32 bip143_sighash_all(const DecodedBitcoinTransaction& tx, std::size_t input_index,
                          ByteSpan script_code, std::uint64_t amount_sat) {
    const BitcoinInput& input = tx.inputs.at(input_index);
    const Bip143SharedHashes shared = bip143_shared_hashes(tx);
    Bytes preimage;
    append_u32_le(preimage, tx.version);
    preimage.insert(preimage.end(), shared.hash_prevouts.bytes.begin(),
                    shared.hash_prevouts.bytes.end());
    preimage.insert(preimage.end(), shared.hash_sequence.bytes.begin(),
                    shared.hash_sequence.bytes.end());
    append_outpoint(preimage, input.prevout);
    append_var_bytes(preimage, script_code);
    append_u64_le(preimage, amount_sat);
    append_u32_le(preimage, input.sequence);
    preimage.insert(preimage.end(), shared.hash_outputs.bytes.begin(),
                    shared.hash_outputs.bytes.end());
    append_u32_le(preimage, tx.locktime);
    append_u32_le(preimage, sighash_all);
    return double_sha256(preimage);
}

Bytes p2wpkh_script_code(const KeyHash160& key_hash) {
    Bytes out;  // byte by byte, see P2wpkhAddress::script_pubkey
    out.reserve(25);
    out.push_back(0x76);  // OP_DUP
    out.push_back(0xa9);  // OP_HASH160
    out.push_back(0x14);  // push 20 bytes
    for (std::uint8_t b : key_hash) out.push_back(b);
    out.push_back(0x88);  // OP_EQUALVERIFY
    out.push_back(0xac);  // OP_CHECKSIG
    return out;
}

Status verify_p2wpkh_input(const DecodedBitcoinTransaction& tx, std::size_t input_index,
                           std::uint64_t amount_sat, const KeyHash160& expected_key_hash) {
    const std::string name = "bitcoin transaction input " + std::to_string(input_index);
    if (input_index >= tx.inputs.size()) {
        return make_error(
            ErrorCode::invalid_argument,
            name + ": the transaction has " + std::to_string(tx.inputs.size()) + " inputs");
    }
    auto fail = [&](const std::string& what) {
        return make_error(ErrorCode::verification_failed, name + ": " + what);
    };
    const BitcoinInput& input = tx.inputs[input_index];
    if (!input.script_sig.empty()) return fail("scriptSig of a native P2WPKH spend must be empty");
    if (input.witness.size() != 2) {
        return fail("witness has " + std::to_string(input.witness.size()) +
                    " items, P2WPKH needs 2 (signature, public key)");
    }
    const Bytes& signature = input.witness[0];
    const Bytes& public_key = input.witness[1];
    if (public_key.size() != 33 || (public_key[0] != 0x02 && public_key[0] != 0x03)) {
        return fail("witness public key is not a 33-byte compressed key");
    }
    if (hash160(public_key) != expected_key_hash) {
        return fail("HASH160 of the witness public key is not the expected key hash");
    }
    if (!is_valid_signature_encoding(signature))
        return fail("signature is not strict DER (BIP 66)");
    if (signature.back() != sighash_all) {
        return fail("sighash type " + std::to_string(signature.back()) + " is not SIGHASH_ALL");
    }
    const Hash32 digest =
        bip143_sighash_all(tx, input_index, p2wpkh_script_code(expected_key_hash), amount_sat);
    const ByteSpan der(signature.data(), signature.size() - 1);
    if (auto checked = verify_der_signature(public_key, digest, der); !checked) {
        return fail(checked.error().message + " over the BIP 143 digest");
    }
    return {};
}

Result<SignedBitcoinTransaction> build_op_return_transaction(const OpReturnAnchorPlan& plan,
                                                             const Secp256k1SigningKey& key) {
    auto invalid = [](const std::string& what) {
        return make_error(ErrorCode::invalid_argument, "bitcoin anchor: " + what);
    };
    auto refused = [](const std::string& what) {
        return make_error(ErrorCode::refused, "bitcoin anchor: " + what);
    };
    if (plan.payload.empty()) return invalid("OP_RETURN payload is empty");
    if (plan.payload.size() > max_op_return_payload_size) {
        return invalid("OP_RETURN payload of " + std::to_string(plan.payload.size()) +
                       " bytes exceeds the " + std::to_string(max_op_return_payload_size) +
                       "-byte standard limit");
    }
    const std::uint64_t amount = plan.input.amount_sat;
    if (amount > max_money_sat) return invalid("UTXO amount " + sat(amount) + " exceeds 21 M BTC");

    const CompressedPublicKey public_key = key.compressed_public_key();
    const KeyHash160 own_hash = hash160(public_key);
    AnchorTemplate t;
    t.prevout = BitcoinOutPoint{plan.input.txid, plan.input.vout};
    t.op_return_script = op_return_script(plan.payload);
    t.public_key = Bytes(public_key.begin(), public_key.end());
    t.script_code = p2wpkh_script_code(own_hash);
    t.amount_sat = amount;
    if (plan.change_address) {
        auto change = decode_p2wpkh_address(*plan.change_address);
        if (!change) return invalid("change address: " + change.error().message);
        if (change.value().network != plan.network) {
            return invalid("change address '" + *plan.change_address + "' is for " +
                           std::string(to_string(change.value().network)) + ", the plan for " +
                           std::string(to_string(plan.network)));
        }
        t.change_script = change.value().script_pubkey();
    } else {
        t.change_script = P2wpkhAddress{plan.network, own_hash}.script_pubkey();
    }

    if (const auto* fixed = std::get_if<FixedFee>(&plan.fee)) {
        if (amount < fixed->sat) {
            return refused("UTXO worth " + sat(amount) + " cannot pay the fee of " +
                           sat(fixed->sat));
        }
        const std::uint64_t change = amount - fixed->sat;
        const bool keep_change = change >= p2wpkh_dust_limit_sat;
        const auto tx = signed_anchor(t, keep_change ? std::optional(change) : std::nullopt, key);
        const std::uint64_t fee = keep_change ? fixed->sat : amount;
        const std::size_t vsize = transaction_vsize(tx);
        if (fee < vsize) {
            return refused("fee of " + sat(fee) + " is below 1 sat/vB for " +
                           std::to_string(vsize) + " vbytes (minimum relay fee)");
        }
        return finish(tx, fee);
    }

    const std::uint64_t rate = std::get<FeeRate>(plan.fee).sat_per_vbyte;
    if (rate == 0) return invalid("fee rate must be at least 1 sat/vB");
    if (rate > max_money_sat) return invalid("fee rate " + std::to_string(rate) + " is absurd");

    // With change, if what is left after the fee is not dust.
    const std::uint64_t fee_with_change = rate * signed_vsize(t, std::uint64_t{0});
    if (amount >= fee_with_change && amount - fee_with_change >= p2wpkh_dust_limit_sat) {
        const auto tx = signed_anchor(t, amount - fee_with_change, key);
        if (rate * transaction_vsize(tx) != fee_with_change)
            throw std::logic_error("anchor signature has an unexpected length");
        return finish(tx, fee_with_change);
    }

    // Without change, the whole UTXO is the fee; it must still cover the rate.
    const std::size_t vsize = signed_vsize(t, std::nullopt);
    if (amount < rate * vsize) {
        return refused("UTXO worth " + sat(amount) + " cannot pay " + sat(rate * vsize) + " (" +
                       std::to_string(rate) + " sat/vB for " + std::to_string(vsize) + " vbytes)");
    }
    return finish(signed_anchor(t, std::nullopt, key), amount);
}

}  // namespace psephos::bridge
