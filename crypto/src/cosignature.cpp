// C2SP tlog-cosignature v1 with Ed25519 (cosignature.hpp, docs/witness.md §2).
#include "psephos/crypto/cosignature.hpp"

#include <algorithm>

#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::crypto {

namespace {
constexpr std::string_view em_dash_space = "\xE2\x80\x94 ";  // U+2014 and a space
constexpr std::size_t blob_size = 4 + 8 + Ed25519Signature::size;
constexpr std::size_t max_signature_lines = 100;  // as golang.org/x/mod/sumdb/note

Error cosignature_error(ErrorCode code, const std::string& what) {
    return make_error(code, "cosignature: " + what);
}

Status check_text(std::string_view text) {
    if (text.empty() || text.back() != '\n')
        return cosignature_error(ErrorCode::invalid_argument,
                                 "checkpoint text must be non-empty and end in a newline");
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && c != '\n') || b == 0x7f)
            return cosignature_error(ErrorCode::invalid_argument,
                                     "checkpoint text holds a control character");
    }
    return {};
}

std::uint32_t read_u32_be(ByteSpan b) {
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
           std::uint32_t{b[3]};
}

std::uint64_t read_u64_be(ByteSpan b) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = v << 8 | b[i];
    return v;
}
}  // namespace

Status check_cosigner_name(std::string_view name) {
    if (name.empty()) return cosignature_error(ErrorCode::invalid_argument, "key name is empty");
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '+' || b <= 0x20 || b == 0x7f)
            return cosignature_error(ErrorCode::invalid_argument,
                                     "key name holds '+', a space or a control character");
    }
    return {};
}

std::uint32_t cosigner_key_id(std::string_view name, const Ed25519PublicKey& key) {
    Bytes input(name.begin(), name.end());
    input.push_back(0x0A);
    input.push_back(cosignature_v1_type);
    input.insert(input.end(), key.bytes.begin(), key.bytes.end());
    return read_u32_be(sha256(input).span());
}

Result<CosignerKey> CosignerKey::of(std::string_view name, const Ed25519PublicKey& key) {
    PSEPHOS_TRY(check_cosigner_name(name));
    return CosignerKey{std::string(name), cosigner_key_id(name, key), key};
}

Result<CosignerKey> CosignerKey::parse(std::string_view text) {
    const auto bad = [](const std::string& what) {
        return cosignature_error(ErrorCode::invalid_encoding, "vkey: " + what);
    };
    const auto first = text.find('+');
    const auto second = first == std::string_view::npos ? first : text.find('+', first + 1);
    if (second == std::string_view::npos) return bad("not <name>+<key id>+<key>");
    const std::string_view name = text.substr(0, first);
    if (auto ok = check_cosigner_name(name); !ok) return bad(ok.error().message);
    const std::string_view id_hex = text.substr(first + 1, second - first - 1);
    const bool lower_hex = std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    auto id = from_hex(id_hex);
    if (id_hex.size() != 8 || !lower_hex || !id)
        return bad("key id is not 8 lower-case hex digits");
    auto material = from_base64(text.substr(second + 1));
    if (!material || material.value().size() != 1 + Ed25519PublicKey::size)
        return bad("key is not base64 of a type byte and a 32-byte Ed25519 key");
    if (material.value()[0] != cosignature_v1_type)
        return bad("type byte is not 0x04 (Ed25519 cosignature/v1)");
    auto key = Ed25519PublicKey::from_bytes(ByteSpan(material.value()).subspan(1));
    if (!key) return key.error().within("cosignature: vkey");
    CosignerKey out{std::string(name), cosigner_key_id(name, key.value()), key.value()};
    if (read_u32_be(id.value()) != out.key_id) return bad("key id does not match its name and key");
    return out;
}

std::string CosignerKey::to_text() const {
    Bytes material{cosignature_v1_type};
    material.insert(material.end(), key.bytes.begin(), key.bytes.end());
    Bytes id;
    append_u32_be(id, key_id);
    return name + "+" + to_hex(id) + "+" + to_base64(material);
}

