// psephos: the command-line tool. A dispatcher to one function per command (commands.hpp);
// docs/cli.md describes every command.
#include "command_line.hpp"
#include "commands.hpp"

namespace {

using psephos::app::CommandEntry;

constexpr CommandEntry commands[] = {
    {"election", psephos::app::run_election_command,
     "election validate FILE...\n"
     "      check election manifests; for a finalized one also verify its ceremony record"},
    {"ceremony", psephos::app::run_ceremony_command,
     "ceremony --election FILE --guardians N --threshold K --out DIR [--passphrase-fd N]\n"
     "      run a key ceremony in ONE process, for tests and demos only (it holds every\n"
     "      guardian's secret): the finalized manifest and one key file per guardian\n"
     "      (sealed under the passphrase read from descriptor N when given)"},
    {"guardian", psephos::app::run_guardian_command,
     "guardian init | announce | share | verify-shares | resolve | finish\n"
     "      one guardian's steps of the distributed key ceremony, in its own directory,\n"
     "      exchanging only public files ('psephos guardian --help', docs/key-ceremony.md)"},
    {"guardian-key", psephos::app::run_guardian_key_command,
     "guardian-key verify KEYFILE --election FILE [--passphrase-fd N]\n"
     "      check a guardian key file against the finalized manifest"},
    {"encrypt", psephos::app::run_encrypt_command,
     "encrypt --election FILE --district D --selections JSON --out FILE\n"
     "        [--device-key KEYFILE] [--device-id ID] [--ballot-id ID] [--challenge]\n"
     "      encrypt a ballot (or, with --challenge, write a Benaloh-challenged ballot)"},
    {"ballot", psephos::app::run_ballot_command,
     "ballot verify BALLOT --election FILE --device-pub KEYFILE\n"
     "      check an encrypted ballot: signature, every proof, its election and ballot style"},
    {"challenge-check", psephos::app::run_challenge_check_command,
     "challenge-check BALLOT --election FILE --device-pub KEYFILE [--code CODE --selections JSON]\n"
     "      check a challenged ballot and show the selections it encrypts; with --code and\n"
     "      --selections, also the voter's check: the code shown before the choice, their marks"},
    {"authority", psephos::app::run_authority_command,
     "authority keygen | approve | authorise-device | deauthorise-device\n"
     "      ('psephos authority --help') the election authority's offline key: approve a\n"
     "      finalized election, authorise each device for one district, withdraw a lost one;\n"
     "      the key in a file or a PKCS#11 token (--pkcs11)"},
    {"ledger", psephos::app::run_ledger_command,
     "ledger SUBCOMMAND [OPTIONS]   ('psephos ledger --help' shows each one's usage)\n"
     "      the election's ledger in DIR (district logs, election log, event log):\n"
     "      init, device-key, register-device, deauthorise-device, open-polls, pause-polls,\n"
     "      resume-polls, close-polls, cast, submit-decryptions, status, publish, inclusion, "
     "consistency,\n"
     "      events, check"},
    {"tally", psephos::app::run_tally_command,
     "tally --data DIR [--key FILE]\n"
     "      after polls close: sum every closed district's cast ballots into its tally"},
    {"decrypt", psephos::app::run_decrypt_command,
     "decrypt --data DIR --guardian KEYFILE [--key FILE] [--passphrase-fd N]\n"
     "        | decrypt --record RECORD_DIR --guardian KEYFILE --out SHARES_FILE\n"
     "          [--authority PUBFILE] [--passphrase-fd N]\n"
     "      as one guardian: check every district tally against its log's cast ballots, then\n"
     "      decrypt it, each share with its proof; on the ledger, or from an exported record\n"
     "      into a shares file (no ledger key) for 'psephos ledger submit-decryptions', after\n"
     "      checking the record's approval and device registrations against the authority's key"},
    {"results", psephos::app::run_results_command,
     "results --data DIR [--key FILE] [--json]\n"
     "      combine the guardians' decryptions (any threshold of them) and show the results"},
    {"export", psephos::app::run_export_command,
     "export --data DIR --out DIR\n"
     "      write the public election record (docs/election-record.md)"},
    {"verify", psephos::app::run_verify_command,
     "verify RECORD_DIR [--threads N] [--json]\n"
     "      re-check an election record from its files alone (V1-V28, docs/election-record.md)"},
    {"bridge-key", psephos::app::run_bridge_key_command,
     "bridge-key --out FILE [--name NAME] [--network mainnet|testnet|regtest]\n"
     "      make a secp256k1 key file (mode 0600) for the bridge; prints its addresses"},
    {"anchor", psephos::app::run_anchor_command,
     "anchor --data DIR --config FILE [--reason REASON] [--timeout S] | anchor status --data DIR\n"
     "      anchor the election root on the configured chains, exactly once each (docs/bridge.md)"},
    {"proof", psephos::app::run_proof_command,
     "proof TRACKING-CODE --data DIR|--record DIR --out BUNDLE.json [--tlog-proof FILE]\n"
     "      | proof verify BUNDLE.json --bridge-address ADDR[,...] [--rpc URL]\n"
     "      [--witness-policy FILE]\n"
     "      export, or check against the bridge's published addresses (and the witnesses),\n"
     "      the proof that a ballot is in the anchored record;\n"
     "      proof --receipt RECEIPT.json --data DIR|--record DIR --out BUNDLE.json adds the\n"
     "      voter's receipt, which P13 checks against the anchored record;\n"
     "      proof verify-tlog FILE --log-key VKEY [--witness-policy FILE] checks a ballot's\n"
     "      C2SP tlog-proof of the election log"},
    {"receipt", psephos::app::run_receipt_command,
     "receipt verify RECEIPT.json [--trusted-keys FILE] [--json]\n"
     "      check a voter's receipt file on its own (its signed checkpoint, its inclusion proof)"},
    {"publish", psephos::app::run_publish_command,
     "publish RECORD_DIR --out SITE_DIR [--shard-size N]\n"
     "      write the election's static web site from a published record: results, turnout,\n"
     "      checkpoints, anchors, and the receipt page that checks a tracking code in the\n"
     "      browser (docs/web.md)"},
    {"kiosk", psephos::app::run_kiosk_command,
     "kiosk vote | polls open|close | finish   ('psephos kiosk --help')\n"
     "      the networked kiosk without its screen, over mutual TLS to its station: one voter\n"
     "      or one poll worker's action per run (scripts, deployment checks, tests)"},
    {"demo", psephos::app::run_demo_command,
     "demo [--voters N] [--threads N] [--seed N] [--places N]\n"
     "      run a whole simulated election end to end (--places N: N polling places, the\n"
     "      county and two witnesses as processes)"},
};

}  // namespace

int main(int argc, char** argv) {
    return psephos::app::run_program({"psephos", {}, commands}, argc, argv);
}
