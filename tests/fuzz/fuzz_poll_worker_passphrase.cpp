// Fuzzes the poll-worker passphrase file (psephos::kiosk, poll_worker_lock.hpp): its parser on
// the input as a file's content, and the reader on the same bytes written to a 0600 file (the
// reader reads at most 4096 bytes). Invariants: a refusal is invalid_encoding (or the reader's
// size refusal) with a message naming the file; an accepted file gives a hash libsodium parses
// with exactly the writer's cost parameters (so no unlock attempt can be made to cost more),
// without a line break, shorter than crypto_pwhash_STRBYTES; the reader and the parser agree.
// Nothing here runs Argon2 itself: each execution stays in microseconds.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "psephos/kiosk/poll_worker_lock.hpp"

using namespace psephos;
using psephos::fuzz::require;
using psephos::fuzz::require_message;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    auto parsed = kiosk::parse_poll_worker_passphrase_file(content, "fuzz: ");
    if (!parsed) {
        require_message(parsed.error(), "a refused passphrase file says why");
        require(parsed.error().code == ErrorCode::invalid_encoding,
                "a refused passphrase file is invalid_encoding");
        require(parsed.error().message.starts_with("fuzz: "), "the refusal names the file");
    } else {
        const std::string& hash = *parsed;
        require(!hash.empty() && hash.size() < crypto_pwhash_STRBYTES, "hash length");
        require(hash.find('\n') == std::string::npos, "no line break in the hash");
        require(crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0,
                "an accepted hash has exactly the writer's cost parameters");
    }
    if (size > 4096) return 0;  // the reader's capacity; the parser saw it all above
    const std::string path = fuzz::write_temporary_file("psephos-fuzz-passphrase", content);
    if (path.empty()) return 0;
    auto read = kiosk::read_poll_worker_passphrase_file(path);
    ::unlink(path.c_str());
    require(read.ok() == parsed.ok(), "the reader and the parser agree");
    if (read) {
        require(*read == *parsed, "the reader and the parser give the same hash");
    } else {
        require(read.error().message.starts_with(path + ": "), "the reader names the file");
    }
    return 0;
}
