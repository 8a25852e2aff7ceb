// C2SP signed notes and checkpoints (signed_note.hpp).
#include "psephos/election/signed_note.hpp"

#include <algorithm>
#include <charconv>

#include "psephos/crypto/merkle_tree.hpp"

namespace psephos::election {

namespace {
constexpr std::string_view em_dash_space = "\xE2\x80\x94 ";  // U+2014 and a space
constexpr std::uint8_t algorithm_ed25519 = 0x01;
constexpr std::size_t max_signatures = 100;  // as golang.org/x/mod/sumdb/note

Error note_error(const std::string& what) {
    return make_error(ErrorCode::invalid_encoding, "signed note: " + what);
}

Status check_text(std::string_view text) {
    if (text.empty() || text.back() != '\n')
        return note_error("text must be non-empty and end in a newline");
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && c != '\n') || b == 0x7f)
            return note_error("text holds a control character");
    }
    return {};
}

std::string signature_line_of(std::string_view name, const crypto::Ed25519PublicKey& key,
                              const crypto::Ed25519Signature& sig) {
    Bytes blob;
    append_u32_be(blob, note_key_id(name, key));
    blob.insert(blob.end(), sig.bytes.begin(), sig.bytes.end());
    return std::string(em_dash_space) + std::string(name) + " " + to_base64(blob) + "\n";
}

std::string signature_line(std::string_view text, std::string_view name,
                           const crypto::Ed25519SigningKey& key) {
    return signature_line_of(name, key.public_key(), key.sign(as_bytes(text)));
}
}  // namespace

std::uint32_t note_key_id(std::string_view name, const crypto::Ed25519PublicKey& key) {
    Bytes input(name.begin(), name.end());
    input.push_back(0x0A);
    input.push_back(algorithm_ed25519);
    input.insert(input.end(), key.bytes.begin(), key.bytes.end());
    const Hash32 h = crypto::sha256(input);
    return std::uint32_t{h.bytes[0]} << 24 | std::uint32_t{h.bytes[1]} << 16 |
           std::uint32_t{h.bytes[2]} << 8 | std::uint32_t{h.bytes[3]};
}

Status check_note_key_name(std::string_view name) {
    if (name.empty()) return note_error("key name is empty");
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '+' || b <= 0x20 || b == 0x7f)
            return note_error("key name holds '+', a space or a control character");
    }
    return {};
}

NoteVerifierKey NoteVerifierKey::of(std::string_view name, const crypto::Ed25519PublicKey& key) {
    return {std::string(name), note_key_id(name, key), key};
}

Result<NoteVerifierKey> NoteVerifierKey::parse(std::string_view text) {
    const auto first = text.find('+');
    const auto second = first == std::string_view::npos ? first : text.find('+', first + 1);
    if (second == std::string_view::npos)
        return note_error("verifier key is not <name>+<id>+<key>");
    const std::string_view name = text.substr(0, first);
    const std::string_view id_hex = text.substr(first + 1, second - first - 1);
    if (auto ok = check_note_key_name(name); !ok) return ok.error();
    // Lower-case only, as Go writes it (%08x): one text form per key. Found by fuzz_signed_note.
    const bool lower_hex = std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    auto id = from_hex(id_hex);
    if (id_hex.size() != 8 || !lower_hex || !id)
        return note_error("verifier key id is not 8 lower-case hex digits");
    auto material = from_base64(text.substr(second + 1));
    if (!material || material.value().size() != 33 || material.value()[0] != algorithm_ed25519) {
        return note_error("verifier key is not base64 of 0x01 and a 32-byte Ed25519 key");
    }
    auto key = crypto::Ed25519PublicKey::from_bytes(ByteSpan(material.value()).subspan(1));
    if (!key) return key.error().within("signed note: verifier key");
    NoteVerifierKey v = of(name, key.value());
    const std::uint32_t stated = std::uint32_t{id.value()[0]} << 24 |
                                 std::uint32_t{id.value()[1]} << 16 |
                                 std::uint32_t{id.value()[2]} << 8 | std::uint32_t{id.value()[3]};
    if (stated != v.key_id) return note_error("verifier key id does not match its name and key");
    return v;
}

std::string NoteVerifierKey::to_text() const {
    Bytes material{algorithm_ed25519};
    material.insert(material.end(), key.bytes.begin(), key.bytes.end());
    Bytes id;
    append_u32_be(id, key_id);
    return name + "+" + to_hex(id) + "+" + to_base64(material);
}

Result<std::string> sign_note(std::string_view text, std::string_view name,
                              const crypto::Ed25519SigningKey& key) {
    if (auto ok = check_text(text); !ok) return ok.error();
    if (auto ok = check_note_key_name(name); !ok) return ok.error();
    return std::string(text) + "\n" + signature_line(text, name, key);
}

