// The psephos commands, one function each (docs/cli.md). Each takes the words after its name and
// returns the process exit status: 0 success, 1 failure (message on stderr), 2 bad command line.
#pragma once

#include <span>
#include <string>

#include "psephos/ledger/election_context.hpp"

namespace psephos::app {

using Words = std::span<char* const>;

int run_demo_command(Words words);
int run_election_command(Words words);  // election validate FILE...
int run_ceremony_command(
    Words words);  // ceremony --election FILE --guardians N --threshold K --out DIR
int run_guardian_key_command(Words words);  // guardian-key verify KEYFILE --election FILE
int run_encrypt_command(Words words);  // encrypt --election FILE --district D --selections JSON ...
int run_challenge_check_command(
    Words words);                     // challenge-check BALLOT --election FILE --device-pub KEYFILE
int run_ballot_command(Words words);  // ballot verify BALLOT --election FILE --device-pub KEYFILE
int run_ledger_command(Words words);  // ledger SUBCOMMAND --data DIR ... (ledger_commands.cpp)

// Loads a manifest file and makes its election context: fails unless the manifest is valid and
// finalized with a ceremony record that verifies. Errors start with the path.
Result<ledger::ElectionContext> load_finalized_election(const std::string& path);

}  // namespace psephos::app
