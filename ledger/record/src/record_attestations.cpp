// The county's and the witnesses' parts of the record (record_attestations.hpp,
// docs/election-record.md §3.9).
#include "record_attestations.hpp"

#include <algorithm>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/signed_note.hpp"

namespace psephos::record::detail {
namespace {

void append_frame(Bytes& out, ByteSpan frame) {
    append_u32_be(out, static_cast<std::uint32_t>(frame.size()));
    out.insert(out.end(), frame.begin(), frame.end());
}

// The signature lines of `note` (after its blank line) that name `name`.
std::vector<std::string> lines_of(std::string_view note, std::string_view name) {
    std::vector<std::string> lines;
    const std::size_t blank = note.rfind("\n\n");
    if (blank == std::string_view::npos) return lines;
    const std::string prefix = "\xE2\x80\x94 " + std::string(name) + " ";
    for (std::size_t at = blank + 2; at < note.size();) {
        std::size_t end = note.find('\n', at);
        if (end == std::string_view::npos) end = note.size() - 1;
        const std::string_view line = note.substr(at, end + 1 - at);
        if (line.starts_with(prefix)) lines.emplace_back(line);
        at = end + 1;
    }
    return lines;
}

}  // namespace

Result<Bytes> station_checkpoints_file(const std::string& district_id,
                                       const std::vector<std::string>& notes,
                                       const election::NoteVerifierKey& station_key,
                                       const std::string& origin, std::span<const Hash32> leaves) {
    Bytes out;
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < notes.size(); ++i) {
        const std::string at = "district '" + district_id + "': station checkpoint " +
                               std::to_string(i + 1) + " of " + std::to_string(notes.size());
        auto text = election::open_note(notes[i], station_key);
        if (!text) return text.error().within(at);
        auto checkpoint = election::Checkpoint::parse(text.value());
        if (!checkpoint) return checkpoint.error().within(at);
        const election::Checkpoint& cp = checkpoint.value();
        if (cp.origin != origin)
            return make_error(ErrorCode::corrupted, at + ": origin '" + cp.origin + "'");
        if (cp.size > leaves.size()) continue;  // a push that did not land
        if (cp.size <= previous)
            return make_error(ErrorCode::corrupted, at + ": size " + std::to_string(cp.size) +
                                                        " after " + std::to_string(previous));
        if (!(crypto::compute_merkle_root(leaves.first(static_cast<std::size_t>(cp.size))) ==
              cp.root))
            return make_error(ErrorCode::corrupted, at +
                                                        ": its root is not the district log's "
                                                        "root at size " +
                                                        std::to_string(cp.size));
        previous = cp.size;
        append_frame(out, as_bytes(notes[i]));
    }
    return out;
}

Bytes equivocations_file(const std::vector<election::EquivocationEvidence>& evidence) {
    Bytes out;
    for (const auto& e : evidence) append_frame(out, election::encode_equivocation_evidence(e));
    return out;
}

Result<Bytes> cosignatures_file(const std::vector<std::string>& cosigned_notes,
                                const std::vector<crypto::CosignerKey>& witnesses,
                                const std::map<std::uint64_t, std::string>& election_notes) {
    // By size: the cosignature lines that verify, one per witness.
    std::map<std::uint64_t, std::map<std::size_t, std::string>> lines;
    for (std::size_t i = 0; i < cosigned_notes.size(); ++i) {
        const std::string& note = cosigned_notes[i];
        const std::string at = "cosigned election checkpoint " + std::to_string(i + 1);
        bool any = false;
        for (std::size_t w = 0; w < witnesses.size(); ++w) {
            auto opened = crypto::open_cosigned_note(note, witnesses[w]);
            if (!opened) continue;
            auto checkpoint = election::Checkpoint::parse(opened.value().text);
            if (!checkpoint) return checkpoint.error().within(at);
            const std::uint64_t size = checkpoint.value().size;
            const auto ledger_note = election_notes.find(size);
            if (ledger_note == election_notes.end())
                return make_error(ErrorCode::refused,
                                  at + ": size " + std::to_string(size) +
                                      " is not a checkpoint of the exported election log");
            if (!ledger_note->second.starts_with(opened.value().text + "\n"))
                return make_error(ErrorCode::refused,
                                  at + ": witness '" + witnesses[w].name +
                                      "' cosigned another text than the ledger's checkpoint of "
                                      "size " +
                                      std::to_string(size));
            any = true;
            if (lines[size].count(w) != 0) continue;  // one line per witness
            for (auto& line : lines_of(note, witnesses[w].name)) {
                // Only the line that verifies (a note may carry another of the same name).
                const std::string alone = ledger_note->second + line;
                if (crypto::open_cosigned_note(alone, witnesses[w])) {
                    lines[size].emplace(w, std::move(line));
                    break;
                }
            }
        }
        if (!any)
            return make_error(ErrorCode::refused,
                              at + ": no cosignature of a listed witness verifies on it");
    }
    Bytes out;
    for (const auto& [size, witness_lines] : lines) {
        std::string note = election_notes.at(size);
        for (const auto& [w, line] : witness_lines) note += line;
        append_frame(out, as_bytes(note));
    }
    return out;
}

void write_attestation_members(JsonWriter& j, const ExportOptions& options) {
    if (options.stations) {
        j.key("county");
        j.begin_object();
        j.key("stations");
        j.begin_array();
        for (const auto& station : *options.stations) {
            j.begin_object();
            j.string_member("station_id", station.station_id);
            j.key("districts");
            j.begin_array();
            for (const auto& [district, key] : station.districts) {
                j.begin_object();
                j.string_member("district_id", district);
                j.string_member("verifier_key", key.to_text());
                j.end_object();
            }
            j.end_array();
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    if (options.witnesses) {
        j.key("witnesses");
        j.begin_array();
        for (const auto& w : *options.witnesses) j.string(w.to_text());
        j.end_array();
    }
}

}  // namespace psephos::record::detail
