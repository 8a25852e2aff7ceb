// Fuzzes Point::from_bytes, the decoder of every ristretto255 element that arrives from outside
// (ciphertexts, public keys, commitments, decryption shares).
// Invariants: only 32 bytes decode; a decoded point keeps exactly the input bytes and decodes
// again to itself; and since encodings are canonical, group arithmetic gives back the same bytes:
// p + 0 = p, p − p = 0, (p + G) − G = p, 1·p = p. libsodium refusing any of that would throw, which
// also fails here.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/point.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = Point::from_bytes(input);
    if (!decoded) {
        fuzz::require_message(decoded.error(), "Point::from_bytes error has a message");
        require(decoded.error().code == ErrorCode::invalid_encoding,
                "Point::from_bytes fails only with invalid_encoding");
        return 0;
    }
    require(size == Point::size, "Point::from_bytes accepts only 32 bytes");
    require(
        std::equal(decoded.value().bytes().begin(), decoded.value().bytes().end(), input.begin()),
        "decoded point keeps the input bytes");
    auto again = Point::from_bytes(decoded.value().bytes());
    require(again.ok() && again.value() == decoded.value(),
            "a point's own encoding decodes to itself");
    const Point& p = decoded.value();
    require(p + Point::identity() == p, "p + identity == p");
    require((p - p).is_identity(), "p - p == identity");
    require((p + Point::generator()) - Point::generator() == p, "(p + G) - G == p");
    require(Scalar::from_uint64(1) * p == p, "1 * p == p");
    require(p.is_identity() == (p == Point::identity()), "is_identity agrees with ==");
    return 0;
}
