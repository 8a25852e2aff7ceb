// What a county's record and the witnesses add (docs/election-record.md §3.9, §5): record.json's
// "county" and "witnesses" members (part of V1, V2), the stations' checkpoints of their districts
// (V32), the equivocation evidence (V33) and the witnesses' cosignatures of the election log
// (V34).
#include <algorithm>
#include <set>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {
namespace {

constexpr std::size_t max_note_frames_bytes = std::size_t{64} << 10;

std::string district_origin_of(const std::string& election_id, const std::string& district) {
    return election_id + "/district/" + district;
}

// The station checkpoints of a district as the record holds them: size → root, each note
// opened with the station's key; problems go to `fail`.
template <class Fail>
std::map<std::uint64_t, Hash32> read_station_notes(const fs::path& dir, const std::string& district,
                                                   const std::string& origin,
                                                   const StationDistrict& station,
                                                   std::uint64_t* count, Fail fail) {
    std::map<std::uint64_t, Hash32> roots;
    const std::string file = "districts/" + district + "/station-checkpoints.bin";
    FrameReader frames(dir, file);
    if (!frames.opened()) {
        fail(district + ": " + frames.open_error());
        return roots;
    }
    Bytes frame;
    std::string error;
    std::uint64_t previous = 0, j = 0;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            fail(district + ": " + error);
            break;
        }
        const std::string at = district + ": station checkpoint " + std::to_string(j++);
        if (count) ++*count;
        if (!station.key) {
            fail(at + ": the station's verifier key does not parse");
            continue;
        }
        if (frame.size() > max_note_frames_bytes) {
            fail(at + ": over 64 KiB");
            continue;
        }
        const std::string_view note(reinterpret_cast<const char*>(frame.data()), frame.size());
        auto opened = open_checkpoint(note, *station.key);
        if (!opened) {
            fail(at + ": " + opened.error().message);
            continue;
        }
        if (opened->origin != origin) fail(at + ": origin '" + opened->origin + "'");
        if (opened->size <= previous) {
            fail(at + ": size " + std::to_string(opened->size) + " after " +
                 std::to_string(previous));
            continue;
        }
        previous = opened->size;
        roots[opened->size] = opened->root;
    }
    return roots;
}

}  // namespace

// The county's stations: each with its own reader, so that V1 names every station that does not
// read; a station's districts go to attestations_.station_of.
bool Verifier::read_county_station(const json::value& v, std::size_t i, Outcome& v1) {
    FieldReader s(v, "record.json", psephos::json::element_path("$.county.stations", i));
    const std::string station_id = s.text("station_id");
    const json::array* districts = s.array("districts", max_record_json_bytes);
    if (s.ok() && !is_id(station_id)) s.fail_at("station_id", "is not an id");
    std::vector<std::pair<std::string, StationDistrict>> entries;
    for (std::size_t j = 0; districts != nullptr && j < districts->size(); ++j) {
        FieldReader e = s.element((*districts)[j], j, s.path_of("districts"));
        std::string district = e.text("district_id");
        StationDistrict entry{station_id, e.text("verifier_key"), {}};
        if (!e.finish()) break;
        if (auto key = parse_verifier_key(entry.key_text)) entry.key = *key;
        if (!is_id(district) || attestations_.station_of.count(district) != 0) {
            e.fail_at("district_id", "'" + district + "' is not an id or is listed twice");
            break;
        }
        attestations_.station_of.emplace(std::move(district), std::move(entry));
    }
    const Status read = s.finish();
    if (!read) v1.fail(read.error().message);
    return read.ok();
}

bool Verifier::read_attestation_members(const json::value& index, Outcome& v1) {
    FieldReader top(index, "record.json");
    bool usable = true;
    if (top.has("county")) {
        attestations_.county = true;
        FieldReader county = top.object("county");
        const json::array* stations = county.array("stations", max_record_json_bytes);
        if (const Status read = county.finish(); !read) {
            v1.fail(read.error().message);
            return false;
        }
        for (std::size_t i = 0; i < stations->size(); ++i)
            usable = read_county_station((*stations)[i], i, v1) && usable;
    }
    if (top.has("witnesses")) {
        attestations_.witnesses = true;
        const json::array* witnesses = top.array("witnesses", max_record_json_bytes);
        if (witnesses == nullptr) {
            v1.fail(top.status().error().message);
            return false;
        }
        std::set<std::string> names;
        for (std::size_t i = 0; i < witnesses->size(); ++i) {
            const json::value& w = (*witnesses)[i];
            const std::string at = "record.json: " + psephos::json::element_path("$.witnesses", i);
            auto key = w.is_string()
                           ? crypto::CosignerKey::parse(std::string_view(w.get_string()))
                           : Result<crypto::CosignerKey>(make_error(
                                 ErrorCode::invalid_encoding,
                                 "expected a string, got " + psephos::json::describe_kind(w)));
            if (!key) {
                v1.fail(at + ": " + key.error().message);
                usable = false;
            } else if (!names.insert(key->name).second) {
                v1.fail(at + ": '" + key->name + "' is listed twice");
                usable = false;
            } else {
                attestations_.witness_keys.push_back(std::move(key).value());
            }
        }
    }
    return usable;
}

