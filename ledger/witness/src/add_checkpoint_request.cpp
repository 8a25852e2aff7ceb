// The add-checkpoint request body (add_checkpoint_request.hpp, docs/witness.md §3).
#include "psephos/witness/add_checkpoint_request.hpp"

#include <charconv>

namespace psephos::witness {

namespace {
Error request_error(const std::string& what) {
    return make_error(ErrorCode::invalid_encoding, "add-checkpoint request: " + what);
}

// A decimal without leading zeros ("0" alone may start with 0), within 64 bits.
bool parse_decimal(std::string_view text, std::uint64_t& out) {
    if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}
}  // namespace

std::string AddCheckpointRequest::to_text() const {
    std::string out = "old " + std::to_string(old_size) + "\n";
    for (const auto& h : proof) out += to_base64(h.span()) + "\n";
    out += "\n";
    out += checkpoint_note;
    return out;
}

Result<AddCheckpointRequest> AddCheckpointRequest::parse(std::string_view body) {
    AddCheckpointRequest out;
    const auto first_end = body.find('\n');
    if (first_end == std::string_view::npos) return request_error("line 1 has no newline");
    const std::string_view old_line = body.substr(0, first_end);
    if (old_line.substr(0, 4) != "old " || !parse_decimal(old_line.substr(4), out.old_size))
        return request_error("line 1 is not \"old <decimal size>\"");
    std::string_view rest = body.substr(first_end + 1);
    for (std::size_t line = 2;; ++line) {
        const auto end = rest.find('\n');
        if (end == std::string_view::npos)
            return request_error("no blank line before the checkpoint (line " +
                                 std::to_string(line) + " has no newline)");
        const std::string_view text = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        if (text.empty()) break;
        if (out.proof.size() == max_consistency_proof_lines)
            return request_error("more than 63 consistency proof lines");
        auto hash = from_base64(text);
        if (!hash || hash.value().size() != 32)
            return request_error("line " + std::to_string(line) +
                                 " is not base64 of a 32-byte hash");
        out.proof.push_back(Hash32::from_bytes(hash.value()).value());
    }
    if (rest.empty()) return request_error("no checkpoint after the blank line");
    out.checkpoint_note = std::string(rest);
    return out;
}

Result<std::uint64_t> parse_tlog_size(std::string_view body) {
    std::uint64_t size = 0;
    if (body.empty() || body.back() != '\n' ||
        !parse_decimal(body.substr(0, body.size() - 1), size))
        return make_error(ErrorCode::invalid_encoding,
                          "tlog size: not a decimal size and a newline");
    return size;
}

}  // namespace psephos::witness
