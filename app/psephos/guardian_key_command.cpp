// `psephos guardian-key verify KEYFILE --election FILE`: opens a guardian key file (with the
// passphrase from --passphrase-fd N, or typed at the terminal, when sealed) and checks
// it against the finalized manifest, so a guardian can confirm after the ceremony that the file it
// keeps will decrypt.
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "passphrase_input.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/guardian_key_file.hpp"

namespace psephos::app {

using election::check_guardian_key;
using election::write_guardian_key_file;

int run_guardian_key_command(Words words) {
    const CommandSpec spec{
        "psephos guardian-key verify KEYFILE --election FILE [--passphrase-fd N]",
        {"--election", "--passphrase-fd"},
        {},
        1,
        1};
    if (words.empty()) return usage_error(spec, "missing subcommand (verify)");
    const std::string sub = words[0];
    if (sub == "--help" || sub == "-h") {
        std::cout << "usage: " << spec.usage << '\n';
        return exit_ok;
    }
    if (sub != "verify") return usage_error(spec, "unknown subcommand 'guardian-key " + sub + "'");
    int status = exit_ok;
    auto args = parse_or_report(spec, words.subspan(1), status);
    if (!args) return status;
    auto election_path = args->required("--election");
    if (!election_path) return usage_error(spec, election_path.error().message);

    auto election = load_finalized_election(election_path.value());
    if (!election) return failure(election.error().message);
    const std::string& key_path = args->positional()[0];
    auto key = read_guardian_key(*args, key_path);
    if (!key) return failure(key.error().message);
    if (auto ok = check_guardian_key(key.value(), election.value().manifest); !ok) {
        return failure(key_path + ": " + ok.error().message);
    }
    std::cout << key_path << ": guardian " << key.value().index << " of election "
              << key.value().election_id
              << ": identity key and secret share match the ceremony record\n";
    return exit_ok;
}

}  // namespace psephos::app
