// V13–V15 and V26–V27 (docs/election-record.md §5): the election log's district checkpoints
// against the districts' logs, the consistency proofs, and the derived results.json and
// challenged-ballots.json against what the district logs say.
#include <algorithm>

#include "psephos/crypto/merkle_tree.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

void Verifier::check_election_log() {
    Outcome &v13 = out(13), &v14 = out(14);
    const std::size_t nd = election_.manifest.districts.size();
    published_.assign(nd, {});
    std::map<std::string, std::size_t> index_of;
    for (std::size_t d = 0; d < nd; ++d) index_of[election_.manifest.districts[d].first] = d;
    bool complete = logs_[nd].readable;
    if (!complete) v13.skip("election/records.bin does not parse into frames (V11)");
    for (std::size_t i = 0; i < election_records_.size(); ++i) {
        const std::string at = "election record " + std::to_string(i);
        v13.count();
        const auto decoded = decode_district_checkpoint(election_records_[i]);
        if (!decoded) {
            v13.fail(at + ": " + decoded.error().message);
            complete = false;
            continue;
        }
        const DecodedDistrictCheckpoint& e = *decoded;
        const auto d = index_of.find(e.district_id);
        if (d == index_of.end()) {
            v13.fail(at + ": unknown district '" + e.district_id + "'");
            complete = false;
            continue;
        }
        const LogInfo& district = logs_[d->second];
        if (!district.key) {
            v13.fail(at + ": district " + e.district_id + " has no valid verifier key");
            continue;
        }
        auto opened = open_checkpoint(e.note, *district.key);
        if (!opened) {
            v13.fail(at + " (" + e.district_id + "): " + opened.error().message);
            continue;
        }
        const ParsedCheckpoint& cp = *opened;
        if (cp.origin != district.origin) v13.fail(at + ": origin '" + cp.origin + "'");
        const auto it = district.checkpoints.find(cp.size);
        if (it == district.checkpoints.end() ||
            !(it->second.note_hash == sha256_of(as_bytes(e.note))))
            v13.fail(at + ": not the note of size " + std::to_string(cp.size) + " in districts/" +
                     e.district_id + "/checkpoints.bin");
        auto& sizes = published_[d->second];
        if (!sizes.empty() && cp.size <= sizes.back())
            v13.fail(at + ": " + e.district_id + " size " + std::to_string(cp.size) +
                     " does not increase");
        else
            sizes.push_back(cp.size);
    }
    if (!complete) {
        v14.skip("the election log's records do not all decode (V13)");
        return;
    }
    for (std::size_t d = 0; d < nd; ++d) {
        v14.count();
        const std::uint64_t last = published_[d].empty() ? 0 : published_[d].back();
        if (last != logs_[d].size)
            v14.fail(logs_[d].name + " not covered: last published size " + std::to_string(last) +
                     ", log size " + std::to_string(logs_[d].size));
    }
}

void Verifier::check_consistency() {
    const std::size_t nd = election_.manifest.districts.size();
    for (std::size_t l = 0; l <= nd; ++l) {
        const LogInfo& log = logs_[l];
        Outcome& v15 = out(15, log.name);
        std::vector<std::uint64_t> sizes;
        if (l < nd) {
            sizes = published_[l];
        } else {
            for (const auto& [size, cp] : log.checkpoints) sizes.push_back(size);
        }
        // Bounded by the proofs the log's checkpoints prescribe, so a hostile file cannot make
        // the verifier hold more than an honest one would.
        std::string error;
        auto data = read_file(dir_, log.directory + "/consistency.bin",
                              (sizes.size() + 1) * max_consistency_entry_bytes, error);
        if (!data) {
            v15.fail(log.name + ": " + error);
            continue;
        }
        Reader r(*data, log.name + ": consistency.bin");
        std::size_t entry = 0;
        while (r.ok() && r.position() < data->size()) {
            const std::uint64_t old_size = r.u64(), new_size = r.u64();
            const std::uint32_t count = r.u32();
            std::vector<Hash32> proof;
            for (std::uint32_t k = 0; k < count && r.ok(); ++k) proof.push_back(r.hash());
            if (!r.ok()) break;
            v15.count();
            const std::string at = log.name + ": consistency " + std::to_string(old_size) + " -> " +
                                   std::to_string(new_size);
            if (entry + 1 >= sizes.size() || sizes[entry] != old_size ||
                sizes[entry + 1] != new_size) {
                v15.fail(at + ": entry " + std::to_string(entry) + " is not the prescribed pair");
            } else {
                const auto a = log.checkpoints.find(old_size), b = log.checkpoints.find(new_size);
                if (a == log.checkpoints.end() || b == log.checkpoints.end()) {
                    v15.fail(at + ": no checkpoint of one of the sizes");
                } else if (!crypto::verify_consistency(old_size, new_size, a->second.root,
                                                       b->second.root, proof) ||
                           proof.empty()) {
                    v15.fail(at + ": proof does not verify");
                }
            }
            ++entry;
        }
        if (!r.ok()) v15.fail(r.error());
        const std::size_t expected = sizes.size() < 2 ? 0 : sizes.size() - 1;
        if (r.ok() && entry != expected)
            v15.fail(log.name + ": " + std::to_string(entry) + " consistency proofs, expected " +
                     std::to_string(expected));
    }
}

