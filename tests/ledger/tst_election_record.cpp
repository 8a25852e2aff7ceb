// The public election record (docs/election-record.md): an export after a full polling day reads
// back to exactly the ledger's records, checkpoints and proofs, with derived files that say what
// the records say; it holds no secret; it refuses a non-empty directory and leaves nothing that
// looks complete when it fails; an unfinished election and odd ballot ids export too; and the
// committed tiny record (tests/ledger/vectors/tiny-record)
// gives, through this code, the intermediate values its expected file (written by
// check_tiny_record.py from the document) lists.
//
// PSEPHOS_WRITE_TINY_RECORD=DIR makes tiny_election_exports_a_record write the tiny record into DIR
// (that is how the committed one was made; docs/election-record.md §6).
#include <signal.h>
#include <sys/resource.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <set>

#include "ledger_scenario.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/crypto/threshold_decryption.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "record_test_support.hpp"
#include "vector_file.hpp"

using namespace psephos;
using namespace psephos::ledger;
using namespace psephos::election;
namespace fs = std::filesystem;

namespace {

using namespace psephos::test;

const fs::path vectors_dir = PSEPHOS_TEST_VECTORS_DIR;

std::string str(const QJsonValue& v) { return v.toString().toStdString(); }
std::uint64_t u64(const QJsonValue& v) { return static_cast<std::uint64_t>(v.toInteger(-1)); }

Error fail(const std::string& message) {
    return make_error(ErrorCode::verification_failed, message);
}

// The frames of a .bin file: u32be length ‖ bytes, to the last byte.
Result<std::vector<Bytes>> read_frames(const Bytes& data) {
    std::vector<Bytes> out;
    std::size_t at = 0;
    while (at < data.size()) {
        if (data.size() - at < 4)
            return fail("truncated frame length at byte " + std::to_string(at));
        const std::size_t n = std::size_t{data[at]} << 24 | std::size_t{data[at + 1]} << 16 |
                              std::size_t{data[at + 2]} << 8 | data[at + 3];
        at += 4;
        if (data.size() - at < n) return fail("truncated frame at byte " + std::to_string(at));
        out.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(at),
                         data.begin() + static_cast<std::ptrdiff_t>(at + n));
        at += n;
    }
    return out;
}

std::uint64_t read_be(const Bytes& data, std::size_t at, std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | data[at + i];
    return v;
}

// ---- Reading a record back (an independent reading of docs/election-record.md §2–§3) ---------

struct Consistency {
    std::uint64_t old_size = 0;
    std::uint64_t new_size = 0;
    std::vector<Hash32> proof;
};

struct LoadedLog {
    std::string name, origin, directory;
    NoteVerifierKey verifier;
    std::uint64_t size = 0;
    Hash32 root;
    std::vector<Bytes> records;
    std::vector<Hash32> leaves;
    std::vector<std::pair<std::uint64_t, Hash32>> checkpoints;  // size, root: verified notes
    std::vector<std::string> notes;
    std::vector<Consistency> consistency;
};

struct LoadedRecord {
    QJsonObject json;
    ElectionContext election;
    std::vector<LoadedLog> logs;  // districts in manifest order, then /election, then /events
    const LoadedLog& log(std::string_view name) const {
        for (const auto& l : logs)
            if (l.name == name) return l;
        qFatal("no log %s", std::string(name).c_str());
    }
};

