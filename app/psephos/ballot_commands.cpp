// Ballot commands: `psephos encrypt` builds an encrypted ballot (or a Benaloh-challenged one) from
// a finalized manifest and the voter's selections; `psephos ballot verify` and
// `psephos challenge-check` check such files from their bytes and public data alone
// (docs/encoding.md §4–6).
#include <sys/stat.h>

#include <sodium.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/challenge_audit.hpp"
#include "psephos/election/encrypted_ballot.hpp"
#include "psephos/ledger/casting_module.hpp"
#include "psephos/ledger/ledger.hpp"
#include "selections.hpp"

namespace psephos::app {

using crypto::read_public_file;
using crypto::write_new_file;
namespace {

namespace fs = std::filesystem;

// Far above any ballot of a valid manifest (1000 contests of ≤ 1000 options is ~200 MB only in
// theory; real ballots are a few kB to a few MB).
constexpr std::size_t max_ballot_file_bytes = std::size_t{256} << 20;
constexpr std::string_view default_device_id = "psephos-cli";

const CommandSpec encrypt_spec{
    "psephos encrypt --election FILE --district D --selections JSON --out FILE [--device-key "
    "KEYFILE] "
    "[--device-id ID] [--ballot-id ID] [--challenge] [--data DIR]",
    {"--election", "--district", "--selections", "--out", "--device-key", "--device-id",
     "--ballot-id", "--data"},
    {"--challenge"},
    0,
    0};
const CommandSpec challenge_check_spec{
    "psephos challenge-check BALLOT --election FILE --device-pub KEYFILE [--code CODE "
    "--selections JSON]",
    {"--election", "--device-pub", "--code", "--selections"},
    {},
    1,
    1};
const CommandSpec ballot_verify_spec{
    "psephos ballot verify BALLOT --election FILE --device-pub KEYFILE",
    {"--election", "--device-pub"},
    {},
    1,
    1};

std::string random_ballot_id() {
    std::array<std::uint8_t, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    return to_hex(bytes);
}

// The election and device key every checking command needs.
struct CheckInputs {
    election::ElectionContext election;
    crypto::Ed25519PublicKey device_key;
    Bytes record;
};

Result<CheckInputs> load_check_inputs(const Arguments& args) {
    auto election_path = args.required("--election");
    if (!election_path) return election_path.error();
    auto pub_path = args.required("--device-pub");
    if (!pub_path) return pub_path.error();
    auto election = load_finalized_election(election_path.value());
    if (!election) return election.error();
    auto device_key = crypto::read_public_key_file(pub_path.value());
    if (!device_key) return device_key.error();
    auto record = read_public_file(args.positional()[0], max_ballot_file_bytes);
    if (!record) return record.error();
    return CheckInputs{std::move(election).value(), device_key.value(), std::move(record).value()};
}

std::string marked_labels(const election::Contest& contest,
                          const election::EncryptedContest& encrypted,
                          std::span<const std::uint8_t> marks) {
    std::string out;
    for (std::size_t o = 0; o < marks.size() && o < encrypted.selections.size(); ++o) {
        if (marks[o] == 0) continue;
        const auto& id = encrypted.selections[o].option_id;
        const auto option =
            std::find_if(contest.options.begin(), contest.options.end(),
                         [&](const election::ContestOption& opt) { return opt.id == id; });
        if (!out.empty()) out += ", ";
        out += option != contest.options.end() ? option->label.text : id;
    }
    return out.empty() ? "(no selection)" : out;
}

}  // namespace

namespace {

// The device's last tracking code in the ledger of data directory `data` (opened read-only, which
// checks it), after checking the ledger is this election's and the device is registered there.
Result<Hash32> ledger_chain_head(const std::string& data, const election::ElectionContext& election,
                                 const std::string& district, const std::string& device_id) {
    ledger::LedgerOptions options;
    options.directory = fs::path(data) / "ledger";
    auto opened = ledger::Ledger::open(options, std::nullopt);
    if (!opened) return opened.error();
    const ledger::Ledger& ledger = *opened.value();
    if (!(ledger.election().base_hash == election.base_hash)) {
        return make_error(ErrorCode::invalid_argument,
                          options.directory.string() + ": a ledger of another election");
    }
    const auto& districts = election.manifest.districts;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        if (districts[d].id != district) continue;
        if (auto head = ledger.casting().device_chain_head(d, device_id)) return *head;
        return make_error(ErrorCode::not_found,
                          options.directory.string() + ": device '" + device_id +
                              "' is not registered in district '" + district + "'");
    }
    return make_error(ErrorCode::invalid_argument,
                      "district '" + district + "' is not in this election");
}

}  // namespace

