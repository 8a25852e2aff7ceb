// Fuzzes the poll workers' credentials file (psephos::kiosk, poll_worker_credentials.hpp): its
// parser on the input as a file's content, and the reader on the same bytes written to a 0600
// file (the reader reads at most 16 KiB). Invariants: a refusal is invalid_encoding with a message
// naming the file ("fuzz: " or "fuzz:<line>: "); an accepted file gives 1 to 8 credentials, each
// hash libsodium parses with exactly the writer's cost parameters (no unlock attempt can be made
// to cost more), each named credential a distinct acceptable name and a non-empty set of known
// roles, or the legacy file's one unnamed credential with every role; a named file written back
// from what was read parses to the same credentials; the reader and the parser agree. Nothing
// here runs Argon2 itself: each execution stays in microseconds.
#include <sodium.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "psephos/kiosk/poll_worker_credentials.hpp"

using namespace psephos;
using psephos::fuzz::require;
using psephos::fuzz::require_message;

namespace {

bool same(const std::vector<kiosk::PollWorkerCredential>& a,
          const std::vector<kiosk::PollWorkerCredential>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].roles != b[i].roles || a[i].hash != b[i].hash)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    auto parsed = kiosk::parse_poll_worker_credentials(content, "fuzz");
    if (!parsed) {
        require_message(parsed.error(), "a refused credentials file says why");
        require(parsed.error().code == ErrorCode::invalid_encoding,
                "a refused credentials file is invalid_encoding");
        require(parsed.error().message.starts_with("fuzz:"), "the refusal names the file");
    } else {
        const auto& credentials = *parsed;
        require(!credentials.empty() && credentials.size() <= kiosk::max_poll_worker_credentials,
                "1 to 8 credentials");
        std::set<std::string> names;
        for (const auto& c : credentials) {
            require(!c.hash.empty() && c.hash.size() < crypto_pwhash_STRBYTES, "hash length");
            require(c.hash.find('\n') == std::string::npos && c.hash.find(' ') == std::string::npos,
                    "no line break or space in a hash");
            require(
                crypto_pwhash_str_needs_rehash(c.hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0,
                "an accepted hash has exactly the writer's cost parameters");
            require(c.roles != 0 && (c.roles & ~kiosk::all_poll_worker_roles) == 0,
                    "known roles, at least one");
            if (!c.named()) {
                require(credentials.size() == 1 && c.roles == kiosk::all_poll_worker_roles,
                        "an unnamed credential is the legacy file's only one, with every role");
                continue;
            }
            require(kiosk::poll_worker_name_problem(c.name).empty(), "an acceptable name");
            require(names.insert(c.name).second, "names are distinct");
        }
        if (credentials.front().named()) {
            std::string written = std::string(kiosk::poll_worker_credentials_header) + "\n";
            for (const auto& c : credentials)
                written += kiosk::roles_to_string(c.roles) + " " + c.hash + " " + c.name + "\n";
            auto again = kiosk::parse_poll_worker_credentials(written, "again");
            require(again.ok() && same(*again, credentials), "a written-back file reads the same");
        }
    }
    if (size > 16 * 1024) return 0;  // the reader's capacity; the parser saw it all above
    const std::string path = fuzz::write_temporary_file("psephos-fuzz-credentials", content);
    if (path.empty()) return 0;
    auto read = kiosk::read_poll_worker_credentials(path);
    ::unlink(path.c_str());
    require(read.ok() == parsed.ok(), "the reader and the parser agree");
    if (read) {
        require(same(*read, *parsed), "the reader and the parser give the same credentials");
    } else {
        require(read.error().message.starts_with(path + ":"), "the reader names the file");
    }
    return 0;
}
