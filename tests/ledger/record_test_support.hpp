// Helpers shared by the election record's tests (tst_election_record, tst_record_verifier,
// tst_record_tamper): files in and out, records.bin frames, record.json's file hashes, and the
// ledger options and checks the full-day builders use.
#pragma once

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/ledger/ledger.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"

namespace psephos::test {

namespace fs = std::filesystem;
using ledger::LedgerOptions;
using ledger::Receipt;
using namespace psephos::ledger;
using namespace psephos::election;

// A frame of a records.bin or checkpoints.bin: where its bytes start and how many.
struct Frame {
    std::size_t start = 0;  // offset of the frame's content (after its u32be length)
    std::size_t size = 0;
};

inline Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const fs::path& path, const Bytes& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
}

inline std::string read_text(const fs::path& path) {
    const Bytes data = read_bytes(path);
    return std::string(data.begin(), data.end());
}

inline void write_text(const fs::path& path, const std::string& text) {
    write_bytes(path, Bytes(text.begin(), text.end()));
}

// Rewrites record.json's "bytes" and "sha256" of `path` for the file as it now is, so a change
// to that file is not caught by V3 alone.
inline void redo_file_hash(const fs::path& record, const std::string& path) {
    const Bytes data = read_bytes(record / path);
    std::string text = read_text(record / "record.json");
    const std::size_t at = text.find("\"path\": \"" + path + "\"");
    if (at == std::string::npos) qFatal("record.json does not list %s", path.c_str());
    const std::size_t bytes_at = text.find("\"bytes\": ", at) + 9;
    const std::size_t bytes_end = text.find_first_not_of("0123456789", bytes_at);
    text.replace(bytes_at, bytes_end - bytes_at, std::to_string(data.size()));
    const std::size_t sha_at = text.find("\"sha256\": \"", at) + 11;
    text.replace(sha_at, 64, crypto::sha256(data).to_hex());
    write_text(record / "record.json", text);
}

inline std::vector<Frame> frame_positions(const Bytes& data) {
    std::vector<Frame> out;
    std::size_t at = 0;
    while (at + 4 <= data.size()) {
        const std::size_t n = std::size_t{data[at]} << 24 | std::size_t{data[at + 1]} << 16 |
                              std::size_t{data[at + 2]} << 8 | data[at + 3];
        if (at + 4 + n > data.size()) qFatal("truncated frame at %zu", at);
        out.push_back({at + 4, n});
        at += 4 + n;
    }
    if (at != data.size()) qFatal("bytes after the last frame");
    return out;
}

inline std::vector<Bytes> frames_of(const Bytes& data) {
    std::vector<Bytes> out;
    for (const Frame& f : frame_positions(data))
        out.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(f.start),
                         data.begin() + static_cast<std::ptrdiff_t>(f.start + f.size));
    return out;
}

inline Bytes file_of(const std::vector<Bytes>& frames) {
    Bytes out;
    for (const auto& f : frames) {
        append_u32_be(out, static_cast<std::uint32_t>(f.size()));
        out.insert(out.end(), f.begin(), f.end());
    }
    return out;
}

template <class T>
inline T checked(Result<T> r, const char* what) {
    if (!r) qFatal("%s: %s", what, r.error().message.c_str());
    return std::move(r).value();
}

inline LedgerOptions options_in(const fs::path& dir) {
    LedgerOptions o;
    o.directory = dir / "ledger";
    o.threads = 2;
    o.clock = [] { return std::uint64_t{1'793'000'300}; };
    return o;
}

inline void require_all_ok(const std::vector<Result<Receipt>>& results) {
    for (std::size_t i = 0; i < results.size(); ++i)
        if (!results[i]) qFatal("record %zu: %s", i, results[i].error().message.c_str());
}

// A full polling day of `manifest` (its own key ceremony), exported to dir/record: both districts
// registered and opened, ballots cast and challenged in several batches, polls paused and resumed
// in d1, the close, the tally, guardians 1 and 3's decryptions and the results.
// `before_export` runs on the ledger just before the export (to add anchors, say). `key` is the
// ledger's key (the scenario's key file's by default; a token's in tst_ledger_token).
inline fs::path export_full_day(const fs::path& dir, const ElectionManifest& manifest,
                                const std::function<void(Ledger&)>& before_export = {},
                                std::optional<LedgerKey> key = std::nullopt) {
    fs::create_directories(dir);
    test::LedgerScenario scenario(manifest);
    auto ledger =
        checked(Ledger::create(options_in(dir), scenario.election(), scenario.approval(),
                               key ? std::move(*key) : test::LedgerScenario::ledger_key()),
                "create");
    require_all_ok(ledger->ingest(scenario.opening()));
    checked(ledger->publish_election_checkpoint(), "publish");
    auto cast = [&](std::size_t d, const BallotMarks& marks) {
        return encode_ballot(scenario.ballot_with(d, marks).ballot);
    };
    auto challenge = [&](std::size_t d, const BallotMarks& marks) {
        return encode_challenged_ballot(challenge_ballot(scenario.ballot_with(d, marks)));
    };
    require_all_ok(ledger->ingest({
        cast(0, {{"mayor", {"ada"}}, {"council", {"emmy", "kurt"}}, {"measure-a", {"yes"}}}),
        challenge(0, {{"mayor", {"grace"}}, {"council", {"john"}}}),
        cast(1, {{"mayor", {"alan"}}, {"measure-a", {"no"}}}),
    }));
    checked(ledger->publish_election_checkpoint(), "publish");
    // d1 so far: one ballot cast, one challenged (polls records carry the totals).
    require_all_ok(ledger->ingest({scenario.polls(PollsAction::paused, 0, 1, 1)}));
    require_all_ok(ledger->ingest({scenario.polls(PollsAction::resumed, 0, 1, 1)}));
    require_all_ok(ledger->ingest({
        cast(0, {{"council", {"rozsa", "john"}}}),
        challenge(1, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}}),
        cast(1, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}}),
        cast(0, {{"mayor", {"grace"}}, {"measure-a", {"no"}}}),
    }));
    checked(ledger->publish_election_checkpoint(), "publish");
    checked(ledger->close_all_polls(scenario.closings(*ledger)), "close");
    checked(ledger->tally(), "tally");
    const auto& c = scenario.ceremony();
    std::vector<Bytes> decryptions;
    for (std::size_t d = 0; d < scenario.election().manifest.districts.size(); ++d) {
        const RecordedTally t = *ledger->tallying().tally(d);
        for (const std::uint32_t g : {1U, 3U})
            decryptions.push_back(encode_tally_decryption(
                decrypt_district_tally(scenario.election(), t.tally, t.hash, g,
                                       c.secret_shares.at(g - 1).secret, c.identities.at(g - 1))));
    }
    require_all_ok(ledger->ingest(std::move(decryptions), ActorRole::guardian));
    checked(ledger->record_results(), "results");
    if (before_export) before_export(*ledger);
    const fs::path out = dir / "record";
    auto exported = record::export_election_record(*ledger, out);
    if (!exported) qFatal("export: %s", exported.error().message.c_str());
    return out;
}

}  // namespace psephos::test
