// `psephos ledger` status, publish and proofs: status, publish, inclusion, consistency, events,
// check. The queries open the ledger read-only (no key), which re-checks every log, and verify
// every proof they print against a stored signed checkpoint before printing it (docs/cli.md §9).
#include <boost/json.hpp>

#include <algorithm>
#include <iostream>
#include <limits>
#include <vector>

#include "command_line.hpp"
#include "commands.hpp"
#include "ledger_command_support.hpp"
#include "psephos/crypto/merkle_tree.hpp"
#include "psephos/election/ledger_records.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::app::ledger_cli {

namespace json = boost::json;
using ledger::Ledger;
using ledger::LogStatus;

namespace {

constexpr std::uint64_t max_number = std::numeric_limits<std::uint64_t>::max();

json::object log_json(const LogStatus& log) {
    return {{"name", log.name},
            {"origin", log.origin},
            {"size", log.size},
            {"root", log.root.to_hex()},
            {"verifier", log.verifier.to_text()},
            {"signed_checkpoint", note_or_null(log.signed_checkpoint)}};
}

}  // namespace

int run_status(const CommandSpec&, const Arguments& args) {
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const Ledger& l = *opened.value();
    const std::vector<LogStatus> districts = l.district_statuses();
    const LogStatus election_log = l.status(ledger::election_log_name).value();
    const LogStatus event_log = l.status(ledger::event_log_name).value();
    if (args.has_switch("--json")) {
        json::array district_array;
        for (std::size_t d = 0; d < districts.size(); ++d) {
            const auto s = l.casting().status(d);
            json::object o = log_json(districts[d]);
            o["polls"] = ledger::to_string(s.polls);
            o["ballots_cast"] = s.ballots_cast;
            o["ballots_challenged"] = s.ballots_challenged;
            o["devices"] = s.devices;
            district_array.emplace_back(std::move(o));
        }
        print_json(json::object{{"election", l.election().manifest.election_id},
                                {"base_hash", l.election().base_hash.to_hex()},
                                {"districts", std::move(district_array)},
                                {"election_log", log_json(election_log)},
                                {"event_log", log_json(event_log)}});
        return exit_ok;
    }
    std::cout << "election: " << l.election().manifest.election_id << '\n'
              << "ledger: " << database_path(args).string() << " (read-only)\n";
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const auto s = l.casting().status(d);
        std::cout << "district " << districts[d].name << ": polls " << ledger::to_string(s.polls)
                  << ", " << s.ballots_cast << " cast, " << s.ballots_challenged << " challenged, "
                  << plural(s.devices, "device", "devices") << ", log size " << districts[d].size
                  << ", root " << districts[d].root.to_hex() << '\n';
    }
    std::cout << "election log: size " << election_log.size << ", root "
              << election_log.root.to_hex() << '\n'
              << "event log: size " << event_log.size << ", root " << event_log.root.to_hex()
              << '\n';
    std::vector<LogStatus> all = districts;
    all.push_back(election_log);
    all.push_back(event_log);
    for (const auto& log : all) {
        if (log.signed_checkpoint.empty()) continue;
        print_note("signed checkpoint of " + log.name, log.signed_checkpoint);
    }
    return exit_ok;
}

int run_publish(const CommandSpec&, const Arguments& args) {
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    const std::uint64_t before = l.status(ledger::election_log_name).value().size;
    auto published = l.publish_election_checkpoint();
    if (!published) return failure("publishing: " + published.error().message);
    const LogStatus& e = published.value();
    if (e.size == 0) {
        std::cout << "election log: empty (no district log holds a record yet)\n";
        return exit_ok;
    }
    std::cout << "election log: size " << e.size << ", root " << e.root.to_hex()
              << (e.size == before ? " (unchanged: no district log grew since the last publication)"
                                   : "")
              << '\n';
    print_note("signed checkpoint", e.signed_checkpoint);
    return exit_ok;
}