std::string cosignature_v1_message(std::uint64_t timestamp, std::string_view checkpoint_text) {
    std::string message = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
    message += checkpoint_text;
    return message;
}

Result<std::string> cosign_checkpoint(std::string_view checkpoint_text, std::string_view name,
                                      const Ed25519SigningKey& key, std::uint64_t timestamp) {
    PSEPHOS_TRY(check_cosigner_name(name));
    PSEPHOS_TRY(check_text(checkpoint_text));
    if (timestamp == 0 || timestamp > max_cosignature_timestamp)
        return cosignature_error(ErrorCode::invalid_argument,
                                 "timestamp must be from 1 to 2^63 - 1");
    const std::string message = cosignature_v1_message(timestamp, checkpoint_text);
    const Ed25519Signature signature = key.sign(as_bytes(message));
    Bytes blob;
    append_u32_be(blob, cosigner_key_id(name, key.public_key()));
    append_u64_be(blob, timestamp);
    blob.insert(blob.end(), signature.bytes.begin(), signature.bytes.end());
    return std::string(em_dash_space) + std::string(name) + " " + to_base64(blob) + "\n";
}

Result<std::uint64_t> verify_cosignature_blob(const CosignerKey& key,
                                              std::string_view checkpoint_text, ByteSpan blob) {
    if (blob.size() != blob_size) {
        return cosignature_error(ErrorCode::invalid_encoding,
                                 "signature of " + key.name + " is " + std::to_string(blob.size()) +
                                     " bytes, not 76 (key id, timestamp, Ed25519 signature)");
    }
    if (read_u32_be(blob.first(4)) != key.key_id)
        return cosignature_error(ErrorCode::verification_failed,
                                 "signature is not by key " + key.name);
    const std::uint64_t timestamp = read_u64_be(blob.subspan(4, 8));
    if (timestamp > max_cosignature_timestamp)
        return cosignature_error(ErrorCode::invalid_encoding,
                                 "timestamp of " + key.name + " is above 2^63 - 1");
    auto signature = Ed25519Signature::from_bytes(blob.subspan(12));
    const std::string message = cosignature_v1_message(timestamp, checkpoint_text);
    if (!signature || !verify_signature(key.key, as_bytes(message), signature.value()))
        return cosignature_error(ErrorCode::verification_failed,
                                 "cosignature by " + key.name + " does not verify");
    return timestamp;
}

Result<VerifiedCosignature> open_cosigned_note(std::string_view note, const CosignerKey& key,
                                               std::optional<std::uint64_t> not_after) {
    const auto bad = [](const std::string& what) {
        return cosignature_error(ErrorCode::invalid_encoding, "note: " + what);
    };
    const auto split = note.rfind("\n\n");
    if (split == std::string_view::npos) return bad("no blank line before the signatures");
    const std::string_view text = note.substr(0, split + 1);
    std::string_view lines = note.substr(split + 2);
    if (auto ok = check_text(text); !ok) return bad(ok.error().message);
    if (lines.empty() || lines.back() != '\n') return bad("signature block must end in a newline");
    std::optional<std::uint64_t> verified;
    for (std::size_t count = 1; !lines.empty(); ++count) {
        const auto end = lines.find('\n');
        const std::string_view line = lines.substr(0, end);
        lines.remove_prefix(end + 1);
        if (count > max_signature_lines) return bad("more than 100 signatures");
        if (line.substr(0, em_dash_space.size()) != em_dash_space)
            return bad("signature line " + std::to_string(count) + " does not start with '— '");
        const std::string_view rest = line.substr(em_dash_space.size());
        const auto space = rest.find(' ');
        if (space == std::string_view::npos)
            return bad("signature line " + std::to_string(count) + " has no key name");
        const std::string_view name = rest.substr(0, space);
        if (auto ok = check_cosigner_name(name); !ok)
            return bad("signature line " + std::to_string(count) + ": " + ok.error().message);
        auto blob = from_base64(rest.substr(space + 1));
        if (!blob || blob.value().size() < 5)
            return bad("signature line " + std::to_string(count) +
                       " is not base64 of a key id and a signature");
        if (name != key.name || read_u32_be(blob.value()) != key.key_id) continue;
        auto timestamp = verify_cosignature_blob(key, text, blob.value());
        if (!timestamp) return timestamp.error();
        if (not_after && timestamp.value() > *not_after)
            return cosignature_error(ErrorCode::verification_failed,
                                     "cosignature by " + key.name + " is dated " +
                                         std::to_string(timestamp.value()) + ", in the future");
        verified = timestamp.value();
    }
    if (!verified)
        return cosignature_error(ErrorCode::verification_failed, "no cosignature by " + key.name);
    return VerifiedCosignature{std::string(text), *verified};
}

