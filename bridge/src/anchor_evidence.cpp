// A proof bundle's anchors (docs/proof-bundle.md §3, P11): the transaction each anchor carries,
// checked from its bytes (for Bitcoin, every input's signature over its spent output), against
// the bridge the checker trusts (never the bundle's own word), and the spent outputs a bundle
// maker finds for a Bitcoin anchor's inputs.
#include "anchor_evidence.hpp"

#include <algorithm>

#include "psephos/bridge/bitcoin_address.hpp"
#include "psephos/bridge/evm_abi.hpp"
#include "psephos/bridge/evm_transaction.hpp"

namespace psephos::bridge {

using election::AnchorPayload;
using election::AnchorState;
using election::ChainKind;

namespace {

std::string outpoint_text(const BitcoinOutPoint& o) {
    return o.txid.to_hex() + ":" + std::to_string(o.vout);
}

Status check_evm_transaction(const BundleAnchor& a, const AnchorPayload& payload) {
    auto decoded = decode_signed_transaction(a.raw_transaction);
    if (!decoded) return decoded.error().within("raw transaction");
    const DecodedEvmTransaction& t = decoded.value();
    if (!(t.hash == a.transaction_id)) {
        return make_error(ErrorCode::verification_failed, "the raw transaction's hash is " +
                                                              t.hash.to_hex() + ", not " +
                                                              a.transaction_id.to_hex());
    }
    if (std::to_string(t.chain_id()) != a.network) {
        return make_error(ErrorCode::verification_failed, "the transaction is for chain id " +
                                                              std::to_string(t.chain_id()) +
                                                              ", the anchor says " + a.network);
    }
    auto sender = EvmAddress::from_text(a.sender);
    if (!sender) return sender.error().within("sender");
    if (!(t.sender == sender.value())) {
        return make_error(ErrorCode::verification_failed, "the transaction was signed by " +
                                                              t.sender.to_checksum_text() +
                                                              ", not the bridge's " + a.sender);
    }
    const Bytes call = encode_anchor_call(payload.election_digest, payload.election_log_size,
                                          payload.election_root);
    if (t.data() != election::encode_anchor_payload(payload) && t.data() != call) {
        return make_error(ErrorCode::verification_failed,
                          "the transaction's data is neither the payload nor the "
                          "ElectionAnchor anchor() call carrying it");
    }
    if (!a.spent_outputs.empty())
        return make_error(ErrorCode::verification_failed,
                          "an EVM anchor carries spent outputs (only Bitcoin anchors have them)");
    return {};
}

Status check_bitcoin_transaction(const BundleAnchor& a, const AnchorPayload& payload) {
    auto decoded = decode_bitcoin_transaction(a.raw_transaction);
    if (!decoded) return decoded.error().within("raw transaction");
    const DecodedBitcoinTransaction& tx = decoded.value();
    if (!(tx.txid == a.transaction_id)) {
        return make_error(ErrorCode::verification_failed, "the raw transaction's txid is " +
                                                              tx.txid.to_hex() + ", not " +
                                                              a.transaction_id.to_hex());
    }
    auto carried = op_return_payload(tx);
    if (!carried) return carried.error();
    if (carried.value() != election::encode_anchor_payload(payload)) {
        return make_error(ErrorCode::verification_failed,
                          "the OP_RETURN output does not carry the payload");
    }
    // Every input is the bridge's signed spend of an output of the bridge's P2WPKH script, with
    // the amount the bundle says (BIP 143 signs both: one byte off and the signature fails).
    auto address = decode_p2wpkh_address(a.sender);
    if (!address) return address.error().within("sender");
    if (a.spent_outputs.size() != tx.inputs.size()) {
        return make_error(ErrorCode::verification_failed,
                          "the anchor carries " + std::to_string(a.spent_outputs.size()) +
                              " spent output(s) for " + std::to_string(tx.inputs.size()) +
                              " input(s)");
    }
    const Bytes own_script = address.value().script_pubkey();
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
        const std::string where =
            "input " + std::to_string(i) + " (spends " + outpoint_text(tx.inputs[i].prevout) + ")";
        const SpentOutput& spent = a.spent_outputs[i];
        if (spent.script_pubkey != own_script) {
            return make_error(ErrorCode::verification_failed,
                              where + ": the spent output's script " + to_hex(spent.script_pubkey) +
                                  " is not the P2WPKH script of the bridge's " + a.sender);
        }
        if (auto ok = verify_p2wpkh_input(tx, i, spent.amount_sat, address.value().key_hash); !ok)
            return ok.error().within(where + " of " + std::to_string(spent.amount_sat) + " sat");
    }
    return {};
}

// Whether `text` names the same EVM address as one of `trusted` (any case form).
bool evm_address_among(const EvmAddress& address, const std::vector<std::string>& trusted) {
    return std::any_of(trusted.begin(), trusted.end(), [&](const std::string& t) {
        auto parsed = EvmAddress::from_text(t);
        return parsed && parsed.value() == address;
    });
}

}  // namespace

Status check_anchor_transaction(const BundleAnchor& a, const AnchorPayload& payload) {
    return a.kind == ChainKind::evm ? check_evm_transaction(a, payload)
                                    : check_bitcoin_transaction(a, payload);
}

Status check_bundle_trust(const BundleTrust& trust) {
    for (const std::string& address : trust.bridge_addresses) {
        if (!EvmAddress::from_text(address) && !decode_p2wpkh_address(address)) {
            return make_error(ErrorCode::invalid_argument,
                              "trusted bridge address '" + address +
                                  "' is neither an EVM address (0x and 40 hex digits) nor a "
                                  "P2WPKH address");
        }
    }
    for (const std::string& contract : trust.bridge_contracts) {
        if (auto ok = EvmAddress::from_text(contract); !ok)
            return ok.error().within("trusted contract '" + contract + "'");
    }
    return {};
}