void Verifier::attestation_files(std::set<std::string>& required) const {
    if (attestations_.county) {
        required.insert("county/equivocations.bin");
        for (const auto& [district, station] : attestations_.station_of)
            required.insert("districts/" + district + "/station-checkpoints.bin");
    }
    if (attestations_.witnesses) required.insert("election/cosignatures.bin");
}

// V32, before the district's records are read: the station's notes, whose roots add_record then
// compares with the log's at each size.
void Verifier::load_station_checkpoints(LogInfo& log) {
    if (!attestations_.county) return;
    Outcome& v32 = out(32, log.name);
    const auto station = attestations_.station_of.find(log.name);
    if (station == attestations_.station_of.end()) return;  // finish_station_checkpoints judges
    std::uint64_t count = 0;
    log.station_roots =
        read_station_notes(dir_, log.name, log.origin, station->second, &count,
                           [&](std::string message) { v32.fail(std::move(message)); });
    v32.count(count);
}

// V32, after the district's records: the station signed every record before the district's
// tally (the county's own records come from the tally on), and no checkpoint is beyond them.
void Verifier::finish_station_checkpoints(std::size_t d) {
    if (!attestations_.county) return;
    LogInfo& log = logs_[d];
    Outcome& v32 = out(32, log.name);
    if (!log.readable) {
        v32.skip("records.bin does not parse into frames (V11)");
        return;
    }
    const DistrictSummary& summary = districts_[d];
    const std::uint64_t pushed = summary.tally_index.value_or(log.size);
    const bool listed = attestations_.station_of.count(log.name) != 0;
    if (!listed) {
        if (pushed > 0)
            v32.fail(log.name + ": " + std::to_string(pushed) +
                     " records before the tally, and no station of the county's pushes the "
                     "district");
        return;
    }
    const std::uint64_t signed_size =
        log.station_roots.empty() ? 0 : log.station_roots.rbegin()->first;
    if (signed_size != pushed)
        v32.fail(log.name + ": the station's last checkpoint is of size " +
                 std::to_string(signed_size) + ", the records before the tally are " +
                 std::to_string(pushed));
}

// V33: each evidence names a station and a district of the county's, both notes are the
// station's (its key, the district's origin), and they conflict: two roots of one size, or a root
// at a size the station's checkpoints in the record give another root for. A conflict the record
// cannot decide (a note beyond every checkpoint of the station's it holds) is reported, not
// failed; evidence that shows no conflict at all fails (a county cannot frame a station).
void Verifier::check_equivocations() {
    if (!attestations_.county) return;
    Outcome& v33 = out(33);
    std::set<std::string> districts;
    for (const auto& d : election_.manifest.districts) districts.insert(d.first);
    for (const auto& [district, station] : attestations_.station_of)
        if (!districts.count(district))
            v33.fail("record.json's county: station '" + station.station_id +
                     "' pushes district '" + district + "', which is not the manifest's");
    FrameReader frames(dir_, "county/equivocations.bin");
    if (!frames.opened()) {
        v33.fail(frames.open_error());
        return;
    }
    const std::string& election_id = record_.election_id;
    Bytes frame;
    std::string error;
    std::uint64_t j = 0;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v33.fail("county/equivocations.bin: " + error);
            break;
        }
        const std::string at = "evidence " + std::to_string(j++);
        v33.count();
        auto decoded = decode_equivocation(frame);
        if (!decoded) {
            v33.fail(at + ": " + decoded.error().message);
            continue;
        }
        const DecodedEquivocation& e = *decoded;
        const auto station = attestations_.station_of.find(e.district_id);
        if (station == attestations_.station_of.end() ||
            station->second.station_id != e.station_id) {
            v33.fail(at + ": station '" + e.station_id + "' does not push district '" +
                     e.district_id + "' in record.json");
            continue;
        }
        if (!station->second.key) {
            v33.fail(at + ": the station's verifier key does not parse");
            continue;
        }
        const std::string origin = district_origin_of(election_id, e.district_id);
        std::optional<ParsedCheckpoint> notes[2];
        bool signed_ok = true;
        for (int k = 0; k < 2; ++k) {
            auto opened =
                open_checkpoint(k == 0 ? e.held_note : e.presented_note, *station->second.key);
            if (!opened || opened->origin != origin) {
                v33.fail(at + (k == 0 ? ": the held note" : ": the presented note") +
                         " is not the station's checkpoint of the district" +
                         (opened ? "" : ": " + opened.error().message));
                signed_ok = false;
            } else {
                notes[k] = *opened;
            }
        }
        if (!signed_ok) continue;
        const auto roots =
            read_station_notes(dir_, e.district_id, origin, station->second, nullptr,
                               [](const std::string&) {});  // V32 reports the file's problems
        const std::string who =
            "station '" + e.station_id + "' in district '" + e.district_id + "'";
        const auto differs = [&](const ParsedCheckpoint& cp) {
            const auto it = roots.find(cp.size);
            return it != roots.end() && !(it->second == cp.root);
        };
        const auto agrees = [&](const ParsedCheckpoint& cp) {
            const auto it = roots.find(cp.size);
            return it != roots.end() && it->second == cp.root;
        };
        if (notes[0]->size == notes[1]->size && !(notes[0]->root == notes[1]->root)) {
            notices_.push_back("equivocation (proven): " + who + " signed two roots of size " +
                               std::to_string(notes[0]->size) + " (" + e.reason + ")");
        } else if (differs(*notes[0]) || differs(*notes[1])) {
            notices_.push_back("equivocation (proven): " + who +
                               " signed a root that is not its log's, whose checkpoints are in "
                               "the record (" +
                               e.reason + ")");
        } else if (agrees(*notes[0]) && agrees(*notes[1])) {
            v33.fail(at + ": " + who + ": both notes are the station's log as recorded: no " +
                     "equivocation");
        } else if (notes[0]->size == notes[1]->size) {
            v33.fail(at + ": " + who + ": the two notes are of one size and one root: no " +
                     "equivocation");
        } else {
            notices_.push_back(
                "equivocation (reported by the county, not decidable from the "
                "record): " +
                who + ", sizes " + std::to_string(notes[0]->size) + " and " +
                std::to_string(notes[1]->size) + " (" + e.reason + ")");
        }
    }
}

