// An ElGamal ciphertext (α, β) of public data held unencoded (docs/crypto.md §1.1, §3.3): decoded
// once from a ballot or a record, then reused by proof verification and by aggregation.
#pragma once

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

    Ciphertext to_ciphertext() const { return {alpha.to_point(), beta.to_point()}; }

    friend bool operator==(const PublicCiphertext&, const PublicCiphertext&) = default;
};

}  // namespace psephos::crypto
