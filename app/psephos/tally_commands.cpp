// `psephos tally`, `psephos results` and `psephos export`: after polls close, the ledger in
// --data DIR tallies every closed district, the results are combined from any threshold of
// guardians' decryptions (`psephos decrypt`, decrypt_commands.cpp), and the public election record
// is written out (docs/tally.md, docs/election-record.md, docs/cli.md §10).
#include <boost/json.hpp>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>

#include "command_line.hpp"
#include "commands.hpp"
#include "county_export.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/tallying_module.hpp"
#include "psephos/record/election_record.hpp"
#include "serve_support.hpp"

namespace psephos::app {

namespace {

namespace json = boost::json;
using ledger::Ledger;

std::optional<Arguments> parse(const CommandSpec& spec, Words words, int& status) {
    auto args = parse_or_report(spec, words, status);
    if (!args) return std::nullopt;
    if (!args->value("--data")) {
        status = usage_error(spec, "missing --data");
        return std::nullopt;
    }
    return args;
}

std::string guardian_list(const std::vector<std::uint32_t>& guardians) {
    std::string out;
    for (const std::uint32_t g : guardians) out += (out.empty() ? "" : ", ") + std::to_string(g);
    return out;
}

void print_election_root(const Ledger& l) {
    const auto root = l.status(ledger::election_log_name).value();
    std::cout << "election log: size " << root.size << ", root " << root.root.to_hex() << '\n';
}

}  // namespace

int run_tally_command(Words words) {
    const CommandSpec spec{
        "psephos tally --data DIR [--key FILE | (--pkcs11 MODULE --token LABEL | --pkcs11-uri URI) "
        "(--pin-fd N | --pin-file FILE)]\n"
        "       psephos tally --recompute RECORD_DIR [--threads N] [--json]\n"
        "       mpirun -np N psephos tally --recompute --mpi RECORD_DIR [--threads N] [--json]",
        {"--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file", "--pkcs11-uri",
         "--threads"},
        {"--recompute", "--mpi", "--json"},
        0,
        1};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    if (args->has_switch("--recompute")) {
        if (args->positional().size() != 1 || args->value("--data") || args->value("--key") ||
            args->value("--pkcs11"))
            return usage_error(spec, "--recompute takes RECORD_DIR, not --data, --key or --pkcs11");
        auto threads = args->number("--threads", 1, 1024, 0);
        if (!threads) return usage_error(spec, threads.error().message);
        return run_tally_recompute(args->positional()[0], static_cast<unsigned>(threads.value()),
                                   args->has_switch("--json"), args->has_switch("--mpi"));
    }
    if (!args->positional().empty() || args->has_switch("--mpi") || args->has_switch("--json") ||
        args->value("--threads"))
        return usage_error(spec, "RECORD_DIR, --mpi, --json and --threads go with --recompute");
    if (!args->value("--data")) return usage_error(spec, "missing --data");
    auto opened = open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    auto tallied = l.tally();
    if (!tallied) return failure("tallying: " + tallied.error().message);
    const auto& districts = l.election().manifest.districts;
    std::size_t done = 0;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const auto recorded = l.tallying().tally(d);
        const auto polls = l.casting().status(d).polls;
        std::cout << "district " << districts[d].id << ": ";
        if (!recorded) {
            std::cout << "not tallied: polls " << ledger::to_string(polls) << '\n';
            continue;
        }
        ++done;
        const bool now = std::any_of(tallied.value().begin(), tallied.value().end(),
                                     [&](const auto& r) { return r.log == districts[d].id; });
        std::cout << (now ? "tallied" : "already tallied") << ", "
                  << recorded->tally.ballots_counted << " ballots counted, "
                  << recorded->tally.ballots_challenged << " challenged (not counted); record "
                  << recorded->index << ", tally hash " << recorded->hash.to_hex() << '\n';
    }
    print_election_root(l);
    if (done == 0) {
        return failure(
            "no district has closed polls yet; close them with 'psephos ledger close-polls'");
    }
    return exit_ok;
}

