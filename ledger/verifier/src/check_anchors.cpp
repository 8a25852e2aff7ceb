// V28 (docs/election-record.md §5): the bridge log's anchor intents, transactions and
// confirmations against the election checkpoints and the ledger's anchoring state machine, and
// each recorded transaction's bytes against its intent's payload.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "anchor_transactions.hpp"
#include "psephos/crypto/keccak.hpp"
#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

// The calldata of ElectionAnchor's anchor(bytes32 electionId, uint64 logSize, bytes32 root) with
// the payload's digest, size and root (docs/bridge.md §1): the selector, then one 32-byte word
// per argument (the size right-aligned).
Bytes anchor_call(ByteSpan payload) {
    const Hash32 signature = crypto::keccak256(as_bytes("anchor(bytes32,uint64,bytes32)"));
    Bytes out(signature.bytes.begin(), signature.bytes.begin() + 4);
    out.insert(out.end(), payload.begin() + 5, payload.begin() + 37);  // the election digest
    out.insert(out.end(), 24, 0);
    out.insert(out.end(), payload.begin() + 37, payload.begin() + 45);  // u64be size
    out.insert(out.end(), payload.begin() + 45, payload.end());         // the root
    return out;
}

// What is wrong with an EVM anchor transaction of an intent for chain id `network` (docs/
// election-record.md §5, V28 E1–E6); empty if nothing.
std::vector<std::string> evm_faults(const std::string& network, ByteSpan payload,
                                    const DecodedAnchorTransaction& t) {
    const auto tx = decode::decode_evm_transaction(t.raw);
    if (!tx) return {"raw transaction: " + tx.error().message};
    std::vector<std::string> out;
    if (!(tx->hash == t.transaction_id))
        out.push_back("the transaction id is not Keccak-256 of the raw transaction (" +
                      hex(tx->hash) + ")");
    if (std::to_string(tx->chain_id) != network)
        out.push_back("the transaction's chain id " + std::to_string(tx->chain_id) +
                      " is not the intent's " + network);
    const std::string sender = decode::eip55_address(tx->sender);
    if (sender != t.sender)
        out.push_back("the transaction is signed by " + sender + ", not by the recorded sender " +
                      t.sender);
    if (tx->nonce != t.nonce)
        out.push_back("the transaction's nonce " + std::to_string(tx->nonce) +
                      " is not the recorded " + std::to_string(t.nonce));
    if (!tx->value_is_zero) out.push_back("the transaction transfers a value");
    const bool plain = std::equal(tx->data.begin(), tx->data.end(), payload.begin(), payload.end());
    if (plain && !(tx->to && *tx->to == tx->sender))
        out.push_back("the payload as plain calldata goes to another address than the sender's");
    if (!plain && (tx->data != anchor_call(payload) || !tx->to))
        out.push_back(
            "the calldata is neither the intent's payload nor a call of "
            "anchor(bytes32,uint64,bytes32) with its digest, size and root");
    return out;
}

// What is wrong with a Bitcoin anchor transaction of an intent (V28 B1–B4); empty if nothing.
std::vector<std::string> bitcoin_faults(ByteSpan payload, const DecodedAnchorTransaction& t) {
    const auto tx = decode::decode_bitcoin_transaction(t.raw);
    if (!tx) return {"raw transaction: " + tx.error().message};
    std::vector<std::string> out;
    if (!(tx->txid == t.transaction_id))
        out.push_back("the transaction id is not the raw transaction's txid (" + hex(tx->txid) +
                      ")");
    if (t.nonce != 0) out.push_back("a Bitcoin anchor records nonce " + std::to_string(t.nonce));
    // OP_RETURN OP_PUSHDATA1 77 ‖ payload: the shortest push of 77 bytes.
    Bytes script{0x6a, 0x4c, static_cast<std::uint8_t>(payload.size())};
    script.insert(script.end(), payload.begin(), payload.end());
    std::size_t op_returns = 0;
    bool carries = false;
    for (const auto& o : tx->outputs) {
        if (o.script.empty() || o.script[0] != 0x6a) continue;
        ++op_returns;
        carries = carries || o.script == script;
    }
    if (op_returns != 1)
        out.push_back(std::to_string(op_returns) + " OP_RETURN outputs, not exactly one");
    else if (!carries)
        out.push_back("the OP_RETURN output is not OP_RETURN OP_PUSHDATA1 0x4d and the payload");
    return out;
}

// What an anchor transaction or confirmation says of its intent; the whole transaction record
// for a transaction.
struct AnchorReference {
    std::uint64_t intent = 0;
    Hash32 transaction_id;
    std::optional<DecodedAnchorTransaction> transaction;
};

Result<AnchorReference> decode_anchor_reference(RecordKind kind, ByteSpan frame) {
    if (kind == RecordKind::anchor_transaction) {
        PSEPHOS_TRY_ASSIGN(DecodedAnchorTransaction t, decode_anchor_transaction(frame));
        return AnchorReference{t.intent, t.transaction_id, std::move(t)};
    }
    PSEPHOS_TRY_ASSIGN(const DecodedAnchorConfirmation c, decode_anchor_confirmation(frame));
    return AnchorReference{c.intent, c.transaction_id, std::nullopt};
}

// The bridge log's record kinds; nullopt for any other first byte.
std::optional<RecordKind> bridge_record_kind(const Bytes& frame) {
    if (frame.empty()) return std::nullopt;
    switch (static_cast<RecordKind>(frame[0])) {
        case RecordKind::anchor_intent:
        case RecordKind::anchor_transaction:
        case RecordKind::anchor_confirmation:
            return static_cast<RecordKind>(frame[0]);
        default:
            return std::nullopt;
    }
}

