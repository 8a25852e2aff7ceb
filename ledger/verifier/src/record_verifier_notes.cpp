// The record verifier's signed-note readers (record_verifier_decode.hpp): verifier keys, opening a
// note under one key and a checkpoint's body, from C2SP signed-note and tlog-checkpoint as
// docs/encoding.md cites them; the ledger's note code is not used.
#include "record_verifier_decode.hpp"

#include <sodium.h>

#include <algorithm>

namespace psephos::verifier::decode {

// ---- Notes ---------------------------------------------------------------------------------

namespace {

Error invalid(std::string message) {
    return Error{ErrorCode::invalid_encoding, std::move(message)};
}
Error unverified(std::string message) {
    return Error{ErrorCode::verification_failed, std::move(message)};
}

}  // namespace

Result<VerifierKey> parse_verifier_key(std::string_view text) {
    VerifierKey out;
    const std::size_t p1 = text.find('+');
    const std::size_t p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
    if (p2 == std::string_view::npos) return invalid("verifier key: not name+id+key");
    out.name = std::string(text.substr(0, p1));
    const std::string_view id_hex = text.substr(p1 + 1, p2 - p1 - 1);
    if (out.name.empty() || std::any_of(out.name.begin(), out.name.end(), [](char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
        }))
        return invalid("verifier key: name");
    if (id_hex.size() != 8 || !std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
        return invalid("verifier key: key id is not 8 lower-case hex digits");
    auto raw = from_base64(text.substr(p2 + 1));
    if (!raw || raw.value().size() != 33 || raw.value()[0] != 0x01)
        return invalid("verifier key: not base64 of 0x01 and a 32-byte key");
    auto key = crypto::Ed25519PublicKey::from_bytes(ByteSpan(raw.value()).subspan(1));
    if (!key) return invalid("verifier key: not a valid Ed25519 key");
    out.key = key.value();
    const std::uint8_t sep[2] = {0x0A, 0x01};
    const Hash32 h = sha256_of({as_bytes(out.name), ByteSpan(sep, 2), out.key.bytes});
    std::copy(h.bytes.begin(), h.bytes.begin() + 4, out.key_id.begin());
    if (to_hex(out.key_id) != id_hex) return invalid("verifier key: key id does not match the key");
    return out;
}

Result<std::string> open_note(std::string_view note, const VerifierKey& key) {
    const std::size_t split = note.rfind("\n\n");
    if (split == std::string_view::npos) return invalid("no blank line in the note");
    std::string text(note.substr(0, split + 1));
    std::string_view lines = note.substr(split + 2);
    if (lines.empty() || lines.back() != '\n')
        return invalid("signature block does not end in a newline");
    lines.remove_suffix(1);
    bool verified = false;
    static constexpr std::string_view dash = "\xE2\x80\x94 ";
    while (true) {
        const std::size_t end = lines.find('\n');
        const std::string_view line = lines.substr(0, end);
        if (line.substr(0, dash.size()) != dash)
            return invalid("signature line does not start with '— '");
        const std::string_view rest = line.substr(dash.size());
        const std::size_t space = rest.find(' ');
        if (space == std::string_view::npos || rest.find(' ', space + 1) != std::string_view::npos)
            return invalid("signature line is not '— name signature'");
        auto raw = from_base64(rest.substr(space + 1));
        if (!raw) return invalid("signature is not base64");
        const Bytes& blob = raw.value();
        if (rest.substr(0, space) == key.name && blob.size() >= 4 &&
            std::equal(key.key_id.begin(), key.key_id.end(), blob.begin())) {
            auto sig = crypto::Ed25519Signature::from_bytes(ByteSpan(blob).subspan(4));
            if (!sig || !crypto::verify_signature(key.key, as_bytes(text), sig.value()))
                return unverified("note signature does not verify");
            verified = true;
        }
        if (end == std::string_view::npos) break;
        lines = lines.substr(end + 1);
    }
    if (!verified) return unverified("no signature by " + key.name);
    return text;
}

Result<ParsedCheckpoint> parse_checkpoint(std::string_view text) {
    ParsedCheckpoint out;
    std::vector<std::string_view> lines;
    std::size_t at = 0;
    while (true) {
        const std::size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(at));
            break;
        }
        lines.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    if (lines.size() < 4 || !lines.back().empty()) return invalid("checkpoint lines");
    out.origin = std::string(lines[0]);
    const std::string_view size = lines[1];
    if (out.origin.empty() || size.empty() || size.size() > 20 ||
        (size.size() > 1 && size[0] == '0') ||
        !std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return invalid("checkpoint size");
    out.size = 0;
    for (const char c : size) {
        const std::uint64_t next = out.size * 10 + static_cast<std::uint64_t>(c - '0');
        if (next / 10 != out.size) return invalid("checkpoint size");
        out.size = next;
    }
    auto root = from_base64(lines[2]);
    if (!root || root.value().size() != 32) return invalid("checkpoint root");
    std::copy(root.value().begin(), root.value().end(), out.root.bytes.begin());
    for (std::size_t i = 3; i + 1 < lines.size(); ++i)
        if (lines[i].empty()) return invalid("empty extension line");
    return out;
}

}  // namespace psephos::verifier::decode
