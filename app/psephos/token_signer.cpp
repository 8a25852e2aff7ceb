// The authority's signer from the command line (token_signer.hpp).
#include "token_signer.hpp"

#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/pkcs11_uri.hpp"
#include "psephos/crypto/secure_file.hpp"

namespace psephos::app {

namespace {

constexpr std::size_t max_pin_size = 256;

std::string first_line(std::string_view text) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string out;
    out.reserve(max_pin_size + 2);
    out.assign(line);
    return out;
}

// --pkcs11-uri URI, parsed, when given: it excludes the separate flags that name the token
// (`others`), and with the PIN flags it makes exactly one source of the PIN.
Result<std::optional<crypto::Pkcs11Uri>> uri_of(const Arguments& args,
                                                std::initializer_list<std::string_view> others) {
    const auto text = args.value("--pkcs11-uri");
    if (!text) return std::optional<crypto::Pkcs11Uri>();
    for (const std::string_view flag : others)
        if (args.value(flag))
            return make_error(ErrorCode::invalid_argument,
                              "--pkcs11-uri names the token and its module: give it without " +
                                  std::string(flag));
    auto uri = crypto::parse_pkcs11_uri(*text);
    if (!uri) return uri.error().within("--pkcs11-uri");
    const int sources = (uri.value().pin_source ? 1 : 0) + (args.value("--pin-fd") ? 1 : 0) +
                        (args.value("--pin-file") ? 1 : 0);
    if (sources != 1)
        return make_error(ErrorCode::invalid_argument,
                          "give the token's PIN with exactly one of the URI's pin-source, "
                          "--pin-fd N and --pin-file FILE");
    return std::optional<crypto::Pkcs11Uri>(std::move(uri).value());
}

}  // namespace

Result<std::optional<crypto::Pkcs11KeySpec>> token_key_spec(const Arguments& args) {
    PSEPHOS_TRY_ASSIGN(auto uri, uri_of(args, {"--key", "--pkcs11", "--token", "--key-label"}));
    if (uri) {
        if (!uri->object)
            return make_error(ErrorCode::invalid_argument,
                              "--pkcs11-uri: no object= (the label of the key in the token)");
        return std::optional<crypto::Pkcs11KeySpec>(
            crypto::Pkcs11KeySpec{uri->module_path, uri->token, *uri->object});
    }
    const auto module = args.value("--pkcs11");
    if (!module) {
        for (const std::string_view flag : token_flags)
            if (args.value(flag))
                return make_error(ErrorCode::invalid_argument,
                                  std::string(flag) + " needs --pkcs11 MODULE");
        return std::optional<crypto::Pkcs11KeySpec>();
    }
    if (args.value("--key"))
        return make_error(ErrorCode::invalid_argument,
                          "--key FILE and --pkcs11 MODULE exclude each other: the authority key "
                          "is either in a file or in a token");
    PSEPHOS_TRY_ASSIGN(std::string token, args.required("--token"));
    PSEPHOS_TRY_ASSIGN(std::string key_label, args.required("--key-label"));
    if (args.value("--pin-fd").has_value() == args.value("--pin-file").has_value())
        return make_error(
            ErrorCode::invalid_argument,
            "give the token's PIN with exactly one of --pin-fd N and --pin-file FILE");
    if (module->empty() || token.empty() || key_label.empty())
        return make_error(ErrorCode::invalid_argument,
                          "--pkcs11, --token and --key-label must not be empty");
    return std::optional<crypto::Pkcs11KeySpec>(
        crypto::Pkcs11KeySpec{*module, std::move(token), std::move(key_label)});
}