// Reads and checks the record's integrity, files, logs, checkpoints and consistency proofs.
Result<LoadedRecord> load_record(const fs::path& dir) {
    LoadedRecord r;
    const Bytes json_bytes = read_bytes(dir / "record.json");
    QJsonParseError error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(json_bytes.data()),
                                           static_cast<qsizetype>(json_bytes.size())),
                                &error);
    if (!doc.isObject()) return fail("record.json: " + error.errorString().toStdString());
    r.json = doc.object();
    if (str(r.json["format"]) != record::election_record_format) return fail("record.json: format");

    // Every listed file with its size and hash; no file that is not listed.
    std::set<std::string> listed;
    std::string previous;
    for (const auto& v : r.json["files"].toArray()) {
        const QJsonObject f = v.toObject();
        const std::string path = str(f["path"]);
        if (path <= previous) return fail("files: not in ascending order at " + path);
        previous = path;
        const Bytes content = read_bytes(dir / path);
        if (content.size() != u64(f["bytes"])) return fail(path + ": size differs");
        if (crypto::sha256(content).to_hex() != str(f["sha256"]))
            return fail(path + ": sha256 differs");
        listed.insert(path);
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        const std::string path = fs::relative(entry.path(), dir).generic_string();
        if (path != "record.json" && !listed.count(path)) return fail(path + ": not listed");
    }

    const Bytes manifest_json = read_bytes(dir / "manifest.json");
    auto manifest = parse_manifest(std::string(manifest_json.begin(), manifest_json.end()));
    if (!manifest) return manifest.error().within("manifest.json");
    if (encode_manifest(manifest.value(), true) != read_bytes(dir / "manifest.bin"))
        return fail("manifest.bin is not the encoding of manifest.json");
    auto election = make_election_context(std::move(manifest).value());
    if (!election) return election.error().within("manifest.json");
    r.election = std::move(election).value();
    if (str(r.json["base_hash"]) != r.election.base_hash.to_hex()) return fail("base hash");

    for (const auto& v : r.json["logs"].toArray()) {
        const QJsonObject o = v.toObject();
        LoadedLog log;
        log.name = str(o["name"]);
        log.origin = str(o["origin"]);
        log.directory = str(o["directory"]);
        log.size = u64(o["size"]);
        auto root = Hash32::from_hex(str(o["root"]));
        auto verifier = NoteVerifierKey::parse(str(o["verifier_key"]));
        if (!root || !verifier || verifier.value().name != log.origin)
            return fail(log.name + ": root or verifier key");
        log.root = root.value();
        log.verifier = verifier.value();
        const std::string where = "log '" + log.name + "'";
        auto records = read_frames(read_bytes(dir / log.directory / "records.bin"));
        if (!records) return records.error().within(where + ": records.bin");
        log.records = std::move(records).value();
        if (log.records.size() != log.size) return fail(where + ": record count is not its size");
        for (const auto& rec : log.records) log.leaves.push_back(crypto::hash_merkle_leaf(rec));
        if (!(crypto::compute_merkle_root(log.leaves) == log.root))
            return fail(where + ": records do not give its root");
        auto notes = read_frames(read_bytes(dir / log.directory / "checkpoints.bin"));
        if (!notes) return notes.error().within(where + ": checkpoints.bin");
        for (const auto& n : notes.value()) {
            const std::string note(n.begin(), n.end());
            auto text = open_note(note, log.verifier);
            if (!text) return text.error().within(where + ": checkpoint");
            auto c = Checkpoint::parse(text.value());
            if (!c) return c.error().within(where + ": checkpoint");
            if (c.value().origin != log.origin || c.value().size == 0 ||
                c.value().size > log.size ||
                (!log.checkpoints.empty() && c.value().size <= log.checkpoints.back().first))
                return fail(where + ": checkpoint of size " + std::to_string(c.value().size));
            const auto prefix = std::span<const Hash32>(log.leaves).first(c.value().size);
            if (!(crypto::compute_merkle_root(prefix) == c.value().root))
                return fail(where + ": checkpoint root of size " + std::to_string(c.value().size));
            log.checkpoints.emplace_back(c.value().size, c.value().root);
            log.notes.push_back(note);
        }
        if (log.size > 0 && (log.checkpoints.empty() || log.checkpoints.back().first != log.size))
            return fail(where + ": no checkpoint of its size");
        if (log.name != event_log_name) {
            const Bytes data = read_bytes(dir / log.directory / "consistency.bin");
            std::size_t at = 0;
            while (at < data.size()) {
                if (data.size() - at < 20) return fail(where + ": consistency.bin truncated");
                Consistency c{read_be(data, at, 8), read_be(data, at + 8, 8), {}};
                const std::size_t count = read_be(data, at + 16, 4);
                at += 20;
                if (data.size() - at < 32 * count) return fail(where + ": consistency.bin");
                for (std::size_t i = 0; i < count; ++i, at += 32)
                    c.proof.push_back(Hash32::from_bytes(ByteSpan(data).subspan(at, 32)).value());
                const auto root_of = [&](std::uint64_t size) -> std::optional<Hash32> {
                    for (const auto& [s, h] : log.checkpoints)
                        if (s == size) return h;
                    return std::nullopt;
                };
                const auto old_root = root_of(c.old_size), new_root = root_of(c.new_size);
                if (!old_root || !new_root) return fail(where + ": consistency of unknown sizes");
                if (auto ok = crypto::verify_consistency(c.old_size, c.new_size, *old_root,
                                                         *new_root, c.proof);
                    !ok)
                    return ok.error().within(where + ": consistency");
                log.consistency.push_back(std::move(c));
            }
        }
        r.logs.push_back(std::move(log));
    }
    return r;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
    return out;
}

// The named intermediate values of tests/ledger/vectors/tiny-record-expected.txt (see its header
// and docs/election-record.md §6), computed with the library from a loaded record; on the way it
// recomputes each tally and checks every decryption and result.
using Values = std::map<std::string, std::string>;