Result<std::string> sign_note(std::string_view text, std::string_view name,
                              const crypto::Ed25519Signer& signer) {
    if (auto ok = check_text(text); !ok) return ok.error();
    if (auto ok = check_note_key_name(name); !ok) return ok.error();
    PSEPHOS_TRY_ASSIGN(const crypto::Ed25519Signature sig, signer.sign_message(as_bytes(text)));
    return std::string(text) + "\n" + signature_line_of(name, signer.public_key(), sig);
}

Result<std::string> add_note_signature(std::string_view note, std::string_view name,
                                       const crypto::Ed25519SigningKey& key) {
    const auto split = note.rfind("\n\n");
    if (split == std::string_view::npos) return note_error("no blank line before the signatures");
    if (auto ok = check_note_key_name(name); !ok) return ok.error();
    return std::string(note) + signature_line(note.substr(0, split + 1), name, key);
}

Result<std::string> open_note(std::string_view note, const NoteVerifierKey& verifier) {
    const auto split = note.rfind("\n\n");
    if (split == std::string_view::npos) return note_error("no blank line before the signatures");
    const std::string_view text = note.substr(0, split + 1);
    std::string_view signatures = note.substr(split + 2);
    if (auto ok = check_text(text); !ok) return ok.error();
    if (signatures.empty() || signatures.back() != '\n')
        return note_error("signature block must end in a newline");
    bool verified = false;
    std::size_t count = 0;
    while (!signatures.empty()) {
        const auto end = signatures.find('\n');
        const std::string_view line = signatures.substr(0, end);
        signatures.remove_prefix(end + 1);
        if (++count > max_signatures) return note_error("more than 100 signatures");
        if (line.substr(0, em_dash_space.size()) != em_dash_space)
            return note_error("signature line does not start with '— '");
        const std::string_view rest = line.substr(em_dash_space.size());
        const auto space = rest.find(' ');
        if (space == std::string_view::npos) return note_error("signature line has no key name");
        const std::string_view name = rest.substr(0, space);
        if (auto ok = check_note_key_name(name); !ok) return ok.error();
        auto blob = from_base64(rest.substr(space + 1));
        if (!blob || blob.value().size() < 5)
            return note_error("signature of " + std::string(name) +
                              " is not base64 of an id and a signature");
        const Bytes& b = blob.value();
        const std::uint32_t id =
            std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
        if (name != verifier.name || id != verifier.key_id) continue;  // another key's signature
        auto sig = crypto::Ed25519Signature::from_bytes(ByteSpan(b).subspan(4));
        if (!sig || !crypto::verify_signature(verifier.key, as_bytes(text), sig.value())) {
            return make_error(ErrorCode::verification_failed,
                              "signed note: signature by " + verifier.name + " does not verify");
        }
        verified = true;
    }
    if (!verified) {
        return make_error(ErrorCode::verification_failed,
                          "signed note: no signature by " + verifier.name);
    }
    return std::string(text);
}

std::string Checkpoint::to_text() const {
    std::string out = origin + "\n" + std::to_string(size) + "\n" + to_base64(root.span()) + "\n";
    for (const auto& e : extensions) out += e + "\n";
    return out;
}

Result<Checkpoint> Checkpoint::parse(std::string_view text) {
    auto fail = [](const std::string& what) {
        return make_error(ErrorCode::invalid_encoding, "checkpoint: " + what);
    };
    if (text.empty() || text.back() != '\n') return fail("must end in a newline");
    std::vector<std::string_view> lines;
    for (std::string_view rest = text; !rest.empty();) {
        const auto end = rest.find('\n');
        lines.push_back(rest.substr(0, end));
        rest.remove_prefix(end + 1);
    }
    if (lines.size() < 3) return fail("needs origin, size and root lines");
    Checkpoint c;
    c.origin = std::string(lines[0]);
    if (c.origin.empty()) return fail("origin is empty");
    const std::string_view size = lines[1];
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), c.size);
    if (size.empty() || ec != std::errc() || end != size.data() + size.size() ||
        (size.size() > 1 && size[0] == '0')) {
        return fail("size is not a decimal number without leading zeros");
    }
    auto root = from_base64(lines[2]);
    if (!root || root.value().size() != 32) return fail("root is not base64 of 32 bytes");
    c.root = Hash32::from_bytes(root.value()).value();
    for (std::size_t i = 3; i < lines.size(); ++i) {
        if (lines[i].empty()) return fail("empty extension line");
        c.extensions.emplace_back(lines[i]);
    }
    return c;
}

}  // namespace psephos::election
