// The record verifier's shared machinery (verifier_impl.hpp): the check table, outcomes, frames,
// the work queue and the reading of a record's files.
#include <sodium.h>

#include <algorithm>

#include "psephos/json/strict_json.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

// docs/election-record.md §5, by number (index 0 is V1).
const CheckDefinition check_definitions[34] = {
    {"record-format", "index files"},
    {"file-list", "files"},
    {"file-hashes", "files"},
    {"manifest-encoding", "encodings"},
    {"base-hash", "hashes"},
    {"ceremony-hash", "hashes"},
    {"ceremony-guardians", "guardians"},
    {"ceremony-proofs", "commitments"},
    {"joint-key", "keys"},
    {"log-list", "logs"},
    {"log-records", "records"},
    {"log-checkpoints", "checkpoints"},
    {"election-log-leaves", "election records"},
    {"election-log-covers-districts", "districts"},
    {"log-consistency", "proofs"},
    {"event-chain", "events"},
    {"district-records", "records"},
    {"district-sequence", "records"},
    {"ballot-contents", "ballots"},
    {"ballot-signatures", "ballots"},
    {"tracking-chains", "ballots"},
    {"challenged-openings", "challenged ballots"},
    {"district-tally", "tallies"},
    {"tally-decryptions", "decryptions"},
    {"district-result", "results"},
    {"results-file", "files"},
    {"challenged-file", "files"},
    {"anchors", "bridge records"},
    {"authority-approval", "approvals"},
    {"device-authorisations", "authority records"},
    {"election-wide-uniqueness", "names"},
    {"station-checkpoints", "station checkpoints"},
    {"equivocation-evidence", "evidence"},
    {"witness-cosignatures", "cosignatures"},
};

namespace {

const char* conflict_prefix(ElectionWideNames::Kind kind) {
    switch (kind) {
        case ElectionWideNames::Kind::device_id:
            return "one device id registered in two districts: ";
        case ElectionWideNames::Kind::device_key:
            return "one device key registered in two districts: ";
        case ElectionWideNames::Kind::ballot_id:
            return "one ballot id in two districts: ";
        case ElectionWideNames::Kind::ballot_ciphertexts:
            return "the same ciphertexts in two districts (a copied ballot): ";
    }
    return "?";
}

}  // namespace

std::optional<std::string> ElectionWideNames::claim(Kind kind, ByteSpan value,
                                                    const std::string& district,
                                                    const std::string& place) {
    const std::uint8_t tag = static_cast<std::uint8_t>(kind);
    const Hash32 full = sha256_of({ByteSpan(&tag, 1), value});
    Digest digest{};
    std::copy_n(full.bytes.begin(), digest.size(), digest.begin());
    if (recording_) {
        std::lock_guard lock(mutex_);
        recorded_[district].push_back({kind, digest, place});
        return std::nullopt;
    }
    return claim_digest(kind, digest, district, place);
}

std::optional<std::string> ElectionWideNames::claim_digest(Kind kind, const Digest& digest,
                                                           const std::string& district,
                                                           const std::string& place) {
    std::pair<std::string, std::string> first, second{district, place};
    {
        std::lock_guard lock(mutex_);
        const auto [it, inserted] = owner_.try_emplace(digest, district, place);
        if (inserted || it->second.first == district) return std::nullopt;  // within: V18's
        first = it->second;
    }
    if (second.first < first.first) std::swap(first, second);
    return conflict_prefix(kind) + ("district '" + first.first + "' " + first.second +
                                    " and district '" + second.first + "' " + second.second);
}

std::vector<ElectionWideNames::Claim> ElectionWideNames::take_recorded(
    const std::string& district) {
    std::lock_guard lock(mutex_);
    const auto it = recorded_.find(district);
    if (it == recorded_.end()) return {};
    std::vector<Claim> claims = std::move(it->second);
    recorded_.erase(it);
    return claims;
}

json::object Outcome::to_json() const {
    std::lock_guard lock(mutex_);
    json::array failures;
    for (const auto& f : failures_) failures.emplace_back(f);
    return {{"items", items_.load()},
            {"failures", std::move(failures)},
            {"count", failure_count_},
            {"not_run", not_run_},
            {"why", why_}};
}

void Outcome::absorb(const json::object& part) {
    const std::uint64_t items = part.at("items").to_number<std::uint64_t>();
    const auto& failures = part.at("failures").as_array();
    const std::uint64_t count = part.at("count").to_number<std::uint64_t>();
    const bool not_run = part.at("not_run").as_bool();
    const std::string why(part.at("why").as_string());
    std::lock_guard lock(mutex_);
    items_ += items;
    for (const auto& f : failures)
        if (failures_.size() < max_failures_listed) failures_.emplace_back(f.as_string());
    failure_count_ += count;
    if (not_run && !not_run_) {
        not_run_ = true;
        why_ = why;
    }
}

CheckOutcome Outcome::take(int number, std::string scope) {
    std::lock_guard lock(mutex_);
    CheckOutcome c;
    c.id = "V" + std::to_string(number);
    c.name = check_definitions[number - 1].name;
    c.scope = std::move(scope);
    c.items_checked = items_;
    c.failures = failures_;
    c.failure_count = failure_count_;
    if (failure_count_ > 0) {
        c.status = CheckStatus::failed;
    } else if (not_run_) {
        c.status = CheckStatus::not_run;
    } else {
        c.status = CheckStatus::passed;
    }
    c.note = not_run_ ? why_ : check_definitions[number - 1].unit;
    return c;
}

FrameReader::FrameReader(const fs::path& root, const std::string& relative) {
    auto opened = crypto::RecordFile::open(root, relative);
    if (opened) {
        file_.emplace(std::move(opened).value());
    } else {
        open_error_ = opened.error().message;
    }
}

FrameReader::Next FrameReader::next(Bytes& frame, std::string& error) {
    auto next = file_->read_frame();
    if (!next) {
        error = next.error().message;
        return Next::error;
    }
    if (!*next) return Next::end;
    frame = std::move(**next);
    return Next::frame;
}

std::string hex(const Hash32& h) { return h.to_hex(); }

// A checkpoint note opened with its log's verifier key and parsed (docs/election-record.md §3.3).
Result<ParsedCheckpoint> open_checkpoint(std::string_view note, const VerifierKey& key) {
    PSEPHOS_TRY_ASSIGN(const std::string text, open_note(note, key));
    return parse_checkpoint(text);
}

Bytes u32be(std::uint32_t v) {
    Bytes out;
    append_u32_be(out, v);
    return out;
}

std::optional<Bytes> read_file(const fs::path& root, const std::string& relative,
                               std::size_t max_size, std::string& error) {
    auto bytes = crypto::read_record_file(root, relative, max_size);
    if (!bytes) {
        error = bytes.error().message;
        return std::nullopt;
    }
    return std::move(bytes).value();
}

std::optional<json::value> read_json(const fs::path& root, const std::string& relative,
                                     std::size_t max_size, std::string& error) {
    auto data = read_file(root, relative, max_size, error);
    if (!data) return std::nullopt;
    auto v = psephos::json::parse_strict(
        std::string_view(reinterpret_cast<const char*>(data->data()), data->size()), relative,
        psephos::json::Limits::for_size(max_size));
    if (!v) {
        error = v.error().message;
        return std::nullopt;
    }
    return std::move(v).value();
}

}  // namespace psephos::verifier::detail
