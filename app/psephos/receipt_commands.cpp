// psephos receipt verify: a voter's receipt file checked on its own (docs/proof-bundle.md §4,
// R1–R3), and the reading of receipt and trusted-key files that `psephos proof` shares.
#include <boost/json.hpp>

#include <iostream>

#include "commands.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/election/encrypted_ballot.hpp"

namespace psephos::app {

namespace json = boost::json;

Result<std::vector<std::string>> read_trusted_keys(const std::string& path) {
    auto text = crypto::read_public_file(path, 1024 * 1024);
    if (!text) return text.error();
    std::vector<std::string> keys;
    std::string line;
    for (const std::uint8_t c : text.value()) {
        if (c == '\n') {
            if (!line.empty()) keys.push_back(line);
            line.clear();
        } else {
            line.push_back(static_cast<char>(c));
        }
    }
    if (!line.empty()) keys.push_back(line);
    return keys;
}

Result<election::VoterReceipt> read_voter_receipt(const std::string& path) {
    auto bytes = crypto::read_public_file(path, election::max_voter_receipt_bytes);
    if (!bytes) return bytes.error();
    auto receipt = election::voter_receipt_from_json(std::string_view(
        reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size()));
    if (!receipt) return receipt.error().within(path);
    return receipt;
}

int run_receipt_command(Words words) {
    const CommandSpec spec{"psephos receipt verify RECEIPT.json [--trusted-keys FILE] [--json]",
                           {"--trusted-keys"},
                           {"--json"},
                           2,
                           2};
    int status = exit_ok;
    auto args = parse_or_report(spec, words, status);
    if (!args) return status;
    if (args->positional()[0] != "verify")
        return usage_error(spec, "unknown subcommand '" + args->positional()[0] + "'");
    auto receipt = read_voter_receipt(args->positional()[1]);
    if (!receipt) return failure(receipt.error().message);
    std::vector<std::string> trusted;
    if (auto keys = args->value("--trusted-keys")) {
        auto read = read_trusted_keys(*keys);
        if (!read) return failure(read.error().message);
        trusted = std::move(read).value();
    }
    const election::VoterReceipt& r = receipt.value();
    auto verified = election::verify_voter_receipt(r, trusted);
    std::string detail =
        verified
            ? "ballot " + election::format_tracking_code(r.tracking_code) + " of district '" +
                  r.district_id + "' at index " + std::to_string(r.index) +
                  " in the checkpoint of size " + std::to_string(verified.value().checkpoint.size) +
                  ", root " + verified.value().checkpoint.root.to_hex() +
                  (trusted.empty() ? " (the receipt's own key: compare it with the published "
                                     "record)"
                                   : ", under a trusted key")
            : verified.error().message;
    if (args->has_switch("--json")) {
        std::cout << json::serialize(
                         json::object{{"verdict", verified ? "PASS" : "FAIL"}, {"detail", detail}})
                  << '\n';
    } else {
        std::cout << (verified ? "PASS " : "FAIL ") << detail << '\n'
                  << "verdict: " << (verified ? "PASS" : "FAIL") << '\n';
    }
    return verified ? exit_ok : exit_failure;
}

}  // namespace psephos::app
