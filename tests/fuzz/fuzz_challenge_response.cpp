// Fuzzes ChallengeResponse::from_bytes, the decoder of every Schnorr and Chaum–Pedersen proof
// (c ‖ v) that arrives from a guardian.
// Invariants: it succeeds exactly when the input is 64 bytes whose halves both decode as
// canonical scalars, and the decoded proof re-encodes to the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/challenge_response.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = ChallengeResponse::from_bytes(input);
    const bool halves_decode = size == ChallengeResponse::size &&
                               Scalar::from_bytes(input.first(32)).ok() &&
                               Scalar::from_bytes(input.last(32)).ok();
    require(decoded.ok() == halves_decode,
            "ChallengeResponse::from_bytes succeeds exactly when both halves are scalars");
    if (!decoded) {
        fuzz::require_message(decoded.error(), "ChallengeResponse::from_bytes error has a message");
        return 0;
    }
    const Bytes encoded = decoded.value().to_bytes();
    require(std::equal(encoded.begin(), encoded.end(), input.begin(), input.end()),
            "decoded proof re-encodes to the input");
    auto again = ChallengeResponse::from_bytes(encoded);
    require(again.ok() && again.value() == decoded.value(),
            "re-encoding decodes to the same proof");
    return 0;
}
