// The psephos commands, one function each (docs/cli.md). Each takes the words after its name and
// returns the process exit status: 0 success, 1 failure (message on stderr), 2 bad command line.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include <memory>

#include "command_line.hpp"
#include "psephos/election/election_context.hpp"
#include "psephos/election/voter_receipt.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::app {

using Words = std::span<char* const>;

int run_demo_command(Words words);
int run_election_command(Words words);  // election validate FILE...
int run_ceremony_command(
    Words words);  // ceremony --election FILE --guardians N --threshold K --out DIR
int run_guardian_key_command(Words words);  // guardian-key verify KEYFILE --election FILE
// guardian_commands.cpp: guardian init|announce|share|verify-shares|resolve|finish
int run_guardian_command(Words words);
// Creates `dir` with mode 0700 (it will hold secrets), or accepts an existing empty directory.
Status prepare_private_directory(const std::filesystem::path& dir);
int run_encrypt_command(Words words);  // encrypt --election FILE --district D --selections JSON ...
int run_challenge_check_command(
    Words words);                     // challenge-check BALLOT --election FILE --device-pub KEYFILE
int run_ballot_command(Words words);  // ballot verify BALLOT --election FILE --device-pub KEYFILE
int run_authority_command(Words words);  // authority keygen | approve | authorise-device
int run_ledger_command(Words words);     // ledger SUBCOMMAND --data DIR ... (ledger_commands.cpp)
// tally_commands.cpp: tally --data DIR; results --data DIR [--json]; export --data DIR --out DIR
int run_tally_command(Words words);
// decrypt_commands.cpp: decrypt --data DIR --guardian KEYFILE;
// decrypt --record RECORD_DIR --guardian KEYFILE --out SHARES_FILE; and the ledger subcommand
// submit-decryptions --data DIR SHARES_FILE (its table is in ledger_commands.cpp)
int run_decrypt_command(Words words);
int run_submit_decryptions(const CommandSpec& spec, const Arguments& args);
int run_results_command(Words words);
int run_export_command(Words words);
int run_verify_command(Words words);
// tally --recompute RECORD_DIR [--mpi] (tally_recompute.cpp)
int run_tally_recompute(const std::string& dir, unsigned threads, bool as_json,
                        bool mpi);  // verify RECORD_DIR [--threads N] [--json]
// bridge_commands.cpp: bridge-key --out FILE; anchor --data DIR --config FILE; anchor status;
// proof TRACKING-CODE --data DIR --out FILE; proof verify BUNDLE [--rpc URL]
int run_bridge_key_command(Words words);
int run_anchor_command(Words words);
int run_proof_command(Words words);
// receipt_commands.cpp: receipt verify RECEIPT [--trusted-keys FILE]; and the files `proof` reads
int run_receipt_command(Words words);
// kiosk_commands.cpp: kiosk vote | polls open|close | finish, the networked kiosk without its
// screen (docs/cli.md §14)
int run_kiosk_command(Words words);
// publish_command.cpp: publish RECORD_DIR --out SITE_DIR [--shard-size N] (docs/web.md)
int run_publish_command(Words words);
Result<std::vector<std::string>> read_trusted_keys(const std::string& path);
Result<election::VoterReceipt> read_voter_receipt(const std::string& path);

// Opens the ledger in the data directory --data DIR (DIR/ledger): writable with its key (--key FILE
// or DIR/ledger.key), or read-only. Errors say what is missing and how to fix it.
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const Arguments& args, bool writable);

// Loads a manifest file and makes its election context: fails unless the manifest is valid and
// finalized with a ceremony record that verifies. Errors start with the path.
Result<election::ElectionContext> load_finalized_election(const std::string& path);

}  // namespace psephos::app