int run_results_command(Words words) {
    const CommandSpec spec{
        "psephos results --data DIR [--key FILE | (--pkcs11 MODULE --token LABEL | --pkcs11-uri "
        "URI) (--pin-fd N | --pin-file FILE)] [--json]",
        {"--data", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file", "--pkcs11-uri"},
        {"--json"},
        0,
        0};
    int status = exit_ok;
    auto args = parse(spec, words, status);
    if (!args) return status;
    auto opened = open_ledger(*args, true);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    auto recorded = l.record_results();
    if (!recorded) return failure("combining decryptions: " + recorded.error().message);
    const election::ElectionManifest& m = l.election().manifest;
    std::vector<election::DistrictResult> results;
    std::vector<std::string> pending;
    for (std::size_t d = 0; d < m.districts.size(); ++d) {
        if (auto r = l.tallying().result(d)) {
            results.push_back(std::move(*r));
            continue;
        }
        const auto s = l.tallying().status(d);
        pending.push_back(m.districts[d].id + ": " +
                          (!s.tallied
                               ? std::string("not tallied")
                               : std::to_string(s.guardians_decrypted.size()) + " of " +
                                     std::to_string(m.threshold) + " guardians' decryptions"));
    }
    const election::ElectionTotals totals = election::sum_district_results(results);
    if (args->has_switch("--json")) {
        json::array districts;
        for (const auto& r : results) {
            json::object counts;
            for (const auto& contest : r.counts) {
                json::object options;
                for (const auto& option : contest.options) options[option.option_id] = option.value;
                counts[contest.contest_id] = std::move(options);
            }
            json::array guardians;
            for (const std::uint32_t g : r.guardians) guardians.emplace_back(g);
            districts.emplace_back(json::object{{"district", r.district_id},
                                                {"guardians", std::move(guardians)},
                                                {"counts", std::move(counts)}});
        }
        json::object total;
        for (const auto& [contest, options] : totals) {
            json::object o;
            for (const auto& [option, count] : options) o[option] = count;
            total[contest] = std::move(o);
        }
        json::array waiting;
        for (const auto& p : pending) waiting.emplace_back(p);
        std::cout << json::serialize(json::object{{"election", m.election_id},
                                                  {"complete", pending.empty()},
                                                  {"districts", std::move(districts)},
                                                  {"totals", std::move(total)},
                                                  {"pending", std::move(waiting)}})
                  << '\n';
        return exit_ok;
    }
    std::cout << "election: " << m.election_id << '\n';
    for (const auto& r : results) {
        std::cout << "district " << r.district_id << " (guardians " << guardian_list(r.guardians)
                  << "):\n";
        for (const auto& contest : r.counts) {
            std::cout << "  " << contest.contest_id << ':';
            for (const auto& option : contest.options)
                std::cout << ' ' << option.option_id << ' ' << option.value;
            std::cout << '\n';
        }
    }
    for (const auto& p : pending) std::cout << "district " << p << " (no result yet)\n";
    std::cout << (pending.empty() ? "totals" : "totals so far") << ":\n";
    for (const auto& contest : m.contests) {
        auto it = totals.find(contest.id);
        if (it == totals.end()) continue;
        std::cout << "  " << contest.title.text << '\n';
        for (const auto& option : contest.options) {
            auto c = it->second.find(option.id);
            std::cout << "    " << std::left << std::setw(40) << option.label.text << std::right
                      << std::setw(10) << (c == it->second.end() ? 0 : c->second) << '\n';
        }
    }
    print_election_root(l);
    return exit_ok;
}

namespace {

// A county's record (docs/election-record.md §3.9): with --stations, the stations file of
// `psephos-county serve`; with --witnesses, the witnesses file of `serve --witnesses`.
Result<record::ExportOptions> attestations_of(const Arguments& args) {
    std::optional<std::filesystem::path> stations;
    if (const auto file = args.value("--stations")) stations = *file;
    std::optional<std::vector<crypto::CosignerKey>> witnesses;
    if (const auto file = args.value("--witnesses")) {
        PSEPHOS_TRY_ASSIGN(const auto endpoints, read_witnesses_file(*file));
        witnesses.emplace();
        for (const auto& endpoint : endpoints) witnesses->push_back(endpoint.key);
    }
    return county_export_options(*args.value("--data"), stations, witnesses);
}

}  // namespace

int run_export_command(Words words) {
    const CommandSpec spec{
        "psephos export --data DIR --out DIR [--key FILE | (--pkcs11 MODULE --token LABEL | "
        "--pkcs11-uri URI) (--pin-fd N | --pin-file FILE)] [--stations FILE] [--witnesses FILE]",
        {"--data", "--out", "--key", "--pkcs11", "--token", "--pin-fd", "--pin-file",
         "--pkcs11-uri", "--stations", "--witnesses"},
        {},
        0,
        0};
    int status = exit_ok;
    auto args = parse(spec, words, status);
    if (!args) return status;
    auto out = args->required("--out");
    if (!out) return usage_error(spec, out.error().message);
    // With the ledger's key (DIR/ledger.key or --key), the export first publishes the election
    // checkpoint, so the record's election log covers every district record, and is itself
    // recorded in the event log; without it, the ledger is exported read-only as it stands.
    const bool writable =
        args->value("--key").has_value() || args->value("--pkcs11").has_value() ||
        path_exists((std::filesystem::path(*args->value("--data")) / "ledger.key").string());
    auto opened = open_ledger(*args, writable);
    if (!opened) return failure(opened.error().message);
    Ledger& l = *opened.value();
    if (writable) {
        if (auto published = l.publish_election_checkpoint(); !published)
            return failure("publishing the election checkpoint: " + published.error().message);
    }
    auto attestations = attestations_of(*args);
    if (!attestations) return failure(attestations.error().message);
    auto exported = record::export_election_record(l, out.value(), attestations.value());
    if (!exported) return failure(exported.error().message);
    if (writable) {
        (void)l.record_event(election::EventType::record_exported,
                             election::ActorRole::election_official, election::Disposition::success,
                             "",
                             "election record written to " + out.value() + " (" +
                                 std::to_string(exported.value().files) + " files)");
    }
    std::cout << "wrote the election record to " << out.value() << ": " << exported.value().files
              << " files, " << exported.value().bytes << " bytes, " << exported.value().records
              << " records" << (writable ? "" : " (read-only: the ledger key was not given)")
              << '\n';
    return exit_ok;
}

}  // namespace psephos::app
