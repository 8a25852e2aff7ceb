// `psephos decrypt` and `psephos ledger submit-decryptions` (docs/cli.md §10, docs/tally.md §3):
// a guardian decrypts the district tallies with its key file, each tally first recomputed from
// its district log's checked cast ballots and refused if it differs. Either on the ledger itself
// (--data DIR: the records are submitted at once, which needs the ledger key) or from an exported
// election record (--record RECORD_DIR: no ledger and no ledger key; the signed records go to a
// shares file, which the operator submits with `psephos ledger submit-decryptions`). From a
// record, the record's approval and every device registration are checked against the election
// authority's key first (--authority PUBFILE: the key the authority published).
#include <filesystem>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "passphrase_input.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/guardian_key_file.hpp"
#include "psephos/election/tally_records.hpp"
#include "psephos/ledger/guardian_decryption.hpp"
#include "psephos/record/record_decryption.hpp"

namespace psephos::app {

namespace {

using State = ledger::GuardianDistrictOutcome::State;

// The most a shares file can hold: far above the decryptions of any valid manifest's districts.
constexpr std::size_t max_shares_file_bytes = std::size_t{1} << 30;

struct Tallies {
    std::size_t decrypted = 0;  // recorded, or written to the shares file
    std::size_t submitted = 0;  // to the ledger: decrypted or refused
    std::size_t options = 0;
    bool failed = false;  // a tally refused by the guardian, or a record refused by the ledger
};

// One line per district; refusals on stderr.
Tallies print_outcomes(const std::vector<ledger::GuardianDistrictOutcome>& outcomes,
                       std::uint32_t g) {
    Tallies t;
    for (const ledger::GuardianDistrictOutcome& o : outcomes) {
        const std::string district = "district " + o.district_id + ": ";
        switch (o.state) {
            case State::no_tally:
                std::cout << district << "no tally yet (run 'psephos tally')\n";
                break;
            case State::has_result:
                std::cout << district << "already has its result\n";
                break;
            case State::already_decrypted:
                std::cout << district << "already decrypted by guardian " << g << '\n';
                break;
            case State::tally_mismatch:
            case State::unauthorised_device:
                t.failed = true;
                std::cerr << "psephos: " << o.error << '\n';
                break;
            case State::refused:
                ++t.submitted;
                t.failed = true;
                std::cerr << "psephos: " << district << o.error << '\n';
                break;
            case State::prepared:
                ++t.decrypted;
                t.options += o.partial_decryptions;
                std::cout << district << "tally checked, decrypted by guardian " << g << '\n';
                break;
            case State::decrypted:
                ++t.submitted;
                ++t.decrypted;
                t.options += o.partial_decryptions;
                std::cout << district << "decrypted by guardian " << g << ", record "
                          << o.record_index << '\n';
                break;
        }
    }
    return t;
}

int decrypt_on_ledger(const Arguments& args, const std::string& key_file,
                      const election::GuardianKey& key) {
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    ledger::Ledger& l = *opened.value();
    if (auto ok = election::check_guardian_key(key, l.election().manifest); !ok)
        return failure(key_file + ": " + ok.error().message);
    auto outcomes = ledger::decrypt_tallies_as_guardian(l, key);
    if (!outcomes) return failure(key_file + ": " + outcomes.error().message);
    const Tallies t = print_outcomes(outcomes.value(), key.index);
    std::cout << "guardian " << key.index << ": " << t.decrypted << " of " << t.submitted
              << " district tallies decrypted and recorded (" << t.options
              << " partial decryptions, each with its proof)\n";
    return t.failed ? exit_failure : exit_ok;
}

int decrypt_from_record(const std::string& record_dir, const std::string& out,
                        const std::optional<std::string>& authority_file,
                        const std::string& key_file, const election::GuardianKey& key) {
    if (path_exists(out)) return failure(out + ": already exists; refusing to overwrite it");
    std::optional<crypto::Ed25519PublicKey> authority;
    if (authority_file) {
        auto read = crypto::read_public_key_file(*authority_file);
        if (!read) return failure(read.error().message);
        authority = read.value();
    }
    auto reader = record::RecordReader::open(record_dir);
    if (!reader) return failure(reader.error().message);
    const election::ElectionContext& election = reader.value().election();
    if (auto ok = election::check_guardian_key(key, election.manifest); !ok)
        return failure(key_file + ": " + ok.error().message);
    auto prepared = record::prepare_tally_decryptions_from_record(reader.value(), key, authority);
    if (!prepared) return failure(record_dir + ": " + prepared.error().message);
    const Tallies t = print_outcomes(prepared.value().outcomes, key.index);
    if (prepared.value().records.empty()) {
        std::cout << "guardian " << key.index << ": nothing to decrypt; " << out
                  << " not written\n";
        return t.failed ? exit_failure : exit_ok;
    }
    const Bytes file = election::encode_guardian_decryption_file(
        {election.base_hash, key.index, std::move(prepared.value().records)});
    if (auto ok = crypto::write_new_file(out, file, 0644); !ok) return failure(ok.error().message);
    std::cout << "guardian " << key.index << ": " << t.decrypted << " district tallies decrypted ("
              << t.options << " partial decryptions, each with its proof), written to " << out
              << "; submit them with 'psephos ledger submit-decryptions'\n";
    return t.failed ? exit_failure : exit_ok;
}

}  // namespace

int run_decrypt_command(Words words) {
    const CommandSpec spec{
        "psephos decrypt --data DIR --guardian KEYFILE [--key FILE] [--passphrase-fd N]\n"
        "       psephos decrypt --record RECORD_DIR --guardian KEYFILE --out SHARES_FILE "
        "[--authority PUBFILE] [--passphrase-fd N]",
        {"--data", "--record", "--guardian", "--key", "--out", "--authority", "--passphrase-fd"},
        {},
        0,
        0};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    const auto data = args->value("--data");
    const auto record_dir = args->value("--record");
    if (!data && !record_dir) return usage_error(spec, "missing --data DIR or --record RECORD_DIR");
    if (data && record_dir) return usage_error(spec, "--data and --record exclude each other");
    if (record_dir && !args->value("--out"))
        return usage_error(spec, "--record needs --out SHARES_FILE");
    if (data && args->value("--out"))
        return usage_error(spec, "--out is for --record (with --data the ledger records them)");
    if (data && args->value("--authority"))
        return usage_error(spec,
                           "--authority is for --record (the ledger checked its registrations)");
    auto key_file = args->required("--guardian");
    if (!key_file) return usage_error(spec, key_file.error().message);
    // The key file first: a wrong or unreadable key is reported before any log is read.
    auto key = read_guardian_key(*args, key_file.value());
    if (!key) return failure(key.error().message);
    if (data) return decrypt_on_ledger(*args, key_file.value(), key.value());
    return decrypt_from_record(*record_dir, *args->value("--out"), args->value("--authority"),
                               key_file.value(), key.value());
}

int run_submit_decryptions(const CommandSpec&, const Arguments& args) {
    const std::string path = args.positional().at(0);
    auto bytes = crypto::read_public_file(path, max_shares_file_bytes);
    if (!bytes) return failure(bytes.error().message);
    auto file = election::decode_guardian_decryption_file(bytes.value());
    if (!file) return failure(path + ": " + file.error().message);
    auto opened = open_ledger(args, true);
    if (!opened) return failure(opened.error().message);
    ledger::Ledger& l = *opened.value();
    if (!(file.value().election_base_hash == l.election().base_hash)) {
        return failure(path + ": made for another election (base hash " +
                       file.value().election_base_hash.to_hex() + ", this ledger's is " +
                       l.election().base_hash.to_hex() + ")");
    }
    const std::uint32_t g = file.value().guardian_index;
    std::vector<std::string> districts;
    for (const Bytes& record : file.value().records)
        districts.push_back(election::tally_record_district(record).value());
    // Checked by the ledger as any guardian's submission: signature, tally, every proof.
    const auto receipts = l.ingest(std::move(file.value().records), election::ActorRole::guardian);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        if (receipts[i]) {
            ++accepted;
            std::cout << "district " << districts[i] << ": guardian " << g
                      << "'s decryption recorded, record " << receipts[i].value().index << '\n';
        } else {
            std::cerr << "psephos: district " << districts[i] << ": " << receipts[i].error().message
                      << '\n';
        }
    }
    std::cout << "guardian " << g << ": " << accepted << " of " << receipts.size()
              << " tally decryptions from " << path << " recorded\n";
    return accepted == receipts.size() ? exit_ok : exit_failure;
}

}  // namespace psephos::app
