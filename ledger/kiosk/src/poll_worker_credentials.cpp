#include "psephos/kiosk/poll_worker_credentials.hpp"

#include <sodium.h>

#include <array>
#include <system_error>
#include <utility>

#include "poll_worker_hash.hpp"
#include "psephos/crypto/secure_file.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

namespace psephos::kiosk {
namespace detail {

Result<std::string> hash_passphrase(std::string_view passphrase) {
    if (passphrase.size() < min_passphrase || passphrase.size() > max_passphrase)
        return Error{ErrorCode::invalid_argument,
                     "the poll-worker passphrase must be 8 to 256 bytes (it has " +
                         std::to_string(passphrase.size()) + ")"};
    if (sodium_init() < 0) return Error{ErrorCode::io_error, "libsodium failed to initialize"};
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    if (crypto_pwhash_str(hash.data(), passphrase.data(), passphrase.size(), pwhash_opslimit,
                          pwhash_memlimit) != 0)
        return Error{ErrorCode::io_error, "crypto_pwhash_str ran out of memory"};
    return std::string(hash.data());
}

std::string hash_problem(std::string_view hash) {
    if (sodium_init() < 0) return "libsodium failed to initialize";
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
        hash.find('\0') != std::string_view::npos)
        return "malformed password hash";
    const std::string text(hash);
    // A hash libsodium cannot parse would make every unlock fail: refuse it now. One with other
    // cost parameters than the writer's would make each attempt cost what the file says (up to
    // terabytes of memory): refuse that too.
    const int rehash =
        crypto_pwhash_str_needs_rehash(text.c_str(), pwhash_opslimit, pwhash_memlimit);
    if (rehash == -1) return "not an Argon2 password hash libsodium recognises";
    if (rehash != 0)
        return "an Argon2 password hash with other cost parameters than the kiosk writes "
               "(Argon2id, libsodium's INTERACTIVE limits)";
    return {};
}

}  // namespace detail

namespace {

constexpr std::size_t max_file_size = 16 * 1024;
constexpr std::string_view legacy_header = "psephos-poll-worker-passphrase-v1 ";
constexpr std::array<std::pair<std::string_view, PollWorkerRole>, 4> role_names{{
    {"open", PollWorkerRole::open},
    {"pause", PollWorkerRole::pause},
    {"close", PollWorkerRole::close},
    {"voters", PollWorkerRole::voters},
}};

// The next code point of valid UTF-8 (shortest form, no surrogates), or -1.
long next_code_point(std::string_view text, std::size_t& i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t extra = 0;
    if (lead >= 0xC2 && lead <= 0xDF)
        extra = 1;
    else if (lead >= 0xE0 && lead <= 0xEF)
        extra = 2;
    else if (lead >= 0xF0 && lead <= 0xF4)
        extra = 3;
    else
        return -1;
    if (extra >= text.size() - i) return -1;
    long c = lead & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) return -1;
        c = (c << 6) | (next & 0x3F);
    }
    static constexpr std::array<long, 4> smallest{0, 0x80, 0x800, 0x10000};
    if (c < smallest[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return -1;
    i += extra + 1;
    return c;
}

std::string line_place(const std::string& where, std::size_t line) {
    return where + ":" + std::to_string(line) + ": ";
}

Error refuse(const std::string& where, std::size_t line, const std::string& why) {
    return Error{ErrorCode::invalid_encoding, line_place(where, line) + why};
}

Result<std::vector<PollWorkerCredential>> parse_named(std::string_view content,
                                                      const std::string& where) {
    std::vector<PollWorkerCredential> credentials;
    std::vector<std::size_t> name_lines;
    std::size_t line_number = 0;
    while (!content.empty()) {
        ++line_number;
        const std::size_t end = content.find('\n');
        if (end == std::string_view::npos)
            return refuse(where, line_number, "the last line does not end in a line break");
        const std::string_view line = content.substr(0, end);
        content.remove_prefix(end + 1);
        if (line_number == 1) {
            if (line != poll_worker_credentials_header)
                return refuse(where, 1,
                              "not a poll-worker credentials file (expected the line '" +
                                  std::string(poll_worker_credentials_header) +
                                  "' or a passphrase file's line)");
            continue;
        }
        if (credentials.size() == max_poll_worker_credentials)
            return refuse(where, line_number,
                          "more than " + std::to_string(max_poll_worker_credentials) +
                              " poll workers (each unlock attempt checks every hash)");
        const std::size_t first = line.find(' ');
        const std::size_t second =
            first == std::string_view::npos ? first : line.find(' ', first + 1);
        if (second == std::string_view::npos)
            return refuse(where, line_number, "expected '<roles> <hash> <name>'");
        PollWorkerCredential credential;
        auto roles = parse_poll_worker_roles(line.substr(0, first));
        if (!roles) return refuse(where, line_number, roles.error().message);
        credential.roles = *roles;
        const std::string_view hash = line.substr(first + 1, second - first - 1);
        if (std::string problem = detail::hash_problem(hash); !problem.empty())
            return refuse(where, line_number, problem);
        credential.hash = std::string(hash);
        const std::string_view name = line.substr(second + 1);
        if (std::string problem = poll_worker_name_problem(name); !problem.empty())
            return refuse(where, line_number, "name: " + problem);
        for (std::size_t k = 0; k < credentials.size(); ++k) {
            if (credentials[k].name == name)
                return refuse(where, line_number,
                              "the name '" + std::string(name) + "' is already on line " +
                                  std::to_string(name_lines[k]));
        }
        credential.name = std::string(name);
        credentials.push_back(std::move(credential));
        name_lines.push_back(line_number);
    }
    if (line_number == 0)
        return Error{ErrorCode::invalid_encoding, where + ": empty, not a credentials file"};
    if (credentials.empty())
        return Error{ErrorCode::invalid_encoding, where + ": names no poll worker"};
    return credentials;
}

}  // namespace

