// The compact form (c, v) shared by the Schnorr proof of knowledge and the Chaum–Pedersen
// proof of equal discrete logs: the verifier recomputes the commitments from (c, v) and the
// statement, then checks that hashing them gives c back (docs/crypto.md §4).
#pragma once

#include "psephos/crypto/scalar.hpp"

namespace psephos::crypto {

struct ChallengeResponse {
    Scalar challenge;
    Scalar response;

    static constexpr std::size_t size = 64;
    Bytes to_bytes() const;  // c ‖ v, each 32 bytes little-endian
    static Result<ChallengeResponse> from_bytes(ByteSpan data);

    friend bool operator==(const ChallengeResponse&, const ChallengeResponse&) = default;
};

}  // namespace psephos::crypto
