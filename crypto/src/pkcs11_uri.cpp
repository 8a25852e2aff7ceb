// PKCS#11 URIs (RFC 7512 §2.3's grammar), parsed strictly (pkcs11_uri.hpp).
#include "psephos/crypto/pkcs11_uri.hpp"

#include <vector>

namespace psephos::crypto {

namespace {

constexpr std::string_view scheme = "pkcs11:";

Error uri_error(const std::string& what) {
    return make_error(ErrorCode::invalid_argument, "PKCS#11 URI: " + what);
}

bool is_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// pk11-p-res-avail (path values) and pk11-q-res-avail (query values): the reserved characters a
// value may hold unencoded.
bool is_path_char(char c) {
    return is_unreserved(c) || std::string_view(":[]@!$'()*+,=").find(c) != std::string_view::npos;
}
bool is_query_char(char c) { return is_path_char(c) || c == '/' || c == '?' || c == '|'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The value of attribute `name` with its percent-encodings decoded; refuses a character the
// grammar does not allow there, a malformed "%", and a decoded control character.
Result<std::string> decode_value(std::string_view name, std::string_view value, bool in_query) {
    const std::string where = "attribute '" + std::string(name) + "'";
    if (value.empty()) return uri_error(where + " is empty");
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '%') {
            const bool two_follow = i + 2 < value.size();
            const int hi = two_follow ? hex_value(value[i + 1]) : -1;
            const int lo = two_follow ? hex_value(value[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return uri_error(where + ": '%' at " + std::to_string(i) +
                                 " is not followed by two hexadecimal digits");
            const auto byte = static_cast<unsigned char>(hi * 16 + lo);
            if (byte < 0x20 || byte == 0x7f)
                return uri_error(where + ": a control character (%" +
                                 std::string(value.substr(i + 1, 2)) + ")");
            out.push_back(static_cast<char>(byte));
            i += 2;
            continue;
        }
        if (!(in_query ? is_query_char(c) : is_path_char(c))) {
            const auto byte = static_cast<unsigned char>(c);
            const std::string shown = byte < 0x20 || byte >= 0x7f ? "byte " + std::to_string(byte)
                                                                  : "'" + std::string(1, c) + "'";
            return uri_error(where + ": " + shown + " must be percent-encoded here");
        }
        out.push_back(c);
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

struct Attribute {
    std::string_view name;
    std::string_view raw_value;
};

Result<std::vector<Attribute>> attributes_of(std::string_view part, char separator,
                                             std::string_view kind) {
    std::vector<Attribute> out;
    for (const std::string_view item : split(part, separator)) {
        if (item.empty())
            return uri_error("an empty " + std::string(kind) + " attribute (a stray '" +
                             std::string(1, separator) + "')");
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            return uri_error(std::string(kind) + " attribute '" + std::string(item) +
                             "' has no '=' and value");
        const std::string_view name = item.substr(0, eq);
        for (const Attribute& seen : out)
            if (seen.name == name)
                return uri_error("attribute '" + std::string(name) + "' is given twice");
        out.push_back({name, item.substr(eq + 1)});
    }
    return out;
}

}  // namespace

Result<Pkcs11Uri> parse_pkcs11_uri(std::string_view uri) {
    if (uri.substr(0, scheme.size()) != scheme)
        return uri_error("'" + std::string(uri.substr(0, 16)) + "…' does not start with 'pkcs11:'");
    std::string_view rest = uri.substr(scheme.size());
    std::string_view query;
    bool has_query = false;
    if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        has_query = true;
        if (query.empty()) return uri_error("an empty query after '?'");
    }
    if (rest.empty()) return uri_error("no path attributes (token= is required)");
    Pkcs11Uri out;
    bool has_token = false;
    PSEPHOS_TRY_ASSIGN(const auto path, attributes_of(rest, ';', "path"));
    for (const Attribute& a : path) {
        PSEPHOS_TRY_ASSIGN(std::string value, decode_value(a.name, a.raw_value, false));
        if (a.name == "token") {
            out.token = std::move(value);
            has_token = true;
        } else if (a.name == "object") {
            out.object = std::move(value);
        } else {
            return uri_error("path attribute '" + std::string(a.name) +
                             "' is not one Psephos uses (token, object)");
        }
    }
    if (!has_token) return uri_error("no token= attribute (the token's label)");
    if (!has_query) return uri_error("no ?module-path= (the token's PKCS#11 module)");
    PSEPHOS_TRY_ASSIGN(const auto attributes, attributes_of(query, '&', "query"));
    for (const Attribute& a : attributes) {
        if (a.name == "pin-value")
            return uri_error(
                "pin-value is refused: a PIN on the command line is readable by other processes "
                "(use pin-source=file:PATH, --pin-fd or --pin-file)");
        PSEPHOS_TRY_ASSIGN(std::string value, decode_value(a.name, a.raw_value, true));
        if (a.name == "module-path") {
            if (value.front() != '/')
                return uri_error("module-path '" + value + "' is not an absolute path");
            out.module_path = std::move(value);
        } else if (a.name == "pin-source") {
            std::string_view file = value;
            if (file.substr(0, 7) == "file://") {
                // Only the local host's empty authority: file:///path.
                if (file.substr(0, 8) != "file:///")
                    return uri_error("pin-source '" + value + "' names a host; give file:///PATH");
                file.remove_prefix(7);
            } else if (file.substr(0, 5) == "file:") {
                file.remove_prefix(5);
            }
            if (file.empty() || file.front() != '/')
                return uri_error("pin-source '" + value +
                                 "' is not file:PATH or an absolute path (commands are refused)");
            out.pin_source = std::string(file);
        } else {
            return uri_error("query attribute '" + std::string(a.name) +
                             "' is not one Psephos uses (module-path, pin-source)");
        }
    }
    if (out.module_path.empty()) return uri_error("no module-path= (the token's PKCS#11 module)");
    return out;
}

}  // namespace psephos::crypto
