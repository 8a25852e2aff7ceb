// Fuzzes BoxPublicKey::from_bytes and BoxKeyPair::open, which take a guardian's sealing key and
// the sealed shares other guardians send it during the key ceremony.
// Invariants: from_bytes succeeds exactly for 32 bytes and keeps them; open never crashes on
// arbitrary bytes and rejects them with an error that has a message (a fuzzer cannot forge a
// box to a key made at start-up); and open(seal_to(key, x)) == x for the input as plaintext.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/box_key_pair.hpp"
#include "psephos/crypto/scalar.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

namespace {
const BoxKeyPair& recipient() {
    static const BoxKeyPair pair = BoxKeyPair::generate();
    return pair;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    (void)recipient();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);

    auto key = BoxPublicKey::from_bytes(input);
    require(key.ok() == (size == BoxPublicKey::size), "BoxPublicKey::from_bytes needs 32 bytes");
    if (key) {
        require(std::equal(input.begin(), input.end(), key.value().bytes.begin()),
                "BoxPublicKey::from_bytes keeps the bytes");
    } else {
        fuzz::require_message(key.error(), "BoxPublicKey::from_bytes error has a message");
    }

    auto opened = recipient().open(input);
    require(!opened.ok(), "arbitrary bytes do not open as a sealed box (forgery)");
    fuzz::require_message(opened.error(), "BoxKeyPair::open error has a message");

    const Bytes sealed = seal_to(recipient().public_key(), input);
    auto round_trip = recipient().open(sealed);
    require(round_trip.ok() && std::equal(round_trip.value().begin(), round_trip.value().end(),
                                          input.begin(), input.end()),
            "open(seal_to(key, x)) == x");
    return 0;
}