int run_inclusion(const CommandSpec& spec, const Arguments& args) {
    const std::string log_name = *args.value("--log");
    auto index = args.number("--index", 0, max_number - 1, 0);
    if (!index) return usage_error(spec, index.error().message);
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const Ledger& l = *opened.value();
    auto log = l.status(log_name);
    if (!log) return failure(log.error().message);
    auto size = args.number("--size", 1, max_number, log.value().size);
    if (!size) return usage_error(spec, size.error().message);
    const std::uint64_t i = index.value();
    const std::uint64_t n = size.value();
    if (n > log.value().size) {
        return failure("log '" + log_name + "' has " + std::to_string(log.value().size) +
                       " records, not " + std::to_string(n));
    }
    if (i >= n) {
        return failure("log '" + log_name + "': no record " + std::to_string(i) +
                       " in the tree of size " + std::to_string(n));
    }
    auto record = l.record(log_name, i);
    if (!record) return failure(record.error().message);
    const Hash32 leaf = crypto::hash_merkle_leaf(record.value());
    auto proof = l.prove_inclusion(log_name, i, n);
    if (!proof) return failure(proof.error().message);
    auto stored = l.checkpoints(log_name);
    if (!stored) return failure(stored.error().message);
    std::string nearest;
    const auto note = stored_checkpoint(stored.value(), n, nearest);
    std::optional<Hash32> root;
    if (note) {
        auto checkpoint = open_checkpoint(log.value(), *note, n);
        if (!checkpoint) return failure(checkpoint.error().message);
        if (auto ok = crypto::verify_inclusion(leaf, i, n, proof.value(), checkpoint.value().root);
            !ok) {
            return failure("log '" + log_name + "': the inclusion proof of record " +
                           std::to_string(i) +
                           " does NOT verify against the signed checkpoint of "
                           "size " +
                           std::to_string(n) + ": " + ok.error().message);
        }
        root = checkpoint.value().root;
    }
    const std::string verdict = root ? "verified: record " + std::to_string(i) +
                                           " is in the tree of the signed checkpoint "
                                           "(size " +
                                           std::to_string(n) + ", root " + root->to_hex() + ")"
                                     : "not verified: no signed checkpoint of size " +
                                           std::to_string(n) + " is stored (" + nearest + ")";
    if (args.has_switch("--json")) {
        print_json(
            json::object{{"log", log_name},
                         {"index", i},
                         {"tree_size", n},
                         {"leaf_hash", leaf.to_hex()},
                         {"proof", hex_array(proof.value())},
                         {"signed_checkpoint", note ? json::value(*note) : json::value(nullptr)},
                         {"root", root ? json::value(root->to_hex()) : json::value(nullptr)},
                         {"verified", root.has_value()},
                         {"verdict", verdict}});
        return exit_ok;
    }
    std::cout << "log: " << log_name << '\n'
              << "index: " << i << '\n'
              << "tree size: " << n << '\n'
              << "leaf hash: " << leaf.to_hex() << '\n';
    for (std::size_t k = 0; k < proof.value().size(); ++k)
        std::cout << "proof[" << k << "]: " << proof.value()[k].to_hex() << '\n';
    if (note) print_note("signed checkpoint", *note);
    std::cout << verdict << '\n';
    return exit_ok;
}

int run_consistency(const CommandSpec& spec, const Arguments& args) {
    const std::string log_name = *args.value("--log");
    auto from = args.number("--from", 1, max_number, 0);
    if (!from) return usage_error(spec, from.error().message);
    auto to = args.number("--to", 1, max_number, 0);
    if (!to) return usage_error(spec, to.error().message);
    const std::uint64_t a = from.value();
    const std::uint64_t b = to.value();
    if (a > b) return usage_error(spec, "--from must not be more than --to");
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const Ledger& l = *opened.value();
    auto log = l.status(log_name);
    if (!log) return failure(log.error().message);
    if (b > log.value().size) {
        return failure("log '" + log_name + "' has " + std::to_string(log.value().size) +
                       " records, not " + std::to_string(b));
    }
    auto stored = l.checkpoints(log_name);
    if (!stored) return failure(stored.error().message);
    std::vector<election::Checkpoint> ends;
    std::vector<std::string> notes;
    for (const std::uint64_t size : {a, b}) {
        std::string nearest;
        const auto note = stored_checkpoint(stored.value(), size, nearest);
        if (!note) {
            return failure("log '" + log_name + "': no signed checkpoint of size " +
                           std::to_string(size) + " is stored (" + nearest + ")");
        }
        auto checkpoint = open_checkpoint(log.value(), *note, size);
        if (!checkpoint) return failure(checkpoint.error().message);
        ends.push_back(std::move(checkpoint).value());
        notes.push_back(*note);
    }
    auto proof = l.prove_consistency(log_name, a, b);
    if (!proof) return failure(proof.error().message);
    if (auto ok = crypto::verify_consistency(a, b, ends[0].root, ends[1].root, proof.value());
        !ok) {
        return failure("log '" + log_name + "': the consistency proof from size " +
                       std::to_string(a) + " to " + std::to_string(b) +
                       " does NOT verify against their signed checkpoints: " + ok.error().message);
    }
    const std::string verdict = "verified: the signed tree of size " + std::to_string(a) +
                                " is a prefix of the signed tree of size " + std::to_string(b);
    if (args.has_switch("--json")) {
        print_json(json::object{
            {"log", log_name},
            {"from",
             {{"size", a}, {"root", ends[0].root.to_hex()}, {"signed_checkpoint", notes[0]}}},
            {"to", {{"size", b}, {"root", ends[1].root.to_hex()}, {"signed_checkpoint", notes[1]}}},
            {"proof", hex_array(proof.value())},
            {"verified", true},
            {"verdict", verdict}});
        return exit_ok;
    }
    std::cout << "log: " << log_name << '\n'
              << "from: size " << a << ", root " << ends[0].root.to_hex() << '\n'
              << "to: size " << b << ", root " << ends[1].root.to_hex() << '\n';
    for (std::size_t k = 0; k < proof.value().size(); ++k)
        std::cout << "proof[" << k << "]: " << proof.value()[k].to_hex() << '\n';
    print_note("signed checkpoint of size " + std::to_string(a), notes[0]);
    print_note("signed checkpoint of size " + std::to_string(b), notes[1]);
    std::cout << verdict << '\n';
    return exit_ok;
}