Result<std::optional<ledger::LedgerTokenSpec>> ledger_token_spec(const Arguments& args) {
    PSEPHOS_TRY_ASSIGN(auto uri, uri_of(args, {"--key", "--pkcs11", "--token"}));
    if (uri) {
        if (uri->object)
            return make_error(ErrorCode::invalid_argument,
                              "--pkcs11-uri: object= is not for the ledger (its keys are labelled "
                              "by their logs' origins, psephos-log:<origin>)");
        return std::optional<ledger::LedgerTokenSpec>(
            ledger::LedgerTokenSpec{uri->module_path, uri->token});
    }
    const auto module = args.value("--pkcs11");
    if (!module) {
        for (const std::string_view flag : ledger_token_flags)
            if (args.value(flag))
                return make_error(ErrorCode::invalid_argument,
                                  std::string(flag) + " needs --pkcs11 MODULE");
        return std::optional<ledger::LedgerTokenSpec>();
    }
    if (args.value("--key"))
        return make_error(ErrorCode::invalid_argument,
                          "--key FILE and --pkcs11 MODULE exclude each other: the ledger's keys "
                          "are either in a key file or in a token");
    PSEPHOS_TRY_ASSIGN(std::string token, args.required("--token"));
    if (args.value("--pin-fd").has_value() == args.value("--pin-file").has_value())
        return make_error(
            ErrorCode::invalid_argument,
            "give the token's PIN with exactly one of --pin-fd N and --pin-file FILE");
    if (module->empty() || token.empty())
        return make_error(ErrorCode::invalid_argument, "--pkcs11 and --token must not be empty");
    return std::optional<ledger::LedgerTokenSpec>(
        ledger::LedgerTokenSpec{*module, std::move(token)});
}

Result<std::string> read_token_pin(const Arguments& args) {
    crypto::SecretText text(max_pin_size + 2);
    std::string source;
    std::optional<std::string> file = args.value("--pin-file");
    if (const auto uri = args.value("--pkcs11-uri"); uri && !file && !args.value("--pin-fd")) {
        auto parsed = crypto::parse_pkcs11_uri(*uri);
        if (!parsed) return parsed.error().within("--pkcs11-uri");
        if (parsed.value().pin_source) file = parsed.value().pin_source;
    }
    if (file) {
        source = "--pin-file " + *file;
        if (auto ok = crypto::read_file_into(*file, true, text); !ok)
            return ok.error().within(source);
    } else {
        PSEPHOS_TRY_ASSIGN(const std::uint64_t fd, args.number("--pin-fd", 0, 65535, 0));
        source = "--pin-fd " + std::to_string(fd);
        while (text.free_size() > 0) {
            const ssize_t got = ::read(static_cast<int>(fd), text.free_space(), 1);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0)
                return make_error(ErrorCode::io_error,
                                  source + ": " + std::generic_category().message(errno));
            if (got == 0) break;
            text.commit(1);
            if (text.view().back() == '\n') break;
        }
    }
    std::string pin = first_line(text.view());
    if (pin.empty()) return make_error(ErrorCode::invalid_argument, source + ": empty PIN");
    if (pin.size() > max_pin_size) {
        sodium_memzero(pin.data(), pin.size());
        return make_error(ErrorCode::invalid_argument,
                          source + ": PIN longer than " + std::to_string(max_pin_size) + " bytes");
    }
    return pin;
}

Result<std::unique_ptr<crypto::Ed25519Signer>> open_authority_signer(
    const Arguments& args, const std::optional<crypto::Pkcs11KeySpec>& spec) {
    if (!spec) {
        PSEPHOS_TRY_ASSIGN(const std::string path, args.required("--key"));
        auto key = crypto::read_signing_key_file(path);
        if (!key) return key.error();
        return std::unique_ptr<crypto::Ed25519Signer>(
            std::make_unique<crypto::Ed25519KeySigner>(std::move(key).value()));
    }
    PSEPHOS_TRY_ASSIGN(std::string pin, read_token_pin(args));
    auto signer = crypto::Pkcs11Signer::open(*spec, pin);
    sodium_memzero(pin.data(), pin.size());
    if (!signer) return signer.error();
    return std::unique_ptr<crypto::Ed25519Signer>(std::move(signer).value());
}

}  // namespace psephos::app