Result<Values> record_values(const LoadedRecord& r) {
    Values v;
    const ElectionContext& e = r.election;
    const ElectionManifest& m = e.manifest;
    v["base_hash"] = e.base_hash.to_hex();
    v["ceremony_hash"] = compute_ceremony_hash(m).to_hex();
    v["joint_key"] = to_hex(e.joint_key.bytes());
    const std::vector<crypto::Point> shares = guardian_public_shares(m);
    for (std::size_t g = 0; g < shares.size(); ++g)
        v["public_share " + std::to_string(g + 1)] = to_hex(shares[g].bytes());
    for (const auto& f : r.json["files"].toArray())
        v["file_sha256 " + str(f.toObject()["path"])] = str(f.toObject()["sha256"]);
    std::map<std::string, std::map<std::string, std::uint64_t>> totals;
    for (const auto& log : r.logs) {
        for (std::size_t i = 0; i < log.leaves.size(); ++i)
            v["leaf " + log.name + " " + std::to_string(i)] = log.leaves[i].to_hex();
        for (const auto& [size, root] : log.checkpoints)
            v["root " + log.name + " " + std::to_string(size)] = root.to_hex();
        if (log.name == election_log_name || log.name == event_log_name) continue;
        const std::string& d = log.name;
        auto builder = DistrictTallyBuilder::create(e, d);
        if (!builder) return builder.error();
        std::optional<DistrictTally> tally;
        Hash32 tally_hash;
        std::vector<TallyDecryption> decryptions;
        for (std::size_t i = 0; i < log.records.size(); ++i) {
            const Bytes& rec = log.records[i];
            const std::string at = d + " " + std::to_string(i);
            const auto type = static_cast<RecordType>(rec[0]);
            if (type == RecordType::encrypted_ballot || type == RecordType::challenged_ballot) {
                std::optional<ChallengedBallot> challenged;
                EncryptedBallot ballot;
                if (type == RecordType::challenged_ballot) {
                    auto c = decode_challenged_ballot(rec);
                    if (!c) return c.error();
                    challenged = std::move(c).value();
                    ballot = challenged->ballot;
                } else {
                    auto b = decode_ballot(rec);
                    if (!b) return b.error();
                    ballot = std::move(b).value();
                }
                const Hash32 hash = compute_ballot_hash(ballot);
                v["ballot_hash " + at] = hash.to_hex();
                v["tracking_code " + at] =
                    next_tracking_code(ballot.previous_tracking_code, hash).to_hex();
                if (challenged) {
                    for (std::size_t c = 0; c < ballot.contests.size(); ++c) {
                        std::vector<std::string> selected;
                        for (std::size_t o = 0; o < ballot.contests[c].selections.size(); ++o) {
                            const auto& s = ballot.contests[c].selections[o];
                            const crypto::Point p = crypto::decrypt_with_nonce(
                                s.ciphertext, challenged->nonces[c][o], e.joint_key);
                            if (p == crypto::Point::generator()) {
                                selected.push_back(s.option_id);
                            } else if (!p.is_identity()) {
                                return fail(at + ": a selection opens to neither 0 nor 1");
                            }
                        }
                        v["challenged " + at + " " + ballot.contests[c].contest_id] =
                            selected.empty() ? "-" : join(selected, ",");
                    }
                }
            }
            if (type == RecordType::district_tally) {
                auto t = decode_district_tally(rec);
                if (!t) return t.error();
                tally = t.value();
                tally_hash = log.leaves[i];
                const DistrictTally recomputed = builder.value().finish(
                    i, crypto::compute_merkle_root(std::span(log.leaves).first(i)));
                if (!(recomputed == *tally)) return fail(d + ": the tally is not its log's sum");
                v["tally_hash " + d] = tally_hash.to_hex();
                for (const auto& c : tally->sums) {
                    for (const auto& o : c.options) {
                        const std::string key = d + " " + c.contest_id + " " + o.option_id;
                        v["tally_alpha " + key] = to_hex(o.value.alpha.bytes());
                        v["tally_beta " + key] = to_hex(o.value.beta.bytes());
                    }
                }
            } else if (!tally) {
                if (auto ok = builder.value().add_record(rec); !ok) return ok.error();
            }
            if (type == RecordType::tally_decryption) {
                auto dec = decode_tally_decryption(rec);
                if (!dec) return dec.error();
                if (!tally) return fail(at + ": a decryption before the tally");
                if (auto ok = verify_tally_decryption(e, shares, *tally, tally_hash, dec.value());
                    !ok)
                    return ok.error();
                decryptions.push_back(std::move(dec).value());
            }
            if (type == RecordType::district_result) {
                auto result = decode_district_result(rec);
                if (!result) return result.error();
                if (!tally) return fail(at + ": a result before the tally");
                std::vector<TallyDecryption> used;
                for (const std::uint32_t g : result.value().guardians)
                    for (const auto& dec : decryptions)
                        if (dec.guardian_index == g) used.push_back(dec);
                if (auto ok = verify_district_result(e, *tally, tally_hash, used, result.value());
                    !ok)
                    return ok.error();
                for (const std::uint32_t g : result.value().guardians) {
                    auto w = crypto::lagrange_coefficient_at_zero(g, result.value().guardians);
                    if (!w) return w.error();
                    v["lagrange " + d + " " + std::to_string(g)] = to_hex(w.value().bytes());
                }
                for (std::size_t c = 0; c < tally->sums.size(); ++c) {
                    for (std::size_t o = 0; o < tally->sums[c].options.size(); ++o) {
                        std::vector<crypto::DecryptionShare> parts;
                        for (const auto& dec : used) {
                            const auto& p = dec.shares[c].options[o].value;
                            parts.push_back({dec.guardian_index, p.partial, p.proof});
                        }
                        const auto point = crypto::combine_decryption_shares(
                            tally->sums[c].options[o].value, parts, m.threshold);
                        if (!point) return point.error();
                        const auto& counted = result.value().counts[c];
                        const std::string key =
                            d + " " + counted.contest_id + " " + counted.options[o].option_id;
                        v["decrypted " + key] = to_hex(point.value().bytes());
                        v["count " + key] = std::to_string(counted.options[o].value);
                        totals[counted.contest_id][counted.options[o].option_id] +=
                            counted.options[o].value;
                    }
                }
            }
        }
    }
    for (const auto& contest : m.contests) {
        for (const auto& option : contest.options) {
            std::uint64_t count = 0;
            if (totals.count(contest.id) && totals[contest.id].count(option.id))
                count = totals[contest.id][option.id];
            v["total " + contest.id + " " + option.id] = std::to_string(count);
        }
    }
    return v;
}

// The values of the committed tiny record, computed once.
const Values& tiny_record_values() {
    static const Values values = [] {
        auto loaded = load_record(vectors_dir / "tiny-record");
        if (!loaded) qFatal("tiny record: %s", loaded.error().message.c_str());
        auto v = record_values(loaded.value());
        if (!v) qFatal("tiny record: %s", v.error().message.c_str());
        return std::move(v).value();
    }();
    return values;
}

// ---- A full polling day -----------------------------------------------------------------------

struct ChallengedInfo {
    std::string district_id;
    std::string ballot_id;
    BallotMarks marks;
    Hash32 tracking_code;
};

struct FullDay {
    test::LedgerScenario scenario;
    std::unique_ptr<Ledger> ledger;
    std::vector<Bytes> cast_nonces;        // 32 bytes each, of every cast ballot
    std::vector<Bytes> challenged_nonces;  // public by design
    std::vector<ChallengedInfo> challenged;
    std::uint32_t guardians_decrypting = 0;

    explicit FullDay(ElectionManifest manifest = test::small_manifest())
        : scenario(std::move(manifest)) {}

