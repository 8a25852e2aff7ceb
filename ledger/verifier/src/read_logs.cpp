// V11, V12 and V16 (docs/election-record.md §5): each log's checkpoints and records, read once,
// frame by frame; the event log's chain; the election and bridge logs kept for V13 and V28. A
// district log goes to its DistrictReader (district_reader.hpp).
#include <algorithm>
#include <set>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

void Verifier::load_checkpoints(LogInfo& log) {
    Outcome& v12 = out(12, log.name);
    FrameReader frames(dir_, log.directory + "/checkpoints.bin");
    if (!frames.opened()) {
        v12.fail(log.name + ": " + frames.open_error());
        return;
    }
    Bytes frame;
    std::string error;
    std::uint64_t previous = 0, j = 0;
    const std::string& trusted = options_.trusted_election_checkpoint;
    bool trusted_found = false;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v12.fail(log.name + ": " + error);
            break;
        }
        if (log.name == "/election" && !trusted.empty() && frame.size() == trusted.size() &&
            std::equal(frame.begin(), frame.end(), trusted.begin(),
                       [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }))
            trusted_found = true;
        const std::string at = log.name + ": checkpoint " + std::to_string(j++);
        v12.count();
        if (!log.key) {
            v12.fail(at + ": no valid verifier key (V10)");
            continue;
        }
        const std::string_view note(reinterpret_cast<const char*>(frame.data()), frame.size());
        auto opened = open_checkpoint(note, *log.key);
        if (!opened) {
            v12.fail(at + ": " + opened.error().message);
            continue;
        }
        const ParsedCheckpoint& cp = *opened;
        if (cp.origin != log.origin) v12.fail(at + ": origin '" + cp.origin + "'");
        if (cp.size <= previous || cp.size > log.size) {
            v12.fail(at + ": size " + std::to_string(cp.size) + " after " +
                     std::to_string(previous) + " (log size " + std::to_string(log.size) + ")");
            continue;
        }
        previous = cp.size;
        log.checkpoints[cp.size] = {cp.root, sha256_of(frame)};
    }
    if (log.size > 0 && previous != log.size)
        v12.fail(log.name + ": no checkpoint of the log's size " + std::to_string(log.size));
    if (log.size == 0 && j != 0) v12.fail(log.name + ": checkpoints of an empty log");
    if (log.name == "/election" && !trusted.empty()) {
        out(10).count();
        if (!trusted_found)
            out(10).fail("election/checkpoints.bin does not hold the trusted election checkpoint");
    }
}

void Verifier::finish_log_checks(LogInfo& log, const RootBuilder& tree, bool framed, Outcome& v11,
                                 Outcome& v12) {
    log.readable = framed;
    if (!framed) return;
    if (tree.size() != log.size)
        v11.fail(log.name + ": " + std::to_string(tree.size()) + " records, record.json says " +
                 std::to_string(log.size));
    if (hex(tree.root()) != log.root_hex)
        v11.fail(log.name + ": the root of the records is not record.json's root");
    for (const auto& [size, cp] : log.checkpoints)
        if (size > tree.size())
            v12.fail(log.name + ": checkpoint of size " + std::to_string(size) +
                     " beyond the records");
    if (log.size == 0 && log.root_hex != hex(sha256_of(ByteSpan{})))
        v12.fail(log.name + ": an empty log's root is not H(\"\")");
}

bool Verifier::add_record(LogInfo& log, RootBuilder& tree, const Hash32& leaf, std::uint64_t every,
                          Outcome& v11, Outcome& v12) {
    tree.append(leaf);
    v11.count();
    if (auto it = log.checkpoints.find(tree.size()); it != log.checkpoints.end()) {
        if (!(it->second.root == tree.root()))
            v12.fail(log.name + ": checkpoint " + std::to_string(tree.size()) +
                     ": root is not the root of the first " + std::to_string(tree.size()) +
                     " records");
    }
    if (auto it = log.station_roots.find(tree.size());
        it != log.station_roots.end() && !(it->second == tree.root()))
        out(32, log.name)
            .fail(log.name + ": the station's checkpoint of size " + std::to_string(tree.size()) +
                  ": root is not the root of the first " + std::to_string(tree.size()) +
                  " records");
    if (tree.size() % every != 0) return false;
    if (options_.progress) options_.progress(log.name, tree.size(), log.size);
    return stop_requested();
}

// Runs V11, V12 (and V16 for the event log, V17–V25 for a district) over one log's records.
void Verifier::read_log(std::size_t index) {
    LogInfo& log = logs_[index];
    Outcome &v11 = out(11, log.name), &v12 = out(12, log.name);
    load_checkpoints(log);
    if (log.is_district) {
        load_station_checkpoints(log);
        read_district(index, v11, v12);
        finish_station_checkpoints(index);
        return;
    }
    const bool events = log.name == "/events";
    Outcome& v16 = out(16);
    std::set<std::string> districts;
    for (const auto& d : election_.manifest.districts) districts.insert(d.first);
    FrameReader frames(dir_, log.directory + "/records.bin");
    if (!frames.opened()) {
        v11.fail(log.name + ": " + frames.open_error());
        if (events) v16.skip("events/records.bin cannot be read");
        return;
    }
    RootBuilder tree;
    Bytes frame;
    std::string error;
    Hash32 previous;  // 32 zero bytes before event 0
    bool framed = true;
    while (true) {
        const auto next = frames.next(frame, error);
        if (next == FrameReader::Next::end) break;
        if (next == FrameReader::Next::error) {
            v11.fail(log.name + ": " + error);
            framed = false;
            if (events) v16.skip("events/records.bin does not parse into frames");
            break;
        }
        const Hash32 leaf = leaf_hash(frame);
        const std::uint64_t i = tree.size();
        if (events) {
            const auto decoded = decode_event(frame);
            v16.count();
            if (!decoded) {
                v16.fail("event " + std::to_string(i) + ": " + decoded.error().message);
            } else {
                const DecodedEvent& e = *decoded;
                if (e.sequence != i)
                    v16.fail("event " + std::to_string(i) + ": sequence " +
                             std::to_string(e.sequence));
                if (!(e.previous == previous))
                    v16.fail("event " + std::to_string(i) +
                             ": previous_event_hash is not the leaf hash of the event before");
                if (!e.district_id.empty() && !districts.count(e.district_id))
                    v16.fail("event " + std::to_string(i) + ": district '" + e.district_id +
                             "' is not the manifest's");
            }
            previous = leaf;
        } else if (log.name == "/bridge") {
            bridge_records_.push_back(frame);
        } else {
            election_records_.push_back(frame);
        }
        if (add_record(log, tree, leaf, 1024, v11, v12)) break;
    }
    finish_log_checks(log, tree, framed, v11, v12);
    if (options_.progress) options_.progress(log.name, tree.size(), log.size);
}

}  // namespace psephos::verifier::detail
