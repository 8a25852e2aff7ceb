// HASH160, double SHA-256, Bech32 and P2WPKH addresses (bitcoin_address.hpp). The Bech32 code
// follows BIP 173's reference Python (polymod, hrp_expand, convertbits) step by step.
#include "psephos/bridge/bitcoin_address.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <stdexcept>

#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::bridge {
namespace {

constexpr std::size_t max_bech32_length = 90;
constexpr std::string_view bech32_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// RIPEMD-160 is in OpenSSL 3's default provider again since 3.0.7; before that only the legacy
// provider had it. Loading "legacy" into the process-wide default context would change which
// implementations every other OpenSSL user in the process gets, so it goes into a private one.
const EVP_MD* ripemd160() {
    static const EVP_MD* md = [] {
        ERR_set_mark();
        EVP_MD* found = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
        ERR_pop_to_mark();
        if (found != nullptr) return found;
        OSSL_LIB_CTX* legacy_context = OSSL_LIB_CTX_new();
        if (legacy_context == nullptr || OSSL_PROVIDER_load(legacy_context, "legacy") == nullptr)
            throw std::runtime_error("OpenSSL provides no RIPEMD-160 (no legacy provider)");
        found = EVP_MD_fetch(legacy_context, "RIPEMD160", nullptr);
        if (found == nullptr) throw std::runtime_error("OpenSSL provides no RIPEMD-160");
        return found;  // context and digest live as long as the process
    }();
    return md;
}

std::uint32_t bech32_polymod(const std::vector<std::uint8_t>& values) {
    constexpr std::array<std::uint32_t, 5> generator = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                        0x3d4233dd, 0x2a1462b3};
    std::uint32_t checksum = 1;
    for (std::uint8_t value : values) {
        const std::uint32_t top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        for (unsigned i = 0; i < 5; ++i) {
            if ((top >> i) & 1) checksum ^= generator[i];
        }
    }
    return checksum;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
    std::vector<std::uint8_t> out;
    out.reserve(2 * hrp.size() + 1);
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
    out.push_back(0);
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
    return out;
}

Error bech32_error(const std::string& message) {
    return make_error(ErrorCode::invalid_encoding, "bech32: " + message);
}

Error address_error(std::string_view address, const std::string& message) {
    return make_error(ErrorCode::invalid_encoding,
                      "P2WPKH address '" + std::string(address) + "': " + message);
}

}  // namespace

KeyHash160 hash160(ByteSpan data) {
    const Hash32 inner = crypto::sha256(data);
    KeyHash160 out{};
    unsigned int length = 0;
    if (EVP_Digest(inner.bytes.data(), inner.bytes.size(), out.data(), &length, ripemd160(),
                   nullptr) != 1 ||
        length != out.size()) {
        throw std::runtime_error("RIPEMD-160 failed");
    }
    return out;
}

Hash32 double_sha256(ByteSpan data) { return crypto::sha256(crypto::sha256(data).span()); }

std::string_view bech32_hrp(BitcoinNetwork network) {
    switch (network) {
        case BitcoinNetwork::mainnet:
            return "bc";
        case BitcoinNetwork::testnet:
            return "tb";
        case BitcoinNetwork::regtest:
            return "bcrt";
    }
    throw std::invalid_argument("unknown BitcoinNetwork");
}

std::string_view to_string(BitcoinNetwork network) {
    switch (network) {
        case BitcoinNetwork::mainnet:
            return "mainnet";
        case BitcoinNetwork::testnet:
            return "testnet";
        case BitcoinNetwork::regtest:
            return "regtest";
    }
    throw std::invalid_argument("unknown BitcoinNetwork");
}

std::string encode_bech32(std::string_view hrp, std::span<const std::uint8_t> values) {
    if (hrp.empty()) throw std::invalid_argument("bech32 hrp is empty");
    for (char c : hrp) {
        if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z'))
            throw std::invalid_argument("bech32 hrp must be lower-case US-ASCII 33..126");
    }
    for (std::uint8_t v : values) {
        if (v >= 32) throw std::invalid_argument("bech32 value out of range");
    }
    if (hrp.size() + 1 + values.size() + 6 > max_bech32_length)
        throw std::invalid_argument("bech32 string would exceed 90 characters");

    std::vector<std::uint8_t> checked = hrp_expand(hrp);
    checked.insert(checked.end(), values.begin(), values.end());
    checked.insert(checked.end(), 6, 0);
    const std::uint32_t polymod = bech32_polymod(checked) ^ 1;

    std::string out(hrp);
    out.push_back('1');
    for (std::uint8_t v : values) out.push_back(bech32_charset[v]);
    for (unsigned i = 0; i < 6; ++i) out.push_back(bech32_charset[(polymod >> (5 * (5 - i))) & 31]);
    return out;
}

