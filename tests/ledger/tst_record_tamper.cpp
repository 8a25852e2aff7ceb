// Tamper tests of the election record's verifier (docs/election-record.md §5, issue 6): in a
// record of a full polling day that holds every record type (0x02, 0x03, 0x07–0x10), one byte is
// changed at a time in sampled places of every file — record.json's hash of that file redone, so
// that V3 alone cannot catch it — and verify_election_record must fail each time with a check
// other than V1–V3 in the scope of the file changed (the district, or the log, or election-wide).
// The same in a district log with everything the ledger's key signs redone (as the ledger's
// operator could): a content check V17–V27 names the place. A deleted, duplicated or reordered
// ballot is caught, and so is a district log, a manifest or a whole record from another election.
// The QDEBUG lines are the table of places and the checks that failed; QINFO sums them up.
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <span>

#include "ledger_scenario.hpp"
#include "partitioned_support.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/signed_note.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "psephos/verifier/record_verifier.hpp"
#include "record_resign_support.hpp"
#include "record_test_support.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;
using namespace psephos::verifier;
namespace fs = std::filesystem;

namespace {

using namespace psephos::test;

// The ids (with scope) of the failed checks, e.g. "V11[d1] V19[d1]".
std::string failed_ids(const VerifyReport& report) {
    std::string out;
    for (const auto& c : report.checks)
        if (c.status == CheckStatus::failed)
            out += (out.empty() ? "" : " ") + c.id + (c.scope.empty() ? "" : "[" + c.scope + "]");
    return out;
}

// A device registration with its key replaced by one docs/crypto.md §8 refuses: the identity's
// neighbour of order 4 (all zero), y = 3 + p (y ≥ p: not canonical), or the registered key A
// plus the point of order 2, (−x, −y): on the curve, not small, but outside the prime-order
// subgroup, so only crypto_core_ed25519_is_valid_point's subgroup test refuses it.
Bytes forged_device_key(Bytes registration, const std::string& kind) {
    const DeviceRegistration r = checked(decode_device_registration(registration), "registration");
    const std::size_t at = 2 + 4 + r.district_id.size() + 4 + r.device_id.size();
    const auto key = std::span(registration).subspan(at, 32);
    if (kind == "small-order key") {
        std::fill(key.begin(), key.end(), 0);
    } else if (kind == "non-canonical key") {
        std::fill(key.begin(), key.end(), 0xFF);
        key[0] = 0xF0;  // 2^255 − 19 + 3, little-endian
        key[31] = 0x7F;
    } else {
        const bool sign = (key[31] & 0x80U) != 0;
        key[31] &= 0x7FU;
        unsigned borrow = 0;  // y := p − y, p = 2^255 − 19
        for (std::size_t i = 0; i < 32; ++i) {
            const unsigned p_byte = i == 0 ? 0xEDU : (i == 31 ? 0x7FU : 0xFFU);
            const unsigned d = p_byte - key[i] - borrow;
            borrow = d > p_byte ? 1U : 0U;
            key[i] = static_cast<std::uint8_t>(d & 0xFFU);
        }
        if (!sign) key[31] |= 0x80U;  // x := −x flips the parity (x ≠ 0 for a real key)
    }
    return registration;
}

bool is_index_check(const std::string& id) { return id == "V1" || id == "V2" || id == "V3"; }

// One place to change: a byte of a file, what it is, and the scopes whose checks name it.
struct Place {
    std::string file;
    std::size_t offset = 0;
    std::string kind;  // "0x02", …, "checkpoints.bin", "manifest.json", …
    std::string what;
    std::string scope;       // the district, the log name, or "" for an election-wide file
    bool text = false;       // a JSON file: replace the character with a valid-looking one
    bool any_check = false;  // record.json itself: any check may name it (V1–V3 included)
};

std::string hex2(unsigned v) {
    static const char* digits = "0123456789abcdef";
    return std::string{digits[(v >> 4) & 15], digits[v & 15]};
}

// The offsets of a record of n bytes to change: type, version, the first id's length and
// bytes, then spread over the rest (points, proofs, …), the start of the last 64 bytes (a
// signature where the record has one) and the last byte.
std::vector<std::size_t> record_offsets(std::size_t n) {
    std::set<std::size_t> at = {0, 1, 5, 6, n - 1};
    for (std::size_t k = 1; k < 6; ++k) at.insert(n * k / 6);
    if (n > 128) at.insert(n - 64);
    std::vector<std::size_t> out;
    for (const std::size_t o : at)
        if (o < n) out.push_back(o);
    return out;
}

// Positions of alphanumeric characters in a JSON text that are inside values (strings that are
// not member names, and numbers).
std::vector<std::size_t> json_value_positions(const std::string& text) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (ch == '"') {
            std::size_t end = i + 1;
            while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
            const std::size_t next = text.find_first_not_of(" \n\r\t", end + 1);
            const bool key = next != std::string::npos && text[next] == ':';
            if (!key)
                for (std::size_t k = i + 1; k < end; ++k)
                    if (std::isalnum(static_cast<unsigned char>(text[k]))) out.push_back(k);
            i = end;
        } else if (ch >= '0' && ch <= '9') {
            out.push_back(i);
        }
    }
    return out;
}