namespace {

// Where a derived file first differs from what the records say: "districts[1] (d2): contests".
std::string first_difference(const json::value& actual, const json::value& expected,
                             const std::string& at) {
    if (expected.is_object() && actual.is_object()) {
        const json::object &e = expected.get_object(), &a = actual.get_object();
        for (const auto& kv : e) {
            const json::value* x = a.if_contains(kv.key());
            const std::string inner = at + (at.empty() ? "" : ".") + std::string(kv.key());
            if (!x) return inner + ": missing";
            if (!(*x == kv.value())) return first_difference(*x, kv.value(), inner);
        }
        for (const auto& kv : a)
            if (!e.contains(kv.key())) return at + "." + std::string(kv.key()) + ": not expected";
    }
    if (expected.is_array() && actual.is_array()) {
        const json::array &e = expected.get_array(), &a = actual.get_array();
        if (e.size() != a.size())
            return at + ": " + std::to_string(a.size()) + " entries, expected " +
                   std::to_string(e.size());
        for (std::size_t i = 0; i < e.size(); ++i)
            if (!(a[i] == e[i]))
                return first_difference(a[i], e[i], at + "[" + std::to_string(i) + "]");
    }
    std::string shown = json::serialize(expected);
    if (shown.size() > 200) shown = shown.substr(0, 200) + "…";
    return at + ": expected " + shown;
}

json::array counts_json(const PerOption<std::uint64_t>& counts) {
    json::array out;
    for (const auto& [c, options] : counts) {
        json::array opts;
        for (const auto& [o, n] : options)
            opts.push_back(json::object{{"option_id", o}, {"count", static_cast<std::int64_t>(n)}});
        out.push_back(json::object{{"contest_id", c}, {"options", std::move(opts)}});
    }
    return out;
}

}  // namespace

void Verifier::check_results_file() {
    Outcome& v26 = out(26);
    json::array districts;
    std::map<std::pair<std::string, std::string>, std::uint64_t> totals;
    bool complete = true;
    for (std::size_t d = 0; d < election_.manifest.districts.size(); ++d) {
        const DistrictSummary& s = districts_[d];
        json::object o;
        o["district_id"] = election_.manifest.districts[d].first;
        if (s.tally_index) {
            o["tally_index"] = static_cast<std::int64_t>(*s.tally_index);
            o["tally_hash"] = hex(s.tally_hash);
            o["ballots_counted"] = static_cast<std::int64_t>(s.counted);
            o["ballots_challenged"] = static_cast<std::int64_t>(s.challenged);
        } else {
            o["tally_index"] = nullptr;
            o["tally_hash"] = nullptr;
            o["ballots_counted"] = nullptr;
            o["ballots_challenged"] = nullptr;
        }
        if (s.result_index) {
            o["result_index"] = static_cast<std::int64_t>(*s.result_index);
        } else {
            o["result_index"] = nullptr;
            complete = false;
        }
        json::array guardians;
        for (const std::uint32_t g : s.guardians) guardians.push_back(std::int64_t{g});
        o["guardians"] = std::move(guardians);
        o["contests"] = counts_json(s.counts);
        for (const auto& [c, options] : s.counts)
            for (const auto& [op, n] : options) totals[{c, op}] += n;
        districts.push_back(std::move(o));
    }
    json::array total_list;
    for (const auto& c : election_.manifest.contests) {
        json::array opts;
        for (const auto& o : c.options) {
            const auto it = totals.find({c.id, o.first});
            opts.push_back(json::object{
                {"option_id", o.first},
                {"count", static_cast<std::int64_t>(it == totals.end() ? 0 : it->second)}});
        }
        total_list.push_back(json::object{{"contest_id", c.id}, {"options", std::move(opts)}});
    }
    const json::value expected = json::object{{"election_id", election_.manifest.election_id},
                                              {"complete", complete},
                                              {"districts", std::move(districts)},
                                              {"totals", std::move(total_list)}};
    std::string error;
    auto actual = read_json(dir_, "results.json", max_results_json_bytes, error);
    v26.count();
    if (!actual) {
        v26.fail(error);
    } else if (!(*actual == expected)) {
        v26.fail("results.json differs from the records: " +
                 first_difference(*actual, expected, ""));
    }
}

void Verifier::check_challenged_file() {
    Outcome& v27 = out(27);
    json::array entries;
    for (const auto& s : districts_)
        for (const auto& e : s.challenged_entries) entries.push_back(e);
    const json::value expected = json::object{{"election_id", election_.manifest.election_id},
                                              {"challenged_ballots", entries}};
    std::string error;
    auto actual = read_json(dir_, "challenged-ballots.json", max_challenged_json_bytes, error);
    v27.count();
    if (!actual) {
        v27.fail(error);
    } else if (!(*actual == expected)) {
        v27.fail("challenged-ballots.json differs from the records: " +
                 first_difference(*actual, expected, ""));
    }
}

}  // namespace psephos::verifier::detail
