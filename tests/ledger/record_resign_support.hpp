// Helpers of the record tamper tests (tst_record_tamper, tst_record_anchors): a record copied,
// a log's checkpoints and consistency proofs signed again with the test ledger key as the
// ledger's operator could, and the verifier's report in one line.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_test_support.hpp"

namespace psephos::test {

using verifier::CheckStatus;
using verifier::verify_election_record;
using verifier::VerifyOptions;
using verifier::VerifyReport;

inline fs::path copy_record(const fs::path& from, const fs::path& dir) {
    const fs::path copy = dir / "record";
    fs::copy(from, copy, fs::copy_options::recursive);
    return copy;
}

inline std::string failed_checks(const VerifyReport& report) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.status == CheckStatus::failed)
            out += c.id + (c.scope.empty() ? "" : "[" + c.scope + "]") +
                   (c.failures.empty() ? "" : "(" + c.failures[0] + ")") + " ";
    return out;
}

// Sets the `root` of the `logs` entry of `name` in record.json.
inline void set_log_root(const fs::path& record, const std::string& name, const Hash32& root) {
    std::string text = read_text(record / "record.json");
    const std::size_t entry = text.find("\"name\": \"" + name + "\"");
    if (entry == std::string::npos) qFatal("record.json has no log %s", name.c_str());
    const std::size_t at = text.find("\"root\": \"", entry) + 9;
    text.replace(at, 64, root.to_hex());
    write_text(record / "record.json", text);
}

inline std::vector<Hash32> leaf_hashes(const fs::path& records_bin) {
    std::vector<Hash32> out;
    for (const Bytes& r : frames_of(read_bytes(records_bin)))
        out.push_back(crypto::hash_merkle_leaf(r));
    return out;
}

// Signs every checkpoint of the log in `dir` again over its records as they now are (same sizes)
// and redoes its consistency proofs (same sizes); returns the new notes by size.
inline std::map<std::uint64_t, std::string> resign_log(const fs::path& record,
                                                       const std::string& dir,
                                                       const std::string& origin) {
    const LedgerKey key = test::LedgerScenario::ledger_key();
    const std::vector<Hash32> leaves = leaf_hashes(record / dir / "records.bin");
    std::map<std::uint64_t, std::string> notes;
    std::vector<Bytes> frames;
    for (const Bytes& note : frames_of(read_bytes(record / dir / "checkpoints.bin"))) {
        const std::string text(note.begin(), note.end());
        const auto parsed = Checkpoint::parse(text.substr(0, text.find("\n\n") + 1));
        if (!parsed) qFatal("checkpoint: %s", parsed.error().message.c_str());
        Checkpoint c = parsed.value();
        c.root = crypto::compute_merkle_root(
            std::span<const Hash32>(leaves.data(), static_cast<std::size_t>(c.size)));
        const std::string signed_note =
            checked(sign_note(c.to_text(), origin, key.derive_log_key(origin)), "sign");
        notes[c.size] = signed_note;
        frames.emplace_back(signed_note.begin(), signed_note.end());
    }
    write_bytes(record / dir / "checkpoints.bin", file_of(frames));
    const fs::path consistency = record / dir / "consistency.bin";
    if (fs::exists(consistency)) {
        const Bytes data = read_bytes(consistency);
        Bytes out;
        std::size_t at = 0;
        auto u64 = [&](std::size_t p) {
            std::uint64_t v = 0;
            for (std::size_t i = 0; i < 8; ++i) v = v << 8 | data[p + i];
            return v;
        };
        while (at < data.size()) {
            const std::uint64_t old_size = u64(at), new_size = u64(at + 8);
            const std::size_t count = std::size_t{data[at + 16]} << 24 |
                                      std::size_t{data[at + 17]} << 16 |
                                      std::size_t{data[at + 18]} << 8 | data[at + 19];
            out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
                       data.begin() + static_cast<std::ptrdiff_t>(at + 16));
            const auto proof = checked(
                crypto::prove_consistency(
                    std::span<const Hash32>(leaves.data(), static_cast<std::size_t>(new_size)),
                    old_size),
                "consistency");
            append_u32_be(out, static_cast<std::uint32_t>(proof.size()));
            for (const Hash32& h : proof) out.insert(out.end(), h.bytes.begin(), h.bytes.end());
            at += 20 + 32 * count;
        }
        write_bytes(consistency, out);
    }
    set_log_root(
        record,
        dir == "election" || dir == "bridge" ? "/" + dir : fs::path(dir).filename().string(),
        crypto::compute_merkle_root(leaves));
    return notes;
}

// After district `d`'s records.bin changed (same number of records), redoes what the ledger's
// key signs, as an operator holding it could: d's checkpoints, consistency proofs and root, the
// election log's leaves that hold d's checkpoints, the election log's checkpoints, consistency
// proofs and root, and record.json's hashes. Only the content checks (V17–V27) can then object.
inline void resign_district(const fs::path& record, const std::string& election_id,
                            const std::string& d) {
    const std::string dir = "districts/" + d;
    const auto notes = resign_log(record, dir, election_id + "/district/" + d);
    std::vector<Bytes> leaves;
    for (const Bytes& r : frames_of(read_bytes(record / "election" / "records.bin"))) {
        DistrictCheckpointRecord c = checked(decode_district_checkpoint(r), "decode");
        if (c.district_id == d) {
            const std::string& note = c.signed_checkpoint;
            const std::size_t line = note.find('\n') + 1;
            const std::uint64_t size = std::stoull(note.substr(line, note.find('\n', line) - line));
            c.signed_checkpoint = notes.at(size);
        }
        leaves.push_back(encode_district_checkpoint(c));
    }
    write_bytes(record / "election" / "records.bin", file_of(leaves));
    resign_log(record, "election", election_id + "/election");
    for (const char* f : {"records.bin", "checkpoints.bin", "consistency.bin"}) {
        redo_file_hash(record, dir + "/" + f);
        redo_file_hash(record, std::string("election/") + f);
    }
}

inline VerifyReport verify(const fs::path& record) {
    VerifyOptions options;
    options.threads = 2;
    return verify_election_record(record, options);
}

}  // namespace psephos::test
