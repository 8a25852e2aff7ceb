// Encoding of the compact (c, v) proofs.
#include "psephos/crypto/challenge_response.hpp"

namespace psephos::crypto {

Bytes ChallengeResponse::to_bytes() const {
    Bytes out(challenge.bytes().begin(), challenge.bytes().end());
    out.insert(out.end(), response.bytes().begin(), response.bytes().end());
    return out;
}

Result<ChallengeResponse> ChallengeResponse::from_bytes(ByteSpan data) {
    if (data.size() != size) {
        return make_error(ErrorCode::invalid_encoding,
                          "proof must be 64 bytes, got " + std::to_string(data.size()));
    }
    auto c = Scalar::from_bytes(data.first(32));
    if (!c) return c.error().within("proof challenge");
    auto v = Scalar::from_bytes(data.last(32));
    if (!v) return v.error().within("proof response");
    return ChallengeResponse{std::move(c).value(), std::move(v).value()};
}

}  // namespace psephos::crypto