Status check_anchor_trusted(const BundleAnchor& a, const BundleTrust& trust) {
    if (trust.bridge_addresses.empty()) {
        return make_error(ErrorCode::verification_failed,
                          "no trusted bridge address was given (--bridge-address): the sender " +
                              a.sender + " is only the bundle's word");
    }
    if (a.kind == ChainKind::bitcoin) {
        auto sender = decode_p2wpkh_address(a.sender);
        if (!sender) return sender.error().within("sender");
        const bool trusted = std::any_of(trust.bridge_addresses.begin(),
                                         trust.bridge_addresses.end(), [&](const std::string& t) {
                                             auto parsed = decode_p2wpkh_address(t);
                                             return parsed && parsed.value() == sender.value();
                                         });
        if (!trusted) {
            return make_error(ErrorCode::verification_failed,
                              "the sender " + a.sender + " is not a trusted bridge address");
        }
        return {};
    }
    auto sender = EvmAddress::from_text(a.sender);
    if (!sender) return sender.error().within("sender");
    if (!evm_address_among(sender.value(), trust.bridge_addresses)) {
        return make_error(ErrorCode::verification_failed,
                          "the sender " + a.sender + " is not a trusted bridge address");
    }
    auto decoded = decode_signed_transaction(a.raw_transaction);
    if (!decoded) return decoded.error().within("raw transaction");
    const std::optional<EvmAddress>& to = decoded.value().to();
    if (!to) {
        return make_error(ErrorCode::verification_failed,
                          "the transaction creates a contract instead of anchoring");
    }
    const bool payload_only = decoded.value().data() == a.payload;
    if (payload_only) {
        if (!(*to == sender.value()))
            return make_error(ErrorCode::verification_failed,
                              "the payload-only transaction is sent to " + to->to_checksum_text() +
                                  ", not to the bridge's own address " + a.sender);
        return {};
    }
    if (trust.bridge_contracts.empty()) {
        return make_error(ErrorCode::verification_failed,
                          "the transaction calls contract " + to->to_checksum_text() +
                              ", and no trusted ElectionAnchor contract was given "
                              "(--bridge-contract)");
    }
    if (!evm_address_among(*to, trust.bridge_contracts)) {
        return make_error(ErrorCode::verification_failed,
                          "the transaction calls contract " + to->to_checksum_text() +
                              ", which is not a trusted ElectionAnchor contract");
    }
    return {};
}

Result<BundleTrust> record_bridge_trust(const std::filesystem::path& record_dir) {
    auto anchors = record_anchors(record_dir);
    if (!anchors) return anchors.error();
    BundleTrust trust;
    auto add = [](std::vector<std::string>& list, const std::string& item) {
        if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
    };
    for (const BundleAnchor& a : anchors.value()) {
        add(trust.bridge_addresses, a.sender);
        if (a.kind != ChainKind::evm) continue;
        auto decoded = decode_signed_transaction(a.raw_transaction);
        if (!decoded)
            return decoded.error().within("the record's anchor on chain '" + a.chain + "'");
        const auto& to = decoded.value().to();
        if (to && decoded.value().data() != a.payload)
            add(trust.bridge_contracts, to->to_checksum_text());
    }
    return trust;
}

Status add_spent_outputs(BundleAnchor& anchor, const std::vector<AnchorState>& bridge_log,
                         const std::vector<Utxo>& funding) {
    anchor.spent_outputs.clear();
    if (anchor.kind != ChainKind::bitcoin) return {};
    const std::string where = "chain '" + anchor.chain + "'";
    auto decoded = decode_bitcoin_transaction(anchor.raw_transaction);
    if (!decoded) return decoded.error().within(where + ": raw transaction");
    auto sender = decode_p2wpkh_address(anchor.sender);
    if (!sender) return sender.error().within(where + ": sender");
    for (const BitcoinInput& input : decoded.value().inputs) {
        std::optional<SpentOutput> found;
        // An earlier anchor's output (the change the relay spends next).
        for (const AnchorState& a : bridge_log) {
            if (a.intent.kind != ChainKind::bitcoin || found) continue;
            for (const auto& [index, t] : a.transactions) {
                if (!(t.transaction_id == input.prevout.txid)) continue;
                auto earlier = decode_bitcoin_transaction(t.raw_transaction);
                if (!earlier) return earlier.error().within(where + ": an earlier anchor");
                if (input.prevout.vout >= earlier.value().outputs.size()) break;
                const BitcoinOutput& o = earlier.value().outputs[input.prevout.vout];
                found = SpentOutput{o.value_sat, o.script_pubkey};
                break;
            }
        }
        // The funding output the operator configured, which pays to the bridge key's script.
        for (const Utxo& u : funding) {
            if (!found && u.txid == input.prevout.txid && u.vout == input.prevout.vout)
                found = SpentOutput{u.amount_sat, sender.value().script_pubkey()};
        }
        if (!found) {
            return make_error(ErrorCode::not_found,
                              where + ": the anchor spends " + outpoint_text(input.prevout) +
                                  ", which is no earlier anchor's output: give the funding "
                                  "output it spends (psephos proof --funding TXID:VOUT:AMOUNT)");
        }
        anchor.spent_outputs.push_back(std::move(*found));
    }
    return {};
}

}  // namespace psephos::bridge