std::string roles_to_string(unsigned roles) {
    std::string text;
    for (const auto& [name, role] : role_names) {
        if ((roles & static_cast<unsigned>(role)) == 0) continue;
        if (!text.empty()) text += ',';
        text += name;
    }
    return text;
}

Result<unsigned> parse_poll_worker_roles(std::string_view text) {
    unsigned roles = 0;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        unsigned found = 0;
        for (const auto& [name, role] : role_names)
            if (item == name) found = static_cast<unsigned>(role);
        if (found == 0)
            return Error{ErrorCode::invalid_argument,
                         "unknown role '" + std::string(item) +
                             "' (roles: open, pause, close, voters, separated by commas)"};
        if ((roles & found) != 0)
            return Error{ErrorCode::invalid_argument,
                         "the role '" + std::string(item) + "' appears twice"};
        roles |= found;
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return roles;
}

std::string poll_worker_name_problem(std::string_view name) {
    if (name.empty()) return "empty";
    if (name.size() > max_poll_worker_name)
        return std::to_string(name.size()) + " bytes, over the limit " +
               std::to_string(max_poll_worker_name);
    if (name.front() == ' ' || name.back() == ' ' || name.find("  ") != std::string_view::npos)
        return "leading, trailing or doubled spaces";
    for (std::size_t i = 0; i < name.size();) {
        const long c = next_code_point(name, i);
        if (c < 0) return "not valid UTF-8";
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "a control character";
        if (c == 0x2028 || c == 0x2029) return "a line or paragraph separator";
        if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            return "a bidirectional formatting character";
        if (c == ',') return "a comma (a polls record's actor separates names with ', ')";
    }
    return {};
}

Result<std::vector<PollWorkerCredential>> parse_poll_worker_credentials(std::string_view content,
                                                                        const std::string& where) {
    if (content.starts_with(legacy_header)) {
        PSEPHOS_TRY_ASSIGN(std::string hash,
                           parse_poll_worker_passphrase_file(content, where + ": "));
        return std::vector<PollWorkerCredential>{unnamed_poll_worker(std::move(hash))};
    }
    return parse_named(content, where);
}

Result<std::vector<PollWorkerCredential>> read_poll_worker_credentials(
    const std::filesystem::path& path) {
    crypto::SecretText text(max_file_size);
    if (Status read = crypto::read_file_into(path, true, text); !read) return read.error();
    return parse_poll_worker_credentials(text.view(), path.string());
}

Status add_poll_worker_credential(const std::filesystem::path& path, std::string_view name,
                                  unsigned roles, std::string_view passphrase) {
    if (std::string problem = poll_worker_name_problem(name); !problem.empty())
        return Error{ErrorCode::invalid_argument, "the poll worker's name: " + problem};
    if (roles == 0 || (roles & ~all_poll_worker_roles) != 0)
        return Error{ErrorCode::invalid_argument, "a poll worker needs at least one known role"};
    std::vector<PollWorkerCredential> credentials;
    std::error_code ec;
    const auto found = std::filesystem::symlink_status(path, ec);
    const bool exists = found.type() != std::filesystem::file_type::not_found;
    if (exists) {
        crypto::SecretText text(max_file_size);
        if (Status read = crypto::read_file_into(path, true, text); !read) return read.error();
        if (!text.view().starts_with(poll_worker_credentials_header))
            return Error{ErrorCode::invalid_argument,
                         path.string() +
                             ": not a named credentials file (a passphrase file from "
                             "--new-poll-worker-passphrase is not extended; start a new file)"};
        PSEPHOS_TRY_ASSIGN(credentials, parse_named(text.view(), path.string()));
        for (const auto& c : credentials)
            if (c.name == name)
                return Error{
                    ErrorCode::invalid_argument,
                    path.string() + ": the name '" + std::string(name) + "' is already there"};
        if (credentials.size() >= max_poll_worker_credentials)
            return Error{ErrorCode::invalid_argument,
                         path.string() + ": already " +
                             std::to_string(max_poll_worker_credentials) + " poll workers"};
    }
    PSEPHOS_TRY_ASSIGN(std::string hash, detail::hash_passphrase(passphrase));
    credentials.push_back({std::string(name), roles, std::move(hash)});
    std::string content = std::string(poll_worker_credentials_header) + "\n";
    for (const auto& c : credentials)
        content += roles_to_string(c.roles) + " " + c.hash + " " + c.name + "\n";
    return exists ? crypto::replace_file(path, content, 0600)
                  : crypto::write_new_file(path, content, 0600);
}

PollWorkerCredential unnamed_poll_worker(std::string hash) {
    return {{}, all_poll_worker_roles, std::move(hash)};
}

}  // namespace psephos::kiosk
