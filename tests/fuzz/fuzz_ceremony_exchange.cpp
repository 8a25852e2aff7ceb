// Fuzzes the decoders of the distributed key ceremony's files (docs/key-ceremony.md): share
// complaints (0x15) and share resolutions (0x16), which come from other guardians through the
// exchange directory, and the public lines of a guardian's state file (read by every step before
// the passphrase is asked for). Each input is tried as both records and, written as a whole
// file (mode 0600, mkstemp, unlinked afterwards), as a state file.
// Invariants: a decoded record re-encodes to exactly the input; a rejected one gives
// invalid_encoding naming the record and byte offset; a state file is accepted only with
// 1 ≤ guardian ≤ guardians and 1 ≤ threshold ≤ guardians, and is refused with a message.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "psephos/election/ceremony_exchange.hpp"
#include "psephos/election/guardian_ceremony_state.hpp"

using namespace psephos;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    crypto::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan bytes = fuzz::bytes_of(data, size);
    fuzz::check_canonical_record(
        bytes, "share complaint", [](ByteSpan in) { return election::decode_share_complaint(in); },
        [](const auto& record) { return election::encode_share_complaint(record); });
    fuzz::check_canonical_record(
        bytes, "share resolution",
        [](ByteSpan in) { return election::decode_share_resolution(in); },
        [](const auto& record) { return election::encode_share_resolution(record); });

    const std::string path =
        fuzz::write_temporary_file("psephos-fuzz-guardian-state", fuzz::text_of(data, size));
    if (path.empty()) fuzz::fail_invariant("cannot write the temporary state file (environment)");
    auto info = election::read_guardian_state_info(path);
    ::unlink(path.c_str());
    if (!info) {
        fuzz::require_message(info.error(), "state file error has a message");
        return 0;
    }
    const auto& i = info.value();
    require(i.index >= 1 && i.index <= i.guardian_count, "guardian index within 1..guardians");
    require(i.threshold >= 1 && i.threshold <= i.guardian_count, "threshold within 1..guardians");
    return 0;
}
