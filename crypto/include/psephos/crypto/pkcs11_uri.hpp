// PKCS#11 URIs (RFC 7512) naming a key in a token, as an alternative to separate flags
// (docs/keys.md §5):
// "pkcs11:token=<label>[;object=<label>]?module-path=<path>[&pin-source=<file>]". Parsed strictly:
// only the attributes Psephos uses, each at most once, non-empty, percent-encoded where RFC 7512's
// grammar says so; anything else is refused with an error naming it. A PIN in the URI itself
// (pin-value) is refused: a command line is readable by other processes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "psephos/crypto/result.hpp"

namespace psephos::crypto {

struct Pkcs11Uri {
    std::string token;                      // path attribute "token": the token's label
    std::optional<std::string> object;      // path attribute "object": a key's label
    std::string module_path;                // query attribute "module-path": absolute path
    std::optional<std::string> pin_source;  // query attribute "pin-source": a file's absolute path
};

// Parses `uri`. Path attributes: token (required), object (optional); query attributes:
// module-path (required, an absolute path), pin-source (optional, "file:" followed by an absolute
// path, or an absolute path). invalid_argument for anything else, naming what is wrong.
Result<Pkcs11Uri> parse_pkcs11_uri(std::string_view uri);

}  // namespace psephos::crypto
