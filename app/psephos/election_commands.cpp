// `psephos election validate FILE...`: loads each manifest, lists every problem, and for a
// finalized manifest verifies its ceremony record (docs/election-manifest.md §5–6).
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "psephos/election/election_manifest.hpp"

namespace psephos::app {

Result<election::ElectionContext> load_finalized_election(const std::string& path) {
    auto manifest = election::load_manifest_file(path);
    if (!manifest) return manifest.error();
    if (!manifest.value().ceremony) {
        return make_error(
            ErrorCode::invalid_argument,
            path + ": not finalized (no ceremony record); run `psephos ceremony` first");
    }
    auto context = election::make_election_context(std::move(manifest).value());
    if (!context) return context.error().within(path);
    return context;
}

namespace {

const CommandSpec validate_spec{"psephos election validate FILE...", {}, {}, 1, 1000};

// Prints the verdict on one file; true if it is valid.
bool validate_one(const std::string& path) {
    auto manifest = election::load_manifest_file(path);
    if (!manifest) {
        // Every problem, one "<file>: <path>: <reason>" line each.
        std::cerr << manifest.error().message << '\n';
        return false;
    }
    const election::ElectionManifest& m = manifest.value();
    std::string summary = std::to_string(m.districts.size()) + " districts, " +
                          std::to_string(m.contests.size()) + " contests, " +
                          std::to_string(m.ballot_styles.size()) + " ballot styles";
    if (m.ceremony) {
        if (auto verified = election::verify_ceremony_record(m); !verified) {
            std::cerr << path << ": " << verified.error().message << '\n';
            return false;
        }
        summary += ", finalized: joint key " + to_hex(m.ceremony->joint_key.bytes());
    }
    std::cout << path << ": valid (" << summary << ")\n";
    return true;
}

}  // namespace

int run_election_command(Words words) {
    if (words.empty()) return usage_error(validate_spec, "missing subcommand (validate)");
    const std::string sub = words[0];
    if (sub == "--help" || sub == "-h") {
        std::cout << "usage: " << validate_spec.usage << '\n';
        return exit_ok;
    }
    if (sub != "validate")
        return usage_error(validate_spec, "unknown subcommand 'election " + sub + "'");
    int status = exit_ok;
    auto args = parse_or_report(validate_spec, words.subspan(1), status);
    if (!args) return status;
    bool all_valid = true;
    for (const auto& path : args->positional()) all_valid = validate_one(path) && all_valid;
    return all_valid ? exit_ok : exit_failure;
}

}  // namespace psephos::app