int run_events(const CommandSpec&, const Arguments& args) {
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const Ledger& l = *opened.value();
    const LogStatus log = l.status(ledger::event_log_name).value();
    const bool as_json = args.has_switch("--json");
    json::array events;
    for (std::uint64_t i = 0; i < log.size; ++i) {
        auto record = l.record(ledger::event_log_name, i);
        if (!record) return failure(record.error().message);
        auto event = election::decode_ledger_event(record.value());
        if (!event)
            return failure("event log: record " + std::to_string(i) + ": " + event.error().message);
        const election::LedgerEvent& e = event.value();
        if (as_json) {
            events.emplace_back(
                json::object{{"sequence", e.sequence},
                             {"time", iso_8601(e.time)},
                             {"unix_time", e.time},
                             {"type", election::to_string(e.type)},
                             {"actor", election::to_string(e.actor)},
                             {"disposition", election::to_string(e.disposition)},
                             {"district", e.district_id},
                             {"subject", e.subject},
                             {"previous_event_hash", e.previous_event_hash.to_hex()}});
            continue;
        }
        std::cout << e.sequence << ' ' << iso_8601(e.time) << ' ' << election::to_string(e.type)
                  << ' ' << election::to_string(e.actor) << ' '
                  << election::to_string(e.disposition) << ' '
                  << (e.district_id.empty() ? std::string("-") : e.district_id)
                  << (e.subject.empty() ? "" : " ") << e.subject << '\n';
    }
    if (as_json) {
        print_json(json::object{{"size", log.size},
                                {"root", log.root.to_hex()},
                                {"signed_checkpoint", note_or_null(log.signed_checkpoint)},
                                {"events", std::move(events)}});
    }
    return exit_ok;
}

int run_check(const CommandSpec&, const Arguments& args) {
    auto opened = open_ledger(args, false);
    if (!opened) return failure(opened.error().message);
    const Ledger& l = *opened.value();
    std::uint64_t records = 0, cast = 0, challenged = 0;
    const auto districts = l.district_statuses();
    for (std::size_t d = 0; d < districts.size(); ++d) {
        records += districts[d].size;
        cast += l.casting().status(d).ballots_cast;
        challenged += l.casting().status(d).ballots_challenged;
    }
    std::cout << "ledger OK: election " << l.election().manifest.election_id << ", "
              << plural(districts.size(), "district", "districts") << ", "
              << plural(records, "district record", "district records") << " (" << cast << " cast, "
              << challenged << " challenged), election log size "
              << l.status(ledger::election_log_name).value().size << ", event log size "
              << l.status(ledger::event_log_name).value().size << '\n'
              << "checked: every record against its leaf hash, every signed checkpoint's signature "
                 "and root, every district record replayed through its module, the election log "
                 "and the event chain\n";
    return exit_ok;
}

}  // namespace psephos::app::ledger_cli
