// The election authority's signer for `psephos authority` (docs/keys.md): a key file (--key FILE,
// the default) or a key in a PKCS#11 token (--pkcs11 MODULE --token LABEL --key-label LABEL with
// the PIN from --pin-fd N or --pin-file FILE, never the environment or the command line). And the
// token that holds a ledger's log keys (--pkcs11 MODULE --token LABEL with the same PIN flags;
// docs/keys.md §4), for the commands that open a ledger to write.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "psephos/crypto/ed25519_signer.hpp"
#include "psephos/crypto/pkcs11_signer.hpp"
#include "psephos/ledger/ledger.hpp"

namespace psephos::app {

// The flags a command that signs with the authority key accepts besides --key.
inline const std::vector<std::string_view> token_flags{"--pkcs11", "--token",    "--key-label",
                                                       "--pin-fd", "--pin-file", "--pkcs11-uri"};

// The token key the flags name, or invalid_argument naming what is missing or conflicting
// (--key with --pkcs11, --pkcs11 without --token or --key-label, both or neither of --pin-fd and
// --pin-file). nullopt when no --pkcs11 was given (token flags without it are refused too).
Result<std::optional<crypto::Pkcs11KeySpec>> token_key_spec(const Arguments& args);

// The flags a command that opens a ledger to write accepts besides --key: the log keys' labels
// are their logs' origins (ledger::token_log_key_label), so there is no --key-label.
inline const std::vector<std::string_view> ledger_token_flags{"--pkcs11", "--token", "--pin-fd",
                                                              "--pin-file", "--pkcs11-uri"};

// The token holding the ledger's log keys, or invalid_argument naming what is missing or
// conflicting (--key with --pkcs11, --pkcs11 without --token, both or neither of --pin-fd and
// --pin-file, token flags without --pkcs11). nullopt when no --pkcs11 was given.
Result<std::optional<ledger::LedgerTokenSpec>> ledger_token_spec(const Arguments& args);

// Either form names a token key: the separate flags, or one RFC 7512 URI (--pkcs11-uri
// "pkcs11:token=T[;object=K]?module-path=M[&pin-source=file:F]", crypto/pkcs11_uri.hpp) with the
// PIN from its pin-source or from --pin-fd / --pin-file (exactly one of the three).

// The token's user PIN: the first line of --pin-fd N, of --pin-file FILE or of the URI's
// pin-source file (a file must give the group and others no access). The caller wipes it.
Result<std::string> read_token_pin(const Arguments& args);

// --key FILE, or the token key `spec` (from token_key_spec) when there is one, opened and ready
// to sign; errors name the file or the token and key.
Result<std::unique_ptr<crypto::Ed25519Signer>> open_authority_signer(
    const Arguments& args, const std::optional<crypto::Pkcs11KeySpec>& spec);

}  // namespace psephos::app
