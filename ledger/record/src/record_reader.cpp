// Reading a published election record through the ledger's queries (record_reader.hpp).
#include "psephos/record/record_reader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/record_file.hpp"
#include "psephos/election/election_manifest.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/json/field_reader.hpp"
#include "psephos/json/strict_json.hpp"

namespace psephos::record {

namespace json = boost::json;

namespace {

constexpr std::size_t max_record_json_bytes = std::size_t{64} << 20;
constexpr std::size_t max_approval_bytes = 4096;  // authority.bin: 130 bytes

Error no_log(std::string_view name) {
    return make_error(ErrorCode::not_found, "the record has no log '" + std::string(name) + "'");
}

// Calls visit(index, offset, frame) on each frame of the record's file in turn, one in memory at
// a time (crypto::RecordFile: no links, a regular file, no frame longer than the bytes left).
Status for_each_frame(
    const std::filesystem::path& dir, const std::string& relative,
    const std::function<void(std::uint64_t, std::uint64_t, const Bytes&)>& visit) {
    auto opened = crypto::RecordFile::open(dir, relative);
    if (!opened) return opened.error().within(dir.string());
    crypto::RecordFile& file = *opened;
    for (std::uint64_t index = 0;; ++index) {
        const std::uint64_t offset = file.position();
        auto frame = file.read_frame();
        if (!frame) return frame.error().within(dir.string());
        if (!*frame) return {};
        visit(index, offset, **frame);
    }
}

// One entry of record.json's "logs", read by `l` (its problems kept there). Members the reader
// does not use (read by the verifier) are not refused here.
Result<RecordLog> parse_log_entry(psephos::json::FieldReader& l, const std::string& what) {
    RecordLog log;
    log.name = l.text("name");
    log.directory = l.text("directory");
    log.size = l.number("size");
    log.root = l.hash("root");
    const std::string verifier_key = l.text("verifier_key");
    PSEPHOS_TRY(l.status());
    auto verifier = election::NoteVerifierKey::parse(verifier_key);
    if (!verifier) return verifier.error().within(what + ": " + l.path_of("verifier_key"));
    log.verifier = std::move(verifier).value();
    if (log.directory.find("..") != std::string::npos || log.directory.starts_with('/'))
        return make_error(ErrorCode::invalid_encoding,
                          what + ": " + l.path_of("directory") + ": bad directory");
    return log;
}

}  // namespace

Result<RecordReader> RecordReader::open(const std::filesystem::path& dir) {
    RecordReader r;
    r.dir_ = dir;
    auto index_file = crypto::read_record_file(dir, "record.json", max_record_json_bytes);
    if (!index_file) return index_file.error().within(dir.string());
    const Bytes& index = *index_file;
    auto parsed = psephos::json::parse_strict(
        std::string_view(reinterpret_cast<const char*>(index.data()), index.size()),
        (dir / "record.json").string(), psephos::json::Limits::for_size(max_record_json_bytes));
    if (!parsed) return parsed.error();
    const json::value doc = std::move(parsed).value();
    const std::string what = (dir / "record.json").string();
    psephos::json::FieldReader top(doc, what);
    r.format_ = top.text("format");
    const json::array* logs = top.array("logs", max_record_json_bytes);
    PSEPHOS_TRY(top.status());
    auto manifest_file =
        crypto::read_record_file(dir, "manifest.json", election::max_manifest_bytes);
    if (!manifest_file) return manifest_file.error().within(dir.string());
    auto manifest = election::parse_manifest(std::string_view(
        reinterpret_cast<const char*>(manifest_file->data()), manifest_file->size()));
    if (!manifest) return manifest.error().within((dir / "manifest.json").string());
    auto context = election::make_election_context(std::move(manifest).value());
    if (!context) return context.error().within((dir / "manifest.json").string());
    r.election_ = std::move(context).value();
    for (std::size_t i = 0; i < logs->size(); ++i) {
        psephos::json::FieldReader l = top.element((*logs)[i], i, top.path_of("logs"));
        PSEPHOS_TRY_ASSIGN(auto log, parse_log_entry(l, what));
        r.logs_.push_back(std::move(log));
    }
    r.loaded_.resize(r.logs_.size());
    // The witnesses: a member that does not read is reported by cosigned_checkpoints(), not here
    // (a record opened before witnesses existed still opens).
    if (top.has("witnesses")) {
        r.has_witnesses_ = true;
        psephos::json::FieldReader list(doc, what);  // its own problem: not fatal here
        const json::array* witnesses = list.array("witnesses", max_record_json_bytes);
        for (std::size_t i = 0; witnesses != nullptr && i < witnesses->size(); ++i) {
            const std::string at = psephos::json::element_path(list.path_of("witnesses"), i);
            const json::value& w = (*witnesses)[i];
            auto key = w.is_string()
                           ? crypto::CosignerKey::parse(std::string_view(w.get_string()))
                           : Result<crypto::CosignerKey>(Error{
                                 ErrorCode::invalid_encoding,
                                 "expected a string, got " + psephos::json::describe_kind(w)});
            if (!key) {
                list.adopt(key.error().within(what + ": " + at));
                r.witnesses_.clear();
                break;
            }
            r.witnesses_.push_back(std::move(key).value());
        }
        if (!list.ok()) r.witnesses_error_ = list.status().error();
    }
    return r;
}

Result<election::ElectionApproval> RecordReader::approval() const {
    auto bytes = crypto::read_record_file(dir_, "authority.bin", max_approval_bytes);
    if (!bytes) return bytes.error().within(dir_.string());
    auto approval = election::decode_election_approval(*bytes);
    if (!approval) return approval.error().within((dir_ / "authority.bin").string());
    return approval;
}

const RecordLog* RecordReader::find(std::string_view name) const {
    for (const RecordLog& l : logs_)
        if (l.name == name) return &l;
    return nullptr;
}

// Reads the log's records once, keeping each one's leaf hash and offset, and checks them against
// record.json's size and root. `visit`, if given, sees every record on the way (on a later call,
// the file is read again for it). Returns the log's position in logs_.
Result<std::size_t> RecordReader::load(std::string_view name, const RecordVisitor& visit) const {
    const RecordLog* found = find(name);
    if (!found) return no_log(name);
    const std::size_t at = static_cast<std::size_t>(found - logs_.data());
    const RecordLog& l = *found;
    LoadedLog& loaded = loaded_[at];
    const std::string path = l.directory + "/records.bin";
    if (loaded.loaded) {
        if (visit) {
            PSEPHOS_TRY(
                for_each_frame(dir_, path, [&](std::uint64_t i, std::uint64_t, const Bytes& f) {
                    if (i < loaded.leaves.size() && crypto::hash_merkle_leaf(f) == loaded.leaves[i])
                        visit(i, f);
                }));
        }
        return at;
    }
    loaded.leaves.clear();
    loaded.offsets.clear();
    PSEPHOS_TRY(for_each_frame(dir_, path,
                               [&](std::uint64_t index, std::uint64_t offset, const Bytes& frame) {
                                   loaded.leaves.push_back(crypto::hash_merkle_leaf(frame));
                                   loaded.offsets.push_back(offset);
                                   if (visit) visit(index, frame);
                               }));
    if (loaded.leaves.size() != l.size || !(crypto::compute_merkle_root(loaded.leaves) == l.root))
        return make_error(ErrorCode::corrupted,
                          l.name + ": records.bin does not match record.json's size and root");
    loaded.loaded = true;
    return at;
}

Status RecordReader::for_each_record(std::string_view log, const RecordVisitor& visit) const {
    PSEPHOS_TRY(load(log, visit));
    return {};
}

Result<Bytes> RecordReader::record(std::string_view log, std::uint64_t index) const {
    PSEPHOS_TRY_ASSIGN(const std::size_t at, load(log));
    const RecordLog& l = logs_[at];
    const LoadedLog& loaded = loaded_[at];
    if (index >= loaded.offsets.size())
        return make_error(ErrorCode::not_found,
                          std::string(log) + ": no record " + std::to_string(index));
    const std::string path = l.directory + "/records.bin";
    auto file = crypto::RecordFile::open(dir_, path);
    if (!file) return file.error().within(dir_.string());
    std::optional<Bytes> frame;
    if (file->seek(loaded.offsets[index]).ok()) {
        auto read = file->read_frame();
        if (read) frame = std::move(read).value();
    }
    if (!frame || !(crypto::hash_merkle_leaf(*frame) == loaded.leaves[index]))
        return make_error(ErrorCode::corrupted, (dir_ / path).string() + ": record " +
                                                    std::to_string(index) +
                                                    " changed since the log was read");
    return std::move(*frame);
}

Result<ledger::LogStatus> RecordReader::status(std::string_view log) const {
    const RecordLog* l = find(log);
    if (!l) return no_log(log);
    ledger::LogStatus s;
    s.name = l->name;
    s.origin = l->verifier.name;
    s.size = l->size;
    s.root = l->root;
    s.verifier = l->verifier;
    return s;
}

Result<std::vector<std::pair<std::uint64_t, std::string>>> RecordReader::checkpoints(
    std::string_view log) const {
    const RecordLog* l = find(log);
    if (!l) return no_log(log);
    std::vector<std::pair<std::uint64_t, std::string>> out;
    std::optional<Error> bad;
    PSEPHOS_TRY(for_each_frame(
        dir_, l->directory + "/checkpoints.bin", [&](std::uint64_t, std::uint64_t, const Bytes& f) {
            if (bad) return;
            std::string note(f.begin(), f.end());
            auto text = election::open_note(note, l->verifier);
            if (!text) {
                bad = text.error().within(l->name + " checkpoints.bin");
                return;
            }
            auto checkpoint = election::Checkpoint::parse(*text);
            if (!checkpoint) {
                bad = checkpoint.error().within(l->name + " checkpoints.bin");
                return;
            }
            out.emplace_back(checkpoint->size, std::move(note));
        }));
    if (bad) return *bad;
    return out;
}

Result<std::vector<std::pair<std::uint64_t, std::string>>> RecordReader::cosigned_checkpoints()
    const {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    if (witnesses_error_) return *witnesses_error_;
    if (!has_witnesses_) return out;
    const RecordLog* l = find(ledger::election_log_name);
    if (!l) return no_log(ledger::election_log_name);
    std::optional<Error> bad;
    PSEPHOS_TRY(for_each_frame(
        dir_, "election/cosignatures.bin", [&](std::uint64_t i, std::uint64_t, const Bytes& f) {
            if (bad) return;
            std::string note(f.begin(), f.end());
            auto text = election::open_note(note, l->verifier);
            auto checkpoint = text ? election::Checkpoint::parse(*text)
                                   : Result<election::Checkpoint>(text.error());
            if (!checkpoint) {
                bad = checkpoint.error().within("election/cosignatures.bin frame " +
                                                std::to_string(i));
                return;
            }
            out.emplace_back(checkpoint->size, std::move(note));
        }));
    if (bad) return *bad;
    return out;
}

Result<std::vector<Hash32>> RecordReader::prove_inclusion(std::string_view log, std::uint64_t index,
                                                          std::uint64_t size) const {
    PSEPHOS_TRY_ASSIGN(const std::size_t at, load(log));
    const std::vector<Hash32>& leaves = loaded_[at].leaves;
    if (size > leaves.size())
        return make_error(ErrorCode::invalid_argument,
                          std::string(log) + ": size " + std::to_string(size) + " beyond the log");
    return crypto::prove_inclusion(std::span(leaves).first(size), index);
}

Result<std::vector<Hash32>> RecordReader::prove_consistency(std::string_view log,
                                                            std::uint64_t old_size,
                                                            std::uint64_t new_size) const {
    PSEPHOS_TRY_ASSIGN(const std::size_t at, load(log));
    const std::vector<Hash32>& leaves = loaded_[at].leaves;
    if (new_size > leaves.size())
        return make_error(
            ErrorCode::invalid_argument,
            std::string(log) + ": size " + std::to_string(new_size) + " beyond the log");
    return crypto::prove_consistency(std::span(leaves).first(new_size), old_size);
}

std::vector<election::AnchorState> RecordReader::anchors() const {
    std::vector<Bytes> frames;  // the bridge log is small: a few records per anchor
    auto bridge = load(ledger::bridge_log_name,
                       [&](std::uint64_t, const Bytes& frame) { frames.push_back(frame); });
    if (!bridge) return {};
    const RecordLog* election_log = find(ledger::election_log_name);
    auto election_checkpoints = checkpoints(ledger::election_log_name);
    const auto root_at = [&](std::uint64_t size) -> Result<Hash32> {
        if (election_checkpoints)
            for (const auto& [n, note] : *election_checkpoints)
                if (n == size) {
                    PSEPHOS_TRY_ASSIGN(const std::string text,
                                       election::open_note(note, election_log->verifier));
                    PSEPHOS_TRY_ASSIGN(const auto c, election::Checkpoint::parse(text));
                    return c.root;
                }
        return make_error(ErrorCode::not_found,
                          "no election checkpoint of size " + std::to_string(size));
    };
    election::AnchorBook book(election_.base_hash);
    for (std::uint64_t i = 0; i < frames.size(); ++i) {
        if (book.admit(frames[i], i, root_at)) book.add(frames[i], i);
    }
    return book.anchors();
}

Result<std::pair<Hash32, ledger::TrackingCodeEntry>> RecordReader::find_tracking_code(
    ByteSpan prefix) const {
    const auto& districts = election_.manifest.districts;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        std::optional<std::pair<Hash32, ledger::TrackingCodeEntry>> match;
        PSEPHOS_TRY(for_each_record(districts[d].id, [&](std::uint64_t i, const Bytes& f) {
            if (match || f.empty() || (f[0] != 0x02 && f[0] != 0x03)) return;
            std::optional<election::EncryptedBallot> ballot;
            if (f[0] == 0x02) {
                if (auto b = election::decode_ballot(f)) ballot = std::move(b).value();
            } else if (auto c = election::decode_challenged_ballot(f)) {
                ballot = std::move(c).value().ballot;
            }
            if (!ballot) return;
            const Hash32 code = election::next_tracking_code(
                ballot->previous_tracking_code, election::compute_ballot_hash(*ballot));
            if (std::equal(prefix.begin(), prefix.end(), code.bytes.begin()))
                match = std::pair{code, ledger::TrackingCodeEntry{d, i, f[0] == 0x03}};
        }));
        if (match) return *match;
    }
    return make_error(ErrorCode::not_found, "no ballot in the record has this tracking code");
}

}  // namespace psephos::record
