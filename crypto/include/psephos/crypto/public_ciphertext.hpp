// An ElGamal ciphertext (α, β) of public data held unencoded (docs/crypto.md §1.1, §3.3): decoded
// once from a ballot or a record, then reused by proof verification and by aggregation.
#pragma once

#include <array>
#include <cstdint>

#include "psephos/crypto/elgamal.hpp"
#include "psephos/crypto/public_point.hpp"

namespace psephos::crypto {

struct PublicCiphertext {
    PublicPoint alpha;
    PublicPoint beta;

    // α ‖ β, 64 bytes, each half by the rules of Point::from_bytes; errors name the half.
    static Result<PublicCiphertext> from_bytes(ByteSpan data);
    explicit PublicCiphertext(const Ciphertext& ciphertext)
        : alpha(ciphertext.alpha), beta(ciphertext.beta) {}
    PublicCiphertext() = default;
    PublicCiphertext(const PublicPoint& a, const PublicPoint& b) : alpha(a), beta(b) {}

    Ciphertext to_ciphertext() const { return {alpha.to_point(), beta.to_point()}; }

    friend bool operator==(const PublicCiphertext&, const PublicCiphertext&) = default;
};

// A ciphertext read from a ballot, decoded once (docs/crypto.md §1.1): unencoded for proof
// verification and aggregation, encoded for the transcripts and the record's bytes.
struct DecodedCiphertext {
    PublicCiphertext unencoded;
    std::array<std::uint8_t, Ciphertext::size> encoding{};  // α ‖ β as received

    // Each half by the rules of Point::from_bytes, with Point::from_bytes' messages.
    static Result<DecodedCiphertext> from_bytes(ByteSpan data);
    DecodedCiphertext() = default;  // the zero ciphertext
    explicit DecodedCiphertext(const Ciphertext& c);
    // Encodes both halves of an unencoded ciphertext (a sum) once.
    explicit DecodedCiphertext(const PublicCiphertext& c);

    ByteSpan alpha_bytes() const { return ByteSpan(encoding).first(32); }
    ByteSpan beta_bytes() const { return ByteSpan(encoding).subspan(32); }
};

}  // namespace psephos::crypto
