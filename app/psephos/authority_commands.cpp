// `psephos authority`: the election authority's offline steps (docs/cli.md §13). Its key signs
// the approval of one finalized election, without which no ledger is created for it, and the
// authorisation of every device for one district, without which no ledger registers it. The key
// stays on the authority's offline machine; only the approval and authorisation files travel.
#include <sodium.h>

#include <chrono>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/authority.hpp"
#include "token_signer.hpp"

namespace psephos::app {
namespace {

// With --pkcs11 the key is in a token (docs/keys.md) and --key FILE is not given.
const std::string token_key_usage =
    "(--pkcs11 MODULE --token LABEL --key-label LABEL | --pkcs11-uri URI) (--pin-fd N | "
    "--pin-file FILE)";
const std::string token_usage = "(--key FILE | " + token_key_usage + ")";

std::vector<std::string_view> with_token_flags(std::vector<std::string_view> flags) {
    flags.insert(flags.end(), token_flags.begin(), token_flags.end());
    return flags;
}

const std::string keygen_usage = "psephos authority keygen --out FILE [" + token_key_usage + "]";
const CommandSpec keygen_spec{keygen_usage, with_token_flags({"--out"}), {}, 0, 0};
const std::string approve_usage =
    "psephos authority approve " + token_usage + " --election FILE --out FILE";
const CommandSpec approve_spec{
    approve_usage, with_token_flags({"--key", "--election", "--out"}), {}, 0, 0};
const std::string authorise_usage = "psephos authority authorise-device " + token_usage +
                                    " --election FILE --district D --device ID --public-key "
                                    "FILE --out FILE";
const CommandSpec authorise_spec{
    authorise_usage,
    with_token_flags({"--key", "--election", "--district", "--device", "--public-key", "--out"}),
    {},
    0,
    0};

const std::string deauthorise_usage =
    "psephos authority deauthorise-device " + token_usage +
    " --election FILE --registration FILE --reason TEXT --out FILE";
const CommandSpec deauthorise_spec{
    deauthorise_usage,
    with_token_flags({"--key", "--election", "--registration", "--reason", "--out"}),
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

// The key pair is generated in the token; only the public key file is written, at --out itself.
int run_token_keygen(const Arguments& args, const crypto::Pkcs11KeySpec& spec) {
    const std::string out = *args.value("--out");
    if (path_exists(out)) return failure(out + ": already exists");
    auto pin = read_token_pin(args);
    if (!pin) return failure(pin.error().message);
    auto key = crypto::Pkcs11Signer::generate(spec, pin.value());
    sodium_memzero(pin.value().data(), pin.value().size());
    if (!key) return failure(key.error().message);
    if (auto ok = crypto::write_public_key_file(out, key.value(), "election-authority"); !ok)
        return failure(ok.error().message);
    std::cout << "authority key: " << election::authority_key_text(key.value()) << '\n'
              << "generated in " << spec.describe() << " (the secret never leaves the token)\n"
              << "wrote " << out
              << " (public key: give it to auditors, `psephos verify --authority`)\n";
    return exit_ok;
}

int run_keygen(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(keygen_spec, words, status);
    if (!args) return status;
    if (auto m = missing(keygen_spec, *args, {"--out"})) return *m;
    auto token = token_key_spec(*args);
    if (!token) return usage_error(keygen_spec, token.error().message);
    if (token.value()) return run_token_keygen(*args, *token.value());
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
    if (auto m = missing(approve_spec, *args, {"--election", "--out"})) return *m;
    auto token = token_key_spec(*args);
    if (!token) return usage_error(approve_spec, token.error().message);
    if (!token.value() && !args->value("--key")) return usage_error(approve_spec, "missing --key");
    auto signer = open_authority_signer(*args, token.value());
    if (!signer) return failure(signer.error().message);
    auto election = load_finalized_election(*args->value("--election"));
    if (!election) return failure(election.error().message);
    auto signed_approval = election::approve_election(election.value().base_hash, *signer.value());
    if (!signed_approval) return failure(signed_approval.error().message);
    const election::ElectionApproval& approval = signed_approval.value();
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
    if (auto m = missing(authorise_spec, *args,
                         {"--election", "--district", "--device", "--public-key", "--out"}))
        return *m;
    auto token = token_key_spec(*args);
    if (!token) return usage_error(authorise_spec, token.error().message);
    if (!token.value() && !args->value("--key"))
        return usage_error(authorise_spec, "missing --key");
    if (!is_id(*args->value("--device")))
        return usage_error(authorise_spec,
                           "--device must be 1 to 64 characters from a-z, 0-9 and '-'");
    auto signer = open_authority_signer(*args, token.value());
    if (!signer) return failure(signer.error().message);
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
        if (auto ok = election::authorise_device(election.value().base_hash, registration,
                                                 *signer.value());
            !ok)
            return failure(ok.error().message);
        record = election::encode_device_registration(registration);
    } catch (const std::invalid_argument& e) {
        return usage_error(authorise_spec, e.what());
    }
    if (auto ok = crypto::write_new_file(*args->value("--out"), record, 0644); !ok)
        return failure(ok.error().message);
    std::cout << "device: " << registration.device_id << '\n'
              << "district: " << district << '\n'
              << "device key: " << to_hex(device_key.value().span()) << '\n'
              << "authorised by: " << election::authority_key_text(signer.value()->public_key())
              << '\n'
              << "wrote " << *args->value("--out")
              << " (for psephos ledger register-device --authorisation)\n";
    return exit_ok;
}

// The device is named by its registration file (the authority's own authorisation, which it
// checks again), so the withdrawal names exactly the key the ledger registered.
int run_deauthorise_device(Words words) {
    int status = exit_ok;
    auto args = parse_or_report(deauthorise_spec, words, status);
    if (!args) return status;
    if (auto m =
            missing(deauthorise_spec, *args, {"--election", "--registration", "--reason", "--out"}))
        return *m;
    auto token = token_key_spec(*args);
    if (!token) return usage_error(deauthorise_spec, token.error().message);
    if (!token.value() && !args->value("--key"))
        return usage_error(deauthorise_spec, "missing --key");
    auto signer = open_authority_signer(*args, token.value());
    if (!signer) return failure(signer.error().message);
    auto election = load_finalized_election(*args->value("--election"));
    if (!election) return failure(election.error().message);
    const Hash32& base_hash = election.value().base_hash;
    const std::string path = *args->value("--registration");
    auto bytes = crypto::read_public_file(path, 4096);
    if (!bytes) return failure(bytes.error().message);
    auto registration = election::decode_device_registration(bytes.value());
    if (!registration) return failure(path + ": " + registration.error().message);
    const election::DeviceRegistration& r = registration.value();
    if (auto ok = election::verify_device_authorisation(base_hash, r, signer.value()->public_key());
        !ok)
        return failure(path + ": " + ok.error().message);
    election::DeviceDeauthorisation deauthorisation{
        r.district_id, r.device_id, r.device_key, now_seconds(), *args->value("--reason"), {}};
    Bytes record;
    try {
        if (auto ok = election::deauthorise_device(base_hash, deauthorisation, *signer.value());
            !ok)
            return failure(ok.error().message);
        record = election::encode_device_deauthorisation(deauthorisation);
    } catch (const std::invalid_argument& e) {
        return usage_error(deauthorise_spec, e.what());
    }
    if (auto ok = crypto::write_new_file(*args->value("--out"), record, 0644); !ok)
        return failure(ok.error().message);
    std::cout << "device: " << r.device_id << '\n'
              << "district: " << r.district_id << '\n'
              << "device key: " << to_hex(r.device_key.span()) << '\n'
              << "deauthorised by: " << election::authority_key_text(signer.value()->public_key())
              << '\n'
              << "wrote " << *args->value("--out")
              << " (for psephos ledger deauthorise-device, or psephos kiosk deauthorise through "
                 "the station)\n";
    return exit_ok;
}

}  // namespace

int run_authority_command(Words words) {
    const std::string usage = std::string(keygen_spec.usage) + "\n       " +
                              std::string(approve_spec.usage) + "\n       " +
                              std::string(authorise_spec.usage) + "\n       " +
                              std::string(deauthorise_spec.usage);
    if (words.empty() || std::string_view(words[0]) == "--help" ||
        std::string_view(words[0]) == "-h") {
        std::cout << "usage: " << usage << '\n';
        return words.empty() ? exit_usage : exit_ok;
    }
    const std::string_view sub = words[0];
    if (sub == "keygen") return run_keygen(words.subspan(1));
    if (sub == "approve") return run_approve(words.subspan(1));
    if (sub == "authorise-device") return run_authorise_device(words.subspan(1));
    if (sub == "deauthorise-device") return run_deauthorise_device(words.subspan(1));
    std::cerr << "psephos: unknown subcommand 'authority " << sub << "'\nusage: " << usage << '\n';
    return exit_usage;
}

}  // namespace psephos::app
