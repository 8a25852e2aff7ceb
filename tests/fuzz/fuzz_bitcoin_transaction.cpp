// Fuzzes decode_bitcoin_transaction, the decoder of the Bitcoin transactions the proof-bundle
// verifier fetches from a node or reads from a bundle (hostile bytes).
// Invariants: a rejection is invalid_encoding naming the byte offset; an accepted input
// re-serializes to exactly itself; txid is the reversed double SHA-256 of the witness-free
// serialization (wtxid of the full one); the weight lies between 4× the witness-free size and
// 4× the full size; op_return_payload, when it finds one, gives 1..80 bytes; verify_p2wpkh_input
// never crashes and, on a mangled input, fails with verification_failed.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"

using namespace psephos;
using namespace psephos::bridge;
using psephos::fuzz::require;

namespace {
Hash32 reversed(Hash32 hash) {
    std::reverse(hash.bytes.begin(), hash.bytes.end());
    return hash;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan raw = fuzz::bytes_of(data, size);
    auto decoded = fuzz::check_canonical_record(
        raw, "bitcoin transaction", [](ByteSpan in) { return decode_bitcoin_transaction(in); },
        [](const DecodedBitcoinTransaction& tx) { return serialize_bitcoin_transaction(tx); });
    if (!decoded) return 0;
    const DecodedBitcoinTransaction& tx = *decoded;

    require(!tx.inputs.empty() && !tx.outputs.empty(),
            "a decoded transaction has inputs and outputs");
    const Bytes stripped = serialize_bitcoin_transaction_without_witness(tx);
    require(tx.txid == reversed(double_sha256(stripped)), "txid is reversed dSHA256(stripped)");
    require(tx.wtxid == reversed(double_sha256(raw)), "wtxid is reversed dSHA256(raw)");
    require(tx.has_witness || stripped.size() == size, "a legacy transaction is its stripped form");
    const std::size_t weight = transaction_weight(tx);
    require(weight >= 4 * stripped.size() && weight <= 4 * size, "weight within its bounds");

    auto payload = op_return_payload(tx);
    if (payload) {
        require(!payload.value().empty() && payload.value().size() <= max_op_return_payload_size,
                "an OP_RETURN payload is 1..80 bytes");
    } else {
        require(payload.error().code == ErrorCode::not_found ||
                    payload.error().code == ErrorCode::invalid_encoding,
                "op_return_payload fails with not_found or invalid_encoding");
        fuzz::require_message(payload.error(), "op_return_payload error has a message");
    }

    // Check every input against the key its own witness names (the strongest claim the bytes can
    // make about themselves); fuzzed signatures essentially never verify, but must not crash.
    for (std::size_t i = 0; i < tx.inputs.size() && i < 4; ++i) {
        KeyHash160 claimed{};
        const auto& witness = tx.inputs[i].witness;
        if (witness.size() == 2) claimed = hash160(witness[1]);
        auto checked = verify_p2wpkh_input(tx, i, 100'000, claimed);
        if (!checked) {
            require(checked.error().code == ErrorCode::verification_failed,
                    "verify_p2wpkh_input fails with verification_failed");
            fuzz::require_message(checked.error(), "verify_p2wpkh_input error has a message");
        }
    }
    require(verify_p2wpkh_input(tx, tx.inputs.size(), 0, KeyHash160{}).error().code ==
                ErrorCode::invalid_argument,
            "an input index out of range is invalid_argument");
    return 0;
}
