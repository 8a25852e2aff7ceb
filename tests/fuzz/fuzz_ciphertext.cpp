// Fuzzes Ciphertext::from_bytes, the decoder of every encrypted selection a ballot carries.
// Invariants: it succeeds exactly when the input is 64 bytes whose halves both decode as points
// (α ‖ β), the decoded ciphertext re-encodes to the input, and adding the zero ciphertext leaves
// it unchanged.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/elgamal.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = Ciphertext::from_bytes(input);
    const bool halves_decode = size == Ciphertext::size &&
                               Point::from_bytes(input.first(32)).ok() &&
                               Point::from_bytes(input.last(32)).ok();
    require(decoded.ok() == halves_decode,
            "Ciphertext::from_bytes succeeds exactly when both 32-byte halves are points");
    if (!decoded) {
        fuzz::require_message(decoded.error(), "Ciphertext::from_bytes error has a message");
        return 0;
    }
    const Ciphertext& ciphertext = decoded.value();
    const Bytes encoded = ciphertext.to_bytes();
    require(std::equal(encoded.begin(), encoded.end(), input.begin(), input.end()),
            "decoded ciphertext re-encodes to the input");
    require(add_ciphertexts(ciphertext, zero_ciphertext()) == ciphertext,
            "ciphertext + encryption of zero with nonce zero == ciphertext");
    return 0;
}
