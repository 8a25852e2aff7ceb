// Fuzzes the record verifier's own readers of anchor transactions (V28,
// ledger/verifier/src/anchor_transactions.hpp) against the bridge's strict decoders of the same
// bytes (bridge/evm_transaction.hpp, bridge/bitcoin_transaction.hpp): on any input neither
// crashes; the verifier accepts an EIP-1559 transaction exactly when the bridge decodes one (the
// verifier refuses the legacy form, which the bridge never signs), with the same chain id, nonce,
// recipient, value, calldata, hash and recovered sender; and both accept or both refuse a Bitcoin
// transaction, with the same txid and outputs. A disagreement means one of the two reads the
// specifications differently.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "anchor_transactions.hpp"
#include "fuzz_support.hpp"
#include "psephos/bridge/bitcoin_transaction.hpp"
#include "psephos/bridge/evm_transaction.hpp"

using namespace psephos;
using psephos::fuzz::require;
namespace rv = psephos::verifier::decode;

namespace {

bool is_zero(const bridge::U256& v) {
    for (const std::uint8_t b : v)
        if (b != 0) return false;
    return true;
}

void compare_evm(ByteSpan input) {
    const auto b = bridge::decode_signed_transaction(input);
    const bool bridge_accepts =
        b.ok() && std::holds_alternative<bridge::Eip1559Transaction>(b.value().transaction);
    const auto v = rv::decode_evm_transaction(input);
    require(bridge_accepts == v.ok(), "the bridge and the verifier disagree on an EVM transaction");
    if (!v.ok()) {
        fuzz::require_message(v.error(), "a refused EVM transaction has a message");
        return;
    }
    const bridge::DecodedEvmTransaction& t = b.value();
    require(v->chain_id == t.chain_id() && v->nonce == t.nonce(), "chain id and nonce agree");
    require(v->to.has_value() == t.to().has_value() && (!v->to || *v->to == t.to()->bytes),
            "recipients agree");
    require(v->value_is_zero == is_zero(t.value()), "values agree");
    require(v->data == t.data() && v->hash == t.hash, "calldata and hash agree");
    require(v->sender == t.sender.bytes, "recovered senders agree");
}

void compare_bitcoin(ByteSpan input) {
    const auto b = bridge::decode_bitcoin_transaction(input);
    const auto v = rv::decode_bitcoin_transaction(input);
    require(b.ok() == v.ok(), "the bridge and the verifier disagree on a Bitcoin transaction");
    if (!v.ok()) {
        fuzz::require_message(v.error(), "a refused Bitcoin transaction has a message");
        return;
    }
    require(v->txid == b.value().txid, "txids agree");
    require(v->outputs.size() == b.value().outputs.size(), "output counts agree");
    for (std::size_t i = 0; i < v->outputs.size(); ++i)
        require(v->outputs[i].value_sat == b.value().outputs[i].value_sat &&
                    v->outputs[i].script == b.value().outputs[i].script_pubkey,
                "outputs agree");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteSpan input = fuzz::bytes_of(data, size);
    compare_evm(input);
    compare_bitcoin(input);
    return 0;
}