int run_encrypt_command(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(encrypt_spec, words, status);
    if (!args) return status;
    for (const char* flag : {"--election", "--district", "--selections", "--out"}) {
        if (!args->value(flag)) return usage_error(encrypt_spec, "missing " + std::string(flag));
    }
    const std::string election_path = *args->value("--election");
    const std::string district = *args->value("--district");
    const fs::path out(*args->value("--out"));
    const std::string device_id =
        args->value("--device-id").value_or(std::string(default_device_id));
    const std::string ballot_id = args->value("--ballot-id").value_or(random_ballot_id());
    const bool challenge = args->has_switch("--challenge");
    if (!is_id(device_id)) {
        return usage_error(encrypt_spec,
                           "--device-id must be 1 to 64 characters from a-z, 0-9 and '-'");
    }
    if (!is_id(ballot_id)) {
        return usage_error(encrypt_spec,
                           "--ballot-id must be 1 to 64 characters from a-z, 0-9 and '-'");
    }
    const auto key_path = args->value("--device-key");
    const fs::path new_key_path = out.string() + ".device.key";
    const fs::path new_pub_path = out.string() + ".device.pub";
    // Refuse before any work rather than after it.
    for (const auto& path : key_path ? std::vector<fs::path>{out}
                                     : std::vector<fs::path>{out, new_key_path, new_pub_path}) {
        if (path_exists(path))
            return failure(path.string() + ": already exists; refusing to overwrite it");
    }

    auto election = load_finalized_election(election_path);
    if (!election) return failure(election.error().message);
    auto marks = read_selections(*args->value("--selections"));
    if (!marks) return failure(marks.error().message);
    auto device_key =
        key_path ? crypto::read_signing_key_file(*key_path)
                 : Result<crypto::Ed25519SigningKey>(crypto::Ed25519SigningKey::generate());
    if (!device_key) return failure(device_key.error().message);

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    // A device's ballots form one tracking-code chain. With --data the ballot chains to the
    // device's last ballot in that ledger (as a kiosk does); without, it is the device's first.
    Hash32 previous = election::initial_tracking_code(election.value().base_hash, device_id);
    if (const auto data = args->value("--data")) {
        auto head = ledger_chain_head(*data, election.value(), district, device_id);
        if (!head) return failure(head.error().message);
        previous = head.value();
    }
    const election::BallotRequest request{ballot_id, device_id, district,
                                          static_cast<std::uint64_t>(now.count()), previous};
    auto prepared =
        election::encrypt_ballot(election.value(), request, marks.value(), device_key.value());
    if (!prepared) return failure("ballot " + ballot_id + ": " + prepared.error().message);

    // Summary first (the challenge consumes the prepared ballot), printed once the files are
    // written.
    const election::EncryptedBallot& ballot = prepared.value().ballot;
    const std::string summary =
        "ballot id: " + ballot.ballot_id + "\ndevice id: " + ballot.device_id +
        "\ndistrict: " + ballot.district_id + " (ballot style " + ballot.ballot_style_id +
        ")\ntracking code: " + election::format_tracking_code(prepared.value().tracking_code) +
        "\nballot hash: " + election::compute_ballot_hash(ballot).to_hex() + "\nrecord: " +
        (challenge ? "challenged ballot (selections and nonces revealed; never counted)"
                   : "encrypted ballot") +
        "\n";
    const Bytes record = challenge ? election::encode_challenged_ballot(
                                         election::challenge_ballot(std::move(prepared).value()))
                                   : election::encode_ballot(ballot);
    if (!key_path) {
        if (auto ok = crypto::write_signing_key_file(new_key_path, device_key.value(), device_id);
            !ok) {
            return failure(ok.error().message);
        }
        if (auto ok = crypto::write_public_key_file(new_pub_path, device_key.value().public_key(),
                                                    device_id);
            !ok) {
            return failure(ok.error().message);
        }
    }
    if (auto ok = write_new_file(out, record, 0644); !ok) return failure(ok.error().message);
    std::cout << summary << "wrote " << out.string() << '\n';
    if (!key_path)
        std::cout << "wrote " << new_key_path.string() << "\nwrote " << new_pub_path.string()
                  << '\n';
    return exit_ok;
}