// The ledger's anchoring state machine replayed over the bridge log, one handler per record kind;
// every fault goes to V28 with the record's index.
class BridgeLogReplay {
public:
    BridgeLogReplay(Outcome& v28, const Hash32& base_hash, const LogInfo& election)
        : v28_(v28), base_hash_(base_hash), election_(election) {}

    void record(std::uint64_t i, const Bytes& frame) {
        const std::string at = "bridge record " + std::to_string(i);
        v28_.count();
        const std::optional<RecordKind> kind = bridge_record_kind(frame);
        if (!kind) {
            v28_.fail(at + ": record type " + std::to_string(frame.empty() ? 0 : frame[0]) +
                      " is not a bridge record");
        } else if (*kind == RecordKind::anchor_intent) {
            intent(i, at, frame);
        } else {
            reference(at, *kind, frame);
        }
    }

private:
    struct Intent {
        std::string chain, network;
        std::uint8_t kind = 0;
        Bytes payload;
        std::set<Hash32> transactions;
        bool confirmed = false;
    };

    void intent(std::uint64_t i, const std::string& at, const Bytes& frame) {
        const auto decoded = decode_anchor_intent(frame);
        if (!decoded) {
            v28_.fail(at + ": " + decoded.error().message);
            return;
        }
        const DecodedAnchorIntent& a = *decoded;
        if (!(a.anchored.digest == base_hash_))
            v28_.fail(at + ": the payload's election digest is not the base hash");
        const auto cp = election_.checkpoints.find(a.anchored.size);
        if (cp == election_.checkpoints.end())
            v28_.fail(at + ": the record has no election checkpoint of size " +
                      std::to_string(a.anchored.size));
        else if (!(cp->second.root == a.anchored.root))
            v28_.fail(at + ": the payload's root is not the election checkpoint's of size " +
                      std::to_string(a.anchored.size));
        for (const auto& [index, earlier] : intents_)
            if (earlier.chain == a.chain && earlier.payload == a.payload)
                v28_.fail(at + ": a second intent for chain '" + a.chain +
                          "' and this payload (first: record " + std::to_string(index) + ")");
        const auto known = chains_.emplace(a.chain, std::make_pair(a.kind, a.network));
        if (!known.second && known.first->second != std::make_pair(a.kind, a.network))
            v28_.fail(at + ": chain '" + a.chain + "' was recorded with another kind or network");
        intents_[i] = {a.chain, a.network, a.kind, a.payload, {}, false};
    }

    // An anchor transaction or confirmation.
    void reference(const std::string& at, RecordKind kind, const Bytes& frame) {
        const auto reference = decode_anchor_reference(kind, frame);
        if (!reference) {
            v28_.fail(at + ": " + reference.error().message);
            return;
        }
        const std::uint64_t intent = reference->intent;
        const auto it = intents_.find(intent);
        if (it == intents_.end()) {
            v28_.fail(at + ": bridge record " + std::to_string(intent) +
                      " is not an earlier anchor intent");
            return;
        }
        if (it->second.confirmed) {
            v28_.fail(at + ": intent " + std::to_string(intent) + " is already confirmed");
            return;
        }
        if (kind == RecordKind::anchor_transaction) {
            if (!it->second.transactions.insert(reference->transaction_id).second)
                v28_.fail(at + ": transaction " + hex(reference->transaction_id) +
                          " recorded twice");
            const Intent& of = it->second;
            const auto faults = of.kind == 1
                                    ? evm_faults(of.network, of.payload, *reference->transaction)
                                    : bitcoin_faults(of.payload, *reference->transaction);
            for (const std::string& fault : faults) v28_.fail(at + ": " + fault);
        } else if (!it->second.transactions.count(reference->transaction_id)) {
            v28_.fail(at + ": confirms " + hex(reference->transaction_id) +
                      ", not a recorded transaction of intent " + std::to_string(intent));
        } else {
            it->second.confirmed = true;
        }
    }

    Outcome& v28_;
    const Hash32& base_hash_;
    const LogInfo& election_;
    std::map<std::uint64_t, Intent> intents_;
    std::map<std::string, std::pair<std::uint8_t, std::string>> chains_;
};

}  // namespace

// Every record of the bridge log is an anchor intent, transaction or confirmation that the
// ledger's state machine admits (docs/encoding.md §20–§22): an intent names this election and one
// of the election checkpoints the record holds, once per chain and payload, with one kind and
// network per chain; a transaction or confirmation belongs to an earlier intent that is not yet
// confirmed, and a confirmation to one of its transactions; a transaction's raw bytes are a
// signed transaction of the intent's chain whose id is the recorded one and which carries exactly
// the intent's payload.
void Verifier::check_anchors() {
    Outcome& v28 = out(28);
    const auto bridge = std::find_if(logs_.begin(), logs_.end(),
                                     [](const LogInfo& l) { return l.name == "/bridge"; });
    if (bridge == logs_.end()) return;  // nothing was anchored when the record was exported
    if (!bridge->readable) {
        v28.skip("bridge/records.bin does not parse into frames (V11)");
        return;
    }
    BridgeLogReplay replay(v28, election_.base_hash, logs_[election_.manifest.districts.size()]);
    for (std::uint64_t i = 0; i < bridge_records_.size(); ++i) replay.record(i, bridge_records_[i]);
}

}  // namespace psephos::verifier::detail