Result<Bech32String> decode_bech32(std::string_view text) {
    if (text.size() > max_bech32_length) {
        return bech32_error("longer than 90 characters (" + std::to_string(text.size()) + ")");
    }
    bool has_lower = false;
    bool has_upper = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 33 || c > 126) {
            return bech32_error("character " + std::to_string(i) + " is outside US-ASCII 33..126");
        }
        has_lower = has_lower || (c >= 'a' && c <= 'z');
        has_upper = has_upper || (c >= 'A' && c <= 'Z');
    }
    if (has_lower && has_upper) return bech32_error("mixes upper and lower case");

    const std::size_t separator = text.rfind('1');
    if (separator == std::string_view::npos) return bech32_error("no separator '1'");
    if (separator == 0) return bech32_error("empty human-readable part");
    if (text.size() - separator - 1 < 6) return bech32_error("checksum shorter than 6 characters");

    Bech32String out;
    for (char c : text.substr(0, separator)) {
        out.hrp.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    std::vector<std::uint8_t> data;
    for (std::size_t i = separator + 1; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const std::size_t value = bech32_charset.find(c);
        if (value == std::string_view::npos) {
            return bech32_error("character " + std::to_string(i) + " ('" + std::string(1, c) +
                                "') is not in the Bech32 alphabet");
        }
        data.push_back(static_cast<std::uint8_t>(value));
    }
    std::vector<std::uint8_t> checked = hrp_expand(out.hrp);
    checked.insert(checked.end(), data.begin(), data.end());
    if (bech32_polymod(checked) != 1) return bech32_error("checksum does not match");
    out.values.assign(data.begin(), data.end() - 6);
    return out;
}

P2wpkhAddress P2wpkhAddress::of_public_key(const CompressedPublicKey& public_key,
                                           BitcoinNetwork network) {
    return P2wpkhAddress{network, hash160(public_key)};
}

std::string P2wpkhAddress::to_string() const {
    // Witness version 0, then the 160 program bits regrouped into 32 five-bit values (no padding
    // is needed: 160 is a multiple of 5).
    std::vector<std::uint8_t> values{0};
    std::uint32_t accumulator = 0;
    unsigned bits = 0;
    for (std::uint8_t byte : key_hash) {
        accumulator = (accumulator << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            values.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 31));
        }
    }
    return encode_bech32(bech32_hrp(network), values);
}

Bytes P2wpkhAddress::script_pubkey() const {
    // Built byte by byte: GCC 12 at -O3 warns (-Warray-bounds, a false positive) on inserting
    // into a vector made from an initializer list.
    Bytes out;
    out.reserve(2 + key_hash.size());
    out.push_back(0x00);  // OP_0, witness version 0
    out.push_back(0x14);  // push 20 bytes
    for (std::uint8_t b : key_hash) out.push_back(b);
    return out;
}

Result<P2wpkhAddress> decode_p2wpkh_address(std::string_view address) {
    auto decoded = decode_bech32(address);
    if (!decoded) return address_error(address, decoded.error().message);
    const Bech32String& parts = decoded.value();

    P2wpkhAddress out;
    if (parts.hrp == "bc") {
        out.network = BitcoinNetwork::mainnet;
    } else if (parts.hrp == "tb") {
        out.network = BitcoinNetwork::testnet;
    } else if (parts.hrp == "bcrt") {
        out.network = BitcoinNetwork::regtest;
    } else {
        return address_error(
            address, "unknown human-readable part '" + parts.hrp + "' (expected bc, tb or bcrt)");
    }
    if (parts.values.empty()) return address_error(address, "empty data part");
    const std::uint8_t version = parts.values[0];
    if (version > 16) {
        return address_error(address, "invalid witness version " + std::to_string(version));
    }

    // convertbits(data, 5, 8, pad=False): an incomplete group at the end must be at most 4 bits,
    // all zero (BIP 173 "Decoding").
    Bytes program;
    std::uint32_t accumulator = 0;
    unsigned bits = 0;
    for (std::size_t i = 1; i < parts.values.size(); ++i) {
        accumulator = ((accumulator << 5) | parts.values[i]) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            program.push_back(static_cast<std::uint8_t>((accumulator >> bits) & 0xff));
        }
    }
    if (bits >= 5) return address_error(address, "more than 4 bits of padding");
    if ((accumulator & ((1U << bits) - 1)) != 0) {
        return address_error(address, "non-zero padding bits");
    }
    if (program.size() < 2 || program.size() > 40) {
        return address_error(address, "invalid witness program length " +
                                          std::to_string(program.size()) + " (BIP 141: 2..40)");
    }
    if (version != 0) {
        return address_error(address, "witness version " + std::to_string(version) +
                                          " is not P2WPKH (v1+ addresses use Bech32m, BIP 350)");
    }
    if (program.size() == 32) {
        return address_error(address, "a 32-byte version 0 program is P2WSH, not P2WPKH");
    }
    if (program.size() != 20) {
        return address_error(address, "invalid program length " + std::to_string(program.size()) +
                                          " for witness version 0 (BIP 141: 20 or 32)");
    }
    std::copy(program.begin(), program.end(), out.key_hash.begin());
    return out;
}

}  // namespace psephos::bridge
