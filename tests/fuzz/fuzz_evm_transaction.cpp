// Fuzzes decode_signed_transaction (bridge/evm_transaction.hpp), which the proof-bundle verifier
// runs on anchor transactions taken from untrusted bundles.
// Invariants: a rejection is invalid_encoding or verification_failed with a message; an accepted
// transaction's hash is keccak256 of the input, its signature is low-S with y parity 0 or 1,
// re-encoding its fields with its signature gives the input back (one encoding per transaction),
// and its sender is the address of the key recovered from signing hash and signature.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "fuzz_support.hpp"
#include "psephos/bridge/evm_transaction.hpp"
#include "psephos/bridge/keccak.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    auto decoded = decode_signed_transaction(input);
    if (!decoded) {
        const ErrorCode code = decoded.error().code;
        require(code == ErrorCode::invalid_encoding || code == ErrorCode::verification_failed,
                "a rejected transaction is invalid_encoding or verification_failed");
        fuzz::require_message(decoded.error(), "a rejection has a message");
        return 0;
    }
    const DecodedEvmTransaction& tx = decoded.value();
    require(tx.hash == keccak256(input), "the hash is keccak256 of the raw bytes");
    require(tx.signature.recovery_id == 0 || tx.signature.recovery_id == 1,
            "the y parity is 0 or 1");
    require(tx.signature.s[0] < 0x80, "the signature is low-S");
    const Bytes reencoded =
        std::visit([&](const auto& t) { return t.encode_signed(tx.signature); }, tx.transaction);
    require(reencoded == Bytes(input.begin(), input.end()),
            "a decoded transaction re-encodes to the input");
    const Hash32 signing_hash =
        std::visit([](const auto& t) { return t.signing_hash(); }, tx.transaction);
    require(signing_hash == tx.signing_hash, "the signing hash is that of the decoded fields");
    auto key = recover_public_key(tx.signing_hash, tx.signature);
    require(key.ok() && EvmAddress::of_public_key(key.value()) == tx.sender,
            "the sender is the address of the recovered key");
    require(tx.chain_id() != 0, "the chain id is not 0");
    return 0;
}