char replacement_for(char ch) {
    if (ch >= '0' && ch <= '9') return static_cast<char>(ch ^ 0x01);
    if (ch == 'f') return 'e';
    if (ch == 'z') return 'y';
    if (ch == 'Z') return 'Y';
    return static_cast<char>(ch + 1);  // a–e, g–y, A–Y: the next letter
}

}  // namespace

class TestRecordTamper : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    fs::path record_;     // the full day
    fs::path other_id_;   // the same day of the manifest with another election id
    fs::path other_run_;  // the same manifest again: another ceremony, another base hash
    std::vector<std::string> district_ids_;

private slots:
    void initTestCase() {
        crypto::initialize();
        QVERIFY(tmp_.isValid());
        const fs::path dir = tmp_.path().toStdString();
        record_ = export_full_day(dir / "a", test::small_manifest());
        ElectionManifest other = test::small_manifest();
        other.election_id = "other-election-2026";
        other_id_ = export_full_day(dir / "b", other);
        other_run_ = export_full_day(dir / "c", test::small_manifest());
        for (const auto& d : test::small_manifest().districts) district_ids_.push_back(d.id);
        for (const fs::path& r : {record_, other_id_, other_run_}) {
            const VerifyReport report = verify(r);
            QVERIFY2(report.passed(), failed_checks(report).c_str());
        }
    }

    // One byte changed at a time in sampled places of every file, record.json's hash of the file
    // redone: a check other than V1–V3, of the file's scope, fails every time.
    void changed_byte_in_every_file_is_named() {
        std::vector<Place> places;
        std::map<std::string, std::size_t> records_per_type;
        auto add_framed = [&](const std::string& file, const std::string& scope, bool records) {
            const Bytes data = read_bytes(record_ / file);
            const std::vector<Frame> frames = frame_positions(data);
            const std::string name = fs::path(file).filename().string();
            for (std::size_t i = 0; i < frames.size(); ++i) {
                const Frame& f = frames[i];
                const std::string kind = records ? "0x" + hex2(data[f.start]) : name;
                if (records) ++records_per_type[kind];
                if (i == 0 || i + 1 == frames.size())  // the frame's length (low byte)
                    places.push_back({file, f.start - 1, records ? "frame-length" : name,
                                      "frame " + std::to_string(i) + " length", scope});
                for (const std::size_t o : record_offsets(f.size))
                    places.push_back({file, f.start + o, kind,
                                      "frame " + std::to_string(i) + " (" + kind + ") byte " +
                                          std::to_string(o) + "/" + std::to_string(f.size),
                                      scope});
            }
        };
        auto add_spread = [&](const std::string& file, const std::string& scope,
                              std::size_t count) {
            const std::size_t size = fs::file_size(record_ / file);
            std::set<std::size_t> at = {0, size - 1};
            for (std::size_t k = 1; k < count; ++k) at.insert(size * k / count);
            for (const std::size_t o : at)
                places.push_back({file, o, fs::path(file).filename().string(),
                                  "byte " + std::to_string(o) + "/" + std::to_string(size), scope});
        };
        auto add_json = [&](const std::string& file, std::size_t count) {
            const std::string text = read_text(record_ / file);
            const std::vector<std::size_t> candidates = json_value_positions(text);
            QVERIFY(candidates.size() > count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t o = candidates[(candidates.size() - 1) * k / (count - 1)];
                const std::size_t line = text.rfind('\n', o);
                const std::size_t line_start = line == std::string::npos ? 0 : line + 1;
                std::string context = text.substr(line_start, text.find('\n', o) - line_start);
                context.erase(0, context.find_first_not_of(' '));
                if (context.size() > 60) context = context.substr(0, 57) + "...";
                places.push_back({file, o, file, "char " + std::to_string(o) + " in " + context, "",
                                  true, file == "record.json"});
            }
        };
        for (const auto& d : district_ids_) {
            const std::string dir = "districts/" + d + "/";
            add_framed(dir + "records.bin", d, true);
            add_framed(dir + "checkpoints.bin", d, false);
            add_spread(dir + "consistency.bin", d, 6);
        }
        add_framed("election/records.bin", "/election", true);
        add_framed("election/checkpoints.bin", "/election", false);
        add_spread("election/consistency.bin", "/election", 6);
        add_framed("events/records.bin", "/events", true);
        add_framed("events/checkpoints.bin", "/events", false);
        add_spread("manifest.bin", "", 10);
        add_json("manifest.json", 10);
        add_json("results.json", 10);
        add_json("challenged-ballots.json", 10);
        add_json("record.json", 10);

        // At most 18 places per record type and 10 per other file, spread evenly over them
        // (the event log and the checkpoints hold many records of the same shape).
        {
            std::map<std::string, std::vector<Place>> groups;
            std::vector<std::string> order;
            for (Place& p : places) {
                const std::string key = p.kind.rfind("0x", 0) == 0 ? p.kind : p.file;
                if (groups[key].empty()) order.push_back(key);
                groups[key].push_back(std::move(p));
            }
            places.clear();
            for (const auto& key : order) {
                const std::vector<Place>& group = groups[key];
                const std::size_t cap = key.rfind("0x", 0) == 0 ? 18 : 10;
                if (group.size() <= cap) {
                    places.insert(places.end(), group.begin(), group.end());
                    continue;
                }
                for (std::size_t k = 0; k < cap; ++k)
                    places.push_back(group[(group.size() - 1) * k / (cap - 1)]);
            }
        }

        // Every record type of the record is there.
        for (const char* type : {"0x02", "0x03", "0x07", "0x08", "0x09", "0x0a", "0x0b", "0x0c",
                                 "0x0d", "0x0e", "0x0f", "0x10"})
            QVERIFY2(records_per_type.count(type) == 1, type);

        const auto started = std::chrono::steady_clock::now();
        std::map<std::string, std::size_t> per_kind;
        std::map<std::string, std::map<std::string, std::size_t>> checks_per_kind;
        std::vector<std::string> missed;
        std::vector<std::string> only_log_hashes;  // records.bin places caught only by V11/V12
        for (const Place& place : places) {
            QTemporaryDir tmp;
            const fs::path copy = copy_record(record_, tmp.path().toStdString());
            Bytes data = read_bytes(copy / place.file);
            const std::uint8_t before = data.at(place.offset);
            if (place.text) {
                data[place.offset] = static_cast<std::uint8_t>(
                    replacement_for(static_cast<char>(data[place.offset])));
            } else {
                data[place.offset] ^= 0x01;
            }
            QVERIFY(data[place.offset] != before);
            write_bytes(copy / place.file, data);
            if (place.file != "record.json") redo_file_hash(copy, place.file);
            const VerifyReport report = verify(copy);
            const std::string where = place.file + " " + place.what;
            const std::string ids = failed_ids(report);
            ++per_kind[place.kind];
            bool named = false;
            bool content = false;
            for (const auto& c : report.checks) {
                if (c.status != CheckStatus::failed) continue;
                ++checks_per_kind[place.kind][c.id];
                if (!place.any_check && is_index_check(c.id)) continue;
                const bool scope_ok = place.scope.empty() || c.scope == place.scope ||
                                      (place.scope[0] == '/' && c.scope.empty());
                if (scope_ok) named = true;
                if (c.id != "V11" && c.id != "V12") content = true;
            }
            if (report.passed() || !report.any_failed() || !named)
                missed.push_back(where + " -> " + (ids.empty() ? "(nothing failed)" : ids));
            if (place.kind.rfind("0x", 0) == 0 && !content)
                only_log_hashes.push_back(where + " -> " + ids);
            qDebug("%s -> %s", where.c_str(), ids.c_str());
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

        qInfo("%zu places changed one at a time in %.1f s (%zu records per type in the record):",
              places.size(), seconds, records_per_type.size());
        for (const auto& [kind, count] : per_kind) {
            std::string checks;
            for (const auto& [id, n] : checks_per_kind[kind])
                checks += " " + id + "×" + std::to_string(n);
            qInfo("  %-24s %3zu places; failed:%s", kind.c_str(), count, checks.c_str());
        }
        for (const auto& line : only_log_hashes)
            qInfo("  caught only by the log's root/signatures (V11/V12): %s", line.c_str());
        for (const auto& line : missed) qWarning("NOT NAMED: %s", line.c_str());
        QVERIFY2(missed.empty(), (std::to_string(missed.size()) + " places not caught").c_str());
        QVERIFY(places.size() >= 200);
        for (const auto& [type, n] : records_per_type) QVERIFY2(per_kind[type] >= 5, type.c_str());
    }

    // As above for every record type of a district log, but with everything the ledger's key
    // signs redone (as the ledger's operator could): V1–V16 then pass, and the place must be named
    // by a content check V17–V27. Places no content check names are listed (they are covered only
    // by the ledger's signatures); ballots, registrations, tallies and decryptions must be named.
    void changed_byte_in_a_resigned_district_log() {
        const std::string election_id = test::small_manifest().election_id;
        {  // the re-signing itself changes nothing
            QTemporaryDir tmp;
            const fs::path copy = copy_record(record_, tmp.path().toStdString());
            resign_district(copy, election_id, "d1");
            for (const std::string f :
                 {"record.json", "districts/d1/checkpoints.bin", "districts/d1/consistency.bin",
                  "election/records.bin", "election/checkpoints.bin", "election/consistency.bin"})
                QVERIFY2(read_bytes(copy / f) == read_bytes(record_ / f), f.c_str());
        }
        std::map<std::string, std::vector<std::pair<std::string, std::size_t>>> by_type;
        std::map<std::string, std::string> what;
        for (const auto& d : district_ids_) {
            const std::string file = "districts/" + d + "/records.bin";
            const Bytes data = read_bytes(record_ / file);
            const std::vector<Frame> frames = frame_positions(data);
            for (std::size_t i = 0; i < frames.size(); ++i) {
                const std::string kind = "0x" + hex2(data[frames[i].start]);
                for (const std::size_t o : record_offsets(frames[i].size)) {
                    by_type[kind].emplace_back(file, frames[i].start + o);
                    what[file + std::to_string(frames[i].start + o)] =
                        "frame " + std::to_string(i) + " (" + kind + ") byte " + std::to_string(o) +
                        "/" + std::to_string(frames[i].size);
                }
            }
        }
        std::size_t count = 0;
        std::vector<std::string> not_named, only_tally_root, failures;
        for (const auto& [kind, all] : by_type) {
            const std::size_t cap = std::min<std::size_t>(all.size(), 8);
            std::map<std::string, std::size_t> checks;
            for (std::size_t k = 0; k < cap; ++k) {
                const auto& [file, offset] = all[cap == 1 ? 0 : (all.size() - 1) * k / (cap - 1)];
                const std::string d = fs::path(file).parent_path().filename().string();
                QTemporaryDir tmp;
                const fs::path copy = copy_record(record_, tmp.path().toStdString());
                Bytes data = read_bytes(copy / file);
                data[offset] ^= 0x01;
                write_bytes(copy / file, data);
                resign_district(copy, election_id, d);
                const VerifyReport report = verify(copy);
                ++count;
                const std::string where = file + " " + what[file + std::to_string(offset)];
                bool index_ok = true, content = false, beyond_tally_root = false;
                for (const auto& c : report.checks) {
                    const int number = std::stoi(c.id.substr(1));
                    if (c.status != CheckStatus::passed) {
                        if (number <= 16) index_ok = false;
                    }
                    if (c.status != CheckStatus::failed) continue;
                    ++checks[c.id];
                    if (number >= 17 && (c.scope == d || c.scope.empty())) {
                        content = true;
                        if (c.id != "V23") beyond_tally_root = true;
                    }
                }
                qDebug("re-signed %s -> %s", where.c_str(), failed_ids(report).c_str());
                if (!index_ok)
                    failures.push_back(where +
                                       ": V1–V16 do not all pass: " + failed_checks(report));
                if (!content) {
                    not_named.push_back(where);
                    if (kind == "0x02" || kind == "0x03" || kind == "0x07" || kind == "0x0e" ||
                        kind == "0x0f")
                        failures.push_back(where + ": no content check fails");
                } else if (!beyond_tally_root) {
                    only_tally_root.push_back(where);
                }
            }
            std::string list;
            for (const auto& [id, n] : checks) list += " " + id + "×" + std::to_string(n);
            qInfo("re-signed %s: %zu places; failed:%s", kind.c_str(), cap, list.c_str());
        }
        for (const auto& w : only_tally_root)
            qInfo("  named only by the tally's log_root (V23): %s", w.c_str());
        for (const auto& w : not_named) qInfo("  NOT NAMED once re-signed: %s", w.c_str());
        for (const auto& f : failures) qWarning("%s", f.c_str());
        QVERIFY2(failures.empty(), failures.empty() ? "" : failures.front().c_str());
        QVERIFY(count >= 70);
    }

    // A ballot deleted, duplicated, or two swapped in d1's records.bin (record.json's hash
    // redone): a d1 check fails, also one of the content checks (not only the log's root).
    void ballot_deleted_duplicated_or_reordered_fails_data() {
        QTest::addColumn<QString>("change");
        for (const char* c :
             {"cast deleted", "challenged deleted", "cast duplicated", "challenged duplicated",
              "casts swapped", "cast and challenged swapped", "last cast moved after close"})
            QTest::newRow(c) << c;
    }
    void ballot_deleted_duplicated_or_reordered_fails() {
        QFETCH(QString, change);
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        const std::string file = "districts/d1/records.bin";
        std::vector<Bytes> frames = frames_of(read_bytes(copy / file));
        std::vector<std::size_t> casts, challenged;
        std::size_t close = 0;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i][0] == 0x02) casts.push_back(i);
            if (frames[i][0] == 0x03) challenged.push_back(i);
            if (frames[i][0] == 0x0B) close = i;
        }
        QVERIFY(casts.size() >= 3 && !challenged.empty() && close > 0);
        const auto at = [&](std::size_t i) {
            return frames.begin() + static_cast<std::ptrdiff_t>(i);
        };
        if (change == "cast deleted") {
            frames.erase(at(casts[1]));
        } else if (change == "challenged deleted") {
            frames.erase(at(challenged[0]));
        } else if (change == "cast duplicated") {
            frames.insert(at(casts[1] + 1), frames[casts[1]]);
        } else if (change == "challenged duplicated") {
            frames.insert(at(challenged[0] + 1), frames[challenged[0]]);
        } else if (change == "casts swapped") {
            std::swap(frames[casts[1]], frames[casts[2]]);
        } else if (change == "cast and challenged swapped") {
            std::swap(frames[casts[0]], frames[challenged[0]]);
        } else {
            const Bytes last = frames[casts.back()];
            frames.insert(at(close + 1), last);
            frames.erase(at(casts.back()));
        }
        write_bytes(copy / file, file_of(frames));
        redo_file_hash(copy, file);
        const VerifyReport report = verify(copy);
        QVERIFY(!report.passed());
        bool district = false, content = false;
        for (const auto& c : report.checks) {
            if (c.status != CheckStatus::failed || c.scope != "d1") continue;
            district = true;
            if (c.id != "V11" && c.id != "V12") content = true;
        }
        qInfo("%s: %s", qPrintable(change), failed_checks(report).c_str());
        QVERIFY2(district, failed_checks(report).c_str());
        QVERIFY2(content, failed_checks(report).c_str());
    }

    // Two ballots of d1 with one ballot id, each well formed and signed by the kiosk: d1's last
    // cast ballot is encrypted again under the id of its first, on the same chain, and the log
    // is signed again as the ledger's operator could. V18 names the repeat.
    void repeated_ballot_id_is_named() {
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        const std::string file = "districts/d1/records.bin";
        std::vector<Bytes> frames = frames_of(read_bytes(copy / file));
        std::vector<std::size_t> casts;
        for (std::size_t i = 0; i < frames.size(); ++i)
            if (frames[i][0] == 0x02) casts.push_back(i);
        QVERIFY(casts.size() >= 2);
        const EncryptedBallot first = checked(decode_ballot(frames[casts.front()]), "first");
        const EncryptedBallot last = checked(decode_ballot(frames[casts.back()]), "last");
        QVERIFY(first.ballot_id != last.ballot_id);
        const ElectionContext election =
            checked(make_election_context(
                        checked(load_manifest_file((copy / "manifest.json").string()), "manifest")),
                    "election");
        const PreparedBallot again =
            checked(encrypt_ballot(election,
                                   {first.ballot_id, last.device_id, last.district_id,
                                    last.timestamp, last.previous_tracking_code},
                                   {{"mayor", {"grace"}}, {"measure-a", {"no"}}},
                                   test::seeded_key(1)),  // d1's kiosk (LedgerScenario)
                    "encrypt");
        QVERIFY(verify_ballot(election, test::seeded_key(1).public_key(), again.ballot));
        frames[casts.back()] = encode_ballot(again.ballot);
        write_bytes(copy / file, file_of(frames));
        resign_district(copy, test::small_manifest().election_id, "d1");
        const VerifyReport report = verify(copy);
        bool named = false;
        for (const auto& c : report.checks)
            if (c.id == "V18" && c.scope == "d1" && c.status == CheckStatus::failed)
                for (const auto& f : c.failures)
                    named = named || f.find("ballot id repeats") != std::string::npos;
        QVERIFY2(named, failed_checks(report).c_str());
    }

    // What the ledger now refuses, forged into d1's log and signed again as the ledger's operator
    // could (issue 19): a device registered after the polls opened (it could stuff ballots), a
    // ballot stamped before the hour the polls opened in or after the close, a ciphertext whose
    // alpha is the identity (a zero nonce: the mark readable by all). The check named, and why.
    void forged_district_rules_are_named_data() {
        QTest::addColumn<QString>("forgery");
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("reason");
        QTest::newRow("late registration") << "late registration"
                                           << "V18"
                                           << "device registration after the polls opened";
        QTest::newRow("stamped before the opening") << "early stamp"
                                                    << "V18"
                                                    << "before the hour the polls opened in";
        QTest::newRow("stamped after the close") << "late stamp"
                                                 << "V18"
                                                 << "but a ballot is stamped";
        QTest::newRow("identity alpha") << "identity alpha"
                                        << "V19"
                                        << "alpha is the identity";
        // Issue 27: the timestamp rule is the decoder's, so V17 reports it; a ballot id outside
        // the id syntax is V19's; a device key outside docs/crypto.md §8's rule fails decoding.
        QTest::newRow("stamp not on the hour") << "unrounded stamp"
                                               << "V17"
                                               << "timestamp not rounded down to the hour";
        QTest::newRow("ballot id not an id") << "bad ballot id"
                                             << "V19"
                                             << "ballot id is not an id";
        for (const char* key : {"small-order key", "non-canonical key", "mixed-order key"})
            QTest::newRow(key) << key << "V17"
                               << "not a valid Ed25519 public key";
        // Issue 19: the closing is the kiosk's word. The ledger-key holder who drops a ballot
        // and fixes the counts must sign the closing and the kiosk's head with its own key; a
        // kiosk whose head counts a ballot the log does not hold shows the drop.
        QTest::newRow("closing signed by the ledger key") << "closing by the ledger key"
                                                          << "V18"
                                                          << "'s signature does not verify";
        QTest::newRow("kiosk head beyond the log") << "closing head beyond the log"
                                                   << "V18"
                                                   << "'s head reports";
    }
    void forged_district_rules_are_named() {
        QFETCH(QString, forgery);
        QFETCH(QString, check);
        QFETCH(QString, reason);
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        const std::string file = "districts/d1/records.bin";
        std::vector<Bytes> frames = frames_of(read_bytes(copy / file));
        std::size_t opened = 0, closed = 0, last_cast = 0, registration = 0;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i][0] == 0x07) registration = i;
            if (frames[i][0] == 0x08) opened = i;
            if (frames[i][0] == 0x0B) closed = i;
            if (frames[i][0] == 0x02) last_cast = i;
        }
        QVERIFY(opened > 0 && closed > last_cast && last_cast > opened);
        const std::uint64_t open_time = checked(decode_polls_record(frames[opened]), "open").time;
        const std::uint64_t close_time = checked(decode_polls_record(frames[closed]), "close").time;
        const crypto::Ed25519SigningKey kiosk = test::seeded_key(1);  // d1's kiosk (LedgerScenario)
        const EncryptedBallot last = checked(decode_ballot(frames[last_cast]), "last");
        const ElectionContext election =
            checked(make_election_context(
                        checked(load_manifest_file((copy / "manifest.json").string()), "manifest")),
                    "election");
        auto restamped = [&](std::uint64_t time) {
            const PreparedBallot again =
                checked(encrypt_ballot(election,
                                       {last.ballot_id, last.device_id, last.district_id, time,
                                        last.previous_tracking_code},
                                       {{"mayor", {"grace"}}, {"measure-a", {"no"}}}, kiosk),
                        "encrypt");
            return encode_ballot(again.ballot);
        };
        if (forgery == "late registration") {
            const auto late = frames.begin() + static_cast<std::ptrdiff_t>(opened + 1);
            DeviceRegistration late_device{
                "d1", "kiosk-late", test::seeded_key(77).public_key(), open_time + 60, {}};
            authorise_device(election.base_hash, late_device,
                             test::LedgerScenario::authority_key());
            frames.insert(late, encode_device_registration(late_device));
        } else if (forgery == "early stamp") {
            frames[last_cast] = restamped(open_time - open_time % 3600 - 3600);
        } else if (forgery == "late stamp") {
            frames[last_cast] = restamped(close_time + 7200);
        } else if (forgery == "unrounded stamp" || forgery == "bad ballot id") {
            EncryptedBallot bad = last;
            if (forgery == "unrounded stamp") bad.timestamp += 1;
            if (forgery == "bad ballot id") bad.ballot_id = "Ballot 1";
            bad.device_signature = kiosk.sign(encode_ballot_body(bad));
            frames[last_cast] = encode_ballot(bad);
        } else if (forgery.startsWith("closing")) {
            PollsRecord closing = checked(decode_polls_record(frames[closed]), "closing");
            QVERIFY(!closing.heads.empty() && closing.heads.front().device_id == last.device_id);
            DeviceHead& head = closing.heads.front();
            const Hash32& base = election.base_hash;
            if (forgery == "closing by the ledger key") {
                const LedgerKey ledger_key = test::LedgerScenario::ledger_key();
                const crypto::Ed25519SigningKey& ledger = ledger_key.master();
                closing.ballots_cast -= 1;
                head = sign_device_head(base, "d1", head.device_id, head.ballots - 1,
                                        last.previous_tracking_code, ledger);
                sign_polls_record(base, closing, ledger);
            } else {
                head = sign_device_head(base, "d1", head.device_id, head.ballots + 1,
                                        crypto::sha256(as_bytes("a ballot the log lacks")), kiosk);
                sign_polls_record(base, closing, kiosk);
            }
            frames[closed] = encode_polls_record(closing);
        } else if (forgery.endsWith("key")) {
            frames[registration] = forged_device_key(frames[registration], forgery.toStdString());
        } else {
            EncryptedBallot leaky = last;
            leaky.contests[0].selections[0].ciphertext.alpha = crypto::Point::identity();
            leaky.device_signature = kiosk.sign(encode_ballot_body(leaky));
            frames[last_cast] = encode_ballot(leaky);
        }
        write_bytes(copy / file, file_of(frames));
        resign_district(copy, test::small_manifest().election_id, "d1");
        const VerifyReport report = verify(copy);
        QVERIFY(!report.passed());
        bool named = false;
        for (const auto& c : report.checks)
            if (c.id == check.toStdString() && c.scope == "d1" && c.status == CheckStatus::failed)
                for (const auto& f : c.failures)
                    named = named || f.find(reason.toStdString()) != std::string::npos;
        QVERIFY2(named, failed_checks(report).c_str());
    }

    // V31: what must be unique across districts, forged into d2's log and signed again as the
    // ledger's operator could: d1's device registered in d2 too (same id, or another id with
    // d1's key; the authority signed it), and a cast ballot of d1 copied into d2 under d2's
    // kiosk's signature.
    void forged_election_wide_repeats_are_named_data() {
        QTest::addColumn<QString>("forgery");
        QTest::addColumn<QString>("reason");
        QTest::newRow("device id in two districts")
            << "same id"
            << "one device id registered in two districts: district 'd1' record 0 (device "
               "'d1-kiosk-1') and district 'd2' record 0 (device 'd1-kiosk-1')";
        QTest::newRow("device key in two districts")
            << "same key"
            << "one device key registered in two districts: district 'd1' record 0 (device "
               "'d1-kiosk-1') and district 'd2' record 0 (device 'd2-kiosk-twin')";
        QTest::newRow("ballot copied into another district")
            << "copied ballot"
            << "the same ciphertexts in two districts (a copied ballot)";
    }
    void forged_election_wide_repeats_are_named() {
        QFETCH(QString, forgery);
        QFETCH(QString, reason);
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        std::vector<Bytes> d1 = frames_of(read_bytes(copy / "districts/d1/records.bin"));
        const std::string file = "districts/d2/records.bin";
        std::vector<Bytes> d2 = frames_of(read_bytes(copy / file));
        const ElectionContext election =
            checked(make_election_context(
                        checked(load_manifest_file((copy / "manifest.json").string()), "manifest")),
                    "election");
        std::size_t d2_opened = 0, d2_last_cast = 0;
        for (std::size_t i = 0; i < d2.size(); ++i) {
            if (d2[i][0] == 0x08) d2_opened = i;
            if (d2[i][0] == 0x02) d2_last_cast = i;
        }
        QVERIFY(d2_opened > 0 && d2_last_cast > d2_opened);
        if (forgery == "copied ballot") {
            std::size_t d1_cast = 0;
            while (d1[d1_cast][0] != 0x02) ++d1_cast;
            EncryptedBallot ballot = checked(decode_ballot(d1[d1_cast]), "d1 ballot");
            const EncryptedBallot last = checked(decode_ballot(d2[d2_last_cast]), "d2 ballot");
            ballot.district_id = "d2";
            ballot.device_id = last.device_id;
            ballot.previous_tracking_code =
                next_tracking_code(last.previous_tracking_code, compute_ballot_hash(last));
            ballot.device_signature = test::seeded_key(2).sign(encode_ballot_body(ballot));
            d2.insert(d2.begin() + static_cast<std::ptrdiff_t>(d2_last_cast + 1),
                      encode_ballot(ballot));
        } else {
            DeviceRegistration twin = checked(decode_device_registration(d1[0]), "d1 device");
            twin.district_id = "d2";
            if (forgery == "same key") twin.device_id = "d2-kiosk-twin";
            authorise_device(election.base_hash, twin, test::LedgerScenario::authority_key());
            d2.insert(d2.begin(), encode_device_registration(twin));
        }
        write_bytes(copy / file, file_of(d2));
        resign_district(copy, test::small_manifest().election_id, "d2");
        const VerifyReport report = verify(copy);
        QVERIFY(!report.passed());
        bool named = false;
        for (const auto& c : report.checks)
            if (c.id == "V31" && c.status == CheckStatus::failed)
                for (const auto& f : c.failures)
                    named = named || f.find(reason.toStdString()) != std::string::npos;
        QVERIFY2(named, failed_checks(report).c_str());
        // Split over two processes, V31 is judged at the merge: the same failures, named alike.
        const auto merged = test::partitioned_report(copy, {{1}, {0}});
        QVERIFY(merged);
        QCOMPARE(test::whole_report(*merged), test::whole_report(report));
    }

    // d1's log (records, checkpoints, consistency) taken from another election's record, with
    // record.json's hashes redone — and, for the same election id, also its size and root.
    void district_from_another_election_fails_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<bool>("log_entry");
        QTest::newRow("other election id") << "id" << false;
        QTest::newRow("other election id, log entry redone") << "id" << true;
        QTest::newRow("other ceremony") << "run" << false;
        QTest::newRow("other ceremony, log entry redone") << "run" << true;
    }
    void district_from_another_election_fails() {
        QFETCH(QString, from);
        QFETCH(bool, log_entry);
        const fs::path source = from == "id" ? other_id_ : other_run_;
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        for (const char* name : {"records.bin", "checkpoints.bin", "consistency.bin"}) {
            const std::string file = std::string("districts/d1/") + name;
            fs::copy_file(source / file, copy / file, fs::copy_options::overwrite_existing);
            redo_file_hash(copy, file);
        }
        if (log_entry) {  // d1's "size" and "root" in record.json as in the other record
            const std::string theirs = read_text(source / "record.json");
            std::string ours = read_text(copy / "record.json");
            for (const char* member : {"\"size\": ", "\"root\": \""}) {
                const std::string m = member;
                const std::size_t t = theirs.find(m, theirs.find("\"name\": \"d1\"")) + m.size();
                const std::size_t o = ours.find(m, ours.find("\"name\": \"d1\"")) + m.size();
                const std::size_t t_end = theirs.find_first_of(",\"\n", t);
                const std::size_t o_end = ours.find_first_of(",\"\n", o);
                ours.replace(o, o_end - o, theirs.substr(t, t_end - t));
            }
            write_text(copy / "record.json", ours);
        }
        const VerifyReport report = verify(copy);
        qInfo("%s%s: %s", qPrintable(from), log_entry ? " (log entry redone)" : "",
              failed_checks(report).c_str());
        QVERIFY(!report.passed());
        bool named = false;
        for (const auto& c : report.checks)
            if (c.status == CheckStatus::failed && !is_index_check(c.id)) named = true;
        QVERIFY2(named, failed_checks(report).c_str());
    }

    // manifest.json and manifest.bin taken from another election's record.
    void manifest_from_another_election_fails_data() {
        QTest::addColumn<QString>("from");
        QTest::newRow("other election id") << "id";
        QTest::newRow("other ceremony") << "run";
    }
    void manifest_from_another_election_fails() {
        QFETCH(QString, from);
        const fs::path source = from == "id" ? other_id_ : other_run_;
        QTemporaryDir tmp;
        const fs::path copy = copy_record(record_, tmp.path().toStdString());
        for (const char* file : {"manifest.json", "manifest.bin"}) {
            fs::copy_file(source / file, copy / file, fs::copy_options::overwrite_existing);
            redo_file_hash(copy, file);
        }
        const VerifyReport report = verify(copy);
        qInfo("%s: %s", qPrintable(from), failed_checks(report).c_str());
        QVERIFY(!report.passed());
        bool named = false;
        for (const auto& c : report.checks)
            if (c.status == CheckStatus::failed && !is_index_check(c.id)) named = true;
        QVERIFY2(named, failed_checks(report).c_str());
    }

    // A whole, valid record of another run of the same election (same id and ledger key, another
    // ceremony) passes on its own, but not against this record's election checkpoint.
    void whole_record_of_another_run_fails_against_the_anchor() {
        const std::vector<Bytes> notes =
            frames_of(read_bytes(record_ / "election" / "checkpoints.bin"));
        VerifyOptions options;
        options.threads = 2;
        options.trusted_election_checkpoint = std::string(notes.back().begin(), notes.back().end());
        QVERIFY(verify_election_record(record_, options).passed());
        const VerifyReport report = verify_election_record(other_run_, options);
        qInfo("other run against this record's checkpoint: %s", failed_checks(report).c_str());
        QVERIFY(!report.passed());
        bool v10 = false;
        for (const auto& c : report.checks)
            if (c.id == "V10" && c.status == CheckStatus::failed) v10 = true;
        QVERIFY(v10);
    }
};

QTEST_GUILESS_MAIN(TestRecordTamper)
#include "tst_record_tamper.moc"