    Bytes cast(std::size_t d, const BallotMarks& marks) {
        PreparedBallot p = scenario.ballot_with(d, marks);
        for (const auto& contest : p.nonces)
            for (const auto& n : contest)
                cast_nonces.emplace_back(n.bytes().begin(), n.bytes().end());
        return encode_ballot(p.ballot);
    }
    Bytes challenge(std::size_t d, const BallotMarks& marks) {
        PreparedBallot p = scenario.ballot_with(d, marks);
        challenged.push_back({p.ballot.district_id, p.ballot.ballot_id, marks, p.tracking_code});
        for (const auto& contest : p.nonces)
            for (const auto& n : contest)
                challenged_nonces.emplace_back(n.bytes().begin(), n.bytes().end());
        return encode_challenged_ballot(challenge_ballot(std::move(p)));
    }

    // Registration, opening, ballots in two batches with a publication between, closing, the
    // tally, the decryptions of `decrypting` guardians, the results.
    void run(const LedgerOptions& o, const std::vector<std::uint32_t>& decrypting,
             const std::function<std::vector<Bytes>(FullDay&)>& first_ballots,
             const std::function<std::vector<Bytes>(FullDay&)>& more_ballots) {
        ledger = checked(Ledger::create(o, scenario.election(), scenario.approval(),
                                        test::LedgerScenario::ledger_key()),
                         "create");
        require_all_ok(ledger->ingest(scenario.opening()));
        checked(ledger->publish_election_checkpoint(), "publish");
        require_all_ok(ledger->ingest(first_ballots(*this)));
        checked(ledger->publish_election_checkpoint(), "publish");
        require_all_ok(ledger->ingest(more_ballots(*this)));
        checked(ledger->close_all_polls(scenario.closings(*ledger)), "close");
        checked(ledger->tally(), "tally");
        const auto& c = scenario.ceremony();
        std::vector<Bytes> decryptions;
        for (std::size_t d = 0; d < scenario.election().manifest.districts.size(); ++d) {
            const RecordedTally t = *ledger->tallying().tally(d);
            for (const std::uint32_t g : decrypting) {
                decryptions.push_back(encode_tally_decryption(decrypt_district_tally(
                    scenario.election(), t.tally, t.hash, g, c.secret_shares.at(g - 1).secret,
                    c.identities.at(g - 1))));
            }
        }
        require_all_ok(ledger->ingest(std::move(decryptions), ActorRole::guardian));
        checked(ledger->record_results(), "results");
    }

    // The small test election: both districts vote, each challenges one ballot.
    void run_small(const LedgerOptions& o) {
        run(
            o, {1, 3},
            [](FullDay& day) {
                return std::vector<Bytes>{
                    day.cast(0, {{"mayor", {"ada"}},
                                 {"council", {"emmy", "kurt"}},
                                 {"measure-a", {"yes"}}}),
                    day.challenge(0, {{"mayor", {"grace"}}, {"council", {"john"}}}),
                    day.cast(1, {{"mayor", {"alan"}}, {"measure-a", {"no"}}}),
                    day.cast(0, {{"mayor", {"ada"}}, {"measure-a", {"no"}}}),
                };
            },
            [](FullDay& day) {
                return std::vector<Bytes>{
                    day.cast(0, {{"council", {"rozsa", "john"}}}),
                    day.challenge(1, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}}),
                    day.cast(1, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}}),
                };
            });
    }
};

// Every file of a directory tree with its bytes, by relative path.
std::map<std::string, Bytes> tree_of(const fs::path& dir) {
    std::map<std::string, Bytes> out;
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file())
            out[fs::relative(entry.path(), dir).generic_string()] = read_bytes(entry.path());
    }
    return out;
}

bool contains(const Bytes& haystack, ByteSpan needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

// The secret itself, and its hex and base64 forms (the JSON files hold hex, the manifest base64).
std::vector<Bytes> forms_of(ByteSpan secret) {
    const std::string hex = to_hex(secret), b64 = to_base64(secret);
    return {Bytes(secret.begin(), secret.end()), Bytes(hex.begin(), hex.end()),
            Bytes(b64.begin(), b64.begin() + 40)};
}

// ---- The tiny election of the committed record (docs/election-record.md §6) -----------------

ElectionManifest tiny_manifest() {
    ElectionManifest m;
    m.election_id = "tiny-record-2026";
    m.name = "Tiny record election";
    m.start_date = "2026-11-03";
    m.end_date = "2026-11-03";
    m.districts = {{"d1", "North"}, {"d2", "South"}};
    m.contests = {
        {"mayor",
         {"Mayor", {}},
         ContestKind::candidate,
         1,
         {{"ada", {"Ada", {}}}, {"grace", {"Grace", {}}}}},
        {"measure-a",
         {"Measure A", {}},
         ContestKind::ballot_measure,
         1,
         {{"yes", {"Yes", {}}}, {"no", {"No", {}}}}},
    };
    m.ballot_styles = {{"north", {"d1"}, {"mayor", "measure-a"}}, {"south", {"d2"}, {"mayor"}}};
    m.guardian_count = 3;
    m.threshold = 2;
    return m;
}

void run_tiny_day(FullDay& day, const LedgerOptions& o) {
    day.run(
        o, {1, 3},
        [](FullDay& d) {
            return std::vector<Bytes>{
                d.cast(0, {{"mayor", {"ada"}}, {"measure-a", {"yes"}}}),
                d.challenge(0, {{"mayor", {"grace"}}, {"measure-a", {"no"}}}),
                d.cast(1, {{"mayor", {"ada"}}}),
            };
        },
        [](FullDay& d) {
            return std::vector<Bytes>{d.cast(0, {{"mayor", {"grace"}}, {"measure-a", {"yes"}}})};
        });
}

}  // namespace