// V34: every cosigned note is the ledger's checkpoint of the election log at its size, and every
// line of a witness the record names verifies; with a witness policy, k of its witnesses
// cosigned the election log's last checkpoint.
void Verifier::check_cosignatures() {
    const auto& policy = options_.witness_policy;
    if (!attestations_.witnesses && !policy) return;
    Outcome& v34 = out(34, "/election");
    const LogInfo* election = nullptr;
    for (const auto& log : logs_)
        if (log.name == "/election") election = &log;
    if (!election || !election->key) {
        v34.skip("the election log has no usable verifier key (V10)");
        return;
    }
    if (!attestations_.witnesses) {
        v34.fail("a witness policy was given, and the record carries no witness cosignatures");
        return;
    }
    FrameReader frames(dir_, "election/cosignatures.bin");
    if (!frames.opened()) {
        v34.fail(frames.open_error());
        return;
    }
    Bytes frame;
    std::string error;
    std::uint64_t previous = 0, j = 0;
    std::string last_note;
    std::uint64_t last_size = 0;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v34.fail("election/cosignatures.bin: " + error);
            break;
        }
        const std::string at = "cosigned checkpoint " + std::to_string(j++);
        const std::string note(frame.begin(), frame.end());
        auto opened = open_checkpoint(note, *election->key);
        if (!opened) {
            v34.fail(at + ": " + opened.error().message);
            continue;
        }
        const auto checkpoint = election->checkpoints.find(opened->size);
        if (checkpoint == election->checkpoints.end() ||
            !(checkpoint->second.root == opened->root) || opened->origin != election->origin) {
            v34.fail(at + ": size " + std::to_string(opened->size) +
                     " is not a checkpoint of the election log (V12)");
            continue;
        }
        if (opened->size <= previous) {
            v34.fail(at + ": size " + std::to_string(opened->size) + " after " +
                     std::to_string(previous));
            continue;
        }
        previous = opened->size;
        for (const auto& witness : attestations_.witness_keys) {
            if (note.find("\n\xE2\x80\x94 " + witness.name + " ") == std::string::npos) continue;
            v34.count();
            if (auto cosigned = crypto::open_cosigned_note(note, witness); !cosigned)
                v34.fail(at + ": witness '" + witness.name + "': " + cosigned.error().message);
        }
        last_note = note;
        last_size = opened->size;
    }
    if (!policy) return;
    if (last_size != election->size || last_note.empty()) {
        v34.fail("the witness policy: the election log's last checkpoint (size " +
                 std::to_string(election->size) + ") is not among the cosigned ones");
        return;
    }
    if (auto met = crypto::check_witness_policy(last_note, *policy); !met)
        v34.fail("the witness policy: " + met.error().message);
}

}  // namespace psephos::verifier::detail
