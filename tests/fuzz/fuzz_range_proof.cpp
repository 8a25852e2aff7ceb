// Fuzzes RangeProof::from_bytes, the decoder of the 0/1 and contest-limit proofs on every ballot,
// and verify_range on whatever it decodes. Input: one byte, the limit L the caller expects (so
// every limit 0 … 255 is exercised), then the proof bytes.
// Invariants: decoding succeeds only for 1 ≤ L ≤ max_range_limit and exactly 2(L+1)·32 bytes; a
// decoded proof has L+1 branches and re-encodes to the input; verify_range against a fixed
// ciphertext and key returns a verification_failed error with a message (a fuzzer cannot forge a
// proof, and the seed proofs are genuine but for another context), never crashes, and rejects a
// proof checked against the wrong limit. Limits above max_range_limit never decode.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "fixtures.hpp"
#include "fuzz_support.hpp"
#include "psephos/crypto/range_proof.hpp"

using namespace psephos;
using namespace psephos::crypto;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    initialize();
    (void)fuzz::range_statement();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputReader reader(fuzz::bytes_of(data, size));
    const std::uint32_t limit = reader.take_u8();
    const ByteSpan proof_bytes = reader.rest();

    for (const std::uint32_t too_large :
         {max_range_limit + 1 + limit, std::numeric_limits<std::uint32_t>::max()}) {
        auto rejected = RangeProof::from_bytes(proof_bytes, too_large);
        require(!rejected.ok() && rejected.error().code == ErrorCode::invalid_argument,
                "a limit above max_range_limit never decodes");
    }

    auto decoded = RangeProof::from_bytes(proof_bytes, limit);
    if (!decoded) {
        fuzz::require_message(decoded.error(), "RangeProof::from_bytes error has a message");
        return 0;
    }
    const RangeProof& proof = decoded.value();
    require(limit >= 1 && limit <= max_range_limit, "only limits in [1, max] decode");
    require(proof_bytes.size() == 2 * (std::size_t{limit} + 1) * Scalar::size,
            "a decoded proof has exactly 2(L+1) scalars");
    require(proof.limit() == limit && proof.responses.size() == proof.challenges.size(),
            "a decoded proof has L+1 challenges and L+1 responses");
    const Bytes encoded = proof.to_bytes();
    require(std::equal(encoded.begin(), encoded.end(), proof_bytes.begin(), proof_bytes.end()),
            "decoded range proof re-encodes to the input");

    const fuzz::RangeStatement& s = fuzz::range_statement();
    const Status verified = verify_range(s.base_hash, as_bytes(fuzz::range_fuzz_context),
                                         s.ciphertext, s.public_key, limit, proof);
    require(!verified.ok(), "a fuzzed range proof does not verify (forgery)");
    require(verified.error().code == ErrorCode::verification_failed,
            "verify_range rejects with verification_failed");
    fuzz::require_message(verified.error(), "verify_range error has a message");

    const std::uint32_t other_limit = limit == max_range_limit ? 1 : limit + 1;
    const Status mismatched = verify_range(s.base_hash, as_bytes(fuzz::range_fuzz_context),
                                           s.ciphertext, s.public_key, other_limit, proof);
    require(!mismatched.ok(), "a proof for limit L does not verify for another limit");
    fuzz::require_message(mismatched.error(), "verify_range error has a message");
    return 0;
}