int run_challenge_check_command(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(challenge_check_spec, words, status);
    if (!args) return status;
    for (const char* flag : {"--election", "--device-pub"}) {
        if (!args->value(flag))
            return usage_error(challenge_check_spec, "missing " + std::string(flag));
    }
    if (args->value("--code").has_value() != args->value("--selections").has_value())
        return usage_error(challenge_check_spec,
                           "--code and --selections go together: the code shown before the "
                           "choice and what the voter marked");
    auto inputs = load_check_inputs(*args);
    if (!inputs) return failure(inputs.error().message);
    const std::string& path = args->positional()[0];
    auto challenged = election::decode_challenged_ballot(inputs.value().record);
    if (!challenged) return failure(path + ": " + challenged.error().message);
    const election::ChallengedBallot& c = challenged.value();
    if (auto ok = election::verify_challenged_ballot(inputs.value().election,
                                                     inputs.value().device_key, c);
        !ok) {
        return failure(path + ": challenge does NOT verify: " + ok.error().message);
    }
    const election::ElectionManifest& m = inputs.value().election.manifest;
    std::cout << "challenged ballot " << c.ballot.ballot_id << " (district " << c.ballot.district_id
              << ", ballot style " << c.ballot.ballot_style_id << ", device " << c.ballot.device_id
              << ")\n";
    for (std::size_t i = 0; i < c.ballot.contests.size(); ++i) {
        const election::Contest* contest = m.find_contest(c.ballot.contests[i].contest_id);
        if (contest == nullptr)
            return failure(path + ": contest " + c.ballot.contests[i].contest_id + " is unknown");
        std::cout << "  " << contest->title.text << ": "
                  << marked_labels(*contest, c.ballot.contests[i], c.marks[i]) << '\n';
    }
    std::cout << "challenge verified: the ballot encrypts exactly these selections\n";
    if (const auto code = args->value("--code")) {
        auto intended = read_selections(*args->value("--selections"));
        if (!intended) return failure("--selections: " + intended.error().message);
        auto audited = election::audit_challenged_ballot(
            inputs.value().election, inputs.value().device_key, c, *code, intended.value());
        if (!audited)
            return failure(path + ": the voter's check FAILS: " + audited.error().message);
        std::cout << "voter's check passed: this is the ballot whose code was shown before the "
                     "choice, and it encrypts exactly the voter's selections\n";
    }
    return exit_ok;
}

int run_ballot_command(Words words) {
    if (words.empty()) return usage_error(ballot_verify_spec, "missing subcommand (verify)");
    const std::string sub = words[0];
    if (sub == "--help" || sub == "-h") {
        std::cout << "usage: " << ballot_verify_spec.usage << '\n';
        return exit_ok;
    }
    if (sub != "verify")
        return usage_error(ballot_verify_spec, "unknown subcommand 'ballot " + sub + "'");
    int status = exit_ok;
    auto args = parse_or_report(ballot_verify_spec, words.subspan(1), status);
    if (!args) return status;
    for (const char* flag : {"--election", "--device-pub"}) {
        if (!args->value(flag))
            return usage_error(ballot_verify_spec, "missing " + std::string(flag));
    }
    auto inputs = load_check_inputs(*args);
    if (!inputs) return failure(inputs.error().message);
    const std::string& path = args->positional()[0];
    auto ballot = election::decode_ballot(inputs.value().record);
    if (!ballot) return failure(path + ": " + ballot.error().message);
    const election::EncryptedBallot& b = ballot.value();
    if (auto ok = election::verify_ballot(inputs.value().election, inputs.value().device_key, b);
        !ok) {
        return failure(path + ": does NOT verify: " + ok.error().message);
    }
    const Hash32 ballot_hash = election::compute_ballot_hash(b);
    std::cout << "ballot " << b.ballot_id << ": verified (district " << b.district_id
              << ", ballot style " << b.ballot_style_id << ", device " << b.device_id << ", "
              << b.contests.size() << " contests)\n"
              << "tracking code: "
              << election::format_tracking_code(
                     election::next_tracking_code(b.previous_tracking_code, ballot_hash))
              << '\n'
              << "ballot hash: " << ballot_hash.to_hex() << '\n';
    return exit_ok;
}

}  // namespace psephos::app
