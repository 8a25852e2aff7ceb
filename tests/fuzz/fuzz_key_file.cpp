// Fuzzes read_signing_key_file and read_public_key_file, the parsers of the key files a device,
// guardian or ledger loads at start-up. Each input is written as a whole file (mode 0600, made
// with mkstemp in /tmp and unlinked afterwards) and read back with both readers.
// Invariants: each reader returns a key or an error with a message, never crashes; no file is
// both kinds; and a file that is accepted is byte for byte what the writer produces for that key
// and the name on line 2 (key_file.hpp's format), so one key has one file form and a damaged
// file is never accepted as another one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "psephos/crypto/key_file.hpp"
#include "psephos/crypto/scalar.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

namespace {
// Line 2 of an accepted file is "name: <label>"; returns the label.
std::string_view name_on_line_2(std::string_view file) {
    const std::size_t start = file.find('\n') + 1;
    const std::size_t end = file.find('\n', start);
    return file.substr(start, end - start).substr(std::string_view("name: ").size());
}

void require_error_described(const Error& error) {
    fuzz::require_message(error, "key file error has a message");
    require(error.code == ErrorCode::invalid_encoding ||
                error.code == ErrorCode::invalid_argument ||
                error.code == ErrorCode::verification_failed,
            "a key file's contents give invalid_encoding, invalid_argument or "
            "verification_failed");
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content = fuzz::text_of(data, size);
    const std::string path = fuzz::write_temporary_file("psephos-fuzz-key-file", content);
    if (path.empty()) {
        fuzz::fail_invariant("cannot write the temporary key file in /tmp (environment)");
    }

    auto signing = read_signing_key_file(path);
    auto verifying = read_public_key_file(path);
    ::unlink(path.c_str());

    require(!(signing.ok() && verifying.ok()), "no file is both a secret and a public key file");
    if (signing) {
        const Ed25519SigningKey& key = signing.value();
        const std::string expected =
            "psephos-ed25519-secret-key-v1\nname: " + std::string(name_on_line_2(content)) +
            "\npublic: " + to_base64(key.public_key().span()) + "\nseed: " + to_base64(key.seed()) +
            "\n";
        require(expected == content, "an accepted secret key file is in its one canonical form");
    } else {
        require_error_described(signing.error());
    }
    if (verifying) {
        const std::string expected =
            "psephos-ed25519-public-key-v1\nname: " + std::string(name_on_line_2(content)) +
            "\npublic: " + to_base64(verifying.value().span()) + "\n";
        require(expected == content, "an accepted public key file is in its one canonical form");
    } else {
        require_error_described(verifying.error());
    }
    return 0;
}
