// V28 (docs/election-record.md §5): the bridge log's anchor intents, transactions and
// confirmations against the election checkpoints and the ledger's anchoring state machine.
#include <algorithm>
#include <set>

#include "verifier_impl.hpp"

namespace psephos::verifier::detail {

namespace {

// What an anchor transaction (0x12) or confirmation (0x13) says of its intent.
struct AnchorReference {
    std::uint64_t intent = 0;
    Hash32 transaction_id;
};

Result<AnchorReference> decode_anchor_reference(std::uint8_t type, ByteSpan frame) {
    if (type == 0x12) {
        PSEPHOS_TRY_ASSIGN(const DecodedAnchorTransaction t, decode_anchor_transaction(frame));
        return AnchorReference{t.intent, t.transaction_id};
    }
    PSEPHOS_TRY_ASSIGN(const DecodedAnchorConfirmation c, decode_anchor_confirmation(frame));
    return AnchorReference{c.intent, c.transaction_id};
}

}  // namespace

// Every record of the bridge log is an anchor intent, transaction or confirmation that the
// ledger's state machine admits (docs/encoding.md §20–§22): an intent names this election and one
// of the election checkpoints the record holds, once per chain and payload, with one kind and
// network per chain; a transaction or confirmation belongs to an earlier intent that is not yet
// confirmed, and a confirmation to one of its transactions.
void Verifier::check_anchors() {
    Outcome& v28 = out(28);
    const auto bridge = std::find_if(logs_.begin(), logs_.end(),
                                     [](const LogInfo& l) { return l.name == "/bridge"; });
    if (bridge == logs_.end()) return;  // nothing was anchored when the record was exported
    if (!bridge->readable) {
        v28.skip("bridge/records.bin does not parse into frames (V11)");
        return;
    }
    const LogInfo& election = logs_[election_.manifest.districts.size()];
    struct Intent {
        std::string chain, network;
        std::uint8_t kind = 0;
        Bytes payload;
        std::set<Hash32> transactions;
        bool confirmed = false;
    };
    std::map<std::uint64_t, Intent> intents;
    std::map<std::string, std::pair<std::uint8_t, std::string>> chains;
    for (std::uint64_t i = 0; i < bridge_records_.size(); ++i) {
        const Bytes& frame = bridge_records_[i];
        const std::string at = "bridge record " + std::to_string(i);
        v28.count();
        const std::uint8_t type = frame.empty() ? 0 : frame[0];
        if (type == 0x11) {
            const auto decoded = decode_anchor_intent(frame);
            if (!decoded) {
                v28.fail(at + ": " + decoded.error().message);
                continue;
            }
            const DecodedAnchorIntent& a = *decoded;
            if (!(a.anchored.digest == election_.base_hash))
                v28.fail(at + ": the payload's election digest is not the base hash");
            const auto cp = election.checkpoints.find(a.anchored.size);
            if (cp == election.checkpoints.end())
                v28.fail(at + ": the record has no election checkpoint of size " +
                         std::to_string(a.anchored.size));
            else if (!(cp->second.root == a.anchored.root))
                v28.fail(at + ": the payload's root is not the election checkpoint's of size " +
                         std::to_string(a.anchored.size));
            for (const auto& [index, earlier] : intents)
                if (earlier.chain == a.chain && earlier.payload == a.payload)
                    v28.fail(at + ": a second intent for chain '" + a.chain +
                             "' and this payload (first: record " + std::to_string(index) + ")");
            const auto known = chains.emplace(a.chain, std::make_pair(a.kind, a.network));
            if (!known.second && known.first->second != std::make_pair(a.kind, a.network))
                v28.fail(at + ": chain '" + a.chain +
                         "' was recorded with another kind or network");
            intents[i] = {a.chain, a.network, a.kind, a.payload, {}, false};
        } else if (type == 0x12 || type == 0x13) {
            const auto reference = decode_anchor_reference(type, frame);
            if (!reference) {
                v28.fail(at + ": " + reference.error().message);
                continue;
            }
            const std::uint64_t intent = reference->intent;
            const auto it = intents.find(intent);
            if (it == intents.end()) {
                v28.fail(at + ": bridge record " + std::to_string(intent) +
                         " is not an earlier anchor intent");
                continue;
            }
            if (it->second.confirmed) {
                v28.fail(at + ": intent " + std::to_string(intent) + " is already confirmed");
                continue;
            }
            if (type == 0x12) {
                if (!it->second.transactions.insert(reference->transaction_id).second)
                    v28.fail(at + ": transaction " + hex(reference->transaction_id) +
                             " recorded twice");
            } else if (!it->second.transactions.count(reference->transaction_id)) {
                v28.fail(at + ": confirms " + hex(reference->transaction_id) +
                         ", not a recorded transaction of intent " + std::to_string(intent));
            } else {
                it->second.confirmed = true;
            }
        } else {
            v28.fail(at + ": record type " + std::to_string(type) + " is not a bridge record");
        }
    }
}

}  // namespace psephos::verifier::detail
