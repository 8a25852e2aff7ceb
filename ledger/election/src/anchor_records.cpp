// Anchor payloads and the bridge log's records (anchor_records.hpp, docs/encoding.md §19–§22).
#include "psephos/election/anchor_records.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace psephos::election {

namespace {

constexpr std::uint8_t record_version = 1;
constexpr std::string_view bitcoin_networks[] = {"mainnet", "testnet", "signet", "regtest"};

bool is_chain_name(std::string_view id) {
    return !id.empty() && id.size() <= max_chain_name_size &&
           std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
}

// An EVM chain id in decimal without leading zeros (1 to 2^64 − 1), or a Bitcoin network name.
std::optional<std::string> network_problem(ChainKind kind, std::string_view network) {
    if (kind == ChainKind::bitcoin) {
        if (std::find(std::begin(bitcoin_networks), std::end(bitcoin_networks), network) !=
            std::end(bitcoin_networks))
            return std::nullopt;
        return "Bitcoin network must be mainnet, testnet, signet or regtest";
    }
    if (network.empty() || network.size() > 20 || network[0] == '0' ||
        !std::all_of(network.begin(), network.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "EVM chain id must be a decimal number from 1, without leading zeros";
    if (network.size() == 20 && network > "18446744073709551615")
        return "EVM chain id does not fit 64 bits";
    return std::nullopt;
}

std::optional<std::string> intent_problem(const AnchorIntent& i) {
    if (!is_chain_name(i.chain)) return "chain name must be 1 to 64 characters a-z, 0-9 and -";
    if (i.kind != ChainKind::evm && i.kind != ChainKind::bitcoin) return "unknown chain kind";
    if (auto p = network_problem(i.kind, i.network)) return p;
    if (std::find(std::begin(anchor_reasons), std::end(anchor_reasons), i.reason) ==
        std::end(anchor_reasons))
        return "reason must be polls-closed, results or manual";
    if (auto payload = decode_anchor_payload(i.payload); !payload) return payload.error().message;
    return std::nullopt;
}

std::optional<std::string> transaction_problem(const AnchorTransaction& t) {
    if (t.raw_transaction.empty()) return "raw transaction is empty";
    if (t.raw_transaction.size() > max_raw_transaction_size) return "raw transaction is too big";
    if (t.sender.empty() || t.sender.size() > max_anchor_sender_size ||
        !std::all_of(t.sender.begin(), t.sender.end(), [](char c) { return c > 0x20 && c < 0x7F; }))
        return "sender must be 1 to 128 printable ASCII characters";
    return std::nullopt;
}

std::string hex_prefix(const Hash32& h) { return h.to_hex().substr(0, 16); }

}  // namespace

// ---- Payload --------------------------------------------------------------------------------

Bytes encode_anchor_payload(const AnchorPayload& p) {
    Bytes out(anchor_payload_magic.begin(), anchor_payload_magic.end());
    out.push_back(anchor_payload_version);
    out.insert(out.end(), p.election_digest.bytes.begin(), p.election_digest.bytes.end());
    append_u64_be(out, p.election_log_size);
    out.insert(out.end(), p.election_root.bytes.begin(), p.election_root.bytes.end());
    return out;
}

Result<AnchorPayload> decode_anchor_payload(ByteSpan data) {
    if (data.size() != anchor_payload_size) {
        return make_error(ErrorCode::invalid_encoding,
                          "anchor payload: " + std::to_string(data.size()) + " bytes, must be " +
                              std::to_string(anchor_payload_size));
    }
    if (!std::equal(anchor_payload_magic.begin(), anchor_payload_magic.end(), data.begin()))
        return make_error(ErrorCode::invalid_encoding, "anchor payload: does not begin with PSPH");
    if (data[4] != anchor_payload_version) {
        return make_error(ErrorCode::invalid_encoding,
                          "anchor payload: version " + std::to_string(data[4]) + ", expected 1");
    }
    AnchorPayload p;
    std::memcpy(p.election_digest.bytes.data(), data.data() + 5, 32);
    for (std::size_t i = 0; i < 8; ++i)
        p.election_log_size = (p.election_log_size << 8) | data[37 + i];
    std::memcpy(p.election_root.bytes.data(), data.data() + 45, 32);
    return p;
}

std::string_view to_string(ChainKind kind) {
    switch (kind) {
        case ChainKind::evm:
            return "evm";
        case ChainKind::bitcoin:
            return "bitcoin";
    }
    return "unknown";
}

// ---- Records --------------------------------------------------------------------------------

Bytes encode_anchor_intent(const AnchorIntent& i) {
    if (auto p = intent_problem(i)) throw std::invalid_argument("anchor intent: " + *p);
    CanonicalWriter w(RecordType::anchor_intent, record_version);
    w.text(i.chain);
    w.u8(static_cast<std::uint8_t>(i.kind));
    w.text(i.network);
    w.text(i.reason);
    w.bytes(i.payload);
    w.u64(i.time);
    return w.take();
}

Result<AnchorIntent> decode_anchor_intent(ByteSpan data) {
    CanonicalReader r(data, RecordType::anchor_intent, record_version, "anchor intent");
    AnchorIntent i;
    i.chain = r.text("chain", max_chain_name_size);
    i.kind = static_cast<ChainKind>(r.u8("kind"));
    i.network = r.text("network", max_chain_network_size);
    i.reason = r.text("reason", 32);
    i.payload = r.bytes("payload", anchor_payload_size);
    i.time = r.u64("time");
    if (r.ok()) {
        if (auto p = intent_problem(i)) r.fail("fields", *p);
    }
    if (auto ok = r.finish(); !ok) return ok.error();
    return i;
}

Bytes encode_anchor_transaction(const AnchorTransaction& t) {
    if (auto p = transaction_problem(t)) throw std::invalid_argument("anchor transaction: " + *p);
    CanonicalWriter w(RecordType::anchor_transaction, record_version);
    w.u64(t.intent_index);
    w.hash(t.transaction_id);
    w.u64(t.nonce);
    w.text(t.sender);
    w.bytes(t.raw_transaction);
    w.u64(t.time);
    return w.take();
}

Result<AnchorTransaction> decode_anchor_transaction(ByteSpan data) {
    CanonicalReader r(data, RecordType::anchor_transaction, record_version, "anchor transaction");
    AnchorTransaction t;
    t.intent_index = r.u64("intent index");
    t.transaction_id = r.hash("transaction id");
    t.nonce = r.u64("nonce");
    t.sender = r.text("sender", max_anchor_sender_size);
    t.raw_transaction = r.bytes("raw transaction", max_raw_transaction_size);
    t.time = r.u64("time");
    if (r.ok()) {
        if (auto p = transaction_problem(t)) r.fail("fields", *p);
    }
    if (auto ok = r.finish(); !ok) return ok.error();
    return t;
}

Bytes encode_anchor_confirmation(const AnchorConfirmation& c) {
    if (c.confirmations == 0)
        throw std::invalid_argument("anchor confirmation: confirmations must be at least 1");
    CanonicalWriter w(RecordType::anchor_confirmation, record_version);
    w.u64(c.intent_index);
    w.hash(c.transaction_id);
    w.u64(c.block_number);
    w.hash(c.block_hash);
    w.u32(c.confirmations);
    w.u64(c.time);
    return w.take();
}

Result<AnchorConfirmation> decode_anchor_confirmation(ByteSpan data) {
    CanonicalReader r(data, RecordType::anchor_confirmation, record_version, "anchor confirmation");
    AnchorConfirmation c;
    c.intent_index = r.u64("intent index");
    c.transaction_id = r.hash("transaction id");
    c.block_number = r.u64("block number");
    c.block_hash = r.hash("block hash");
    c.confirmations = r.u32("confirmations");
    c.time = r.u64("time");
    if (r.ok() && c.confirmations == 0) r.fail("confirmations", "must be at least 1");
    if (auto ok = r.finish(); !ok) return ok.error();
    return c;
}

// ---- The bridge log's state machine ---------------------------------------------------------

const AnchorState* AnchorBook::find(std::string_view chain, ByteSpan payload) const {
    for (const AnchorState& a : anchors_) {
        if (a.intent.chain == chain && std::equal(a.intent.payload.begin(), a.intent.payload.end(),
                                                  payload.begin(), payload.end()))
            return &a;
    }
    return nullptr;
}

const AnchorState* AnchorBook::find_intent(std::uint64_t intent_index) const {
    // Intents are appended in log order, so the list is sorted by index.
    auto it = std::lower_bound(
        anchors_.begin(), anchors_.end(), intent_index,
        [](const AnchorState& a, std::uint64_t index) { return a.intent_index < index; });
    if (it == anchors_.end() || it->intent_index != intent_index) return nullptr;
    return &*it;
}

Result<std::string> AnchorBook::admit(ByteSpan record, std::uint64_t index,
                                      const ElectionRootLookup& root_at) const {
    if (record.empty()) return make_error(ErrorCode::invalid_encoding, "empty bridge record");
    const auto type = static_cast<RecordType>(record[0]);
    if (type == RecordType::anchor_intent) {
        auto intent = decode_anchor_intent(record);
        if (!intent) return intent.error();
        const AnchorIntent& i = intent.value();
        const AnchorPayload p = decode_anchor_payload(i.payload).value();
        if (!(p.election_digest == election_digest_)) {
            return make_error(ErrorCode::verification_failed,
                              "anchor intent: the payload's election digest is not this "
                              "election's base hash");
        }
        auto root = root_at(p.election_log_size);
        if (!root) return root.error().within("anchor intent");
        if (!(root.value() == p.election_root)) {
            return make_error(ErrorCode::verification_failed,
                              "anchor intent: the payload's root is not the root of this ledger's "
                              "election log of size " +
                                  std::to_string(p.election_log_size));
        }
        if (const AnchorState* existing = find(i.chain, i.payload)) {
            return make_error(ErrorCode::refused,
                              "anchor intent: chain '" + i.chain +
                                  "' already has an intent for this payload (bridge record " +
                                  std::to_string(existing->intent_index) + ")");
        }
        for (const AnchorState& a : anchors_) {
            if (a.intent.chain == i.chain &&
                (a.intent.kind != i.kind || a.intent.network != i.network)) {
                return make_error(ErrorCode::refused, "anchor intent: chain '" + i.chain +
                                                          "' was recorded as " +
                                                          std::string(to_string(a.intent.kind)) +
                                                          " network '" + a.intent.network + "'");
            }
        }
        return "anchor intent " + std::to_string(index) + " for chain '" + i.chain + "' (" +
               i.reason + "): election log size " + std::to_string(p.election_log_size) + " root " +
               hex_prefix(p.election_root);
    }
    if (type == RecordType::anchor_transaction) {
        auto transaction = decode_anchor_transaction(record);
        if (!transaction) return transaction.error();
        const AnchorTransaction& t = transaction.value();
        const AnchorState* a = find_intent(t.intent_index);
        if (a == nullptr) {
            return make_error(ErrorCode::refused, "anchor transaction: bridge record " +
                                                      std::to_string(t.intent_index) +
                                                      " is not an anchor intent");
        }
        if (a->confirmed()) {
            return make_error(ErrorCode::refused, "anchor transaction: intent " +
                                                      std::to_string(t.intent_index) +
                                                      " is already confirmed");
        }
        for (const auto& [at, previous] : a->transactions) {
            if (previous.transaction_id == t.transaction_id) {
                return make_error(ErrorCode::refused,
                                  "anchor transaction: " + t.transaction_id.to_hex() +
                                      " is already recorded (bridge record " + std::to_string(at) +
                                      ")");
            }
        }
        return "anchor transaction for intent " + std::to_string(t.intent_index) + " on chain '" +
               a->intent.chain + "': " + t.transaction_id.to_hex() + " nonce " +
               std::to_string(t.nonce);
    }
    if (type == RecordType::anchor_confirmation) {
        auto confirmation = decode_anchor_confirmation(record);
        if (!confirmation) return confirmation.error();
        const AnchorConfirmation& c = confirmation.value();
        const AnchorState* a = find_intent(c.intent_index);
        if (a == nullptr) {
            return make_error(ErrorCode::refused, "anchor confirmation: bridge record " +
                                                      std::to_string(c.intent_index) +
                                                      " is not an anchor intent");
        }
        if (a->confirmed()) {
            return make_error(ErrorCode::refused, "anchor confirmation: intent " +
                                                      std::to_string(c.intent_index) +
                                                      " is already confirmed");
        }
        const bool known =
            std::any_of(a->transactions.begin(), a->transactions.end(),
                        [&](const auto& t) { return t.second.transaction_id == c.transaction_id; });
        if (!known) {
            return make_error(ErrorCode::refused,
                              "anchor confirmation: " + c.transaction_id.to_hex() +
                                  " is not a recorded transaction of intent " +
                                  std::to_string(c.intent_index));
        }
        return "anchor confirmed on chain '" + a->intent.chain + "': " + c.transaction_id.to_hex() +
               " in block " + std::to_string(c.block_number) + " (" +
               std::to_string(c.confirmations) + " confirmations)";
    }
    return make_error(ErrorCode::invalid_encoding,
                      "record type " + std::to_string(record[0]) + " is not a bridge record");
}

void AnchorBook::add(ByteSpan record, std::uint64_t index) {
    const auto type = static_cast<RecordType>(record[0]);
    if (type == RecordType::anchor_intent) {
        AnchorState a;
        a.intent_index = index;
        a.intent = decode_anchor_intent(record).value();
        a.payload = decode_anchor_payload(a.intent.payload).value();
        anchors_.push_back(std::move(a));
    } else if (type == RecordType::anchor_transaction) {
        AnchorTransaction t = decode_anchor_transaction(record).value();
        auto* a = const_cast<AnchorState*>(find_intent(t.intent_index));
        a->transactions.emplace_back(index, std::move(t));
    } else {
        AnchorConfirmation c = decode_anchor_confirmation(record).value();
        auto* a = const_cast<AnchorState*>(find_intent(c.intent_index));
        a->confirmation.emplace(index, c);
    }
}

}  // namespace psephos::election
