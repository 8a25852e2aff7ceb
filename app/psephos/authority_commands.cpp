// `psephos authority`: the election authority's offline steps (docs/cli.md §13). Its key signs
// the approval of one finalized election, without which no ledger is created for it, and the
// authorisation of every device for one district, without which no ledger registers it. The key
// stays on the authority's offline machine; only the approval and authorisation files travel.
#include <chrono>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/authority.hpp"

namespace psephos::app {
namespace {

const CommandSpec keygen_spec{"psephos authority keygen --out FILE", {"--out"}, {}, 0, 0};
const CommandSpec approve_spec{"psephos authority approve --key FILE --election FILE --out FILE",
                               {"--key", "--election", "--out"},
                               {},
                               0,
                               0};
const CommandSpec authorise_spec{
    "psephos authority authorise-device --key FILE --election FILE --district D --device ID "
    "--public-key FILE --out FILE",
    {"--key", "--election", "--district", "--device", "--public-key", "--out"},
    {},
    0,
    0};

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// The flags a spec lists as required, or a usage error naming the first one missing.
std::optional<int> missing(const CommandSpec& spec, const Arguments& args,
                           std::initializer_list<const char*> flags) {
    for (const char* flag : flags)
        if (!args.value(flag)) return usage_error(spec, "missing " + std::string(flag));
    return std::nullopt;
}

int run_keygen(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(keygen_spec, words, status);
    if (!args) return status;
    if (auto m = missing(keygen_spec, *args, {"--out"})) return *m;
    const std::filesystem::path out(*args->value("--out"));
    const std::filesystem::path pub = out.string() + ".pub";
    const auto key = crypto::Ed25519SigningKey::generate();
    if (auto ok = crypto::write_signing_key_file(out, key, "election-authority"); !ok)
        return failure(ok.error().message);
    if (auto ok = crypto::write_public_key_file(pub, key.public_key(), "election-authority"); !ok)
        return failure(ok.error().message);
    std::cout << "authority key: " << election::authority_key_text(key.public_key()) << '\n'
              << "wrote " << out.string() << " (secret key, mode 0600: keep it offline)\n"
              << "wrote " << pub.string()
              << " (public key: give it to auditors, `psephos verify --authority`)\n";
    return exit_ok;
}

int run_approve(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(approve_spec, words, status);
    if (!args) return status;
    if (auto m = missing(approve_spec, *args, {"--key", "--election", "--out"})) return *m;
    auto key = crypto::read_signing_key_file(*args->value("--key"));
    if (!key) return failure(key.error().message);
    auto election = load_finalized_election(*args->value("--election"));
    if (!election) return failure(election.error().message);
    const election::ElectionApproval approval =
        election::approve_election(election.value().base_hash, key.value());
    if (auto ok = crypto::write_new_file(*args->value("--out"),
                                         election::encode_election_approval(approval), 0644);
        !ok)
        return failure(ok.error().message);
    std::cout << "election: " << election.value().manifest.election_id << '\n'
              << "base hash: " << approval.base_hash.to_hex() << '\n'
              << "approved by: " << election::authority_key_text(approval.authority_key) << '\n'
              << "wrote " << *args->value("--out") << " (for psephos ledger init --approval)\n";
    return exit_ok;
}

int run_authorise_device(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(authorise_spec, words, status);
    if (!args) return status;
    if (auto m =
            missing(authorise_spec, *args,
                    {"--key", "--election", "--district", "--device", "--public-key", "--out"}))
        return *m;
    if (!is_id(*args->value("--device")))
        return usage_error(authorise_spec,
                           "--device must be 1 to 64 characters from a-z, 0-9 and '-'");
    auto key = crypto::read_signing_key_file(*args->value("--key"));
    if (!key) return failure(key.error().message);
    auto election = load_finalized_election(*args->value("--election"));
    if (!election) return failure(election.error().message);
    auto device_key = crypto::read_public_key_file(*args->value("--public-key"));
    if (!device_key) return failure(device_key.error().message);
    const std::string district = *args->value("--district");
    if (election.value().manifest.ballot_style_of_district(district) == nullptr)
        return failure("no district '" + district + "' with a ballot style in election '" +
                       election.value().manifest.election_id + "'");
    election::DeviceRegistration registration{
        district, *args->value("--device"), device_key.value(), now_seconds(), {}};
    Bytes record;
    try {
        election::authorise_device(election.value().base_hash, registration, key.value());
        record = election::encode_device_registration(registration);
    } catch (const std::invalid_argument& e) {
        return usage_error(authorise_spec, e.what());
    }
    if (auto ok = crypto::write_new_file(*args->value("--out"), record, 0644); !ok)
        return failure(ok.error().message);
    std::cout << "device: " << registration.device_id << '\n'
              << "district: " << district << '\n'
              << "device key: " << to_hex(device_key.value().span()) << '\n'
              << "authorised by: " << election::authority_key_text(key.value().public_key()) << '\n'
              << "wrote " << *args->value("--out")
              << " (for psephos ledger register-device --authorisation)\n";
    return exit_ok;
}

}  // namespace

int run_authority_command(Words words) {
    const std::string usage = std::string(keygen_spec.usage) + "\n       " +
                              std::string(approve_spec.usage) + "\n       " +
                              std::string(authorise_spec.usage);
    if (words.empty() || std::string_view(words[0]) == "--help" ||
        std::string_view(words[0]) == "-h") {
        std::cout << "usage: " << usage << '\n';
        return words.empty() ? exit_usage : exit_ok;
    }
    const std::string_view sub = words[0];
    if (sub == "keygen") return run_keygen(words.subspan(1));
    if (sub == "approve") return run_approve(words.subspan(1));
    if (sub == "authorise-device") return run_authorise_device(words.subspan(1));
    std::cerr << "psephos: unknown subcommand 'authority " << sub << "'\nusage: " << usage << '\n';
    return exit_usage;
}

}  // namespace psephos::app