Result<WitnessPolicy> WitnessPolicy::make(std::vector<CosignerKey> witnesses,
                                          std::size_t threshold) {
    if (threshold == 0 || threshold > witnesses.size())
        return cosignature_error(ErrorCode::invalid_argument,
                                 "witness policy: the threshold must be from 1 to the number of "
                                 "witnesses (" +
                                     std::to_string(witnesses.size()) + "), not " +
                                     std::to_string(threshold));
    for (std::size_t i = 0; i < witnesses.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (witnesses[i].key == witnesses[j].key)
                return cosignature_error(ErrorCode::invalid_argument,
                                         "witness policy: " + witnesses[i].name + " and " +
                                             witnesses[j].name + " have the same key");
        }
    }
    return WitnessPolicy{std::move(witnesses), threshold};
}

Result<WitnessPolicy> parse_witness_policy(std::string_view text, std::string_view file) {
    std::vector<CosignerKey> witnesses;
    std::optional<std::size_t> threshold;
    bool all = false;
    std::size_t number = 0;
    const auto fail = [&](const std::string& why) {
        return cosignature_error(ErrorCode::invalid_argument,
                                 std::string(file) + ":" + std::to_string(number) + ": " + why);
    };
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        const std::size_t space = line.find(' ');
        const std::string_view word = line.substr(0, space);
        const std::string_view rest =
            space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        if (word == "witness") {
            auto key = CosignerKey::parse(rest);
            if (!key) return fail(key.error().message);
            witnesses.push_back(std::move(key).value());
        } else if (word == "quorum") {
            if (threshold || all) return fail("a second quorum line");
            if (rest == "all") {
                all = true;
                continue;
            }
            std::size_t value = 0;
            if (rest.empty() || rest.size() > 6 ||
                !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return fail("quorum is not a number or \"all\": '" + std::string(rest) + "'");
            for (const char c : rest) value = value * 10 + static_cast<std::size_t>(c - '0');
            threshold = value;
        } else {
            return fail("not \"witness VKEY\" or \"quorum K\": '" + std::string(word) + "'");
        }
    }
    if (!threshold && !all) {
        number = 0;
        return fail("no quorum line");
    }
    const std::size_t k = all ? witnesses.size() : *threshold;
    auto policy = WitnessPolicy::make(std::move(witnesses), k);
    if (!policy)
        return cosignature_error(ErrorCode::invalid_argument,
                                 std::string(file) + ": " + policy.error().message);
    return policy;
}

Result<std::vector<std::string>> check_witness_policy(std::string_view note,
                                                      const WitnessPolicy& policy,
                                                      std::optional<std::uint64_t> not_after) {
    std::vector<std::string> cosigned;
    std::string missing;
    for (const auto& witness : policy.witnesses) {
        auto opened = open_cosigned_note(note, witness, not_after);
        if (opened) {
            cosigned.push_back(witness.name);
            continue;
        }
        if (opened.error().code == ErrorCode::invalid_encoding) return opened.error();
        missing += (missing.empty() ? "" : ", ") + witness.name;
    }
    if (cosigned.size() < policy.threshold) {
        return cosignature_error(ErrorCode::verification_failed,
                                 "witness policy: " + std::to_string(cosigned.size()) + " of the " +
                                     std::to_string(policy.threshold) +
                                     " cosignatures needed (missing or invalid: " + missing + ")");
    }
    return cosigned;
}

}  // namespace psephos::crypto