class TestElectionRecord : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { crypto::initialize(); }

    // After a full day: every listed file has its size and SHA-256; records.bin holds exactly
    // the ledger's records; checkpoints verify and match the records; consistency proofs verify
    // and join the published checkpoints; tallies, decryptions and results check; results.json
    // and challenged-ballots.json say what the records say.
    void full_day_record_reads_back_and_verifies() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day;
        day.run_small(options_in(dir));
        Ledger& ledger = *day.ledger;
        const fs::path out = dir / "record";
        auto summary = record::export_election_record(ledger, out);
        QVERIFY2(summary, summary ? "" : summary.error().message.c_str());

        auto loaded = load_record(out);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const LoadedRecord& r = loaded.value();
        const ElectionManifest& m = day.scenario.election().manifest;
        QCOMPARE(r.election.base_hash, day.scenario.election().base_hash);
        const std::string manifest_json = manifest_to_json(m);
        QCOMPARE(read_bytes(out / "manifest.json"),
                 Bytes(manifest_json.begin(), manifest_json.end()));
        QCOMPARE(str(r.json["election_id"]), m.election_id);
        QCOMPARE(str(r.json["joint_key"]), to_hex(day.scenario.election().joint_key.bytes()));
        QCOMPARE(str(r.json["ceremony_hash"]), compute_ceremony_hash(m).to_hex());
        QCOMPARE(u64(r.json["guardian_count"]), std::uint64_t{3});
        QCOMPARE(u64(r.json["threshold"]), std::uint64_t{2});
        QVERIFY(!fs::exists(out / ".partial"));
        for (const auto& entry : fs::directory_iterator(out))
            QVERIFY(entry.path().filename().string().rfind(".partial", 0) != 0);

        // Logs: districts in manifest order, then the election and event logs, each exactly the
        // ledger's records, with every stored checkpoint.
        QCOMPARE(r.logs.size(), m.districts.size() + 2);
        std::uint64_t records = 0;
        for (std::size_t i = 0; i < r.logs.size(); ++i) {
            const LoadedLog& log = r.logs[i];
            const std::string expected_name = i < m.districts.size() ? m.districts[i].id
                                              : i == m.districts.size()
                                                  ? std::string(election_log_name)
                                                  : std::string(event_log_name);
            QCOMPARE(log.name, expected_name);
            const LogStatus s = ledger.status(log.name).value();
            QCOMPARE(log.origin, s.origin);
            QCOMPARE(log.verifier.to_text(), s.verifier.to_text());
            QCOMPARE(log.size, s.size);
            QCOMPARE(log.root, s.root);
            for (std::uint64_t k = 0; k < log.size; ++k)
                QCOMPARE(log.records[k], ledger.record(log.name, k).value());
            const auto stored = ledger.checkpoints(log.name).value();
            QCOMPARE(log.notes.size(), stored.size());
            for (std::size_t k = 0; k < stored.size(); ++k)
                QCOMPARE(log.notes[k], stored[k].second);
            records += log.size;
        }
        QCOMPARE(summary.value().records, records);
        const auto listed = r.json["files"].toArray();
        QCOMPARE(summary.value().files, static_cast<std::uint64_t>(listed.size()) + 1);
        std::uint64_t bytes = read_bytes(out / "record.json").size();
        for (const auto& f : listed) bytes += u64(f.toObject()["bytes"]);
        QCOMPARE(summary.value().bytes, bytes);

        // Consistency: districts between successive published checkpoints (those in the
        // election log), the election log between successive checkpoints of its own.
        std::map<std::string, std::vector<std::uint64_t>> published;
        for (const Bytes& rec : r.log(election_log_name).records) {
            const auto entry = decode_district_checkpoint(rec).value();
            const std::string text =
                entry.signed_checkpoint.substr(0, entry.signed_checkpoint.find("\n\n") + 1);
            published[entry.district_id].push_back(Checkpoint::parse(text).value().size);
        }
        for (const auto& d : m.districts) {
            const LoadedLog& log = r.log(d.id);
            const auto& sizes = published[d.id];
            QVERIFY(sizes.size() >= 4);        // opening, ballots, closing, tally, results
            QCOMPARE(sizes.back(), log.size);  // the election log covers every district's end
            QCOMPARE(log.consistency.size(), sizes.size() - 1);
            for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
                QCOMPARE(log.consistency[k].old_size, sizes[k]);
                QCOMPARE(log.consistency[k].new_size, sizes[k + 1]);
            }
        }
        const LoadedLog& election = r.log(election_log_name);
        QCOMPARE(election.consistency.size(), election.checkpoints.size() - 1);

        // Tallies, decryptions and results all check (record_values re-derives them).
        auto values = record_values(r);
        QVERIFY2(values, values ? "" : values.error().message.c_str());

        // results.json: the district-result records' counts and indices, and the totals.
        const QJsonObject results = QJsonDocument::fromJson(QByteArray::fromStdString([&] {
                                        const Bytes b = read_bytes(out / "results.json");
                                        return std::string(b.begin(), b.end());
                                    }()))
                                        .object();
        QCOMPARE(results["complete"].toBool(), true);
        const auto districts = results["districts"].toArray();
        QCOMPARE(districts.size(), qsizetype(m.districts.size()));
        std::vector<DistrictResult> all;
        for (std::size_t d = 0; d < m.districts.size(); ++d) {
            const QJsonObject o = districts[qsizetype(d)].toObject();
            QCOMPARE(str(o["district_id"]), m.districts[d].id);
            const DistrictResult expected = *ledger.tallying().result(d);
            all.push_back(expected);
            const Bytes at_index = ledger.record(m.districts[d].id, u64(o["result_index"])).value();
            QCOMPARE(decode_district_result(at_index).value(), expected);
            const RecordedTally t = *ledger.tallying().tally(d);
            QCOMPARE(u64(o["tally_index"]), t.index);
            QCOMPARE(str(o["tally_hash"]), t.hash.to_hex());
            QCOMPARE(u64(o["ballots_counted"]), t.tally.ballots_counted);
            QCOMPARE(u64(o["ballots_challenged"]), t.tally.ballots_challenged);
            std::vector<std::uint32_t> guardians;
            for (const auto& g : o["guardians"].toArray())
                guardians.push_back(static_cast<std::uint32_t>(g.toInteger()));
            QCOMPARE(guardians, expected.guardians);
            const auto contests = o["contests"].toArray();
            QCOMPARE(contests.size(), qsizetype(expected.counts.size()));
            for (std::size_t c = 0; c < expected.counts.size(); ++c) {
                const QJsonObject contest = contests[qsizetype(c)].toObject();
                QCOMPARE(str(contest["contest_id"]), expected.counts[c].contest_id);
                const auto options = contest["options"].toArray();
                QCOMPARE(options.size(), qsizetype(expected.counts[c].options.size()));
                for (std::size_t k = 0; k < expected.counts[c].options.size(); ++k) {
                    const QJsonObject option = options[qsizetype(k)].toObject();
                    QCOMPARE(str(option["option_id"]), expected.counts[c].options[k].option_id);
                    QCOMPARE(u64(option["count"]), expected.counts[c].options[k].value);
                }
            }
        }
        // The day's cast ballots: d1 mayor ada ×2, d2 mayor alan + ada.
        QCOMPARE(values.value()["count d1 mayor ada"], std::string("2"));
        QCOMPARE(values.value()["count d2 mayor ada"], std::string("1"));
        QCOMPARE(values.value()["count d1 council john"], std::string("1"));
        const ElectionTotals totals = sum_district_results(all);
        for (const auto& t : results["totals"].toArray()) {
            const QJsonObject contest = t.toObject();
            for (const auto& option : contest["options"].toArray()) {
                const auto& counts = totals.at(str(contest["contest_id"]));
                const auto it = counts.find(str(option.toObject()["option_id"]));
                QCOMPARE(u64(option.toObject()["count"]), it == counts.end() ? 0 : it->second);
            }
        }
        QCOMPARE(values.value()["total mayor ada"], std::string("3"));

        // challenged-ballots.json: each challenged ballot with the marks it was made with.
        const QJsonObject challenged = QJsonDocument::fromJson(QByteArray::fromStdString([&] {
                                           const Bytes b =
                                               read_bytes(out / "challenged-ballots.json");
                                           return std::string(b.begin(), b.end());
                                       }()))
                                           .object();
        const auto entries = challenged["challenged_ballots"].toArray();
        QCOMPARE(entries.size(), qsizetype(day.challenged.size()));
        for (std::size_t k = 0; k < day.challenged.size(); ++k) {
            const ChallengedInfo& expected = day.challenged[k];
            const QJsonObject o = entries[qsizetype(k)].toObject();
            QCOMPARE(str(o["district_id"]), expected.district_id);
            QCOMPARE(str(o["ballot_id"]), expected.ballot_id);
            QCOMPARE(str(o["tracking_code_hex"]), expected.tracking_code.to_hex());
            QCOMPARE(str(o["tracking_code"]), format_tracking_code(expected.tracking_code));
            const Bytes at_index = ledger.record(expected.district_id, u64(o["log_index"])).value();
            QCOMPARE(at_index[0], std::uint8_t(RecordType::challenged_ballot));
            const BallotStyle& style = *m.ballot_style_of_district(expected.district_id);
            const auto contests = o["contests"].toArray();
            QCOMPARE(contests.size(), qsizetype(style.contests.size()));
            for (std::size_t c = 0; c < style.contests.size(); ++c) {
                const QJsonObject contest = contests[qsizetype(c)].toObject();
                QCOMPARE(str(contest["contest_id"]), style.contests[c]);
                std::set<std::string> selections;
                for (const auto& s : contest["selections"].toArray()) selections.insert(str(s));
                const auto marked = expected.marks.find(style.contests[c]);
                const std::set<std::string> wanted =
                    marked == expected.marks.end()
                        ? std::set<std::string>{}
                        : std::set<std::string>(marked->second.begin(), marked->second.end());
                QCOMPARE(selections, wanted);
            }
        }
    }

    // A read-only ledger exports the same bytes every time (nothing in the record depends on
    // when or where it was written), and as the writable ledger did.
    void read_only_ledger_exports_the_same_bytes_every_time() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const LedgerOptions o = options_in(dir);
        {
            FullDay day;
            day.run_small(o);
        }
        auto ledger = checked(Ledger::open(o, std::nullopt), "open read-only");
        QVERIFY(ledger->read_only());
        QVERIFY(record::export_election_record(*ledger, dir / "a"));
        QVERIFY(record::export_election_record(*ledger, dir / "b"));
        const auto a = tree_of(dir / "a"), b = tree_of(dir / "b");
        QVERIFY(a.size() > 10);
        QVERIFY(a == b);
    }

    // No guardian secret share or identity key, no ledger key (master or derived), no kiosk key
    // and no cast ballot's nonce appears in any file, raw, in hex or in base64; the challenged
    // ballots' nonces do (they are public), which shows the search finds what is there.
    void record_holds_no_secret() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day;
        day.run_small(options_in(dir));
        QVERIFY(record::export_election_record(*day.ledger, dir / "record"));
        const auto files = tree_of(dir / "record");
        QVERIFY(!files.empty());

        std::vector<std::pair<std::string, Bytes>> secrets;
        const auto& c = day.scenario.ceremony();
        for (std::size_t g = 0; g < c.secret_shares.size(); ++g) {
            const auto& s = c.secret_shares[g].secret->bytes();
            secrets.emplace_back("guardian secret share " + std::to_string(g + 1),
                                 Bytes(s.begin(), s.end()));
            const auto seed = c.identities[g].seed();
            secrets.emplace_back("guardian identity seed " + std::to_string(g + 1),
                                 Bytes(seed.begin(), seed.end()));
        }
        const LedgerKey key = test::LedgerScenario::ledger_key();
        secrets.emplace_back("ledger key seed",
                             Bytes(key.master().seed().begin(), key.master().seed().end()));
        std::vector<std::string> origins;
        for (const auto& s : day.ledger->district_statuses()) origins.push_back(s.origin);
        origins.push_back(day.ledger->status(election_log_name).value().origin);
        origins.push_back(day.ledger->status(event_log_name).value().origin);
        for (const auto& origin : origins) {
            const auto derived = key.derive_log_key(origin);
            secrets.emplace_back("log key seed of " + origin,
                                 Bytes(derived.seed().begin(), derived.seed().end()));
        }
        for (auto& kiosk : day.scenario.kiosks()) {
            secrets.emplace_back("kiosk key seed of " + kiosk.device_id,
                                 Bytes(kiosk.key.seed().begin(), kiosk.key.seed().end()));
        }
        QVERIFY(day.cast_nonces.size() >= 20);
        for (std::size_t i = 0; i < day.cast_nonces.size(); ++i)
            secrets.emplace_back("cast ballot nonce " + std::to_string(i), day.cast_nonces[i]);

        for (const auto& [name, secret] : secrets) {
            for (const auto& form : forms_of(secret)) {
                for (const auto& [path, content] : files)
                    QVERIFY2(!contains(content, form),
                             qPrintable(QString::fromStdString(name + " found in " + path)));
            }
        }
        QVERIFY(!day.challenged_nonces.empty());
        for (const auto& nonce : day.challenged_nonces) {
            bool found = false;
            for (const auto& [path, content] : files) found = found || contains(content, nonce);
            QVERIFY2(found, "a challenged ballot's nonce is missing from the record");
        }
    }

    // An existing non-empty directory is refused and left as it was; an existing empty one is
    // filled; a file in the way is refused.
    void refuses_a_non_empty_directory() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day;
        day.run_small(options_in(dir));
        fs::create_directory(dir / "busy");
        std::ofstream(dir / "busy" / "notes.txt") << "mine";
        auto refused = record::export_election_record(*day.ledger, dir / "busy");
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::refused);
        QVERIFY2(refused.error().message.find((dir / "busy").string()) != std::string::npos,
                 refused.error().message.c_str());
        QCOMPARE(tree_of(dir / "busy").size(), std::size_t{1});
        QCOMPARE(std::distance(fs::directory_iterator(dir / "busy"), fs::directory_iterator()),
                 std::ptrdiff_t{1});

        std::ofstream(dir / "plain-file") << "x";
        QVERIFY(!record::export_election_record(*day.ledger, dir / "plain-file"));

        fs::create_directory(dir / "empty");
        auto filled = record::export_election_record(*day.ledger, dir / "empty");
        QVERIFY2(filled, filled ? "" : filled.error().message.c_str());
        QVERIFY(load_record(dir / "empty"));
    }

    // A failed export leaves no record.json and no staging directory; a directory it created is
    // removed, an empty one it was given is left empty. Failures: a path under a regular file,
    // and the disk refusing a write half-way (RLIMIT_FSIZE), named with the file.
    void failed_export_leaves_nothing_that_looks_complete() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const LedgerOptions o = options_in(dir);
        {
            FullDay day;
            day.run_small(o);
        }
        auto ledger = checked(Ledger::open(o, std::nullopt), "open read-only");

        std::ofstream(dir / "a-file") << "x";
        auto under_file = record::export_election_record(*ledger, dir / "a-file" / "record");
        QVERIFY(!under_file);
        QVERIFY2(under_file.error().message.find("a-file") != std::string::npos,
                 under_file.error().message.c_str());

        fs::create_directory(dir / "given");
        struct rlimit saved {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = saved;
        small.rlim_cur = 4096;  // the manifest files fit; the logs' records do not
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        auto created = record::export_election_record(*ledger, dir / "created");
        auto given = record::export_election_record(*ledger, dir / "given");
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);
        ::signal(SIGXFSZ, old_handler);

        QVERIFY(!created);
        QCOMPARE(created.error().code, ErrorCode::io_error);
        QVERIFY2(created.error().message.find("records.bin") != std::string::npos,
                 created.error().message.c_str());
        QVERIFY(!fs::exists(dir / "created"));
        QVERIFY(!given);
        QVERIFY(fs::is_directory(dir / "given"));
        QVERIFY(fs::is_empty(dir / "given"));

        // And with the limit lifted, the same directory takes the record.
        QVERIFY(record::export_election_record(*ledger, dir / "given"));
        QVERIFY(fs::exists(dir / "given" / "record.json"));
    }

    // An election exported before it is over: a district that never opened has an empty log
    // (empty files, the empty tree's root), nothing is tallied, and results.json says so with
    // nulls and "complete": false.
    void unfinished_election_exports_what_there_is() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day;
        auto& s = day.scenario;
        day.ledger = checked(Ledger::create(options_in(dir), s.election(), s.approval(),
                                            test::LedgerScenario::ledger_key()),
                             "create");
        require_all_ok(day.ledger->ingest({s.registration(0), s.polls(PollsAction::opened, 0)}));
        require_all_ok(day.ledger->ingest({day.cast(0, {{"mayor", {"ada"}}})}));
        checked(day.ledger->publish_election_checkpoint(), "publish");
        QVERIFY(record::export_election_record(*day.ledger, dir / "record"));
        auto loaded = load_record(dir / "record");
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const LoadedLog& d2 = loaded.value().log("d2");
        QCOMPARE(d2.size, std::uint64_t{0});
        QCOMPARE(d2.root, crypto::sha256({}));
        for (const char* file : {"records.bin", "checkpoints.bin", "consistency.bin"})
            QCOMPARE(fs::file_size(dir / "record" / "districts" / "d2" / file), std::uintmax_t{0});
        QCOMPARE(loaded.value().log("d1").size, std::uint64_t{3});
        const Bytes b = read_bytes(dir / "record" / "results.json");
        const QJsonObject results =
            QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(b.data()),
                                               static_cast<qsizetype>(b.size())))
                .object();
        QCOMPARE(results["complete"].toBool(true), false);
        for (const auto& d : results["districts"].toArray()) {
            const QJsonObject o = d.toObject();
            for (const char* member : {"tally_index", "tally_hash", "ballots_counted",
                                       "ballots_challenged", "result_index"})
                QVERIFY2(o[member].isNull(), member);
            QVERIFY(o["guardians"].toArray().isEmpty() && o["contests"].toArray().isEmpty());
        }
        for (const auto& contest : results["totals"].toArray())
            for (const auto& option : contest.toObject()["options"].toArray())
                QCOMPARE(u64(option.toObject()["count"]), std::uint64_t{0});
    }

    // A ballot id follows the id syntax (docs/encoding.md §4, issue 27; V19 in a record): the
    // ledger refuses a challenged ballot whose id holds a quote, a backslash, a control character
    // and non-ASCII UTF-8, naming the rule, and records nothing, so no such id reaches
    // challenged-ballots.json (whose writer escapes all text anyway, §3.6).
    void odd_ballot_ids_are_refused() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day;
        auto ledger =
            checked(Ledger::create(options_in(dir), day.scenario.election(),
                                   day.scenario.approval(), test::LedgerScenario::ledger_key()),
                    "create");
        require_all_ok(ledger->ingest(day.scenario.opening()));
        const std::uint64_t before = ledger->statistics().records_appended;
        const std::string odd = "odd \"id\\ \n\x01 é";
        PreparedBallot p = day.scenario.ballot_with(0, {{"mayor", {"ada"}}}, odd);
        const auto results =
            ledger->ingest({encode_challenged_ballot(challenge_ballot(std::move(p)))});
        QCOMPARE(results.size(), std::size_t{1});
        QVERIFY(!results[0]);
        QVERIFY2(results[0].error().message.find("ballot id is not an id") != std::string::npos,
                 results[0].error().message.c_str());
        QCOMPARE(ledger->statistics().records_appended, before);
    }

    // The tiny election of docs/election-record.md §6 exports a record that loads and checks;
    // with PSEPHOS_WRITE_TINY_RECORD=DIR the record is written to DIR (how the committed one was
    // made).
    void tiny_election_exports_a_record() {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        FullDay day(tiny_manifest());
        run_tiny_day(day, options_in(dir));
        const char* target = std::getenv("PSEPHOS_WRITE_TINY_RECORD");
        const fs::path out = target != nullptr ? fs::path(target) : dir / "record";
        auto written = record::export_election_record(*day.ledger, out);
        QVERIFY2(written, written ? "" : written.error().message.c_str());
        auto loaded = load_record(out);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        auto values = record_values(loaded.value());
        QVERIFY2(values, values ? "" : values.error().message.c_str());
        QCOMPARE(values.value()["total mayor ada"], std::string("2"));
        QCOMPARE(values.value()["total mayor grace"], std::string("1"));
        QCOMPARE(values.value()["total measure-a yes"], std::string("2"));
        QCOMPARE(values.value()["challenged d1 3 mayor"], std::string("grace"));
        if (target != nullptr) qInfo("tiny record written to %s", target);
    }

    // The committed tiny record, read with this code, gives every value of
    // tiny-record-expected.txt (computed from the document by check_tiny_record.py), one row per
    // value.
    void tiny_record_gives_the_expected_values_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        for (const auto& fields : test::read_vector_lines(
                 QString::fromStdString((vectors_dir / "tiny-record-expected.txt").string()), 2,
                 5)) {
            const QByteArray name = fields.mid(0, fields.size() - 1).join(' ');
            QTest::newRow(name.constData()) << QString(name) << QString(fields.last());
        }
    }
    void tiny_record_gives_the_expected_values() {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const Values& values = tiny_record_values();
        const auto it = values.find(name.toStdString());
        QVERIFY2(it != values.end(), "the record does not give this value");
        QCOMPARE(QString::fromStdString(it->second), expected);
    }

    // ... and the file lists every value the code derives (none is left unchecked).
    void tiny_record_expected_file_lists_every_value() {
        std::set<std::string> listed;
        for (const auto& fields : test::read_vector_lines(
                 QString::fromStdString((vectors_dir / "tiny-record-expected.txt").string()), 2, 5))
            listed.insert(fields.mid(0, fields.size() - 1).join(' ').toStdString());
        for (const auto& [name, value] : tiny_record_values())
            QVERIFY2(listed.count(name), name.c_str());
        QCOMPARE(listed.size(), tiny_record_values().size());
    }
};

QTEST_GUILESS_MAIN(TestElectionRecord)
#include "tst_election_record.moc"
