// Differential fuzzing of the public backend (PublicPoint on libdecaf) against libsodium's Point
// (docs/crypto.md §1.1). Input: P ‖ Q ‖ a ‖ b, 32 bytes each (shorter inputs use what is there).
// Invariants: PublicPoint::from_bytes and DecodedCiphertext::from_bytes accept exactly what
// Point::from_bytes and Ciphertext::from_bytes accept, refuse with the same code and message, and
// re-encode an accepted input to itself; on two accepted points and two scalars (the bytes if
// canonical, else reduced), P + Q, P − Q, a·G + b·P, a·P + b·Q and Σ over (a, P), (b, Q), (a, G)
// are byte-identical to libsodium's.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/public_ciphertext.hpp"
#include "psephos/crypto/public_point.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

namespace {
Scalar scalar_from(ByteSpan bytes) {
    if (auto s = Scalar::from_bytes(bytes)) return std::move(s).value();
    std::array<std::uint8_t, 64> wide{};
    std::copy(bytes.begin(), bytes.end(), wide.begin());
    return Scalar::reduce_wide(wide);
}

void require_same_decoding(ByteSpan bytes) {
    auto by_sodium = Point::from_bytes(bytes);
    auto by_decaf = PublicPoint::from_bytes(bytes);
    require(by_sodium.ok() == by_decaf.ok(), "both backends accept the same encodings");
    if (!by_sodium) {
        require(by_sodium.error().code == by_decaf.error().code &&
                    by_sodium.error().message == by_decaf.error().message,
                "both backends refuse with the same error");
        return;
    }
    const auto encoded = by_decaf.value().encode();
    require(std::equal(encoded.begin(), encoded.end(), bytes.begin(), bytes.end()),
            "an accepted encoding re-encodes to itself");
    require(by_decaf.value().to_point() == by_sodium.value(), "to_point is the libsodium point");
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    require_same_decoding(input.first(std::min<std::size_t>(size, 32)));
    if (size > 32) require_same_decoding(input.subspan(32, std::min<std::size_t>(size - 32, 32)));
    {
        const ByteSpan pair = input.first(std::min<std::size_t>(size, 64));
        auto by_sodium = Ciphertext::from_bytes(pair);
        auto by_decaf = DecodedCiphertext::from_bytes(pair);
        require(by_sodium.ok() == by_decaf.ok(), "both backends accept the same ciphertexts");
        if (by_sodium) {
            const Bytes encoded = by_sodium.value().to_bytes();
            require(std::equal(encoded.begin(), encoded.end(), by_decaf.value().encoding.begin()) &&
                        by_decaf.value().unencoded.to_ciphertext() == by_sodium.value(),
                    "a decoded ciphertext is the libsodium ciphertext in both forms");
        }
    }
    if (size < 128) return 0;
    auto p = Point::from_bytes(input.first(32));
    auto q = Point::from_bytes(input.subspan(32, 32));
    if (!p || !q) return 0;
    const Scalar a = scalar_from(input.subspan(64, 32));
    const Scalar b = scalar_from(input.subspan(96, 32));
    const PublicPoint pp(p.value());
    const PublicPoint pq(q.value());
    require((pp + pq).to_point() == p.value() + q.value(), "P + Q as libsodium");
    require((pp - pq).to_point() == p.value() - q.value(), "P − Q as libsodium");
    require(PublicPoint::multiply_base_add_vartime(a, b, pp).to_point() ==
                Point::multiply_base(a) + b * p.value(),
            "a·G + b·P as libsodium");
    require(
        PublicPoint::multiply_two_vartime(a, pp, b, pq).to_point() == a * p.value() + b * q.value(),
        "a·P + b·Q as libsodium");
    const std::array<Scalar, 3> scalars{a, b, a};
    const std::array<PublicPoint, 3> points{pp, pq, PublicPoint::generator()};
    require(PublicPoint::multiply_sum_vartime(scalars, points).to_point() ==
                a * p.value() + b * q.value() + Point::multiply_base(a),
            "a·P + b·Q + a·G as libsodium");
    return 0;
}
